// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fd_path.h"

int fd_path_open(int dirfd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (__u64)(O_PATH | O_CLOEXEC | flags),
		.resolve = RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

int fd_path(int fd, char *out, size_t len)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, len);
	if (n < 0)
		return -errno;
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return out[0] == '/' ? 0 : -ENOENT;
}

char *fd_path_real(int fd)
{
	char real[PATH_MAX];
	struct stat st, again;
	int err = fd_path(fd, real, sizeof(real)), check = -1;

	if (!err) {
		check = fd_path_open(AT_FDCWD, real, O_NOFOLLOW);
		err = check < 0 ? check : 0;
	}
	if (!err && (fstat(fd, &st) || fstat(check, &again)))
		err = -errno;
	else if (!err && (!st.st_nlink || st.st_dev != again.st_dev || st.st_ino != again.st_ino))
		err = st.st_nlink ? -ESTALE : -ENOENT;
	if (check >= 0)
		close(check);
	if (err) {
		errno = -err;
		return NULL;
	}
	return strdup(real);
}
