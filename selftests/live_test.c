// SPDX-License-Identifier: GPL-2.0
/*
 * live: policy changes while the cell runs. A process in the cell opens a
 * file over and over while the test grants and revokes read on it, through
 * the library and through isolate-loader: every open either succeeds or
 * fails with EACCES, the outcome changes exactly when a change is made,
 * and an open begun after the change returned sees the new policy. A
 * grant killed with SIGKILL at any moment leaves the old generation or the
 * new one, whole, and a later load removes the rules it left behind.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lifecycle.h"

/* ---- grant and revoke under a loop of opens ---------------------------- */

#define LOOP_MAX (1 << 18)

struct open_record {
	uint64_t start, end;	/* CLOCK_MONOTONIC around the open */
	int err;		/* 0 or errno */
	int _pad;
};

/* Shared between the test and the looping child in the cell. */
struct open_log {
	int stop;
	long n;
	char path[256];
	struct open_record rec[LOOP_MAX];
};

static int open_loop(void *arg)
{
	struct open_log *log = arg;
	long n = 0;

	while (!__atomic_load_n(&log->stop, __ATOMIC_ACQUIRE) && n < LOOP_MAX) {
		struct open_record *r = &log->rec[n];
		int fd;

		r->start = now_ns();
		fd = open(log->path, O_RDONLY | O_CLOEXEC);
		r->err = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		r->end = now_ns();
		__atomic_store_n(&log->n, ++n, __ATOMIC_RELEASE);
	}
	return 0;
}

/* One change of the policy: when it was called, when it returned, and
 * the outcome of an open under the policy it made. */
struct change {
	uint64_t call, ret;
	int outcome;
};

/* Waits until count more opens have been recorded (up to 20 s). */
static bool wait_opens(struct open_log *log, long count)
{
	long target = __atomic_load_n(&log->n, __ATOMIC_ACQUIRE) + count + 1;
	uint64_t deadline = now_ns() + 20000000000ULL;

	while (__atomic_load_n(&log->n, __ATOMIC_ACQUIRE) < target) {
		if (now_ns() > deadline || target > LOOP_MAX)
			return false;
		sleep_ms(2);
	}
	return true;
}

/*
 * Every record against the changes: outcome 0 or EACCES only; before the
 * first change, initial; the states the sequence goes through only move
 * forward, one change at a time; an open that began after change k
 * returned sees change k or a later one, and one that ended before change
 * k was called does not see it. Returns the index of the first record
 * that breaks this, or -1; counts per phase the opens that saw only it.
 */
static long check_log(const struct open_log *log, const struct change *ch, size_t n_ch,
		      int initial, long settled[], char *why, size_t len)
{
	size_t state = 0;

	for (size_t k = 0; k <= n_ch; k++)
		settled[k] = 0;
	for (long i = 0; i < log->n; i++) {
		const struct open_record *r = &log->rec[i];
		size_t lo = 0, hi = 0, s;

		if (r->err != 0 && r->err != EACCES) {
			snprintf(why, len, "open #%ld failed with errno %d (%s)", i, r->err,
				 strerror(r->err));
			return i;
		}
		for (size_t k = 0; k < n_ch; k++) {
			if (ch[k].ret < r->start)
				lo = k + 1;
			if (ch[k].call < r->end)
				hi = k + 1;
		}
		for (s = lo > state ? lo : state; s <= hi; s++)
			if ((s ? ch[s - 1].outcome : initial) == r->err)
				break;
		if (s > hi) {
			snprintf(why, len,
				 "open #%ld (from %+.3f to %+.3f ms after the first change) got %d: "
				 "expected the outcome of change %zu..%zu, previous opens were at %zu",
				 i, ((double)r->start - (double)ch[0].call) / 1e6,
				 ((double)r->end - (double)ch[0].call) / 1e6, r->err, lo, hi, state);
			return i;
		}
		state = s;
		if (lo == hi)
			settled[lo]++;
	}
	return -1;
}

FIXTURE(live) {
	struct isolate *iso;
	struct open_log *log;
	pid_t looper;
	char root[64];
	char name[64];
	char target[256];	/* the file opened in the loop */
	char cap[300];		/* read:target */
};

