// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Whether the kernel can match a rule on a file. The hooks key rules by
 * the device of the file's superblock; a rule is made from stat(2)'s
 * st_dev, which is that device on most file systems, but not on btrfs
 * subvolumes (each has a device of its own, and inode numbers repeat
 * across them) nor on overlayfs (files report their layer's). There a
 * rule would never match: an allow would grant nothing and, worse, a deny
 * would not hold. Such a path is refused instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sb_device.h"

/* The file systems known to report a device of their own to stat(2). */
#define BTRFS_SUPER_MAGIC	0x9123683e
#define OVERLAYFS_SUPER_MAGIC	0x794c7630

/* The device of the superblock of the mount that holds real: 0 or -ENOENT. */
static int sb_device_of(const struct mount_table *t, const char *real, dev_t *dev)
{
	const struct mount_entry *on;
	char fs_path[PATH_MAX];
	int err = mount_fs_path(t, real, fs_path, sizeof(fs_path), &on);

	if (!err)
		*dev = makedev(on->major, on->minor);
	return err;
}

int sb_device_check(struct sb_device_check *c, const char *real, const struct stat *st,
		    dev_t *sb_dev)
{
	struct stat now;
	struct statfs fs;
	int fd, err;

	for (size_t i = 0; i < c->n_same; i++)
		if (c->same[i] == st->st_dev)
			return 0;
	/*
	 * Only where it can differ: reading the mount table costs more. The
	 * file system of the object stat(2) described, not of whatever real
	 * names by now: a directory on the way may be one a cell can swap.
	 */
	fd = open(real, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &now) || fstatfs(fd, &fs))
		err = -errno;
	else if (now.st_dev != st->st_dev || now.st_ino != st->st_ino)
		err = -ESTALE;	/* replaced since it was resolved */
	else
		err = 0;
	close(fd);
	if (err)
		return err;
	if (fs.f_type == BTRFS_SUPER_MAGIC || fs.f_type == OVERLAYFS_SUPER_MAGIC) {
		if (!c->have_mounts) {
			err = mount_table_read(&c->mounts);
			if (err)
				return err;
			c->have_mounts = true;
		}
		err = sb_device_of(&c->mounts, real, sb_dev);
		if (err)
			return err;
		if (*sb_dev != st->st_dev)
			return -EXDEV;
	}
	if (c->n_same < sizeof(c->same) / sizeof(c->same[0]))
		c->same[c->n_same++] = st->st_dev;
	return 0;
}

void sb_device_check_free(struct sb_device_check *c)
{
	if (c->have_mounts)
		mount_table_free(&c->mounts);
	c->have_mounts = false;
	c->n_same = 0;
}
