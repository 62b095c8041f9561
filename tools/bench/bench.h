/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolate-bench: what the files of tools/bench/ share. The benchmark runs
 * in the VM as root, in one boot, under `-icount shift=0,sleep=off`, where
 * one nanosecond of CLOCK_MONOTONIC is one guest instruction.
 */
#ifndef ISOLATE_BENCH_H
#define ISOLATE_BENCH_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

/* ---- The trees (tree.c) ------------------------------------------------- */

#define BENCH_ROOT	"/tmp/bench"
#define BENCH_N_DEPTHS	3
#define BENCH_N_RULES	3
#define BENCH_MAX_RULES	10000
#define BENCH_GRANTS	8	/* files for the grant-latency rounds */
#define BENCH_BATCH	100	/* rules in one batch grant */
#define BENCH_BATCHES	3	/* batch grants into each cell */

extern const int bench_depths[BENCH_N_DEPTHS];		/* 2, 8, 32 */
extern const int bench_rule_counts[BENCH_N_RULES];	/* 10, 1000, 10000 */

/*
 * Builds, on the tmpfs of /tmp:
 *   /tmp/bench/dD/a1/.../aD/file   for D in bench_depths (the allowed file;
 *                                  policies grant /tmp/bench/dD)
 *   /tmp/bench/x8/a1/.../a8/file   a file no policy grants (denied opens)
 *   /tmp/bench/rules/fN            N = 1 .. BENCH_MAX_RULES - 1, the other grants
 *   /tmp/bench/grant/gK            files granted live (grant latency), K =
 *                                  0 .. BENCH_GRANTS - 1 one at a time, then
 *                                  BENCH_BATCHES of 1 and of BENCH_BATCH
 * 0 or -errno.
 */
int tree_build(void);

/* The granted directory and the file opened at depth d. */
void tree_granted_dir(int depth, char *out, size_t len);
void tree_file(int depth, char *out, size_t len);
void tree_denied_file(char *out, size_t len);
void tree_rule_file(int n, char *out, size_t len);
void tree_grant_file(int k, char *out, size_t len);

/* ---- System: cgroups, memory (sys.c) ------------------------------------- */

/*
 * The cgroups of the benchmark, beside isolate's: a reference cgroup at the
 * depth of a cell and with the same controllers (every configuration
 * without a cell runs there, so the cgroup hierarchy costs the same), and
 * the cgroup whose memory account the loader's maps are charged to.
 */
struct bench_cgroups {
	char root[512];		/* the cgroup2 mount */
	char ref[PATH_MAX];	/* <root>/isolate-bench/ref */
	char maps[PATH_MAX];	/* <root>/isolate-bench-maps */
};

int cgroups_setup(struct bench_cgroups *cg);
/* An O_DIRECTORY fd of path for clone_into_cgroup; -errno. */
int cgroup_open(const char *path);
/* memory.current of a cgroup in bytes; -1 when unreadable. */
long long cgroup_memory_current(const char *path);
/* A /proc/meminfo field (e.g. "Slab") in bytes; -1 when missing. */
long long meminfo_bytes(const char *field);

/* ---- Timing (measure.c) ------------------------------------------------- */

uint64_t now_ns(void);
/* Waits (up to max_ns) until opens of path cost the same round after round. */
uint64_t bench_settle(const char *path, uint64_t max_ns);

/*
 * One measured operation: 0 when it behaved as expected, else an errno (or
 * BENCH_EUNEXPECTED: a denied open succeeded, an exec failed ...).
 */
#define BENCH_EUNEXPECTED	1000
#define BENCH_ROUNDS		5
typedef int (*bench_op_fn)(void *arg);

struct bench_loop {
	bench_op_fn op;
	void *arg;
	unsigned int iters;	/* timed iterations, in BENCH_ROUNDS rounds */
	unsigned int warmup;	/* untimed iterations before */
	/* Run in the child before the loop (Landlock restricts itself there). */
	int (*setup)(void *arg);
	void *setup_arg;
	/*
	 * The one descriptor the op uses besides its own (the listener), or
	 * NULL. The child closes every other: the fd table a spawn copies and
	 * an exec sweeps is then the same in every configuration, whatever
	 * the bench holds open (isolate's maps, the calibration programs).
	 */
	int *keep_fd;
};

struct bench_sample {
	int err;		/* 0, or what the op or the setup failed with */
	double ns;		/* ns per op: the median of the rounds */
	double min, max;	/* of the rounds */
	double mean;		/* all timed ops: total time / iters */
	unsigned int iters;
};

/*
 * Runs the loop in a child created in the cgroup of cgroup_fd (a cell's, or
 * the reference cgroup), which reports its sample through a pipe.
 * 0 or -errno (the sample's err says why the loop failed).
 */
int bench_run(int cgroup_fd, const struct bench_loop *loop, struct bench_sample *out);

/* Iteration counts: the defaults, or scaled by --quick. */
struct bench_iters {
	unsigned int open, open_warmup;
	unsigned int deny, deny_warmup;
	unsigned int connect, connect_warmup;
	unsigned int exec, exec_warmup;
};
extern struct bench_iters bench_iters;

