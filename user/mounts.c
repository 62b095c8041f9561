// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Where the file systems isolate needs (bpffs, cgroup2, securityfs) are
 * mounted: never assumed (hybrid hosts mount cgroup2 at
 * /sys/fs/cgroup/unified), and a failure says which one is missing.
 */
#include <errno.h>
#include <string.h>

#include "user/internal.h"

int find_mount(const char *fstype, char *path, size_t len)
{
	int err = mount_point_of(fstype, path, len);

	if (err == -ENOENT)
		return set_error(err, "no %s filesystem is mounted", fstype);
	if (err)
		return set_error(err, "cannot find where %s is mounted: %s", fstype,
				 strerror(-err));
	return 0;
}
