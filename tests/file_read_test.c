// SPDX-License-Identifier: GPL-2.0
/*
 * Files root reads where a cell may write too (common/file_read.c): a
 * regular file whole, up to the bound and not a byte past it, one whose
 * size stat does not tell (/proc) to its end; a link, a FIFO, a directory
 * or a device refused, none of them followed or waited for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common/file_read.h"

FIXTURE(dir) {
	char dir[64];
	int fd;
};

FIXTURE_SETUP(dir)
{
	strcpy(self->dir, "/tmp/isolate-file-read.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->fd = open(self->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dir)
{
	static const char *const names[] = { "ten", "link", "fifo" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlinkat(self->fd, names[i], 0);
	close(self->fd);
	rmdir(self->dir);
}

TEST_F(dir, a_regular_file_is_read_up_to_the_bound)
{
	int fd = openat(self->fd, "ten", O_WRONLY | O_CREAT | O_EXCL, 0600);
	char *buf = NULL;
	size_t len = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(10, write(fd, "0123456789", 10));
	close(fd);
	ASSERT_EQ(0, file_read_at(self->fd, "ten", 10, &buf, &len));
	EXPECT_EQ(10U, len);
	EXPECT_STREQ("0123456789", buf);
	free(buf);
	EXPECT_EQ(-EFBIG, file_read_at(self->fd, "ten", 9, &buf, &len));
	EXPECT_EQ(NULL, buf);
	EXPECT_EQ(-ENOENT, file_read_at(self->fd, "none", 10, &buf, &len));
}

/* stat says 0 bytes; the reader grows its buffer to the end, or to the bound. */
TEST(a_file_whose_size_stat_does_not_tell_is_read_to_its_end)
{
	char *buf = NULL;
	size_t len = 0;

	ASSERT_EQ(0, file_read_at(AT_FDCWD, "/proc/self/status", 1 << 20, &buf, &len));
	EXPECT_LT(100U, len);
	EXPECT_EQ(len, strlen(buf));
	EXPECT_EQ(0, strncmp(buf, "Name:", 5));
	free(buf);
	EXPECT_EQ(-EFBIG, file_read_at(AT_FDCWD, "/proc/self/status", 100, &buf, &len));
	EXPECT_EQ(NULL, buf);
}

TEST_F(dir, what_is_no_regular_file_is_refused_unopened_or_unread)
{
	char *buf = NULL;
	size_t len = 0;

	ASSERT_EQ(0, symlinkat("/etc/passwd", self->fd, "link"));
	ASSERT_EQ(0, mkfifoat(self->fd, "fifo", 0600));
	EXPECT_EQ(-ELOOP, file_read_at(self->fd, "link", 1 << 20, &buf, &len));
	/* No writer: a blocking open would wait for one for ever. */
	EXPECT_EQ(-EINVAL, file_read_at(self->fd, "fifo", 1 << 20, &buf, &len));
	EXPECT_EQ(-EINVAL, file_read_at(AT_FDCWD, self->dir, 1 << 20, &buf, &len));
	EXPECT_EQ(-EINVAL, file_read_at(AT_FDCWD, "/dev/zero", 1 << 20, &buf, &len));
	EXPECT_EQ(NULL, buf);
}

TEST_HARNESS_MAIN
