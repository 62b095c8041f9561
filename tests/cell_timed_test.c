// SPDX-License-Identifier: GPL-2.0
/*
 * Timed grants (the broker's) on a fake load (tests/fake_load.h): a
 * grant's path stays on the object it was granted on across `unload
 * --force` and `load`, whatever the cell put at the path since; one held
 * without a binding is dropped, not bound afresh; and a timed grant
 * brings the sockets it needs, as a grant does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "text_file.h"
#include "tree_util.h"
#include "fake_load.h"

#define CELL "agent"

FIXTURE(loaded) {
	struct fake_env env;
	char dir[64];		/* the cell's files */
	bool dir_made;
	char x[128], secret[128];
	ino_t x_ino, secret_ino;
	struct isolate *iso;
};

static struct isolate_cap *cap(const char *fmt, const char *arg)
{
	struct isolate_diag diag = { 0 };
	struct isolate_cap *c = NULL;
	char text[512];

	snprintf(text, sizeof(text), fmt, arg);
	return isolate_cap_parse(text, &c, &diag) ? NULL : c;
}

static ino_t ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_ino;
}

FIXTURE_SETUP(loaded)
{
	struct isolate_cell_policy *pol;
	struct isolate_cap *write_data;
	char data[96];
	int err;

	self->iso = NULL;
	err = fake_env_up(&self->env);
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	strcpy(self->dir, "/tmp/isolate-timed.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->dir_made = true;
	snprintf(data, sizeof(data), "%s/data", self->dir);
	snprintf(self->x, sizeof(self->x), "%s/x", data);
	snprintf(self->secret, sizeof(self->secret), "%s/secret", self->dir);
	ASSERT_EQ(0, mkdir(data, 0755));
	ASSERT_EQ(0, write_text_file(self->x, "data\n", 0644));
	ASSERT_EQ(0, write_text_file(self->secret, "secret\n", 0644));
	self->x_ino = ino_of(self->x);
	self->secret_ino = ino_of(self->secret);
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	/* The cell may write where the broker grants it reads: it can swap x. */
	pol = isolate_cell_policy_new(CELL);
	write_data = cap("write:%s", data);
	ASSERT_NE(NULL, write_data);
	ASSERT_EQ(0, isolate_cell_policy_add(pol, write_data));
	ASSERT_EQ(0, isolate_cell_create(self->iso, CELL, pol, NULL)) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(write_data);
	isolate_cell_policy_free(pol);
}

FIXTURE_TEARDOWN(loaded)
{
	fake_env_close(&self->env, self->iso, CELL);
	if (self->dir_made)
		EXPECT_EQ(0, remove_tree(self->dir)) TH_LOG("cannot remove %s", self->dir);
}

/* What the broker does: grant read on the object it opened, for a minute. */
static int broker_grant_x(FIXTURE_DATA(loaded) *self)
{
	struct isolate_cap *read_x = cap("read:%s", self->x);
	int fd = open(self->x, O_RDONLY | O_CLOEXEC), err;

	if (!read_x || fd < 0)
		return -EINVAL;
	err = isolate_cell_grant_at(self->iso, CELL, read_x, fd, 60);
	close(fd);
	isolate_cap_free(read_x);
	return err;
}

/* The cell puts a link to what it may not read where the grant was. */
static int swap_x_for_a_link(FIXTURE_DATA(loaded) *self)
{
	if (unlink(self->x) || symlink(self->secret, self->x))
		return -errno;
	return 0;
}

/* Any other change of the cell (another broker grant, say). */
static int change_something_else(FIXTURE_DATA(loaded) *self)
{
	struct isolate_cap *other = cap("connect:tcp:%s/32:443", "192.0.2.1");
	int err = other ? isolate_cell_grant(self->iso, CELL, &other, 1) : -EINVAL;

	isolate_cap_free(other);
	return err;
}

struct found {
	const char *path;
	__u64 ino;
	bool seen;
};

static int find_binding(const struct isolate_path_binding *b, void *ctx)
{
	struct found *f = ctx;

	if (!strcmp(b->path, f->path)) {
		f->ino = b->ino;
		f->seen = true;
	}
	return 0;
}

/* The allow bits of the cell's rules on inode ino in its ruleset in force, or -1. */
static int rule_on(FIXTURE_DATA(loaded) *self, ino_t ino)
{
	struct isolate_inode_key key, next, *at = NULL;
	struct isolate_inode_rule rule;
	struct isolate_cell_state st;
	char path[PATH_MAX];
	int fd, allow = -1;

	if (isolate_cell_get(self->iso, CELL, &st))
		return -2;
	fake_pin_path(self->env.bpffs, ISOLATE_PIN_MAPS, "inode_rules", path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -2;
	while (!bpf_map_get_next_key(fd, at, &next)) {
		key = next;
		at = &key;
		if (key.ruleset == st.cell.ruleset && key.ino == ino &&
		    !bpf_map_lookup_elem(fd, &key, &rule))
			allow = (int)rule.allow;
	}
	close(fd);
	return allow;
}

/*
 * `unload --force`, then `load`: the cgroup and the kept files survive,
 * the maps do not; load adopts the cell from what was kept.
 */
static int reload(FIXTURE_DATA(loaded) *self)
{
	int err = fake_unload(self->env.bpffs) ?: fake_load(self->env.bpffs, self->env.cells_cgid);

	isolate_close(self->iso);
	self->iso = NULL;
	return err ?: isolate_load(&self->iso, NULL);
}

/*
 * The broker granted read on x; the cell swapped x for a link to a file
 * it may not read; the admin reloaded. The grant was re-created from the
 * kept files without x's binding, so the next change bound x afresh,
 * through the link: the grant moved onto the secret.
 */
TEST_F(loaded, a_broker_grant_stays_on_its_object_across_unload_and_load)
{
	struct found x = { .path = self->x };

	ASSERT_EQ(0, broker_grant_x(self)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, swap_x_for_a_link(self));
	ASSERT_EQ(0, reload(self)) TH_LOG("%s", isolate_last_error());

	ASSERT_EQ(0, isolate_cell_bindings(self->iso, CELL, find_binding, &x));
	EXPECT_TRUE(x.seen);
	EXPECT_EQ(self->x_ino, x.ino);
	ASSERT_EQ(0, change_something_else(self)) TH_LOG("%s", isolate_last_error());
	x.seen = false;
	ASSERT_EQ(0, isolate_cell_bindings(self->iso, CELL, find_binding, &x));
	EXPECT_TRUE(x.seen);
	EXPECT_EQ(self->x_ino, x.ino);
	EXPECT_EQ(-1, rule_on(self, self->secret_ino));
	EXPECT_EQ(ISOLATE_ACCESS_READ, rule_on(self, self->x_ino) & ISOLATE_ACCESS_READ);
}

/* The kept bindings of the cell's generation in force, without the line of path. */
static int lose_binding(FIXTURE_DATA(loaded) *self, const char *path)
{
	struct isolate_cell_state st;
	char file[PATH_MAX], line[PATH_MAX * 2], mark[PATH_MAX];
	char *kept = NULL;
	size_t len = 0;
	FILE *in, *out;
	int err = isolate_cell_get(self->iso, CELL, &st);

	if (err)
		return err;
	snprintf(file, sizeof(file), "%s/cells/%s.%u.bind", self->env.state, CELL,
		 st.cell.generation);
	snprintf(mark, sizeof(mark), " %s ", path);
	in = fopen(file, "r");
	out = open_memstream(&kept, &len);
	while (in && out && fgets(line, sizeof(line), in))
		if (!strstr(line, mark))
			fputs(line, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	err = in && kept ? write_text_file(file, kept, 0644) : -ENOENT;
	free(kept);
	return err;
}

/*
 * What a `load` of an earlier libisolate left: the timed grant kept, its
 * binding not. The next change drops the grant and says so: bound afresh,
 * the path would lead through the cell's link.
 */
TEST_F(loaded, a_held_timed_grant_without_its_binding_is_dropped)
{
	char timed[PATH_MAX];
	struct isolate_cell_state before, after;

	ASSERT_EQ(0, broker_grant_x(self)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, lose_binding(self, self->x));
	ASSERT_EQ(0, swap_x_for_a_link(self));
	/* Not the handle's copy of the bindings: the kept ones. */
	isolate_close(self->iso);
	ASSERT_EQ(0, isolate_open(&self->iso));
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &before));

	EXPECT_EQ(-ESTALE, change_something_else(self));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "the timed grant read:")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NE(NULL, strstr(isolate_last_error(), "/data/x was dropped: "));
	/* The change is made, without the grant. */
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &after));
	EXPECT_EQ(before.cell.generation + 1, after.cell.generation);
	EXPECT_EQ(0ULL, after.cell.expires_ns);
	EXPECT_EQ(-1, rule_on(self, self->secret_ino));
	snprintf(timed, sizeof(timed), "%s/cells/%s.timed", self->env.state, CELL);
	EXPECT_EQ(-1, access(timed, F_OK));
	/* Said once: the next change has nothing to drop. */
	EXPECT_EQ(0, change_something_else(self)) TH_LOG("%s", isolate_last_error());
}

