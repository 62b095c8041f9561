// SPDX-License-Identifier: GPL-2.0
/*
 * A command named without a '/' is looked for on the PATH of the
 * environment the command is given (isolate_spawn_opts.envp, `run --env
 * PATH=...`), not on the caller's: a command in a directory only that
 * PATH names runs, and when the cell may not execute it, `run` names that
 * file. The pinned state is faked (tests/fake_load.h): the cell is a
 * cgroup and a map entry, and nothing enforces its rules.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "text_file.h"
#include "fake_load.h"
#include "loader_run.h"

#define TOOL "isolate-path-tool"
#define TOOL_SAYS "found on the given PATH\n"
#define NOBODY 65534

FIXTURE(path) {
	struct fake_env f;
	char name[64];
	char dir[64];		/* on no PATH but the one given */
	char tool[128];
};

FIXTURE_SETUP(path)
{
	struct isolate *iso = NULL;
	int up = fake_env_up(&self->f);

	self->dir[0] = '\0';
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "run-path-%d", getpid());
	ASSERT_EQ(0, fake_cell(iso, self->name, NULL));
	isolate_close(iso);
	strcpy(self->dir, "/tmp/isolate-path.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->tool, sizeof(self->tool), "%s/" TOOL, self->dir);
	ASSERT_EQ(0, write_text_file(self->tool, "#!/bin/sh\necho " TOOL_SAYS, 0755));
}

FIXTURE_TEARDOWN(path)
{
	if (self->dir[0]) {
		unlink(self->tool);
		rmdir(self->dir);
	}
	fake_env_down(&self->f);
}

TEST_F(path, the_library_looks_on_the_path_in_envp)
{
	char path_entry[96], out[256] = "";
	char *envp[] = { path_entry, NULL };
	char *argv[] = { TOOL, NULL };
	int stdio[3] = { -1, -1, -1 }, pipe_fds[2], status = -1, err;
	ISOLATE_SPAWN_OPTS(opts, .envp = envp, .stdio = stdio);
	struct isolate *iso = NULL;
	pid_t pid = -1;
	ssize_t n;

	snprintf(path_entry, sizeof(path_entry), "PATH=%s", self->dir);
	ASSERT_EQ(0, pipe2(pipe_fds, O_CLOEXEC));
	stdio[1] = pipe_fds[1];
	ASSERT_EQ(0, isolate_open(&iso)) TH_LOG("%s", isolate_last_error());
	err = isolate_cell_spawn(iso, self->name, argv, &opts, &pid);
	EXPECT_EQ(0, err) TH_LOG("%s", isolate_last_error());
	isolate_close(iso);
	close(pipe_fds[1]);
	n = read(pipe_fds[0], out, sizeof(out) - 1);
	close(pipe_fds[0]);
	out[n > 0 ? n : 0] = '\0';
	ASSERT_LT(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_STREQ(TOOL_SAYS, out);
}

/* "OPTS run --cell NAME --env PATH=path -- TOOL": its exit status; out its stdout. */
static int run_on_path(FIXTURE_DATA(path) *self, const char *opts, const char *path, char *out,
		       size_t len)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "%s run --backend bpf --no-pty --cell %s --env PATH=%s -- " TOOL " 2>/dev/null",
		 opts, self->name, path);
	return loader_run(cmd, out, len);
}

TEST_F(path, run_looks_on_the_path_given_with_env)
{
	char out[256];

	EXPECT_EQ(0, run_on_path(self, "", self->dir, out, sizeof(out)));
	EXPECT_STREQ(TOOL_SAYS, out);
}

/* Without a PATH of run's own, the default one stood in for the PATH given. */
TEST_F(path, run_without_a_path_of_its_own_keeps_the_one_given)
{
	char *ours = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char out[256];
	int code;

	unsetenv("PATH");
	code = run_on_path(self, "", self->dir, out, sizeof(out));
	if (ours)
		setenv("PATH", ours, 1);
	free(ours);
	EXPECT_EQ(0, code);
	EXPECT_STREQ(TOOL_SAYS, out);
}

/*
 * A file on the given PATH that the command may not execute (another
 * user's, 0700: the command holds no CAP_DAC_OVERRIDE) is the one the
 * refusal names.
 */
TEST_F(path, a_refused_exec_names_the_file_on_the_path_given)
{
	char out[4096], want[256];

	ASSERT_EQ(0, chown(self->tool, NOBODY, NOBODY));
	ASSERT_EQ(0, chmod(self->tool, 0700));
	EXPECT_EQ(126, run_on_path(self, "-j", self->dir, out, sizeof(out)));
	snprintf(want, sizeof(want), "\"object\":\"%s\"", self->tool);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
}

/*
 * An empty PATH is the working directory to execvpe(3): the refusal
 * looks there too (it used to look nowhere: "not found on PATH").
 */
TEST_F(path, a_refused_exec_on_an_empty_path_names_the_file_in_the_working_directory)
{
	const char *bin = loader_bin();
	char loader[PATH_MAX], out[4096], want[256];

	ASSERT_EQ(0, chown(self->tool, NOBODY, NOBODY));
	ASSERT_EQ(0, chmod(self->tool, 0700));
	/* Run from the tool's directory (this test's process alone). */
	if (strchr(bin, '/')) {
		ASSERT_NE(NULL, realpath(bin, loader));
		ASSERT_EQ(0, setenv("ISOLATE_LOADER", loader, 1));
	}
	ASSERT_EQ(0, chdir(self->dir));
	EXPECT_EQ(126, run_on_path(self, "-j", "", out, sizeof(out)));
	snprintf(want, sizeof(want), "\"object\":\"%s\"", self->tool);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
