// SPDX-License-Identifier: GPL-2.0
/*
 * A recycle destroys a cell and creates it again from its policy, every
 * path resolved afresh. When that policy no longer compiles (a path it
 * grants was removed, by the cell itself say), the cell must stay as it
 * is, not be destroyed with only an error left. The pinned state is faked
 * (tests/fake_load.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

FIXTURE(recycle) {
	struct fake_env f;
	struct isolate *iso;
	char name[64];
	char gone[64];		/* a directory the policy grants, removed */
};

FIXTURE_SETUP(recycle)
{
	struct isolate_cell_policy *pol;
	struct isolate_cap *cap = NULL;
	char text[128];
	int up;

	self->iso = NULL;
	self->name[0] = 0;
	up = fake_env_up(&self->f);
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "recycle-test-%d", getpid());

	/* The cell is granted a directory that is gone since. */
	strcpy(self->gone, "/tmp/isolate-recycle.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->gone));
	snprintf(text, sizeof(text), "read:%s", self->gone);
	pol = isolate_cell_policy_new(self->name);
	ASSERT_NE(NULL, pol);
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_policy_add(pol, cap));
	ASSERT_EQ(0, isolate_cell_create(self->iso, self->name, pol, NULL))
		TH_LOG("%s", isolate_last_error());
	isolate_cap_free(cap);
	isolate_cell_policy_free(pol);
	ASSERT_EQ(0, rmdir(self->gone));
}

FIXTURE_TEARDOWN(recycle)
{
	if (self->iso && self->name[0])
		isolate_cell_destroy(self->iso, self->name);
	isolate_close(self->iso);
	fake_env_down(&self->f);
}

TEST_F(recycle, a_policy_that_no_longer_compiles_leaves_the_cell)
{
	struct isolate_cell_policy *kept = NULL;
	struct isolate_cell_state was, st;
	char want[256];

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &was));
	snprintf(want, sizeof(want),
		 "expected an existing path (or one marked optional), got %s: No such file or directory",
		 self->gone);

	EXPECT_EQ(-ENOENT, isolate_cell_recycle(self->iso, self->name));
	EXPECT_STREQ(want, isolate_last_error());

	/* The same cgroup, its entry and its kept policy. */
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(was.cgid, st.cgid);
	EXPECT_EQ(1U, st.cell.generation);
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &kept));
	EXPECT_EQ((size_t)1, isolate_cell_policy_cap_count(kept));
	isolate_cell_policy_free(kept);
}

TEST_HARNESS_MAIN
