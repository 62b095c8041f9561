// SPDX-License-Identifier: GPL-2.0
/*
 * Phase g: many small cells. Creates n cells of a few rules each, timing
 * every create (by tenths, to show how the cost grows with the number of
 * cells), measures the memory they take, times an in-cell open while they
 * exist, and destroys them all, timing each destroy.
 *
 * Memory is read two ways: the memory cgroup the loader ran in, which
 * every allocation of isolate's maps is charged to (so its growth is
 * exactly the map memory of the cells), and /proc/meminfo (MemFree, Slab,
 * Percpu: everything a cell costs the machine, its cgroup included).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tools/bench/bench.h"

#define BATCHES 10
#define BENCH_TARGET_CELLS 10000

static struct isolate_cell_policy *policy_small(void)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new("bench-many");
	static const char *const caps[] = {
		"read:" BENCH_ROOT "/d2",
		"read:" BENCH_ROOT "/rules/f1",
		"read:" BENCH_ROOT "/rules/f2",
		"connect:tcp:10.0.0.1/32:443",
	};

	for (size_t i = 0; pol && i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (policy_add_text(pol, caps[i])) {
			isolate_cell_policy_free(pol);
			pol = NULL;
		}
	}
	return pol;
}

/* Map entries one small cell writes: its rules, its channel, its cell. */
static void record_entries(const struct isolate_cell_policy *pol)
{
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	if (isolate_compile(pol, &img, &diag))
		return;
	result_value("many.entries.inode_rules", "inode_rules entries per small cell (rules + channel)",
		     (double)img->n_inodes + 1, "entries");
	result_value("many.entries.net_rules", "net_rules entries per small cell",
		     (double)img->n_net, "entries");
	isolate_image_free(img);
}

struct mem {
	long long maps, free, slab, percpu;
};

/* Reclaimable caches out of the way, so that Slab and MemFree move only
 * with what was allocated. */
static void drop_caches(void)
{
	FILE *f = fopen("/proc/sys/vm/drop_caches", "we");

	sync();
	if (f) {
		fputs("3\n", f);
		fclose(f);
	}
}

static void mem_read(const struct bench_env *env, struct mem *m)
{
	drop_caches();
	m->maps = cgroup_memory_current(env->cg.maps);
	m->free = meminfo_bytes("MemFree");
	m->slab = meminfo_bytes("Slab");
	m->percpu = meminfo_bytes("Percpu");
}

static void record_mem(const struct mem *a, const struct mem *b, unsigned int n)
{
	if (a->maps >= 0 && b->maps >= 0) {
		result_value("many.mem.maps_per_cell",
			     "map memory per small cell (growth of the maps' memory cgroup / cells)",
			     (double)(b->maps - a->maps) / n, "bytes");
		result_value("many.mem.maps_all", "map memory of all the small cells",
			     (double)(b->maps - a->maps), "bytes");
	}
	if (a->free >= 0 && b->free >= 0) {
		result_value("many.mem.total_per_cell",
			     "memory per small cell, everything (drop of MemFree / cells)",
			     (double)(a->free - b->free) / n, "bytes");
		result_value("many.mem.total_all", "memory of all the small cells, everything",
			     (double)(a->free - b->free), "bytes");
	}
	if (a->slab >= 0 && b->slab >= 0)
		result_value("many.mem.slab_per_cell", "slab growth per small cell",
			     (double)(b->slab - a->slab) / n, "bytes");
	if (a->percpu >= 0 && b->percpu >= 0)
		result_value("many.mem.percpu_per_cell", "per-CPU memory growth per small cell",
			     (double)(b->percpu - a->percpu) / n, "bytes");
}

/*
 * Per-cell times by tenths: the mean, the first and last tenth, and a
 * least-squares line through the tenths against x, the number of cells in
 * the maps when the call ran (creates slow down with the cells that
 * exist, destroys with the rules left to scan). The line gives the
 * extrapolation to BENCH_TARGET_CELLS, labelled as such.
 */
