// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle: cells come and go without leaving anything behind, stay
 * enforced when no loader runs, survive snapshot/restore, recycle and an
 * `unload --force` followed by a load with every capability intact.
 *
 *   $TMP/
 *   ├── allowed         granted: read
 *   ├── denied
 *   ├── extra           granted live, before snapshots and unloads
 *   ├── f0 ... f99      one per cell of the hundred
 *   ├── tree/           granted: read (snapshot cells)
 *   │   ├── file
 *   │   └── secret      deny-read (paths variant)
 *   └── w/              granted: write (scripts write their results here)
 */
#include "kselftest_harness.h"
#include "lifecycle.h"

#define HUNDRED 100

FIXTURE(lifecycle) {
	struct isolate *iso;
	char root[64];
	char prefix[32];	/* every cell of this test starts with it */
	char name[64];
	char path[256];		/* scratch */
};

static void make_file(struct __test_metadata *_metadata, const char *root,
		      const char *rel, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ASSERT_EQ(0, write_file(path, text));
}

static void make_dir(struct __test_metadata *_metadata, const char *root, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ASSERT_EQ(0, mkdir(path, 0755));
}

FIXTURE_SETUP(lifecycle)
{
	ASSERT_EQ(0, test_load(&self->iso));
	strcpy(self->root, "/tmp/isolate-lc-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	make_file(_metadata, self->root, "allowed", "allowed\n");
	make_file(_metadata, self->root, "denied", "denied\n");
	make_file(_metadata, self->root, "extra", "extra\n");
	make_dir(_metadata, self->root, "w");
	snprintf(self->prefix, sizeof(self->prefix), "lc%d-", getpid());
	snprintf(self->name, sizeof(self->name), "%scell", self->prefix);
}

/* Destroys every cell this test made, whatever state it left them in. */
static void destroy_cells(struct __test_metadata *_metadata, struct isolate *iso,
			  const char *prefix)
{
	char names[HUNDRED + 8][256];
	DIR *d = opendir(isolate_cells_cgroup(iso));
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < HUNDRED + 8)
		if (de->d_type == DT_DIR && !strncmp(de->d_name, prefix, strlen(prefix)))
			snprintf(names[n++], sizeof(names[0]), "%s", de->d_name);
	if (d)
		closedir(d);
	for (int i = 0; i < n; i++) {
		EXPECT_EQ(0, isolate_cell_destroy(iso, names[i])) {
			TH_LOG("destroying %s: %s", names[i], isolate_last_error());
		}
	}
}

FIXTURE_TEARDOWN(lifecycle)
{
	if (self->iso) {
		destroy_cells(_metadata, self->iso, self->prefix);
		isolate_close(self->iso);
	}
	EXPECT_EQ(0, remove_tree_cmd(self->root));
}

/* Entries one generation of caps writes into inode_rules and net_rules. */
static int image_entries(const char *name, const char *const caps[], long *inodes, long *net)
{
	struct isolate_cell_policy *pol = test_policy(name, caps);
	struct isolate_image *img = NULL;
	int err = pol ? isolate_compile(pol, &img, NULL) : -EINVAL;

	if (!err) {
		*inodes = (long)img->n_inodes;
		*net = (long)img->n_net;
	}
	isolate_image_free(img);
	isolate_cell_policy_free(pol);
	return err;
}

/*
 * A hundred cells at once, each with its own file and port, each used,
 * then destroyed: the cgroups, the map entries, the kept policies and the
 * rulesets' key lists all go, and the maps hold what they held before,
 * also for the cells whose lists were lost (found by a scan instead).
 */
