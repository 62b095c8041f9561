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
#include "net_wildcard.h"
#include "netset.h"
#include "written_at.h"

/*
 * The order capabilities are indexed in: group (kind, protocol, family),
 * then block (prefix length, address), then rule id. Every block is then
 * one run, and the blocks holding a given one are found by searching for
 * each of its shorter prefixes, instead of comparing every pair.
 */
static int block_cmp(__u32 kind, const struct isolate_net_cap *n,
		     const struct isolate_image_net_cap *c)
{
	if (kind != c->kind)
		return kind < c->kind ? -1 : 1;
	if (n->proto != c->net.proto)
		return n->proto < c->net.proto ? -1 : 1;
	if (n->family != c->net.family)
		return n->family < c->net.family ? -1 : 1;
	if (n->prefix_len != c->net.prefix_len)
		return n->prefix_len < c->net.prefix_len ? -1 : 1;
	return memcmp(n->addr, c->net.addr, sizeof(n->addr));
}

static int cap_cmp(const void *a, const void *b)
{
	const struct isolate_image_net_cap *x = *(const struct isolate_image_net_cap *const *)a;
	const struct isolate_image_net_cap *y = *(const struct isolate_image_net_cap *const *)b;
	int c = block_cmp(x->kind, &x->net, y);

	return c ? c : x->rule_id < y->rule_id ? -1 : x->rule_id > y->rule_id;
}

/* The first index of the run of block (kind, n) in sorted, or n_sorted. */
static size_t find_run(const struct isolate_image_net_cap *const *sorted, size_t n_sorted,
		       __u32 kind, const struct isolate_net_cap *n)
{
	size_t lo = 0, hi = n_sorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (block_cmp(kind, n, sorted[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n_sorted && !block_cmp(kind, n, sorted[lo]) ? lo : n_sorted;
}

/* block, cut to its first len bits. */
static void prefix_of(const struct isolate_net_cap *block, unsigned int len,
		      struct isolate_net_cap *out)
{
	*out = *block;
	out->prefix_len = (__u8)len;
	for (unsigned int bit = len; bit < sizeof(out->addr) * 8; bit++)
		out->addr[bit / 8] &= (__u8)~(0x80 >> (bit % 8));
}

static int range_cmp(const void *a, const void *b)
{
	const struct isolate_port_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The entry of block from every cap of its group whose block holds it. */
static int fill_entry(const struct isolate_image_net_cap *const *sorted, size_t n_sorted,
		      const struct isolate_image_net_cap *block, struct isolate_image_net *e,
		      const struct isolate_cell_policy *written, struct isolate_diag *diag)
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
	for (unsigned int len = 0; len <= block->net.prefix_len; len++) {
		struct isolate_net_cap holder;
		size_t i;

		prefix_of(&block->net, len, &holder);
		for (i = find_run(sorted, n_sorted, block->kind, &holder);
		     i < n_sorted && !block_cmp(block->kind, &holder, sorted[i]); i++) {
			const struct isolate_image_net_cap *c = sorted[i];

			if (c->deny) {
				/* The nearest deny is the one to blame. */
				if (e->rule.deny_rule_id == ISOLATE_RULE_NONE || len > deny_len) {
					e->rule.deny_rule_id = c->rule_id;
					deny_len = len;
				}
				continue;
			}
			if (e->rule.n_ranges == ISOLATE_NET_PORT_RANGES) {
				net_addr_format(&block->net, false, text, sizeof(text));
				diag_at(diag, net_written_at(written, c->kind, false, &c->net),
					"expected at most %d port ranges for one address block, cell %s needs more for %s",
					ISOLATE_NET_PORT_RANGES, written->name, text);
				return -E2BIG;
			}
			e->rule.ranges[e->rule.n_ranges++] = (struct isolate_port_range){
				.lo = c->net.port_min, .hi = c->net.port_max, .rule_id = c->rule_id,
			};
		}
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

int compile_net(struct isolate_image *img, const struct isolate_cell_policy *written,
		struct isolate_diag *diag)
{
	const struct isolate_image_net_cap **sorted, *over = NULL;
	size_t n = 0;
	int err = 0;

	img->net = calloc(img->n_net_caps + NET_WILDCARD_MAX, sizeof(*img->net));
	sorted = calloc(img->n_net_caps ? img->n_net_caps : 1, sizeof(*sorted));
	if (!img->net || !sorted) {
		free(sorted);
		diag_set(diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < img->n_net_caps; i++)
		sorted[i] = &img->net_caps[i];
	qsort(sorted, img->n_net_caps, sizeof(*sorted), cap_cmp);
	/* One entry per block of each group, grants and denies alike. */
	for (size_t i = 0; i < img->n_net_caps && !err; i++) {
		if (i && !block_cmp(sorted[i]->kind, &sorted[i]->net, sorted[i - 1]))
			continue;
		/* The first block past the map's size is the one that went over. */
		if (n == ISOLATE_MAX_NET_RULES)
			over = sorted[i];
		err = fill_entry(sorted, img->n_net_caps, sorted[i], &img->net[n], written, diag);
		if (!err)
			n++;
	}
	free(sorted);
	if (!err && !over)
		err = net_wildcard_entries(img, &n);
	if (err == -ENOMEM)
		diag_set(diag, NULL, 0, 0, "out of memory");
	if (err)
		return err;
	img->n_net = n;
	if (n > 1)
		qsort(img->net, n, sizeof(*img->net), entry_cmp);
	if (!over && n > ISOLATE_MAX_NET_RULES) {
		diag_set(diag, NULL, 0, 0,
			 "expected at most %d network rules (the size of the net_rules map), cell %s needs %zu with the entries of the unspecified address",
			 ISOLATE_MAX_NET_RULES, written->name, n);
		return -E2BIG;
	}
	if (over) {
		diag_at(diag, net_written_at(written, over->kind, over->deny, &over->net),
			"expected at most %d network rules (the size of the net_rules map), cell %s needs %zu",
			ISOLATE_MAX_NET_RULES, written->name, n);
		return -E2BIG;
	}
	return 0;
}
