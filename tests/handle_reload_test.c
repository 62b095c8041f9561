// SPDX-License-Identifier: GPL-2.0
/*
 * A handle opened before `unload --force && load` holds maps and a lock
 * of a load no program uses any more: every change through it must fail
 * with -ESTALE instead of landing there. The pinned state is faked
 * (tests/fake_load.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "loader_run.h"

/* A cell name no cgroup has: its destroy is a change that finds nothing. */
#define NO_CELL "no-such-cell-of-handle-reload-test"

FIXTURE(loaded) {
	struct fake_env env;
	struct isolate *iso;
};

FIXTURE_SETUP(loaded)
{
	int err = fake_env_up(&self->env);

	self->iso = NULL;
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(loaded)
{
	isolate_close(self->iso);
	fake_env_down(&self->env);
}

TEST_F(loaded, a_handle_of_the_load_in_force_changes)
{
	EXPECT_EQ(0, isolate_check_current(self->iso));
	EXPECT_EQ(-ENOENT, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_EQ(0, isolate_check_current(self->iso));
}

/* The lock was taken before: its fd is the removed directory's. */
TEST_F(loaded, a_handle_that_locked_before_unload_and_load_is_stale)
{
	ASSERT_EQ(-ENOENT, isolate_cell_destroy(self->iso, NO_CELL));
	ASSERT_EQ(0, fake_unload(self->env.bpffs));
	ASSERT_EQ(0, fake_load(self->env.bpffs, self->env.cells_cgid));

	EXPECT_EQ(-ESTALE, isolate_check_current(self->iso));
	EXPECT_EQ(-ESTALE, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_STREQ("the loader was unloaded and loaded again since this handle was opened: reopen it",
		     isolate_last_error());
}

/* The lock is first taken after: on the new directory, so the maps tell. */
TEST_F(loaded, a_handle_that_never_locked_is_stale_by_its_maps)
{
	ASSERT_EQ(0, fake_unload(self->env.bpffs));
	ASSERT_EQ(0, fake_load(self->env.bpffs, self->env.cells_cgid));

	EXPECT_EQ(-ESTALE, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_STREQ("the loader was unloaded and loaded again since this handle was opened: reopen it",
		     isolate_last_error());
	EXPECT_EQ(-ESTALE, isolate_check_current(self->iso));
}

TEST_F(loaded, a_handle_after_unload_alone_is_stale)
{
	ASSERT_EQ(0, fake_unload(self->env.bpffs));

	EXPECT_EQ(-ESTALE, isolate_check_current(self->iso));
	EXPECT_EQ(-ESTALE, isolate_cell_destroy(self->iso, NO_CELL));
	EXPECT_STREQ("isolate was unloaded since this handle was opened: reopen it",
		     isolate_last_error());
}

/* A handle opened after the reload is of it. */
TEST_F(loaded, a_handle_opened_again_is_current)
{
	struct isolate *again;

	ASSERT_EQ(0, fake_unload(self->env.bpffs));
	ASSERT_EQ(0, fake_load(self->env.bpffs, self->env.cells_cgid));
	ASSERT_EQ(0, isolate_open(&again));

	EXPECT_EQ(0, isolate_check_current(again));
	EXPECT_EQ(-ENOENT, isolate_cell_destroy(again, NO_CELL));
	isolate_close(again);
}

/*
 * The supervisor reads on, after the records still queued, only while its
 * handle is of the load in force: else it exits 5, to be started again.
 * Stopped while the state is loaded again, it sees the new load at once.
 */
TEST_F(loaded, the_supervisor_exits_5_once_loaded_again)
{
	char sock[PATH_MAX], err_text[4096] = "";
	int out[2], status, tries = 0;
	ssize_t n, got = 0;
	pid_t pid;

	snprintf(sock, sizeof(sock), "%s/events/sock", self->env.state);
	ASSERT_EQ(0, pipe(out));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		dup2(out[1], STDERR_FILENO);
		close(out[0]);
		/* Its bound, should it never notice: within the harness's 30 s. */
		execlp(loader_bin(), "isolate-loader", "supervise", "--out", "/dev/null",
		       "--timeout", "20", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	/* Serving subscribers: its rings are open, its rounds begin. */
	while (access(sock, F_OK) && waitpid(pid, &status, WNOHANG) == 0 && tries++ < 6000)
		usleep(10000);
	ASSERT_EQ(0, access(sock, F_OK));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_EQ(0, fake_unload(self->env.bpffs));
	ASSERT_EQ(0, fake_load(self->env.bpffs, self->env.cells_cgid));
	ASSERT_EQ(0, kill(pid, SIGCONT));

	while (got < (ssize_t)sizeof(err_text) - 1 &&
	       (n = read(out[0], err_text + got, sizeof(err_text) - 1 - got)) > 0)
		got += n;
	err_text[got] = '\0';
	close(out[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(5, WEXITSTATUS(status)) TH_LOG("stderr: %s", err_text);
	EXPECT_STREQ("isolate-loader: supervise: the loader was unloaded and loaded again since this handle was opened: reopen it\n",
		     err_text);
}

TEST_HARNESS_MAIN
