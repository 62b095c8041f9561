// SPDX-License-Identifier: GPL-2.0
/*
 * A cell whose cgroup outlived `unload --force` gets its kernel state back
 * at the next load, from its kept policy (cell_readopt). One made with
 * --allow-unenforced gets it back as it was made, its unenforced budget
 * accepted again, not closed. And a readopt that fails leaves the cell's
 * cgroup and channel as they are: its processes are there, and its
 * supervisor's messages. The pinned state is faked (tests/fake_load.h);
 * on this host's cgroup the memory budget is not enforced (no controller),
 * else the cases are skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "user/internal.h"

static const char *const caps[] = { "read:/tmp", "memory:64M" };
#define N_CAPS (sizeof(caps) / sizeof(caps[0]))

FIXTURE(readopt) {
	struct fake_isolate f;
	struct isolate *iso;
	char name[64];
	struct isolate_cell_state before;
};

/* `unload --force` and a new load: the cell's cgroup and kept files stay, its entry goes. */
static int reload(struct fake_isolate *f, struct isolate **iso)
{
	int err = fake_unload(f->bpffs);

	if (!err)
		err = fake_load(f->bpffs, f->cells_root_cgid);
	isolate_close(*iso);
	*iso = NULL;
	if (!err)
		err = isolate_open(iso);
	return err ?: cell_ids_rebuild(*iso);
}

/* The messages in the channel of cell name. */
static int channel_messages(const char *name)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	isolate_channel_path(name, dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

FIXTURE_SETUP(readopt)
{
	struct isolate_channel_msg msg = { .call_id = 7 };
	struct isolate_cell_policy *pol;
	char why[256];
	int up;

	self->iso = NULL;
	self->name[0] = 0;
	up = fake_isolate_up(&self->f, why, sizeof(why));
	if (up > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, up) TH_LOG("%s", why);
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "readopt-test-%d", getpid());
	pol = isolate_cell_policy_new(self->name);
	ASSERT_NE(NULL, pol);
	for (size_t i = 0; i < N_CAPS; i++) {
		struct isolate_cap *cap = NULL;

		ASSERT_EQ(0, isolate_cap_parse(caps[i], &cap, NULL));
		ASSERT_EQ(0, isolate_cell_policy_add(pol, cap));
		isolate_cap_free(cap);
	}
	isolate_allow_unenforced(self->iso, true);
	ASSERT_EQ(0, isolate_cell_create(self->iso, self->name, pol, &self->before))
		TH_LOG("%s", isolate_last_error());
	isolate_cell_policy_free(pol);
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &self->before));
	if (!(self->before.unenforced & ISOLATE_UNENFORCED_MEMORY))
		SKIP(return, "memory budgets are enforced here");
	ASSERT_EQ(0, isolate_channel_post(self->name, &msg, "kept", 4));
	ASSERT_EQ(1, channel_messages(self->name));
	ASSERT_EQ(0, reload(&self->f, &self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(readopt)
{
	if (self->iso && self->name[0])
		isolate_cell_destroy(self->iso, self->name);
	isolate_close(self->iso);
	fake_isolate_down(&self->f);
}

TEST_F(readopt, a_cell_made_with_a_budget_unenforced_comes_back_as_made)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state st;

	ASSERT_EQ(0, cell_readopt(self->iso, self->name)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(self->before.cgid, st.cgid);
	EXPECT_EQ(1U, st.cell.generation);
	EXPECT_EQ(ISOLATE_UNENFORCED_MEMORY, st.unenforced);
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &pol));
	EXPECT_EQ(N_CAPS, isolate_cell_policy_cap_count(pol));
	isolate_cell_policy_free(pol);
	EXPECT_EQ(1, channel_messages(self->name));
}

/*
 * Its budget no longer accepted (kept from before unenforced budgets were
 * kept, say): the readopt fails, and the cell comes back closed, in the
 * same cgroup, with its channel as it was.
 */
TEST_F(readopt, a_failed_readopt_leaves_the_cgroup_and_the_channel)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state st;

	ASSERT_EQ(0, spec_write_unenforced(self->name, 0));
	ASSERT_EQ(0, cell_readopt(self->iso, self->name)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(self->before.cgid, st.cgid);
	EXPECT_EQ(1, channel_messages(self->name));
	EXPECT_EQ(2U, st.cell.generation);
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &pol));
	EXPECT_EQ((size_t)0, isolate_cell_policy_cap_count(pol));
	isolate_cell_policy_free(pol);
}

TEST_HARNESS_MAIN
