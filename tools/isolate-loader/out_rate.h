/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the supervisor writes to --out, paced per cell: a cell can emit
 * events as fast as its ring's share lets it (a log line of 480 bytes is
 * 2.4 KB of JSON), and a supervisor that keeps up would write them all,
 * filling the disk and the journal for every other cell.
 */
#ifndef ISOLATE_LOADER_OUT_RATE_H
#define ISOLATE_LOADER_OUT_RATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <isolate/isolate.h>

/* Records a second a cell may have written (--out-rate), 0 for no limit. */
#define OUT_RATE_DEFAULT 200
#define OUT_RATE_MAX 1000000
/* A cell quiet for this long may then write this many seconds' worth at once. */
#define OUT_RATE_BURST_SECONDS 5
/* Cells paced at once: every cell, and as many again gone within a burst's refill. */
#define OUT_RATE_CELLS (2 * ISOLATE_MAX_CELLS)
/* The least time between two lines said about one cell's broker requests. */
#define OUT_RATE_SAY_MS 1000

struct out_rate;

/* Pacing per_second records a second per cell (0: none); NULL when out of memory. */
struct out_rate *out_rate_new(unsigned int per_second);
void out_rate_free(struct out_rate *r);
/*
 * Writes record h of the cell named cell (NULL: not known) to out as a
 * JSON line, when the cell's bucket has a record's worth; else counts it
 * as dropped, by class, for the cell's next summary. Lifecycle records
 * (libisolate's, not the cell's to make) are always written; a destroyed
 * one ends the cell's bucket, its summary written first.
 */
void out_rate_write(struct out_rate *r, FILE *out, const char *cell,
		    const struct isolate_event_hdr *h, size_t size, uint64_t now_ms);
/*
 * Whether a line about a broker request of the cell of cgroup id cgid may
 * be said now (one a cell in OUT_RATE_SAY_MS); *unsaid, the lines not
 * said since the last one. Not said, it is counted.
 */
bool out_rate_may_say(struct out_rate *r, __u64 cgid, uint64_t now_ms, unsigned int *unsaid);
/*
 * Once a second, and at the end (last): one summary line on out for each
 * cell that dropped records since the last, a line on stderr for each
 * whose lines were not said (when one may be said, or last), and cells
 * idle since (their buckets full) are forgotten.
 */
void out_rate_tick(struct out_rate *r, struct isolate *iso, FILE *out, uint64_t now_ms,
		   bool last);

#endif /* ISOLATE_LOADER_OUT_RATE_H */
