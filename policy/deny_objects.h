/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Denied directories by object, and the ones a path lies in now: found by
 * walking its object's parents, as the kernel walks them, not by comparing
 * the strings the paths were resolved to. A live cell's paths are resolved
 * at different times, each when it enters the cell: a denied directory the
 * cell renamed since its deny was bound (or one above it) no longer
 * prefixes the paths below its new name.
 */
#ifndef ISOLATE_POLICY_DENY_OBJECTS_H
#define ISOLATE_POLICY_DENY_OBJECTS_H

#include <stdbool.h>
#include <sys/stat.h>

#include <isolate/policy.h>

struct deny_dir;

struct deny_objects {
	struct deny_dir *dirs;		/* by object, once sorted */
	size_t n, alloc;
	__u32 first[ISOLATE_RIGHTS];	/* the lowest rule denying each right, or none */
	/* The result for the directory a walk started at last: a directory's files share it. */
	bool memo_set;
	dev_t memo_dev;
	ino_t memo_ino;
	__u32 memo_above[ISOLATE_RIGHTS];
};

/* Notes the deny of right by rule on the directory dir; -ENOMEM. */
int deny_objects_add(struct deny_objects *d, const struct stat *dir, int right, __u32 rule);
/* Once every deny is added, before asking. */
void deny_objects_sort(struct deny_objects *d);

static inline bool deny_objects_any(const struct deny_objects *d, int right)
{
	return d->first[right] != ISOLATE_RULE_NONE;
}

/*
 * The nearest deny of each right on a directory the object at path lies
 * in now (path must lead to the object (dev, ino), dev in the kernel's
 * encoding), into above[] (ISOLATE_RULE_NONE: none). -ESTALE when path
 * leads to another object or none, or a parent cannot be opened: where
 * the object lies cannot be told.
 */
int deny_objects_above(struct deny_objects *d, const char *path, __u32 dev, __u64 ino,
		       __u32 above[ISOLATE_RIGHTS]);

void deny_objects_free(struct deny_objects *d);

#endif /* ISOLATE_POLICY_DENY_OBJECTS_H */
