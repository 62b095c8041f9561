// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Each path is opened, symlinks followed, and its real path is the one the
 * kernel gives the object opened: realpath(3) then stat(2) looked it up
 * twice, and a directory swapped for a symlink between the two paired the
 * granted tree's path with an object elsewhere. realpath also looked every
 * component up again from the root: for a policy of n files at depth d,
 * n * d * (d + 1) / 2 lookups. Here the parent is opened once for all its
 * files and each file costs one fstatat in it; a file that is a symlink,
 * or anything unusual, is opened whole. No /proc link that jumps to a
 * process's files is followed (fd_path_open): through a symlink a cell
 * planted, it would lead to the compiler's own descriptors or directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fd_path.h"
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
	c->fd = fd_path_open(AT_FDCWD, dir, O_DIRECTORY);
	if (c->fd >= 0 && !(c->real = fd_path_real(c->fd))) {
		int err = -errno;

		close(c->fd);
		c->fd = err;
	}
	if (c->fd < 0) {
		free(dir);
		return c->fd;
	}
	c->dir = dir;
	return 0;
}

static char *stat_of_real(const char *path, struct stat *st)
{
	int fd = fd_path_open(AT_FDCWD, path, 0);
	char *real = NULL;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	if (!fstat(fd, st))
		real = fd_path_real(fd);
	close(fd);
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
	/*
	 * The name looked up in the directory the cache holds open, whose
	 * path the kernel gave: one step, not the whole path, and no
	 * component looked up twice.
	 */
	if (fstatat(c->fd, name, st, AT_SYMLINK_NOFOLLOW) || S_ISLNK(st->st_mode) || !st->st_nlink)
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
