/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * An object's path taken from the object: opened first, then named by the
 * kernel, so that the path and the object are one lookup's (a path looked
 * up twice may lead to two objects when someone swaps a directory for a
 * symlink between the lookups).
 */
#ifndef ISOLATE_COMMON_FD_PATH_H
#define ISOLATE_COMMON_FD_PATH_H

#include <stddef.h>

/*
 * An O_PATH descriptor of path (relative to dirfd), symbolic links
 * followed but not the links of /proc that jump to a process's file,
 * directory or namespace (fd/N, cwd, root, exe, ns/...): those would be
 * the caller's own. The descriptor, or -errno (-ELOOP for such a link).
 */
int fd_path_open(int dirfd, const char *path, int flags);

/*
 * Where fd is now, as the kernel names it, into out (len bytes): 0, or
 * -ENAMETOOLONG, -ENOENT when it has no path under the root (a pipe, a
 * socket, a file not reachable from here), -errno.
 */
int fd_path(int fd, char *out, size_t len);

/*
 * fd_path() malloc'ed, when that path leads back to fd's object now (no
 * symlink at its end, no /proc link on the way); NULL with errno set:
 * ENOENT for an object removed, ESTALE for a path that leads elsewhere.
 */
char *fd_path_real(int fd);

#endif /* ISOLATE_COMMON_FD_PATH_H */
