// SPDX-License-Identifier: GPL-2.0
/*
 * Where a path lies in its file system (common/mountinfo.c), which decides
 * whether a rule names something inside the state directory through a bind
 * mount: the mount a path is on is the last listed at or above it, and
 * its root replaces the mount point.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common/mountinfo.h"

static struct mount_entry table[] = {
	{ 8, 1, "/", "/", "ext4", "" },
	{ 0, 25, "/", "/run", "tmpfs", "" },
	{ 0, 25, "/isolate/cells", "/srv/alias", "tmpfs", "" },
	{ 8, 1, "/var/lib/x", "/srv/stacked", "ext4", "" },
	/* Mounted later over the same point: this one is seen there. */
	{ 0, 25, "/isolate", "/srv/stacked", "tmpfs", "" },
	{ 0, 25, "/isolate/cells/a.yaml", "/srv/one file", "tmpfs", "" },
};

static const char *fs_path(const char *real, const struct mount_entry **on)
{
	static char out[PATH_MAX];
	struct mount_table t = { table, sizeof(table) / sizeof(table[0]) };
	int err = mount_fs_path(&t, real, out, sizeof(out), on);

	if (err)
		snprintf(out, sizeof(out), "error %d", err);
	return out;
}

TEST(a_path_is_named_by_the_mount_it_is_on)
{
	const struct mount_entry *on = NULL;

	EXPECT_STREQ("/etc/passwd", fs_path("/etc/passwd", &on));
	EXPECT_EQ(&table[0], on);
	EXPECT_STREQ("/", fs_path("/", &on));
	EXPECT_STREQ("/", fs_path("/run", &on));
	EXPECT_EQ(&table[1], on);
	EXPECT_STREQ("/isolate/cells/a.yaml", fs_path("/run/isolate/cells/a.yaml", NULL));
	/* A name that only starts like a mount point is not under it. */
	EXPECT_STREQ("/runner/x", fs_path("/runner/x", &on));
	EXPECT_EQ(&table[0], on);
}

TEST(a_bind_mount_names_the_directory_it_shows)
{
	const struct mount_entry *on = NULL;

	EXPECT_STREQ("/isolate/cells", fs_path("/srv/alias", &on));
	EXPECT_EQ(&table[2], on);
	EXPECT_STREQ("/isolate/cells/b.1.yaml", fs_path("/srv/alias/b.1.yaml", NULL));
	EXPECT_STREQ("/isolate/channels/b", fs_path("/srv/stacked/channels/b", &on));
	EXPECT_EQ(&table[4], on);
	EXPECT_STREQ("/isolate/cells/a.yaml", fs_path("/srv/one file", NULL));
	EXPECT_STREQ("/srv", fs_path("/srv", NULL));
}

TEST(no_room_is_an_error)
{
	struct mount_table t = { table, sizeof(table) / sizeof(table[0]) };
	char out[8];

	EXPECT_EQ(-ENAMETOOLONG, mount_fs_path(&t, "/srv/alias/b.1.yaml", out, sizeof(out), NULL));
	t.n = 0;
	EXPECT_EQ(-ENOENT, mount_fs_path(&t, "/etc", out, sizeof(out), NULL));
}

TEST(within_is_by_whole_components)
{
	EXPECT_TRUE(path_within("/run/isolate", "/run"));
	EXPECT_TRUE(path_within("/run", "/run"));
	EXPECT_TRUE(path_within("/anything", "/"));
	EXPECT_TRUE(path_within("/", "/"));
	EXPECT_FALSE(path_within("/runner", "/run"));
	EXPECT_FALSE(path_within("/run", "/run/isolate"));
}

/*
 * The kernel's own table, read back: a bind mount of a directory whose
 * name mountinfo has to escape, in a mount namespace of the test's own.
 */
TEST(a_real_bind_mount_is_read_back)
{
	char dir[] = "/tmp/isolate-mountinfo.XXXXXX", src[128], dst[128], fs[128];
	char real[PATH_MAX], want[PATH_MAX], got[PATH_MAX];
	const struct mount_entry *src_on = NULL, *dst_on = NULL;
	struct mount_table t;

	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace here: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/a dir\\with\tescapes", dir);
	snprintf(dst, sizeof(dst), "%s/alias", dir);
	ASSERT_EQ(0, mkdir(src, 0755));
	ASSERT_EQ(0, mkdir(dst, 0755));
	ASSERT_EQ(0, mount(src, dst, NULL, MS_BIND, NULL));
	snprintf(fs, sizeof(fs), "%s/fs", dir);
	ASSERT_EQ(0, mkdir(fs, 0755));
	ASSERT_EQ(0, mount("isolate-test", fs, "tmpfs", 0, "nr_inodes=77"));
	ASSERT_EQ(0, mount_table_read(&t));

	ASSERT_NE(NULL, realpath(src, real));
	ASSERT_EQ(0, mount_fs_path(&t, real, want, sizeof(want), &src_on));
	strcat(want, "/x");
	ASSERT_NE(NULL, realpath(dst, real));
	strcat(real, "/x");
	ASSERT_EQ(0, mount_fs_path(&t, real, got, sizeof(got), &dst_on));
	EXPECT_STREQ(want, got);
	EXPECT_EQ(src_on->major, dst_on->major);
	EXPECT_EQ(src_on->minor, dst_on->minor);

	/* The file system's own options (which say how CIFS numbers files). */
	ASSERT_NE(NULL, realpath(fs, real));
	EXPECT_EQ(0, mount_fs_path(&t, real, got, sizeof(got), &dst_on));
	EXPECT_STREQ("tmpfs", dst_on->fstype);
	EXPECT_NE(NULL, strstr(dst_on->super_options, "nr_inodes=77")) TH_LOG("%s", dst_on->super_options);

	mount_table_free(&t);
	EXPECT_EQ(0, umount(fs));
	rmdir(fs);
	EXPECT_EQ(0, umount(dst));
	rmdir(dst);
	rmdir(src);
	rmdir(dir);
}

TEST_HARNESS_MAIN