TEST_F_TIMEOUT(lifecycle, hundred_cells_leave_nothing_behind, 110)
{
	const char *cgroups = isolate_cells_cgroup(self->iso);
	struct map_counts before, during, after;
	long dirs_before, specs_before, channels_before, lists_before, inodes = 0, net = 0;
	long own = -1;
	char specs[PATH_MAX], channels[PATH_MAX], lists[PATH_MAX], file[HUNDRED][192];
	char read_cap[192];
	char connect_cap[64];
	const char *caps[] = { read_cap, connect_cap, NULL };
	struct isolate_cell_state st;

	spec_dir(specs, sizeof(specs));
	channels_path(channels, sizeof(channels));
	rulesets_path(lists, sizeof(lists));
	ASSERT_EQ(0, map_counts(self->iso, &before));
	lists_before = dir_entries(lists, "", false);
	dirs_before = dir_entries(cgroups, "", true);
	specs_before = dir_entries(specs, "", false);
	channels_before = dir_entries(channels, "", false);
	ASSERT_LE(0, dirs_before);
	ASSERT_LE(0, specs_before);
	ASSERT_LE(0, channels_before);

	for (int i = 0; i < HUNDRED; i++) {
		char rel[16], name[64];
		long ni, nn;

		snprintf(rel, sizeof(rel), "f%d", i);
		make_file(_metadata, self->root, rel, rel);
		snprintf(file[i], sizeof(file[i]), "%s/%s", self->root, rel);
		snprintf(read_cap, sizeof(read_cap), "read:%s/%s", self->root, rel);
		snprintf(connect_cap, sizeof(connect_cap), "connect:tcp:127.0.0.1/32:%d", 2000 + i);
		snprintf(name, sizeof(name), "%s%d", self->prefix, i);
		ASSERT_EQ(0, image_entries(name, caps, &ni, &nn));
		inodes += ni;
		net += nn;
		ASSERT_EQ(0, test_cell(self->iso, name, caps, &st));
		ASSERT_EQ(1U, st.cell.generation);
		if (own < 0) {
			/* What isolate adds to each cell's rules (its channel ...). */
			ASSERT_EQ(0, map_counts(self->iso, &during));
			own = during.inode_rules - before.inode_rules - ni;
			ASSERT_LE(0, own);
		}
	}

	ASSERT_EQ(0, map_counts(self->iso, &during));
	EXPECT_EQ(before.cells + HUNDRED, during.cells);
	EXPECT_EQ(before.inode_rules + inodes + HUNDRED * own, during.inode_rules);
	EXPECT_EQ(before.net_rules + net, during.net_rules);
	EXPECT_LT(0, net);
	EXPECT_EQ(dirs_before + HUNDRED, dir_entries(cgroups, "", true));
	EXPECT_EQ(HUNDRED, dir_entries(cgroups, self->prefix, true));
	/*
	 * Each cell's kept policy, what its paths are bound to, and its id
	 * (which outlives unload --force).
	 */
	EXPECT_EQ(3 * HUNDRED, dir_entries(specs, self->prefix, false));

	/* Each cell reads its own file and not its neighbour's. */
	for (int i = 0; i < HUNDRED; i++) {
		struct open_args own = { file[i], O_RDONLY };
		struct open_args other = { file[(i + 1) % HUNDRED], O_RDONLY };
		char name[64];

		snprintf(name, sizeof(name), "%s%d", self->prefix, i);
		ASSERT_EQ(0, run_in_cell(self->iso, name, open_errno, &own, NULL)) {
			TH_LOG("cell %s, own file", name);
		}
		ASSERT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &other, NULL)) {
			TH_LOG("cell %s, neighbour's file", name);
		}
	}

	/* One key list per ruleset; every other cell loses its own. */
	EXPECT_EQ(lists_before + HUNDRED, dir_entries(lists, "", false));
	for (int i = 0; i < HUNDRED; i += 2) {
		char name[64], list[PATH_MAX + 16];

		snprintf(name, sizeof(name), "%s%d", self->prefix, i);
		ASSERT_EQ(0, isolate_cell_get(self->iso, name, &st));
		snprintf(list, sizeof(list), "%s/%u", lists, st.cell.ruleset);
		EXPECT_EQ(0, unlink(list));
	}

	for (int i = 0; i < HUNDRED; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s%d", self->prefix, i);
		ASSERT_EQ(0, isolate_cell_destroy(self->iso, name)) {
			TH_LOG("%s: %s", name, isolate_last_error());
		}
		EXPECT_EQ(-ENOENT, isolate_cell_get(self->iso, name, &st));
	}

	ASSERT_EQ(0, map_counts(self->iso, &after));
	EXPECT_EQ(before.cells, after.cells);
	EXPECT_EQ(before.inode_rules, after.inode_rules);
	EXPECT_EQ(before.net_rules, after.net_rules);
	EXPECT_EQ(0, dir_entries(cgroups, self->prefix, true));
	EXPECT_EQ(dirs_before, dir_entries(cgroups, "", true));
	EXPECT_EQ(0, dir_entries(specs, self->prefix, false));
	EXPECT_EQ(specs_before, dir_entries(specs, "", false));
	EXPECT_EQ(0, dir_entries(channels, self->prefix, false));
	EXPECT_EQ(channels_before, dir_entries(channels, "", false));
	EXPECT_EQ(lists_before, dir_entries(lists, "", false));
}

/*
 * Loaded and configured by loader processes that have exited: a process
 * started in the cell afterwards is confined all the same.
 */
TEST_F(lifecycle, enforced_after_the_loader_exits)
{
	struct open_args allowed = { self->path, O_RDONLY };
	struct open_args denied = { NULL, O_RDONLY };
	struct open_args write = { self->path, O_WRONLY };
	char file[256], policy[512], denied_path[256], out[8192];
	struct isolate_cell_state st;

	snprintf(file, sizeof(file), "%s/policy.yaml", self->root);
	snprintf(policy, sizeof(policy),
		 "version: 1\ncells:\n  confined:\n    mode: enforce\n    read:\n      - %s/allowed\n",
		 self->root);
	ASSERT_EQ(0, write_file(file, policy));

	ASSERT_EQ(0, cli(out, sizeof(out), "load", NULL));
	ASSERT_EQ(0, cli(out, sizeof(out), "-j", "cell", "create", self->name,
			 "--policy", file, NULL));
	ASSERT_EQ(1, json_uint(out, "generation"));

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(1U, st.cell.generation);
	snprintf(self->path, sizeof(self->path), "%s/allowed", self->root);
	snprintf(denied_path, sizeof(denied_path), "%s/denied", self->root);
	denied.path = denied_path;
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &allowed, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &denied, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &write, NULL));
}

/*
 * What a cell's paths are bound to is kept in the state directory; a file
 * there that libisolate did not write refuses the next change, with its
 * name, and the cell stays as it was.
 */
TEST_F(lifecycle, malformed_bindings_refuse_a_change)
{
	char allowed[256], denied[256], allowed_cap[300], denied_cap[300], bindings[PATH_MAX];
	const char *caps[] = { allowed_cap, NULL };
	struct open_args denied_open = { denied, O_RDONLY };
	struct isolate_cap *cap = NULL;
	struct isolate_cell_state st;
	struct isolate *other = NULL;

	make_file(_metadata, self->root, "allowed", "allowed\n");
	make_file(_metadata, self->root, "denied", "denied\n");
	snprintf(allowed, sizeof(allowed), "%s/allowed", self->root);
	snprintf(denied, sizeof(denied), "%s/denied", self->root);
	snprintf(allowed_cap, sizeof(allowed_cap), "read:%s", allowed);
	snprintf(denied_cap, sizeof(denied_cap), "read:%s", denied);
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));
	state_file_path(bindings, sizeof(bindings), self->name, 1, "bind");
	ASSERT_EQ(0, write_file(bindings, "isolate-bindings 1\nnot a binding\n"));

	/* A new handle: the one that made the cell remembers the bindings it wrote. */
	ASSERT_EQ(0, isolate_open(&other));
	ASSERT_EQ(0, isolate_cap_parse(denied_cap, &cap, NULL));
	EXPECT_EQ(-EINVAL, isolate_cell_grant(other, self->name, &cap, 1));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "malformed")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NE(NULL, strstr(isolate_last_error(), ".1.bind"));
	isolate_cap_free(cap);
	isolate_close(other);
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(1U, st.cell.generation);
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &denied_open, NULL));
}

