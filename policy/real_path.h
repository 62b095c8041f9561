/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The real paths of the many paths of a policy, each directory opened once. */
#ifndef ISOLATE_POLICY_REAL_PATH_H
#define ISOLATE_POLICY_REAL_PATH_H

#include <sys/stat.h>

/* The directory resolved last: policies list many files of one directory. */
struct real_path_cache {
	char *dir;	/* as written */
	char *real;	/* its real path, as the kernel names the directory opened */
	int fd;		/* that directory, O_PATH; valid while dir is set */
};

/*
 * The real path of the object path leads to (symlinks followed, but no
 * /proc link to a process's files: ELOOP), malloc'ed, or NULL with errno
 * set as open(2) sets it; st is what stat(2) says of that same object.
 * path is clean (path_clean) and absolute.
 */
char *real_path(struct real_path_cache *c, const char *path, struct stat *st);

void real_path_cache_free(struct real_path_cache *c);

#endif /* ISOLATE_POLICY_REAL_PATH_H */
