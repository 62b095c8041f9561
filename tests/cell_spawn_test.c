// SPDX-License-Identifier: GPL-2.0
/*
 * What isolate_cell_spawn and isolate_cell_cgroup_fd start a process in:
 * only a cell, one the kernel's map has an entry for (a cgroup being
 * created has none yet), through a handle of the load in force (after an
 * unload no program enforces anything); and only as the ids asked for,
 * never -1, which setresuid(2) reads as "stay root". The pinned state is
 * faked (tests/fake_load.h): a cell here is a cgroup and a map entry.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

static char *const argv_true[] = { "true", NULL };

FIXTURE(cells) {
	struct fake_env f;
	struct isolate *iso;
	char name[64];
	char dir[PATH_MAX + 64];
	bool made;
};

FIXTURE_SETUP(cells)
{
	int up;

	self->iso = NULL;
	self->made = false;
	up = fake_env_up(&self->f);
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "spawn-test-%d", getpid());
	snprintf(self->dir, sizeof(self->dir), "%s/%s", self->f.cells, self->name);
	/* As create leaves it until its last step: a cgroup, no map entry. */
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	self->made = true;
}

FIXTURE_TEARDOWN(cells)
{
	if (self->made && rmdir(self->dir))
		TH_LOG("cannot remove %s: %s", self->dir, strerror(errno));
	isolate_close(self->iso);
	fake_env_down(&self->f);
}

TEST_F(cells, a_cgroup_the_map_has_no_entry_for_is_no_cell)
{
	char want[2 * PATH_MAX];
	pid_t pid = 0;

	snprintf(want, sizeof(want), "cgroup %s is not a cell yet (no entry in the kernel's map): a create of %s is under way, or failed",
		 self->dir, self->name);
	EXPECT_EQ(-ENOENT, isolate_cell_cgroup_fd(self->iso, self->name));
	EXPECT_STREQ(want, isolate_last_error());
	EXPECT_EQ(-ENOENT, isolate_cell_spawn(self->iso, self->name, argv_true, NULL, &pid));
	EXPECT_STREQ(want, isolate_last_error());
	EXPECT_EQ(-1, pid);
}

TEST_F(cells, a_cell_in_the_map_is_where_the_process_starts)
{
	uint64_t cgid, of_fd = 0;
	int fd, status;
	pid_t pid = 0;

	ASSERT_EQ(0, fake_cell_entry(self->iso, self->name, &cgid));
	fd = isolate_cell_cgroup_fd(self->iso, self->name);
	ASSERT_LE(0, fd) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, cgroup_fd_id(fd, &of_fd));
	EXPECT_EQ(cgid, of_fd);
	close(fd);

	ASSERT_EQ(0, isolate_cell_spawn(self->iso, self->name, argv_true, NULL, &pid))
		TH_LOG("%s", isolate_last_error());
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/*
 * A cell's processes get no real-time priority, which cpu.max does not
 * hold, whatever limit the caller had (pam_limits, LimitRTPRIO=).
 */
TEST_F(cells, a_cells_process_gets_no_real_time_priority)
{
	char *const argv[] = { "sh", "-c",
		"grep -Eq '^Max realtime priority +0 +0 +$' /proc/self/limits", NULL };
	struct rlimit before, caller = { 5, 5 };
	int status;
	pid_t pid = 0;

	ASSERT_EQ(0, getrlimit(RLIMIT_RTPRIO, &before));
	if (setrlimit(RLIMIT_RTPRIO, &caller))
		SKIP(return, "cannot raise RLIMIT_RTPRIO here: %s", strerror(errno));
	ASSERT_EQ(0, fake_cell_entry(self->iso, self->name, NULL));
	ASSERT_EQ(0, isolate_cell_spawn(self->iso, self->name, argv, NULL, &pid))
		TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, setrlimit(RLIMIT_RTPRIO, &before));
}

