// SPDX-License-Identifier: GPL-2.0
/*
 * isolate_cell_spawn and isolate_landlock_spawn start a process only as
 * the ids asked for, never -1, which setresuid(2) reads as "stay root".
 * The pinned state is faked (tests/fake_load.h): a cell here is a cgroup
 * and a map entry.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

static char *const argv_true[] = { "true", NULL };

FIXTURE(cells) {
	struct fake_isolate f;
	struct isolate *iso;
	char name[64];
	char dir[PATH_MAX + 64];
	bool made;
};

FIXTURE_SETUP(cells)
{
	char why[256];
	int up;

	self->iso = NULL;
	self->made = false;
	up = fake_isolate_up(&self->f, why, sizeof(why));
	if (up > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, up) TH_LOG("%s", why);
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
	fake_isolate_down(&self->f);
}

#define IDS_MESSAGE(where) \
	"cannot run a command " where ": set_ids with uid or gid -1, which setresuid(2) and setresgid(2) read as \"no change\" (it would run as root)"

TEST_F(cells, ids_of_minus_one_are_refused)
{
	const struct isolate_spawn_opts asked[] = {
		{ .set_ids = true, .uid = (uid_t)-1, .gid = 65534 },
		{ .set_ids = true, .uid = 65534, .gid = (gid_t)-1 },
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
		{ .set_ids = true, .uid = (uid_t)-1, .gid = 65534 },
		{ .set_ids = true, .uid = 65534, .gid = (gid_t)-1 },
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

TEST_HARNESS_MAIN