/* Polls for path to exist, up to ms milliseconds. */
static bool wait_for_file(const char *path, long ms)
{
	for (long waited = 0; waited < ms; waited += 20) {
		if (!access(path, F_OK))
			return true;
		sleep_ms(20);
	}
	return !access(path, F_OK);
}

/*
 * `run --cell` started a shell and was then killed with SIGKILL: the
 * shell, orphaned, still cannot open what the cell is denied, and still
 * can what it is granted.
 */
TEST_F(lifecycle, enforced_after_run_loader_is_killed)
{
	char read_cap[192], write_cap[192], script[1024], buf[512], path[256];
	const char *caps[] = { "exec:/bin", read_cap, write_cap, NULL };
	const char *argv[] = { loader_path(), "run", "--cell", self->name, "--",
			       "sh", "-c", script, NULL };
	struct open_args denied = { path, O_RDONLY };
	const char *r = self->root;
	pid_t loader;
	int i, null;

	snprintf(read_cap, sizeof(read_cap), "read:%s/allowed", r);
	snprintf(write_cap, sizeof(write_cap), "write:%s/w", r);
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));
	snprintf(script, sizeof(script),
		 "while [ ! -e %s/go ]; do sleep 0.05; done; "
		 "cat %s/denied >%s/w/out 2>%s/w/err; echo $? >%s/w/rc; "
		 "cat %s/allowed >%s/w/out2 2>&1; echo $? >%s/w/rc2; "
		 "exec sleep 100",
		 r, r, r, r, r, r, r, r);

	/* Nothing of ours held open by the shell that outlives the loader. */
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, null);
	loader = spawn_argv(argv, NULL, -1, null);
	close(null);
	ASSERT_LT(0, loader);
	/* The loader has started its command once the cell is populated. */
	for (i = 0; i < 500; i++) {
		if (cell_cgroup_read(self->iso, self->name, "cgroup.procs", buf, sizeof(buf)) > 0)
			break;
		sleep_ms(20);
	}
	ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "cgroup.procs", buf, sizeof(buf)));
	sleep_ms(200);
	ASSERT_EQ(0, kill(loader, SIGKILL));
	ASSERT_EQ(128 + SIGKILL, wait_status(loader));

	/* The shell outlived its loader, and is still in the cell. */
	ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "cgroup.procs", buf, sizeof(buf)));
	make_file(_metadata, r, "go", "");
	snprintf(path, sizeof(path), "%s/w/rc2", r);
	ASSERT_TRUE(wait_for_file(path, 20000));
	sleep_ms(100);	/* the echo may still be writing */

	snprintf(path, sizeof(path), "%s/w/rc", r);
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ("1\n", buf);
	snprintf(path, sizeof(path), "%s/w/err", r);
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "Permission denied")) {
		TH_LOG("cat of the denied file said: %s", buf);
	}
	snprintf(path, sizeof(path), "%s/w/out", r);
	EXPECT_EQ(0, read_text(path, buf, sizeof(buf)));
	snprintf(path, sizeof(path), "%s/w/rc2", r);
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ("0\n", buf);
	snprintf(path, sizeof(path), "%s/w/out2", r);
	ASSERT_LT(0, read_text(path, buf, sizeof(buf)));
	EXPECT_STREQ("allowed\n", buf);

	/* A new process in the cell is refused as well. */
	snprintf(path, sizeof(path), "%s/denied", r);
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &denied, NULL));
	EXPECT_LT(0, cell_cgroup_read(self->iso, self->name, "cgroup.procs", buf, sizeof(buf)));
}

/* `-j cell show NAME`, reduced to its "cell" member. */
static int show_cell(const char *name, char *json, size_t len)
{
	char out[65536];
	int rc = cli(out, sizeof(out), "-j", "cell", "show", name, NULL);

	if (rc)
		return rc;
	return cell_json(out, name, json, len) ? -1 : 0;
}

/* What file of cell's cgroup holds, into out ("" when unreadable). */
static const char *cell_file(struct isolate *iso, const char *cell, const char *file,
			     char *out, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", isolate_cells_cgroup(iso), cell, file);
	if (read_text(path, out, len) < 0)
		out[0] = '\0';
	return out;
}

/*
 * `unload` refuses while cells exist; `unload --force` leaves their
 * cgroups and processes (unconfined) and a new `load` adopts them again
 * from their kept policies: the same capabilities, enforced again, on the
 * process that was there all along as on new ones. A path whose file is
 * gone since stays bound to the object it was granted on (the rules are
 * those in force before); without its bindings (a cell an older
 * libisolate made), such a policy no longer compiles: the cell comes back
 * closed and holds no one back.
 */