/* A rebind binds every path afresh, a timed grant's too: nothing is dropped. */
TEST_F(loaded, a_rebind_binds_a_held_timed_grant_afresh)
{
	struct isolate_cell_state st;

	ASSERT_EQ(0, broker_grant_x(self)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, lose_binding(self, self->x));
	isolate_close(self->iso);
	ASSERT_EQ(0, isolate_open(&self->iso));

	EXPECT_EQ(0, isolate_cell_rebind(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &st));
	EXPECT_NE(0ULL, st.cell.expires_ns);
	EXPECT_EQ(ISOLATE_ACCESS_READ, rule_on(self, self->x_ino) & ISOLATE_ACCESS_READ);
}

#define FAMILY(f) (1ULL << (f))

/*
 * A cell without sockets of its own (`--base none`): a grant of connect
 * or of an abstract name brings the sockets it needs, timed or not; a
 * timed one was answered granted and its socket() refused.
 */
TEST_F(loaded, a_timed_grant_brings_its_sockets)
{
	struct isolate_cap *connect = cap("connect:tcp:%s/32:443", "192.0.2.1");
	struct isolate_cap *abstract = cap("unix-connect:@%s", "bus");
	struct isolate_cell_state st;

	ASSERT_NE(NULL, connect);
	ASSERT_NE(NULL, abstract);
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &st));
	ASSERT_EQ(0ULL, st.cell.socket_families & (FAMILY(AF_INET) | FAMILY(AF_UNIX)));

	ASSERT_EQ(0, isolate_cell_grant_timed(self->iso, CELL, &connect, 1, 60)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &st));
	EXPECT_EQ(FAMILY(AF_INET) | FAMILY(AF_INET6),
		  st.cell.socket_families & (FAMILY(AF_INET) | FAMILY(AF_INET6)));
	ASSERT_EQ(0, isolate_cell_grant_timed(self->iso, CELL, &abstract, 1, 60)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &st));
	EXPECT_EQ(FAMILY(AF_UNIX), st.cell.socket_families & FAMILY(AF_UNIX));
	isolate_cap_free(connect);
	isolate_cap_free(abstract);
}

/*
 * The broker's grant on the object it opened is refused, as the compiler
 * refuses the path, where the file system may number the object anew
 * (a sysctl): the grant would stop holding once the kernel forgets it.
 * Nothing changes.
 */
TEST_F(loaded, a_broker_grant_on_an_object_numbered_anew_is_refused)
{
	const char *sysctl = "/proc/sys/kernel/hostname";
	struct isolate_cap *read_it = cap("read:%s", sysctl);
	struct isolate_cell_state before, after;
	int fd = open(sysctl, O_RDONLY | O_CLOEXEC);

	ASSERT_NE(NULL, read_it);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &before));
	EXPECT_EQ(-EIDRM, isolate_cell_grant_at(self->iso, CELL, read_it, fd, 60));
	EXPECT_STREQ("/proc/sys/kernel/hostname is on procfs, which may number a file anew while it exists: a rule on it would stop matching once the kernel forgets the file, and a deny would not hold; put the rule on the directory it is mounted on, or above",
		     isolate_last_error());
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &after));
	EXPECT_EQ(before.cell.generation, after.cell.generation);
	close(fd);
	isolate_cap_free(read_it);
}

TEST_HARNESS_MAIN