/* After `unload --force` the cgroup and the handle's old map remain: no program does. */
TEST_F(cells, a_handle_of_an_unloaded_state_starts_nothing)
{
	pid_t pid = 0;

	ASSERT_EQ(0, fake_cell_entry(self->iso, self->name, NULL));
	ASSERT_EQ(0, fake_unload(self->f.bpffs));

	EXPECT_EQ(-ESTALE, isolate_cell_cgroup_fd(self->iso, self->name));
	EXPECT_STREQ("isolate was unloaded since this handle was opened: reopen it",
		     isolate_last_error());
	EXPECT_EQ(-ESTALE, isolate_cell_spawn(self->iso, self->name, argv_true, NULL, &pid));
	EXPECT_EQ(-1, pid);
}

TEST_F(cells, a_handle_of_an_earlier_load_starts_nothing)
{
	pid_t pid = 0;

	ASSERT_EQ(0, fake_cell_entry(self->iso, self->name, NULL));
	ASSERT_EQ(0, fake_unload(self->f.bpffs));
	ASSERT_EQ(0, fake_load(self->f.bpffs, self->f.cells_cgid));

	EXPECT_EQ(-ESTALE, isolate_cell_spawn(self->iso, self->name, argv_true, NULL, &pid));
	EXPECT_STREQ("the loader was unloaded and loaded again since this handle was opened: reopen it",
		     isolate_last_error());
	EXPECT_EQ(-1, pid);
}

/* A cell destroyed since it was found has no channel: none is made again to share. */
TEST_F(cells, the_channel_of_a_cell_gone_is_not_made_again)
{
	ISOLATE_SPAWN_OPTS(as_nobody, .set_ids = true, .uid = 65534, .gid = 65534);
	char channel[PATH_MAX], want[128];
	pid_t pid = 0;

	ASSERT_EQ(0, fake_cell_entry(self->iso, self->name, NULL));
	ASSERT_EQ(0, isolate_channel_path(self->name, channel, sizeof(channel)));
	ASSERT_EQ(-1, access(channel, F_OK));

	snprintf(want, sizeof(want), "no cell named %s has a channel", self->name);
	EXPECT_EQ(-ENOENT, isolate_cell_spawn(self->iso, self->name, argv_true, &as_nobody, &pid));
	EXPECT_STREQ(want, isolate_last_error());
	EXPECT_EQ(-1, pid);
	EXPECT_EQ(-1, access(channel, F_OK));
}

#define IDS_MESSAGE(where) \
	"cannot run a command " where ": set_ids with uid or gid -1, which setresuid(2) and setresgid(2) read as \"no change\" (it would run as root)"

TEST_F(cells, ids_of_minus_one_are_refused)
{
	const struct isolate_spawn_opts asked[] = {
		{ .sz = sizeof(asked[0]), .set_ids = true, .uid = (uid_t)-1, .gid = 65534 },
		{ .sz = sizeof(asked[0]), .set_ids = true, .uid = 65534, .gid = (gid_t)-1 },
	};
	char want[512];

	ASSERT_EQ(0, fake_cell_entry(self->iso, self->name, NULL));
	snprintf(want, sizeof(want), IDS_MESSAGE("in cell %s"), self->name);
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		pid_t pid = 0;

		EXPECT_EQ(-EINVAL, isolate_cell_spawn(self->iso, self->name, argv_true, &asked[i],
						      &pid));
		EXPECT_STREQ(want, isolate_last_error());
		EXPECT_EQ(-1, pid);
	}
}

TEST(landlock_ids_of_minus_one_are_refused)
{
	const struct isolate_spawn_opts asked[] = {
		{ .sz = sizeof(asked[0]), .set_ids = true, .uid = (uid_t)-1, .gid = 65534 },
		{ .sz = sizeof(asked[0]), .set_ids = true, .uid = 65534, .gid = (gid_t)-1 },
	};
	struct isolate_cell_policy *pol = isolate_cell_policy_new("ids");

	ASSERT_NE(NULL, pol);
	for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
		struct isolate_enforcement_report report;
		pid_t pid = 0;

		EXPECT_EQ(-EINVAL, isolate_landlock_spawn(pol, true, argv_true, &asked[i], &report,
							  &pid));
		EXPECT_STREQ(IDS_MESSAGE("under Landlock"), isolate_last_error());
		EXPECT_EQ(-1, pid);
		EXPECT_EQ((size_t)0, report.n);
		isolate_enforcement_report_free(&report);
	}
	isolate_cell_policy_free(pol);
}