TEST_F_TIMEOUT(lifecycle, unload_force_then_load_keeps_cells, 180)
{
	char a[64], b[64], allowed_cap[300], connect_cap[] = "connect:tcp:127.0.0.1/32:8080";
	char allowed[256], denied[256], extra[256], extra_cap[300], pin_root[PATH_MAX];
	char show_a[8192], show_b[8192], now[8192], out[65536], c[64], gone[256], gone_cap[300];
	char d[64], e[64], bindings[PATH_MAX];
	const char *caps_a[] = { allowed_cap, NULL };
	const char *caps_c[] = { allowed_cap, gone_cap, "pids:16", "cpu:10000/100000", NULL };
	struct isolate_cell_policy *pol = NULL;
	struct open_args allowed_open = { allowed, O_RDONLY };
	const char *caps_b[] = { allowed_cap, connect_cap, NULL };
	struct open_args extra_open = { extra, O_RDONLY };
	struct open_args denied_open = { denied, O_RDONLY };
	struct isolate_cap *cap = NULL;
	struct isolate_cell_state st, before_a, before_b;
	struct probe probe = { 0 };

	snprintf(a, sizeof(a), "%sa", self->prefix);
	snprintf(b, sizeof(b), "%sb", self->prefix);
	snprintf(allowed, sizeof(allowed), "%s/allowed", self->root);
	snprintf(denied, sizeof(denied), "%s/denied", self->root);
	snprintf(extra, sizeof(extra), "%s/extra", self->root);
	snprintf(allowed_cap, sizeof(allowed_cap), "read:%s", allowed);
	snprintf(extra_cap, sizeof(extra_cap), "read:%s", extra);
	snprintf(pin_root, sizeof(pin_root), "%s", isolate_pin_root(self->iso));
	ASSERT_EQ(0, test_cell(self->iso, a, caps_a, NULL));
	ASSERT_EQ(0, test_cell(self->iso, b, caps_b, NULL));
	/* c's policy names a file that will be gone when isolate comes back. */
	snprintf(c, sizeof(c), "%sc", self->prefix);
	snprintf(gone, sizeof(gone), "%s/gone", self->root);
	make_file(_metadata, self->root, "gone", "gone\n");
	snprintf(gone_cap, sizeof(gone_cap), "read:%s", gone);
	ASSERT_EQ(0, test_cell(self->iso, c, caps_c, NULL));
	EXPECT_EQ(0, run_in_cell(self->iso, c, open_errno, &allowed_open, NULL));
	snprintf(d, sizeof(d), "%sd", self->prefix);
	ASSERT_EQ(0, test_cell(self->iso, d, caps_c, NULL));
	/* e's kept policy will be gone: its budgets are read from its cgroup. */
	snprintf(e, sizeof(e), "%se", self->prefix);
	ASSERT_EQ(0, test_cell(self->iso, e, caps_c, NULL));
	/* b is at generation 2 when the loader goes away. */
	ASSERT_EQ(0, isolate_cap_parse(extra_cap, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, b, &cap, 1));
	isolate_cap_free(cap);
	ASSERT_EQ(0, isolate_cell_get(self->iso, a, &before_a));
	ASSERT_EQ(0, isolate_cell_get(self->iso, b, &before_b));
	ASSERT_EQ(0, show_cell(a, show_a, sizeof(show_a)));
	ASSERT_EQ(0, show_cell(b, show_b, sizeof(show_b)));
	ASSERT_NE(NULL, strstr(show_b, extra_cap));

	ASSERT_EQ(0, probe_start(self->iso, a, &probe));
	EXPECT_EQ(EACCES, probe_open(&probe, denied));
	EXPECT_EQ(0, probe_open(&probe, allowed));

	/* Refused: nothing changes. */
	EXPECT_EQ(1, cli(NULL, 0, "unload", NULL));
	EXPECT_EQ(0, access(pin_root, F_OK));
	EXPECT_EQ(EACCES, probe_open(&probe, denied));

	EXPECT_EQ(0, cli(NULL, 0, "unload", "--force", NULL));
	EXPECT_EQ(-1, access(pin_root, F_OK));
	snprintf(self->path, sizeof(self->path), "%s/%s", isolate_cells_cgroup(self->iso), a);
	EXPECT_EQ(0, access(self->path, F_OK));
	snprintf(self->path, sizeof(self->path), "%s/%s", isolate_cells_cgroup(self->iso), b);
	EXPECT_EQ(0, access(self->path, F_OK));
	/*
	 * As documented: without the programs, the processes run unconfined,
	 * once the kernel has released the links (6.12 does it in the
	 * background, a trampoline update each: seconds under emulation).
	 */
	for (int i = 0; i < 600 && probe_open(&probe, denied) == EACCES; i++)
		usleep(50 * 1000);
	EXPECT_EQ(0, probe_open(&probe, denied));

	ASSERT_EQ(0, unlink(gone));
	state_file_path(bindings, sizeof(bindings), c, 1, "bind");
	ASSERT_EQ(0, unlink(bindings));
	state_file_path(bindings, sizeof(bindings), e, 1, "bind");
	ASSERT_EQ(0, unlink(bindings));
	state_file_path(bindings, sizeof(bindings), e, 1, "yaml");
	ASSERT_EQ(0, unlink(bindings));
	EXPECT_EQ(0, cli(NULL, 0, "load", NULL));
	/* Our handle holds the maps of the unloaded state: take the new ones. */
	isolate_close(self->iso);
	self->iso = NULL;
	ASSERT_EQ(0, isolate_open(&self->iso)) {
		TH_LOG("isolate_open: %s", isolate_last_error());
	}

	ASSERT_EQ(0, cli(out, sizeof(out), "-j", "status", NULL));
	ASSERT_EQ(0, cell_json(out, a, now, sizeof(now))) {
		TH_LOG("status does not list %s: %s", a, out);
	}
	EXPECT_STREQ(show_a, now);
	ASSERT_EQ(0, cell_json(out, b, now, sizeof(now))) {
		TH_LOG("status does not list %s: %s", b, out);
	}
	EXPECT_STREQ(show_b, now);

	/* Enforced again: on the process that lived through it ... */
	EXPECT_EQ(EACCES, probe_open(&probe, denied));
	EXPECT_EQ(0, probe_open(&probe, allowed));
	EXPECT_EQ(0, probe_stop(&probe));
	/* ... and on new ones, with b's live grant kept. */
	EXPECT_EQ(EACCES, run_in_cell(self->iso, a, open_errno, &extra_open, NULL));
	EXPECT_EQ(0, run_in_cell(self->iso, b, open_errno, &extra_open, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, b, open_errno, &denied_open, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, b, &st));
	TH_LOG("cell %s came back at generation %u", b, st.cell.generation);
	/* The same ids (events before and after name the same cells). */
	EXPECT_EQ(before_b.cell.cell_id, st.cell.cell_id);
	ASSERT_EQ(0, isolate_cell_get(self->iso, a, &st));
	EXPECT_EQ(before_a.cell.cell_id, st.cell.cell_id);
	/*
	 * c's policy no longer compiles: c came back closed (nothing granted,
	 * its budgets kept: a cell that could make its policy fail must not
	 * lift them) and did not keep a and b from getting theirs.
	 */
	EXPECT_EQ(EACCES, run_in_cell(self->iso, c, open_errno, &allowed_open, NULL));
	/* e's from its cgroup: its kept policy was gone. */
	for (int i = 0; i < 2; i++) {
		const char *cell = i ? e : c;

		ASSERT_EQ(0, isolate_cell_policy_get(self->iso, cell, &pol));
		EXPECT_EQ(2U, isolate_cell_policy_cap_count(pol)) TH_LOG("%s", cell);
		isolate_cell_policy_free(pol);
		EXPECT_STREQ("16\n", cell_file(self->iso, cell, "pids.max", out, sizeof(out)));
		EXPECT_STREQ("10000 100000\n", cell_file(self->iso, cell, "cpu.max", out, sizeof(out)));
	}
	/* d kept its bindings: the same policy, the same rules. */
	EXPECT_EQ(0, run_in_cell(self->iso, d, open_errno, &allowed_open, NULL));
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, d, &pol));
	EXPECT_EQ(4U, isolate_cell_policy_cap_count(pol));
	isolate_cell_policy_free(pol);
}

