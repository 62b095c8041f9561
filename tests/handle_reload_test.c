// SPDX-License-Identifier: GPL-2.0
/*
 * A handle opened before `unload --force && load` holds maps and a lock
 * of a load no program uses any more: every change through it must fail
 * with -ESTALE instead of landing there. The pinned state is faked (the
 * maps only, no program: the host refuses BPF LSM programs, not maps) in
 * a bpffs of the test's own, in a mount namespace of its own.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "common/cgroup.h"
#include "common/mountinfo.h"
#include "loader_run.h"

/* A cell name no cgroup has: its destroy is a change that finds nothing. */
#define NO_CELL "no-such-cell-of-handle-reload-test"

/* The pinned maps of Documentation/abi.md, all of which isolate_open opens. */
#define EV_NAME(C, number, name, bytes) "ev_" #name,
static const char *const maps[] = {
	"settings", "cells", "inode_rules", "inode_bloom", "net_rules", "unix_rules",
	"counters", "event_seq", ISOLATE_EVENT_CLASS_LIST(EV_NAME) "rcu_sync", "ipc_owners",
	"event_windows", "path_scratch",
};
#undef EV_NAME
#define N_MAPS (sizeof(maps) / sizeof(maps[0]))

static int pin_path(const char *bpffs, const char *name, char *out, size_t len)
{
	return snprintf(out, len, "%s/%s/%s%s%s", bpffs, ISOLATE_PIN_DIR, ISOLATE_PIN_MAPS,
			name ? "/" : "", name ?: "") >= (int)len ? -ENAMETOOLONG : 0;
}

/* What isolate_open reads of a load: the pinned maps, the settings among them. */
static int fake_load(const char *bpffs, uint64_t cells_root_cgid)
{
	struct isolate_config cfg = { .cells_root_cgid = cells_root_cgid,
				      .abi_version = ISOLATE_ABI_VERSION };
	char path[PATH_MAX];
	__u32 zero = 0;

	snprintf(path, sizeof(path), "%s/%s", bpffs, ISOLATE_PIN_DIR);
	if (mkdir(path, 0700))
		return -errno;
	pin_path(bpffs, NULL, path, sizeof(path));
	if (mkdir(path, 0700))
		return -errno;
	for (size_t i = 0; i < N_MAPS; i++) {
		bool settings = !strcmp(maps[i], "settings");
		int fd, err = 0;

		/* What the supervisor reads is of its kind: rings, and no cell. */
		if (!strncmp(maps[i], "ev_", 3))
			fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, maps[i], 0, 0, 4096, NULL);
		else if (!strcmp(maps[i], "cells"))
			fd = bpf_map_create(BPF_MAP_TYPE_HASH, maps[i], sizeof(__u64),
					    sizeof(struct isolate_cell), 1, NULL);
		else
			fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, maps[i], sizeof(__u32),
					    settings ? sizeof(cfg) : sizeof(__u32), 1, NULL);
		if (fd < 0)
			return -errno;
		if (settings && bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY))
			err = -errno;
		pin_path(bpffs, maps[i], path, sizeof(path));
		if (!err && bpf_obj_pin(fd, path))
			err = -errno;
		close(fd);
		if (err)
			return err;
	}
	return 0;
}

/* What `unload` leaves: nothing pinned, no pin directory. */
static int fake_unload(const char *bpffs)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < N_MAPS; i++) {
		pin_path(bpffs, maps[i], path, sizeof(path));
		if (unlink(path))
			return -errno;
	}
	pin_path(bpffs, NULL, path, sizeof(path));
	if (rmdir(path))
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", bpffs, ISOLATE_PIN_DIR);
	return rmdir(path) ? -errno : 0;
}

FIXTURE(loaded) {
	char bpffs[64];
	char state[64];		/* ISOLATE_STATE_DIR */
	bool state_made;
	uint64_t cells_root_cgid;
	struct isolate *iso;
};

FIXTURE_SETUP(loaded)
{
	char path[PATH_MAX], own[PATH_MAX];

	self->iso = NULL;
	self->state_made = false;
	strcpy(self->bpffs, "/tmp/isolate-reload.XXXXXX");
	strcpy(self->state, "/tmp/isolate-reload-state.XXXXXX");
	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace here: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	/* isolate's pin root is under the first bpffs mounted: ours alone. */
	while (!mount_point_of("bpf", path, sizeof(path)))
		ASSERT_EQ(0, umount2(path, MNT_DETACH));
	ASSERT_NE(NULL, mkdtemp(self->bpffs));
	if (mount("bpf", self->bpffs, "bpf", 0, "mode=0700"))
		SKIP(return, "cannot mount a bpffs: %s", strerror(errno));
	if (mount_point_of("cgroup2", path, sizeof(path)))
		SKIP(return, "no cgroup v2 hierarchy is mounted");
	/* The cells cgroup: our own, where no cell is (nothing in the cells map). */
	ASSERT_EQ(0, cgroup_own(path, own, sizeof(own)));
	ASSERT_EQ(0, cgroup_id(own, &self->cells_root_cgid));
	ASSERT_NE(NULL, mkdtemp(self->state));
	self->state_made = true;
	ASSERT_EQ(0, setenv("ISOLATE_STATE_DIR", self->state, 1));
	if (fake_load(self->bpffs, self->cells_root_cgid) == -EPERM)
		SKIP(return, "no BPF maps here (EPERM)");
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(loaded)
{
	isolate_close(self->iso);
	umount2(self->bpffs, MNT_DETACH);
	rmdir(self->bpffs);
	if (self->state_made) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->state);
		if (system(cmd))
			TH_LOG("cannot remove %s", self->state);
	}
}

