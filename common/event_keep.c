// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "common/event_keep.h"

struct kept {
	void *data;
	size_t size;
	unsigned long long order;	/* when it came, over every class */
};

struct event_keep {
	struct kept kept[ISOLATE_EVENT_CLASS_MAX][EVENT_KEEP_PER_CLASS];
	size_t next[ISOLATE_EVENT_CLASS_MAX];	/* the slot the class's next record takes */
	unsigned long long added;
};

struct event_keep *event_keep_new(void)
{
	return calloc(1, sizeof(struct event_keep));
}

void event_keep_free(struct event_keep *keep)
{
	if (!keep)
		return;
	for (size_t k = 0; k < ISOLATE_EVENT_CLASS_MAX; k++)
		for (size_t i = 0; i < EVENT_KEEP_PER_CLASS; i++)
			free(keep->kept[k][i].data);
	free(keep);
}

void event_keep_add(struct event_keep *keep, const struct isolate_event_hdr *h, size_t size)
{
	struct kept *slot;
	void *copy;

	if (h->event_class >= ISOLATE_EVENT_CLASS_MAX)
		return;
	copy = malloc(size);
	if (!copy)
		return;
	memcpy(copy, h, size);
	slot = &keep->kept[h->event_class][keep->next[h->event_class]];
	free(slot->data);
	*slot = (struct kept){ .data = copy, .size = size, .order = keep->added++ };
	keep->next[h->event_class] = (keep->next[h->event_class] + 1) % EVENT_KEEP_PER_CLASS;
}

/* The oldest record of class k from its *at-th slot on, or NULL; *at moves to it. */
static const struct kept *oldest(const struct event_keep *keep, size_t k, size_t *at)
{
	for (; *at < EVENT_KEEP_PER_CLASS; (*at)++) {
		const struct kept *r = &keep->kept[k][(keep->next[k] + *at) % EVENT_KEEP_PER_CLASS];

		if (r->data)
			return r;
	}
	return NULL;
}

void event_keep_each(const struct event_keep *keep, __u32 class_mask,
		     bool (*fn)(void *ctx, const void *record, size_t size), void *ctx)
{
	size_t at[ISOLATE_EVENT_CLASS_MAX] = { 0 };

	for (;;) {
		const struct kept *first = NULL;
		size_t from = 0;

		/* The classes' rings merged: the record that came first among their heads. */
		for (size_t k = 0; k < ISOLATE_EVENT_CLASS_MAX; k++) {
			const struct kept *r = !class_mask || (class_mask & (1U << k)) ?
					       oldest(keep, k, &at[k]) : NULL;

			if (r && (!first || r->order < first->order)) {
				first = r;
				from = k;
			}
		}
		if (!first)
			return;
		at[from]++;
		if (!fn(ctx, first->data, first->size))
			return;
	}
}
