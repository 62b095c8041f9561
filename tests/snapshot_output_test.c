// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot -o FILE writes as root where a cell may write: a symbolic link
 * in any directory of FILE's path (one the cell put there, to a directory
 * of root's holding a file of the name) is not followed, and the write is
 * refused with nothing changed; without one, the file is replaced whole.
 * The pinned state is faked (tests/fake_load.h): the cell is made by
 * `cell create`, and nothing enforces its rules.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "text_file.h"
#include "tree_util.h"
#include "fake_load.h"
#include "loader_run.h"

FIXTURE(snapshot) {
	struct fake_env f;
	char name[64];
	char dir[64];
};

static const char *contents(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = 0;
	if (f)
		fclose(f);
	return buf;
}

FIXTURE_SETUP(snapshot)
{
	char args[128], out[4096];
	int up = fake_env_up(&self->f);

	self->dir[0] = 0;
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	snprintf(self->name, sizeof(self->name), "snap-%d", getpid());
	snprintf(args, sizeof(args), "cell create %s --cap read:/tmp --base none 2>&1", self->name);
	ASSERT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	strcpy(self->dir, "/tmp/isolate-snap.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(snapshot)
{
	char cmd[128], out[1024];

	if (self->dir[0]) {
		EXPECT_EQ(0, remove_tree(self->dir));
		snprintf(cmd, sizeof(cmd), "cell destroy %s", self->name);
		EXPECT_EQ(0, loader_run(cmd, out, sizeof(out))) TH_LOG("%s", out);
	}
	fake_env_down(&self->f);
}

TEST_F(snapshot, no_link_in_the_path_is_followed)
{
	char roots[96], root_file[128], link[96], args[256], out[4096], want[256];

	snprintf(roots, sizeof(roots), "%s/roots", self->dir);
	snprintf(root_file, sizeof(root_file), "%s/snap.json", roots);
	ASSERT_EQ(0, mkdir(roots, 0755));
	ASSERT_EQ(0, write_text_file(root_file, "root's\n", 0644));
	snprintf(link, sizeof(link), "%s/cells", self->dir);
	ASSERT_EQ(0, symlink(roots, link));

	snprintf(args, sizeof(args), "snapshot %s -o %s/snap.json 2>&1", self->name, link);
	EXPECT_EQ(1, loader_run(args, out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "isolate-loader: snapshot: cannot write %s/snap.json: a symbolic link in its path (none is followed)\n",
		 link);
	EXPECT_STREQ(want, out);
	EXPECT_STREQ("root's\n", contents(root_file, out, sizeof(out)));

	snprintf(args, sizeof(args), "snapshot %s -o %s/snap.json 2>&1", self->name, self->dir);
	EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "%s/snap.json", self->dir);
	EXPECT_NE(NULL, strstr(contents(args, out, sizeof(out)), "\"isolate_snapshot\": 1"))
		TH_LOG("%s", out);
}

/* Under -j, snapshot -o says where the snapshot went. */
TEST_F(snapshot, to_a_file_answers_json_with_where)
{
	char args[256], out[4096], want[256];

	snprintf(args, sizeof(args), "-j snapshot %s -o %s/snap.json", self->name, self->dir);
	EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "{\"cell\":\"%s\",\"file\":\"%s/snap.json\"}\n", self->name,
		 self->dir);
	EXPECT_STREQ(want, out);
}

/* A snapshot that does not parse is refused with its position, as a policy is. */
TEST_F(snapshot, a_bad_one_is_refused_with_its_position)
{
	char bad[128], args[256], out[4096], want[512];

	snprintf(bad, sizeof(bad), "%s/bad.json", self->dir);
	ASSERT_EQ(0, write_text_file(bad, "{\"isolate_snapshot\": 1,\n \"cel\": {}}\n", 0644));
	snprintf(args, sizeof(args), "-j restore %s", bad);
	EXPECT_EQ(1, loader_run(args, out, sizeof(out)));
	snprintf(want, sizeof(want), "\"file\":\"%s\",\"line\":2,\"column\":2,", bad);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"exit_code\":1}")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
