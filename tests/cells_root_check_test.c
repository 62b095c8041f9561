// SPDX-License-Identifier: GPL-2.0
/*
 * The cgroup load takes anew for the cells: the programs take every
 * process below one of its child cgroups for a cell's, so a root that
 * holds the caller's cgroup, or cgroups of other software with processes
 * in them, would refuse them everything. Such a root is refused before
 * anything is written; one holding only isolate's cells (kept in the
 * state directory) and empty cgroups is taken, its cells adopted. The
 * pinned state is faked (tests/fake_load.h) as `unload --force` leaves
 * it: a cell "kept" with a process in it, and nothing loaded.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "loader_run.h"

#define PARKED_MAX 4

FIXTURE(root) {
	struct fake_env f;
	char parent[PATH_MAX];	/* of the cells cgroup */
	pid_t parked[PARKED_MAX];
	int n_parked;
};

/* A process that waits in cgroup dir until it is killed: its pid, or -errno. */
static pid_t park_in(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pid_t pid;

	if (fd < 0)
		return -errno;
	pid = clone_into_cgroup(fd);
	if (pid == 0)
		for (;;)
			pause();
	close(fd);
	return pid < 0 ? -errno : pid;
}

static void park(struct __test_metadata *_metadata, FIXTURE_DATA(root) *self, const char *name)
{
	char dir[PATH_MAX + NAME_MAX + 2];
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/%s", self->f.cells, name);
	if (access(dir, F_OK))
		ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_GT(PARKED_MAX, self->n_parked);
	pid = park_in(dir);
	ASSERT_LT(0, pid) TH_LOG("%s", strerror(-pid));
	self->parked[self->n_parked++] = pid;
}

static int map_fd(const char *bpffs, const char *map)
{
	char path[PATH_MAX];

	fake_pin_path(bpffs, ISOLATE_PIN_MAPS, map, path, sizeof(path));
	return bpf_obj_get(path);
}

static bool map_empty(const char *bpffs, const char *map)
{
	unsigned char key[256];
	int fd = map_fd(bpffs, map);
	bool empty = fd >= 0 && bpf_map_get_next_key(fd, NULL, key) && errno == ENOENT;

	if (fd >= 0)
		close(fd);
	return empty;
}

static struct isolate_config settings_now(const char *bpffs)
{
	struct isolate_config cfg = { .cells_root_cgid = ~0ULL };
	int fd = map_fd(bpffs, "settings");
	__u32 zero = 0;

	if (fd >= 0) {
		bpf_map_lookup_elem(fd, &zero, &cfg);
		close(fd);
	}
	return cfg;
}

/* Nothing of the load written: no cells root, no cell adopted, no rule. */
#define EXPECT_NOTHING_WRITTEN(self) do { \
	EXPECT_EQ(0ULL, settings_now((self)->f.bpffs).cells_root_cgid); \
	EXPECT_EQ(0U, settings_now((self)->f.bpffs).cells_root_level); \
	EXPECT_TRUE(map_empty((self)->f.bpffs, "cells")); \
	EXPECT_TRUE(map_empty((self)->f.bpffs, "inode_rules")); \
} while (0)

FIXTURE_SETUP(root)
{
	struct isolate *iso = NULL;
	int up = fake_env_up(&self->f);

	self->n_parked = 0;
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	dirname_of_cells(self->f.cells, self->parent, sizeof(self->parent));
	ASSERT_EQ(0, isolate_open(&iso)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, create_empty_cell(iso, "kept")) TH_LOG("%s", isolate_last_error());
	isolate_close(iso);
	park(_metadata, self, "kept");
	/* `unload --force`: the cell's cgroup, process and kept files stay. */
	ASSERT_EQ(0, fake_unload(self->f.bpffs));
	ASSERT_EQ(0, fake_load(self->f.bpffs, 0));
}

