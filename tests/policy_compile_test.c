// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler on a real tree: each entry holds the effective rights at its
 * inode (its grants and its granted ancestors', minus every deny on it or
 * above), keyed by the kernel's dev encoding; hard links out of denied
 * trees, symlinks, missing and optional paths; network blocks compiled for
 * a longest-prefix lookup; namespaces and abstract unix names; and
 * explain, which walks the image as the kernel does. The tree (under a private temporary directory):
 *
 *   T/
 *   |-- work/            read
 *   |   |-- data.txt
 *   |   |-- linked       hard link of .git/config
 *   |   |-- .git/        deny read, deny write
 *   |   |   |-- config
 *   |   |   `-- hooks/   write (dead: below a deny-write)
 *   |   `-- out/         write
 *   |-- bin/tool         exec
 *   |-- alias -> outside.txt    read (lands on outside.txt)
 *   |-- outside.txt
 *   `-- secret           deny write (nothing grants it)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <pty.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "policy_test_util.h"

FIXTURE(tree) {
	char root[64];
	struct isolate_image *img;
};

static void make_file(struct __test_metadata *_metadata, const char *root, const char *rel)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	close(fd);
}

static void make_dir(struct __test_metadata *_metadata, const char *root, const char *rel)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ASSERT_EQ(0, mkdir(path, 0755)) TH_LOG("%s: %s", path, strerror(errno));
}

/* T/rel as a string, in a static rotation of buffers (for one-line checks). */
static const char *at(const char root[64], const char *rel)
{
	static char bufs[8][PATH_MAX];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, PATH_MAX, "%.63s/%.*s", root, PATH_MAX - 65, rel);
	return b;
}

/* Compiles a cell made of texts, each with "T" replaced by the tree root. */
static int compile_texts(const char *root, const char *const *texts, size_t n, __u32 mode,
			 struct isolate_image **img, struct isolate_diag *diag)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("t");
	int err = 0;

	isolate_cell_policy_set_mode(c, mode);
	for (size_t i = 0; i < n && !err; i++) {
		char text[PATH_MAX + 64];
		const char *t = strchr(texts[i], 'T');
		struct isolate_cap *cap = NULL;

		if (t && t[1] == '/' && t[-1] == ':')
			snprintf(text, sizeof(text), "%.*s%s%s", (int)(t - texts[i]), texts[i], root, t + 1);
		else
			snprintf(text, sizeof(text), "%s", texts[i]);
		err = isolate_cap_parse(text, &cap, diag);
		if (!err)
			err = isolate_cell_policy_add(c, cap);
		isolate_cap_free(cap);
	}
	if (!err)
		err = isolate_compile(c, img, diag);
	isolate_cell_policy_free(c);
	return err;
}

static const char *const tree_caps[] = {
	"read:T/work", "deny-read:T/work/.git", "deny-write:T/work/.git",
	"write:T/work/.git/hooks", "write:T/work/out", "exec:T/bin/tool",
	"read:T/alias", "deny-write:T/secret",
};

FIXTURE_SETUP(tree)
{
	char tmpl[] = "/tmp/isolate-compile.XXXXXX", *real;
	struct isolate_diag diag = { 0 };

	ASSERT_NE(NULL, mkdtemp(tmpl));
	/* Rules are compiled from resolved paths: compare against those. */
	real = realpath(tmpl, NULL);
	ASSERT_NE(NULL, real);
	ASSERT_GT(sizeof(self->root), strlen(real));
	strcpy(self->root, real);
	free(real);
	make_dir(_metadata, self->root, "work");
	make_file(_metadata, self->root, "work/data.txt");
	make_dir(_metadata, self->root, "work/.git");
	make_file(_metadata, self->root, "work/.git/config");
	make_dir(_metadata, self->root, "work/.git/hooks");
	ASSERT_EQ(0, link(at(self->root, "work/.git/config"), at(self->root, "work/linked")));
	make_dir(_metadata, self->root, "work/out");
	make_dir(_metadata, self->root, "bin");
	make_file(_metadata, self->root, "bin/tool");
	make_file(_metadata, self->root, "outside.txt");
	ASSERT_EQ(0, symlink("outside.txt", at(self->root, "alias")));
	make_file(_metadata, self->root, "secret");
	ASSERT_EQ(0, compile_texts(self->root, tree_caps, sizeof(tree_caps) / sizeof(tree_caps[0]),
				   ISOLATE_MODE_ENFORCE, &self->img, &diag))
		TH_LOG("%s", diag.msg);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

FIXTURE_TEARDOWN(tree)
{
	isolate_image_free(self->img);
	nftw(self->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The entry of the inode at path, or NULL. */
static const struct isolate_image_inode *entry_of(const struct isolate_image *img,
						   const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return NULL;
	for (size_t i = 0; i < img->n_inodes; i++)
		if (img->inodes[i].dev == ((major(st.st_dev) << 20) | minor(st.st_dev)) &&
		    img->inodes[i].ino == st.st_ino)
			return &img->inodes[i];
	return NULL;
}

static const char *rule(const struct isolate_image *img, __u32 id)
{
	const char *text = isolate_image_rule_text(img, id);

	return id == ISOLATE_RULE_NONE ? "(none)" : text ? text : "(bad)";
}

#define R ISOLATE_ACCESS_READ
#define W ISOLATE_ACCESS_WRITE
#define X ISOLATE_ACCESS_EXEC

TEST_F(tree, effective_rights_per_inode)
{
	const struct isolate_image *img = self->img;
	const char *T = self->root;
	const struct isolate_image_inode *e;
	char want[PATH_MAX + 32];

	/* work, .git, .git/config (linked), out, tool, outside.txt, secret */
	ASSERT_EQ(7U, img->n_inodes);

	e = entry_of(img, at(T, "work"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R, e->rule.allow);
	snprintf(want, sizeof(want), "read:%s/work", T);
	EXPECT_STREQ(want, rule(img, e->rule.rule_id));
	EXPECT_STREQ(want, rule(img, e->rule.decided_by[0]));
	EXPECT_EQ(ISOLATE_RULE_NONE, e->rule.decided_by[1]);

	/* Denied for read and write, whatever is granted above or below. */
	e = entry_of(img, at(T, "work/.git"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0U, e->rule.allow);
	snprintf(want, sizeof(want), "deny-read:%s/work/.git", T);
	EXPECT_STREQ(want, rule(img, e->rule.rule_id));
	EXPECT_STREQ(want, rule(img, e->rule.decided_by[0]));
	snprintf(want, sizeof(want), "deny-write:%s/work/.git", T);
	EXPECT_STREQ(want, rule(img, e->rule.decided_by[1]));

	/* The grant below the deny is gone: no entry of its own. */
	EXPECT_EQ(NULL, entry_of(img, at(T, "work/.git/hooks")));

	/* A hard link out of the denied tree: the file carries the deny itself. */
	e = entry_of(img, at(T, "work/linked"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0U, e->rule.allow);
	EXPECT_STREQ(at(T, "work/.git/config"), e->path);
	snprintf(want, sizeof(want), "deny-read:%s/work/.git", T);
	EXPECT_STREQ(want, rule(img, e->rule.rule_id));

	/* Its own write plus the read of the tree above. */
	e = entry_of(img, at(T, "work/out"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R | W, e->rule.allow);
	snprintf(want, sizeof(want), "write:%s/work/out", T);
	EXPECT_STREQ(want, rule(img, e->rule.rule_id));
	EXPECT_STREQ(want, rule(img, e->rule.decided_by[1]));
	snprintf(want, sizeof(want), "read:%s/work", T);
	EXPECT_STREQ(want, rule(img, e->rule.decided_by[0]));

	e = entry_of(img, at(T, "bin/tool"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(X, e->rule.allow);

	/* The symlink's rule lands on its target. */
	e = entry_of(img, at(T, "outside.txt"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R, e->rule.allow);
	EXPECT_STREQ(at(T, "outside.txt"), e->path);

	/* A deny nothing grants still gets its entry. */
	e = entry_of(img, at(T, "secret"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0U, e->rule.allow);
	snprintf(want, sizeof(want), "deny-write:%s/secret", T);
	EXPECT_STREQ(want, rule(img, e->rule.decided_by[1]));
}

/*
 * Each rule is written as realpath(3) would resolve its path: through a
 * linked directory, to a linked file's target, with the directory
 * resolved before changing between neighbours; missing optional paths
 * skipped (including one below a file).
 */
TEST_F(tree, rules_are_the_real_paths)
{
	static const char *const caps[] = {
		"read:T/via/data.txt", "read:T/via/out", "read:T/work/to_tool",
		"read:T/via/to_out", "read:T/work/data.txt", "read:T/bin/tool",
		"read?:T/via/missing", "read?:T/work/data.txt/below", "read?:T/work/dangling",
	};
	static const char *const want[] = { "bin/tool", "work/data.txt", "work/out" };
	const char *T = self->root;
	struct isolate_diag diag = { 0 };
	struct isolate_image *img = NULL;
	char text[PATH_MAX + 16];

	ASSERT_EQ(0, symlink("work", at(T, "via")));
	ASSERT_EQ(0, symlink("../bin/tool", at(T, "work/to_tool")));
	ASSERT_EQ(0, symlink("out", at(T, "work/to_out")));
	ASSERT_EQ(0, symlink("nowhere", at(T, "work/dangling")));
	ASSERT_EQ(0, compile_texts(T, caps, sizeof(caps) / sizeof(caps[0]), ISOLATE_MODE_ENFORCE,
				   &img, &diag)) TH_LOG("%s", diag.msg);
	ASSERT_EQ(3U, img->n_rules);
	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "read:%s/%s", T, want[i]);
		EXPECT_STREQ(text, img->rule_text[i]);
	}
	EXPECT_EQ(3U, img->n_inodes);
	EXPECT_EQ(3U, img->n_skipped);
	isolate_image_free(img);
}

TEST_F(tree, keys_are_kernel_dev_encoding_sorted_and_unique)
{
	const struct isolate_image *img = self->img;

	for (size_t i = 0; i < img->n_inodes; i++) {
		struct stat st;

		ASSERT_EQ(0, stat(img->inodes[i].path, &st));
		EXPECT_EQ((major(st.st_dev) << 20) | minor(st.st_dev), img->inodes[i].dev);
		EXPECT_EQ(st.st_ino, img->inodes[i].ino);
		if (i) {
			const struct isolate_image_inode *a = &img->inodes[i - 1], *b = &img->inodes[i];

			EXPECT_TRUE(a->dev < b->dev || (a->dev == b->dev && a->ino < b->ino));
		}
	}
}

TEST_F(tree, rules_are_the_authority_set)
{
	const char *T = self->root;
	char expected[7][PATH_MAX + 32];

	/* Canonical order: kind, grants before denies, then path. */
	snprintf(expected[0], sizeof(expected[0]), "read:%s/outside.txt", T);
	snprintf(expected[1], sizeof(expected[1]), "read:%s/work", T);
	snprintf(expected[2], sizeof(expected[2]), "deny-read:%s/work/.git", T);
	snprintf(expected[3], sizeof(expected[3]), "write:%s/work/out", T);
	snprintf(expected[4], sizeof(expected[4]), "deny-write:%s/secret", T);
	snprintf(expected[5], sizeof(expected[5]), "deny-write:%s/work/.git", T);
	snprintf(expected[6], sizeof(expected[6]), "exec:%s/bin/tool", T);
	ASSERT_EQ(7U, self->img->n_rules);
	for (int i = 0; i < 7; i++)
		EXPECT_STREQ(expected[i], self->img->rule_text[i]);
}

/* Ids come from the rules' texts: a change renumbers nothing it keeps. */
TEST_F(tree, rule_ids_survive_a_change_to_the_set)
{
	static const char *const more[] = {
		"read:T/aaa", "read:T/work", "deny-read:T/work/.git", "deny-write:T/work/.git",
		"write:T/work/.git/hooks", "write:T/work/out", "exec:T/bin/tool", "read:T/alias",
		"deny-write:T/secret", "read:T/outside.txt", "connect:tcp:10.0.0.0/8:443",
	};
	struct isolate_image *after = NULL;
	const struct isolate_image *before = self->img;
	size_t kept = 0;

	make_dir(_metadata, self->root, "aaa");
	ASSERT_EQ(0, compile_texts(self->root, more, sizeof(more) / sizeof(more[0]), 0, &after,
				   NULL));
	ASSERT_EQ(before->n_rules + 2, after->n_rules);
	for (size_t i = 0; i < before->n_rules; i++) {
		for (size_t j = 0; j < after->n_rules; j++) {
			if (strcmp(before->rule_text[i], after->rule_text[j]))
				continue;
			EXPECT_EQ(before->rule_ids[i], after->rule_ids[j]) TH_LOG("%s",
									   before->rule_text[i]);
			kept++;
		}
	}
	EXPECT_EQ(before->n_rules, kept);
	/* The entry of a path the change did not touch is the same entry. */
	for (size_t i = 0; i < before->n_inodes; i++) {
		for (size_t j = 0; j < after->n_inodes; j++) {
			if (before->inodes[i].ino != after->inodes[j].ino)
				continue;
			EXPECT_EQ(0, memcmp(&before->inodes[i].rule, &after->inodes[j].rule,
					    sizeof(after->inodes[j].rule)))
				TH_LOG("%s", before->inodes[i].path);
		}
	}
	isolate_image_free(after);
}

/* These two texts hash alike: the later in canonical order takes the next id. */
TEST_F(tree, rule_ids_of_colliding_texts_stay_apart)
{
	static const char *const caps[] = {
		"connect:tcp:10.2.186.186:80", "connect:tcp:10.0.90.98:80",
	};
	struct isolate_image *img = NULL;

	ASSERT_EQ(0, compile_texts(self->root, caps, 2, 0, &img, NULL));
	ASSERT_EQ(2U, img->n_rules);
	EXPECT_STREQ("connect:tcp:10.0.90.98/32:80", img->rule_text[0]);
	EXPECT_EQ(1479935973U, img->rule_ids[0]);
	EXPECT_EQ(1479935974U, img->rule_ids[1]);
	EXPECT_STREQ("connect:tcp:10.2.186.186/32:80", isolate_image_rule_text(img, 1479935974U));
	EXPECT_EQ(NULL, isolate_image_rule_text(img, ISOLATE_RULE_NONE));
	isolate_image_free(img);
}

static void expect_verdict(struct __test_metadata *_metadata, const struct isolate_image *img,
			   enum isolate_cap_kind op, const char *target, bool allowed,
			   const char *rule_text, const char *object)
{
	struct isolate_verdict v;
	struct isolate_diag diag = { 0 };

	ASSERT_EQ(0, isolate_explain(img, op, target, &v, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_EQ(allowed, v.allowed) TH_LOG("%s", target);
	if (rule_text)
		EXPECT_STREQ(rule_text, v.rule_text ? v.rule_text : "(none)") TH_LOG("%s", target);
	if (object)
		EXPECT_STREQ(object, v.object);
}

TEST_F(tree, explain_walks_the_image_like_the_kernel)
{
	const struct isolate_image *img = self->img;
	const char *T = self->root;
	char read_work[PATH_MAX + 8], deny_read[PATH_MAX + 16], deny_write[PATH_MAX + 16];
	char write_out[PATH_MAX + 16], exec_tool[PATH_MAX + 16], read_out[PATH_MAX + 16];

	snprintf(read_work, sizeof(read_work), "read:%s/work", T);
	snprintf(deny_read, sizeof(deny_read), "deny-read:%s/work/.git", T);
	snprintf(deny_write, sizeof(deny_write), "deny-write:%s/work/.git", T);
	snprintf(write_out, sizeof(write_out), "write:%s/work/out", T);
	snprintf(exec_tool, sizeof(exec_tool), "exec:%s/bin/tool", T);
	snprintf(read_out, sizeof(read_out), "read:%s/outside.txt", T);

	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(T, "work/data.txt"), true, read_work, NULL);
	expect_verdict(_metadata, img, ISOLATE_CAP_WRITE, at(T, "work/data.txt"), false, "(none)", NULL);
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(T, "work/.git/config"), false, deny_read, NULL);
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(T, "work/linked"), false, deny_read, NULL);
	expect_verdict(_metadata, img, ISOLATE_CAP_WRITE, at(T, "work/.git/hooks/pre-commit"), false,
		       deny_write, at(T, "work/.git/hooks/pre-commit"));
	/* Not there yet: decided from the nearest existing parent. */
	expect_verdict(_metadata, img, ISOLATE_CAP_WRITE, at(T, "work/out/new/file.txt"), true,
		       write_out, at(T, "work/out/new/file.txt"));
	expect_verdict(_metadata, img, ISOLATE_CAP_EXEC, at(T, "bin/tool"), true, exec_tool, NULL);
	/* Running needs exec; reading the binary is another right. */
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(T, "bin/tool"), false, "(none)", NULL);
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(T, "alias"), true, read_out,
		       at(T, "outside.txt"));
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(T, "bin"), false, "(none)", NULL);
}

TEST_F(tree, explain_outside_every_rule_has_no_entry)
{
	struct isolate_verdict v;

	ASSERT_EQ(0, isolate_explain(self->img, ISOLATE_CAP_READ, at(self->root, "bin"), &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(NULL, v.entry);
	EXPECT_EQ(ISOLATE_RULE_NONE, v.rule_id);
	EXPECT_EQ(-EINVAL, isolate_explain(self->img, ISOLATE_CAP_READ, "relative", &v, NULL));
}

TEST_F(tree, missing_paths_fail_unless_optional)
{
	static const char *const required[] = { "read:T/work", "read:T/nope" };
	static const char *const optional[] = { "read:T/work", "read?:T/nope" };
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char want[PATH_MAX + 128];

	EXPECT_EQ(-ENOENT, compile_texts(self->root, required, 2, 0, &img, &diag));
	EXPECT_EQ(NULL, img);
	snprintf(want, sizeof(want),
		 "expected an existing path (or one marked optional), got %s/nope: No such file or directory",
		 self->root);
	EXPECT_STREQ(want, diag.msg);

	ASSERT_EQ(0, compile_texts(self->root, optional, 2, 0, &img, &diag));
	ASSERT_EQ(1U, img->n_skipped);
	snprintf(want, sizeof(want), "read?:%s/nope", self->root);
	EXPECT_STREQ(want, img->skipped[0]);
	EXPECT_EQ(1U, img->n_inodes);
	isolate_image_free(img);
}

/*
 * Rules are bound when the policy is compiled: a path that leads to the
 * compiling process's /proc entries (a link to /proc/self/mounts, as
 * /etc/mtab is; /proc/PID of the compiler) would give the cell a rule on
 * the compiler's. Refused, naming what it led to; /proc itself compiles.
 */
TEST_F(tree, paths_into_the_compilers_proc_entries_are_refused)
{
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char link[PATH_MAX], own[64], text[PATH_MAX + 16], want[512];
	const char *texts[1] = { text };

	snprintf(link, sizeof(link), "%s/mtab", self->root);
	ASSERT_EQ(0, symlink("/proc/self/mounts", link));
	snprintf(text, sizeof(text), "read:%s", link);
	EXPECT_EQ(-EINVAL, compile_texts(self->root, texts, 1, 0, &img, &diag));
	EXPECT_EQ(NULL, img);
	snprintf(want, sizeof(want),
		 "'%.60s' leads to the compiling process's /proc entries (/proc/%d/mounts), not the cell's: rules are bound to objects when the policy is compiled. A process of the cell reads its own /proc/self with read: /proc",
		 link, (int)getpid());
	EXPECT_STREQ(want, diag.msg);

	snprintf(own, sizeof(own), "/proc/%d", (int)getpid());
	snprintf(text, sizeof(text), "read:%s/status", own);
	EXPECT_EQ(-EINVAL, compile_texts(self->root, texts, 1, 0, &img, &diag));
	snprintf(want, sizeof(want),
		 "'%s/status' leads to the compiling process's /proc entries (%s/status), not the cell's: rules are bound to objects when the policy is compiled. A process of the cell reads its own /proc/self with read: /proc",
		 own, own);
	EXPECT_STREQ(want, diag.msg);

	snprintf(text, sizeof(text), "read:/proc");
	ASSERT_EQ(0, compile_texts(self->root, texts, 1, 0, &img, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_EQ(1U, img->n_inodes);
	isolate_image_free(img);
}

/*
 * A symlink (one a cell may plant) into the links of /proc that jump to a
 * process's files leads to the compiler's own: its standard input, its
 * working directory. Refused, not compiled onto them.
 */
TEST_F(tree, symlinks_into_the_compilers_own_files_are_refused)
{
	static const char *const targets[] = { "/dev/stdin", "/proc/self/cwd", "/proc/self/fd/0" };
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char link[PATH_MAX], text[PATH_MAX + 16], want[512];
	const char *texts[1] = { text };

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		snprintf(link, sizeof(link), "%s/planted%zu", self->root, i);
		ASSERT_EQ(0, symlink(targets[i], link));
		snprintf(text, sizeof(text), "write:%s", link);
		EXPECT_EQ(-ELOOP, compile_texts(self->root, texts, 1, 0, &img, &diag))
			TH_LOG("%s", targets[i]);
		EXPECT_EQ(NULL, img);
		snprintf(want, sizeof(want),
			 "'%.80s' leads through a loop of symbolic links or through a link of /proc to a process's files (fd/N, cwd, root, exe), which would be the compiling process's: rules are bound to objects when the policy is compiled",
			 link);
		EXPECT_STREQ(want, diag.msg);
	}
}

/*
 * A file whose stat(2) device is not its superblock's (overlayfs over
 * layers of other file systems; btrfs subvolumes) is refused: the kernel
 * keys rules by the superblock's device, so a rule there would never
 * match, and a deny would not hold. The overlay's directories report its
 * own device and stay allowed.
 */
TEST_F(tree, a_file_that_reports_another_device_is_refused)
{
	static const char *const on_file[] = { "read:T/ovl/work/data.txt" };
	static const char *const on_dir[] = { "read:T/ovl/work", "deny-read:T/ovl/work/.git" };
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char opts[512];

	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace here: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	make_dir(_metadata, self->root, "layers");
	ASSERT_EQ(0, mount("tmpfs", at(self->root, "layers"), "tmpfs", 0, NULL));
	make_dir(_metadata, self->root, "layers/upper");
	make_dir(_metadata, self->root, "layers/scratch");
	make_dir(_metadata, self->root, "ovl");
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", self->root,
		 at(self->root, "layers/upper"), at(self->root, "layers/scratch"));
	if (mount("overlay", at(self->root, "ovl"), "overlay", 0, opts)) {
		umount2(at(self->root, "layers"), MNT_DETACH);
		SKIP(return, "no overlayfs here: %s", strerror(errno));
	}
	EXPECT_EQ(-EXDEV, compile_texts(self->root, on_file, 1, 0, &img, &diag));
	EXPECT_EQ(NULL, img);
	EXPECT_NE(NULL, strstr(diag.msg, "/ovl/work/data.txt is on a file system whose files report a device")) {
		TH_LOG("%s", diag.msg);
	}
	EXPECT_EQ(0, compile_texts(self->root, on_dir, 2, 0, &img, &diag)) {
		TH_LOG("%s", diag.msg);
	}
	isolate_image_free(img);
	umount2(at(self->root, "ovl"), MNT_DETACH);
	umount2(at(self->root, "layers"), MNT_DETACH);
}

/*
 * A file whose file system may number it anew while it exists (procfs's
 * sysctl and process entries, made up each time the kernel reads them in)
 * is refused, even after another path on the same device passed: once
 * the kernel forgets it, a rule on its old number would match nothing and
 * the deny would not hold. procfs's root and fixed entries keep theirs.
 */
TEST_F(tree, a_file_whose_number_may_change_is_refused)
{
	static const char *const sysctl[] = { "read:/proc", "deny-read:/proc/sys/kernel/domainname" };
	static const char *const process[] = { "read:/proc/1/status" };
	static const char *const fixed[] = { "read:/proc", "deny-read:/proc/sys",
					      "deny-read:/proc/meminfo" };
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	EXPECT_EQ(-EIDRM, compile_texts(self->root, sysctl, 2, 0, &img, &diag));
	EXPECT_EQ(NULL, img);
	EXPECT_STREQ("/proc/sys/kernel/domainname is on procfs, which may number a file anew while it exists: a rule on it would stop matching once the kernel forgets the file, and a deny would not hold; put the rule on the directory it is mounted on, or above",
		     diag.msg);
	EXPECT_EQ(-EIDRM, compile_texts(self->root, process, 1, 0, &img, &diag));
	EXPECT_NE(NULL, strstr(diag.msg, "/proc/1/status is on procfs")) TH_LOG("%s", diag.msg);
	ASSERT_EQ(0, compile_texts(self->root, fixed, 3, 0, &img, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_EQ(3U, img->n_inodes);
	isolate_image_free(img);
}

/*
 * A deny on a directory holds on what lies in it by object, not only on
 * the paths its own path prefixes: a grant below a bind mount of the
 * denied .git at view/ is refused reading as below .git itself. (The same
 * decides for a live cell that renamed a denied directory, or one above
 * it, after its deny was bound: a grant below the new name.)
 */
TEST_F(tree, a_grant_below_a_bind_mount_of_a_denied_directory_is_denied)
{
	static const char *const caps[] = {
		"deny-read:T/work/.git", "read:T/view/HEAD", "write:T/view",
	};
	char deny_read[PATH_MAX + 16], write_view[PATH_MAX + 16];
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace here: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	/* One name: config is linked out too, and denied as such by its inode. */
	make_file(_metadata, self->root, "work/.git/HEAD");
	make_dir(_metadata, self->root, "view");
	ASSERT_EQ(0, mount(at(self->root, "work/.git"), at(self->root, "view"), NULL, MS_BIND, NULL));
	ASSERT_EQ(0, compile_texts(self->root, caps, 3, 0, &img, &diag)) TH_LOG("%s", diag.msg);
	snprintf(deny_read, sizeof(deny_read), "deny-read:%s", at(self->root, "work/.git"));
	snprintf(write_view, sizeof(write_view), "write:%s", at(self->root, "view"));
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(self->root, "view/HEAD"), false,
		       deny_read, NULL);
	/* The deny takes reading only: the grant of the tree above still writes. */
	expect_verdict(_metadata, img, ISOLATE_CAP_WRITE, at(self->root, "view/HEAD"), true,
		       write_view, NULL);
	isolate_image_free(img);
	umount2(at(self->root, "view"), MNT_DETACH);
}

/*
 * A deny below another deny is compiled to an entry of its own: reached by
 * a bind mount of its directory below a grant, it still decides (the outer
 * deny's walk never passes there). It used to be dropped as covered.
 */
TEST_F(tree, a_deny_below_a_deny_holds_where_it_is_mounted)
{
	static const char *const caps[] = {
		"read:T/srv", "deny-read:T/home/.ssh", "deny-read:T/home/.ssh/keys",
	};
	char deny_keys[PATH_MAX + 16];
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace here: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	make_dir(_metadata, self->root, "home");
	make_dir(_metadata, self->root, "home/.ssh");
	make_dir(_metadata, self->root, "home/.ssh/keys");
	make_file(_metadata, self->root, "home/.ssh/keys/id");
	make_dir(_metadata, self->root, "srv");
	make_dir(_metadata, self->root, "srv/keys");
	ASSERT_EQ(0, mount(at(self->root, "home/.ssh/keys"), at(self->root, "srv/keys"), NULL,
			   MS_BIND, NULL));
	ASSERT_EQ(0, compile_texts(self->root, caps, 3, 0, &img, &diag)) TH_LOG("%s", diag.msg);
	snprintf(deny_keys, sizeof(deny_keys), "deny-read:%s", at(self->root, "home/.ssh/keys"));
	expect_verdict(_metadata, img, ISOLATE_CAP_READ, at(self->root, "srv/keys/id"), false,
		       deny_keys, NULL);
	isolate_image_free(img);
	umount2(at(self->root, "srv/keys"), MNT_DETACH);
}

TEST_F(tree, mode_budgets_and_broker_reach_the_image)
{
	static const char *const caps[] = {
		"cpu:50000/100000", "memory:512M", "pids:64", "broker:read", "broker:connect",
	};
	struct isolate_image *img = NULL;
	struct isolate_capacity cap[4];

	ASSERT_EQ(0, compile_texts(self->root, caps, 5, ISOLATE_MODE_AUDIT, &img, NULL));
	EXPECT_EQ((__u32)ISOLATE_MODE_AUDIT, img->mode);
	EXPECT_EQ(50000U, img->limits.cpu_quota_us);
	EXPECT_EQ(100000U, img->limits.cpu_period_us);
	EXPECT_EQ(512ULL << 20, img->limits.memory_max);
	EXPECT_EQ(64U, img->limits.pids_max);
	EXPECT_EQ(ISOLATE_BROKER_READ | ISOLATE_BROKER_CONNECT, img->broker_rights);
	EXPECT_EQ(0U, img->cell_flags);
	EXPECT_EQ(0U, img->n_unix);
	ASSERT_EQ(3U, isolate_image_capacity(img, cap, 4));
	EXPECT_STREQ("inode_rules", cap[0].map);
	EXPECT_EQ(0U, cap[0].used);
	EXPECT_EQ((size_t)ISOLATE_MAX_INODE_RULES, cap[0].size);
	EXPECT_STREQ("net_rules", cap[1].map);
	EXPECT_EQ((size_t)ISOLATE_MAX_NET_RULES, cap[1].size);
	EXPECT_STREQ("unix_rules", cap[2].map);
	EXPECT_EQ(0U, cap[2].used);
	EXPECT_EQ((size_t)ISOLATE_MAX_UNIX_RULES, cap[2].size);
	isolate_image_free(img);
}

/* ---- namespaces, abstract unix names ---- */

TEST_F(tree, namespaces_become_cell_flags)
{
	static const char *const user[] = { "namespace:user" };
	static const char *const both[] = { "namespace:mount", "namespace:user", "namespace:mount" };
	struct isolate_image *img = NULL;

	ASSERT_EQ(0, compile_texts(self->root, user, 1, 0, &img, NULL));
	EXPECT_EQ(ISOLATE_CELL_USERNS, img->cell_flags);
	ASSERT_EQ(1U, img->n_rules);
	EXPECT_STREQ("namespace:user", img->rule_text[0]);
	isolate_image_free(img);
	ASSERT_EQ(0, compile_texts(self->root, both, 3, 0, &img, NULL));
	EXPECT_EQ(ISOLATE_CELL_USERNS | ISOLATE_CELL_MOUNTNS, img->cell_flags);
	EXPECT_EQ(2U, img->n_rules);
	EXPECT_EQ(0U, img->n_unix);
	isolate_image_free(img);
}

/* The key exactly as the kernel builds it: ruleset 0 here, len, name zero-padded. */
static void expect_unix_key(struct __test_metadata *_metadata, const struct isolate_image_unix *e,
			    const char *name)
{
	char want[sizeof(e->key.name)] = { 0 };

	memcpy(want, name, strlen(name));
	EXPECT_EQ(0U, e->key.ruleset);
	EXPECT_EQ(strlen(name), e->key.len);
	EXPECT_EQ(0, memcmp(want, e->key.name, sizeof(want))) TH_LOG("key of %s", name);
}

TEST_F(tree, abstract_names_become_one_entry_each)
{
	char longest[ISOLATE_UNIX_NAME_MAX + 1], bind_longest[ISOLATE_UNIX_NAME_MAX + 16];
	const char *caps[] = {
		"unix-bind:@x", "read:T/work", bind_longest, "unix-connect:@/tmp/.X11-unix/X0",
		"unix-connect:@x", "unix-bind:@x",
	};
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	const struct isolate_image_unix *e;

	memset(longest, 'z', ISOLATE_UNIX_NAME_MAX);
	longest[ISOLATE_UNIX_NAME_MAX] = '\0';
	snprintf(bind_longest, sizeof(bind_longest), "unix-bind:@%s", longest);
	ASSERT_EQ(0, compile_texts(self->root, caps, 6, 0, &img, &diag)) TH_LOG("%s", diag.msg);
	/*
	 * The authority set: 0 read:T/work, 1 unix-connect:@/tmp/.X11-unix/X0,
	 * 2 unix-connect:@x, 3 unix-bind:@x, 4 unix-bind:@zzz...
	 */
	ASSERT_EQ(5U, img->n_rules);
	ASSERT_EQ(3U, img->n_unix);
	/* Sorted by name. */
	e = &img->unix_names[0];
	expect_unix_key(_metadata, e, "/tmp/.X11-unix/X0");
	EXPECT_EQ((__u32)ISOLATE_NET_CONNECT, e->rule.allow);
	EXPECT_STREQ("unix-connect:@/tmp/.X11-unix/X0", rule(img, e->rule.rule_id));
	/* Connect and bind of one name: one entry with both, named by the connect. */
	e = &img->unix_names[1];
	expect_unix_key(_metadata, e, "x");
	EXPECT_EQ((__u32)(ISOLATE_NET_CONNECT | ISOLATE_NET_BIND), e->rule.allow);
	EXPECT_EQ(img->rule_ids[2], e->rule.rule_id);
	EXPECT_STREQ("unix-connect:@x", rule(img, e->rule.rule_id));
	/* 107 bytes: the whole of sun_path after the NUL, no terminator needed. */
	e = &img->unix_names[2];
	expect_unix_key(_metadata, e, longest);
	EXPECT_EQ((__u32)ISOLATE_UNIX_NAME_MAX, e->key.len);
	EXPECT_EQ((__u32)ISOLATE_NET_BIND, e->rule.allow);
	EXPECT_EQ(img->rule_ids[4], e->rule.rule_id);
	isolate_image_free(img);
}

/* n distinct names, each granted for connect and for bind. */
static struct isolate_cell_policy *many_names(struct __test_metadata *_metadata, int n)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("sockets");

	for (int i = 0; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "@s%d", i);
		for (__u32 right = ISOLATE_NET_CONNECT; right <= ISOLATE_NET_BIND; right++) {
			struct isolate_cap *cap = isolate_cap_unix(right, name);

			EXPECT_EQ(0, isolate_cell_policy_add(c, cap));
			isolate_cap_free(cap);
		}
	}
	return c;
}

TEST_F(tree, abstract_names_beyond_the_map_are_refused)
{
	struct isolate_cell_policy *c = many_names(_metadata, ISOLATE_MAX_UNIX_RULES);
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	struct isolate_capacity cap[4];

	/* Twice as many capabilities as the map holds; merged, they fit exactly. */
	ASSERT_EQ(0, isolate_compile(c, &img, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_EQ((size_t)ISOLATE_MAX_UNIX_RULES, img->n_unix);
	ASSERT_EQ(3U, isolate_image_capacity(img, cap, 4));
	EXPECT_EQ((size_t)ISOLATE_MAX_UNIX_RULES, cap[2].used);
	isolate_image_free(img);
	isolate_cell_policy_free(c);

	c = many_names(_metadata, ISOLATE_MAX_UNIX_RULES + 1);
	img = NULL;
	EXPECT_EQ(-E2BIG, isolate_compile(c, &img, &diag));
	EXPECT_EQ(NULL, img);
	EXPECT_STREQ("expected at most 4096 abstract unix names (the size of the unix_rules map), cell sockets needs 4097",
		     diag.msg);
	isolate_cell_policy_free(c);
}

TEST_F(tree, image_json_has_namespaces_and_unix_rules)
{
	static const char *const caps[] = {
		"unix-bind:@x", "namespace:user", "unix-connect:@x", "unix-connect:@a/b",
	};
	struct isolate_image *img = NULL;
	char *buf = NULL, want[512];
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, compile_texts(self->root, caps, 4, 0, &img, NULL));
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, isolate_image_write_json(img, f, false));
	fclose(f);
	/* Rules: 0 namespace:user, 1 unix-connect:@a/b, 2 unix-connect:@x, 3 unix-bind:@x. */
	snprintf(want, sizeof(want), "\"unix_rules\":["
		 "{\"len\":3,\"name\":\"a/b\",\"allow\":1,\"rights\":[\"connect\"],\"rule_id\":%u},"
		 "{\"len\":1,\"name\":\"x\",\"allow\":3,\"rights\":[\"connect\",\"bind\"],\"rule_id\":%u}]",
		 img->rule_ids[1], img->rule_ids[2]);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), "{\"id\":%u,\"rule\":\"unix-connect:@x\"}", img->rule_ids[2]);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"cell_flags\":1,")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "\"namespaces\":[\"user\"]")) TH_LOG("%s", buf);
	/* Abstract names need unix sockets: granted with them. */
	EXPECT_NE(NULL, strstr(buf, "\"sockets\":[\"unix\"]")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "{\"map\":\"unix_rules\",\"used\":2,\"size\":4096}")) TH_LOG("%s", buf);
	free(buf);
	isolate_image_free(img);
}

/* ---- network ---- */

/* The order of the entries: op, protocol, family, address, prefix. */
static int key_cmp(const struct isolate_net_key *a, const struct isolate_net_key *b)
{
	int c = memcmp(&a->op, &b->op, 3);

	if (!c)
		c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (!c)
		c = (int)a->prefixlen - (int)b->prefixlen;
	return c;
}

TEST_F(tree, network_blocks_carry_their_ancestors_ports)
{
	static const char *const caps[] = {
		"connect:tcp:10.0.0.0/8:443", "deny-connect:tcp:10.1.0.0/16:443",
		"connect:tcp:10.1.2.0/24:80", "bind:udp:[::1]/128:5353",
	};
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	const struct isolate_image_net *e;

	ASSERT_EQ(0, compile_texts(self->root, caps, 4, 0, &img, &diag)) TH_LOG("%s", diag.msg);
	/*
	 * The authority set: 10.0.0.0/16, 10.2.0.0/15 ... 10.128.0.0/9 (443,
	 * the /8 minus the deny), 10.1.2.0/24 (80), the deny, the bind.
	 */
	/* The /24 inside the denied /16: its own port 80 only, blamed on the deny. */
	e = NULL;
	for (size_t i = 0; i < img->n_net; i++)
		if (img->net[i].key.prefixlen == ISOLATE_NET_FIXED_BITS + 24)
			e = &img->net[i];
	ASSERT_NE(NULL, e);
	EXPECT_EQ(ISOLATE_NET_CONNECT, e->key.op);
	EXPECT_EQ(6, e->key.proto);
	EXPECT_EQ(4, e->key.family);
	EXPECT_EQ(0U, e->key.ruleset);
	ASSERT_EQ(1U, e->rule.n_ranges);
	EXPECT_EQ(80, e->rule.ranges[0].lo);
	EXPECT_EQ(80, e->rule.ranges[0].hi);
	EXPECT_STREQ("connect:tcp:10.1.2.0/24:80", rule(img, e->rule.ranges[0].rule_id));
	EXPECT_STREQ("deny-connect:tcp:10.1.0.0/16:443", rule(img, e->rule.deny_rule_id));
	for (size_t i = 1; i < img->n_net; i++) {
		EXPECT_GT(0, key_cmp(&img->net[i - 1].key, &img->net[i].key))
			TH_LOG("entries out of order at %zu", i);
	}
	isolate_image_free(img);
}

static void expect_net(struct __test_metadata *_metadata, const struct isolate_image *img,
		       enum isolate_cap_kind op, const char *target, bool allowed, const char *by)
{
	expect_verdict(_metadata, img, op, target, allowed, by, NULL);
}

TEST_F(tree, explain_network_by_longest_prefix)
{
	static const char *const caps[] = {
		"connect:tcp:10.0.0.0/8:443", "deny-connect:tcp:10.1.0.0/16:443",
		"connect:tcp:10.1.2.0/24:80", "bind:udp:[::1]/128:5353", "connect:udp:0.0.0.0/0:53",
	};
	struct isolate_image *img = NULL;

	ASSERT_EQ(0, compile_texts(self->root, caps, 5, 0, &img, NULL));
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "tcp:10.200.0.1:443", true, "connect:tcp:10.128.0.0/9:443");
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "tcp:10.1.9.9:443", false, "deny-connect:tcp:10.1.0.0/16:443");
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "tcp:10.1.2.3:443", false, "deny-connect:tcp:10.1.0.0/16:443");
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "tcp:10.1.2.3:80", true, "connect:tcp:10.1.2.0/24:80");
	/* Port 22 is denied by no rule: nothing granted it. */
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "tcp:10.1.2.3:22", false, "(none)");
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "tcp:192.0.2.1:443", false, "(none)");
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "udp:192.0.2.1:53", true, "connect:udp:0.0.0.0/0:53");
	/* An IPv4-mapped IPv6 address is checked as IPv4, as the kernel does. */
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "udp:[::ffff:192.0.2.1]:53", true, "connect:udp:0.0.0.0/0:53");
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "udp:[::1]:5353", true, "bind:udp:[::1]/128:5353");
	expect_net(_metadata, img, ISOLATE_CAP_CONNECT, "udp:[::1]:5353", false, "(none)");
	isolate_image_free(img);
}

/*
 * Bound to ::, a socket without IPV6_V6ONLY (Linux's default) takes IPv4
 * peers too, and the kernel asks the IPv4 rule as well; to :: itself,
 * and 0.0.0.0, nothing connects.
 */
TEST_F(tree, explain_a_bind_to_every_address_as_the_kernel_does)
{
	static const char *const caps[] = {
		"bind:tcp:[::]/0:8080", "bind:tcp:[::]/0:8081", "bind:tcp:0.0.0.0/0:8081",
		"connect:tcp:[::]/0:1-65535",
	};
	struct isolate_image *img = NULL;
	struct isolate_verdict v;

	ASSERT_EQ(0, compile_texts(self->root, caps, 4, 0, &img, NULL));
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_BIND, "tcp:[::]:8080", &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_DUAL_STACK, (int)v.refused_because);
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:[::1]:8080", true, "bind:tcp:[::]/0:8080-8081");
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:[::]:8081", true, "bind:tcp:[::]/0:8080-8081");
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_CONNECT, "tcp:[::]:8081", &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_UNSPECIFIED_ADDRESS, (int)v.refused_because);
	isolate_image_free(img);
}

/* Random sets: the longest-prefix image decides every point as the capabilities do. */
/*
 * A socket bound to 0.0.0.0 takes the port on every address: the
 * unspecified address is granted a port only where the whole family is,
 * no deny carving it (a carved block that starts at 0.0.0.0 held it), or
 * where the policy names the address itself.
 */
TEST_F(tree, a_bind_to_every_address_needs_the_whole_family)
{
	static const char *const caps[] = {
		"bind:tcp:0.0.0.0/0:8080-8090", "deny-bind:tcp:10.0.0.0/8:8080",
		"bind:tcp:0.0.0.0/5:9000", "bind:tcp:0.0.0.0/32:7000", "bind:tcp:[::]/0:8080",
		"bind:tcp:[::]/1:8095",
	};
	struct isolate_image *img = NULL;
	struct isolate_verdict v;

	ASSERT_EQ(0, compile_texts(self->root, caps, 6, 0, &img, NULL));
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_BIND, "tcp:0.0.0.0:8080", &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_EVERY_ADDRESS, (int)v.refused_because);
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_BIND, "tcp:0.0.0.0:9000", &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_EVERY_ADDRESS, (int)v.refused_because);
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_BIND, "tcp:[::]:8095", &v, NULL));
	EXPECT_FALSE(v.allowed);
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_BIND, "tcp:0.0.0.0:6000", &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_BY_RULES, (int)v.refused_because);
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:0.0.0.0:8081", true,
		   "bind:tcp:0.0.0.0/0:8081-8090");
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:10.1.2.3:8081", true,
		   "bind:tcp:0.0.0.0/0:8081-8090");
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:4.4.4.4:9000", true,
		   "bind:tcp:0.0.0.0/5:9000");
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:0.0.0.0:7000", true,
		   "bind:tcp:0.0.0.0/32:7000");
	expect_net(_metadata, img, ISOLATE_CAP_BIND, "tcp:[::1]:8080", true, "bind:tcp:[::]/0:8080");
	/* :: takes IPv4 peers too, and 0.0.0.0:8080 is not granted whole. */
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_BIND, "tcp:[::]:8080", &v, NULL));
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_DUAL_STACK, (int)v.refused_because);
	isolate_image_free(img);
}

TEST_F(tree, random_network_images_decide_like_their_capabilities)
{
	test_seed(7003);
	for (int iter = 0; iter < 150; iter++) {
		struct isolate_cell_policy *c = isolate_cell_policy_new("r");
		struct isolate_image *img = NULL;
		struct isolate_diag diag = { 0 };
		unsigned int n = 1 + rnd_below(8);

		for (unsigned int i = 0; i < n; i++) {
			unsigned int prefix = 24 + rnd_below(9), lo = 1 + rnd_below(12);
			unsigned int hi = lo + rnd_below(13 - lo);
			struct isolate_net_cap net = {
				.proto = IPPROTO_TCP, .family = AF_INET, .prefix_len = (__u8)prefix,
				.port_min = (__u16)lo, .port_max = (__u16)hi,
				.addr = { 10, 0, 0, (__u8)(rnd_below(256) & (prefix == 32 ? 0xff : (0xff << (32 - prefix)) & 0xff)) },
			};
			struct isolate_cap *cap = isolate_cap_net(ISOLATE_CAP_CONNECT, &net,
								  rnd_below(3) ? 0 : ISOLATE_CAP_DENY);

			ASSERT_EQ(0, isolate_cell_policy_add(c, cap));
			isolate_cap_free(cap);
		}
		ASSERT_EQ(0, isolate_compile(c, &img, &diag)) TH_LOG("%s", diag.msg);
		for (unsigned int host = 0; host < 256; host++) {
			for (unsigned int port = 1; port <= 13; port++) {
				struct isolate_verdict v;
				char target[64];
				bool allow = false, deny = false;

				for (size_t i = 0; i < isolate_cell_policy_cap_count(c); i++) {
					const struct isolate_cap *cap = isolate_cell_policy_cap(c, i);
					const struct isolate_net_cap *r = isolate_cap_get_net(cap);
					unsigned int mask = r->prefix_len == 32 ? 0xff : (0xffU << (32 - r->prefix_len)) & 0xff;

					if ((host & mask) != r->addr[3] || port < r->port_min || port > r->port_max)
						continue;
					if (isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY)
						deny = true;
					else
						allow = true;
				}
				snprintf(target, sizeof(target), "tcp:10.0.0.%u:%u", host, port);
				ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_CONNECT, target, &v, NULL));
				ASSERT_EQ(allow && !deny, v.allowed) TH_LOG("iteration %d: %s", iter, target);
			}
		}
		isolate_cell_policy_free(c);
		isolate_image_free(img);
	}
}

TEST_F(tree, too_many_port_ranges_for_one_block_are_refused)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("ports");
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	/* 17 separate ports on one block; the entry holds 16 ranges. */
	for (int port = 1; port <= 33; port += 2) {
		char text[64];
		struct isolate_cap *cap = NULL;

		snprintf(text, sizeof(text), "connect:tcp:10.0.0.0/8:%d", port);
		ASSERT_EQ(0, isolate_cap_parse(text, &cap, NULL));
		ASSERT_EQ(0, isolate_cell_policy_add(c, cap));
		isolate_cap_free(cap);
	}
	EXPECT_EQ(-E2BIG, isolate_compile(c, &img, &diag));
	EXPECT_EQ(NULL, img);
	EXPECT_STREQ("expected at most 16 port ranges for one address block, cell ports needs more for 10.0.0.0/8",
		     diag.msg);
	isolate_cell_policy_free(c);
}

/*
 * Nested port ranges on separate addresses: each port slice holds another
 * set of addresses, so the canonical rectangles grow with the square of
 * the grants. Refused once they outnumber what the map can hold, not
 * after minutes and gigabytes.
 */
TEST(network_sets_beyond_the_map_are_refused_early)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("a"), *set = NULL;
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	for (int i = 1; i <= 3000; i++) {
		char text[96];
		struct isolate_cap *cap = NULL;

		snprintf(text, sizeof(text), "connect:tcp:10.%d.%d.%d/32:%d-%d", i / 16384,
			 i / 64 % 256, i % 64 * 4, i, 65535 - i);
		ASSERT_EQ(0, isolate_cap_parse(text, &cap, NULL)) TH_LOG("%s", text);
		ASSERT_EQ(0, isolate_cell_policy_add(c, cap));
		isolate_cap_free(cap);
	}
	EXPECT_EQ(-E2BIG, isolate_compile(c, &img, &diag));
	EXPECT_EQ(NULL, img);
	EXPECT_STREQ("expected at most 65536 network rules (the size of the net_rules map), cell a needs more",
		     diag.msg);
	EXPECT_EQ(-E2BIG, isolate_cell_policy_normalize(c, &set));
	EXPECT_EQ(NULL, set);
	EXPECT_STREQ("expected at most 65536 network rules (the size of the net_rules map), cell a needs more",
		     isolate_last_error());
	isolate_cell_policy_free(c);
}

/* A denied tree too big to scan for hard links is refused, not half-scanned. */
TEST_F_TIMEOUT(tree, hard_link_scan_is_bounded, 300)
{
	static const char *const caps[] = { "read:T/work", "deny-read:T/big" };
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char want[PATH_MAX + 160];

	make_dir(_metadata, self->root, "big");
	for (int d = 0; d < 100; d++) {
		char dir[32];

		snprintf(dir, sizeof(dir), "big/%d", d);
		make_dir(_metadata, self->root, dir);
		for (int f = 0; f < 1000; f++) {
			char file[48];

			snprintf(file, sizeof(file), "big/%d/%d", d, f);
			make_file(_metadata, self->root, file);
		}
	}
	EXPECT_EQ(-E2BIG, compile_texts(self->root, caps, 2, 0, &img, &diag));
	snprintf(want, sizeof(want),
		 "expected denied trees of at most 100000 entries in all to scan for hard links, got more at %s/big",
		 self->root);
	EXPECT_STREQ(want, diag.msg);
}

TEST_F(tree, image_json_names_every_map)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, isolate_image_write_json(self->img, f, false));
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "\"capacity\":[{\"map\":\"inode_rules\",\"used\":7,\"size\":262144}"));
	EXPECT_NE(NULL, strstr(buf, "\"inode_rules\":[{\"dev\":"));
	EXPECT_NE(NULL, strstr(buf, "\"mode\":\"enforce\""));
	free(buf);
}

/* A unix socket at path (left bound: the node stays), or -1. */
static int bound_socket(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The kernel reaches a socket or a device (but the harmless few) only by
 * a rule on its node, and then by that entry's rights: a node's entry
 * carries its own rules' grants, none of a tree above it (a file's does),
 * and denies above it still hold. A rule on a node below a grant of the
 * same kind stays.
 */
TEST_F(tree, a_service_node_has_only_its_own_grants)
{
	const char *sock_read[] = { "write:T/work", "read:T/work/out/srv.sock", "read:T/work/data.txt" };
	const char *sock_write[] = { "write:T/work", "write:T/work/out/srv.sock" };
	const char *dev_read[] = { "write:/dev", "read:/dev/kmsg" };
	const char *dev_denied[] = { "read:/dev", "deny-write:/dev/kmsg" };
	char pty[64], pty_read[80];
	const char *pty_caps[] = { "write:/dev/pts", pty_read };
	int master, slave;
	const struct isolate_image_inode *e;
	struct isolate_diag diag = { 0 };
	struct isolate_image *img = NULL;
	int fd = bound_socket(at(self->root, "work/out/srv.sock"));
	struct stat st;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, compile_texts(self->root, sock_read, 3, ISOLATE_MODE_ENFORCE, &img, &diag))
		TH_LOG("%s", diag.msg);
	e = entry_of(img, at(self->root, "work/out/srv.sock"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R, e->rule.allow);
	e = entry_of(img, at(self->root, "work/data.txt"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R | W, e->rule.allow);
	isolate_image_free(img);

	ASSERT_EQ(0, compile_texts(self->root, sock_write, 2, ISOLATE_MODE_ENFORCE, &img, &diag))
		TH_LOG("%s", diag.msg);
	e = entry_of(img, at(self->root, "work/out/srv.sock"));
	ASSERT_NE(NULL, e);
	EXPECT_EQ(W, e->rule.allow);
	isolate_image_free(img);
	close(fd);

	/* Another session's pty is a service too: the kernel opens only the cell's own by the tree. */
	ASSERT_EQ(0, openpty(&master, &slave, pty, NULL, NULL));
	snprintf(pty_read, sizeof(pty_read), "read:%s", pty);
	ASSERT_EQ(0, compile_texts(self->root, pty_caps, 2, ISOLATE_MODE_ENFORCE, &img, &diag))
		TH_LOG("%s", diag.msg);
	e = entry_of(img, pty);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R, e->rule.allow);
	isolate_image_free(img);
	close(master);
	close(slave);

	if (stat("/dev/kmsg", &st) || !S_ISCHR(st.st_mode))
		SKIP(return, "no /dev/kmsg");
	ASSERT_EQ(0, compile_texts(self->root, dev_read, 2, ISOLATE_MODE_ENFORCE, &img, &diag))
		TH_LOG("%s", diag.msg);
	e = entry_of(img, "/dev/kmsg");
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R, e->rule.allow);
	isolate_image_free(img);

	ASSERT_EQ(0, compile_texts(self->root, dev_denied, 2, ISOLATE_MODE_ENFORCE, &img, &diag))
		TH_LOG("%s", diag.msg);
	e = entry_of(img, "/dev/kmsg");
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0U, e->rule.allow);
	isolate_image_free(img);
}

/*
 * A FIFO there when the policy is compiled is an outsider's (one a cell
 * makes later goes by the tree, which no compile sees): a service, as a
 * socket is. A grant of its directory does not open it; a rule on the
 * node does, with that rule's rights only.
 */
TEST_F(tree, a_fifo_is_a_service_node)
{
	const char *fifo_read[] = { "write:T/work", "read:T/work/out/cmd.fifo" };
	const char *fifo = at(self->root, "work/out/cmd.fifo");
	const struct isolate_image_inode *e;
	struct isolate_diag diag = { 0 };
	struct isolate_image *img = NULL;
	struct isolate_verdict v;

	ASSERT_EQ(0, mkfifo(fifo, 0600));
	/* Under write:T/work/out and read:T/work, the fixture's. */
	ASSERT_EQ(0, isolate_explain(self->img, ISOLATE_CAP_WRITE, fifo, &v, &diag))
		TH_LOG("%s", diag.msg);
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_FIFO_NOT_NAMED, (int)v.refused_because);
	ASSERT_EQ(0, isolate_explain(self->img, ISOLATE_CAP_READ, fifo, &v, &diag))
		TH_LOG("%s", diag.msg);
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_FIFO_NOT_NAMED, (int)v.refused_because);

	ASSERT_EQ(0, compile_texts(self->root, fifo_read, 2, ISOLATE_MODE_ENFORCE, &img, &diag))
		TH_LOG("%s", diag.msg);
	e = entry_of(img, fifo);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(R, e->rule.allow);
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_READ, fifo, &v, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_TRUE(v.allowed);
	ASSERT_EQ(0, isolate_explain(img, ISOLATE_CAP_WRITE, fifo, &v, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_FALSE(v.allowed);
	EXPECT_EQ(ISOLATE_VERDICT_BY_RULES, (int)v.refused_because);
	isolate_image_free(img);
}

TEST_HARNESS_MAIN
