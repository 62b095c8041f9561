/* SPDX-License-Identifier: GPL-2.0 */
/* The supervisor's parts: metrics. */
#ifndef ISOLATE_LOADER_SUPERVISE_H
#define ISOLATE_LOADER_SUPERVISE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <isolate/isolate.h>

/* Metrics: fed with every event, written as Prometheus text. */
void metrics_event(const struct isolate_event_hdr *h, size_t size, const char *cell);
void metrics_write(struct isolate *iso, FILE *out);
/* A record of the class not written to --out: over its cell's rate. */
void metrics_out_dropped(unsigned int event_class);

#endif /* ISOLATE_LOADER_SUPERVISE_H */
