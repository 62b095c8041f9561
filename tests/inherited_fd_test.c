// SPDX-License-Identifier: GPL-2.0
/*
 * The descriptors a cell's command may not inherit (common/inherited_fd.c):
 * one open for writing on a cgroup file system, one on bpffs, a BPF
 * object, an io_uring, a userfaultfd, a perf event. Files, pipes and sockets the caller passes on purpose pass, and
 * so does a cgroup file open for reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common/inherited_fd.h"

#define CGROUP_WRITE "open for writing on a cgroup file system: a process of the cell could leave its cell or raise its budgets with it"
#define ON_BPFFS "on the BPF file system: a process of the cell could reach isolate's pinned maps and links with it"
#define BPF_OBJECT "a BPF object (map, program or link): a process of the cell could change what confines it with it"
#define IO_URING "an io_uring made outside the cell: what a process of the cell submits to it may run in its maker's kernel thread (SQPOLL), outside the cell's rules"
#define USERFAULTFD "a userfaultfd made outside the cell: a process of the cell could fill its maker's missing pages with any bytes"
#define PERF_EVENT "a perf event opened outside the cell: a process of the cell could read what it samples of the processes it watches"

/* Where the first file system of type (cgroup, cgroup2, bpf) is mounted, or NULL. */
static const char *mount_of(const char *type)
{
	static char dir[4096];
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *m;
	const char *found = NULL;

	while (f && !found && (m = getmntent(f)))
		if (!strcmp(m->mnt_type, type) &&
		    snprintf(dir, sizeof(dir), "%s", m->mnt_dir) < (int)sizeof(dir))
			found = dir;
	if (f)
		endmntent(f);
	return found;
}

/* cgroup.procs of the first cgroup hierarchy mounted, opened with flags; -1: none. */
static int open_cgroup_procs(int flags)
{
	static const char *const types[] = { "cgroup2", "cgroup" };
	char path[4200];

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const char *dir = mount_of(types[i]);

		if (!dir)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		return open(path, flags);
	}
	return -1;
}

TEST(files_pipes_and_sockets_pass)
{
	int file = open("/dev/null", O_RDWR), p[2], s[2];
	char tmp[] = "/tmp/inherited-fd-XXXXXX";
	int written = mkstemp(tmp);

	ASSERT_LE(0, file);
	ASSERT_LE(0, written);
	unlink(tmp);
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, s));
	EXPECT_EQ(NULL, inherited_fd_danger(file));
	EXPECT_EQ(NULL, inherited_fd_danger(written));
	EXPECT_EQ(NULL, inherited_fd_danger(p[0]));
	EXPECT_EQ(NULL, inherited_fd_danger(p[1]));
	EXPECT_EQ(NULL, inherited_fd_danger(s[0]));
	/* Not open: nothing passes. */
	EXPECT_EQ(NULL, inherited_fd_danger(4000));
	close(file);
	close(written);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
}

TEST(a_cgroup_file_open_for_writing_is_refused)
{
	int wr = open_cgroup_procs(O_WRONLY | O_CLOEXEC);
	int rdwr = open_cgroup_procs(O_RDWR | O_CLOEXEC);
	int rd = open_cgroup_procs(O_RDONLY | O_CLOEXEC);

	if (rd < 0)
		SKIP(return, "no cgroup hierarchy whose cgroup.procs opens here");
	ASSERT_LE(0, wr);
	ASSERT_LE(0, rdwr);
	EXPECT_STREQ(CGROUP_WRITE, inherited_fd_danger(wr));
	EXPECT_STREQ(CGROUP_WRITE, inherited_fd_danger(rdwr));
	EXPECT_EQ(NULL, inherited_fd_danger(rd));
	close(wr);
	close(rdwr);
	close(rd);
}

TEST(anything_on_bpffs_is_refused)
{
	const char *dir = mount_of("bpf");
	int fd;

	if (!dir)
		SKIP(return, "no bpffs mounted");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_STREQ(ON_BPFFS, inherited_fd_danger(fd));
	close(fd);
}

