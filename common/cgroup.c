// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* cgroup v2 primitives that know nothing of cells: see cgroup.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cgroup.h"

pid_t clone_into_cgroup(int cgroup_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = (uint64_t)cgroup_fd,
	};

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* A cgroup's file handle is its 64-bit id (its kernfs node's). */
static int id_at(int dirfd, const char *path, int flags, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;

	if (name_to_handle_at(dirfd, path, &h.fh, &mount_id, flags))
		return -errno;
	memcpy(id, h.fh.f_handle, sizeof(*id));
	return 0;
}

int cgroup_id(const char *path, uint64_t *id)
{
	return id_at(AT_FDCWD, path, 0, id);
}

int cgroup_fd_id(int fd, uint64_t *id)
{
	return id_at(fd, "", AT_EMPTY_PATH, id);
}

int cgroup_path_of_id(const char *mount, uint64_t id, char *out, size_t len)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	char link[64];
	int mount_id, root, fd, err = 0;
	ssize_t n;

	root = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	/* The handle type of this file system: its root's. */
	if (name_to_handle_at(root, "", &h.fh, &mount_id, AT_EMPTY_PATH)) {
		err = -errno;
		close(root);
		return err;
	}
	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(root, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(root);
	if (fd < 0)
		return errno == ENOENT ? -ESTALE : -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n >= len)
		err = -ENAMETOOLONG;
	else
		out[n] = 0;
	close(fd);
	return err;
}

int cgroup_enter(const char *dir)
{
	char procs[4096];
	int fd, err = 0;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	if ((size_t)snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir) >= sizeof(procs))
		return -ENAMETOOLONG;
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "0", 1) != 1)
		err = -errno;
	close(fd);
	return err;
}

int cgroup_own(const char *mount, char *out, size_t len)
{
	char line[4096];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	/* cgroup v2's line: "0::/path" */
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::/", 4))
			continue;
		line[strcspn(line, "\n")] = 0;
		err = (size_t)snprintf(out, len, "%s%s", mount, strcmp(line + 3, "/") ? line + 3 : "") >=
		      len ? -ENAMETOOLONG : 0;
		break;
	}
	fclose(f);
	return err;
}
