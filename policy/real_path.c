// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * realpath(3) looks every component up from the root again, with a
 * readlink each: for a policy of n files at depth d, n * d * (d + 1) / 2
 * lookups. Here the parent is resolved once for all its files and each
 * file costs one fstatat in it; a file that is a symlink, or anything unusual,
 * goes to realpath itself, so the answer is realpath's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "real_path.h"

void real_path_cache_free(struct real_path_cache *c)
{
	if (c->dir)
		close(c->fd);
	free(c->dir);
	free(c->real);
	c->dir = c->real = NULL;
}

/* The cache made to hold the parent dir (len bytes of path); 0 or -errno. */
static int cache_parent(struct real_path_cache *c, const char *path, size_t len)
{
	char *dir;

	if (c->dir && strlen(c->dir) == len && !strncmp(c->dir, path, len))
		return 0;
	real_path_cache_free(c);
	dir = strndup(path, len);
	if (!dir)
		return -ENOMEM;
	c->real = realpath(dir, NULL);
	c->fd = c->real ? open(c->real, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (c->fd < 0) {
		int err = -errno;

		free(c->real);
		c->real = NULL;
		free(dir);
		return err;
	}
	c->dir = dir;
	return 0;
}

static char *stat_of_real(const char *path, struct stat *st)
{
	char *real = realpath(path, NULL);

	if (real && stat(real, st)) {
		free(real);
		return NULL;
	}
	return real;
}

char *real_path(struct real_path_cache *c, const char *path, struct stat *st)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t dir_len, name_len = strlen(name);
	char *joined;

	if (!slash || slash == path || !*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    cache_parent(c, path, (size_t)(slash - path)))
		return stat_of_real(path, st);
	/* The name looked up in the directory itself: one step, not the whole path. */
	if (fstatat(c->fd, name, st, AT_SYMLINK_NOFOLLOW) || S_ISLNK(st->st_mode))
		return stat_of_real(path, st);
	dir_len = strcmp(c->real, "/") ? strlen(c->real) : 0;
	if (dir_len + 1 + name_len >= PATH_MAX)
		return stat_of_real(path, st);
	joined = malloc(dir_len + 1 + name_len + 1);
	if (!joined)
		return NULL;
	memcpy(joined, c->real, dir_len);
	joined[dir_len] = '/';
	memcpy(joined + dir_len + 1, name, name_len + 1);
	return joined;
}
