// SPDX-License-Identifier: GPL-2.0
/*
 * A cell that may write in its home replaces a path its policy names:
 * `mv .ssh x; ln -s ../other .ssh`, with `.ssh` denied. A recycle keeps
 * every path on the object it is bound to; a rebind binds the paths
 * afresh, but a deny keeps its old object too; `cell show` says where
 * the link leads and what a rebind does with it. On a fake load
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
#include "text_file.h"
#include "tree_util.h"
#include "fake_load.h"
#include "loader_run.h"

#define CELL "agent"

FIXTURE(replaced) {
	struct fake_env env;
	char dir[64];		/* the files of the test */
	bool dir_made;
	char home[96], ssh[128], moved[128], key[160], other[96], decoy[128];
	ino_t ssh_ino;
	struct isolate *iso;
};

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
	ASSERT_EQ(0, write_text_file(self->decoy, "decoy\n", 0644));
	snprintf(key, sizeof(key), "%s/id_rsa", self->ssh);
	ASSERT_EQ(0, write_text_file(key, "key\n", 0644));
	ASSERT_EQ(0, stat(self->ssh, &st));
	self->ssh_ino = st.st_ino;
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(replaced)
{
	fake_env_close(&self->env, self->iso, CELL);
	if (self->dir_made)
		EXPECT_EQ(0, remove_tree(self->dir)) TH_LOG("cannot remove %s", self->dir);
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
	int current, superseded;	/* how many of each */
	__u64 ino;			/* of the current one */
	bool moved;
	__u64 superseded_ino;
};

static int see(const struct isolate_path_binding *b, void *ctx)
{
	struct seen *s = ctx;

	if (strcmp(b->path, s->path))
		return 0;
	if (b->superseded) {
		s->superseded++;
		s->superseded_ino = b->ino;
		return 0;
	}
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

/* A rebind binds .ssh afresh, to the link's target, and keeps the deny on x too. */
TEST_F(replaced, a_rebind_denies_both_the_moved_directory_and_the_new_one)
{
	struct seen ssh = { .path = self->ssh };
	struct stat other;

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));
	ASSERT_EQ(0, stat(self->other, &other));

	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, may_read(self, self->key));
	EXPECT_EQ(0, may_read(self, self->decoy));
	ASSERT_EQ(0, isolate_cell_bindings(self->iso, CELL, see, &ssh));
	EXPECT_EQ(1, ssh.current);
	EXPECT_EQ((__u64)other.st_ino, ssh.ino);
	EXPECT_FALSE(ssh.moved);
	EXPECT_EQ(1, ssh.superseded);
	EXPECT_EQ((__u64)self->ssh_ino, ssh.superseded_ino);
}

/* The first line of the cell's kept bindings, and whether a line holds text. */
static int kept_bindings(FIXTURE_DATA(replaced) *self, char *first, size_t len,
			 const char *text, bool *holds)
{
	struct isolate_cell_state st;
	char file[PATH_MAX], line[PATH_MAX * 2];
	int err = isolate_cell_get(self->iso, CELL, &st);
	FILE *in;

	if (err)
		return err;
	snprintf(file, sizeof(file), "%s/cells/%s.%u.bind", self->env.state, CELL,
		 st.cell.generation);
	in = fopen(file, "r");
	if (!in)
		return -errno;
	*holds = false;
	first[0] = '\0';
	if (fgets(first, (int)len, in))
		while (fgets(line, sizeof(line), in))
			*holds |= strstr(line, text) != NULL;
	fclose(in);
	return 0;
}

