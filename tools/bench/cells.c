// SPDX-License-Identifier: GPL-2.0
/*
 * Phase d: the operations measured in cells. Each cell is created from
 * policy objects with exactly the rules its loop needs (plus the extra
 * rules being scaled), measured, and destroyed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/bench/bench.h"

int policy_add_text(struct isolate_cell_policy *pol, const char *text)
{
	struct isolate_diag diag = { 0 };
	struct isolate_cap *cap = NULL;
	int err = isolate_cap_parse(text, &cap, &diag);

	if (!err)
		err = isolate_cell_policy_add(pol, cap);
	if (err)
		say("capability \"%s\": %s", text, diag.msg[0] ? diag.msg : strerror(-err));
	isolate_cap_free(cap);
	return err;
}

static int policy_add_read(struct isolate_cell_policy *pol, const char *path)
{
	struct isolate_cap *cap = isolate_cap_path(ISOLATE_CAP_READ, path, 0);
	int err;

	if (!cap)
		return -errno;
	err = isolate_cell_policy_add(pol, cap);
	isolate_cap_free(cap);
	return err;
}

/* read on path, and on rules - 1 other files. */
static struct isolate_cell_policy *policy_read(const char *name, const char *granted, int rules)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	char path[PATH_MAX];
	int err;

	if (!pol)
		return NULL;
	err = policy_add_read(pol, granted);
	for (int n = 1; !err && n < rules; n++) {
		tree_rule_file(n, path, sizeof(path));
		err = policy_add_read(pol, path);
	}
	if (err) {
		say("policy %s: %s", name, strerror(-err));
		isolate_cell_policy_free(pol);
		return NULL;
	}
	return pol;
}

struct isolate_cell_policy *policy_files(const char *name, int depth, int rules)
{
	char path[PATH_MAX];

	tree_granted_dir(depth, path, sizeof(path));
	return policy_read(name, path, rules);
}

int cell_create_timed(struct bench_env *env, const char *name,
		      const struct isolate_cell_policy *pol, double *ns)
{
	uint64_t t0 = now_ns();
	int err = isolate_cell_create(env->iso, name, pol, NULL);

	if (ns)
		*ns = (double)(now_ns() - t0);
	if (err)
		say("creating cell %s: %s", name, isolate_last_error());
	return err;
}

int cell_destroy_timed(struct bench_env *env, const char *name, double *ns)
{
	uint64_t t0 = now_ns();
	int err = isolate_cell_destroy(env->iso, name);

	if (ns)
		*ns = (double)(now_ns() - t0);
	if (err)
		say("destroying cell %s: %s", name, isolate_last_error());
	return err;
}

int run_in_cell_loop(struct bench_env *env, const char *name,
		     const struct bench_loop *loop, struct bench_sample *s)
{
	int fd = isolate_cell_cgroup_fd(env->iso, name), err;

	if (fd < 0) {
		memset(s, 0, sizeof(*s));
		s->err = -fd;
		return fd;
	}
	err = bench_run(fd, loop, s);
	close(fd);
	return err;
}

/* Records a loop's sample, or its failure with the reason. */
static void record(const char *key, const char *what, int err, const struct bench_sample *s)
{
	char why[128];

	if (!err && !s->err) {
		result_sample(key, what, s);
		return;
	}
	if (s->err == BENCH_EUNEXPECTED)
		snprintf(why, sizeof(why), "the operation did not behave as expected");
	else
		snprintf(why, sizeof(why), "%s", strerror(s->err ? s->err : -err));
	result_fail(key, what, why);
}

struct diag_ctx {
	__u64 cgid;
	int shown;
};

static int diag_event(void *ctx, const struct isolate_event_hdr *hdr, size_t size)
{
	const struct isolate_event_access *e = (const void *)hdr;
	struct diag_ctx *d = ctx;

	if (hdr->event_class != ISOLATE_EVENT_DENY || hdr->cell_cgid != d->cgid ||
	    size < sizeof(*e) || d->shown >= 8)
		return 0;
	d->shown++;
	say("  deny event: op %s, errno %d, rule %d, object dev %u ino %llu, \"%.*s\"",
	    isolate_op_name(e->op), e->error, (int)hdr->rule_id, e->file.dev,
	    (unsigned long long)e->file.ino, (int)sizeof(e->path), e->path);
	return 0;
}

