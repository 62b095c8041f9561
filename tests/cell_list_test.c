// SPDX-License-Identifier: GPL-2.0
/*
 * `cell list` prints every cell's state, not its capabilities, as
 * cli.md and its usage say: one line of id, cgroup, generation and mode
 * and one of counters each; with -j an array of {"name", "state"}. The
 * pinned state is faked (tests/fake_load.h): the cell is a cgroup and a
 * map entry.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "loader_run.h"

FIXTURE(list) {
	struct fake_env f;
	char name[64];
	uint64_t cgid;
};

FIXTURE_SETUP(list)
{
	struct isolate *iso = NULL;
	int up = fake_env_up(&self->f);

	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "list-%d", getpid());
	ASSERT_EQ(0, fake_cell(iso, self->name, &self->cgid));
	isolate_close(iso);
}

FIXTURE_TEARDOWN(list)
{
	fake_env_down(&self->f);
}

static int lines(const char *text)
{
	int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

TEST_F(list, each_cell_is_its_name_and_state)
{
	char out[4096], want[256];

	ASSERT_EQ(0, loader_run("-j cell list", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want),
		 "[{\"name\":\"%s\",\"state\":{\"cell_id\":0,\"cgroup_id\":%" PRIu64 ",\"generation\":1,\"unenforced\":[],\"counters\":{",
		 self->name, self->cgid);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "capabilities")) TH_LOG("%s", out);
	EXPECT_EQ(0, strcmp(out + strlen(out) - 4, "}}]\n")) TH_LOG("%s", out);

	ASSERT_EQ(0, loader_run("cell list", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "cell %s: id 0, cgroup %" PRIu64 ", generation 1, enforce\n  allowed 0,",
		 self->name, self->cgid);
	EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("%s", out);
	EXPECT_EQ(2, lines(out)) TH_LOG("%s", out);
}

TEST(the_usage_says_what_it_lists)
{
	char out[1024];

	ASSERT_EQ(0, loader_run("cell list --help", out, sizeof(out)));
	EXPECT_STREQ("Usage: isolate-loader cell list \n"
		     "Every cell: name, id, cgroup, generation, mode, counters; not its\n"
		     "capabilities (cell show NAME, status). -j: [{name, state}, ...].\n", out);
}

TEST_HARNESS_MAIN
