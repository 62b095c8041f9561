// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text for the supervisor: the kernel's per-cell decision and
 * loss counters (per-CPU maps, summed), ring buffer fill, gaps in the
 * event sequence, and the counters and gauges programs report.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "common/app_metrics.h"
#include "tools/isolate-loader/supervise.h"

/* Made on the first metric or destroyed event: the supervisor runs with it or without. */
static struct app_metrics *app;

struct class_seq {
	bool seen;
	__u64 next;	/* the sequence number expected next */
	__u64 received, gaps;
};

static struct class_seq seqs[ISOLATE_EVENT_CLASSES];
static __u64 out_dropped[ISOLATE_EVENT_CLASSES];

void metrics_out_dropped(unsigned int event_class)
{
	if (event_class < ISOLATE_EVENT_CLASSES)
		out_dropped[event_class]++;
}

void metrics_event(const struct isolate_event_hdr *h, size_t size, const char *cell)
{
	struct class_seq *s;

	if (h->event_class >= ISOLATE_EVENT_CLASSES)
		return;
	s = &seqs[h->event_class];
	/* Numbers are handed out before a record is reserved: a hole is a loss. */
	if (s->seen && h->seq > s->next)
		s->gaps += h->seq - s->next;
	if (!s->seen || h->seq >= s->next)
		s->next = h->seq + 1;
	s->seen = true;
	s->received++;
	if (h->event_class == ISOLATE_EVENT_METRIC && size >= sizeof(struct isolate_event_metric)) {
		if (!app)
			app = app_metrics_new();
		if (app)
			app_metrics_add(app, h->cell_cgid, cell ? cell : "",
					(const struct isolate_event_metric *)h);
	}
	/* Before any report too: the cell's may all be queued behind its end. */
	if (h->event_class == ISOLATE_EVENT_LIFECYCLE &&
	    size >= sizeof(struct isolate_event_lifecycle) &&
	    ((const struct isolate_event_lifecycle *)h)->what == ISOLATE_LIFECYCLE_DESTROYED) {
		if (!app)
			app = app_metrics_new();
		if (app)
			app_metrics_forget(app, h->cell_cgid, h->ts_ns);
	}
}

static void header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A per-class counter array of every cell: the one at offset in the counters. */
static void by_class(FILE *out, const char *name, const char *help,
		     const struct isolate_cell_state *st, size_t n, size_t offset)
{
	header(out, name, "counter", help);
	for (size_t i = 0; i < n; i++) {
		const __u64 *count = (const __u64 *)((const char *)&st[i].counters + offset);

		for (int k = 1; k < ISOLATE_EVENT_CLASS_MAX; k++)
			fprintf(out, "%s{cell=\"%s\",class=\"%s\"} %llu\n", name, st[i].name,
				isolate_event_class_name(k), (unsigned long long)count[k]);
	}
}

static void cell_counters(struct isolate *iso, FILE *out)
{
	static const char *const fail_names[ISOLATE_FAIL_MAX] = {
		"walk_bound", "no_cell", "unreadable",
	};
	struct isolate_cell_state *st = NULL;
	size_t n = 0;

	/* Every cell (ISOLATE_MAX_CELLS at most); none when they cannot be listed. */
	isolate_cells_list(iso, &st, &n);
	header(out, "isolate_decisions_total", "counter",
	       "Decisions on operations of tasks in a cell, by outcome.");
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "isolate_decisions_total{cell=\"%s\",outcome=\"allowed\"} %llu\n",
			st[i].name, (unsigned long long)st[i].counters.allowed);
		fprintf(out, "isolate_decisions_total{cell=\"%s\",outcome=\"denied\"} %llu\n",
			st[i].name, (unsigned long long)st[i].counters.denied);
		fprintf(out, "isolate_decisions_total{cell=\"%s\",outcome=\"audited\"} %llu\n",
			st[i].name, (unsigned long long)st[i].counters.audited);
	}
	header(out, "isolate_fail_closed_total", "counter",
	       "Refusals because no decision could be made, by reason.");
	for (size_t i = 0; i < n; i++)
		for (int f = 0; f < ISOLATE_FAIL_MAX; f++)
			fprintf(out, "isolate_fail_closed_total{cell=\"%s\",reason=\"%s\"} %llu\n",
				st[i].name, fail_names[f],
				(unsigned long long)st[i].counters.fail_closed[f]);
	header(out, "isolate_requests_refused_total", "counter",
	       "Broker requests outside the cell's rights, refused in the kernel.");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "isolate_requests_refused_total{cell=\"%s\"} %llu\n", st[i].name,
			(unsigned long long)st[i].counters.requests_refused);
	by_class(out, "isolate_events_sent_total", "Events the kernel tried to emit, by class.",
		 st, n, offsetof(struct isolate_cell_counters, events_sent));
	by_class(out, "isolate_events_lost_total",
		 "Events dropped because their ring buffer was full, by class.",
		 st, n, offsetof(struct isolate_cell_counters, events_lost));
	by_class(out, "isolate_events_over_share_total",
		 "Of the lost events, those held back because their ring was half full and the cell over its share, by class.",
		 st, n, offsetof(struct isolate_cell_counters, events_over_share));
	free(st);
}

void metrics_write(struct isolate *iso, FILE *out)
{
	cell_counters(iso, out);
	header(out, "isolate_ringbuf_fill_ratio", "gauge",
	       "Share of each event class's ring buffer not yet consumed.");
	for (int k = 1; k < ISOLATE_EVENT_CLASS_MAX; k++) {
		__u64 pending, size;

		if (!isolate_events_backlog(iso, k, &pending, &size) && size)
			fprintf(out, "isolate_ringbuf_fill_ratio{class=\"%s\"} %.6f\n",
				isolate_event_class_name(k), (double)pending / size);
	}
	header(out, "isolate_events_received_total", "counter",
	       "Events this supervisor received, by class.");
	for (int k = 1; k < ISOLATE_EVENT_CLASS_MAX; k++)
		fprintf(out, "isolate_events_received_total{class=\"%s\"} %llu\n",
			isolate_event_class_name(k), (unsigned long long)seqs[k].received);
	header(out, "isolate_event_gaps_total", "counter",
	       "Sequence numbers this supervisor never received, by class.");
	for (int k = 1; k < ISOLATE_EVENT_CLASS_MAX; k++)
		fprintf(out, "isolate_event_gaps_total{class=\"%s\"} %llu\n",
			isolate_event_class_name(k), (unsigned long long)seqs[k].gaps);
	header(out, "isolate_events_out_dropped_total", "counter",
	       "Events not written to --out: their cell was over its output rate, by class.");
	for (int k = 1; k < ISOLATE_EVENT_CLASS_MAX; k++)
		fprintf(out, "isolate_events_out_dropped_total{class=\"%s\"} %llu\n",
			isolate_event_class_name(k), (unsigned long long)out_dropped[k]);
	if (app)
		app_metrics_write(app, out);
}