/*
 * Why a loop failed in a cell: its counters, and the deny events it left
 * in the ring buffer (nothing else reads it during these loops).
 */
static void diagnose(struct bench_env *env, const char *name)
{
	struct isolate_cell_state st;
	struct isolate_events *ev = NULL;
	struct diag_ctx d = { 0 };

	if (isolate_cell_get(env->iso, name, &st)) {
		say("  cell %s: %s", name, isolate_last_error());
		return;
	}
	say("  cell %s (cgroup %llu, ruleset %u, generation %u): allowed %llu, denied %llu, fail-closed walk_bound %llu no_cell %llu unreadable %llu",
	    name, (unsigned long long)st.cgid, st.cell.ruleset, st.cell.generation,
	    (unsigned long long)st.counters.allowed, (unsigned long long)st.counters.denied,
	    (unsigned long long)st.counters.fail_closed[ISOLATE_FAIL_WALK_BOUND],
	    (unsigned long long)st.counters.fail_closed[ISOLATE_FAIL_NO_CELL],
	    (unsigned long long)st.counters.fail_closed[ISOLATE_FAIL_READ]);
	d.cgid = st.cgid;
	if (isolate_events_open(env->iso, diag_event, &d, &ev))
		return;
	for (int i = 0; i < 100000 && isolate_events_poll(ev, 0) > 0; i++)
		;
	isolate_events_close(ev);
}

/* Creates the cell, runs the loop in it, destroys it; keys get the times. */
static void measure_in_cell(struct bench_env *env, const char *name,
			    struct isolate_cell_policy *pol, const struct bench_loop *loop,
			    const char *key, const char *what)
{
	char tkey[96], twhat[160];
	struct bench_sample s = { 0 };
	double ns;
	int err;

	if (!pol) {
		result_fail(key, what, "the policy could not be built");
		return;
	}
	err = cell_create_timed(env, name, pol, &ns);
	isolate_cell_policy_free(pol);
	if (err) {
		result_fail(key, what, isolate_last_error());
		return;
	}
	snprintf(tkey, sizeof(tkey), "%s.create", key);
	snprintf(twhat, sizeof(twhat), "isolate_cell_create for: %s", what);
	result_value(tkey, twhat, ns, "ns");
	err = run_in_cell_loop(env, name, loop, &s);
	if (err || s.err) {
		/* Say why, then try once more: a second failure stands. */
		say("%s failed in cell %s (%s): diagnosing, then retrying once", key, name,
		    strerror(s.err && s.err != BENCH_EUNEXPECTED ? s.err : EIO));
		diagnose(env, name);
		result_meta(key, "the first loop in the cell failed (%s); the value is from a second run",
			    strerror(s.err && s.err != BENCH_EUNEXPECTED ? s.err : EIO));
		err = run_in_cell_loop(env, name, loop, &s);
		if (err || s.err)
			diagnose(env, name);
	}
	record(key, what, err, &s);
	if (!cell_destroy_timed(env, name, &ns)) {
		snprintf(tkey, sizeof(tkey), "%s.destroy", key);
		snprintf(twhat, sizeof(twhat), "isolate_cell_destroy for: %s", what);
		result_value(tkey, twhat, ns, "ns");
	}
}

/*
 * Compiles the policy once more, timed (what the library does first in
 * isolate_cell_create), and records the entries it compiles to.
 */
