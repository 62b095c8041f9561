/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the bypass selftests: attempts by a process in a cell to
 * do what its policy does not grant, through routes the other selftests do
 * not take. Each test asserts the secure behaviour (the refusal, or that
 * the action had no effect); a failure is a way around the rules.
 *
 *   $ROOT/             a tmpfs of its own, in a private mount namespace
 *   ├── ro/file, ro/link -> file       read (cell "ro")
 *   ├── rw/
 *   └── denied/file, denied/victim, denied/link -> file
 */
#ifndef ISOLATE_SELFTEST_BYPASS_H
#define ISOLATE_SELFTEST_BYPASS_H

#include "kselftest_harness.h"
#include "isolate_test.h"

FIXTURE(bypass) {
	struct test_env env;
	int ro;			/* read:$ROOT/ro */
};

FIXTURE_SETUP(bypass)
{
	ASSERT_EQ(0, test_env_setup(&self->env, true));
	ASSERT_EQ(0, test_file(&self->env, "ro/file", "ro\n"));
	ASSERT_EQ(0, test_file(&self->env, "denied/file", "denied\n"));
	ASSERT_EQ(0, test_file(&self->env, "denied/victim", "victim\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "rw"));
	ASSERT_EQ(0, symlink("file", test_path(&self->env, "denied/link")));
	ASSERT_EQ(0, symlink("file", test_path(&self->env, "ro/link")));
	self->ro = test_env_cell(&self->env, "ro", "read:%s/ro", NULL);
	ASSERT_LE(0, self->ro);
}

FIXTURE_TEARDOWN(bypass)
{
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

#define IN_RO(fn, arg) test_run(&self->env, self->ro, (fn), (arg))

/* What a file holds now (its first 255 bytes), for "did the cell change it". */
static inline const char *contents(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return "<missing>";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

#endif
