// SPDX-License-Identifier: GPL-2.0
/*
 * `run` exits with the code its error says: a command that could not be
 * started in the cell (missing: 127; --cwd it may not enter, or a file it
 * may not execute: 126) is reaped first, and the JSON error carries the
 * same exit_code, not 125 ("isolate failed before the command ran"). The
 * pinned state is faked (tests/fake_load.h): the cell is a cgroup and a
 * map entry, and nothing enforces its rules.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "loader_run.h"

FIXTURE(run) {
	struct fake_env f;
	char name[64];
};

FIXTURE_SETUP(run)
{
	struct isolate *iso = NULL;
	int up = fake_env_up(&self->f);

	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "run-exit-%d", getpid());
	ASSERT_EQ(0, fake_cell(iso, self->name, NULL));
	isolate_close(iso);
}

FIXTURE_TEARDOWN(run)
{
	fake_env_down(&self->f);
}

/* "-j run --cell NAME -- ARGS" (ARGS a shell fragment): its exit status; out its stdout. */
static int run_json(FIXTURE_DATA(run) *self, const char *opts, const char *args, char *out,
		    size_t len)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "-j run --backend bpf --no-pty --cell %s %s -- %s 2>/dev/null",
		 self->name, opts, args);
	return loader_run(cmd, out, len);
}

TEST_F(run, a_missing_command_is_127_in_the_error_too)
{
	char out[2048], want[512];

	EXPECT_EQ(127, run_json(self, "", "/no/such/command", out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "{\"error\":\"run: cannot run /no/such/command in cell %s: No such file or directory\",\"exit_code\":127}\n",
		 self->name);
	EXPECT_STREQ(want, out);
}

TEST_F(run, a_working_directory_it_cannot_enter_is_126_in_the_error_too)
{
	char out[2048], want[512];

	EXPECT_EQ(126, run_json(self, "--cwd /no/such/dir", "true", out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "{\"error\":\"run: cannot run true in cell %s: working directory /no/such/dir: No such file or directory\",\"exit_code\":126}\n",
		 self->name);
	EXPECT_STREQ(want, out);
}

TEST_F(run, a_file_it_cannot_execute_is_126_in_the_error_too)
{
	char file[] = "/tmp/isolate-run-exit.XXXXXX", out[2048];
	int fd = mkstemp(file);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(126, run_json(self, "", file, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"exit_code\":126}\n")) TH_LOG("%s", out);
	EXPECT_EQ(0, unlink(file));
}

TEST_F(run, a_command_that_runs_exits_with_its_own_code)
{
	char out[2048];

	EXPECT_EQ(7, run_json(self, "", "sh -c 'exit 7'", out, sizeof(out)));
	EXPECT_STREQ("", out);
}

TEST_HARNESS_MAIN
