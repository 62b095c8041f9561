/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The walk of a tree the caller must know all of (see tree_scan.h). A
 * cell may be able to write below the tree: the walk goes from directory
 * fd to directory fd, never by a path the cell could turn into a symlink
 * under it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/tree_scan.h"

struct scan {
	size_t *budget;
	size_t *unreadable;	/* directories passed over (EACCES); NULL: an error */
	dev_t dev;		/* the tree's: other file systems are not scanned */
	const char *purpose;	/* for the message: "for hard links" */
	tree_scan_fn fn;
	void *ctx;
	char *msg;
	size_t len;
	char path[PATH_MAX];	/* of the entry looked at */
};

/*
 * The name is gone (or names no directory any more) since the directory
 * listed it. Passed over, as a name made after the scan would be: as an
 * error it would let a cell that deletes in a loop block every change.
 */
static bool vanished(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ELOOP;
}

static int fail(struct scan *s, int err, const char *what)
{
	snprintf(s->msg, s->len, "cannot scan %s %s: %s: %s", s->path, s->purpose, what,
		 strerror(err));
	return -err;
}

static int scan_dir(struct scan *s, int fd, size_t len);

/* The entry name of the directory dir, whose path is the first len bytes of s->path. */
static int visit(struct scan *s, int dir, const char *name, size_t len)
{
	size_t n = strlen(name);
	struct stat st;
	int fd;

	if (!*s->budget)
		return -E2BIG;
	--*s->budget;
	if (len + 1 + n >= sizeof(s->path)) {
		s->path[len] = '\0';
		return fail(s, ENAMETOOLONG, "an entry's path is too long");
	}
	s->path[len] = '/';
	memcpy(s->path + len + 1, name, n + 1);
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW))
		return vanished(errno) ? 0 : fail(s, errno, "cannot stat");
	if (st.st_dev != s->dev)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return s->fn(s->ctx, s->path, &st);
	fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && s->unreadable) {
		++*s->unreadable;
		return 0;
	}
	if (fd < 0)
		return vanished(errno) ? 0 : fail(s, errno, "directory not readable");
	return scan_dir(s, fd, len + 1 + n);
}

/* The directory fd (taken over), whose path is the first len bytes of s->path. */
static int scan_dir(struct scan *s, int fd, size_t len)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int err = 0;

	if (!d) {
		close(fd);
		s->path[len] = '\0';
		return fail(s, errno, "directory not readable");
	}
	while (!err) {
		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				s->path[len] = '\0';
				err = fail(s, errno, "directory not readable");
			}
			break;
		}
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			err = visit(s, dirfd(d), de->d_name, len);
	}
	closedir(d);
	return err;
}

int tree_scan(const char *dir, const struct stat *obj, const char *purpose, size_t *budget,
	      size_t *unreadable, tree_scan_fn fn, void *ctx, char *msg, size_t len)
{
	struct scan s = { .budget = budget, .unreadable = unreadable, .purpose = purpose, .fn = fn,
			  .ctx = ctx, .msg = msg, .len = len };
	size_t n = strlen(dir);
	struct stat st;
	int fd, err;

	snprintf(s.path, sizeof(s.path), "%s", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return fail(&s, err, "directory not readable");
	}
	if (st.st_dev != obj->st_dev || st.st_ino != obj->st_ino) {
		close(fd);
		return -ESTALE;
	}
	/* open() took dir: shorter than PATH_MAX. The root's entries are "/name". */
	while (n && dir[n - 1] == '/')
		n--;
	s.dev = st.st_dev;
	return scan_dir(&s, fd, n);
}
