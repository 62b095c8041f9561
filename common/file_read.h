/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Reading a file as root where others may write too: no symbolic link at
 * the last component is followed, a FIFO cannot block the reader, and
 * only a regular file of bounded size is read, so that a link, a FIFO or
 * /dev/zero planted there cannot turn the read elsewhere, hang it or
 * exhaust memory.
 */
#ifndef ISOLATE_COMMON_FILE_READ_H
#define ISOLATE_COMMON_FILE_READ_H

#include <stddef.h>

/*
 * The whole of dirfd/name (AT_FDCWD: a path) into *out, NUL-terminated,
 * its length in *len: opened O_NOFOLLOW | O_NONBLOCK (-ELOOP for a link),
 * -EINVAL for anything but a regular file, -EFBIG for one of more than
 * max bytes (also when it grows past them while read); -errno else.
 */
int file_read_at(int dirfd, const char *name, size_t max, char **out, size_t *len);
/* What fd (a pipe, say) gives until its end, the same way: -EFBIG past max bytes. */
int file_read_fd(int fd, size_t max, char **out, size_t *len);

#endif
