// SPDX-License-Identifier: GPL-2.0
/*
 * isolate-bench: the cost of isolate's enforcement, measured in one boot of
 * the VM under -icount so that every ratio compares numbers from the same
 * kernel, the same trees and the same instruction counts.
 *
 *   a. trees on /tmp, the reference cgroups, a loopback listener;
 *   b. with no BPF program loaded: open+close per depth, connect, execve,
 *      and the Landlock peer (same trees, same rules) per depth and rules;
 *      then calibration: empty programs on isolate's hooks, and single
 *      steps of its work (null.bpf.c), unloaded again;
 *   c. isolate_load (timed), then the same loops in no cell;
 *   d. cells: open per rules and depth, a denied open, connect with 10
 *      and 10,000 network rules, execve;
 *   e. grant latency;  f. events drained per second;  g. many cells.
 *
 * Progress goes to stderr as it is measured; the report (markdown and
 * JSON, between marker lines) to stdout at the end. Run by tools/bench/run
 * through `make bench`; never part of `make check`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "tools/bench/bench.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: isolate-bench [--cells N] [--flood N] [--quick]\n"
		"\n"
		"Measures isolate's overhead; run as root in the VM (tools/bench/run).\n"
		"  --cells N   small cells to create in phase g (default 10000, 0: skip;\n"
		"              fewer: what 10,000 would cost is extrapolated)\n"
		"  --flood N   denied opens of the event flood (default 50000)\n"
		"  --quick     a tenth of the iterations (a smoke test; noisier)\n");
}

/* Phase b and c: a loop in the reference cgroup, recorded under key. */
static void measure_ref(struct bench_env *env, const char *key, const char *what,
			const struct bench_loop *loop)
{
	struct bench_sample s;
	int err = bench_run(env->ref_fd, loop, &s);

	if (!err && !s.err)
		result_sample(key, what, &s);
	else if (s.err == BENCH_EUNEXPECTED)
		result_fail(key, what, "the operation did not behave as expected");
	else
		result_fail(key, what, strerror(s.err ? s.err : -err));
}

/* open+close per depth in the reference cgroup; setup_err: a failed setup, recorded. */
static void measure_opens(struct bench_env *env, const char *tag, const char *how,
			  int setup_err)
{
	char key[64], what[200];

	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		struct op_open op = { .expect = 0 };
		struct bench_loop loop = {
			.op = op_open_close, .arg = &op,
			.iters = bench_iters.open, .warmup = bench_iters.open_warmup,
		};

		tree_file(bench_depths[d], op.path, sizeof(op.path));
		snprintf(key, sizeof(key), "open.%s.d%d", tag, bench_depths[d]);
		snprintf(what, sizeof(what), "open+close, depth %d, %s", bench_depths[d], how);
		if (setup_err)
			result_fail(key, what, strerror(-setup_err));
		else
			measure_ref(env, key, what, &loop);
	}
}

/* open per depth, connect, execve: phase b (tag "none") and c ("nocell"). */
static void measure_outside(struct bench_env *env, const char *tag, const char *how)
{
	static struct op_exec exec_op = { .path = "/bin/true" };
	char key[64], what[160];

	measure_opens(env, tag, how, 0);
	{
		struct bench_loop loop = {
			.op = op_connect, .arg = &env->conn, .keep_fd = &env->conn.listener,
			.iters = bench_iters.connect, .warmup = bench_iters.connect_warmup,
		};

		snprintf(key, sizeof(key), "connect.%s", tag);
		snprintf(what, sizeof(what), "connect+accept+close on loopback, %s", how);
		measure_ref(env, key, what, &loop);
	}
	{
		struct bench_loop loop = {
			.op = op_exec, .arg = &exec_op,
			.iters = bench_iters.exec, .warmup = bench_iters.exec_warmup,
		};

		snprintf(key, sizeof(key), "exec.%s", tag);
		snprintf(what, sizeof(what), "spawn+execve+wait of /bin/true, %s", how);
		measure_ref(env, key, what, &loop);
	}
}

