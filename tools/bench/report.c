// SPDX-License-Identifier: GPL-2.0
/*
 * Results as they are measured, and the report made of them: markdown
 * tables (operations with their ratios and targets, the other
 * measurements, the targets) and one JSON object, each between marker
 * lines for tools/bench/run to cut out.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/bench/bench.h"

#define MAX_RESULTS	256
#define MAX_META	32
#define MAX_TARGETS	48

/*
 * The targets of issue 16 (7's, tightened): a process in no cell pays at
 * most NOCELL_OPEN_LIMIT on an open, a cell of 10,000 rules at most
 * MANY_RULES_LIMIT at depth 8; a change costs what it changes.
 */
#define NOCELL_OPEN_LIMIT	1.01
#define NOCELL_OTHER_LIMIT	1.02	/* connect, execve */
#define MANY_RULES_LIMIT	1.10
#define GRANT_SCALING_LIMIT	10.0	/* same grant: cell of 10,000 rules over 10 */
#define CELLS_SCALING_LIMIT	1.5	/* create/destroy: most cells over fewest */

struct result {
	char key[80];
	char what[200];
	char unit[16];
	double value, min, max, mean;
	unsigned int iters;	/* 0: not a loop */
	char error[200];	/* set: the measurement failed */
};

static struct result results[MAX_RESULTS];
static size_t n_results;

static struct {
	char key[32];
	char value[200];
} meta[MAX_META];
static size_t n_meta;

static struct result *slot(const char *key, const char *what)
{
	struct result *r = NULL;

	for (size_t i = 0; i < n_results; i++)
		if (!strcmp(results[i].key, key))
			r = &results[i];
	if (!r && n_results < MAX_RESULTS)
		r = &results[n_results++];
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->what, sizeof(r->what), "%s", what);
	return r;
}

void result_sample(const char *key, const char *what, const struct bench_sample *s)
{
	struct result *r = slot(key, what);

	if (!r)
		return;
	snprintf(r->unit, sizeof(r->unit), "ns/op");
	r->value = s->ns;
	r->min = s->min;
	r->max = s->max;
	r->mean = s->mean;
	r->iters = s->iters;
	say("%-28s %12.1f ns/op  (rounds %.1f .. %.1f, %u ops)  %s", key, s->ns, s->min, s->max,
	    s->iters, what);
}

void result_value(const char *key, const char *what, double value, const char *unit)
{
	struct result *r = slot(key, what);

	if (!r)
		return;
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->value = r->min = r->max = value;
	say("%-28s %14.1f %s  %s", key, value, unit, what);
}

void result_fail(const char *key, const char *what, const char *why)
{
	struct result *r = slot(key, what);

	if (!r)
		return;
	snprintf(r->error, sizeof(r->error), "%s", why && *why ? why : "failed");
	say("%-28s FAILED: %s  (%s)", key, r->error, what);
}

static const struct result *find(const char *key)
{
	for (size_t i = 0; i < n_results; i++)
		if (!strcmp(results[i].key, key))
			return &results[i];
	return NULL;
}

bool result_get(const char *key, double *value)
{
	const struct result *r = find(key);

	if (!r || r->error[0])
		return false;
	*value = r->value;
	return true;
}

int result_failures(void)
{
	int n = 0;

	for (size_t i = 0; i < n_results; i++)
		n += results[i].error[0] != 0;
	return n;
}