/* Kept with the bindings: other changes, and a load after `unload --force`, keep it. */
TEST_F(replaced, the_moved_directory_stays_denied_after_the_rebind)
{
	struct isolate_cap *connect = NULL;
	char first[64], superseded[2 * sizeof(self->ssh) + 8];
	bool holds;

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));
	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	snprintf(superseded, sizeof(superseded), " %s ^%s\n", self->ssh, self->ssh);
	ASSERT_EQ(0, kept_bindings(self, first, sizeof(first), superseded, &holds));
	EXPECT_STREQ("isolate-bindings 3\n", first);
	EXPECT_TRUE(holds);

	ASSERT_EQ(0, isolate_cap_parse("connect:tcp:192.0.2.1/32:443", &connect, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, CELL, &connect, 1)) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(connect);
	EXPECT_EQ(0, may_read(self, self->key));
	EXPECT_EQ(0, may_read(self, self->decoy));

	ASSERT_EQ(0, fake_unload(self->env.bpffs));
	ASSERT_EQ(0, fake_load(self->env.bpffs, self->env.cells_cgid));
	isolate_close(self->iso);
	ASSERT_EQ(0, isolate_load(&self->iso, NULL)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, may_read(self, self->key));
	EXPECT_EQ(0, may_read(self, self->decoy));
}

/* The kept bindings of the cell with old replaced by new, read by a new handle. */
static int rewrite_bindings(FIXTURE_DATA(replaced) *self, const char *old, const char *new)
{
	struct isolate_cell_state st;
	char file[PATH_MAX], text[8192], *at;
	size_t len;
	FILE *f;
	int err = isolate_cell_get(self->iso, CELL, &st);

	if (err)
		return err;
	snprintf(file, sizeof(file), "%s/cells/%s.%u.bind", self->env.state, CELL,
		 st.cell.generation);
	f = fopen(file, "r");
	if (!f)
		return -errno;
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	at = strstr(text, old);
	if (!at || strlen(old) != strlen(new))
		return -EINVAL;
	memcpy(at, new, strlen(new));
	err = write_text_file(file, text, 0644);
	isolate_close(self->iso);
	return err ?: isolate_open(&self->iso);
}

/* A superseded object in a file of the version before them was not written by us. */
TEST_F(replaced, a_superseded_line_in_a_version_2_file_refuses_the_change)
{
	struct isolate_cap *connect = NULL;
	struct isolate_cell_state st;

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));
	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, rewrite_bindings(self, "isolate-bindings 3\n", "isolate-bindings 2\n"));
	ASSERT_EQ(0, isolate_cap_parse("connect:tcp:192.0.2.1/32:443", &connect, NULL));

	EXPECT_EQ(-EINVAL, isolate_cell_grant(self->iso, CELL, &connect, 1));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "are malformed")) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(connect);
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &st));
	EXPECT_EQ(2U, st.cell.generation);
	EXPECT_EQ(0, may_read(self, self->key));
}

/* The deny revoked, nothing holds on the moved directory: the home's read reaches it. */
TEST_F(replaced, revoking_the_deny_lets_go_of_the_moved_directory)
{
	struct isolate_cap *deny = NULL;
	char text[160];

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));
	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	snprintf(text, sizeof(text), "deny-read:%s", self->ssh);
	ASSERT_EQ(0, isolate_cap_parse(text, &deny, NULL));

	ASSERT_EQ(0, isolate_cell_revoke(self->iso, CELL, &deny, 1)) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(deny);
	EXPECT_EQ(1, may_read(self, self->key));
	EXPECT_EQ(-1, may_read(self, self->decoy));
}

/* Nothing moved: nothing superseded, and the bindings stay in the form earlier libisolates read. */
TEST_F(replaced, a_rebind_of_paths_in_place_supersedes_nothing)
{
	struct seen ssh = { .path = self->ssh };
	char first[64];
	bool holds;

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());

	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, isolate_cell_bindings(self->iso, CELL, see, &ssh));
	EXPECT_EQ(1, ssh.current);
	EXPECT_EQ(0, ssh.superseded);
	ASSERT_EQ(0, kept_bindings(self, first, sizeof(first), " ^", &holds));
	EXPECT_STREQ("isolate-bindings 2\n", first);
	EXPECT_FALSE(holds);
}