/*
 * A broker grant is on the object the broker checked. The cell swaps the
 * path for a link to a file it may not read, the admin runs `unload
 * --force` and `load`, and the cell makes any other change (its next
 * broker request): the grant must not move onto the link's target. Load
 * used to keep the bindings of the policy alone, and that change bound
 * the timed grant's path afresh, through the link.
 */
TEST_F_TIMEOUT(lifecycle, a_broker_grant_stays_on_its_object_across_unload_and_load, 120)
{
	char x[256], denied[256], write_cap[300], read_cap[300];
	const char *caps[] = { write_cap, NULL };
	struct open_args x_open = { x, O_RDONLY };
	struct isolate_cap *cap = NULL, *other = NULL;
	int fd;

	snprintf(x, sizeof(x), "%s/w/x", self->root);
	snprintf(denied, sizeof(denied), "%s/denied", self->root);
	snprintf(write_cap, sizeof(write_cap), "write:%s/w", self->root);
	snprintf(read_cap, sizeof(read_cap), "read:%s", x);
	make_file(_metadata, self->root, "w/x", "x\n");
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));
	ASSERT_EQ(0, isolate_cap_parse(read_cap, &cap, NULL));
	fd = open(x, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, isolate_cell_grant_at(self->iso, self->name, cap, fd, 3600)) {
		TH_LOG("%s", isolate_last_error());
	}
	close(fd);
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &x_open, NULL));
	ASSERT_EQ(0, unlink(x));
	ASSERT_EQ(0, symlink(denied, x));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &x_open, NULL));

	EXPECT_EQ(0, cli(NULL, 0, "unload", "--force", NULL));
	EXPECT_EQ(0, cli(NULL, 0, "load", NULL));
	isolate_close(self->iso);
	self->iso = NULL;
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, isolate_cap_parse("connect:tcp:127.0.0.1/32:9", &other, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, self->name, &other, 1)) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &x_open, NULL));
	isolate_cap_free(other);
	isolate_cap_free(cap);
}

/*
 * Cells elsewhere than /sys/fs/cgroup/isolate (`load --cgroup-root`, for a
 * subtree systemd delegated to a unit): enforced there, found there by
 * every later handle (by the cgroup's id), not moved while loaded. Two
 * fresh loads (there and back): each about 40 s on 6.12 in the VM (the
 * verifier), more when the host's CPUs are busy.
 */
TEST_F_TIMEOUT(lifecycle, cells_in_a_delegated_cgroup, 180)
{
	const char *unit = "/sys/fs/cgroup/lc-unit", *cells = "/sys/fs/cgroup/lc-unit/cells";
	char name[64], denied[256], dir[512], out[4096];
	const char *caps[] = { "read:/proc", NULL };
	struct open_args denied_open = { denied, O_RDONLY };

	snprintf(name, sizeof(name), "%sdeleg", self->prefix);
	snprintf(denied, sizeof(denied), "%s/denied", self->root);
	isolate_close(self->iso);
	self->iso = NULL;
	ASSERT_EQ(0, cli(out, sizeof(out), "unload", NULL)) TH_LOG("%s", out);
	ASSERT_EQ(0, mkdir(unit, 0755));
	ASSERT_EQ(0, cli(out, sizeof(out), "-j", "load", "--cgroup-root", cells, NULL)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"cells_cgroup\":\"/sys/fs/cgroup/lc-unit/cells\"")) TH_LOG("%s", out);
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	EXPECT_STREQ(cells, isolate_cells_cgroup(self->iso));

	ASSERT_EQ(0, test_cell(self->iso, name, caps, NULL));
	snprintf(dir, sizeof(dir), "%s/%s", cells, name);
	EXPECT_EQ(0, access(dir, F_OK));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &denied_open, NULL));
	/* Loaded with its cells here: not moved elsewhere under it. */
	EXPECT_EQ(1, cli(out, sizeof(out), "load", "--cgroup-root", "/sys/fs/cgroup/lc-other", NULL));
	EXPECT_EQ(-1, access("/sys/fs/cgroup/lc-other", F_OK));
	EXPECT_EQ(0, cli(out, sizeof(out), "load", NULL)) TH_LOG("adopting: %s", out);
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &denied_open, NULL));
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, name));
	isolate_close(self->iso);
	self->iso = NULL;
	ASSERT_EQ(0, cli(out, sizeof(out), "unload", NULL)) TH_LOG("%s", out);
	EXPECT_EQ(0, rmdir(cells));
	EXPECT_EQ(0, rmdir(unit));
	/* Back where the other tests expect it. */
	ASSERT_EQ(0, cli(out, sizeof(out), "load", NULL)) TH_LOG("%s", out);
	ASSERT_EQ(0, isolate_open(&self->iso));
}

