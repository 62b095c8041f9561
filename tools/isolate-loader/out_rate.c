// SPDX-License-Identifier: GPL-2.0
/*
 * The supervisor's output paced per cell (out_rate.h): a token bucket per
 * cgroup id, in a table of open addressing (one hash, a few probes), whose
 * entries go when their cell is destroyed or has been idle long enough to
 * fill its bucket again (a new one would be the same). Cells the table
 * has no room for share one bucket: their records are paced together,
 * never written unpaced.
 */
#include <stdlib.h>
#include <string.h>

#include "common/json_writer.h"
#include "tools/isolate-loader/cell_names.h"
#include "tools/isolate-loader/main.h"
#include "tools/isolate-loader/out_rate.h"
#include "tools/isolate-loader/supervise.h"

/* Twice the entries, so that probes stay short; a power of two. */
#define SLOTS (2 * OUT_RATE_CELLS)
#define SLOT_BITS 16
_Static_assert(SLOTS == 1 << SLOT_BITS, "SLOT_BITS must match SLOTS");

/* Tokens are counted in thousandths of a record: one a millisecond at 1000/s. */
#define RECORD 1000

struct out_cell {
	__u64 cgid;		/* 0: a free slot */
	uint64_t tokens;	/* RECORD each record written */
	uint64_t filled_ms;	/* when tokens were last added */
	uint64_t said_ms;	/* the last line said about its broker requests; 0 none */
	unsigned int unsaid;	/* lines not said since */
	unsigned int dropped[ISOLATE_EVENT_CLASSES];	/* since its last summary */
};

struct out_rate {
	uint64_t per_second;
	size_t n;
	struct out_cell crowd;	/* the cells the table has no room for */
	struct out_cell slots[SLOTS];
};

static uint64_t full(const struct out_rate *r)
{
	return r->per_second * OUT_RATE_BURST_SECONDS * RECORD;
}

struct out_rate *out_rate_new(unsigned int per_second)
{
	struct out_rate *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->per_second = per_second;
	r->crowd.tokens = full(r);
	return r;
}

void out_rate_free(struct out_rate *r)
{
	free(r);
}

static size_t home_of(__u64 cgid)
{
	return (size_t)((cgid * 0x9e3779b97f4a7c15ULL) >> (64 - SLOT_BITS));
}

/* The slot of cgid's entry, or of the free one where it would go. */
static size_t slot_of(const struct out_rate *r, __u64 cgid)
{
	size_t i = home_of(cgid);

	while (r->slots[i].cgid && r->slots[i].cgid != cgid)
		i = (i + 1) % SLOTS;
	return i;
}

/* The cell's entry, made (its bucket full) when new; the crowd's when the table is full. */
static struct out_cell *cell_of(struct out_rate *r, __u64 cgid, uint64_t now_ms)
{
	size_t i = slot_of(r, cgid);

	if (r->slots[i].cgid)
		return &r->slots[i];
	if (r->n == OUT_RATE_CELLS)
		return &r->crowd;
	r->n++;
	r->slots[i] = (struct out_cell){ .cgid = cgid, .tokens = full(r), .filled_ms = now_ms };
	return &r->slots[i];
}

/* Whether home h lies cyclically in (hole, j]: the entry at j may not move back to hole. */
static bool stays(size_t hole, size_t j, size_t h)
{
	return hole <= j ? hole < h && h <= j : hole < h || h <= j;
}

/* Frees slot i; the entries after it that probed past it move back. */
static void remove_at(struct out_rate *r, size_t i)
{
	for (size_t j = (i + 1) % SLOTS; r->slots[j].cgid; j = (j + 1) % SLOTS) {
		if (stays(i, j, home_of(r->slots[j].cgid)))
			continue;
		r->slots[i] = r->slots[j];
		i = j;
	}
	r->slots[i] = (struct out_cell){ 0 };
	r->n--;
}

static void fill(const struct out_rate *r, struct out_cell *c, uint64_t now_ms)
{
	if (now_ms <= c->filled_ms)
		return;
	c->tokens += (now_ms - c->filled_ms) * r->per_second;
	if (c->tokens > full(r))
		c->tokens = full(r);
	c->filled_ms = now_ms;
}

static bool has_dropped(const struct out_cell *c)
{
	for (int k = 0; k < ISOLATE_EVENT_CLASSES; k++)
		if (c->dropped[k])
			return true;
	return false;
}

/*
 * {"class":"dropped","cell":NAME,"cgroup_id":N,"ts_ns":T,"reason":"out-rate",
 * "dropped":{CLASS:COUNT,...}} for what c dropped since its last; its counts
 * start again. No "cell" when the name is not known; cgroup id 0 for the crowd.
 */
