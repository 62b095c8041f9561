// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Starting a process inside a cell. clone3(CLONE_INTO_CGROUP) creates the
 * child directly in the cell's cgroup: there is no moment at which it runs
 * outside, and no window between fork and a write to cgroup.procs.
 */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "user/internal.h"

pid_t clone_into_cgroup(int cgroup_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

int isolate_cell_spawn(struct isolate *iso, const char *name,
		       char *const argv[], pid_t *pid)
{
	int fd = isolate_cell_cgroup_fd(iso, name);
	pid_t child;

	if (fd < 0)
		return fd;
	child = clone_into_cgroup(fd);
	if (child < 0) {
		int err = -errno;

		close(fd);
		return set_error(err, "cannot start a process in cell %s: %s",
				 name, strerror(-err));
	}
	if (child == 0) {
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fd);
	*pid = child;
	return 0;
}
