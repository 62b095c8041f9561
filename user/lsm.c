// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Is "bpf" among the kernel's active LSMs? */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/lsm_list.h"
#include "user/internal.h"

#define SECURITYFS_DIR "/sys/kernel/security"

static int read_lsm_list(char *buf, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX + 8];
	ssize_t n;
	int fd;

	if (find_mount("securityfs", dir, sizeof(dir))) {
		/* Not mounted here (common on hosts): mount it where it belongs. */
		if (mount("securityfs", SECURITYFS_DIR, "securityfs", 0, NULL))
			return set_error(-errno, "securityfs is not mounted and mounting it on %s failed: %s",
					 SECURITYFS_DIR, strerror(errno));
		strcpy(dir, SECURITYFS_DIR);
	}
	snprintf(path, sizeof(path), "%s/lsm", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_error(-errno, "cannot read %s: %s", path, strerror(errno));
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return set_error(-errno, "cannot read %s: %s", path, strerror(errno));
	buf[n] = 0;
	return 0;
}

int isolate_lsm_active(bool *bpf_active)
{
	char list[1024];
	int err = read_lsm_list(list, sizeof(list));

	if (err)
		return err;
	*bpf_active = lsm_list_has_bpf(list);
	return 0;
}
