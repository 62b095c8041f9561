/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Where a file system type is mounted, from /proc/self/mountinfo. */
#ifndef ISOLATE_COMMON_MOUNTINFO_H
#define ISOLATE_COMMON_MOUNTINFO_H

#include <stddef.h>

/*
 * The mount point of the first mount of fstype into path: 0, -ENOENT when
 * there is none, or another -errno.
 */
int mount_point_of(const char *fstype, char *path, size_t len);

#endif