FIXTURE_SETUP(live)
{
	char base[256], base_cap[300];
	const char *caps[] = { base_cap, NULL };

	ASSERT_EQ(0, test_load(&self->iso));
	strcpy(self->root, "/tmp/isolate-live-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(self->target, sizeof(self->target), "%s/target", self->root);
	ASSERT_EQ(0, write_file(self->target, "target\n"));
	snprintf(base, sizeof(base), "%s/base", self->root);
	ASSERT_EQ(0, write_file(base, "base\n"));
	snprintf(base_cap, sizeof(base_cap), "read:%s", base);
	snprintf(self->cap, sizeof(self->cap), "read:%s", self->target);
	snprintf(self->name, sizeof(self->name), "live%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));

	self->log = mmap(NULL, sizeof(*self->log), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->log);
	snprintf(self->log->path, sizeof(self->log->path), "%s", self->target);
}

FIXTURE_TEARDOWN(live)
{
	if (self->log && self->log != MAP_FAILED) {
		__atomic_store_n(&self->log->stop, 1, __ATOMIC_RELEASE);
		if (self->looper > 0)
			wait_status(self->looper);
		munmap(self->log, sizeof(*self->log));
	}
	if (self->iso) {
		EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name));
		isolate_close(self->iso);
	}
	EXPECT_EQ(0, remove_tree_cmd(self->root));
}

/* grant (true) or revoke self->cap, through the library or the CLI. */
static int change_cap(FIXTURE_DATA(live) *self, bool grant, bool via_cli)
{
	struct isolate_cap *cap = NULL;
	int err;

	if (via_cli)
		return cli(NULL, 0, grant ? "grant" : "revoke", self->name, self->cap, NULL);
	err = isolate_cap_parse(self->cap, &cap, NULL);
	if (!err)
		err = grant ? isolate_cell_grant(self->iso, self->name, &cap, 1) :
			      isolate_cell_revoke(self->iso, self->name, &cap, 1);
	isolate_cap_free(cap);
	return err;
}

#define CYCLES 2
#define OPENS_PER_PHASE 300

static void grant_revoke_under_load(struct __test_metadata *_metadata,
				    FIXTURE_DATA(live) *self, bool via_cli)
{
	struct change ch[2 * CYCLES];
	long settled[2 * CYCLES + 1], bad, counts[2] = { 0, 0 };
	struct isolate_cell_state st;
	char why[512];

	self->looper = spawn_in_cell(self->iso, self->name, open_loop, self->log);
	ASSERT_LT(0, self->looper);
	ASSERT_TRUE(wait_opens(self->log, OPENS_PER_PHASE));

	for (int k = 0; k < 2 * CYCLES; k++) {
		bool grant = !(k % 2);

		ch[k].outcome = grant ? 0 : EACCES;
		ch[k].call = now_ns();
		ASSERT_EQ(0, change_cap(self, grant, via_cli)) {
			TH_LOG("%s: %s", grant ? "grant" : "revoke", isolate_last_error());
		}
		ch[k].ret = now_ns();
		ASSERT_TRUE(wait_opens(self->log, OPENS_PER_PHASE));
	}
	__atomic_store_n(&self->log->stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(0, wait_status(self->looper));
	self->looper = 0;

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(1U + 2 * CYCLES, st.cell.generation);

	for (long i = 0; i < self->log->n; i++)
		counts[self->log->rec[i].err == 0]++;
	bad = check_log(self->log, ch, 2 * CYCLES, EACCES, settled, why, sizeof(why));
	EXPECT_EQ(-1, bad) {
		TH_LOG("%s", why);
	}
	/* Each policy was seen alone by many opens. */
	for (int k = 0; k <= 2 * CYCLES; k++) {
		EXPECT_LE(OPENS_PER_PHASE, settled[k]) {
			TH_LOG("phase %d: %ld opens", k, settled[k]);
		}
	}
	TH_LOG("%ld opens: %ld allowed, %ld EACCES; %s changes took %.1f..%.1f ms",
	       self->log->n, counts[1], counts[0], via_cli ? "CLI" : "library",
	       (double)(ch[0].ret - ch[0].call) / 1e6, (double)(ch[1].ret - ch[1].call) / 1e6);
}

/* Grants read of one path to the cell, through the CLI; its exit status. */
static int grant_one(void *arg)
{
	const char *const *argv = arg;

	return cli(NULL, 0, "grant", argv[0], argv[1], NULL);
}

/*
 * Two grants of different rights to one cell at the same moment, 50 times:
 * each that says it succeeded is in force (an open in the cell succeeds)
 * and in the kept policy (`cell show`). A change must start from the
 * generation the other left, not from the one both read.
 */
#define PAIRS 50

TEST_F_TIMEOUT(live, concurrent_grants_are_all_kept, 240)
{
	static char paths[2 * PAIRS][300], caps[2 * PAIRS][310];
	char show[1 << 16];

	for (int i = 0; i < 2 * PAIRS; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/f%d", self->root, i);
		ASSERT_EQ(0, write_file(paths[i], "x\n"));
		snprintf(caps[i], sizeof(caps[i]), "read:%.300s", paths[i]);
	}
	for (int pair = 0; pair < PAIRS; pair++) {
		const char *a[2] = { self->name, caps[2 * pair] };
		const char *b[2] = { self->name, caps[2 * pair + 1] };
		pid_t pa = fork(), pb;

		ASSERT_LE(0, pa);
		if (!pa)
			_exit(grant_one(a));
		pb = fork();
		ASSERT_LE(0, pb);
		if (!pb)
			_exit(grant_one(b));
		EXPECT_EQ(0, wait_status(pa));
		EXPECT_EQ(0, wait_status(pb));
	}
	ASSERT_EQ(0, cli(show, sizeof(show), "cell", "show", self->name, NULL));
	for (int i = 0; i < 2 * PAIRS; i++) {
		EXPECT_NE(NULL, strstr(show, paths[i])) {
			TH_LOG("%s is not in the kept policy", caps[i]);
		}
		struct open_args o = { paths[i], O_RDONLY };

		EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &o, NULL)) {
			TH_LOG("%s is not in force", caps[i]);
		}
	}
}