/* Options without a size, or with fields set that this library has not, run nothing. */
TEST(spawn_opts_are_read_by_their_size)
{
	const struct isolate_spawn_opts unsized = { .set_ids = false };
	struct {
		struct isolate_spawn_opts opts;
		unsigned char newer[8];
	} newer = { .opts.sz = sizeof(newer) };
	struct isolate_cell_policy *pol = isolate_cell_policy_new("sized");
	struct isolate_enforcement_report report;
	pid_t pid = 0;

	ASSERT_NE(NULL, pol);
	EXPECT_EQ(-EINVAL, isolate_landlock_spawn(pol, true, argv_true, &unsized, &report, &pid));
	EXPECT_STREQ("cannot run a command under Landlock: isolate_spawn_opts.sz is 0 (ISOLATE_SPAWN_OPTS sets it)",
		     isolate_last_error());
	EXPECT_EQ(-1, pid);
	isolate_enforcement_report_free(&report);
	newer.newer[5] = 1;
	EXPECT_EQ(-E2BIG, isolate_landlock_spawn(pol, true, argv_true, &newer.opts, &report, &pid));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "has fields this library")) TH_LOG("%s", isolate_last_error());
	isolate_enforcement_report_free(&report);
	/* Zero, they are as unknown as absent: the command is run (and refused its exec). */
	newer.newer[5] = 0;
	EXPECT_EQ(-EACCES, isolate_landlock_spawn(pol, true, argv_true, &newer.opts, &report, &pid))
		TH_LOG("%s", isolate_last_error());
	EXPECT_LT(0, pid);
	if (pid > 0)
		EXPECT_EQ(pid, waitpid(pid, NULL, 0));
	isolate_enforcement_report_free(&report);
	isolate_cell_policy_free(pol);
}

/*
 * A ruleset's report weighed the devices its commands' ids could open:
 * it runs commands as those ids only.
 */
TEST(a_landlock_ruleset_runs_as_the_ids_it_was_made_for)
{
	ISOLATE_SPAWN_OPTS(as_nobody, .set_ids = true, .uid = 65534, .gid = 65534);
	ISOLATE_SPAWN_OPTS(as_other, .set_ids = true, .uid = 65534, .gid = 0);
	struct isolate_cell_policy *pol = isolate_cell_policy_new("ids");
	struct isolate_enforcement_report report;
	struct isolate_landlock_ruleset *rs;
	pid_t pid = 0;

	ASSERT_NE(NULL, pol);
	ASSERT_EQ(0, isolate_landlock_ruleset_new(pol, true, &as_nobody, &report, &rs))
		TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(-EINVAL, isolate_landlock_ruleset_spawn(rs, argv_true, NULL, &pid));
	EXPECT_STREQ("cannot run true under Landlock: the ruleset was made (and its devices weighed) for other ids",
		     isolate_last_error());
	EXPECT_EQ(-1, pid);
	EXPECT_EQ(-EINVAL, isolate_landlock_ruleset_spawn(rs, argv_true, &as_other, &pid));
	EXPECT_EQ(-1, pid);
	EXPECT_EQ(-EACCES, isolate_landlock_ruleset_spawn(rs, argv_true, &as_nobody, &pid))
		TH_LOG("%s", isolate_last_error());
	if (pid > 0)
		EXPECT_EQ(pid, waitpid(pid, NULL, 0));
	isolate_landlock_ruleset_free(rs);
	isolate_enforcement_report_free(&report);
	isolate_cell_policy_free(pol);
}

TEST_HARNESS_MAIN