/* A new directory of the same name: the deny holds on both, under one path. */
TEST_F(replaced, a_directory_made_in_place_of_the_moved_one_is_denied_too)
{
	char made[160];

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, rename(self->ssh, self->moved));
	ASSERT_EQ(0, mkdir(self->ssh, 0700));
	snprintf(made, sizeof(made), "%s/config", self->ssh);
	ASSERT_EQ(0, write_text_file(made, "Host *\n", 0644));

	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, may_read(self, self->key));
	EXPECT_EQ(0, may_read(self, made));
}

/* An optional deny whose path leads nowhere now stays on the directory moved away. */
TEST_F(replaced, an_optional_deny_moved_away_stays_on_its_directory)
{
	static const char *const optional[] = {
		"read:%s/home", "write:%s/home", "deny-read?:%s/home/.ssh", NULL
	};
	struct isolate_cap *connect = NULL;
	struct seen ssh = { .path = self->ssh };

	ASSERT_EQ(0, make_cell(self, optional)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, rename(self->ssh, self->moved));

	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, may_read(self, self->key));
	ASSERT_EQ(0, isolate_cell_bindings(self->iso, CELL, see, &ssh));
	EXPECT_EQ(1, ssh.current);
	EXPECT_EQ(1, ssh.superseded);
	EXPECT_EQ((__u64)self->ssh_ino, ssh.superseded_ino);
	/* And at the next change, from what was kept. */
	ASSERT_EQ(0, isolate_cap_parse("connect:tcp:192.0.2.1/32:443", &connect, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, CELL, &connect, 1)) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(connect);
	EXPECT_EQ(0, may_read(self, self->key));
}

/*
 * A harmless device named by a rule of its own (write:HOME/null, a node
 * of /dev/null's number) also has what the tree above grants (read), as
 * the kernel decides it: after a change too, which compiles from the kept
 * bindings. Those keep no device number: the node was taken for a service
 * node, of its own rights only, and reading it was refused after any
 * change.
 */
TEST_F(replaced, a_harmless_device_keeps_the_trees_rights_after_a_change)
{
	static const char *const caps[] = { "read:%s/home", "write:%s/home/null", NULL };
	struct isolate_cap *connect = NULL;
	char null[sizeof(self->home) + 8];

	snprintf(null, sizeof(null), "%s/null", self->home);
	ASSERT_EQ(0, mknod(null, S_IFCHR | 0666, makedev(1, 3)));
	ASSERT_EQ(0, make_cell(self, caps)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(1, may_read(self, null));
	ASSERT_EQ(0, isolate_cap_parse("connect:tcp:192.0.2.1/32:443", &connect, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, CELL, &connect, 1)) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(connect);
	EXPECT_EQ(1, may_read(self, null));
}

TEST_F(replaced, cell_show_names_the_link_and_what_a_rebind_would_follow)
{
	char out[8192], want[512];

	ASSERT_EQ(0, make_cell(self, home_but_ssh)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, replace_ssh(self));

	ASSERT_EQ(0, loader_run("cell show " CELL " 2>&1", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "  moved: %s leads to another object now;", self->ssh);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\n    %s is a symbolic link now, to %s\n", self->ssh,
		 self->other);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\n  isolate-loader rebind %s binds them afresh, to whatever is at them now, following the links there whoever made them: their grants go where the links point (their denies stay on the objects bound too)\n",
		 CELL);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);

	ASSERT_EQ(0, loader_run("-j cell show " CELL " 2>&1", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\"moved\":true,\"superseded\":false,\"link\":{\"at\":\"%s\",\"to\":\"%s\"}",
		 self->ssh, self->other);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);

	ASSERT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, loader_run("cell show " CELL " 2>&1", out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\n  also denied: what %s was bound to before a rebind (dev ",
		 self->ssh);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "ino %llu, then at %s)\n", (unsigned long long)self->ssh_ino,
		 self->ssh);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\n  2 paths bound, 0 lead elsewhere now\n")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
