/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The most recent event records of each class, for a replay: a ring per
 * class, so that records of a class any cell may write in bulk (log) never
 * push out those of another (deny). Replayed in the order they came.
 */
#ifndef ISOLATE_COMMON_EVENT_KEEP_H
#define ISOLATE_COMMON_EVENT_KEEP_H

#include <stdbool.h>
#include <stddef.h>

#include <isolate/events.h>

/* Records kept of each class. */
#define EVENT_KEEP_PER_CLASS 1024

struct event_keep;

/* NULL when out of memory. */
struct event_keep *event_keep_new(void);
void event_keep_free(struct event_keep *keep);
/* A copy of the record h (size bytes); the oldest of its class goes when full. */
void event_keep_add(struct event_keep *keep, const struct isolate_event_hdr *h, size_t size);
/*
 * fn on each record kept of the classes in class_mask (bit 1 << class, 0:
 * every class), oldest first, until fn returns false.
 */
void event_keep_each(const struct event_keep *keep, __u32 class_mask,
		     bool (*fn)(void *ctx, const void *record, size_t size), void *ctx);

#endif