void result_meta(const char *key, const char *fmt, ...)
{
	va_list ap;

	if (n_meta == MAX_META)
		return;
	snprintf(meta[n_meta].key, sizeof(meta[n_meta].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(meta[n_meta].value, sizeof(meta[n_meta].value), fmt, ap);
	va_end(ap);
	n_meta++;
}

/* ---- Targets ------------------------------------------------------------------ */

struct target {
	char name[160];
	char measured[160];
	double value, limit;
	int met;		/* 1, 0, or -1: not measured */
};

static struct target targets[MAX_TARGETS];
static size_t n_targets;

static void target_add(const char *name, const char *measured, double value, double limit,
		       int met)
{
	struct target *t;

	if (n_targets == MAX_TARGETS)
		return;
	t = &targets[n_targets++];
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->measured, sizeof(t->measured), "%s", measured);
	t->value = value;
	t->limit = limit;
	t->met = met;
}

static bool ratio(const char *key, const char *base, double *out)
{
	double v, b;

	if (!result_get(key, &v) || !result_get(base, &b) || b <= 0)
		return false;
	*out = v / b;
	return true;
}

/* A target "key / base <= limit". */
static void target_ratio(const char *name, const char *key, const char *base, double limit)
{
	char text[160];
	double r;

	if (!ratio(key, base, &r)) {
		target_add(name, "not measured", NAN, limit, -1);
		return;
	}
	snprintf(text, sizeof(text), "%.3f×", r);
	target_add(name, text, r, limit, r <= limit);
}

/* In-cell open no worse than Landlock, by ratio to the same baseline. */
static void target_landlock(int depth, int rules)
{
	char name[160], text[160], cell[64], ll[64], base[64];
	double rc, rl;

	snprintf(cell, sizeof(cell), "open.cell.r%d.d%d", rules, depth);
	snprintf(ll, sizeof(ll), "open.landlock.r%d.d%d", rules, depth);
	snprintf(base, sizeof(base), "open.none.d%d", depth);
	snprintf(name, sizeof(name), "in-cell open, depth %d, %d rules ≤ Landlock's ratio", depth,
		 rules);
	if (!ratio(cell, base, &rc) || !ratio(ll, base, &rl)) {
		target_add(name, "not measured", NAN, NAN, -1);
		return;
	}
	snprintf(text, sizeof(text), "%.3f× vs Landlock %.3f×", rc, rl);
	target_add(name, text, rc, rl, rc <= rl);
}

/* Going from 10 to 10,000 rules changes the in-cell open by at most 3 %. */
static void target_scaling(int depth)
{
	char name[160], text[160], lo[64], hi[64];
	double r;

	snprintf(lo, sizeof(lo), "open.cell.r10.d%d", depth);
	snprintf(hi, sizeof(hi), "open.cell.r10000.d%d", depth);
	snprintf(name, sizeof(name), "in-cell open, depth %d: 10 → 10,000 rules changes it ≤ 3 %%",
		 depth);
	if (!ratio(hi, lo, &r)) {
		target_add(name, "not measured", NAN, 0.03, -1);
		return;
	}
	snprintf(text, sizeof(text), "%+.2f %%", (r - 1) * 100);
	target_add(name, text, fabs(r - 1), 0.03, fabs(r - 1) <= 0.03);
}

/* The supervisor keeps up with a flooding cell: nothing lost, less CPU per event. */
static void target_events(void)
{
	const char *name = "events: 0 lost, supervisor's CPU per event ≤ the flooding cell's per denial";
	char text[160];
	double lost, r;

	if (!result_get("events.lost", &lost) ||
	    !ratio("events.consumer_ns", "events.producer_ns", &r)) {
		target_add(name, "not measured", NAN, 1, -1);
		return;
	}
	snprintf(text, sizeof(text), "%.0f lost, %.3f×", lost, r);
	target_add(name, text, r, 1, lost == 0 && r <= 1);
}

static void targets_compute(void)
{
	char name[160], key[64], base[64];

	n_targets = 0;
	snprintf(name, sizeof(name), "in-cell open, depth 8, 10,000 rules ≤ %.2f× no programs",
		 MANY_RULES_LIMIT);
	target_ratio(name, "open.cell.r10000.d8", "open.none.d8", MANY_RULES_LIMIT);
	target_landlock(8, 10000);
	target_scaling(8);
	snprintf(name, sizeof(name), "process in no cell: open, depth 8 ≤ %.2f×", NOCELL_OPEN_LIMIT);
	target_ratio(name, "open.nocell.d8", "open.none.d8", NOCELL_OPEN_LIMIT);
	target_ratio("connect, cell of 10 rules ≤ 1.05×", "connect.cell.n10", "connect.none", 1.05);
	target_ratio("connect, cell of 10,000 rules ≤ 1.05×", "connect.cell.n10000", "connect.none",
		     1.05);
	target_ratio("execve in a cell ≤ 1.03×", "exec.cell", "exec.none", 1.03);
	/* The same targets at the other depths and rule counts. */
	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		int depth = bench_depths[d];

		for (int r = 0; r < BENCH_N_RULES; r++) {
			if (depth == 8 && bench_rule_counts[r] == 10000)
				continue;
			target_landlock(depth, bench_rule_counts[r]);
		}
		if (depth != 8) {
			target_scaling(depth);
			snprintf(name, sizeof(name), "process in no cell: open, depth %d ≤ %.2f×",
				 depth, NOCELL_OPEN_LIMIT);
			snprintf(key, sizeof(key), "open.nocell.d%d", depth);
			snprintf(base, sizeof(base), "open.none.d%d", depth);
			target_ratio(name, key, base, NOCELL_OPEN_LIMIT);
		}
	}
	target_ratio("process in no cell: connect ≤ 1.02×", "connect.nocell", "connect.none",
		     NOCELL_OTHER_LIMIT);
	target_ratio("process in no cell: execve ≤ 1.02×", "exec.nocell", "exec.none",
		     NOCELL_OTHER_LIMIT);
	target_ratio("create of a small cell: last tenth over first tenth ≤ 1.5×",
		     "many.create.last_tenth", "many.create.first_tenth", CELLS_SCALING_LIMIT);
	target_ratio("destroy of a small cell: first tenth (most cells) over last ≤ 1.5×",
		     "many.destroy.first_tenth", "many.destroy.last_tenth", CELLS_SCALING_LIMIT);
	target_ratio("grant of 1 rule: into a cell of 10,000 rules over one of 10 ≤ 10×",
		     "grant.r10000.idle1", "grant.r10.idle1", GRANT_SCALING_LIMIT);
	target_ratio("grant of 100 rules: into a cell of 10,000 rules over one of 10 ≤ 10×",
		     "grant.r10000.idle100", "grant.r10.idle100", GRANT_SCALING_LIMIT);
	target_events();
}

