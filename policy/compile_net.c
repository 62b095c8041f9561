/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Network capabilities into the net_rules LPM trie. The kernel looks up
 * the longest prefix holding the address and checks the port against that
 * entry's ranges alone, so every entry carries the ranges of every block
 * that holds it. The authority set makes this exact: its grants are
 * already carved by the denies and never overlap, so the ranges gathered
 * for a block are disjoint and each keeps the rule that grants it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "compile_net.h"
#include "model.h"
#include "net_addr.h"
#include "netset.h"

/* Whether block a holds block b (the same block, or a shorter prefix of it). */
static bool holds(const struct isolate_net_cap *a, const struct isolate_net_cap *b)
{
	struct net_rect r = net_rect_of(a);

	return a->prefix_len <= b->prefix_len && net_rect_contains(&r, net_addr_value(b),
								  r.port_min);
}

bool net_entry_holds(const struct isolate_image_net *e, const __u8 *addr)
{
	unsigned int bits = e->key.prefixlen - ISOLATE_NET_FIXED_BITS;

	for (unsigned int i = 0; i < bits; i++) {
		__u8 mask = (__u8)(0x80 >> (i % 8));

		if ((e->key.addr[i / 8] ^ addr[i / 8]) & mask)
			return false;
	}
	return true;
}

static bool same_group(const struct isolate_image_net_cap *a, const struct isolate_image_net_cap *b)
{
	return a->kind == b->kind && a->net.proto == b->net.proto &&
	       a->net.family == b->net.family;
}

static bool same_block(const struct isolate_net_cap *a, const struct isolate_net_cap *b)
{
	return a->prefix_len == b->prefix_len && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static int range_cmp(const void *a, const void *b)
{
	const struct isolate_port_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The entry of block (a cap of the group) from every cap of the group. */
static int fill_entry(const struct isolate_image *img, const struct isolate_image_net_cap *block,
		      struct isolate_image_net *e, const char *cell, struct isolate_diag *diag)
{
	unsigned int deny_len = 0;
	char text[64];

	memset(e, 0, sizeof(*e));
	e->key.prefixlen = ISOLATE_NET_FIXED_BITS + block->net.prefix_len;
	e->key.op = block->kind == ISOLATE_CAP_CONNECT ? ISOLATE_NET_CONNECT : ISOLATE_NET_BIND;
	e->key.proto = block->net.proto;
	e->key.family = block->net.family == AF_INET ? 4 : 6;
	memcpy(e->key.addr, block->net.addr, sizeof(e->key.addr));
	e->rule.deny_rule_id = ISOLATE_RULE_NONE;
	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];

		if (!same_group(c, block) || !holds(&c->net, &block->net))
			continue;
		if (c->deny) {
			/* The nearest deny is the one to blame. */
			if (e->rule.deny_rule_id == ISOLATE_RULE_NONE || c->net.prefix_len > deny_len) {
				e->rule.deny_rule_id = c->rule_id;
				deny_len = c->net.prefix_len;
			}
			continue;
		}
		if (e->rule.n_ranges == ISOLATE_NET_PORT_RANGES) {
			net_addr_format(&block->net, false, text, sizeof(text));
			diag_set(diag, NULL, 0, 0, "expected at most %d port ranges for one address block, cell %s needs more for %s",
				 ISOLATE_NET_PORT_RANGES, cell, text);
			return -E2BIG;
		}
		e->rule.ranges[e->rule.n_ranges++] = (struct isolate_port_range){
			.lo = c->net.port_min, .hi = c->net.port_max, .rule_id = c->rule_id,
		};
	}
	qsort(e->rule.ranges, e->rule.n_ranges, sizeof(e->rule.ranges[0]), range_cmp);
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct isolate_net_key *x = &((const struct isolate_image_net *)a)->key;
	const struct isolate_net_key *y = &((const struct isolate_image_net *)b)->key;
	int c;

	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	c = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (c)
		return c < 0 ? -1 : 1;
	return x->prefixlen < y->prefixlen ? -1 : x->prefixlen > y->prefixlen;
}

int compile_net(struct isolate_image *img, const char *cell, struct isolate_diag *diag)
{
	size_t n = 0;

	img->net = calloc(img->n_net_caps ? img->n_net_caps : 1, sizeof(*img->net));
	if (!img->net) {
		diag_set(diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];
		bool seen = false;
		int err;

		/* One entry per block of each group, grants and denies alike. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = same_group(&img->net_caps[j], c) &&
			       same_block(&img->net_caps[j].net, &c->net);
		if (seen)
			continue;
		err = fill_entry(img, c, &img->net[n], cell, diag);
		if (err)
			return err;
		n++;
	}
	img->n_net = n;
	if (n > 1)
		qsort(img->net, n, sizeof(*img->net), entry_cmp);
	if (n > ISOLATE_MAX_NET_RULES) {
		diag_set(diag, NULL, 0, 0, "expected at most %d network rules (the size of the net_rules map), cell %s needs %zu",
			 ISOLATE_MAX_NET_RULES, cell, n);
		return -E2BIG;
	}
	return 0;
}