TEST_F_TIMEOUT(live, grant_revoke_under_open_loop, 60)
{
	grant_revoke_under_load(_metadata, self, false);
}

TEST_F_TIMEOUT(live, cli_grant_revoke_under_open_loop, 60)
{
	grant_revoke_under_load(_metadata, self, true);
}

/*
 * The handle that made a change remembers the policy it wrote; another
 * handle reads the kept file. Both give the same capabilities in the same
 * order, whatever order the change named them in.
 */
TEST_F(live, policy_reads_the_same_from_the_changer_and_the_file)
{
	struct isolate_cell_policy *remembered = NULL, *read = NULL;
	struct isolate_cap *caps[3] = { NULL };
	struct isolate *other = NULL;
	char texts[3][300];

	snprintf(texts[0], sizeof(texts[0]), "exec:/bin");
	snprintf(texts[1], sizeof(texts[1]), "deny-read:%s", self->target);
	snprintf(texts[2], sizeof(texts[2]), "read:%s", self->root);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, isolate_cap_parse(texts[i], &caps[i], NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, self->name, caps, 3)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &remembered));
	ASSERT_EQ(0, isolate_open(&other));
	ASSERT_EQ(0, isolate_cell_policy_get(other, self->name, &read));
	ASSERT_EQ(4U, isolate_cell_policy_cap_count(read));
	ASSERT_EQ(isolate_cell_policy_cap_count(read), isolate_cell_policy_cap_count(remembered));
	for (size_t i = 0; i < isolate_cell_policy_cap_count(read); i++) {
		char a[300], b[300];

		isolate_cap_format(isolate_cell_policy_cap(remembered, i), a, sizeof(a));
		isolate_cap_format(isolate_cell_policy_cap(read, i), b, sizeof(b));
		EXPECT_STREQ(b, a);
	}
	isolate_cell_policy_free(remembered);
	isolate_cell_policy_free(read);
	isolate_close(other);
	for (int i = 0; i < 3; i++)
		isolate_cap_free(caps[i]);
}

/* ---- grant killed with SIGKILL ------------------------------------------ */

