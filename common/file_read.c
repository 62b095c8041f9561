// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Reading files where others may write too: see common/file_read.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_read.h"

/* Reads fd to its end into *buf (cap bytes, grown as needed): at most max. */
static int read_to_end(int fd, size_t max, char **buf, size_t cap, size_t *got)
{
	for (;;) {
		ssize_t n;

		/* Full: grown, up to one byte more than max and the NUL. */
		if (*got + 1 == cap) {
			size_t more = cap > max / 2 ? max + 2 : cap * 2;
			char *grown = realloc(*buf, more);

			if (!grown)
				return -ENOMEM;
			*buf = grown;
			cap = more;
		}
		n = read(fd, *buf + *got, cap - 1 - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		*got += (size_t)n;
		if (*got > max)
			return -EFBIG;
	}
}

/* All of fd into *out, NUL-terminated, starting with a buffer of cap bytes. */
static int read_whole(int fd, size_t max, size_t cap, char **out, size_t *len)
{
	char *buf = malloc(cap);
	size_t got = 0;
	int err = buf ? read_to_end(fd, max, &buf, cap, &got) : -ENOMEM;

	if (err) {
		free(buf);
		return err;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

int file_read_fd(int fd, size_t max, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	return read_whole(fd, max, 4096, out, len);
}

int file_read_at(int dirfd, const char *name, size_t max, char **out, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int err;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if ((size_t)st.st_size > max)
		err = -EFBIG;
	else
		err = 0;
	/* The size is a first guess: files of /proc and /sys say 0. */
	if (!err)
		err = read_whole(fd, max, (size_t)st.st_size + 2, out, len);
	close(fd);
	return err;
}
