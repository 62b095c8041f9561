/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The broker's rules file, read and asked: which requests it grants.
 * A deny line holds on what it names by object and by overlap, an allow
 * line only on what it contains: a request written otherwise (a narrower
 * block, another name for the same directory) must not slip past a deny
 * to a broader allow below it.
 */
#ifndef ISOLATE_USER_BROKER_RULES_H
#define ISOLATE_USER_BROKER_RULES_H

#include <stdbool.h>
#include <sys/types.h>

#include <isolate/isolate.h>

#include "policy/netset.h"

#define BROKER_RULES_MAX 1024

struct broker_rule {
	char cell[64];
	__u32 rights;		/* ISOLATE_BROKER_* bits the rule answers */
	char target[ISOLATE_BROKER_TARGET_MAX];
	bool allow;
	unsigned int seconds;
	/* A network target: its protocol, family and block times ports. */
	bool net;
	__u8 proto, family;
	struct net_rect rect;
	/* A path deny: the object the path led to when the file was read. */
	bool bound;
	dev_t dev;
	ino_t ino;
};

struct broker_rules {
	struct broker_rule v[BROKER_RULES_MAX];
	size_t n;
};

/* Reads file into r: 0, or -errno with the error set naming file and line. */
int broker_rules_read(struct broker_rules *r, const char *file);

/*
 * Whether the rules grant cell the request (right on target): 1, with
 * *seconds and, for a path, *object the O_PATH descriptor of what was
 * checked (the caller's to close); 0 not.
 */
int broker_rules_decide(const struct broker_rules *r, const char *cell, __u32 right,
			const char *target, unsigned int *seconds, int *object);

/*
 * The object a path request names below the rule path (or anywhere for
 * "*"), resolved without following any symlink and never leaving it: an
 * O_PATH descriptor, or -1.
 */
int broker_reach_by_object(const char *rule, const char *req);

#endif /* ISOLATE_USER_BROKER_RULES_H */