#define NEW_FILES 250	/* isolate-loader grant takes up to 256 */
#define OLD_PIDS "pids:64"
#define NEW_PIDS "pids:32"

FIXTURE(killed) {
	struct isolate *iso;
	struct map_counts base;		/* before the cell existed */
	long own_inodes;		/* inode_rules entries a generation has beyond its image's */
	struct isolate_cell_policy *old_pol, *new_pol;
	char root[64];
	char name[64];
	char caps[NEW_FILES][128];	/* read:$TMP/new/fNNN */
};

FIXTURE_SETUP(killed)
{
	char path[256], both_cap[192];
	const char *old_caps[] = { both_cap, OLD_PIDS, NULL };
	const char *new_caps[NEW_FILES + 3];

	ASSERT_EQ(0, test_load(&self->iso));
	strcpy(self->root, "/tmp/isolate-kill-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(path, sizeof(path), "%s/new", self->root);
	ASSERT_EQ(0, mkdir(path, 0755));
	for (int i = 0; i < NEW_FILES; i++) {
		snprintf(path, sizeof(path), "%s/new/f%03d", self->root, i);
		ASSERT_EQ(0, write_file(path, "new\n"));
		snprintf(self->caps[i], sizeof(self->caps[i]), "read:%s/new/f%03d", self->root, i);
		new_caps[i + 1] = self->caps[i];
	}
	snprintf(path, sizeof(path), "%s/both", self->root);
	ASSERT_EQ(0, write_file(path, "both\n"));
	snprintf(path, sizeof(path), "%s/never", self->root);
	ASSERT_EQ(0, write_file(path, "never\n"));
	snprintf(both_cap, sizeof(both_cap), "read:%s/both", self->root);
	new_caps[0] = both_cap;
	new_caps[NEW_FILES + 1] = NEW_PIDS;	/* a budget replaces the old one */
	new_caps[NEW_FILES + 2] = NULL;

	snprintf(self->name, sizeof(self->name), "kill%d", getpid());
	ASSERT_EQ(0, map_counts(self->iso, &self->base));
	self->old_pol = test_policy(self->name, old_caps);
	self->new_pol = test_policy(self->name, new_caps);
	ASSERT_NE(NULL, self->old_pol);
	ASSERT_NE(NULL, self->new_pol);
	ASSERT_EQ(0, isolate_cell_create(self->iso, self->name, self->old_pol, NULL));

	/* What isolate adds to every generation (the cell's channel ...). */
	struct isolate_image *img = NULL;
	struct map_counts now;

	ASSERT_EQ(0, isolate_compile(self->old_pol, &img, NULL));
	ASSERT_EQ(0, map_counts(self->iso, &now));
	self->own_inodes = now.inode_rules - self->base.inode_rules - (long)img->n_inodes;
	isolate_image_free(img);
	ASSERT_LE(0, self->own_inodes);
}

FIXTURE_TEARDOWN(killed)
{
	char specs[PATH_MAX], prefix[72];

	if (self->iso) {
		EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name));
		isolate_close(self->iso);
	}
	/* No kept policy of the cell is left, not even from a killed writer. */
	spec_dir(specs, sizeof(specs));
	snprintf(prefix, sizeof(prefix), "%s.", self->name);
	EXPECT_EQ(0, dir_entries(specs, prefix, false));
	isolate_cell_policy_free(self->old_pol);
	isolate_cell_policy_free(self->new_pol);
	EXPECT_EQ(0, remove_tree_cmd(self->root));
}

/* Decisions of the kernel, from inside the cell. */
enum {
	NEW_NONE = 0,		/* no new file opens: the old policy */
	NEW_ALL = 1,		/* every new file opens: the new policy */
	NEW_SOME = 2,		/* a mix */
	BOTH_REFUSED = 3,	/* the file both policies grant did not open */
	NEVER_OPENED = 4,	/* the file neither grants opened */
	ODD_ERRNO = 5,		/* an errno other than EACCES */
};

