/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether stat(2)'s device of a file is the one the kernel's rules see. */
#ifndef ISOLATE_POLICY_SB_DEVICE_H
#define ISOLATE_POLICY_SB_DEVICE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "common/mountinfo.h"

/* What one compile has learnt: devices that are their superblock's. */
struct sb_device_check {
	dev_t same[8];
	size_t n_same;
	struct mount_table mounts;	/* read at the first file system that may differ */
	bool have_mounts;
	const char *numbering;	/* after an -EIDRM: the file system's name */
};

/*
 * 0 when st (real's) carries its superblock's device; -EXDEV when not
 * (*sb_dev then holds the superblock's); -EIDRM when its file system may
 * give it another inode number while it exists (c->numbering names it);
 * -ESTALE when real names another object by now; another -errno when it
 * cannot be told.
 */
int sb_device_check(struct sb_device_check *c, const char *real, const struct stat *st,
		    dev_t *sb_dev);
/* The same for the object fd (of stat st) holds, found at real. */
int sb_device_check_fd(struct sb_device_check *c, int fd, const char *real,
		       const struct stat *st, dev_t *sb_dev);
/*
 * Why path (of device dev) can have no rule, after -EXDEV (sb_dev the
 * superblock's) or -EIDRM from a check, into buf: 0; -1 for other errors.
 */
int sb_device_why(const struct sb_device_check *c, int err, const char *path, dev_t dev,
		  dev_t sb_dev, char *buf, size_t len);
void sb_device_check_free(struct sb_device_check *c);

#endif
