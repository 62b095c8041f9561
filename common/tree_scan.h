/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The walk of a directory tree on one file system, by descriptors. */
#ifndef ISOLATE_COMMON_TREE_SCAN_H
#define ISOLATE_COMMON_TREE_SCAN_H

#include <stddef.h>
#include <sys/stat.h>

/* Called with each entry that is not a directory; non-zero stops the scan. */
typedef int (*tree_scan_fn)(void *ctx, const char *path, const struct stat *st);

/*
 * Scans the tree at dir, which must be the directory obj (its st_dev and
 * st_ino; -ESTALE when dir leads to another object by now), not
 * following symlinks, not crossing into other file systems. *budget
 * counts down the entries looked at: -E2BIG when it runs out. An entry
 * removed while the scan runs is passed over; a directory that cannot be
 * read is an error (-EACCES, ...; msg says which, and what the scan was
 * for: purpose, "for hard links"). With unreadable, one below dir that
 * the caller may not open (EACCES) is passed over and counted there
 * instead.
 */
int tree_scan(const char *dir, const struct stat *obj, const char *purpose, size_t *budget,
	      size_t *unreadable, tree_scan_fn fn, void *ctx, char *msg, size_t len);

#endif /* ISOLATE_COMMON_TREE_SCAN_H */