FIXTURE_TEARDOWN(root)
{
	static const char *const nested[] = { "user.slice/x" };
	char dir[PATH_MAX + NAME_MAX + 2];

	for (int i = 0; i < self->n_parked; i++) {
		kill(self->parked[i], SIGKILL);
		waitpid(self->parked[i], NULL, 0);
	}
	for (size_t i = 0; self->f.cells[0] && i < sizeof(nested) / sizeof(nested[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/%s", self->f.cells, nested[i]);
		rmdir(dir);
	}
	fake_env_down(&self->f);
}

static void make_cgroup(struct __test_metadata *_metadata, FIXTURE_DATA(root) *self,
			const char *name)
{
	char dir[PATH_MAX + NAME_MAX + 2];

	snprintf(dir, sizeof(dir), "%s/%s", self->f.cells, name);
	ASSERT_EQ(0, mkdir(dir, 0755));
}

static int load(const char *dir)
{
	struct isolate *iso = NULL;
	int err = isolate_load_at(dir, &iso, NULL);

	isolate_close(iso);
	return err;
}

TEST_F(root, a_populated_cgroup_no_cell_could_be_named_is_refused)
{
	park(_metadata, self, "init.scope");
	EXPECT_EQ(-ENOTEMPTY, load(self->f.cells));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "the cgroup init.scope")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NE(NULL, strstr(isolate_last_error(), "has processes in it"));
	EXPECT_NOTHING_WRITTEN(self);
}

TEST_F(root, a_populated_cgroup_of_a_cell_name_isolate_kept_nothing_of_is_refused)
{
	park(_metadata, self, "docker");
	EXPECT_EQ(-ENOTEMPTY, load(self->f.cells));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "the cgroup docker")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NOTHING_WRITTEN(self);
}

TEST_F(root, a_cgroup_with_cgroups_below_it_is_refused)
{
	make_cgroup(_metadata, self, "user.slice");
	make_cgroup(_metadata, self, "user.slice/x");
	EXPECT_EQ(-ENOTEMPTY, load(self->f.cells));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "has cgroups below it")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NOTHING_WRITTEN(self);
}

TEST_F(root, the_loader_exits_1_naming_the_cgroup)
{
	char args[PATH_MAX + 64], out[4096];

	park(_metadata, self, "init.scope");
	snprintf(args, sizeof(args), "-j load --cgroup-root %s", self->f.cells);
	EXPECT_EQ(1, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "the cgroup init.scope")) TH_LOG("%s", out);
	EXPECT_NOTHING_WRITTEN(self);
}

TEST_F(root, empty_cgroups_are_passed_over_and_kept_cells_adopted)
{
	struct isolate_cell_state st;
	struct isolate *iso = NULL;

	make_cgroup(_metadata, self, "foo.bar");
	make_cgroup(_metadata, self, "machine");
	ASSERT_EQ(0, isolate_load_at(self->f.cells, &iso, NULL)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(self->f.cells_cgid, settings_now(self->f.bpffs).cells_root_cgid);
	EXPECT_EQ(0, isolate_cell_get(iso, "kept", &st)) TH_LOG("%s", isolate_last_error());
	isolate_close(iso);
}

TEST_F(root, a_new_directory_is_taken)
{
	char fresh[PATH_MAX + 8];
	uint64_t cgid = 0;

	snprintf(fresh, sizeof(fresh), "%s/fresh", self->parent);
	EXPECT_EQ(0, load(fresh)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, cgroup_id(fresh, &cgid));
	EXPECT_EQ(cgid, settings_now(self->f.bpffs).cells_root_cgid);
	rmdir(fresh);
}

/*
 * Loads with the cells in dir from a process in cgroup own: 0 when that is
 * refused for holding the process's own cgroup, 1 when it loads, 2 for
 * another error, 3 when the process cannot move.
 */
static int load_from(const char *own, const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int err;

		if (cgroup_enter(own))
			_exit(3);
		err = load(dir);
		if (err != -EINVAL || !strstr(isolate_last_error(), "this process's own cgroup"))
			fprintf(stderr, "load from %s: %d %s\n", own, err, isolate_last_error());
		_exit(!err ? 1 : err == -EINVAL &&
		      strstr(isolate_last_error(), "this process's own cgroup") ? 0 : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(root, the_callers_own_cgroup_is_refused)
{
	char own[PATH_MAX + 8];

	snprintf(own, sizeof(own), "%s/me", self->parent);
	EXPECT_EQ(0, load_from(own, own));
	EXPECT_NOTHING_WRITTEN(self);
	rmdir(own);
}

/* Run from a cell that outlived `unload --force`: the cell is isolate's, its caller would be in it. */
TEST_F(root, a_cgroup_above_the_callers_is_refused)
{
	char own[PATH_MAX + 8];

	snprintf(own, sizeof(own), "%s/kept", self->f.cells);
	EXPECT_EQ(0, load_from(own, self->f.cells));
	EXPECT_NOTHING_WRITTEN(self);
}

TEST_F(root, the_root_cgroup_is_refused)
{
	char mount[PATH_MAX];

	ASSERT_EQ(0, mount_point_of("cgroup2", mount, sizeof(mount)));
	EXPECT_EQ(-EINVAL, load(mount));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "is the root cgroup")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NOTHING_WRITTEN(self);
}

TEST_HARNESS_MAIN
