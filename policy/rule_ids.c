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
#include <string.h>

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

#define RADIX_BITS 8
#define RADIX_BUCKETS (1U << RADIX_BITS)

/*
 * slots (in position order) sorted by id, equal ids in position order: a
 * stable radix sort, a byte of the id per pass, as hashes have no order
 * for a comparison sort to use. Small buckets keep a cell of ten rules
 * as cheap as one of ten thousand is per rule.
 */
static int sort_by_id(struct slot *slots, size_t n)
{
	struct slot *tmp = malloc((n ? n : 1) * sizeof(*tmp)), *from = slots, *to = tmp;

	if (!tmp)
		return -ENOMEM;
	for (unsigned int shift = 0; shift < 32; shift += RADIX_BITS) {
		size_t count[RADIX_BUCKETS] = { 0 }, sum = 0;
		struct slot *swap;

		for (size_t i = 0; i < n; i++)
			count[from[i].id >> shift & (RADIX_BUCKETS - 1)]++;
		for (size_t b = 0; b < RADIX_BUCKETS; b++) {
			size_t c = count[b];

			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			to[count[from[i].id >> shift & (RADIX_BUCKETS - 1)]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	if (from != slots)
		memcpy(slots, from, n * sizeof(*slots));
	free(tmp);
	return 0;
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
	if (sort_by_id(slots, n)) {
		free(slots);
		free(ids);
		return -ENOMEM;
	}
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
