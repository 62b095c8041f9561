// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The state directory (<ISOLATE_STATE_DIR or /run/isolate>) as root must
 * touch it: through directory fds opened once without following links,
 * each checked to be a directory that only we may write; files created
 * with O_EXCL under names nobody else can take, renamed into place whole;
 * reads of regular files only, never blocking, never more than asked.
 * What a cell can name, create or race is then never opened by name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_read.h"
#include "common/file_write.h"
#include "user/internal.h"

#define STATE_DIR_DEFAULT "/run/isolate"

const char *state_dir(void)
{
	const char *dir = getenv("ISOLATE_STATE_DIR");

	return dir && *dir ? dir : STATE_DIR_DEFAULT;
}

/* A directory we own, that no one else may change. */
static int check_private_dir(int fd, const char *what)
{
	struct stat st;

	if (fstat(fd, &st))
		return set_error(-errno, "cannot stat %s: %s", what, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return set_error(-EPERM, "%s is not a directory of ours that only we may write (uid %u, mode %o): refusing to use it",
				 what, (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
	return 0;
}

/* The state directory, created first with make. */
static int root_open(bool make)
{
	const char *root = state_dir();
	int fd, err;

	if (make && mkdir(root, 0711) && errno != EEXIST)
		return set_error(-errno, "cannot create %s: %s", root, strerror(errno));
	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return set_error(-errno, "cannot open %s: %s", root, strerror(errno));
	err = check_private_dir(fd, root);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int statefs_root(void)
{
	return root_open(true);
}

int statefs_dir(int parent, const char *name, mode_t mode)
{
	if (mkdirat(parent, name, mode) && errno != EEXIST)
		return set_error(-errno, "cannot create %s/%s: %s", state_dir(), name, strerror(errno));
	return statefs_dir_open(parent, name);
}

int statefs_dir_open(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), err;

	if (fd < 0)
		return set_error(-errno, "cannot open %s/%s: %s", state_dir(), name, strerror(errno));
	err = check_private_dir(fd, name);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int statefs_subdir(const char *sub, mode_t mode)
{
	int root = statefs_root(), fd;

	if (root < 0)
		return root;
	fd = statefs_dir(root, sub, mode);
	close(root);
	return fd;
}

int statefs_subdir_open(const char *sub)
{
	int root = root_open(false), fd;

	if (root < 0)
		return root;
	fd = statefs_dir_open(root, sub);
	close(root);
	return fd;
}

int statefs_write(int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
	int err = file_replace_at(dirfd, name, data, len, mode, true);

	if (err)
		return set_error(err, "cannot write %s/%s: %s", state_dir(), name, strerror(-err));
	return 0;
}

int statefs_read(int dirfd, const char *name, size_t max, char **out, size_t *len)
{
	int err = file_read_at(dirfd, name, max, out, len);

	if (err == -EINVAL || err == -EFBIG)
		return set_error(-EINVAL, "%s is not a regular file of at most %zu bytes", name, max);
	if (err == -ENOMEM)
		return set_error(err, "out of memory");
	return err;
}

int statefs_remove_tree(int parent, const char *name, int depth)
{
	int fd, err = 0;
	DIR *d;
	struct dirent *de;

	if (!unlinkat(parent, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if (depth <= 0)
		return -ELOOP;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			err = statefs_remove_tree(dirfd(d), de->d_name, depth - 1) ?: err;
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) && errno != ENOENT)
		err = -errno;
	return err;
}