static void record_compile(const struct isolate_cell_policy *pol, const char *key,
			   const char *what)
{
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char k[96], w[200];
	uint64_t t0 = now_ns();

	if (!pol || isolate_compile(pol, &img, &diag))
		return;
	snprintf(k, sizeof(k), "%s.compile", key);
	snprintf(w, sizeof(w), "isolate_compile alone for: %s", what);
	result_value(k, w, (double)(now_ns() - t0), "ns");
	snprintf(k, sizeof(k), "%s.entries", key);
	snprintf(w, sizeof(w), "map entries the policy compiles to (inode_rules + net_rules): %s",
		 what);
	result_value(k, w, (double)(img->n_inodes + img->n_net), "entries");
	isolate_image_free(img);
}

/*
 * The same opens with the rule on the file itself: the walk stops at its
 * first step. Against the rule on the top of the tree (depth + 2 steps),
 * this gives the cost of one step of the walk, the path lookup being the
 * same.
 */
static void phase_open_at_file(struct bench_env *env)
{
	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		int depth = bench_depths[d];
		struct op_open op = { .expect = 0 };
		struct bench_loop loop = {
			.op = op_open_close, .arg = &op,
			.iters = bench_iters.open, .warmup = bench_iters.open_warmup,
		};
		char name[64], key[64], what[128];

		tree_file(depth, op.path, sizeof(op.path));
		snprintf(name, sizeof(name), "bench-atfile-d%d", depth);
		snprintf(key, sizeof(key), "open.cell.atfile.d%d", depth);
		snprintf(what, sizeof(what),
			 "open+close, depth %d, in a cell of 10 rules, the grant on the file itself",
			 depth);
		measure_in_cell(env, name, policy_read(name, op.path, 10), &loop, key, what);
	}
}

static void phase_open(struct bench_env *env)
{
	for (int r = 0; r < BENCH_N_RULES; r++) {
		for (int d = 0; d < BENCH_N_DEPTHS; d++) {
			int rules = bench_rule_counts[r], depth = bench_depths[d];
			struct op_open op = { .expect = 0 };
			struct bench_loop loop = {
				.op = op_open_close, .arg = &op,
				.iters = bench_iters.open, .warmup = bench_iters.open_warmup,
			};
			char name[64], key[64], what[128];

			tree_file(depth, op.path, sizeof(op.path));
			snprintf(name, sizeof(name), "bench-r%d-d%d", rules, depth);
			snprintf(key, sizeof(key), "open.cell.r%d.d%d", rules, depth);
			snprintf(what, sizeof(what), "open+close, depth %d, in a cell of %d rules",
				 depth, rules);
			struct isolate_cell_policy *pol = policy_files(name, depth, rules);

			if (depth == 8)
				record_compile(pol, key, what);
			measure_in_cell(env, name, pol, &loop, key, what);
		}
	}
}

static int count_event(void *ctx, const struct isolate_event_hdr *hdr, size_t size)
{
	(*(unsigned long *)ctx)++;
	return 0;
}

/* Reads every event waiting (the buffers poll readable while they hold any). */
static void drain(struct isolate_events *ev)
{
	for (int i = 0; i < 100000 && isolate_events_poll(ev, 0) > 0; i++)
		;
}

/*
 * A denied open, event included: the deny ring buffer is drained first and
 * the loop is short enough for every record to fit, so each iteration
 * writes its event (checked with the cell's loss counter).
 */
