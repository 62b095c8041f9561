/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The counters and gauges programs in cells report (metric events), kept
 * per cell for the supervisor's Prometheus text: a cell has at most
 * APP_METRICS_PER_CELL series, and what it reports beyond them is counted
 * as dropped for it alone; its series go when it is destroyed.
 */
#ifndef ISOLATE_COMMON_APP_METRICS_H
#define ISOLATE_COMMON_APP_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include <isolate/events.h>

#define APP_METRICS_PER_CELL 64

struct app_metrics;

/* NULL when out of memory. */
struct app_metrics *app_metrics_new(void);
void app_metrics_free(struct app_metrics *m);
/*
 * One report of the cell of cgroup id cgid, named cell. False when it is
 * dropped: a name that is not [a-zA-Z_:][a-zA-Z0-9_:]* or is the
 * supervisor's own (metrics_dropped_total), an unknown kind, another kind
 * than the series has, a new series beyond the cell's bound; or ignored:
 * the cell was destroyed.
 * A counter saturates at the ends of its range.
 */
bool app_metrics_add(struct app_metrics *m, __u64 cgid, const char *cell,
		     const struct isolate_event_metric *e);
/*
 * The cell of cgroup id cgid was destroyed at destroyed_ns (the ts_ns of
 * its event): its series and its drops go with it, and its reports read
 * after this, made before its end, are ignored (a cgroup id is never
 * reused).
 */
void app_metrics_forget(struct app_metrics *m, __u64 cgid, __u64 destroyed_ns);
/*
 * As Prometheus text: isolate_app_metrics_dropped_total{cell} and each
 * series as isolate_app_NAME{cell}, of the type its cells agree on
 * (untyped when they do not).
 */
void app_metrics_write(const struct app_metrics *m, FILE *out);

#endif