static int decisions(void *arg)
{
	const char *root = arg;
	char path[256];
	int opened = 0, err;
	struct open_args a = { path, O_RDONLY };

	snprintf(path, sizeof(path), "%s/both", root);
	if ((err = open_errno(&a)))
		return err == EACCES ? BOTH_REFUSED : ODD_ERRNO;
	snprintf(path, sizeof(path), "%s/never", root);
	if ((err = open_errno(&a)) != EACCES)
		return err ? ODD_ERRNO : NEVER_OPENED;
	for (int i = 0; i < NEW_FILES; i++) {
		snprintf(path, sizeof(path), "%s/new/f%03d", root, i);
		err = open_errno(&a);
		if (err && err != EACCES)
			return ODD_ERRNO;
		opened += !err;
	}
	return !opened ? NEW_NONE : opened == NEW_FILES ? NEW_ALL : NEW_SOME;
}

/* Starts `isolate-loader grant NAME CAP...` with every new capability. */
static pid_t start_grant(FIXTURE_DATA(killed) *self)
{
	const char *argv[NEW_FILES + 5] = { loader_path(), "grant", self->name, NEW_PIDS };
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	pid_t pid;

	for (int i = 0; i < NEW_FILES; i++)
		argv[4 + i] = self->caps[i];
	argv[NEW_FILES + 4] = NULL;
	pid = spawn_argv(argv, NULL, -1, null);
	close(null);
	return pid;
}

/*
 * After a grant that may have been killed: the cell is at the old
 * generation or the next one, and the kernel, the kept policy and the
 * generation agree. Back to the old policy for the next round.
 * Returns 1 if the grant had taken effect, 0 if not, -1 on failure.
 */
static int check_old_or_new(struct __test_metadata *_metadata,
			    FIXTURE_DATA(killed) *self, __u32 gen0, long delay_us)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state st;
	char pids[32] = "";
	bool same;
	int d, took;

	if (isolate_cell_get(self->iso, self->name, &st)) {
		TH_LOG("killed after %ld us: %s", delay_us, isolate_last_error());
		return -1;
	}
	if (st.cell.generation != gen0 && st.cell.generation != gen0 + 1) {
		TH_LOG("killed after %ld us: generation %u, was %u", delay_us,
		       st.cell.generation, gen0);
		return -1;
	}
	took = st.cell.generation == gen0 + 1;
	d = run_in_cell(self->iso, self->name, decisions, self->root, NULL);
	if (d != (took ? NEW_ALL : NEW_NONE)) {
		TH_LOG("killed after %ld us: generation %u (was %u), but the kernel decides %d",
		       delay_us, st.cell.generation, gen0, d);
		return -1;
	}
	/* The budget is the one of the generation in force too. */
	if (cell_cgroup_read(self->iso, self->name, "pids.max", pids, sizeof(pids)) < 0 ||
	    strcmp(pids, took ? "32\n" : "64\n")) {
		TH_LOG("killed after %ld us: generation %u (was %u), but pids.max is %s",
		       delay_us, st.cell.generation, gen0, pids);
		return -1;
	}
	if (isolate_cell_policy_get(self->iso, self->name, &pol)) {
		TH_LOG("killed after %ld us: %s", delay_us, isolate_last_error());
		return -1;
	}
	same = isolate_cell_policy_equal(took ? self->new_pol : self->old_pol, pol);
	isolate_cell_policy_free(pol);
	if (!same) {
		TH_LOG("killed after %ld us: the kept policy of generation %u is not the %s one",
		       delay_us, st.cell.generation, took ? "new" : "old");
		return -1;
	}
	if (took && isolate_cell_update(self->iso, self->name, self->old_pol)) {
		TH_LOG("back to the old policy: %s", isolate_last_error());
		return -1;
	}
	return took;
}

/*
 * What a killed change may leave: the state file WHAT of the generation
 * ahead of the one in force (*gen), holding text, at path. 0 or -1.
 */
static int leave_state_file(FIXTURE_DATA(killed) *self, __u32 ahead, const char *what,
			    const char *text, char *path, size_t len, __u32 *gen)
{
	struct isolate_cell_state st;

	if (isolate_cell_get(self->iso, self->name, &st))
		return -1;
	*gen = st.cell.generation;
	state_file_path(path, len, self->name, *gen + ahead, what);
	return write_file(path, text) ? -1 : 0;
}