/*
 * `supervise --cgroup-root` run from the unit's own (fresh) cgroup, where
 * no process may stay once controllers go down to the cells: it loads
 * there and moves itself into a leaf beside the cells. Two fresh loads,
 * as above.
 */
TEST_F_TIMEOUT(lifecycle, supervise_moves_beside_cells_in_a_delegated_cgroup, 180)
{
	const char *unit = "/sys/fs/cgroup/lc-unit", *cells = "/sys/fs/cgroup/lc-unit/cells";
	char out[4096];
	pid_t pid;

	isolate_close(self->iso);
	self->iso = NULL;
	ASSERT_EQ(0, cli(out, sizeof(out), "unload", NULL)) TH_LOG("%s", out);
	ASSERT_EQ(0, mkdir(unit, 0755));
	pid = fork();
	if (pid == 0) {
		char self_pid[16];
		int fd = open("/sys/fs/cgroup/lc-unit/cgroup.procs", O_WRONLY);

		snprintf(self_pid, sizeof(self_pid), "%d", getpid());
		if (fd < 0 || write(fd, self_pid, strlen(self_pid)) < 0)
			_exit(100);
		execl(loader_path(), loader_path(), "supervise", "--cgroup-root", cells,
		      "--timeout", "1", "--out", "/dev/null", (char *)NULL);
		_exit(127);
	}
	EXPECT_EQ(0, wait_status(pid));
	EXPECT_EQ(0, access("/sys/fs/cgroup/lc-unit/supervisor", F_OK));
	EXPECT_LT(0, read_text("/sys/fs/cgroup/lc-unit/cells/cgroup.controllers", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "pids")) TH_LOG("controllers of the cells: %s", out);

	EXPECT_EQ(0, cli(out, sizeof(out), "unload", NULL)) TH_LOG("%s", out);
	EXPECT_EQ(0, rmdir("/sys/fs/cgroup/lc-unit/supervisor"));
	EXPECT_EQ(0, rmdir(cells));
	EXPECT_EQ(0, rmdir(unit));
	/* Back where the other tests expect it. */
	ASSERT_EQ(0, cli(out, sizeof(out), "load", NULL)) TH_LOG("%s", out);
	ASSERT_EQ(0, isolate_open(&self->iso));
}

/*
 * A destroyed cell's id is not handed to the next cell: events that name
 * it may still be in a ring or a log. Ids come round only after every
 * other one was used.
 */
TEST_F(lifecycle, cell_ids_are_not_reused_right_away)
{
	char name[64];
	const char *caps[] = { "read:/proc", NULL };
	struct isolate_cell_state first, st;
	__u32 seen[8];

	snprintf(name, sizeof(name), "%sids", self->prefix);
	ASSERT_EQ(0, test_cell(self->iso, name, caps, &first));
	seen[0] = first.cell.cell_id;
	ASSERT_EQ(0, isolate_cell_destroy(self->iso, name));
	for (int i = 1; i < 8; i++) {
		ASSERT_EQ(0, test_cell(self->iso, name, caps, &st));
		seen[i] = st.cell.cell_id;
		ASSERT_EQ(0, isolate_cell_destroy(self->iso, name));
		for (int j = 0; j < i; j++) {
			EXPECT_NE(seen[j], seen[i]) TH_LOG("id %u came back after %d cells", seen[i], i - j);
		}
	}
}

/*
 * A cell whose cgroup went without a destroy (systemd removing a unit's
 * delegated cells, an rmdir): cell name, made with a timed grant of
 * allowed and a message in its channel, its cgroup then removed. Its
 * files and map entry stay until something removes them.
 */
