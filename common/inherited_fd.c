// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The kernel decides a cell's use of cgroup files and BPF objects when they
 * are opened (file_open) or asked for (bpf), not at each read or write:
 * a hook there would cost every read and write of the machine. A
 * descriptor opened outside and inherited by a cell's command works in the
 * cell: its own pid written to the cgroup.procs of a cgroup outside the
 * cells moves a process out of its cell for good, a writable memory.max or
 * pids.max raises its budgets, a map holds its rules. An io_uring made
 * outside runs what the cell submits in its maker's polling thread, in
 * the maker's cgroup; a userfaultfd writes its maker's memory; a perf
 * event reads the processes it watches. Such descriptors are found before
 * the command starts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "inherited_fd.h"

#define BPF_OBJECT "a BPF object (map, program or link): a process of the cell could change what confines it with it"
#define IO_URING "an io_uring made outside the cell: what a process of the cell submits to it may run in its maker's kernel thread (SQPOLL), outside the cell's rules"
#define USERFAULTFD "a userfaultfd made outside the cell: a process of the cell could fill its maker's missing pages with any bytes"
#define PERF_EVENT "a perf event opened outside the cell: a process of the cell could read what it samples of the processes it watches"

/*
 * What an anonymous inode is, from its name ("anon_inode:bpf-map"): the
 * kernel's BPF objects are bpf-map, bpf-prog, bpf_link, bpf_iter and btf;
 * then io_uring, userfaultfd and perf_event, each in brackets. NULL when
 * harmless.
 */
static const char *anon_inode_danger(int fd)
{
	char link[40], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	/* Unnamed, it is not known not to be one. */
	if (n < 0)
		return BPF_OBJECT;
	target[n] = '\0';
	if (!strncmp(target, "anon_inode:bpf", 14) || !strcmp(target, "anon_inode:btf"))
		return BPF_OBJECT;
	if (!strcmp(target, "anon_inode:[io_uring]"))
		return IO_URING;
	if (!strcmp(target, "anon_inode:[userfaultfd]"))
		return USERFAULTFD;
	if (!strcmp(target, "anon_inode:[perf_event]"))
		return PERF_EVENT;
	return NULL;
}

const char *inherited_fd_danger(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	struct statfs fs;

	if (flags < 0 || fstatfs(fd, &fs))
		return NULL;
	switch (fs.f_type) {
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
		if ((flags & O_ACCMODE) == O_RDONLY)
			return NULL;
		return "open for writing on a cgroup file system: a process of the cell could leave its cell or raise its budgets with it";
	case BPF_FS_MAGIC:
		return "on the BPF file system: a process of the cell could reach isolate's pinned maps and links with it";
	case ANON_INODE_FS_MAGIC:
		return anon_inode_danger(fd);
	default:
		return NULL;
	}
}

/*
 * A terminal past the standard descriptors is one nobody chose to give:
 * `run` gives a command its own pty at 0, 1 and 2, and a leftover of the
 * cell holding the caller's terminal would read what is typed after it.
 */
#define INHERITED_TERMINAL "a terminal, beside the standard descriptors: a process of the cell could read what is typed on it, after the command too"

/* The descriptor that stdio puts at n, or -1 when n stays as inherited. */
static int placed_at(const int *stdio, int n)
{
	return stdio && n >= 0 && n < 3 ? stdio[n] : -1;
}

int inherited_fd_find_danger(const int *stdio, int *fd, const char **why)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int found = 0;

	if (!dir)
		return -errno;
	while (!found && (e = readdir(dir))) {
		int n = atoi(e->d_name), fd_flags;

		if (e->d_name[0] == '.' || n == dirfd(dir) || placed_at(stdio, n) >= 0)
			continue;
		fd_flags = fcntl(n, F_GETFD);
		if (fd_flags < 0 || fd_flags & FD_CLOEXEC)
			continue;
		*why = n > 2 && isatty(n) ? INHERITED_TERMINAL : inherited_fd_danger(n);
		if (*why) {
			*fd = n;
			found = 1;
		}
	}
	closedir(dir);
	for (int n = 0; n < 3 && !found; n++) {
		if (placed_at(stdio, n) < 0)
			continue;
		*why = inherited_fd_danger(placed_at(stdio, n));
		if (*why) {
			*fd = n;
			found = 1;
		}
	}
	return found;
}