TEST(a_bpf_map_is_refused)
{
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 1,
	};
	int fd = (int)syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));

	if (fd < 0)
		SKIP(return, "cannot create a BPF map here: %s", strerror(errno));
	EXPECT_STREQ(BPF_OBJECT, inherited_fd_danger(fd));
	close(fd);
}

/* Its polling thread, if it has one, is in its maker's cgroup: any ring is refused. */
TEST(an_io_uring_is_refused)
{
	struct io_uring_params params = { 0 };
	int fd = (int)syscall(__NR_io_uring_setup, 1, &params);

	if (fd < 0)
		SKIP(return, "cannot set up an io_uring here: %s", strerror(errno));
	EXPECT_STREQ(IO_URING, inherited_fd_danger(fd));
	close(fd);
}

/* A userfaultfd writes its maker's memory; a perf event reads who it watches. */
TEST(a_userfaultfd_and_a_perf_event_are_refused)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE, .size = sizeof(attr), .config = PERF_COUNT_SW_TASK_CLOCK,
		.exclude_kernel = 1,
	};
	int uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	int perf = (int)syscall(__NR_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);

	if (uffd < 0 && perf < 0)
		SKIP(return, "neither a userfaultfd nor a perf event here: %s", strerror(errno));
	if (uffd >= 0) {
		EXPECT_STREQ(USERFAULTFD, inherited_fd_danger(uffd));
		close(uffd);
	}
	if (perf >= 0) {
		EXPECT_STREQ(PERF_EVENT, inherited_fd_danger(perf));
		close(perf);
	}
}

/* What a command started now would inherit, as found. */
struct finding {
	int ret, fd;
	const char *why;
};

static struct finding find(const int *stdio)
{
	struct finding f = { 0, -1, NULL };

	f.ret = inherited_fd_find_danger(stdio, &f.fd, &f.why);
	return f;
}

/* Close-on-exec descriptors do not pass; stdio's do, at 0, 1 and 2. */
TEST(only_what_the_command_inherits_is_looked_at)
{
	int wr = open_cgroup_procs(O_WRONLY), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int stdio[3] = { -1, -1, -1 };
	struct finding f;

	if (wr < 0)
		SKIP(return, "no cgroup hierarchy whose cgroup.procs opens here");
	ASSERT_LE(0, null);
	f = find(NULL);
	EXPECT_EQ(1, f.ret);
	EXPECT_EQ(wr, f.fd);
	EXPECT_STREQ(CGROUP_WRITE, f.why);

	ASSERT_EQ(0, fcntl(wr, F_SETFD, FD_CLOEXEC));
	f = find(NULL);
	EXPECT_EQ(0, f.ret);

	stdio[1] = wr;
	f = find(stdio);
	EXPECT_EQ(1, f.ret);
	EXPECT_EQ(1, f.fd);
	EXPECT_STREQ(CGROUP_WRITE, f.why);

	/* An inherited 0 that stdio replaces does not pass. */
	ASSERT_EQ(3000, dup2(0, 3000));
	ASSERT_EQ(0, dup2(wr, 0));
	stdio[1] = -1;
	stdio[0] = null;
	f = find(stdio);
	ASSERT_EQ(0, dup2(3000, 0));
	EXPECT_EQ(0, f.ret);
	close(wr);
	close(3000);
	close(null);
}

/* A terminal past 0, 1 and 2 is refused; at them (given, or inherited) it passes. */
TEST(a_terminal_beside_the_standard_descriptors_is_refused)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), slave, stdio[3] = { -1, -1, -1 };
	struct finding f;

	ASSERT_LE(0, master);
	ASSERT_EQ(0, grantpt(master));
	ASSERT_EQ(0, unlockpt(master));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	ASSERT_LE(3, slave);
	f = find(NULL);
	EXPECT_EQ(1, f.ret);
	EXPECT_EQ(slave, f.fd);
	EXPECT_NE(NULL, strstr(f.why, "a terminal, beside the standard descriptors"));
	ASSERT_EQ(0, fcntl(slave, F_SETFD, FD_CLOEXEC));
	stdio[0] = stdio[1] = stdio[2] = slave;
	f = find(stdio);
	EXPECT_EQ(0, f.ret);
	close(slave);
	close(master);
}

TEST_HARNESS_MAIN
