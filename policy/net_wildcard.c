// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A socket bound to 0.0.0.0 (or ::) takes its port on every address of the
 * host: a connection to any of them reaches it. The kernel decides the bind
 * by the longest block holding the address, and 0.0.0.0 lies in any block
 * that starts there: with "bind 0.0.0.0/0:8080" and a deny of
 * 10.0.0.0/8:8080, the carved grant 0.0.0.0/5 held it, and the wildcard
 * bind received on the denied addresses after all. So the unspecified
 * address gets an entry of its own, whose ports are those the policy
 * grants on every address of the family, no deny carving any of it: a
 * block that starts at 0.0.0.0 no longer gives it the rest. What the
 * policy grants the address itself (0.0.0.0/32, ::/128) is its word and
 * stays.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "net_wildcard.h"
#include "netset.h"

struct span {
	net_u128 lo, hi;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static bool in_group(const struct isolate_image_net_cap *c, __u8 proto, __u8 family)
{
	return c->kind == ISOLATE_CAP_BIND && c->net.proto == proto && c->net.family == family;
}

/* Whether the group's grants holding port cover every address of family. */
static bool whole_family(const struct isolate_image *img, __u8 proto, __u8 family,
			 __u32 port, struct span *spans)
{
	net_u128 next = 0, last = family == AF_INET ? 0xffffffffU : ~(net_u128)0;
	size_t n = 0;

	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];
		struct net_rect r;

		if (c->deny || !in_group(c, proto, family) || port < c->net.port_min ||
		    port > c->net.port_max)
			continue;
		r = net_rect_of(&c->net);
		spans[n++] = (struct span){ r.lo, r.hi };
	}
	qsort(spans, n, sizeof(*spans), span_cmp);
	for (size_t i = 0; i < n; i++) {
		if (spans[i].lo > next)
			return false;
		if (spans[i].hi >= last)
			return true;
		if (spans[i].hi + 1 > next)
			next = spans[i].hi + 1;
	}
	return false;
}

/* The entry of the group that holds the unspecified address, longest first; NULL for none. */
static const struct isolate_image_net *holder(const struct isolate_image *img, size_t n,
					      __u8 proto, __u8 family)
{
	static const __u8 zero[16];
	const struct isolate_image_net *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct isolate_image_net *e = &img->net[i];

		if (e->key.op == ISOLATE_NET_BIND && e->key.proto == proto &&
		    e->key.family == (family == AF_INET ? 4 : 6) && net_entry_holds(e, zero) &&
		    (!best || e->key.prefixlen > best->key.prefixlen))
			best = e;
	}
	return best;
}

/* The lowest deny of the group, to name when the wildcard is refused. */
static __u32 first_deny(const struct isolate_image *img, __u8 proto, __u8 family)
{
	__u32 id = ISOLATE_RULE_NONE;

	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];

		if (c->deny && in_group(c, proto, family) && c->rule_id < id)
			id = c->rule_id;
	}
	return id;
}

static int u32_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Where the group's grants' ports start and one past where they end,
 * with lo and hi + 1, in [lo, hi + 1]: sorted, unique; their count. A
 * port's answer changes only there.
 */
static size_t port_edges(const struct isolate_image *img, __u8 proto, __u8 family, __u32 lo,
			 __u32 hi, __u32 *edges)
{
	size_t n = 0, kept = 0;

	edges[n++] = lo;
	edges[n++] = hi + 1;
	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];

		if (c->deny || !in_group(c, proto, family))
			continue;
		if (c->net.port_min > lo && c->net.port_min <= hi)
			edges[n++] = c->net.port_min;
		if (c->net.port_max + 1U > lo && c->net.port_max + 1U <= hi)
			edges[n++] = c->net.port_max + 1U;
	}
	qsort(edges, n, sizeof(*edges), u32_cmp);
	for (size_t i = 0; i < n; i++)
		if (!kept || edges[kept - 1] != edges[i])
			edges[kept++] = edges[i];
	return kept;
}

static bool names_the_address_alone(const struct isolate_net_cap *n)
{
	static const __u8 zero[16];

	return n->prefix_len == (n->family == AF_INET ? 32 : 128) &&
	       !memcmp(n->addr, zero, sizeof(zero));
}

/* Whether rule_id grants the group's unspecified address itself. */
static bool names_unspecified(const struct isolate_image *img, __u8 proto, __u8 family,
			      __u32 rule_id)
{
	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];

		if (!c->deny && c->rule_id == rule_id && in_group(c, proto, family) &&
		    names_the_address_alone(&c->net))
			return true;
	}
	return false;
}

/*
 * e: the held entry's ranges, those of blocks other than the address
 * itself cut to the ports the family is granted whole at.
 */
static void wildcard_entry(const struct isolate_image *img, const struct isolate_image_net *held,
			   __u8 proto, __u8 family, struct span *spans, __u32 *edges,
			   struct isolate_image_net *e)
{
	*e = *held;
	memset(e->key.addr, 0, sizeof(e->key.addr));
	e->key.prefixlen = ISOLATE_NET_FIXED_BITS + (family == AF_INET ? 32 : 128);
	e->rule.n_ranges = 0;
	if (e->rule.deny_rule_id == ISOLATE_RULE_NONE)
		e->rule.deny_rule_id = first_deny(img, proto, family);
	for (__u32 r = 0; r < held->rule.n_ranges; r++) {
		const struct isolate_port_range *range = &held->rule.ranges[r];
		size_t n = port_edges(img, proto, family, range->lo, range->hi, edges);
		struct isolate_port_range *last = NULL;

		if (names_unspecified(img, proto, family, range->rule_id)) {
			if (e->rule.n_ranges < ISOLATE_NET_PORT_RANGES)
				e->rule.ranges[e->rule.n_ranges++] = *range;
			continue;
		}

		for (size_t i = 0; i + 1 < n; i++) {
			if (!whole_family(img, proto, family, edges[i], spans))
				continue;
			if (last && last->hi + 1U == edges[i]) {
				last->hi = (__u16)(edges[i + 1] - 1);
				continue;
			}
			/* Fewer ports, never more: past the entry's room, the rest refused. */
			if (e->rule.n_ranges == ISOLATE_NET_PORT_RANGES)
				break;
			last = &e->rule.ranges[e->rule.n_ranges++];
			*last = (struct isolate_port_range){
				.lo = (__u16)edges[i], .hi = (__u16)(edges[i + 1] - 1),
				.rule_id = range->rule_id,
			};
		}
	}
}

int net_wildcard_entries(struct isolate_image *img, size_t *n)
{
	static const __u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const __u8 families[] = { AF_INET, AF_INET6 };
	struct span *spans = calloc(img->n_net_caps ? img->n_net_caps : 1, sizeof(*spans));
	__u32 *edges = calloc(2 * img->n_net_caps + 2, sizeof(*edges));
	size_t held_n = *n;

	if (!spans || !edges) {
		free(spans);
		free(edges);
		return -ENOMEM;
	}
	for (size_t p = 0; p < sizeof(protos); p++) {
		for (size_t f = 0; f < sizeof(families); f++) {
			const struct isolate_image_net *held = holder(img, held_n, protos[p],
								      families[f]);
			struct isolate_image_net e;

			if (!held)
				continue;
			wildcard_entry(img, held, protos[p], families[f], spans, edges, &e);
			/* The address's own entry, the policy's, is replaced in place. */
			if (held->key.prefixlen == e.key.prefixlen)
				img->net[held - img->net] = e;
			else
				img->net[(*n)++] = e;
		}
	}
	free(spans);
	free(edges);
	return 0;
}