/*
 * What a change killed between its budgets and its switch leaves: the next
 * generation's kept policy pending and its budget already in the cgroup.
 * The next look at the cell puts back the budget of the generation in
 * force and drops the pending one, without waiting for a load.
 */
TEST_F(killed, next_look_settles_a_change_killed_before_its_switch)
{
	char pending[PATH_MAX], path[PATH_MAX], pids[32] = "";
	struct isolate_cell_state st;
	__u32 gen;

	ASSERT_EQ(0, leave_state_file(self, 1, "pending", "version: 1\n", pending,
				      sizeof(pending), &gen));
	snprintf(path, sizeof(path), "%s/%s/pids.max", isolate_cells_cgroup(self->iso), self->name);
	ASSERT_EQ(0, write_file(path, "32\n"));

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(gen, st.cell.generation);
	ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "pids.max", pids, sizeof(pids)));
	EXPECT_STREQ("64\n", pids);
	EXPECT_EQ(-1, access(pending, F_OK));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, check_old_or_new(_metadata, self, gen, -1));
}

/*
 * A change killed while it removed the generation it left can leave that
 * generation's bindings without its policy. A load finds them (any file
 * of another generation) and removes them; the cell is as it was.
 */
TEST_F(killed, load_removes_the_bindings_a_killed_change_left)
{
	char orphan[PATH_MAX];
	struct isolate_cell_state st;
	__u32 gen;

	ASSERT_EQ(0, leave_state_file(self, 7, "bind", "isolate-bindings 1\n", orphan,
				      sizeof(orphan), &gen));

	ASSERT_EQ(0, cli(NULL, 0, "load", NULL));
	EXPECT_EQ(-1, access(orphan, F_OK));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(gen, st.cell.generation);
	EXPECT_EQ(0, check_old_or_new(_metadata, self, gen, -1));
}

/* Entries of map (inode_rules or unix_rules: keys that begin with it) under ruleset. */
static long ruleset_entries(struct isolate *iso, const char *map, __u32 ruleset)
{
	union {
		struct isolate_inode_key inode;
		struct isolate_unix_key unix_name;
	} key, next;
	char path[PATH_MAX];
	bool first = true;
	long n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", isolate_pin_root(iso), ISOLATE_PIN_MAPS, map);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		n += key.inode.ruleset == ruleset;
	}
	close(fd);
	return n;
}

static long ruleset_inodes(struct isolate *iso, __u32 ruleset)
{
	return ruleset_entries(iso, "inode_rules", ruleset);
}

/*
 * A change writes into the cell's spare and keeps the ruleset it left as
 * the next spare: two rulesets take turns, each holding exactly the
 * generation it was last written for, and the kernel decides by the one
 * in force, also where the spare still holds the other policy's grants.
 */
