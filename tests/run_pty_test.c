// SPDX-License-Identifier: GPL-2.0
/*
 * run's terminal after the command: a terminal answers some queries (DA,
 * DECRQSS, a title report) by typing the answer, which comes in after the
 * output that asked. One for a query the command printed last arrives as
 * run restores the terminal; were it kept, the shell would read it as
 * typed, so the cell would type into it: the modes go back with the
 * input discarded (TCSAFLUSH). The answer is typed by a shim preloaded
 * into the loader (tests/answer_on_restore.c) at that moment. Run with
 * the Landlock backend, on the host.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "loader_run.h"

#define ANSWER "\033[?62c\n"

TEST(an_answer_to_the_commands_last_query_is_not_left_for_the_shell)
{
	char shim[PATH_MAX], log[] = "/tmp/isolate-answer.XXXXXX", text[64] = "";
	int master, slave, fd, status, unread = -1;
	FILE *f;
	pid_t pid;

	if (isolate_landlock_abi() <= 0)
		SKIP(return, "this kernel has no Landlock");
	ASSERT_NE(NULL, realpath("build/tests/answer-on-restore.so", shim));
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, master);
	ASSERT_EQ(0, grantpt(master));
	ASSERT_EQ(0, unlockpt(master));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, slave);
	fd = mkstemp(log);
	ASSERT_LE(0, fd);
	close(fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			if (dup2(slave, i) != i)
				_exit(125);
		setenv("LD_PRELOAD", shim, 1);
		setenv("ANSWER", ANSWER, 1);
		setenv("ANSWER_LOG", log, 1);
		execlp(loader_bin(), loader_bin(), "run", "--backend", "landlock",
		       "--allow-unenforced", "--", "true", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) TH_LOG("status %#x", status);

	/* The answer was typed into the terminal, and is not there for the next reader. */
	f = fopen(log, "r");
	ASSERT_NE(NULL, f);
	EXPECT_NE(NULL, fgets(text, sizeof(text), f));
	fclose(f);
	EXPECT_STREQ("queued 7\n", text);
	ASSERT_EQ(0, ioctl(slave, FIONREAD, &unread));
	EXPECT_EQ(0, unread);

	EXPECT_EQ(0, unlink(log));
	close(slave);
	close(master);
}

TEST_HARNESS_MAIN
