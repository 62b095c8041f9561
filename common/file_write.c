// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Writing files where others may write too: see common/file_write.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/file_write.h"

int file_replace_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		    bool sync)
{
	char tmp[NAME_MAX + 1];
	unsigned int nonce = 0;
	int fd, err = 0;

	if (getrandom(&nonce, sizeof(nonce), GRND_NONBLOCK) != sizeof(nonce))
		nonce = (unsigned int)getpid();
	snprintf(tmp, sizeof(tmp), ".tmp.%08x.%.200s", nonce, name);
	/* O_EXCL: a file of ours, whatever someone put in the directory first. */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		    mode);
	if (fd < 0)
		return -errno;
	for (size_t done = 0; !err && done < len;) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = n < 0 ? -errno : -EIO;
		else
			done += (size_t)n;
	}
	if (!err && sync && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && renameat(dirfd, tmp, dirfd, name))
		err = -errno;
	if (err)
		unlinkat(dirfd, tmp, 0);
	return err;
}

/* path opened with flags (and mode), through no symbolic link: -errno else. */
static int open_no_links(const char *path, int flags, mode_t mode)
{
	struct open_how how = { .flags = (__u64)flags, .mode = mode,
				.resolve = RESOLVE_NO_SYMLINKS };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

int file_parent_open(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	*name = slash ? slash + 1 : path;
	if (!**name)
		return -EISDIR;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path) >= sizeof(dir))
		return -ENAMETOOLONG;
	return open_no_links(dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}

int file_replace(const char *path, const void *data, size_t len, mode_t mode, bool sync)
{
	const char *name;
	int dirfd = file_parent_open(path, &name), err;

	if (dirfd < 0)
		return dirfd;
	err = file_replace_at(dirfd, name, data, len, mode, sync);
	close(dirfd);
	return err;
}

int file_append_open(const char *path, mode_t mode)
{
	int fd = open_no_links(path, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK | O_CLOEXEC, mode);
	struct stat st;
	int err = 0;

	if (fd < 0)
		return fd;
	/*
	 * A device is no cell's (cells make none): /dev/null, a terminal.
	 * Past the open, writes may wait, as to any file.
	 */
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		err = -EINVAL;
	/* A second name may be a link planted to another file (root's, say). */
	else if (S_ISREG(st.st_mode) && st.st_nlink != 1)
		err = -EMLINK;
	else if (fcntl(fd, F_SETFL, O_APPEND))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