TEST_F(loaded, a_handle_of_the_load_in_force_changes)
{
	EXPECT_EQ(0, isolate_check_current(self->iso));
	EXPECT_EQ(-ENOENT, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_EQ(0, isolate_check_current(self->iso));
}

/* The lock was taken before: its fd is the removed directory's. */
TEST_F(loaded, a_handle_that_locked_before_unload_and_load_is_stale)
{
	ASSERT_EQ(-ENOENT, isolate_cell_destroy(self->iso, NO_CELL));
	ASSERT_EQ(0, fake_unload(self->bpffs));
	ASSERT_EQ(0, fake_load(self->bpffs, self->cells_root_cgid));

	EXPECT_EQ(-ESTALE, isolate_check_current(self->iso));
	EXPECT_EQ(-ESTALE, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_STREQ("the loader was unloaded and loaded again since this handle was opened: reopen it",
		     isolate_last_error());
}

/* The lock is first taken after: on the new directory, so the maps tell. */
TEST_F(loaded, a_handle_that_never_locked_is_stale_by_its_maps)
{
	ASSERT_EQ(0, fake_unload(self->bpffs));
	ASSERT_EQ(0, fake_load(self->bpffs, self->cells_root_cgid));

	EXPECT_EQ(-ESTALE, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_STREQ("the loader was unloaded and loaded again since this handle was opened: reopen it",
		     isolate_last_error());
	EXPECT_EQ(-ESTALE, isolate_check_current(self->iso));
}

TEST_F(loaded, a_handle_after_unload_alone_is_stale)
{
	ASSERT_EQ(0, fake_unload(self->bpffs));

	EXPECT_EQ(-ESTALE, isolate_check_current(self->iso));
	EXPECT_EQ(-ESTALE, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_STREQ("isolate was unloaded since this handle was opened: reopen it",
		     isolate_last_error());
}

/* A handle opened after the reload is of it. */
TEST_F(loaded, a_handle_opened_again_is_current)
{
	struct isolate *again;

	ASSERT_EQ(0, fake_unload(self->bpffs));
	ASSERT_EQ(0, fake_load(self->bpffs, self->cells_root_cgid));
	ASSERT_EQ(0, isolate_open(&again));

	EXPECT_EQ(0, isolate_check_current(again));
	EXPECT_EQ(-ENOENT, isolate_cell_destroy(again, NO_CELL));
	isolate_close(again);
}

/*
 * The supervisor reads on, after the records still queued, only while its
 * handle is of the load in force: else it exits 5, to be started again.
 * Stopped while the state is loaded again, it sees the new load at once.
 */
TEST_F(loaded, the_supervisor_exits_5_once_loaded_again)
{
	char sock[PATH_MAX], err_text[4096] = "";
	int out[2], status, tries = 0;
	ssize_t n, got = 0;
	pid_t pid;

	snprintf(sock, sizeof(sock), "%s/events/sock", self->state);
	ASSERT_EQ(0, pipe(out));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		dup2(out[1], STDERR_FILENO);
		close(out[0]);
		/* Its bound, should it never notice: within the harness's 30 s. */
		execlp(loader_bin(), "isolate-loader", "supervise", "--out", "/dev/null",
		       "--timeout", "20", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	/* Serving subscribers: its rings are open, its rounds begin. */
	while (access(sock, F_OK) && waitpid(pid, &status, WNOHANG) == 0 && tries++ < 6000)
		usleep(10000);
	ASSERT_EQ(0, access(sock, F_OK));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_EQ(0, fake_unload(self->bpffs));
	ASSERT_EQ(0, fake_load(self->bpffs, self->cells_root_cgid));
	ASSERT_EQ(0, kill(pid, SIGCONT));

	while (got < (ssize_t)sizeof(err_text) - 1 &&
	       (n = read(out[0], err_text + got, sizeof(err_text) - 1 - got)) > 0)
		got += n;
	err_text[got] = '\0';
	close(out[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(5, WEXITSTATUS(status)) TH_LOG("stderr: %s", err_text);
	EXPECT_STREQ("isolate-loader: supervise: the loader was unloaded and loaded again since this handle was opened: reopen it\n",
		     err_text);
}

TEST_HARNESS_MAIN