static void record_times(const char *key, const char *what, const double *batch_ns,
			 const unsigned int *batch_n, const double *batch_x,
			 unsigned int total, bool destroy)
{
	double sum = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, a, b, m = 0, big;
	char k[96], w[240];
	int first = -1, last = -1;

	for (int i = 0; i < BATCHES; i++) {
		double y;

		if (!batch_n[i])
			continue;
		sum += batch_ns[i];
		y = batch_ns[i] / batch_n[i];
		sx += batch_x[i];
		sy += y;
		sxx += batch_x[i] * batch_x[i];
		sxy += batch_x[i] * y;
		m++;
		if (first < 0)
			first = i;
		last = i;
	}
	if (!total || first < 0)
		return;
	snprintf(k, sizeof(k), "%s.mean", key);
	snprintf(w, sizeof(w), "%s, mean over %u cells", what, total);
	result_value(k, w, sum / total, "ns");
	snprintf(k, sizeof(k), "%s.first_tenth", key);
	snprintf(w, sizeof(w), "%s, mean over the first tenth", what);
	result_value(k, w, batch_ns[first] / batch_n[first], "ns");
	snprintf(k, sizeof(k), "%s.last_tenth", key);
	snprintf(w, sizeof(w), "%s, mean over the last tenth", what);
	result_value(k, w, batch_ns[last] / batch_n[last], "ns");
	/* With the most cells in the maps over with the fewest. */
	if (batch_ns[first] > 0 && batch_ns[last] > 0) {
		double f = batch_ns[first] / batch_n[first], l = batch_ns[last] / batch_n[last];

		snprintf(k, sizeof(k), "%s.most_over_fewest", key);
		snprintf(w, sizeof(w), "%s: mean of the tenth with the most cells there / with the fewest",
			 what);
		result_value(k, w, destroy ? f / l : l / f, "x");
	}
	if (m < 2 || m * sxx - sx * sx <= 0)
		return;
	b = (m * sxy - sx * sy) / (m * sxx - sx * sx);
	a = (sy - b * sx) / m;
	snprintf(k, sizeof(k), "%s.fixed", key);
	snprintf(w, sizeof(w), "%s: fitted cost with no other cell", what);
	result_value(k, w, a, "ns");
	snprintf(k, sizeof(k), "%s.per_cell", key);
	snprintf(w, sizeof(w), "%s: fitted extra cost per cell in the maps", what);
	result_value(k, w, b, "ns");
	/* Measured, not extrapolated, once the run reached the target. */
	if (total >= BENCH_TARGET_CELLS)
		return;
	big = BENCH_TARGET_CELLS;
	snprintf(k, sizeof(k), "%s.at_10000", key);
	snprintf(w, sizeof(w), "%s with 10,000 cells in the maps (EXTRAPOLATED from the fit)",
		 what);
	result_value(k, w, a + b * big, "ns");
	snprintf(k, sizeof(k), "%s.total_10000", key);
	snprintf(w, sizeof(w), "%s: all 10,000, one after the other (EXTRAPOLATED from the fit)",
		 what);
	result_value(k, w, a * big + b * (destroy ? big * (big + 1) / 2 : big * (big - 1) / 2),
		     "ns");
}

static void many_name(unsigned int i, char *out, size_t len)
{
	snprintf(out, len, "bench-m%05u", i);
}

