// SPDX-License-Identifier: GPL-2.0
/* Test directories removed whole, by the tests themselves rather than by a shell. */
#ifndef ISOLATE_TESTS_TREE_UTIL_H
#define ISOLATE_TESTS_TREE_UTIL_H

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static inline int remove_tree_entry(const char *path, const struct stat *st, int type,
				    struct FTW *where)
{
	(void)st;
	(void)where;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* Removes dir and everything below it, following no link: 0, or -1 with errno set. */
static inline int remove_tree(const char *dir)
{
	return nftw(dir, remove_tree_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* ISOLATE_TESTS_TREE_UTIL_H */
