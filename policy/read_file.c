// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Reading a policy file whole, bounded (POLICY_FILE_MAX), refusing what is
 * not a regular file without blocking on it: the top document and every
 * include come through here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

int policy_read_file(const char *path, char **buf, size_t *len, char *msg, size_t msg_len)
{
	/* O_NONBLOCK: opening a FIFO must not hang; it is refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t used = 0;
	struct stat st;
	char *data;
	int err;

	*buf = NULL;
	if (fd < 0) {
		err = -errno;
		snprintf(msg, msg_len, "expected a readable policy file, got %s: %s", path,
			 strerror(errno));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(msg, msg_len, "expected a regular policy file, got %s", path);
		return -EINVAL;
	}
	data = malloc(POLICY_FILE_MAX + 2);
	if (!data) {
		close(fd);
		snprintf(msg, msg_len, "out of memory");
		return -ENOMEM;
	}
	/* Sizes of /proc and /sys files lie: read until EOF, up to the bound. */
	for (;;) {
		ssize_t n = read(fd, data + used, POLICY_FILE_MAX + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			snprintf(msg, msg_len, "cannot read %s: %s", path, strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		used += (size_t)n;
		if (used > POLICY_FILE_MAX) {
			err = -EFBIG;
			snprintf(msg, msg_len, "expected a policy file of at most %u bytes, got %s",
				 POLICY_FILE_MAX, path);
			goto fail;
		}
	}
	close(fd);
	data[used] = '\0';
	*buf = data;
	*len = used;
	return 0;
fail:
	close(fd);
	free(data);
	return err;
}
