/* SPDX-License-Identifier: GPL-2.0 */
/* The supervisor's parts: cell names and metrics. */
#ifndef ISOLATE_LOADER_SUPERVISE_H
#define ISOLATE_LOADER_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <isolate/isolate.h>

/* The name of the cell with cgroup id cgid, or NULL (cached lookups). */
const char *cell_name_of(struct isolate *iso, __u64 cgid);
void cell_name_learn(__u64 cgid, const char *name);

/* Metrics: fed with every event, written as Prometheus text. */
void metrics_event(const struct isolate_event_hdr *h, size_t size, const char *cell);
void metrics_write(struct isolate *iso, FILE *out);

#endif /* ISOLATE_LOADER_SUPERVISE_H */
