/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The mounts this process sees, from /proc/self/mountinfo. */
#ifndef ISOLATE_COMMON_MOUNTINFO_H
#define ISOLATE_COMMON_MOUNTINFO_H

#include <stdbool.h>
#include <stddef.h>

struct mount_entry {
	unsigned int major, minor;
	char *root;	/* the directory (or file) of its file system it shows */
	char *point;	/* where it is mounted */
	char *fstype;
	char *super_options;	/* the file system's own, comma-separated */
};

/* Every mount, in the order mountinfo lists them (a mount after its parent). */
struct mount_table {
	struct mount_entry *mounts;
	size_t n;
};

/* Reads the table: 0 or -errno (-EINVAL for a line it cannot parse). */
int mount_table_read(struct mount_table *t);
void mount_table_free(struct mount_table *t);
/* The first mount of fstype, or NULL. */
const struct mount_entry *mount_table_find(const struct mount_table *t, const char *fstype);

/*
 * Where real (an absolute path without links, "." or "..") lies within its
 * file system, by the mount it is on (the last listed whose point is real or
 * above it): into out, and that mount into *on. 0, -ENAMETOOLONG or -ENOENT
 * (no mount holds it).
 */
int mount_fs_path(const struct mount_table *t, const char *real, char *out, size_t len,
		  const struct mount_entry **on);

/* Whether path is base or lies below it (by whole components). */
bool path_within(const char *path, const char *base);

/*
 * The mount point of the first mount of fstype into path: 0, -ENOENT when
 * there is none, or another -errno.
 */
int mount_point_of(const char *fstype, char *path, size_t len);

#endif
