// SPDX-License-Identifier: GPL-2.0
/*
 * The depth of the cells' cgroup that load records is the one the kernel
 * counts (the programs compare a task's ancestor at that depth with the
 * cells root: a wrong one finds no task in a cell, and every hook
 * allows). A path with ".." is counted as resolved; a process in a cgroup
 * namespace of its own, which cannot know the depth, is refused. The
 * pinned state is faked (tests/fake_load.h): load adopts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"

/* The depth of dir below its mount's root, by walking ".." (cgroupfs has no links). */
static int depth_by_walking(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), depth = 0;

	while (fd >= 0) {
		int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct stat here, above;

		if (up < 0 || fstat(fd, &here) || fstat(up, &above)) {
			close(fd);
			if (up >= 0)
				close(up);
			return -1;
		}
		close(fd);
		fd = up;
		/* ".." of a mount's root is its mount point's parent, on another file system. */
		if (here.st_dev != above.st_dev || here.st_ino == above.st_ino)
			break;
		depth++;
	}
	if (fd >= 0)
		close(fd);
	return depth;
}

static int settings_fd(const char *bpffs)
{
	char path[PATH_MAX];

	fake_pin_path(bpffs, ISOLATE_PIN_MAPS, "settings", path, sizeof(path));
	return bpf_obj_get(path);
}

FIXTURE(level) {
	struct fake_env f;
	int settings;
	char parent[PATH_MAX];	/* of the cells cgroup: the test's own */
	char detour[PATH_MAX + 8];
	char cells2[PATH_MAX + 8];
};

FIXTURE_SETUP(level)
{
	struct isolate_config cfg;
	__u32 zero = 0;
	int up = fake_env_up(&self->f);

	self->settings = -1;
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	/* Nowhere yet: load takes the cells cgroup it is given. */
	self->settings = settings_fd(self->f.bpffs);
	ASSERT_LE(0, self->settings);
	ASSERT_EQ(0, bpf_map_lookup_elem(self->settings, &zero, &cfg));
	cfg.cells_root_cgid = 0;
	cfg.cells_root_level = 0;
	ASSERT_EQ(0, bpf_map_update_elem(self->settings, &zero, &cfg, BPF_ANY));
	snprintf(self->parent, sizeof(self->parent), "%.*s",
		 (int)(strrchr(self->f.cells, '/') - self->f.cells), self->f.cells);
	snprintf(self->detour, sizeof(self->detour), "%s/a", self->parent);
	snprintf(self->cells2, sizeof(self->cells2), "%s/cells2", self->parent);
	ASSERT_EQ(0, mkdir(self->detour, 0755));
}

FIXTURE_TEARDOWN(level)
{
	if (self->settings >= 0) {
		rmdir(self->cells2);
		rmdir(self->detour);
		close(self->settings);
	}
	fake_env_down(&self->f);
}

static unsigned int level_written(int settings)
{
	struct isolate_config cfg = { 0 };
	__u32 zero = 0;

	bpf_map_lookup_elem(settings, &zero, &cfg);
	return cfg.cells_root_level;
}

TEST_F(level, a_path_through_dot_dot_is_counted_as_resolved)
{
	char asked[sizeof(((FIXTURE_DATA(level) *)0)->detour) + 16];
	struct isolate *iso = NULL;
	int depth;

	snprintf(asked, sizeof(asked), "%s/../cells2", self->detour);
	ASSERT_EQ(0, isolate_load_at(asked, &iso, NULL)) TH_LOG("%s", isolate_last_error());
	isolate_close(iso);
	depth = depth_by_walking(self->cells2);
	ASSERT_LT(0, depth);
	/* The walk stops at the mount's root: the host's cgroup2 is mounted whole. */
	EXPECT_EQ((unsigned int)depth, level_written(self->settings));
}

TEST_F(level, a_cgroup_namespace_of_its_own_is_refused)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct isolate *iso = NULL;
		int err;

		if (unshare(CLONE_NEWCGROUP))
			_exit(99);
		err = isolate_load_at(self->cells2, &iso, NULL);
		if (err != -EOPNOTSUPP) {
			fprintf(stderr, "load in a cgroup namespace: %d %s\n", err,
				isolate_last_error());
			_exit(1);
		}
		_exit(strstr(isolate_last_error(), "cgroup namespace of its own") ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0U, level_written(self->settings));
}

TEST_HARNESS_MAIN
