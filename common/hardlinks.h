/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Hard links out of denied trees: a file linked from a denied directory
 * into a granted one would be reached by the kernel's walk through the
 * granted parent. Every multiply-linked regular file below a denied
 * directory therefore gets an entry of its own.
 */
#ifndef ISOLATE_COMMON_HARDLINKS_H
#define ISOLATE_COMMON_HARDLINKS_H

#include <stddef.h>
#include <sys/stat.h>

/* Entries looked at over all denied trees of one compile, at most, when bounded. */
#define HARDLINK_SCAN_MAX 100000

/* Called with each multiply-linked regular file; non-zero stops the scan. */
typedef int (*hardlink_fn)(void *ctx, const char *path, const struct stat *st);

/*
 * Scans the tree at dir, which must be the directory obj (its st_dev and
 * st_ino; -ESTALE when dir leads to another object by now), not
 * following symlinks, not crossing into other file systems. *budget
 * counts down the entries looked at: -E2BIG when it runs out. An entry
 * removed while the scan runs is passed over; a directory that cannot be
 * read is an error (-EACCES, ...): an unscanned denied tree could hide a
 * link. With unreadable, one below dir that the caller may not open
 * (EACCES) is passed over and counted there instead.
 */
int hardlinks_scan(const char *dir, const struct stat *obj, size_t *budget, size_t *unreadable,
		   hardlink_fn fn, void *ctx, char *msg, size_t len);

#endif /* ISOLATE_COMMON_HARDLINKS_H */