TEST_F_TIMEOUT(killed, changes_take_turns_in_two_rulesets, 120)
{
	struct isolate_image *old_img = NULL, *new_img = NULL;
	struct isolate_cell_state st;
	__u32 a, b = 0;

	ASSERT_EQ(0, isolate_compile(self->old_pol, &old_img, NULL));
	ASSERT_EQ(0, isolate_compile(self->new_pol, &new_img, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(0U, st.cell.spare_ruleset);
	a = st.cell.ruleset;
	for (int round = 0; round < 6; round++) {
		bool to_new = round % 2 == 0;
		const struct isolate_image *now = to_new ? new_img : old_img;
		const struct isolate_image *was = to_new ? old_img : new_img;

		ASSERT_EQ(0, isolate_cell_update(self->iso, self->name,
						 to_new ? self->new_pol : self->old_pol))
			TH_LOG("%s", isolate_last_error());
		ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
		if (round == 0)
			b = st.cell.ruleset;
		EXPECT_EQ(round % 2 ? a : b, st.cell.ruleset) TH_LOG("round %d", round);
		EXPECT_EQ(round % 2 ? b : a, st.cell.spare_ruleset) TH_LOG("round %d", round);
		EXPECT_EQ((long)now->n_inodes + self->own_inodes,
			  ruleset_inodes(self->iso, st.cell.ruleset)) TH_LOG("round %d", round);
		EXPECT_EQ((long)was->n_inodes + self->own_inodes,
			  ruleset_inodes(self->iso, st.cell.spare_ruleset)) TH_LOG("round %d", round);
		EXPECT_EQ(to_new ? NEW_ALL : NEW_NONE,
			  run_in_cell(self->iso, self->name, decisions, self->root, NULL))
			TH_LOG("round %d", round);
	}
	EXPECT_NE(a, b);
	isolate_image_free(old_img);
	isolate_image_free(new_img);
}

/* For a failure: the inode_rules entries per ruleset, and the cell's. */
static void log_rulesets(struct isolate *iso, const char *cell)
{
	struct { __u32 ruleset; long n; } seen[64];
	struct isolate_inode_key key, next;
	struct isolate_cell_state st;
	char path[PATH_MAX];
	int fd, n_seen = 0;
	bool first = true;

	snprintf(path, sizeof(path), "%s/%s/inode_rules", isolate_pin_root(iso), ISOLATE_PIN_MAPS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		int i;

		first = false;
		key = next;
		for (i = 0; i < n_seen && seen[i].ruleset != key.ruleset; i++)
			;
		if (i == n_seen && n_seen < 64)
			seen[n_seen++] = (typeof(seen[0])){ key.ruleset, 0 };
		if (i < n_seen)
			seen[i].n++;
	}
	close(fd);
	for (int i = 0; i < n_seen; i++)
		fprintf(stderr, "# inode_rules: ruleset %u holds %ld entries\n",
			seen[i].ruleset, seen[i].n);
	if (!isolate_cell_get(iso, cell, &st))
		fprintf(stderr, "# cell %s: generation %u, ruleset %u, spare %u\n", cell,
			st.cell.generation, st.cell.ruleset, st.cell.spare_ruleset);
}

/*
 * SIGKILL to pid after delay_us, unless it exited before; its exit
 * status either way.
 */
static int kill_after(pid_t pid, long delay_us)
{
	uint64_t deadline = now_ns() + (uint64_t)delay_us * 1000;
	int status;

	for (uint64_t now = now_ns(); now < deadline; now = now_ns()) {
		/* Read the clock once: a second read can be past the deadline. */
		uint64_t left_us = (deadline - now) / 1000;

		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(left_us > 1000 ? 1000 : (useconds_t)left_us);
	}
	kill(pid, SIGKILL);
	return wait_status(pid);
}

#define KILL_ROUNDS 12

TEST_F_TIMEOUT(killed, grant_killed_leaves_old_or_new_generation, 240)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_image *img = NULL;
	struct isolate_cell_state st;
	struct map_counts now;
	uint64_t t0, full_us;
	int took[2] = { 0, 0 }, r;
	pid_t pid;

	/* An uninterrupted grant, to know how long one takes. */
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	t0 = now_ns();
	pid = start_grant(self);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_status(pid));
	full_us = (now_ns() - t0) / 1000;
	ASSERT_EQ(1, check_old_or_new(_metadata, self, st.cell.generation, -1));

	/*
	 * Then killed at points spread over that time, and a little beyond;
	 * grants take longer on a busy host, so later kills are added until
	 * one came too late to stop the switch.
	 */
	for (int k = 0; k < KILL_ROUNDS || (!took[1] && k < KILL_ROUNDS + 8); k++) {
		long delay_us = (long)(full_us * k / (KILL_ROUNDS - 2));

		if (k >= KILL_ROUNDS)
			delay_us = (long)(full_us * (k - KILL_ROUNDS + 2) / 2);

		ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
		pid = start_grant(self);
		ASSERT_LT(0, pid);
		r = kill_after(pid, delay_us);
		ASSERT_TRUE(r == 128 + SIGKILL || r == 0) {
			TH_LOG("grant exited with %d", r);
		}
		r = check_old_or_new(_metadata, self, st.cell.generation, delay_us);
		ASSERT_LE(0, r);
		took[r]++;
	}
	TH_LOG("a whole grant took %lu us; killed ones left the old generation %d times, "
	       "the new one %d times", (unsigned long)full_us, took[0], took[1]);
	/* Both ends were reached: kills before the switch and after it. */
	EXPECT_LT(0, took[0]);
	EXPECT_LT(0, took[1]);

	/* A load collects what killed writers left: one generation remains. */
	ASSERT_EQ(0, cli(NULL, 0, "load", NULL));
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &pol));
	ASSERT_EQ(0, isolate_compile(pol, &img, NULL));
	ASSERT_EQ(0, map_counts(self->iso, &now));
	EXPECT_EQ(self->base.cells + 1, now.cells);
	/* The generation in force, whole, and the spare: no third ruleset. */
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ((long)img->n_inodes + self->own_inodes,
		  ruleset_inodes(self->iso, st.cell.ruleset));
	EXPECT_EQ(self->base.inode_rules + ruleset_inodes(self->iso, st.cell.ruleset) +
		  ruleset_inodes(self->iso, st.cell.spare_ruleset), now.inode_rules) {
		log_rulesets(self->iso, self->name);
	}
	EXPECT_EQ(self->base.net_rules + (long)img->n_net, now.net_rules);
	isolate_image_free(img);
	isolate_cell_policy_free(pol);

	/* Still enforced, and still changeable. */
	EXPECT_EQ(NEW_NONE, run_in_cell(self->iso, self->name, decisions, self->root, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	pid = start_grant(self);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, wait_status(pid));
	EXPECT_EQ(1, check_old_or_new(_metadata, self, st.cell.generation, -1));
}

