/* SPDX-License-Identifier: GPL-2.0 */
/* The name of the cell an event came from. */
#ifndef ISOLATE_LOADER_CELL_NAMES_H
#define ISOLATE_LOADER_CELL_NAMES_H

#include <stddef.h>

#include <isolate/isolate.h>

/*
 * The name of the cell of event h, or NULL: a lifecycle event teaches its
 * name, a miss asks iso (if not NULL). Cached, misses too (no cell had the
 * id when asked); the pointer stays valid until the cache is full.
 */
const char *cell_name_of(struct isolate *iso, const struct isolate_event_hdr *h, size_t size);
/* The same by the cell's cgroup id: what is known of it, or asked of iso. */
const char *cell_name_by_cgid(struct isolate *iso, __u64 cgid);
void cell_name_learn(__u64 cgid, const char *name);

#endif /* ISOLATE_LOADER_CELL_NAMES_H */