static void measure_landlock(struct bench_env *env)
{
	int abi = landlock_abi();

	if (abi < 0) {
		result_meta("landlock_abi", "unavailable: %s", strerror(-abi));
		say("Landlock unavailable: %s", strerror(-abi));
		return;
	}
	result_meta("landlock_abi", "%d", abi);
	for (int r = 0; r < BENCH_N_RULES; r++) {
		for (int d = 0; d < BENCH_N_DEPTHS; d++) {
			struct landlock_setup ls = { .depth = bench_depths[d],
						     .rules = bench_rule_counts[r] };
			struct op_open op = { .expect = 0 };
			struct bench_loop loop = {
				.op = op_open_close, .arg = &op,
				.iters = bench_iters.open, .warmup = bench_iters.open_warmup,
				.setup = landlock_restrict, .setup_arg = &ls,
			};
			char key[64], what[160];

			tree_file(ls.depth, op.path, sizeof(op.path));
			snprintf(key, sizeof(key), "open.landlock.r%d.d%d", ls.rules, ls.depth);
			snprintf(what, sizeof(what),
				 "open+close, depth %d, Landlock domain of %d rules, no BPF program",
				 ls.depth, ls.rules);
			measure_ref(env, key, what, &loop);
		}
	}
}

/* Single steps of isolate's work, each alone on file_open, at depth 8. */
static void measure_steps(struct bench_env *env)
{
	struct op_open op = { .expect = 0 };
	struct bench_loop loop = {
		.op = op_open_close, .arg = &op,
		.iters = bench_iters.open, .warmup = bench_iters.open_warmup,
	};
	char key[64], what[160];

	tree_file(8, op.path, sizeof(op.path));
	for (int i = 0; i < CAL_COUNT; i++) {
		int err = cal_attach(i, env->cg.ref, op.path);

		snprintf(key, sizeof(key), "open.cal_%s.d8", cal_names[i]);
		snprintf(what, sizeof(what), "open+close, depth 8, one program on file_open doing: %s",
			 cal_names[i]);
		if (err == -EOPNOTSUPP)
			say("%-28s not in this kernel", key);
		else if (err)
			result_fail(key, what, strerror(-err));
		else
			measure_ref(env, key, what, &loop);
		null_detach();
	}
}

/*
 * The floor of cgroup-attached programs for a task outside their cgroup:
 * open at every depth in the reference cgroup, the empty lsm_cgroup
 * program attached to the maps cgroup (where nothing runs in phase b).
 */
static void measure_cgroup_floor(struct bench_env *env)
{
	measure_opens(env, "cgnull",
		      "an empty lsm_cgroup program on file_open attached to another cgroup",
		      cgnull_attach(env->cg.maps));
	null_detach();
}

/* What the loading child reports. */
struct load_report {
	int err;
	double ns;
	char msg[256];
};

/*
 * Loads isolate from a child in the maps cgroup, so the maps (whose memory
 * is charged to the cgroup of the process that creates them) can be
 * weighed there; then adopts what it pinned.
 */
