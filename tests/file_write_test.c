// SPDX-License-Identifier: GPL-2.0
/*
 * Files root writes where a cell may write too (common/file_write.c): a
 * link planted at the target or at the name a temporary file used to have
 * is replaced or left alone, never followed; a FIFO or a directory is not
 * appended to; a failed replace leaves the target and no temporary file;
 * a directory opened once keeps the writes when swapped for a link, and
 * none is reached through a link in the first place.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common/file_write.h"

FIXTURE(dir) {
	char dir[64];
	char victim[128];	/* what a planted link points to */
};

FIXTURE_SETUP(dir)
{
	int fd;

	strcpy(self->dir, "/tmp/isolate-file-write.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->victim, sizeof(self->victim), "%s/victim", self->dir);
	fd = open(self->victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(6, write(fd, "secret", 6));
	ASSERT_EQ(0, close(fd));
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

FIXTURE_TEARDOWN(dir)
{
	nftw(self->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* The whole of path, at most len - 1 bytes, NUL-terminated; "" if unreadable. */
static const char *contents(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	return buf;
}

/* How many entries dir has besides . and .. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return n;
}

TEST_F(dir, replace_puts_a_file_over_a_link_and_follows_none)
{
	char out[128], old_tmp[160], buf[64];
	struct stat st;

	snprintf(out, sizeof(out), "%s/metrics.prom", self->dir);
	snprintf(old_tmp, sizeof(old_tmp), "%s.tmp", out);
	ASSERT_EQ(0, symlink(self->victim, out));
	ASSERT_EQ(0, symlink(self->victim, old_tmp));

	ASSERT_EQ(0, file_replace(out, "new\n", 4, 0644, false));
	EXPECT_STREQ("secret", contents(self->victim, buf, sizeof(buf)));
	ASSERT_EQ(0, lstat(out, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_STREQ("new\n", contents(out, buf, sizeof(buf)));
	ASSERT_EQ(0, lstat(old_tmp, &st));
	EXPECT_TRUE(S_ISLNK(st.st_mode));
	/* victim, the two names: no temporary file left. */
	EXPECT_EQ(3, entries(self->dir));

	ASSERT_EQ(0, file_replace(out, "again", 5, 0644, true));
	EXPECT_STREQ("again", contents(out, buf, sizeof(buf)));
	EXPECT_EQ(3, entries(self->dir));
}

TEST_F(dir, a_failed_replace_leaves_the_target_and_nothing_else)
{
	char sub[128], path[160];

	snprintf(sub, sizeof(sub), "%s/sub", self->dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	/* A directory cannot be renamed over by a file. */
	EXPECT_EQ(-EISDIR, file_replace(sub, "x", 1, 0644, false));
	EXPECT_EQ(2, entries(self->dir));
	EXPECT_EQ(0, entries(sub));
	EXPECT_EQ(-EISDIR, file_replace("/tmp/", "x", 1, 0644, false));
	snprintf(path, sizeof(path), "%s/missing/file", self->dir);
	EXPECT_EQ(-ENOENT, file_replace(path, "x", 1, 0644, false));
}

TEST_F(dir, append_takes_regular_files_only)
{
	char link[128], dangling[128], gone[128], fifo[128], buf[64];
	int fd;

	snprintf(link, sizeof(link), "%s/events.jsonl", self->dir);
	snprintf(gone, sizeof(gone), "%s/created-through-the-link", self->dir);
	snprintf(dangling, sizeof(dangling), "%s/dangling", self->dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", self->dir);
	ASSERT_EQ(0, symlink(self->victim, link));
	ASSERT_EQ(0, symlink(gone, dangling));
	ASSERT_EQ(0, mkfifo(fifo, 0600));

	EXPECT_EQ(-ELOOP, file_append_open(link, 0644));
	EXPECT_EQ(-ELOOP, file_append_open(dangling, 0644));
	EXPECT_EQ(-1, access(gone, F_OK));
	/* No reader: refused at once (ENXIO), not waited for. */
	EXPECT_EQ(-ENXIO, file_append_open(fifo, 0644));
	EXPECT_EQ(-EISDIR, file_append_open(self->dir, 0644));
	fd = file_append_open("/dev/null", 0644);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		EXPECT_EQ(0, close(fd));

	fd = file_append_open(self->victim, 0644);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "!", 1));
	EXPECT_EQ(0, close(fd));
	EXPECT_STREQ("secret!", contents(self->victim, buf, sizeof(buf)));
}

/* A hard link planted at the name would have root append to its target. */
TEST_F(dir, append_refuses_a_file_with_other_names)
{
	char second[128], buf[64];
	int fd;

	snprintf(second, sizeof(second), "%s/events.jsonl", self->dir);
	ASSERT_EQ(0, link(self->victim, second));
	EXPECT_EQ(-EMLINK, file_append_open(second, 0644));
	EXPECT_EQ(-EMLINK, file_append_open(self->victim, 0644));
	EXPECT_STREQ("secret", contents(self->victim, buf, sizeof(buf)));
	/* Its other name gone, the file is appended to again. */
	ASSERT_EQ(0, unlink(second));
	fd = file_append_open(self->victim, 0644);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

/*
 * A cell that may write where a path goes (its d in d/sub/name) puts a
 * link there to a directory of its choice, root's, holding a file of the
 * same name: neither a replace nor an append reaches it, nor a parent
 * opened, whichever directory of the path the link is.
 */
TEST_F(dir, no_directory_is_reached_through_a_link)
{
	char roots[96], sub[128], root_file[160], link[96], path[160], buf[64];
	/* A link above the file's directory, then one in its place. */
	static const char *const through[] = { "d/sub/name", "e/name" };
	const char *name;
	int fd;

	snprintf(roots, sizeof(roots), "%s/roots", self->dir);
	snprintf(sub, sizeof(sub), "%s/sub", roots);
	snprintf(root_file, sizeof(root_file), "%s/name", sub);
	ASSERT_EQ(0, mkdir(roots, 0755));
	ASSERT_EQ(0, mkdir(sub, 0755));
	fd = open(root_file, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "root", 4));
	ASSERT_EQ(0, close(fd));
	snprintf(link, sizeof(link), "%s/d", self->dir);
	ASSERT_EQ(0, symlink(roots, link));
	snprintf(link, sizeof(link), "%s/e", self->dir);
	ASSERT_EQ(0, symlink(sub, link));

	for (size_t i = 0; i < sizeof(through) / sizeof(through[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, through[i]);
		EXPECT_EQ(-ELOOP, file_replace(path, "cell", 4, 0644, false)) TH_LOG("%s", path);
		EXPECT_EQ(-ELOOP, file_append_open(path, 0644)) TH_LOG("%s", path);
		EXPECT_EQ(-ELOOP, file_parent_open(path, &name)) TH_LOG("%s", path);
		EXPECT_STREQ("root", contents(root_file, buf, sizeof(buf)));
		EXPECT_EQ(1, entries(sub));
	}
}

/*
 * The supervisor's metrics file, replaced every second in the directory
 * opened at the start: a cell that may write above it swaps the directory
 * for a link to another (C), and the next write stays where the first went.
 */
TEST_F(dir, a_directory_swapped_for_a_link_moves_no_replace)
{
	char a[96], b[128], moved[128], c[96], path[160], buf[64];
	const char *name;
	int dir;

	snprintf(a, sizeof(a), "%s/A", self->dir);
	snprintf(b, sizeof(b), "%s/B", a);
	snprintf(moved, sizeof(moved), "%s/B.moved", a);
	snprintf(c, sizeof(c), "%s/C", self->dir);
	ASSERT_EQ(0, mkdir(a, 0755));
	ASSERT_EQ(0, mkdir(b, 0755));
	ASSERT_EQ(0, mkdir(c, 0755));
	snprintf(path, sizeof(path), "%s/m.prom", b);
	dir = file_parent_open(path, &name);
	ASSERT_LE(0, dir);
	EXPECT_STREQ("m.prom", name);
	ASSERT_EQ(0, file_replace_at(dir, name, "1\n", 2, 0644, false));

	ASSERT_EQ(0, rename(b, moved));
	ASSERT_EQ(0, symlink(c, b));
	ASSERT_EQ(0, file_replace_at(dir, name, "2\n", 2, 0644, false));
	EXPECT_EQ(0, close(dir));
	snprintf(path, sizeof(path), "%s/m.prom", c);
	EXPECT_EQ(-1, access(path, F_OK));
	EXPECT_EQ(0, entries(c));
	snprintf(path, sizeof(path), "%s/m.prom", moved);
	EXPECT_STREQ("2\n", contents(path, buf, sizeof(buf)));
	EXPECT_EQ(1, entries(moved));
}

TEST(a_parent_is_opened_for_a_name_only)
{
	const char *name;
	int dir;

	EXPECT_EQ(-EISDIR, file_parent_open("/tmp/", &name));
	dir = file_parent_open("m.prom", &name);
	ASSERT_LE(0, dir);
	EXPECT_STREQ("m.prom", name);
	EXPECT_EQ(0, close(dir));
	dir = file_parent_open("/m.prom", &name);
	ASSERT_LE(0, dir);
	EXPECT_STREQ("m.prom", name);
	EXPECT_EQ(0, close(dir));
}

/* A FIFO with a reader opens: it is refused for what it is. */
TEST_F(dir, a_fifo_with_a_reader_is_refused)
{
	char fifo[128];
	int reader;

	snprintf(fifo, sizeof(fifo), "%s/fifo", self->dir);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	reader = open(fifo, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, reader);
	EXPECT_EQ(-EINVAL, file_append_open(fifo, 0644));
	close(reader);
}

TEST_HARNESS_MAIN