static void phase_denied(struct bench_env *env)
{
	const char *name = "bench-deny", *key = "open.denied.d8";
	const char *what = "denied open, depth 8 outside the grant, event included";
	struct isolate_cell_policy *pol = policy_files(name, 8, 10);
	struct op_open op = { .expect = EACCES };
	struct bench_loop loop = {
		.op = op_open_close, .arg = &op,
		.iters = bench_iters.deny, .warmup = bench_iters.deny_warmup,
	};
	struct isolate_cell_state st0, st1;
	struct isolate_events *ev = NULL;
	struct bench_sample s = { 0 };
	unsigned long seen = 0;
	int err;

	tree_denied_file(op.path, sizeof(op.path));
	if (!pol || cell_create_timed(env, name, pol, NULL)) {
		isolate_cell_policy_free(pol);
		result_fail(key, what, "the cell could not be created");
		return;
	}
	isolate_cell_policy_free(pol);
	err = isolate_events_open(env->iso, count_event, &seen, &ev);
	if (err) {
		result_fail(key, what, isolate_last_error());
		goto out;
	}
	drain(ev);
	err = isolate_cell_get(env->iso, name, &st0);
	if (!err)
		err = run_in_cell_loop(env, name, &loop, &s);
	record(key, what, err, &s);
	if (!err && !isolate_cell_get(env->iso, name, &st1)) {
		double sent = (double)(st1.counters.events_sent[ISOLATE_EVENT_DENY] -
				       st0.counters.events_sent[ISOLATE_EVENT_DENY]);
		double lost = (double)(st1.counters.events_lost[ISOLATE_EVENT_DENY] -
				       st0.counters.events_lost[ISOLATE_EVENT_DENY]);

		result_value("open.denied.d8.events_sent", "deny events sent by the denied-open loop",
			     sent, "events");
		result_value("open.denied.d8.events_lost",
			     "deny events lost by the denied-open loop (must be 0)", lost, "events");
	}
	drain(ev);
	isolate_events_close(ev);
out:
	cell_destroy_timed(env, name, NULL);
}

/*
 * Loopback connect with n network rules: the listener's address and n - 1
 * others, 10.0.0.0 + 2i + 1 port 443 (odd addresses: no two of them merge
 * into a shorter prefix, so each is its own entry of the trie).
 */
static struct isolate_cell_policy *policy_net(const char *name, int port, int n)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	char text[96];
	int err;

	if (!pol)
		return NULL;
	snprintf(text, sizeof(text), "connect:tcp:127.0.0.1/32:%d", port);
	err = policy_add_text(pol, text);
	for (int i = 0; !err && i < n - 1; i++) {
		unsigned int a = 2 * (unsigned int)i + 1;

		snprintf(text, sizeof(text), "connect:tcp:10.%u.%u.%u/32:443", (a >> 16) & 255,
			 (a >> 8) & 255, a & 255);
		err = policy_add_text(pol, text);
	}
	if (err) {
		isolate_cell_policy_free(pol);
		return NULL;
	}
	return pol;
}

static void phase_connect(struct bench_env *env)
{
	static const int counts[] = { 10, 10000 };

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct bench_loop loop = {
			.op = op_connect, .arg = &env->conn, .keep_fd = &env->conn.listener,
			.iters = bench_iters.connect, .warmup = bench_iters.connect_warmup,
		};
		char name[64], key[64], what[128];
		struct isolate_cell_policy *pol;

		snprintf(name, sizeof(name), "bench-net-%d", counts[i]);
		snprintf(key, sizeof(key), "connect.cell.n%d", counts[i]);
		snprintf(what, sizeof(what), "connect+accept+close on loopback, in a cell of %d network rules",
			 counts[i]);
		pol = policy_net(name, ntohs(env->conn.addr.sin_port), counts[i]);
		record_compile(pol, key, what);
		measure_in_cell(env, name, pol, &loop, key, what);
	}
}

static void phase_exec(struct bench_env *env)
{
	static struct op_exec op = { .path = "/bin/true" };
	struct bench_loop loop = {
		.op = op_exec, .arg = &op,
		.iters = bench_iters.exec, .warmup = bench_iters.exec_warmup,
	};
	struct isolate_cell_policy *pol = isolate_cell_policy_new("bench-exec");

	if (pol && policy_add_text(pol, "exec:/bin")) {
		isolate_cell_policy_free(pol);
		pol = NULL;
	}
	measure_in_cell(env, "bench-exec", pol, &loop, "exec.cell",
			"spawn+execve+wait of /bin/true (static busybox), in a cell with exec:/bin");
}

void phase_cells(struct bench_env *env)
{
	say("phase d: in cells");
	phase_open(env);
	phase_open_at_file(env);
	phase_denied(env);
	phase_connect(env);
	phase_exec(env);
}
