// SPDX-License-Identifier: GPL-2.0
/*
 * A cell whose processes run as another user (--user) reads its channel:
 * the directory and the messages written to it after the spawn, by the
 * group it was started with. The pinned state is faked (tests/fake_load.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

#define NOBODY 65534

static char *const argv_true[] = { "true", NULL };

FIXTURE(channel) {
	struct fake_env f;
	struct isolate *iso;
	char name[64];
};

FIXTURE_SETUP(channel)
{
	int up;

	self->iso = NULL;
	self->name[0] = 0;
	up = fake_env_up(&self->f);
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	/* As /run/isolate is: others pass through to the channels. */
	ASSERT_EQ(0, chmod(self->f.state, 0711));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "channel-test-%d", getpid());
	ASSERT_EQ(0, create_empty_cell(self->iso, self->name)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(channel)
{
	fake_env_close(&self->f, self->iso, self->name);
}

/* Whether nobody reads every message of dir: 0, or the errno of the first it cannot. */
static int nobody_reads_all(const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct dirent *de;
		DIR *d;
		int n = 0;

		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(99);
		d = opendir(dir);
		if (!d)
			_exit(errno);
		while ((de = readdir(d))) {
			char path[PATH_MAX + 256];
			int fd;

			if (!strstr(de->d_name, ".msg"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				_exit(errno);
			close(fd);
			n++;
		}
		_exit(n ? 0 : 98);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(channel, a_cell_run_as_another_user_reads_its_replies)
{
	ISOLATE_SPAWN_OPTS(as_nobody, .set_ids = true, .uid = NOBODY, .gid = NOBODY);
	const struct isolate_channel_msg reply = { .reply_to = 7, .granted = true };
	char dir[PATH_MAX];
	pid_t pid = -1;

	ASSERT_EQ(0, isolate_cell_spawn(self->iso, self->name, argv_true, &as_nobody, &pid))
		TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_EQ(0, isolate_channel_post(self->name, &reply, "granted", 7))
		TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, isolate_channel_path(self->name, dir, sizeof(dir)));
	EXPECT_EQ(0, nobody_reads_all(dir));
}

TEST_HARNESS_MAIN
