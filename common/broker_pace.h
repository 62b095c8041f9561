/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * How often the broker decides a cell's requests. Each grant compiles the
 * cell's policy, which may scan its denied trees (a cell may fill one it
 * writes in); the supervisor is one thread, so a cell asking in a loop
 * would hold up every other cell's events and requests. Per cell (by
 * cgroup id, never reused): at most BROKER_PACE_PER_ROUND requests are
 * decided between two rounds' ends, and after a grant that failed none is
 * decided for a backoff that doubles from BROKER_PACE_BACKOFF_MIN_MS to
 * BROKER_PACE_BACKOFF_MAX_MS; a grant made starts it again at the least.
 * Times are the caller's milliseconds of a monotonic clock.
 */
#ifndef ISOLATE_COMMON_BROKER_PACE_H
#define ISOLATE_COMMON_BROKER_PACE_H

#include <stddef.h>
#include <stdint.h>

#include <isolate/abi.h>

#define BROKER_PACE_PER_ROUND 8
#define BROKER_PACE_BACKOFF_MIN_MS 1000
#define BROKER_PACE_BACKOFF_MAX_MS 60000
/* Every cell, and as many again gone within the last backoffs. */
#define BROKER_PACE_CELLS (2 * ISOLATE_MAX_CELLS)

struct broker_pace_cell {
	uint64_t cgid;
	uint64_t until_ms;	/* no request decided before */
	unsigned int decided;	/* requests decided in this round */
	unsigned int failures;	/* grants failed since the last made */
	int err;		/* why the last one failed */
};

struct broker_pace {
	struct broker_pace_cell cells[BROKER_PACE_CELLS];
	size_t n;
};

/*
 * The pace of cell cgid, with this request counted, when one may be
 * decided now (until the round ends); else NULL, with what the cell is told
 * in why (never the supervisor's words, which may name what the cell may
 * not see).
 */
struct broker_pace_cell *broker_pace_admit(struct broker_pace *p, uint64_t cgid,
					   uint64_t now_ms, char *why, size_t len);
/* A grant to the cell was made. */
void broker_pace_granted(struct broker_pace_cell *c);
/* A grant to the cell failed with err: its backoff, told in why. */
void broker_pace_failed(struct broker_pace_cell *c, uint64_t now_ms, int err, char *why,
			size_t len);
/* A round ends: counts start again; cells quiet for a whole backoff are forgotten. */
void broker_pace_round(struct broker_pace *p, uint64_t now_ms);

#endif /* ISOLATE_COMMON_BROKER_PACE_H */
