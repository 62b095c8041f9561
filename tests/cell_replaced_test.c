// SPDX-License-Identifier: GPL-2.0
/*
 * A cell that may write in its home replaces a path its policy names:
 * `mv .ssh x; ln -s ../other .ssh`, with `.ssh` denied. A recycle keeps
 * every path on the object it is bound to. On a fake load
 * (tests/fake_load.h): the rules checked are those in the kernel's maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

#define CELL "agent"

FIXTURE(replaced) {
	struct fake_env env;
	char dir[64];		/* the files of the test */
	bool dir_made;
	char home[96], ssh[128], moved[128], key[160], other[96], decoy[128];
	ino_t ssh_ino;
	struct isolate *iso;
};

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

/* A cell of caps (printf formats of the test's directory), one argument each. */
static int make_cell(FIXTURE_DATA(replaced) *self, const char *const caps[])
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(CELL);
	int err = pol ? 0 : -ENOMEM;

	for (size_t i = 0; !err && caps[i]; i++) {
		struct isolate_cap *cap = NULL;
		char text[256];

		snprintf(text, sizeof(text), caps[i], self->dir);
		err = isolate_cap_parse(text, &cap, NULL) ?: isolate_cell_policy_add(pol, cap);
		isolate_cap_free(cap);
	}
	if (!err)
		err = isolate_cell_create(self->iso, CELL, pol, NULL);
	isolate_cell_policy_free(pol);
	return err;
}

FIXTURE_SETUP(replaced)
{
	char key[160];
	struct stat st;
	int err;

	self->iso = NULL;
	err = fake_env_up(&self->env);
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	strcpy(self->dir, "/tmp/isolate-replaced.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->dir_made = true;
	snprintf(self->home, sizeof(self->home), "%s/home", self->dir);
	snprintf(self->ssh, sizeof(self->ssh), "%s/.ssh", self->home);
	snprintf(self->moved, sizeof(self->moved), "%s/x", self->home);
	snprintf(self->key, sizeof(self->key), "%s/id_rsa", self->moved);
	snprintf(self->other, sizeof(self->other), "%s/other", self->dir);
	snprintf(self->decoy, sizeof(self->decoy), "%s/decoy", self->other);
	ASSERT_EQ(0, mkdir(self->home, 0755));
	ASSERT_EQ(0, mkdir(self->ssh, 0700));
	ASSERT_EQ(0, mkdir(self->other, 0755));
	ASSERT_EQ(0, write_file(self->decoy, "decoy\n"));
	snprintf(key, sizeof(key), "%s/id_rsa", self->ssh);
	ASSERT_EQ(0, write_file(key, "key\n"));
	ASSERT_EQ(0, stat(self->ssh, &st));
	self->ssh_ino = st.st_ino;
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(replaced)
{
	char cmd[128];

	if (self->iso)
		isolate_cell_destroy(self->iso, CELL);
	isolate_close(self->iso);
	fake_env_down(&self->env);
	if (!self->dir_made)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

/* The reviewer's policy: the home read and written, its .ssh not read. */
static const char *const home_but_ssh[] = {
	"read:%s/home", "write:%s/home", "deny-read:%s/home/.ssh", NULL
};

/* What the cell may do (security.md, Known limits): move .ssh within home, link over it. */
static int replace_ssh(FIXTURE_DATA(replaced) *self)
{
	if (rename(self->ssh, self->moved) || symlink(self->other, self->ssh))
		return -errno;
	return 0;
}

/*
 * Whether the cell may read path, as the kernel decides it: the entry of
 * the nearest object on the way up from path in the ruleset in force. 1
 * allowed, 0 refused by an entry, -1 no entry at all (nothing granted).
 */
static int may_read(FIXTURE_DATA(replaced) *self, const char *path)
{
	struct isolate_inode_key key;
	struct isolate_inode_rule rule;
	struct isolate_cell_state st;
	char at[PATH_MAX], maps[PATH_MAX];
	int fd, found = -1;

	if (isolate_cell_get(self->iso, CELL, &st))
		return -2;
	fake_pin_path(self->env.bpffs, ISOLATE_PIN_MAPS, "inode_rules", maps, sizeof(maps));
	fd = bpf_obj_get(maps);
	if (fd < 0)
		return -2;
	snprintf(at, sizeof(at), "%s", path);
	for (;;) {
		char *slash = strrchr(at, '/');
		struct stat s;

		if (stat(at, &s))
			break;
		key = (struct isolate_inode_key){ .ruleset = st.cell.ruleset,
			.dev = major(s.st_dev) << 20 | minor(s.st_dev), .ino = s.st_ino };
		if (!bpf_map_lookup_elem(fd, &key, &rule)) {
			found = !!(rule.allow & ISOLATE_ACCESS_READ);
			break;
		}
		if (!slash || !at[1])
			break;
		/* "/tmp" goes on to "/". */
		slash[slash == at] = '\0';
	}
	close(fd);
	return found;
}

TEST_F(replaced, the_moved_ssh_is_refused_before_any_change)
{
	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));

	EXPECT_EQ(0, may_read(self, self->key));
	EXPECT_EQ(-1, may_read(self, self->decoy));
}

/* The path's binding, as isolate_cell_bindings() reports it. */
struct seen {
	const char *path;
	int current;	/* how many */
	__u64 ino;
	bool moved;
};

static int see(const struct isolate_path_binding *b, void *ctx)
{
	struct seen *s = ctx;

	if (strcmp(b->path, s->path))
		return 0;
	s->current++;
	s->ino = b->ino;
	s->moved = b->moved;
	return 0;
}

/* A recycle compiles with the bindings kept: .ssh stays on what was .ssh. */
TEST_F(replaced, a_recycle_keeps_the_deny_on_the_moved_directory)
{
	struct seen ssh = { .path = self->ssh };

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));

	ASSERT_EQ(0, isolate_cell_recycle(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, may_read(self, self->key));
	EXPECT_EQ(-1, may_read(self, self->decoy));
	ASSERT_EQ(0, isolate_cell_bindings(self->iso, CELL, see, &ssh));
	EXPECT_EQ(1, ssh.current);
	EXPECT_EQ((__u64)self->ssh_ino, ssh.ino);
	EXPECT_TRUE(ssh.moved);
}

TEST_HARNESS_MAIN
