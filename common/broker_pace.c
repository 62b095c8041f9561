// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The broker's pace per cell: see broker_pace.h. */
#include <stdio.h>
#include <string.h>

#include "common/broker_pace.h"

static struct broker_pace_cell *find(struct broker_pace *p, uint64_t cgid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->cells[i].cgid == cgid)
			return &p->cells[i];
	return NULL;
}

struct broker_pace_cell *broker_pace_admit(struct broker_pace *p, uint64_t cgid,
					   uint64_t now_ms, char *why, size_t len)
{
	struct broker_pace_cell *c = find(p, cgid);

	if (!c && p->n == BROKER_PACE_CELLS) {
		snprintf(why, len, "not decided: the supervisor paces too many cells; ask again later");
		return NULL;
	}
	if (!c) {
		c = &p->cells[p->n++];
		*c = (struct broker_pace_cell){ .cgid = cgid };
	}
	if (now_ms < c->until_ms) {
		snprintf(why, len, "not decided: a grant to this cell failed (%s); no request of it is decided for %llu ms more",
			 strerror(-c->err), (unsigned long long)(c->until_ms - now_ms));
		return NULL;
	}
	if (c->decided == BROKER_PACE_PER_ROUND) {
		snprintf(why, len, "not decided: more than %d requests of this cell in one round; ask again later",
			 BROKER_PACE_PER_ROUND);
		return NULL;
	}
	c->decided++;
	return c;
}

void broker_pace_granted(struct broker_pace_cell *c)
{
	c->failures = 0;
}

void broker_pace_failed(struct broker_pace_cell *c, uint64_t now_ms, int err, char *why,
			size_t len)
{
	uint64_t backoff = BROKER_PACE_BACKOFF_MIN_MS;

	for (unsigned int i = 0; i < c->failures && backoff < BROKER_PACE_BACKOFF_MAX_MS; i++)
		backoff *= 2;
	if (backoff > BROKER_PACE_BACKOFF_MAX_MS)
		backoff = BROKER_PACE_BACKOFF_MAX_MS;
	c->failures++;
	c->until_ms = now_ms + backoff;
	c->err = err;
	snprintf(why, len, "grant failed (%s); no request of this cell is decided for %llu s",
		 strerror(-err), (unsigned long long)backoff / 1000);
}

void broker_pace_round(struct broker_pace *p, uint64_t now_ms)
{
	for (size_t i = 0; i < p->n;) {
		struct broker_pace_cell *c = &p->cells[i];

		c->decided = 0;
		if (c->failures && now_ms < c->until_ms + BROKER_PACE_BACKOFF_MAX_MS) {
			i++;
			continue;
		}
		*c = p->cells[--p->n];
	}
}