static void lose_cgroup(struct __test_metadata *_metadata, struct isolate *iso,
			const char *name, const char *root)
{
	const char *caps[] = { "read:/proc", NULL };
	struct isolate_channel_msg m = { .reply_to = 1 };
	struct isolate_cap *cap = NULL;
	char grant[300], dir[PATH_MAX];

	snprintf(grant, sizeof(grant), "read:%s/allowed", root);
	ASSERT_EQ(0, test_cell(iso, name, caps, NULL));
	ASSERT_EQ(0, isolate_cap_parse(grant, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant_timed(iso, name, &cap, 1, 3600));
	isolate_cap_free(cap);
	ASSERT_EQ(0, isolate_channel_post(name, &m, "old", 3));
	snprintf(dir, sizeof(dir), "%s/%s", isolate_cells_cgroup(iso), name);
	ASSERT_EQ(0, rmdir(dir));
}

/* The files of cell name in the state directory: NAME.* and its channel. */
static long kept_files(const char *name)
{
	char specs[PATH_MAX], channels[PATH_MAX], mine[80];

	spec_dir(specs, sizeof(specs));
	channels_path(channels, sizeof(channels));
	snprintf(mine, sizeof(mine), "%s.", name);
	return dir_entries(specs, mine, false) + dir_entries(channels, name, true);
}

/*
 * A new cell of a name whose cell's cgroup went without a destroy (an
 * ephemeral run-<pid> once the pid comes round) starts from nothing: not
 * from the timed grants, channel messages, id and map entry the other left.
 */
TEST_F(lifecycle, a_reused_name_takes_nothing_over)
{
	char allowed[256], extra_cap[300], channel[PATH_MAX];
	const char *caps[] = { "read:/proc", NULL };
	struct open_args allowed_open = { allowed, O_RDONLY };
	struct isolate_cell_state old, st;
	struct isolate_cap *cap = NULL;
	struct map_counts before, after;

	snprintf(allowed, sizeof(allowed), "%s/allowed", self->root);
	snprintf(extra_cap, sizeof(extra_cap), "read:%s/extra", self->root);
	ASSERT_EQ(0, map_counts(self->iso, &before));
	lose_cgroup(_metadata, self->iso, self->name, self->root);
	ASSERT_EQ(-ENOENT, isolate_cell_get(self->iso, self->name, &old));

	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, &st));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &allowed_open, NULL));
	/* Its first change starts from its own policy alone. */
	ASSERT_EQ(0, isolate_cap_parse(extra_cap, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, self->name, &cap, 1));
	isolate_cap_free(cap);
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &allowed_open, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(0ULL, st.cell.expires_ns);
	ASSERT_EQ(0, isolate_channel_path(self->name, channel, sizeof(channel)));
	EXPECT_EQ(0, dir_entries(channel, "", false));
	/* The old cell's map entry went with its files: one entry, this cell's. */
	ASSERT_EQ(0, map_counts(self->iso, &after));
	EXPECT_EQ(before.cells + 1, after.cells);
}

/*
 * Destroying a name whose cgroup went without a destroy removes what it
 * left (files, map entry) and succeeds; a name that left nothing is no cell.
 */
TEST_F(lifecycle, destroy_of_a_name_without_cgroup_removes_what_it_left)
{
	struct map_counts before, after;

	ASSERT_EQ(0, map_counts(self->iso, &before));
	lose_cgroup(_metadata, self->iso, self->name, self->root);
	EXPECT_LT(0, kept_files(self->name));

	EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name)) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(0, kept_files(self->name));
	ASSERT_EQ(0, map_counts(self->iso, &after));
	EXPECT_EQ(before.cells, after.cells);
	EXPECT_EQ(before.inode_rules, after.inode_rules);
	EXPECT_EQ(-ENOENT, isolate_cell_destroy(self->iso, self->name));
}

/*
 * load removes what cells whose cgroup went without a destroy left: the
 * files of a name without a cgroup, the map entry its id finds, and a map
 * entry whose cgroup is gone that no name finds any more.
 */
TEST_F(lifecycle, load_removes_what_cells_without_cgroup_left)
{
	char other[64], id_file[PATH_MAX], out[4096];
	struct map_counts before, after;

	snprintf(other, sizeof(other), "%sother", self->prefix);
	ASSERT_EQ(0, map_counts(self->iso, &before));
	lose_cgroup(_metadata, self->iso, self->name, self->root);
	lose_cgroup(_metadata, self->iso, other, self->root);
	spec_dir(id_file, sizeof(id_file));
	snprintf(id_file + strlen(id_file), sizeof(id_file) - strlen(id_file), "/%s.id", other);
	ASSERT_EQ(0, unlink(id_file));

	ASSERT_EQ(0, cli(out, sizeof(out), "load", NULL)) TH_LOG("%s", out);
	EXPECT_EQ(0, kept_files(self->name));
	EXPECT_EQ(0, kept_files(other));
	ASSERT_EQ(0, map_counts(self->iso, &after));
	EXPECT_EQ(before.cells, after.cells);
	EXPECT_EQ(before.inode_rules, after.inode_rules);
}

/*
 * Snapshot/restore and recycle, for cells holding each kind of
 * capability: `-j cell show` prints the same "cell" before and after,
 * and the kernel enforces it.
 */
FIXTURE(snapshot) {
	struct isolate *iso;
	char root[64];
	char name[64];
	char extra_cap[192];
};

FIXTURE_VARIANT(snapshot) {
	/* Capabilities besides read:$TMP/tree; "%s" stands for $TMP. */
	const char *caps[8];
	int denied_errno;	/* of an open of $TMP/denied: EACCES, or 0 in audit mode */
	int secret_errno;	/* of $TMP/tree/secret */
	const char *memory_max, *pids_max, *cpu_max;	/* NULL: not checked */
};

FIXTURE_VARIANT_ADD(snapshot, paths) {
	.caps = { "deny-read:%s/tree/secret", "write:%s/w", "read?:%s/missing",
		  "exec:/bin", "deny-write:%s/w/keep" },
	.denied_errno = EACCES,
	.secret_errno = EACCES,
};

FIXTURE_VARIANT_ADD(snapshot, network) {
	.caps = { "connect:tcp:127.0.0.1/32:80", "connect:tcp:10.0.0.0/8:443-444",
		  "deny-connect:tcp:10.1.0.0/16:443", "bind:udp:[::1]/128:5353",
		  "connect:udp:[2001:db8::]/32:53" },
	.denied_errno = EACCES,
	.secret_errno = 0,
};

FIXTURE_VARIANT_ADD(snapshot, budget) {
	.caps = { "pids:64", "memory:64M", "cpu:50000/100000" },
	.denied_errno = EACCES,
	.secret_errno = 0,
	.memory_max = "67108864\n",
	.pids_max = "64\n",
	.cpu_max = "50000 100000\n",
};