static int load(struct bench_env *env)
{
	struct load_report rep = { 0 };
	long long before = cgroup_memory_current(env->cg.maps), after;
	int fd = cgroup_open(env->cg.maps), p[2], status;
	pid_t pid;

	if (fd < 0 || pipe(p))
		return -EIO;
	fflush(NULL);
	pid = clone_into_cgroup(fd);
	if (pid == 0) {
		struct isolate *iso = NULL;
		uint64_t t0 = now_ns();

		close(p[0]);
		rep.err = isolate_load(&iso, NULL);
		rep.ns = (double)(now_ns() - t0);
		if (rep.err)
			snprintf(rep.msg, sizeof(rep.msg), "%s", isolate_last_error());
		isolate_close(iso);
		_exit(write(p[1], &rep, sizeof(rep)) == sizeof(rep) ? 0 : 1);
	}
	close(fd);
	close(p[1]);
	if (pid < 0 || read(p[0], &rep, sizeof(rep)) != sizeof(rep)) {
		close(p[0]);
		if (pid > 0)
			waitpid(pid, &status, 0);
		result_fail("load.time", "isolate_load", "the loading child failed");
		return -EIO;
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	if (rep.err) {
		result_fail("load.time", "isolate_load", rep.msg);
		return rep.err;
	}
	result_value("load.time", "isolate_load: load, verify, attach and pin (fresh)", rep.ns, "ns");
	after = cgroup_memory_current(env->cg.maps);
	if (before >= 0 && after >= 0)
		result_value("load.memory", "memory charged to the loader's cgroup (maps + programs)",
			     (double)(after - before), "bytes");
	if (isolate_open(&env->iso)) {
		say("isolate_open: %s", isolate_last_error());
		return -EIO;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cells", required_argument, NULL, 'c' },
		{ "flood", required_argument, NULL, 'f' },
		{ "quick", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	unsigned int cells = 10000, flood = 50000;
	struct bench_env env = { .ref_fd = -1 };
	struct isolate *already = NULL;
	uint64_t t_start = now_ns();
	uint64_t settled;
	struct utsname u;
	int c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cells = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'f':
			flood = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'q':
			bench_iters.open /= 10;
			bench_iters.open_warmup /= 10;
			bench_iters.deny /= 10;
			bench_iters.deny_warmup /= 10;
			bench_iters.connect /= 10;
			bench_iters.connect_warmup /= 10;
			bench_iters.exec /= 10;
			bench_iters.exec_warmup /= 10;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (geteuid()) {
		fprintf(stderr, "isolate-bench: run as root, in the VM (tools/bench/run)\n");
		return 2;
	}
	if (!isolate_open(&already)) {
		isolate_close(already);
		fprintf(stderr, "isolate-bench: isolate is loaded already: the no-programs baseline would be wrong; run it in a fresh VM\n");
		return 2;
	}
	uname(&u);
	result_meta("kernel", "%s %s", u.sysname, u.release);
	result_meta("clock", "CLOCK_MONOTONIC ns; under -icount shift=0,sleep=off 1 ns = 1 guest instruction");
	result_meta("iterations", "open %u, denied open %u, connect %u, execve %u, in %d rounds (median)",
		    bench_iters.open, bench_iters.deny, bench_iters.connect, bench_iters.exec,
		    BENCH_ROUNDS);
	result_meta("cells", "%u", cells);
	result_meta("flood", "%u", flood);

	say("phase a: trees, cgroups, listener");
	err = tree_build();
	if (!err)
		err = cgroups_setup(&env.cg);
	if (!err) {
		env.ref_fd = cgroup_open(env.cg.ref);
		err = env.ref_fd < 0 ? env.ref_fd : 0;
	}
	if (!err) {
		err = listener_open(&env.conn);
		err = err < 0 ? err : 0;
	}
	if (err) {
		fprintf(stderr, "isolate-bench: setting up: %s\n", strerror(-err));
		return 1;
	}

	settled = bench_settle("/tmp/bench/d2/a1/a2/file", 30ULL * 1000 * 1000 * 1000);
	result_meta("settled", "%.3f s after start (0: never)", settled / 1e9);

	say("phase b: no BPF program loaded");
	measure_outside(&env, "none", "no programs attached");
	measure_landlock(&env);
	/* Calibration: empty programs on the same hooks, then gone again. */
	err = null_attach();
	if (err) {
		result_fail("open.null.d8", "empty BPF LSM programs", strerror(-err));
	} else {
		measure_outside(&env, "null", "empty BPF programs on isolate's hooks");
		null_detach();
	}
	measure_steps(&env);
	measure_cgroup_floor(&env);
	cal_unload();

	say("phase c: isolate_load, then a task in no cell");
	if (load(&env)) {
		report_write(stdout);
		return 1;
	}
	measure_outside(&env, "nocell", "programs attached, task in no cell");

	phase_cells(&env);
	phase_grant(&env);
	phase_events(&env, flood);
	if (cells)
		phase_many(&env, cells);

	result_value("bench.duration", "the whole benchmark, guest time", (double)(now_ns() - t_start),
		     "ns");
	report_write(stdout);
	isolate_close(env.iso);
	return result_failures() ? 1 : 0;
}