/* ---- Operations (ops.c) ------------------------------------------------- */

struct op_open {
	char path[PATH_MAX];
	int expect;		/* 0: must succeed; else the errno it must fail with */
};
int op_open_close(void *arg);

/* socket, connect to the listener, accept, close both (RST: no TIME_WAIT). */
struct op_connect {
	int listener;
	struct sockaddr_in addr;
};
int op_connect(void *arg);
/* A TCP listener on 127.0.0.1 (port chosen by the kernel); fd or -errno. */
int listener_open(struct op_connect *op);

/* posix_spawn (clone(CLONE_VM|CLONE_VFORK)) + execve of path + waitpid. */
struct op_exec {
	const char *path;
};
int op_exec(void *arg);

/* ---- Landlock (landlock.c) ----------------------------------------------- */

/* The Landlock ABI version of this kernel, or -errno. */
int landlock_abi(void);
/* The setup that makes a child a Landlock domain with the same rules. */
struct landlock_setup {
	int depth;
	int rules;		/* the grant on the tree + rules - 1 files */
};
int landlock_restrict(void *arg);

/* ---- Calibration: empty programs on isolate's hooks (null.c) -------------- */

int null_attach(void);		/* 0 or -errno */
void null_detach(void);		/* detaches whatever is attached */
/* The empty BPF_LSM_CGROUP program on file_open, attached to cgroup. */
int cgnull_attach(const char *cgroup);

/* Single steps, each alone on file_open (null_detach takes it off). */
enum cal_step {
	CAL_ANCESTOR,		/* bpf_get_current_ancestor_cgroup_id() */
	CAL_CELL_LOOKUP,	/* hash lookup, 8-byte key (the cells map) */
	CAL_RULE_LOOKUP,	/* hash lookup, 16-byte key (inode_rules) */
	CAL_CGRP_STORAGE,	/* cgroup-local storage of the task's cgroup (6.2+) */
	CAL_COUNT,
};
extern const char *const cal_names[CAL_COUNT];
/* Fills the maps for a task in cgroup opening file, attaches step. */
int cal_attach(enum cal_step step, const char *cgroup, const char *file);
/* Unloads every calibration program and map. */
void cal_unload(void);

/* ---- Results and report (report.c) --------------------------------------- */

/* Records a sample under key (printing it to stderr as it comes). */
void result_sample(const char *key, const char *what, const struct bench_sample *s);
/* Records a value with its unit ("ns", "events/s", "bytes", ...). */
void result_value(const char *key, const char *what, double value, const char *unit);
/* Records that a measurement failed, and why. */
void result_fail(const char *key, const char *what, const char *why);
/* The value under key; false when absent or failed. */
bool result_get(const char *key, double *value);
/* The number of measurements that failed. */
int result_failures(void);
/* Extra facts for the JSON ("kernel", "cells", ...). */
void result_meta(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The markdown tables and the JSON object between marker lines, on out. */
void report_write(FILE *out);

#define BENCH_MD_BEGIN		"@@BENCH-MARKDOWN-BEGIN@@"
#define BENCH_MD_END		"@@BENCH-MARKDOWN-END@@"
#define BENCH_JSON_BEGIN	"@@BENCH-JSON-BEGIN@@"
#define BENCH_JSON_END		"@@BENCH-JSON-END@@"

/* ---- Phases with isolate loaded (cells.c, live.c, many.c) -------------------- */

struct bench_env {
	struct isolate *iso;
	struct bench_cgroups cg;
	int ref_fd;			/* O_DIRECTORY fd of cg.ref */
	struct op_connect conn;		/* the loopback listener */
};

/* Progress lines on stderr. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A policy: read on the tree of depth d plus rules - 1 files (cells.c). */
struct isolate_cell_policy *policy_files(const char *name, int depth, int rules);
/* Adds "text" (a capability's text form) to pol; 0 or -EINVAL. */
int policy_add_text(struct isolate_cell_policy *pol, const char *text);
/* Creates cell name with pol, timed into *ns; 0 or -errno (and a message). */
int cell_create_timed(struct bench_env *env, const char *name,
		      const struct isolate_cell_policy *pol, double *ns);
int cell_destroy_timed(struct bench_env *env, const char *name, double *ns);
/* Runs loop in cell name; 0 or -errno. */
int run_in_cell_loop(struct bench_env *env, const char *name,
		     const struct bench_loop *loop, struct bench_sample *s);

/* Phase d: allowed opens per rule count and depth, the denied open,
 * connect with 10 and 10,000 network rules, execve. */
void phase_cells(struct bench_env *env);
/* Phase e: grant latency. */
void phase_grant(struct bench_env *env);
/* Phase f: events drained per second, and the loss. */
void phase_events(struct bench_env *env, unsigned int flood);
/* Phase g: n small cells: create, memory, an open among them, destroy. */
void phase_many(struct bench_env *env, unsigned int n);

#endif /* ISOLATE_BENCH_H */
