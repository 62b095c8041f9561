// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/app_metrics.h"

struct series {
	char name[ISOLATE_METRIC_NAME_MAX];
	__u32 kind;
	__s64 value;
	const char *cell;	/* its cell's name */
};

struct app_cell {
	__u64 cgid;
	char name[64];
	__u64 dropped;
	size_t n;
	struct series series[APP_METRICS_PER_CELL];
};

/*
 * Destroyed cells whose reports may still be queued behind their end (a
 * cell flooding its ring before it ends): they must not make its entry
 * again. Its reports were all made before its end, so once a report made
 * after that end is read, the ring has given all of its reports already.
 * The bound: what is queued at a cell's end (a ring's worth, under 2,000
 * reports) is read 256 a poll, as destroyed events are, so that fewer than
 * 2,500 other cells' ends are read meanwhile.
 */
#define GONE_MAX 4096

struct gone {
	__u64 cgid;
	__u64 destroyed_ns;	/* CLOCK_MONOTONIC, as events' ts_ns */
};

struct app_metrics {
	struct app_cell **cells;
	size_t n, cap;
	struct gone gone[GONE_MAX];	/* a ring, oldest first from gone_at */
	size_t gone_at, n_gone;
};

struct app_metrics *app_metrics_new(void)
{
	return calloc(1, sizeof(struct app_metrics));
}

void app_metrics_free(struct app_metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->cells[i]);
	free(m->cells);
	free(m);
}

/* The family the supervisor writes itself: a cell's series of it would make a second. */
#define DROPPED_FAMILY "metrics_dropped_total"

static bool valid_name(const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	if (!len || len == max || (s[0] >= '0' && s[0] <= '9') || !strcmp(s, DROPPED_FAMILY))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
			return false;
	return true;
}

/* The cell's entry, made on its first report; NULL when out of memory. */
static struct app_cell *cell_of(struct app_metrics *m, __u64 cgid, const char *name)
{
	struct app_cell *c;

	for (size_t i = 0; i < m->n; i++)
		if (m->cells[i]->cgid == cgid)
			return m->cells[i];
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct app_cell **grown = realloc(m->cells, cap * sizeof(*grown));

		if (!grown)
			return NULL;
		m->cells = grown;
		m->cap = cap;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cgid = cgid;
	snprintf(c->name, sizeof(c->name), "%s", name);
	m->cells[m->n++] = c;
	return c;
}

static __s64 saturating_add(__s64 a, __s64 b)
{
	__s64 sum;

	if (!__builtin_add_overflow(a, b, &sum))
		return sum;
	return b > 0 ? INT64_MAX : INT64_MIN;
}

/* Whether the report e of cgid came from a cell destroyed since. */
static bool from_gone_cell(struct app_metrics *m, __u64 cgid,
			   const struct isolate_event_metric *e)
{
	while (m->n_gone && m->gone[m->gone_at].destroyed_ns < e->hdr.ts_ns) {
		m->gone_at = (m->gone_at + 1) % GONE_MAX;
		m->n_gone--;
	}
	for (size_t i = 0; i < m->n_gone; i++)
		if (m->gone[(m->gone_at + i) % GONE_MAX].cgid == cgid)
			return true;
	return false;
}

bool app_metrics_add(struct app_metrics *m, __u64 cgid, const char *cell,
		     const struct isolate_event_metric *e)
{
	struct app_cell *c = from_gone_cell(m, cgid, e) ? NULL : cell_of(m, cgid, cell);
	struct series *s = NULL;

	if (!c)
		return false;
	if (!valid_name(e->name, sizeof(e->name)) || e->kind > ISOLATE_METRIC_GAUGE) {
		c->dropped++;
		return false;
	}
	for (size_t i = 0; i < c->n && !s; i++)
		if (!strcmp(c->series[i].name, e->name))
			s = &c->series[i];
	if (!s) {
		if (c->n == APP_METRICS_PER_CELL) {
			c->dropped++;
			return false;
		}
		s = &c->series[c->n++];
		snprintf(s->name, sizeof(s->name), "%s", e->name);
		s->kind = e->kind;
		s->cell = c->name;
	}
	if (s->kind != e->kind) {
		c->dropped++;
		return false;
	}
	s->value = s->kind == ISOLATE_METRIC_GAUGE ? e->value : saturating_add(s->value, e->value);
	return true;
}

void app_metrics_forget(struct app_metrics *m, __u64 cgid, __u64 destroyed_ns)
{
	/* Full: the oldest goes (its reports were all read long since). */
	if (m->n_gone == GONE_MAX) {
		m->gone_at = (m->gone_at + 1) % GONE_MAX;
		m->n_gone--;
	}
	m->gone[(m->gone_at + m->n_gone++) % GONE_MAX] = (struct gone){ cgid, destroyed_ns };
	for (size_t i = 0; i < m->n; i++) {
		if (m->cells[i]->cgid == cgid) {
			free(m->cells[i]);
			m->cells[i] = m->cells[--m->n];
			return;
		}
	}
}

static int by_name(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a;
	const struct series *y = *(const struct series *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->cell, y->cell);
}

/* The TYPE of the family of series[from..]: one kind, or untyped when cells differ. */
static const char *family_type(struct series *const *series, size_t from, size_t n)
{
	for (size_t i = from + 1; i < n && !strcmp(series[i]->name, series[from]->name); i++)
		if (series[i]->kind != series[from]->kind)
			return "untyped";
	return series[from]->kind == ISOLATE_METRIC_GAUGE ? "gauge" : "counter";
}

void app_metrics_write(const struct app_metrics *m, FILE *out)
{
	struct series **all;
	size_t n = 0;

	fprintf(out, "# HELP isolate_app_" DROPPED_FAMILY " Program metrics ignored: invalid or reserved names, invalid kinds, a kind other than the series', or more than %d series in the cell.\n"
		"# TYPE isolate_app_" DROPPED_FAMILY " counter\n", APP_METRICS_PER_CELL);
	for (size_t i = 0; i < m->n; i++)
		fprintf(out, "isolate_app_" DROPPED_FAMILY "{cell=\"%s\"} %llu\n",
			m->cells[i]->name, (unsigned long long)m->cells[i]->dropped);
	all = calloc(m->n * APP_METRICS_PER_CELL + 1, sizeof(*all));
	if (!all)
		return;
	for (size_t i = 0; i < m->n; i++)
		for (size_t j = 0; j < m->cells[i]->n; j++)
			all[n++] = &m->cells[i]->series[j];
	/* A family's samples must be together, after its one TYPE line. */
	qsort(all, n, sizeof(*all), by_name);
	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(all[i - 1]->name, all[i]->name))
			fprintf(out, "# TYPE isolate_app_%s %s\n", all[i]->name,
				family_type(all, i, n));
		fprintf(out, "isolate_app_%s{cell=\"%s\"} %lld\n", all[i]->name, all[i]->cell,
			(long long)all[i]->value);
	}
	free(all);
}
