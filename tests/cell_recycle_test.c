// SPDX-License-Identifier: GPL-2.0
/*
 * A recycle destroys a cell and creates it again from its policy, every
 * path on the object it is bound to. When that policy no longer compiles
 * (a path it grants was removed, by the cell itself say, from a cell
 * whose bindings were not kept), the cell must stay as it is, not be
 * destroyed with only an error left. The pinned state is faked
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
	ino_t gone_ino;
};

FIXTURE_SETUP(recycle)
{
	struct isolate_cell_policy *pol;
	struct isolate_cap *cap = NULL;
	char text[128];
	struct stat st;
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
	ASSERT_EQ(0, stat(self->gone, &st));
	self->gone_ino = st.st_ino;
	ASSERT_EQ(0, rmdir(self->gone));
}

FIXTURE_TEARDOWN(recycle)
{
	fake_env_close(&self->f, self->iso, self->name);
}

/* What a libisolate that kept no bindings left: the paths are resolved afresh. */
static int forget_bindings(FIXTURE_DATA(recycle) *self)
{
	char bindings[PATH_MAX];

	snprintf(bindings, sizeof(bindings), "%s/cells/%s.1.bind", self->f.state, self->name);
	if (unlink(bindings))
		return -errno;
	/* Not the handle's copy of them either. */
	isolate_close(self->iso);
	return isolate_open(&self->iso);
}

TEST_F(recycle, a_policy_that_no_longer_compiles_leaves_the_cell)
{
	struct isolate_cell_policy *kept = NULL;
	struct isolate_cell_state was, st;
	char want[256];

	ASSERT_EQ(0, forget_bindings(self)) TH_LOG("%s", isolate_last_error());
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

static int gone_ino(const struct isolate_path_binding *b, void *ctx)
{
	*(__u64 *)ctx = b->ino;
	return 0;
}

/* Kept, the binding holds: the rule stays on the removed directory, as at any change. */
TEST_F(recycle, a_removed_path_stays_on_its_object)
{
	struct isolate_cell_state was, st;
	__u64 ino = 0;

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &was));

	EXPECT_EQ(0, isolate_cell_recycle(self->iso, self->name)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_NE(was.cgid, st.cgid);
	EXPECT_EQ(1U, st.cell.generation);
	ASSERT_EQ(0, isolate_cell_bindings(self->iso, self->name, gone_ino, &ino));
	EXPECT_EQ((__u64)self->gone_ino, ino);
}

TEST_HARNESS_MAIN