FIXTURE_VARIANT_ADD(snapshot, audit) {
	.caps = { "mode:audit", "broker:read", "pids:64" },
	.denied_errno = 0,
	.secret_errno = 0,
	.pids_max = "64\n",
};

FIXTURE_SETUP(snapshot)
{
	char texts[10][256];
	const char *caps[11];
	struct isolate_cap *cap = NULL;
	size_t n = 0;

	ASSERT_EQ(0, test_load(&self->iso));
	strcpy(self->root, "/tmp/isolate-snap-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	make_dir(_metadata, self->root, "tree");
	make_file(_metadata, self->root, "tree/file", "file\n");
	make_file(_metadata, self->root, "tree/secret", "secret\n");
	make_file(_metadata, self->root, "denied", "denied\n");
	make_file(_metadata, self->root, "extra", "extra\n");
	make_dir(_metadata, self->root, "w");
	make_file(_metadata, self->root, "w/keep", "keep\n");

	snprintf(texts[n], sizeof(texts[n]), "read:%s/tree", self->root);
	caps[n] = texts[n];
	n++;
	for (size_t i = 0; i < 8 && variant->caps[i]; i++, n++) {
		snprintf(texts[n], sizeof(texts[n]), variant->caps[i], self->root);
		caps[n] = texts[n];
	}
	caps[n] = NULL;
	snprintf(self->name, sizeof(self->name), "snap%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));
	/* A live change first: the snapshot is of the generation in force. */
	snprintf(self->extra_cap, sizeof(self->extra_cap), "read:%s/extra", self->root);
	ASSERT_EQ(0, isolate_cap_parse(self->extra_cap, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant(self->iso, self->name, &cap, 1));
	isolate_cap_free(cap);
}

FIXTURE_TEARDOWN(snapshot)
{
	struct isolate_cell_state st;

	if (self->iso) {
		if (!isolate_cell_get(self->iso, self->name, &st)) {
			EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name));
		}
		isolate_close(self->iso);
	}
	EXPECT_EQ(0, remove_tree_cmd(self->root));
}

/* What the restored or recycled cell must enforce and limit. */
static void check_enforced(struct __test_metadata *_metadata,
			   FIXTURE_DATA(snapshot) *self,
			   const FIXTURE_VARIANT(snapshot) *variant)
{
	char file[256], denied[256], secret[256], extra[256], buf[128];
	struct open_args a_file = { file, O_RDONLY }, a_denied = { denied, O_RDONLY };
	struct open_args a_secret = { secret, O_RDONLY }, a_extra = { extra, O_RDONLY };

	snprintf(file, sizeof(file), "%s/tree/file", self->root);
	snprintf(denied, sizeof(denied), "%s/denied", self->root);
	snprintf(secret, sizeof(secret), "%s/tree/secret", self->root);
	snprintf(extra, sizeof(extra), "%s/extra", self->root);
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &a_file, NULL));
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &a_extra, NULL));
	EXPECT_EQ(variant->denied_errno,
		  run_in_cell(self->iso, self->name, open_errno, &a_denied, NULL));
	EXPECT_EQ(variant->secret_errno,
		  run_in_cell(self->iso, self->name, open_errno, &a_secret, NULL));
	if (variant->memory_max) {
		ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "memory.max", buf, sizeof(buf)));
		EXPECT_STREQ(variant->memory_max, buf);
		/* Nor may its pages go to swap, which no budget would count. */
		ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "memory.swap.max", buf,
					      sizeof(buf)));
		EXPECT_STREQ("0\n", buf);
	}
	if (variant->pids_max) {
		ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "pids.max", buf, sizeof(buf)));
		EXPECT_STREQ(variant->pids_max, buf);
	}
	if (variant->cpu_max) {
		ASSERT_LT(0, cell_cgroup_read(self->iso, self->name, "cpu.max", buf, sizeof(buf)));
		EXPECT_STREQ(variant->cpu_max, buf);
	}
}

TEST_F(snapshot, restore_keeps_every_capability)
{
	char before[8192], after[8192], out[16384], file[256];
	struct isolate_cell_state st;

	ASSERT_EQ(0, show_cell(self->name, before, sizeof(before)));
	ASSERT_NE(NULL, strstr(before, self->extra_cap));
	check_enforced(_metadata, self, variant);

	snprintf(file, sizeof(file), "%s/snapshot.json", self->root);
	ASSERT_EQ(0, cli(NULL, 0, "snapshot", self->name, "-o", file, NULL));
	ASSERT_EQ(0, cli(NULL, 0, "cell", "destroy", self->name, NULL));
	ASSERT_EQ(-ENOENT, isolate_cell_get(self->iso, self->name, &st));
	ASSERT_EQ(0, cli(out, sizeof(out), "-j", "restore", file, NULL));
	ASSERT_EQ(0, cell_json(out, self->name, after, sizeof(after))) {
		TH_LOG("restore printed: %s", out);
	}
	EXPECT_STREQ(before, after);

	ASSERT_EQ(0, show_cell(self->name, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	check_enforced(_metadata, self, variant);
}

TEST_F(snapshot, recycle_keeps_every_capability)
{
	char before[8192], after[8192], out[4096];
	struct isolate_cell_state st0, st1;

	ASSERT_EQ(0, show_cell(self->name, before, sizeof(before)));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st0));
	ASSERT_EQ(0, cli(out, sizeof(out), "-j", "recycle", self->name, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st1));
	/* A new cgroup: a different cell that holds the same capabilities. */
	EXPECT_NE(st0.cgid, st1.cgid);
	ASSERT_EQ(0, show_cell(self->name, after, sizeof(after)));
	EXPECT_STREQ(before, after);
	check_enforced(_metadata, self, variant);
}

TEST_HARNESS_MAIN
