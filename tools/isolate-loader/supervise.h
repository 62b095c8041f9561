/* SPDX-License-Identifier: GPL-2.0 */
/* The supervisor's parts: metrics and the broker. */
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

/* The broker. */
struct broker;
int broker_open(struct broker **out, const char *rules_file, const char *exec_program);
void broker_close(struct broker *b);
/* Decides a request, grants and replies; expired grants are revoked by tick. */
void broker_request(struct broker *b, struct isolate *iso, const char *cell,
		    const struct isolate_event_broker *e);
void broker_tick(struct broker *b, struct isolate *iso);

uint64_t now_realtime_ms(void);

#endif /* ISOLATE_LOADER_SUPERVISE_H */
