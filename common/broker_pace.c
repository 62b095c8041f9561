// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The broker's pace per cell: see broker_pace.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/broker_pace.h"

/* What failed, as the cell is told at the failure and while its backoff runs. */
static const char *const failed_what[] = {
	[BROKER_PACE_GRANT_FAILED] = "grant failed",
	[BROKER_PACE_TIDY_FAILED] = "tidying the ended grants failed",
	[BROKER_PACE_PROGRAM_REFUSED] = "refused by the program",
	[BROKER_PACE_PROGRAM_SILENT] = "the program gave no answer in time",
};
static const char *const backoff_cause[] = {
	[BROKER_PACE_GRANT_FAILED] = "a grant to this cell failed",
	[BROKER_PACE_TIDY_FAILED] = "tidying this cell's ended grants failed",
	[BROKER_PACE_PROGRAM_REFUSED] = "the program refused a request of this cell",
	[BROKER_PACE_PROGRAM_SILENT] = "the program gave no answer to a request of this cell in time",
};

/* " (the error)" when there is one. */
static void error_text(char *out, size_t len, int err)
{
	if (err)
		snprintf(out, len, " (%s)", strerror(-err));
	else
		out[0] = 0;
}

/* The cell's pace, added if new; NULL when the table is full. */
static struct broker_pace_cell *pace_of(struct broker_pace *p, uint64_t cgid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->cells[i].cgid == cgid)
			return &p->cells[i];
	if (p->n == BROKER_PACE_CELLS)
		return NULL;
	p->cells[p->n] = (struct broker_pace_cell){ .cgid = cgid };
	return &p->cells[p->n++];
}

struct broker_pace_cell *broker_pace_admit(struct broker_pace *p, uint64_t cgid,
					   uint64_t now_ms, char *why, size_t len)
{
	struct broker_pace_cell *c = pace_of(p, cgid);

	if (!c) {
		snprintf(why, len, "not decided: the supervisor paces too many cells; ask again later");
		return NULL;
	}
	if (now_ms < c->until_ms) {
		char err[64];

		error_text(err, sizeof(err), c->err);
		snprintf(why, len, "not decided: %s%s; no request of it is decided for %llu ms more",
			 backoff_cause[c->cause], err, (unsigned long long)(c->until_ms - now_ms));
		return NULL;
	}
	if (c->decided == BROKER_PACE_PER_ROUND) {
		snprintf(why, len, "not decided: more than %d requests of this cell in %d ms; ask again later",
			 BROKER_PACE_PER_ROUND, BROKER_PACE_ROUND_MS);
		return NULL;
	}
	c->decided++;
	return c;
}

struct broker_pace_cell *broker_pace_may_tidy(struct broker_pace *p, uint64_t cgid,
					      uint64_t now_ms)
{
	struct broker_pace_cell *c = pace_of(p, cgid);

	return c && now_ms >= c->until_ms ? c : NULL;
}

void broker_pace_granted(struct broker_pace_cell *c)
{
	c->failures = 0;
}

void broker_pace_failed(struct broker_pace_cell *c, uint64_t now_ms, enum broker_pace_cause cause,
			int err, char *why, size_t len)
{
	uint64_t backoff = BROKER_PACE_BACKOFF_MIN_MS;
	char err_text[64];

	for (unsigned int i = 0; i < c->failures && backoff < BROKER_PACE_BACKOFF_MAX_MS; i++)
		backoff *= 2;
	if (backoff > BROKER_PACE_BACKOFF_MAX_MS)
		backoff = BROKER_PACE_BACKOFF_MAX_MS;
	c->failures++;
	c->until_ms = now_ms + backoff;
	c->cause = cause;
	c->err = err;
	error_text(err_text, sizeof(err_text), err);
	snprintf(why, len, "%s%s; no request of this cell is decided for %llu s",
		 failed_what[cause], err_text, (unsigned long long)backoff / 1000);
}

void broker_pace_round(struct broker_pace *p, uint64_t now_ms)
{
	bool round_over = now_ms >= p->round_ends_ms;

	if (round_over)
		p->round_ends_ms = now_ms + BROKER_PACE_ROUND_MS;
	for (size_t i = 0; i < p->n;) {
		struct broker_pace_cell *c = &p->cells[i];
		/* One that never failed is held for its count, until the round is over. */
		bool quiet = c->failures ? now_ms >= c->until_ms + BROKER_PACE_BACKOFF_MAX_MS :
				round_over;

		if (round_over)
			c->decided = 0;
		if (!quiet) {
			i++;
			continue;
		}
		*c = p->cells[--p->n];
	}
}
