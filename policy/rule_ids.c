/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Rule ids: the compiler numbers the authority set by position, which any
 * change to the set shifts; the image carries ids derived from each
 * rule's canonical text instead, so that a change rewrites the entries it
 * changes and no others, and an id read from an event names the same rule
 * in every generation that holds it.
 */
#include <errno.h>
#include <stdlib.h>

#include "model.h"

#define RULE_ID_BITS 0x7fffffffU

struct slot {
	__u32 id;
	__u32 pos;
};

static __u32 text_hash(const char *s)
{
	__u32 h = 2166136261U;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return h & RULE_ID_BITS;
}

static int by_id_then_pos(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static __u32 translate(const __u32 *ids, size_t n, __u32 pos)
{
	return pos < n ? ids[pos] : ISOLATE_RULE_NONE;
}

/*
 * Two rules of one set hashing alike: the later in the set's (canonical)
 * order takes the next id above, which may push on a rule whose hash is
 * that id; ids only move where hashes meet.
 */
int image_assign_rule_ids(struct isolate_image *img)
{
	size_t n = img->n_rules;
	struct slot *slots = calloc(n ? n : 1, sizeof(*slots));
	__u32 *ids = calloc(n ? n : 1, sizeof(*ids));

	if (!slots || !ids) {
		free(slots);
		free(ids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		slots[i] = (struct slot){ text_hash(img->rule_text[i]), (__u32)i };
	qsort(slots, n, sizeof(*slots), by_id_then_pos);
	for (size_t i = 1; i < n; i++)
		if (slots[i].id <= slots[i - 1].id)
			slots[i].id = slots[i - 1].id + 1;
	for (size_t i = 0; i < n; i++)
		ids[slots[i].pos] = slots[i].id;
	free(slots);

	for (size_t i = 0; i < img->n_inodes; i++) {
		struct isolate_inode_rule *r = &img->inodes[i].rule;

		r->rule_id = translate(ids, n, r->rule_id);
		for (int k = 0; k < ISOLATE_RIGHTS; k++)
			r->decided_by[k] = translate(ids, n, r->decided_by[k]);
	}
	for (size_t i = 0; i < img->n_net; i++) {
		struct isolate_net_rule *r = &img->net[i].rule;

		r->deny_rule_id = translate(ids, n, r->deny_rule_id);
		for (__u32 k = 0; k < r->n_ranges && k < ISOLATE_NET_PORT_RANGES; k++)
			r->ranges[k].rule_id = translate(ids, n, r->ranges[k].rule_id);
	}
	for (size_t i = 0; i < img->n_net_caps; i++)
		img->net_caps[i].rule_id = translate(ids, n, img->net_caps[i].rule_id);
	for (size_t i = 0; i < img->n_unix; i++)
		img->unix_names[i].rule.rule_id = translate(ids, n, img->unix_names[i].rule.rule_id);
	img->rule_ids = ids;
	return 0;
}

const char *isolate_image_rule_text(const struct isolate_image *img, __u32 id)
{
	for (size_t i = 0; id != ISOLATE_RULE_NONE && i < img->n_rules; i++)
		if (img->rule_ids && img->rule_ids[i] == id)
			return img->rule_text[i];
	return NULL;
}
