// SPDX-License-Identifier: GPL-2.0
/*
 * A cell's channel is made with the cell and removed with it: a message
 * for a cell that is gone (a broker answer read late) fails, and does not
 * make the channel again. In a state directory of the test's own.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "tree_util.h"

FIXTURE(channel) {
	char state[64];
	char path[128];
};

FIXTURE_SETUP(channel)
{
	strcpy(self->state, "/tmp/isolate-channel-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->state));
	ASSERT_EQ(0, setenv("ISOLATE_STATE_DIR", self->state, 1));
}

FIXTURE_TEARDOWN(channel)
{
	EXPECT_EQ(0, remove_tree(self->state));
}

/* The messages in the channel of cell name; -1 when it has no channel. */
static int messages(const char *state, const char *name)
{
	char path[128];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/channels/%s", state, name);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strlen(de->d_name) > 4 && !strcmp(de->d_name + strlen(de->d_name) - 4, ".msg");
	closedir(d);
	return n;
}

TEST_F(channel, a_message_for_a_cell_that_is_gone_makes_no_channel)
{
	struct isolate_channel_msg m = { .reply_to = 7 };

	EXPECT_EQ(-ENOENT, isolate_channel_post("gone", &m, NULL, 0));
	EXPECT_EQ(-1, messages(self->state, "gone"));
}

TEST_F(channel, a_message_for_a_cell_is_left_in_its_channel)
{
	struct isolate_channel_msg m = { .reply_to = 7 };

	snprintf(self->path, sizeof(self->path), "%s/channels", self->state);
	ASSERT_EQ(0, mkdir(self->path, 0711));
	snprintf(self->path, sizeof(self->path), "%s/channels/here", self->state);
	ASSERT_EQ(0, mkdir(self->path, 0750));
	EXPECT_EQ(0, isolate_channel_post("here", &m, "hi", 2));
	EXPECT_EQ(1, messages(self->state, "here"));
}

TEST_HARNESS_MAIN