/* Cell name granted n abstract unix names, from @<name>-<first>. */
static int unix_names_cell(struct isolate *iso, const char *name, int first, int n, bool update)
{
	char **caps = calloc((size_t)n + 1, sizeof(*caps));
	struct isolate_cell_policy *pol = NULL;
	int err = -ENOMEM;

	for (int i = 0; caps && i < n; i++)
		if (asprintf(&caps[i], "unix-connect:@%s-%d", name, first + i) < 0)
			goto out;
	if (!caps)
		return err;
	pol = test_policy(name, (const char *const *)caps);
	err = !pol ? -EINVAL :
	      update ? isolate_cell_update(iso, name, pol) : isolate_cell_create(iso, name, pol, NULL);
out:
	for (int i = 0; caps && i < n; i++)
		free(caps[i]);
	free(caps);
	isolate_cell_policy_free(pol);
	return err;
}

/*
 * A change that fails, here because the rules map is full, leaves the
 * generation in force and gives back the room it took in its spare: the
 * other cells' changes go on. (unix_rules holds 4,096 entries.)
 */
TEST_F_TIMEOUT(killed, a_failed_change_gives_its_room_back, 120)
{
	static const char *const cells[] = { "room-big", "room-small", "room-third" };
	struct isolate_cell_state before, after;

	ASSERT_EQ(0, unix_names_cell(self->iso, "room-big", 0, 2500, false));
	ASSERT_EQ(0, unix_names_cell(self->iso, "room-small", 0, 1, false));
	ASSERT_EQ(0, unix_names_cell(self->iso, "room-small", 1, 1, true));
	ASSERT_EQ(0, isolate_cell_get(self->iso, "room-small", &before));
	ASSERT_NE(0U, before.cell.spare_ruleset);

	/* 2,500 + 1 in force + 2,000 in the spare: past the map's end. */
	EXPECT_NE(0, unix_names_cell(self->iso, "room-small", 2, 2000, true));
	ASSERT_EQ(0, isolate_cell_get(self->iso, "room-small", &after));
	EXPECT_EQ(before.cell.generation, after.cell.generation);
	EXPECT_EQ(before.cell.ruleset, after.cell.ruleset);
	EXPECT_EQ(1, ruleset_entries(self->iso, "unix_rules", after.cell.ruleset));
	EXPECT_EQ(0, ruleset_entries(self->iso, "unix_rules", after.cell.spare_ruleset));

	/* Room for another cell of 1,500 names (2,500 + 1 + 1,500 fit). */
	EXPECT_EQ(0, unix_names_cell(self->iso, "room-third", 0, 1500, false))
		TH_LOG("%s", isolate_last_error());
	/* The failed cell changes again, its spare written whole. */
	EXPECT_EQ(0, unix_names_cell(self->iso, "room-small", 3, 2, true))
		TH_LOG("%s", isolate_last_error());
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		isolate_cell_destroy(self->iso, cells[i]);
}

TEST_HARNESS_MAIN
