/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * How often the broker decides a cell's requests. Each grant compiles the
 * cell's policy, which may scan its denied trees (a cell may fill one it
 * writes in); the supervisor is one thread, so a cell asking in a loop
 * would hold up every other cell's events and requests. Per cell (by
 * cgroup id, never reused): at most BROKER_PACE_PER_ROUND requests are
 * decided in a round of BROKER_PACE_ROUND_MS (the supervisor's ticks come
 * as fast as events do, so a round is timed, not a tick), and after a
 * grant that failed, or a
 * request the broker's program refused or did not answer in time (it is
 * run for each, and may be slow), none is decided for a backoff that doubles from BROKER_PACE_BACKOFF_MIN_MS to
 * BROKER_PACE_BACKOFF_MAX_MS; a grant made starts it again at the least.
 * The tidy after its grants end compiles too, bounded as a grant is (it
 * gives back the timed grants not ended): one that failed is tried again
 * only when the same backoff allows, the kernel's fallback in force
 * meanwhile. Times are the caller's milliseconds of a monotonic clock.
 */
#ifndef ISOLATE_COMMON_BROKER_PACE_H
#define ISOLATE_COMMON_BROKER_PACE_H

#include <stddef.h>
#include <stdint.h>

#include <isolate/abi.h>

#define BROKER_PACE_PER_ROUND 8
#define BROKER_PACE_ROUND_MS 1000
#define BROKER_PACE_BACKOFF_MIN_MS 1000
#define BROKER_PACE_BACKOFF_MAX_MS 60000
/* Every cell, and as many again gone within the last backoffs. */
#define BROKER_PACE_CELLS (2 * ISOLATE_MAX_CELLS)

/* What started a cell's backoff. */
enum broker_pace_cause {
	BROKER_PACE_GRANT_FAILED,
	BROKER_PACE_TIDY_FAILED,	/* of its ended grants */
	BROKER_PACE_PROGRAM_REFUSED,	/* --broker-exec: no error */
	BROKER_PACE_PROGRAM_SILENT,	/* it gave no answer in time; no error */
};

struct broker_pace_cell {
	uint64_t cgid;
	uint64_t until_ms;	/* nothing decided or tidied before */
	unsigned int decided;	/* requests decided in this round */
	unsigned int failures;	/* since the last grant made */
	enum broker_pace_cause cause;	/* of the last failure */
	int err;		/* the last failure's error */
};

struct broker_pace {
	struct broker_pace_cell cells[BROKER_PACE_CELLS];
	size_t n;
	uint64_t round_ends_ms;	/* counts start again then */
};

/*
 * The pace of cell cgid, with this request counted, when one may be
 * decided now (until the round ends); else NULL, with what the cell is told
 * in why (never the supervisor's words, which may name what the cell may
 * not see).
 */
struct broker_pace_cell *broker_pace_admit(struct broker_pace *p, uint64_t cgid,
					   uint64_t now_ms, char *why, size_t len);
/*
 * The pace of cell cgid when its ended grants may be tidied now (no
 * backoff runs); else NULL, also when the table is full (tried again at
 * a later round, the kernel's fallback in force meanwhile).
 */
struct broker_pace_cell *broker_pace_may_tidy(struct broker_pace *p, uint64_t cgid,
					      uint64_t now_ms);
/* A grant to the cell was made. */
void broker_pace_granted(struct broker_pace_cell *c);
/* What cause says failed, with err (0: none): the cell's backoff, told in why. */
void broker_pace_failed(struct broker_pace_cell *c, uint64_t now_ms, enum broker_pace_cause cause,
			int err, char *why, size_t len);
/*
 * A tick: when the round is over, counts start again; cells quiet for a
 * whole backoff are forgotten.
 */
void broker_pace_round(struct broker_pace *p, uint64_t now_ms);

#endif /* ISOLATE_COMMON_BROKER_PACE_H */