/* ---- Markdown -------------------------------------------------------------------- */

static const char *met_text(int met)
{
	return met < 0 ? "—" : met ? "yes" : "**no**";
}

/* 12345.6 -> "12,346" */
static const char *grouped(double v, char *buf, size_t len)
{
	char digits[64];
	long long n = llround(fabs(v));
	size_t nd, o = 0;

	snprintf(digits, sizeof(digits), "%lld", n);
	nd = strlen(digits);
	if (v < 0 && o + 1 < len)
		buf[o++] = '-';
	for (size_t i = 0; i < nd && o + 2 < len; i++) {
		if (i && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* A row of the operations table; target: text, or NULL. */
static void op_row(FILE *out, const char *label, const char *key, const char *base,
		   const char *target, double limit)
{
	const struct result *r = find(key);
	char num[48], rt[32] = "—";
	double q = 0;
	int met = -1;

	if (!r) {
		fprintf(out, "| %s | not measured | | %s | — |\n", label, target ? target : "");
		return;
	}
	if (r->error[0]) {
		fprintf(out, "| %s | failed: %s | | %s | — |\n", label, r->error,
			target ? target : "");
		return;
	}
	if (base && ratio(key, base, &q)) {
		snprintf(rt, sizeof(rt), "%.3f×", q);
		if (target && limit > 0)
			met = q <= limit;
	}
	fprintf(out, "| %s | %s | %s | %s | %s |\n", label, grouped(r->value, num, sizeof(num)), rt,
		target ? target : "", target ? met_text(met) : "");
}

static void ops_table(FILE *out)
{
	char label[160], key[64], base[64], tgt[96];

	fprintf(out, "| Configuration | ns/op (= guest instructions) | × no programs | Target | Met |\n");
	fprintf(out, "|---|---:|---:|---|---|\n");
	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		int depth = bench_depths[d];

		snprintf(base, sizeof(base), "open.none.d%d", depth);
		snprintf(label, sizeof(label), "open+close, depth %d: no programs attached", depth);
		op_row(out, label, base, base, NULL, 0);
		snprintf(label, sizeof(label), "open+close, depth %d: empty BPF programs (calibration)",
			 depth);
		snprintf(key, sizeof(key), "open.null.d%d", depth);
		op_row(out, label, key, base, NULL, 0);
		snprintf(label, sizeof(label),
			 "open+close, depth %d: an empty lsm_cgroup program, task outside its cgroup (calibration)",
			 depth);
		snprintf(key, sizeof(key), "open.cgnull.d%d", depth);
		op_row(out, label, key, base, NULL, 0);
		snprintf(label, sizeof(label), "open+close, depth %d: programs attached, task in no cell",
			 depth);
		snprintf(key, sizeof(key), "open.nocell.d%d", depth);
		snprintf(tgt, sizeof(tgt), "≤ %.2f×", NOCELL_OPEN_LIMIT);
		op_row(out, label, key, base, tgt, NOCELL_OPEN_LIMIT);
		for (int r = 0; r < BENCH_N_RULES; r++) {
			int rules = bench_rule_counts[r];
			bool many = depth == 8 && rules == BENCH_MAX_RULES;
			double rl;
			char ll[64];

			snprintf(ll, sizeof(ll), "open.landlock.r%d.d%d", rules, depth);
			snprintf(label, sizeof(label), "open+close, depth %d: in a cell, %d rules", depth,
				 rules);
			snprintf(key, sizeof(key), "open.cell.r%d.d%d", rules, depth);
			if (ratio(ll, base, &rl)) {
				if (many)
					snprintf(tgt, sizeof(tgt), "≤ %.2f×, ≤ Landlock (%.3f×)",
						 MANY_RULES_LIMIT, rl);
				else
					snprintf(tgt, sizeof(tgt), "≤ Landlock (%.3f×)", rl);
				op_row(out, label, key, base, tgt,
				       many ? fmin(MANY_RULES_LIMIT, rl) : rl);
			} else {
				snprintf(tgt, sizeof(tgt), "≤ %.2f×", MANY_RULES_LIMIT);
				op_row(out, label, key, base, many ? tgt : NULL,
				       many ? MANY_RULES_LIMIT : 0);
			}
			snprintf(label, sizeof(label), "open+close, depth %d: Landlock, %d rules", depth,
				 rules);
			op_row(out, label, ll, base, NULL, 0);
		}
	}
	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		snprintf(label, sizeof(label),
			 "open+close, depth %d: in a cell, 10 rules, the grant on the file itself (1 step)",
			 bench_depths[d]);
		snprintf(key, sizeof(key), "open.cell.atfile.d%d", bench_depths[d]);
		snprintf(base, sizeof(base), "open.none.d%d", bench_depths[d]);
		op_row(out, label, key, base, NULL, 0);
	}
	op_row(out, "denied open, depth 8, in a cell (event included)", "open.denied.d8",
	       "open.none.d8", NULL, 0);
	op_row(out, "open+close, depth 8: in a cell, 10 rules, among the many cells",
	       "open.many.d8", "open.none.d8", NULL, 0);
	op_row(out, "connect (loopback): no programs attached", "connect.none", "connect.none",
	       NULL, 0);
	op_row(out, "connect: empty BPF programs (calibration)", "connect.null", "connect.none",
	       NULL, 0);
	op_row(out, "connect: programs attached, task in no cell", "connect.nocell", "connect.none",
	       "≤ 1.02×", NOCELL_OTHER_LIMIT);
	op_row(out, "connect: in a cell, 10 network rules", "connect.cell.n10", "connect.none",
	       "≤ 1.05×", 1.05);
	op_row(out, "connect: in a cell, 10,000 network rules", "connect.cell.n10000",
	       "connect.none", "≤ 1.05×", 1.05);
	op_row(out, "execve of /bin/true: no programs attached", "exec.none", "exec.none", NULL, 0);
	op_row(out, "execve: empty BPF programs (calibration)", "exec.null", "exec.none", NULL, 0);
	op_row(out, "execve: programs attached, task in no cell", "exec.nocell", "exec.none",
	       "≤ 1.02×", NOCELL_OTHER_LIMIT);
	op_row(out, "execve: in a cell (exec:/bin)", "exec.cell", "exec.none", "≤ 1.03×", 1.03);
}

/* A row of the other measurements: value scaled to unit. */
static void other_row(FILE *out, const char *label, const char *key, double scale,
		      const char *unit)
{
	const struct result *r = find(key);
	char num[48];

	if (!r)
		return;
	if (r->error[0]) {
		fprintf(out, "| %s | failed: %s |\n", label, r->error);
		return;
	}
	if (!strcmp(unit, "%"))
		fprintf(out, "| %s | %.3f %% |\n", label, r->value * scale);
	else if (scale == 1 && strcmp(unit, "×"))
		fprintf(out, "| %s | %s %s |\n", label, grouped(r->value, num, sizeof(num)), unit);
	else
		fprintf(out, "| %s | %.3f %s |\n", label, r->value * scale, unit);
}

static void other_table(FILE *out)
{
	char label[160], key[96];
	double n = 0;

	fprintf(out, "| Measurement | Value |\n|---|---:|\n");
	other_row(out, "isolate_load (load + attach + pin, fresh)", "load.time", 1e-6, "ms");
	other_row(out, "memory charged by the load (maps + programs)", "load.memory", 1.0 / 1024,
		  "KiB");
	for (int r = 0; r < BENCH_N_RULES; r++) {
		int rules = bench_rule_counts[r];

		snprintf(label, sizeof(label), "isolate_cell_create, %d file rules", rules);
		snprintf(key, sizeof(key), "open.cell.r%d.d8.create", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label), "… of which isolate_compile, %d file rules", rules);
		snprintf(key, sizeof(key), "open.cell.r%d.d8.compile", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label), "isolate_cell_destroy, %d file rules", rules);
		snprintf(key, sizeof(key), "open.cell.r%d.d8.destroy", rules);
		other_row(out, label, key, 1e-6, "ms");
	}
	for (int i = 0; i < 2; i++) {
		int rules = i ? 10000 : 10;

		snprintf(label, sizeof(label), "isolate_cell_create, %d network rules", rules);
		snprintf(key, sizeof(key), "connect.cell.n%d.create", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label), "… of which isolate_compile, %d network rules", rules);
		snprintf(key, sizeof(key), "connect.cell.n%d.compile", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label), "net_rules entries for %d network rules", rules);
		snprintf(key, sizeof(key), "connect.cell.n%d.entries", rules);
		other_row(out, label, key, 1, "");
		snprintf(label, sizeof(label), "isolate_cell_destroy, %d network rules", rules);
		snprintf(key, sizeof(key), "connect.cell.n%d.destroy", rules);
		other_row(out, label, key, 1e-6, "ms");
	}
	for (int i = 0; i < 2; i++) {
		int rules = i ? 10000 : 10;

		snprintf(label, sizeof(label),
			 "grant, cell of %d rules: isolate_cell_grant call, a process of the cell spinning on open",
			 rules);
		snprintf(key, sizeof(key), "grant.r%d.call", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label), "grant, cell of %d rules: call start → enforced (child's open succeeds)",
			 rules);
		snprintf(key, sizeof(key), "grant.r%d.after_start", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label), "grant, cell of %d rules: call return → child's open succeeds",
			 rules);
		snprintf(key, sizeof(key), "grant.r%d.after_return", rules);
		other_row(out, label, key, 1e-6, "ms");
	}
	for (int i = 0; i < 2; i++) {
		int rules = i ? 10000 : 10;

		snprintf(label, sizeof(label), "grant of 1 rule, cell of %d rules, nothing running",
			 rules);
		snprintf(key, sizeof(key), "grant.r%d.idle1", rules);
		other_row(out, label, key, 1e-6, "ms");
		snprintf(label, sizeof(label),
			 "grant of %d rules in one call, cell of %d rules, nothing running",
			 BENCH_BATCH, rules);
		snprintf(key, sizeof(key), "grant.r%d.idle%d", rules, BENCH_BATCH);
		other_row(out, label, key, 1e-6, "ms");
	}
	other_row(out, "deny events drained by the supervisor, per second (guest time)",
		  "events.per_s", 1, "events/s");
	other_row(out, "supervisor CPU per drained event (= instructions)", "events.consumer_ns", 1,
		  "");
	other_row(out, "flooding cell's CPU per denied open (= instructions)", "events.producer_ns",
		  1, "");
	other_row(out, "deny events sent by the flooding cell", "events.sent", 1, "");
	other_row(out, "deny events lost (ring buffer full)", "events.lost", 1, "");
	other_row(out, "loss", "events.loss", 100, "%");
	other_row(out, "deny events lost during the denied-open loop (must be 0)",
		  "open.denied.d8.events_lost", 1, "");
	if (result_get("many.count", &n)) {
		snprintf(label, sizeof(label), "small cells created (4 rules each: 3 files, 1 address)");
		other_row(out, label, "many.count", 1, "");
	}
	other_row(out, "isolate_cell_create of a small cell, mean", "many.create.mean", 1e-6, "ms");
	other_row(out, "… first tenth of the cells", "many.create.first_tenth", 1e-6, "ms");
	other_row(out, "… last tenth of the cells", "many.create.last_tenth", 1e-6, "ms");
	other_row(out, "… last tenth / first tenth (target ≤ 1.5×)", "many.create.most_over_fewest",
		  1, "×");
	other_row(out, "… fitted: with no other cell", "many.create.fixed", 1e-6, "ms");
	other_row(out, "… fitted: extra per cell already there", "many.create.per_cell", 1e-3, "µs");
	other_row(out, "… with 10,000 cells there (extrapolated)", "many.create.at_10000", 1e-6, "ms");
	other_row(out, "… creating 10,000, total (extrapolated)", "many.create.total_10000", 1e-9, "s");
	other_row(out, "isolate_cell_destroy of a small cell, mean", "many.destroy.mean", 1e-6, "ms");
	other_row(out, "… first tenth destroyed (most cells left)", "many.destroy.first_tenth", 1e-6,
		  "ms");
	other_row(out, "… last tenth destroyed", "many.destroy.last_tenth", 1e-6, "ms");
	other_row(out, "… first tenth / last tenth (target ≤ 1.5×)", "many.destroy.most_over_fewest",
		  1, "×");
	other_row(out, "… fitted: the last cell", "many.destroy.fixed", 1e-6, "ms");
	other_row(out, "… fitted: extra per cell still there", "many.destroy.per_cell", 1e-3, "µs");
	other_row(out, "… with 10,000 cells there (extrapolated)", "many.destroy.at_10000", 1e-6,
		  "ms");
	other_row(out, "… destroying 10,000, total (extrapolated)", "many.destroy.total_10000", 1e-9,
		  "s");
	other_row(out, "map entries per small cell: inode_rules (+ channel)",
		  "many.entries.inode_rules", 1, "");
	other_row(out, "map entries per small cell: net_rules", "many.entries.net_rules", 1, "");
	other_row(out, "map memory per small cell (maps' memory cgroup)", "many.mem.maps_per_cell",
		  1, "bytes");
	other_row(out, "… map memory of all the small cells", "many.mem.maps_all", 1.0 / 1048576,
		  "MiB");
	other_row(out, "all memory per small cell (MemFree drop, cgroup included)",
		  "many.mem.total_per_cell", 1, "bytes");
	other_row(out, "… all memory of all the small cells", "many.mem.total_all", 1.0 / 1048576,
		  "MiB");
	other_row(out, "… slab growth per cell", "many.mem.slab_per_cell", 1, "bytes");
	other_row(out, "… per-CPU growth per cell", "many.mem.percpu_per_cell", 1, "bytes");
	other_row(out, "the whole benchmark, guest time", "bench.duration", 1e-9, "s");
}

