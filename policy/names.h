/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The words policies are written with, shared by every serialization. */
#ifndef ISOLATE_POLICY_NAMES_H
#define ISOLATE_POLICY_NAMES_H

#include <isolate/policy.h>

/* "read", "connect", "cpu" ...; NULL for an unknown kind. */
const char *cap_kind_name(enum isolate_cap_kind kind);
/* 0 when name is no kind. */
enum isolate_cap_kind cap_kind_parse(const char *name, size_t len);

/* One ISOLATE_BROKER_* bit <-> "read" ... "bind". */
const char *broker_right_name(__u32 right);
__u32 broker_right_parse(const char *name);
#define BROKER_RIGHT_NAMES "read, write, exec, connect or bind"

/* One ISOLATE_CELL_* namespace bit <-> "user", "mount"; 0 for no namespace. */
const char *namespace_name(__u32 flag);
__u32 namespace_parse(const char *name);
#define NAMESPACE_NAMES "user or mount"

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