/* An open at depth 8 in a 10-rule cell while the n cells exist. */
static void probe_open(struct bench_env *env, unsigned int n)
{
	const char *name = "bench-many-probe";
	struct isolate_cell_policy *pol = policy_files(name, 8, 10);
	struct op_open op = { .expect = 0 };
	struct bench_loop loop = {
		.op = op_open_close, .arg = &op,
		.iters = bench_iters.open, .warmup = bench_iters.open_warmup,
	};
	struct bench_sample s = { 0 };
	char what[128];

	snprintf(what, sizeof(what), "open+close, depth 8, in a cell of 10 rules, with %u other cells",
		 n);

	tree_file(8, op.path, sizeof(op.path));
	if (!pol || cell_create_timed(env, name, pol, NULL)) {
		isolate_cell_policy_free(pol);
		result_fail("open.many.d8", what, "the cell could not be created");
		return;
	}
	isolate_cell_policy_free(pol);
	if (run_in_cell_loop(env, name, &loop, &s) || s.err)
		result_fail("open.many.d8", what, strerror(s.err ? s.err : EIO));
	else
		result_sample("open.many.d8", what, &s);
	cell_destroy_timed(env, name, NULL);
}

void phase_many(struct bench_env *env, unsigned int n)
{
	double create_ns[BATCHES] = { 0 }, destroy_ns[BATCHES] = { 0 };
	unsigned int create_n[BATCHES] = { 0 }, destroy_n[BATCHES] = { 0 };
	double create_x[BATCHES] = { 0 }, destroy_x[BATCHES] = { 0 };
	unsigned int per = n / BATCHES ? n / BATCHES : 1, created = 0, destroyed = 0;
	struct isolate_cell_policy *base = policy_small();
	struct mem m0, m1;
	char name[64];

	say("phase g: %u small cells", n);
	if (!base) {
		result_fail("many.create.mean", "small cells", "the policy could not be built");
		return;
	}
	record_entries(base);
	mem_read(env, &m0);
	for (unsigned int i = 0; i < n; i++) {
		struct isolate_cell_policy *pol;
		int b = (int)(i / per) < BATCHES ? (int)(i / per) : BATCHES - 1;
		double ns;

		many_name(i, name, sizeof(name));
		pol = isolate_cell_policy_dup_named(base, name);
		if (!pol || cell_create_timed(env, name, pol, &ns)) {
			isolate_cell_policy_free(pol);
			result_fail("many.create.failed", "creating small cells",
				    isolate_last_error());
			break;
		}
		isolate_cell_policy_free(pol);
		create_ns[b] += ns;
		create_x[b] += i;	/* cells there before this one */
		create_n[b]++;
		created++;
		if ((i + 1) % per == 0)
			say("%u cells created, the last tenth at %.0f ns each", i + 1,
			    create_ns[b] / create_n[b]);
	}
	isolate_cell_policy_free(base);
	mem_read(env, &m1);
	result_value("many.count", "small cells created", (double)created, "cells");
	for (int b = 0; b < BATCHES; b++)
		if (create_n[b])
			create_x[b] /= create_n[b];
	record_times("many.create", "isolate_cell_create of a small cell", create_ns, create_n,
		     create_x, created, false);
	if (created)
		record_mem(&m0, &m1, created);
	probe_open(env, created);
	for (unsigned int i = 0; i < created; i++) {
		int b = (int)(i / per) < BATCHES ? (int)(i / per) : BATCHES - 1;
		double ns;

		many_name(i, name, sizeof(name));
		if (cell_destroy_timed(env, name, &ns)) {
			result_fail("many.destroy.failed", "destroying small cells",
				    isolate_last_error());
			continue;
		}
		destroy_ns[b] += ns;
		destroy_x[b] += created - i;	/* cells there, this one included */
		destroy_n[b]++;
		destroyed++;
		if ((i + 1) % per == 0)
			say("%u cells destroyed, the last tenth at %.0f ns each", i + 1,
			    destroy_ns[b] / destroy_n[b]);
	}
	for (int b = 0; b < BATCHES; b++)
		if (destroy_n[b])
			destroy_x[b] /= destroy_n[b];
	record_times("many.destroy", "isolate_cell_destroy of a small cell", destroy_ns,
		     destroy_n, destroy_x, destroyed, true);
}
