/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* realpath(3) of the many paths of a policy, each directory resolved once. */
#ifndef ISOLATE_POLICY_REAL_PATH_H
#define ISOLATE_POLICY_REAL_PATH_H

#include <sys/stat.h>

/* The directory resolved last: policies list many files of one directory. */
struct real_path_cache {
	char *dir;	/* as written */
	char *real;	/* its realpath */
	int fd;		/* real, opened O_PATH; valid while dir is set */
};

/*
 * What realpath(path, NULL) returns, malloc'ed, or NULL with errno set as
 * realpath sets it; st is what stat(2) says of it, from the same lookup.
 * path is clean (path_clean) and absolute.
 */
char *real_path(struct real_path_cache *c, const char *path, struct stat *st);

void real_path_cache_free(struct real_path_cache *c);

#endif /* ISOLATE_POLICY_REAL_PATH_H */
