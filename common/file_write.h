/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Writing files as root where others may write too (a directory a cell can
 * write, say): no existing name is opened to be overwritten, no symbolic
 * link is followed, at the last component or in the directories of a path,
 * and only a regular file of one name or a device is appended to. So a
 * link or a FIFO planted there cannot turn the write to another file (of
 * the same name, in a directory the cell picks) or block the writer.
 */
#ifndef ISOLATE_COMMON_FILE_WRITE_H
#define ISOLATE_COMMON_FILE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Replaces dirfd/name with data whole: written to a new file under a name
 * nobody can guess (O_EXCL | O_NOFOLLOW), synced to disk if sync, then
 * renamed over name (a link at name is replaced, not followed). On failure
 * name is untouched and the new file removed. 0 or -errno.
 */
int file_replace_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		    bool sync);
/*
 * The directory path is in, opened (O_PATH) through path as it is now,
 * through no symbolic link (-ELOOP), and path's last component in *name (a
 * pointer into path). A file written there again and again goes through
 * this fd with the *_at calls: a cell that swaps the directory for a link
 * later cannot move the writes. -EISDIR when path ends in "/"; -errno else.
 */
int file_parent_open(const char *path, const char **name);
/* file_replace_at() in file_parent_open(path), for a file written once. */
int file_replace(const char *path, const void *data, size_t len, mode_t mode, bool sync);

/*
 * An fd appending to path, created with mode if missing: not through a
 * link at path or in its directories (-ELOOP), never waiting for a FIFO's
 * reader, -EINVAL for anything but a regular file or a character device
 * (/dev/null), and -EMLINK for a regular file with other names (a hard
 * link).
 * -errno on failure.
 */
int file_append_open(const char *path, mode_t mode);

#endif
