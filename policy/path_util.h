/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Policy paths as strings: cleaning, ancestry. */
#ifndef ISOLATE_POLICY_PATH_UTIL_H
#define ISOLATE_POLICY_PATH_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#define POLICY_PATH_MAX 4096	/* PATH_MAX, with its NUL */

/*
 * A malloc'ed copy of path with "//", "/./" and a trailing '/' removed.
 * Anything else (relative paths, "..") is kept for path_check to refuse.
 */
char *path_clean(const char *path);

/*
 * The length of the parent of the first len bytes of path ("/a/b" -> 2,
 * "/a" -> 1 for "/"), or 0 at the root.
 */
size_t path_parent_len(const char *path, size_t len);

/* Whether the clean path is dir or below it ("/" holds every path). */
bool path_at_or_below(const char *path, const char *dir);

#endif /* ISOLATE_POLICY_PATH_UTIL_H */
