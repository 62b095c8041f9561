// SPDX-License-Identifier: GPL-2.0
/*
 * The scan of denied trees for hard links (common/hardlinks.c), on a tree
 * of its own: linked files found below, no symlink followed, the budget,
 * entries a cell removes while the scan runs passed over, and a directory
 * put in the place of the one to scan not scanned. The tree
 * (under a private temporary directory):
 *
 *   D/                 scanned
 *   |-- f0 .. f9       each also linked as O/f0 .. O/f9
 *   |-- d0 .. d2/      empty
 *   |-- sub/deep       also linked as O/deep
 *   `-- out -> ../O    not followed
 *   O/
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common/hardlinks.h"

#define FILES 10
#define DIRS 3

FIXTURE(tree) {
	char root[64];
	char d[80];
	struct stat d_st;	/* D's object, the one to scan */
};

/* root/rel, in a static rotation of buffers (for one-line calls). */
static const char *at(const char *root, const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", root, rel);
	return b;
}

static void make_file(struct __test_metadata *_metadata, const char *path)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	close(fd);
}

FIXTURE_SETUP(tree)
{
	char name[16], other[16];

	strcpy(self->root, "/tmp/isolate-hardlinks.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(self->d, sizeof(self->d), "%s/D", self->root);
	ASSERT_EQ(0, mkdir(at(self->root, "D"), 0755));
	ASSERT_EQ(0, mkdir(at(self->root, "O"), 0755));
	for (int i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), "D/f%d", i);
		snprintf(other, sizeof(other), "O/f%d", i);
		make_file(_metadata, at(self->root, name));
		ASSERT_EQ(0, link(at(self->root, name), at(self->root, other)));
	}
	for (int i = 0; i < DIRS; i++) {
		snprintf(name, sizeof(name), "D/d%d", i);
		ASSERT_EQ(0, mkdir(at(self->root, name), 0755));
	}
	ASSERT_EQ(0, mkdir(at(self->root, "D/sub"), 0755));
	make_file(_metadata, at(self->root, "D/sub/deep"));
	ASSERT_EQ(0, link(at(self->root, "D/sub/deep"), at(self->root, "O/deep")));
	ASSERT_EQ(0, symlink("../O", at(self->root, "D/out")));
	ASSERT_EQ(0, stat(self->d, &self->d_st));
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

FIXTURE_TEARDOWN(tree)
{
	nftw(self->root, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* What the scan reported; with d, the first file of d removes d's other entries. */
struct seen {
	int calls;
	bool deep;		/* D/sub/deep was among them */
	bool outside;		/* something not below D was */
	const char *d;
	int removed;
};

static bool in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/' && !strchr(path + n + 1, '/');
}

static int note(void *ctx, const char *path, const struct stat *st)
{
	struct seen *s = ctx;
	char name[16];

	s->calls++;
	s->deep |= !!strstr(path, "/D/sub/deep");
	s->outside |= !strstr(path, "/D/") || !!strstr(path, "/D/out/");
	if (!s->d || s->removed || !in_dir(path, s->d))
		return 0;
	/*
	 * A cell deleting in a loop, at its most unlucky for us: what the
	 * directory listed a moment ago is gone when it is looked at.
	 */
	for (int i = 0; i < FILES; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		if (strcmp(strrchr(path, '/') + 1, name))
			s->removed += !unlink(at(s->d, name));
	}
	for (int i = 0; i < DIRS; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		s->removed += !rmdir(at(s->d, name));
	}
	return 0;
}

TEST_F(tree, finds_linked_files_below_and_follows_no_symlink)
{
	struct seen seen = { 0 };
	size_t budget = HARDLINK_SCAN_MAX;
	char msg[256] = "";

	EXPECT_EQ(0, hardlinks_scan(self->d, &self->d_st, &budget, NULL, note, &seen, msg,
					sizeof(msg)))
		TH_LOG("%s", msg);
	EXPECT_EQ(FILES + 1, seen.calls);
	EXPECT_TRUE(seen.deep);
	EXPECT_FALSE(seen.outside);
	/* f0..f9, d0..d2, sub, sub/deep, out. */
	EXPECT_EQ((size_t)HARDLINK_SCAN_MAX - (FILES + DIRS + 3), budget);
}

/* Nothing removed during the scan blocks it: what is gone is no link. */
TEST_F(tree, entries_removed_while_scanned_are_passed_over)
{
	struct seen seen = { .d = self->d };
	size_t budget = HARDLINK_SCAN_MAX;
	char msg[256] = "";

	EXPECT_EQ(0, hardlinks_scan(self->d, &self->d_st, &budget, NULL, note, &seen, msg,
					sizeof(msg)))
		TH_LOG("%s", msg);
	EXPECT_EQ(FILES - 1 + DIRS, seen.removed);
	/*
	 * The listing read every name at once: the other nine files came after
	 * the first and were gone when looked at. D/sub/deep is the other call.
	 */
	EXPECT_EQ(2, seen.calls);
	EXPECT_TRUE(seen.deep);
	EXPECT_STREQ("", msg);
}

TEST_F(tree, a_budget_run_out_is_an_error)
{
	struct seen seen = { 0 };
	size_t budget = 3;
	char msg[256] = "", want[256];

	EXPECT_EQ(-E2BIG, hardlinks_scan(self->d, &self->d_st, &budget, NULL, note, &seen, msg,
					sizeof(msg)));
	EXPECT_EQ(0U, budget);
	snprintf(want, sizeof(want),
		 "expected denied trees of at most %d entries in all to scan for hard links, got more at %s",
		 HARDLINK_SCAN_MAX, self->d);
	EXPECT_STREQ(want, msg);
}

TEST_F(tree, a_missing_tree_is_an_error)
{
	struct seen seen = { 0 };
	size_t budget = HARDLINK_SCAN_MAX;
	char msg[256] = "";

	EXPECT_EQ(-ENOENT, hardlinks_scan(at(self->root, "none"), &self->d_st, &budget, NULL, note,
					  &seen, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "cannot scan ")) TH_LOG("%s", msg);
}

/*
 * D renamed and another directory made in its place, with a linked file of
 * its own: the scan looks at neither, since the path no longer leads to
 * the directory it was asked to scan.
 */
TEST_F(tree, a_directory_in_the_place_of_the_one_to_scan_is_not_scanned)
{
	struct seen seen = { 0 };
	size_t budget = HARDLINK_SCAN_MAX;
	char msg[256] = "";

	ASSERT_EQ(0, rename(self->d, at(self->root, "moved")));
	ASSERT_EQ(0, mkdir(self->d, 0755));
	ASSERT_EQ(0, link(at(self->root, "O/f0"), at(self->d, "f0")));
	EXPECT_EQ(-ESTALE, hardlinks_scan(self->d, &self->d_st, &budget, NULL, note, &seen, msg,
					  sizeof(msg)));
	EXPECT_EQ(0, seen.calls);
	EXPECT_EQ((size_t)HARDLINK_SCAN_MAX, budget);
}

TEST_HARNESS_MAIN