/* a - b, when both were measured. */
static bool diff(const char *a, const char *b, double *out)
{
	double x, y;

	if (!result_get(a, &x) || !result_get(b, &y))
		return false;
	*out = x - y;
	return true;
}

/*
 * Where the instructions of an in-cell open go, from differences of the
 * loops (same path lookups, one thing changed at a time); recorded as
 * derived results so the JSON has them too.
 */
static void derive(void)
{
	char k[96], a[64], b[64];
	double v, w, base8, base32;

	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		int depth = bench_depths[d];

		snprintf(a, sizeof(a), "open.null.d%d", depth);
		snprintf(b, sizeof(b), "open.none.d%d", depth);
		snprintf(k, sizeof(k), "derived.trampolines.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "empty BPF programs over none: trampolines alone", v, "ns");
		snprintf(a, sizeof(a), "open.cgnull.d%d", depth);
		snprintf(k, sizeof(k), "derived.cgroup_shim.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "an empty lsm_cgroup program elsewhere over none: the shim alone",
				     v, "ns");
		snprintf(a, sizeof(a), "open.nocell.d%d", depth);
		snprintf(b, sizeof(b), "open.null.d%d", depth);
		snprintf(k, sizeof(k), "derived.nocell_check.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "isolate's programs over empty ones, task in no cell", v, "ns");
		snprintf(a, sizeof(a), "open.cell.atfile.d%d", depth);
		snprintf(b, sizeof(b), "open.none.d%d", depth);
		snprintf(k, sizeof(k), "derived.cell_one_step.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "in a cell, grant on the file (1 step), over none", v, "ns");
		snprintf(a, sizeof(a), "open.cell.r10.d%d", depth);
		snprintf(k, sizeof(k), "derived.cell_tree.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "in a cell, grant on the tree (depth + 2 steps), over none", v,
				     "ns");
		snprintf(b, sizeof(b), "open.cell.atfile.d%d", depth);
		snprintf(k, sizeof(k), "derived.per_step.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "one step of the walk: (tree - file) / (depth + 1)",
				     v / (depth + 1), "ns");
		snprintf(a, sizeof(a), "open.landlock.r10.d%d", depth);
		snprintf(b, sizeof(b), "open.none.d%d", depth);
		snprintf(k, sizeof(k), "derived.landlock.d%d", depth);
		if (diff(a, b, &v))
			result_value(k, "Landlock, 10 rules, over none", v, "ns");
	}
	for (int i = 0; i < CAL_COUNT; i++) {
		snprintf(a, sizeof(a), "open.cal_%s.d8", cal_names[i]);
		snprintf(k, sizeof(k), "derived.step.%s", cal_names[i]);
		if (diff(a, "open.null.d8", &v))
			result_value(k, "one step alone on file_open, over an empty program", v, "ns");
	}
	if (result_get("derived.cell_tree.d8", &base8) &&
	    result_get("derived.cell_tree.d32", &base32))
		result_value("derived.per_step.d8_d32", "isolate: one step, from depth 8 to 32",
			     (base32 - base8) / 24, "ns");
	if (result_get("derived.landlock.d8", &v) && result_get("derived.landlock.d32", &w))
		result_value("derived.landlock_per_step.d8_d32",
			     "Landlock: one step, from depth 8 to 32", (w - v) / 24, "ns");
}

static void breakdown_row(FILE *out, const char *label, const char *fmt)
{
	char key[96], num[48];
	double v;

	fprintf(out, "| %s |", label);
	for (int d = 0; d < BENCH_N_DEPTHS; d++) {
		snprintf(key, sizeof(key), fmt, bench_depths[d]);
		if (result_get(key, &v))
			fprintf(out, " %s |", grouped(v, num, sizeof(num)));
		else
			fprintf(out, " — |");
	}
	fputc('\n', out);
}

static void breakdown_table(FILE *out)
{
	double v;

	fprintf(out, "| ns (= instructions) per open+close, over no programs | depth 2 | depth 8 | depth 32 |\n");
	fprintf(out, "|---|---:|---:|---:|\n");
	breakdown_row(out, "trampolines: empty programs on isolate's hooks", "derived.trampolines.d%d");
	breakdown_row(out, "cgroup-attached: an empty lsm_cgroup program, task outside its cgroup",
		      "derived.cgroup_shim.d%d");
	breakdown_row(out, "isolate's check for a task in no cell, on top", "derived.nocell_check.d%d");
	breakdown_row(out, "in a cell, grant on the file (walk of 1 step)", "derived.cell_one_step.d%d");
	breakdown_row(out, "in a cell, grant on the tree (walk of depth + 2 steps)", "derived.cell_tree.d%d");
	breakdown_row(out, "one step of the walk: (tree − file) / (depth + 1)", "derived.per_step.d%d");
	breakdown_row(out, "Landlock, 10 rules", "derived.landlock.d%d");
	if (result_get("derived.per_step.d8_d32", &v))
		fprintf(out, "\nOne step from depth 8 to 32: isolate %.0f", v);
	if (result_get("derived.landlock_per_step.d8_d32", &v))
		fprintf(out, ", Landlock %.0f", v);
	fprintf(out, " instructions.\n");
	fprintf(out, "\n| One program alone on file_open, over an empty one (depth 8) | ns |\n|---|---:|\n");
	if (result_get("derived.step.ancestor", &v))
		fprintf(out, "| bpf_get_current_ancestor_cgroup_id() | %.0f |\n", v);
	if (result_get("derived.step.cell_lookup", &v))
		fprintf(out, "| bpf_get_current_cgroup_id() + hash lookup, 8-byte key (like `cells`) | %.0f |\n", v);
	if (result_get("derived.step.rule_lookup", &v))
		fprintf(out, "| hash lookup, 16-byte key from the file's inode (like `inode_rules`) | %.0f |\n", v);
	fprintf(out, "| task's cgroup + bpf_cgrp_storage_get() (Linux 6.2 on) |");
	if (result_get("derived.step.cgrp_storage", &v))
		fprintf(out, " %.0f |\n", v);
	else
		fprintf(out, " — |\n");
}

static void targets_table(FILE *out)
{
	fprintf(out, "| Target | Measured | Met |\n|---|---|---|\n");
	for (size_t i = 0; i < n_targets; i++)
		fprintf(out, "| %s | %s | %s |\n", targets[i].name, targets[i].measured,
			met_text(targets[i].met));
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_number(FILE *out, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.4f", v);
}

static void json_write(FILE *out)
{
	fprintf(out, "{\n  \"format\": \"isolate-bench/1\",\n  \"meta\": {");
	for (size_t i = 0; i < n_meta; i++) {
		fprintf(out, "%s\n    ", i ? "," : "");
		json_string(out, meta[i].key);
		fputs(": ", out);
		json_string(out, meta[i].value);
	}
	fprintf(out, "\n  },\n  \"results\": {");
	for (size_t i = 0; i < n_results; i++) {
		const struct result *r = &results[i];

		fprintf(out, "%s\n    ", i ? "," : "");
		json_string(out, r->key);
		fputs(": {\"what\": ", out);
		json_string(out, r->what);
		if (r->error[0]) {
			fputs(", \"error\": ", out);
			json_string(out, r->error);
		} else {
			fputs(", \"value\": ", out);
			json_number(out, r->value);
			fputs(", \"unit\": ", out);
			json_string(out, r->unit);
			if (r->iters) {
				fputs(", \"min\": ", out);
				json_number(out, r->min);
				fputs(", \"max\": ", out);
				json_number(out, r->max);
				fputs(", \"mean\": ", out);
				json_number(out, r->mean);
				fprintf(out, ", \"ops\": %u", r->iters);
			}
		}
		fputc('}', out);
	}
	fprintf(out, "\n  },\n  \"targets\": [");
	for (size_t i = 0; i < n_targets; i++) {
		const struct target *t = &targets[i];

		fprintf(out, "%s\n    {\"target\": ", i ? "," : "");
		json_string(out, t->name);
		fputs(", \"measured\": ", out);
		json_string(out, t->measured);
		fputs(", \"value\": ", out);
		json_number(out, t->value);
		fputs(", \"limit\": ", out);
		json_number(out, t->limit);
		fprintf(out, ", \"met\": %s}", t->met < 0 ? "null" : t->met ? "true" : "false");
	}
	fprintf(out, "\n  ]\n}\n");
}

void report_write(FILE *out)
{
	derive();
	targets_compute();
	fprintf(out, "%s\n", BENCH_MD_BEGIN);
	fprintf(out, "### Operations\n\n");
	ops_table(out);
	fprintf(out, "\n### Targets\n\n");
	targets_table(out);
	fprintf(out, "\n### Where the instructions go\n\n");
	breakdown_table(out);
	fprintf(out, "\n### Other measurements\n\n");
	other_table(out);
	fprintf(out, "%s\n", BENCH_MD_END);
	fprintf(out, "%s\n", BENCH_JSON_BEGIN);
	json_write(out);
	fprintf(out, "%s\n", BENCH_JSON_END);
	fflush(out);
}