static void summarise(struct out_cell *c, const char *cell, FILE *out, uint64_t now_ms)
{
	struct json_writer jw;

	if (!has_dropped(c))
		return;
	jw_init(&jw, out, false);
	jw_object_start(&jw);
	jw_kv_string(&jw, "class", "dropped");
	if (cell)
		jw_kv_string(&jw, "cell", cell);
	jw_kv_uint(&jw, "cgroup_id", c->cgid);
	jw_kv_uint(&jw, "ts_ns", now_ms * 1000000);
	jw_kv_string(&jw, "reason", "out-rate");
	jw_key(&jw, "dropped");
	jw_object_start(&jw);
	for (int k = 1; k < ISOLATE_EVENT_CLASSES; k++)
		if (c->dropped[k])
			jw_kv_uint(&jw, isolate_event_class_name(k), c->dropped[k]);
	jw_object_end(&jw);
	jw_object_end(&jw);
	jw_finish(&jw);
	memset(c->dropped, 0, sizeof(c->dropped));
}

/* What was not said of c's broker requests, said now (when it may be: always, last). */
static void say_unsaid(struct out_cell *c, const char *cell, uint64_t now_ms, bool last)
{
	if (!c->unsaid || (!last && now_ms < c->said_ms + OUT_RATE_SAY_MS))
		return;
	p_info("supervise: %u more lines on broker requests of %s (cgroup %llu) not said (one a second)",
	       c->unsaid, cell ? cell : "no known cell", (unsigned long long)c->cgid);
	c->unsaid = 0;
	c->said_ms = now_ms;
}

static bool is_destroyed(const struct isolate_event_hdr *h, size_t size)
{
	return h->event_class == ISOLATE_EVENT_LIFECYCLE &&
	       size >= sizeof(struct isolate_event_lifecycle) &&
	       ((const struct isolate_event_lifecycle *)h)->what == ISOLATE_LIFECYCLE_DESTROYED;
}

void out_rate_write(struct out_rate *r, FILE *out, const char *cell,
		    const struct isolate_event_hdr *h, size_t size, uint64_t now_ms)
{
	struct out_cell *c;

	if (is_destroyed(h, size)) {
		size_t i = slot_of(r, h->cell_cgid);

		c = &r->slots[i];
		if (c->cgid) {
			summarise(c, cell, out, now_ms);
			say_unsaid(c, cell, now_ms, true);
			remove_at(r, i);
		}
	} else if (r->per_second && h->event_class != ISOLATE_EVENT_LIFECYCLE &&
		   h->event_class < ISOLATE_EVENT_CLASSES) {
		c = cell_of(r, h->cell_cgid, now_ms);
		fill(r, c, now_ms);
		if (c->tokens < RECORD) {
			c->dropped[h->event_class]++;
			metrics_out_dropped(h->event_class);
			return;
		}
		c->tokens -= RECORD;
	}
	isolate_event_write_json(out, cell, h, size);
	fflush(out);
}

bool out_rate_may_say(struct out_rate *r, __u64 cgid, uint64_t now_ms, unsigned int *unsaid)
{
	struct out_cell *c = cell_of(r, cgid, now_ms);

	if (c->said_ms && now_ms < c->said_ms + OUT_RATE_SAY_MS) {
		c->unsaid++;
		return false;
	}
	*unsaid = c->unsaid;
	c->unsaid = 0;
	c->said_ms = now_ms;
	return true;
}

/* Whether c has nothing to say and a bucket as a new one's. */
static bool idle(const struct out_rate *r, struct out_cell *c, uint64_t now_ms)
{
	fill(r, c, now_ms);
	return c->tokens == full(r) && !c->unsaid &&
	       (!c->said_ms || now_ms >= c->said_ms + OUT_RATE_SAY_MS);
}

void out_rate_tick(struct out_rate *r, struct isolate *iso, FILE *out, uint64_t now_ms,
		   bool last)
{
	summarise(&r->crowd, NULL, out, now_ms);
	say_unsaid(&r->crowd, NULL, now_ms, last);
	for (size_t i = 0; i < SLOTS;) {
		struct out_cell *c = &r->slots[i];

		if (!c->cgid) {
			i++;
			continue;
		}
		if (c->unsaid || has_dropped(c)) {
			const char *cell = cell_name_by_cgid(iso, c->cgid);

			summarise(c, cell, out, now_ms);
			say_unsaid(c, cell, now_ms, last);
		}
		/* What a removal moves back into slot i is looked at next. */
		if (idle(r, c, now_ms))
			remove_at(r, i);
		else
			i++;
	}
	fflush(out);
}
