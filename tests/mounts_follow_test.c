// SPDX-License-Identifier: GPL-2.0
/*
 * isolate_state_mounts_follow() closes the state directory again in every
 * cell when a mount shows a part of it somewhere else. A cell it could not
 * close then (its change failed: here, its timed grants unreadable) must
 * be tried again at the next call, not be left open to the new mount
 * because the mounts have not changed since. The pinned state is faked
 * (tests/fake_load.h), in a mount namespace of the test's own.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

FIXTURE(follow) {
	struct fake_env f;
	struct isolate *iso;
	char a[64], b[64];
	char mnt[64];		/* where the channels are shown too */
	bool mounted;
};

static int make_cell(struct isolate *iso, const char *name)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	int err = pol ? isolate_cell_create(iso, name, pol, NULL) : -ENOMEM;

	isolate_cell_policy_free(pol);
	return err;
}

static __u32 generation(struct isolate *iso, const char *name)
{
	struct isolate_cell_state st;

	return isolate_cell_get(iso, name, &st) ? 0 : st.cell.generation;
}

static int write_timed(const char *state, const char *name, const char *text)
{
	char path[PATH_MAX];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cells/%s.timed", state, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

FIXTURE_SETUP(follow)
{
	int up;

	self->iso = NULL;
	self->a[0] = self->b[0] = 0;
	self->mounted = false;
	up = fake_env_up(&self->f);
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->a, sizeof(self->a), "follow-a-%d", getpid());
	snprintf(self->b, sizeof(self->b), "follow-b-%d", getpid());
	ASSERT_EQ(0, make_cell(self->iso, self->a)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, make_cell(self->iso, self->b)) TH_LOG("%s", isolate_last_error());
	/* The first call: no mount shows the state directory anywhere else yet. */
	ASSERT_EQ(0, isolate_state_mounts_follow(self->iso)) TH_LOG("%s", isolate_last_error());
	strcpy(self->mnt, "/tmp/isolate-follow.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->mnt));
}

FIXTURE_TEARDOWN(follow)
{
	if (self->mounted)
		umount2(self->mnt, MNT_DETACH);
	if (self->mnt[0])
		rmdir(self->mnt);
	if (self->iso) {
		isolate_cell_destroy(self->iso, self->a);
		isolate_cell_destroy(self->iso, self->b);
	}
	isolate_close(self->iso);
	fake_env_down(&self->f);
}

TEST_F(follow, a_cell_not_closed_again_is_tried_again)
{
	char channels[PATH_MAX], want[256];

	ASSERT_EQ(1U, generation(self->iso, self->a));
	ASSERT_EQ(1U, generation(self->iso, self->b));
	ASSERT_EQ(0, write_timed(self->f.state, self->b, "garbage\n"));
	snprintf(channels, sizeof(channels), "%s/channels", self->f.state);
	ASSERT_EQ(0, mount(channels, self->mnt, NULL, MS_BIND, NULL));
	self->mounted = true;

	snprintf(want, sizeof(want), "cell %s: the timed grants of cell %s are unreadable",
		 self->b, self->b);
	EXPECT_EQ(-EINVAL, isolate_state_mounts_follow(self->iso));
	EXPECT_STREQ(want, isolate_last_error());
	EXPECT_EQ(2U, generation(self->iso, self->a));
	EXPECT_EQ(1U, generation(self->iso, self->b));

	/* The mounts are as they were: b alone is tried again, and closed now. */
	ASSERT_EQ(0, write_timed(self->f.state, self->b, ""));
	EXPECT_EQ(1, isolate_state_mounts_follow(self->iso)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(2U, generation(self->iso, self->a));
	EXPECT_EQ(2U, generation(self->iso, self->b));

	/* Nothing left to do. */
	EXPECT_EQ(0, isolate_state_mounts_follow(self->iso));
	EXPECT_EQ(2U, generation(self->iso, self->b));
}

TEST_HARNESS_MAIN
