/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The words policies are written with, shared by every serialization. */
#ifndef ISOLATE_POLICY_NAMES_H
#define ISOLATE_POLICY_NAMES_H

#include <isolate/policy.h>

/* "read", "connect", "cpu" ...; NULL for an unknown kind. */
/* 0 when name is no kind. */
enum isolate_cap_kind cap_kind_parse(const char *name, size_t len);
/* The kind whose word name (len bytes) likely misspells, or NULL. */
const char *cap_kind_near(const char *name, size_t len);

/* One ISOLATE_BROKER_* bit <-> "read" ... "bind". */
#define BROKER_RIGHT_NAMES "read, write, exec, connect or bind"

/*
 * Capabilities that are a word from a list: namespaces ("user", "mount"),
 * allowances ("exec-memory", ...), socket families ("inet", ...). One
 * table per kind, used by every serialization.
 */
struct word {
	__u32 value;
	const char *name;
};

struct word_kind {
	enum isolate_cap_kind kind;
	const char *key;		/* the YAML list: "namespaces", "allow", "sockets" */
	const char *what;		/* "a namespace" */
	const struct word *words;	/* ends with a NULL name */
};

extern const struct word_kind word_kinds[];	/* ends with a NULL key */
/* The table of kind, NULL when kind is not a word kind. */
const struct word_kind *word_kind_of(enum isolate_cap_kind kind);
const char *word_name(const struct word_kind *w, __u64 value);
int word_parse(const struct word_kind *w, const char *name, __u32 *value);
/* "a namespace user or mount" */
void word_expected(const struct word_kind *w, char *buf, size_t len);

/*
 * ISOLATE_NET_CONNECT, _BIND <-> "connect", "bind" (the keys under unix:),
 * and the verbs of the text form, "unix-connect", "unix-bind" (0: none).
 */
const char *unix_right_name(__u32 right);
#define UNIX_VERB_PREFIX "unix-"
__u32 unix_verb_parse(const char *verb, size_t len);

const char *mode_name(__u32 mode);
int mode_parse(const char *name, __u32 *mode);

#endif /* ISOLATE_POLICY_NAMES_H */
