// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Whether the kernel can match a rule on a file. The hooks key rules by
 * the device of the file's superblock and the inode's number. A rule is
 * made from stat(2)'s st_dev, which is that device on most file systems,
 * but not on btrfs subvolumes (each has a device of its own, and inode
 * numbers repeat across them) nor on overlayfs (files report their
 * layer's). And some file systems number a file anew each time they read
 * it in, so that its number changes once the kernel forgets the inode.
 * There a rule would stop matching, or never match: an allow would grant
 * nothing and, worse, a deny would not hold. Such a path is refused
 * instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sb_device.h"

/* Not in linux/magic.h (include/linux/configfs.h of the kernel). */
#define CONFIGFS_MAGIC	0x62656570

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

static int read_mounts(struct sb_device_check *c)
{
	int err = 0;

	if (!c->have_mounts) {
		err = mount_table_read(&c->mounts);
		c->have_mounts = !err;
	}
	return err;
}

static bool has_option(const char *options, const char *name)
{
	size_t n = strlen(name);

	for (const char *o = options;; o++) {
		if (!strncmp(o, name, n) && (o[n] == ',' || !o[n]))
			return true;
		o = strchrnul(o, ',');
		if (!*o)
			return false;
	}
}

/*
 * File systems that may give a file another number while it exists. FAT
 * and exFAT make one up (iunique()) each time they read a file in, as CIFS
 * does without server inode numbers (noserverino), procfs for its sysctl
 * and process entries and configfs for its attributes (get_next_ino()),
 * tracefs for its event files (before 6.8; one number for all from 6.8 on);
 * FUSE takes its daemon's word, anew at each refresh of a file's
 * attributes, its root's too.
 */
static const struct {
	unsigned long magic;
	const char *name;
} renumbering[] = {
	{ MSDOS_SUPER_MAGIC, "FAT" },
	{ EXFAT_SUPER_MAGIC, "exFAT" },
	{ FUSE_SUPER_MAGIC, "FUSE" },
	{ PROC_SUPER_MAGIC, "procfs" },
	{ CONFIGFS_MAGIC, "configfs" },
	{ TRACEFS_MAGIC, "tracefs" },
	{ CIFS_SUPER_MAGIC, "CIFS (noserverino)" },
	{ SMB2_SUPER_MAGIC, "SMB (noserverino)" },
};

static const char *renumbering_fs(const struct statfs *fs)
{
	for (size_t i = 0; i < sizeof(renumbering) / sizeof(renumbering[0]); i++)
		if (renumbering[i].magic == (unsigned long)fs->f_type)
			return renumbering[i].name;
	return NULL;
}

/*
 * Whether fs_path (within procfs) is an entry numbered when read in: below
 * sys, or a process's. The rest are procfs's fixed entries, numbered once.
 * Told by the path: the numbers of both kinds can be alike (get_next_ino()
 * wraps, and every pipe a cell makes draws from it).
 */
static bool proc_renumbers(const char *fs_path)
{
	const char *first = fs_path + strspn(fs_path, "/");
	size_t n = strcspn(first, "/");

	if (n == 3 && !strncmp(first, "sys", 3))
		return first[n] == '/';
	return n && strspn(first, "0123456789") == n;
}

/*
 * The file system's name when real (fd, st) may get another number while
 * it exists, NULL when it keeps its number: the top of a mount (the mount
 * holds it in memory) but on FUSE, procfs's fixed entries, files on CIFS
 * with the server's numbers.
 */
static const char *numbers_change(struct sb_device_check *c, const char *real, int fd,
				  const struct statfs *fs, const struct stat *st, int *err)
{
	const char *name = renumbering_fs(fs);
	bool cifs = fs->f_type == CIFS_SUPER_MAGIC || fs->f_type == SMB2_SUPER_MAGIC;
	const struct mount_entry *on;
	char fs_path[PATH_MAX];
	struct stat up;

	*err = 0;
	if (!name || fs->f_type == FUSE_SUPER_MAGIC)
		return name;
	if (cifs || fs->f_type == PROC_SUPER_MAGIC) {
		*err = read_mounts(c);
		if (!*err)
			*err = mount_fs_path(&c->mounts, real, fs_path, sizeof(fs_path), &on);
		if (*err)
			return NULL;
		if (fs->f_type == PROC_SUPER_MAGIC)
			return proc_renumbers(fs_path) ? name : NULL;
		if (!has_option(on->super_options, "noserverino"))
			return NULL;
	}
	if (!S_ISDIR(st->st_mode) || fstatat(fd, "..", &up, 0) ||
	    (up.st_dev == st->st_dev && up.st_ino != st->st_ino))
		return name;
	return NULL;
}

int sb_device_check_fd(struct sb_device_check *c, int fd, const char *real,
		       const struct stat *st, dev_t *sb_dev)
{
	struct stat now;
	struct statfs fs;
	int err = 0;

	if (fstat(fd, &now) || fstatfs(fd, &fs))
		return -errno;
	if (now.st_dev != st->st_dev || now.st_ino != st->st_ino)
		return -ESTALE;	/* replaced since it was resolved */
	c->numbering = numbers_change(c, real, fd, &fs, st, &err);
	if (err)
		return err;
	if (c->numbering)
		return -EIDRM;
	if (fs.f_type == BTRFS_SUPER_MAGIC || fs.f_type == OVERLAYFS_SUPER_MAGIC) {
		err = read_mounts(c);
		if (!err)
			err = sb_device_of(&c->mounts, real, sb_dev);
		if (err)
			return err;
		if (*sb_dev != st->st_dev)
			return -EXDEV;
	}
	/* There each file is looked at, not only its device. */
	if (!renumbering_fs(&fs) && c->n_same < sizeof(c->same) / sizeof(c->same[0]))
		c->same[c->n_same++] = st->st_dev;
	return 0;
}

int sb_device_check(struct sb_device_check *c, const char *real, const struct stat *st,
		    dev_t *sb_dev)
{
	int fd, err;

	for (size_t i = 0; i < c->n_same; i++)
		if (c->same[i] == st->st_dev)
			return 0;
	/*
	 * The file system of the object stat(2) described, not of whatever
	 * real names by now: a directory on the way may be one a cell can
	 * swap.
	 */
	fd = open(real, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = sb_device_check_fd(c, fd, real, st, sb_dev);
	close(fd);
	return err;
}

int sb_device_why(const struct sb_device_check *c, int err, const char *path, dev_t dev,
		  dev_t sb_dev, char *buf, size_t len)
{
	if (err == -EXDEV)
		snprintf(buf, len,
			 "%s is on a file system whose files report a device (%u:%u) other than its superblock's (%u:%u), as btrfs subvolumes and overlayfs do: no rule on it could match in the kernel, and a deny would not hold",
			 path, major(dev), minor(dev), major(sb_dev), minor(sb_dev));
	else if (err == -EIDRM)
		snprintf(buf, len,
			 "%s is on %s, which may number a file anew while it exists: a rule on it would stop matching once the kernel forgets the file, and a deny would not hold; put the rule on the directory it is mounted on, or above",
			 path, c->numbering);
	else
		return -1;
	return 0;
}

void sb_device_check_free(struct sb_device_check *c)
{
	if (c->have_mounts)
		mount_table_free(&c->mounts);
	c->have_mounts = false;
	c->n_same = 0;
}
