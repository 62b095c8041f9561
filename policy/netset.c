/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Canonical network sets. The port axis is cut at every range boundary;
 * in each slice the addresses are a union of intervals minus the denied
 * ones. Neighbouring slices with the same addresses are joined, and each
 * address interval is written as the fewest aligned blocks. The result
 * depends only on the set, so normalizing is idempotent and blind to order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netset.h"

struct interval {
	net_u128 lo, hi;
};

struct intervals {
	size_t n, alloc;
	struct interval *v;
};

static const net_u128 U128_MAX = ~(net_u128)0;

struct net_rect net_rect_of(const struct isolate_net_cap *r)
{
	unsigned int bits = net_addr_bits(r->family);
	unsigned int host = bits - r->prefix_len;
	net_u128 lo = net_addr_value(r);
	net_u128 mask = host == 128 ? U128_MAX : (((net_u128)1 << host) - 1);

	return (struct net_rect){ .lo = lo, .hi = lo | mask,
				  .port_min = r->port_min, .port_max = r->port_max };
}

bool net_rect_contains(const struct net_rect *r, net_u128 addr, __u32 port)
{
	return addr >= r->lo && addr <= r->hi && port >= r->port_min && port <= r->port_max;
}

static int push(struct intervals *s, net_u128 lo, net_u128 hi)
{
	if (s->n == s->alloc) {
		size_t n = s->alloc ? s->alloc * 2 : 8;
		struct interval *grown = realloc(s->v, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->v = grown;
		s->alloc = n;
	}
	s->v[s->n++] = (struct interval){ lo, hi };
	return 0;
}

static int interval_cmp(const void *a, const void *b)
{
	const struct interval *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* Sorts and joins overlapping or touching intervals, in place. */
static void normalize_intervals(struct intervals *s)
{
	size_t kept = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), interval_cmp);
	for (size_t i = 0; i < s->n; i++) {
		struct interval *last = kept ? &s->v[kept - 1] : NULL;

		if (last && (s->v[i].lo <= last->hi ||
			     (last->hi != U128_MAX && s->v[i].lo == last->hi + 1))) {
			if (s->v[i].hi > last->hi)
				last->hi = s->v[i].hi;
		} else {
			s->v[kept++] = s->v[i];
		}
	}
	s->n = kept;
}

/* a minus b, both normalized; the result is normalized. */
static int subtract(const struct intervals *a, const struct intervals *b,
		    struct intervals *out)
{
	size_t j = 0;

	out->n = 0;
	for (size_t i = 0; i < a->n; i++) {
		net_u128 lo = a->v[i].lo, hi = a->v[i].hi;
		bool left = true;

		while (j < b->n && b->v[j].hi < lo)
			j++;
		for (size_t k = j; k < b->n && b->v[k].lo <= hi; k++) {
			if (b->v[k].lo > lo && push(out, lo, b->v[k].lo - 1))
				return -ENOMEM;
			if (b->v[k].hi >= hi) {
				left = false;
				break;
			}
			lo = b->v[k].hi + 1;
		}
		if (left && push(out, lo, hi))
			return -ENOMEM;
	}
	return 0;
}

/* The union of the address ranges of the rectangles covering [pmin, pmax]. */
static int covering(const struct net_rect *r, size_t n, __u32 pmin, __u32 pmax,
		    struct intervals *out)
{
	out->n = 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].port_min <= pmin && r[i].port_max >= pmax &&
		    push(out, r[i].lo, r[i].hi))
			return -ENOMEM;
	normalize_intervals(out);
	return 0;
}

static bool same_intervals(const struct intervals *a, const struct intervals *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->v, b->v, a->n * sizeof(*a->v)));
}

struct rects {
	size_t n, alloc, max;
	struct net_rect *v;
};

static int push_rect(struct rects *s, net_u128 lo, net_u128 hi, __u32 pmin, __u32 pmax)
{
	if (s->n == s->max)
		return -E2BIG;
	if (s->n == s->alloc) {
		size_t n = s->alloc ? s->alloc * 2 : 8;
		struct net_rect *grown = realloc(s->v, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		s->v = grown;
		s->alloc = n;
	}
	s->v[s->n++] = (struct net_rect){ lo, hi, pmin, pmax };
	return 0;
}

/* [lo, hi] as the fewest aligned blocks, each a rectangle with the ports. */
static int emit_blocks(struct rects *out, net_u128 lo, net_u128 hi, unsigned int bits,
		       __u32 pmin, __u32 pmax)
{
	for (;;) {
		unsigned int k = 0;
		net_u128 size_minus_1;
		int err;

		/* The largest block aligned at lo that ends at or before hi. */
		while (k < bits && !(lo & ((net_u128)1 << k)))
			k++;
		for (;; k--) {
			size_minus_1 = k == 128 ? U128_MAX : (((net_u128)1 << k) - 1);
			if (size_minus_1 <= hi - lo)
				break;
		}
		err = push_rect(out, lo, lo + size_minus_1, pmin, pmax);
		if (err)
			return err;
		if (lo + size_minus_1 >= hi)
			return 0;
		lo += size_minus_1 + 1;
	}
}

static int u32_cmp(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int rect_cmp(const void *a, const void *b)
{
	const struct net_rect *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return x->port_min < y->port_min ? -1 : x->port_min > y->port_min;
}

/* The slices' address sets from run_start to run_end, as rectangles. */
static int flush(struct rects *res, const struct intervals *set, unsigned int bits,
		 __u32 run_start, __u32 run_end)
{
	int err = 0;

	for (size_t i = 0; i < set->n && !err; i++)
		err = emit_blocks(res, set->v[i].lo, set->v[i].hi, bits, run_start, run_end);
	return err;
}

static size_t port_cuts(const struct net_rect *r, size_t n, __u32 *cuts, size_t used)
{
	for (size_t i = 0; i < n; i++) {
		cuts[used++] = r[i].port_min;
		cuts[used++] = r[i].port_max + 1;
	}
	return used;
}

long netset_canonical(const struct net_rect *allow, size_t n_allow,
		      const struct net_rect *deny, size_t n_deny, unsigned int bits,
		      size_t max, struct net_rect **out)
{
	struct intervals a = { 0 }, d = { 0 }, cur = { 0 }, prev = { 0 }, swap;
	__u32 *cuts = malloc((2 * (n_allow + n_deny) + 1) * sizeof(*cuts));
	struct rects res = { .max = max };
	__u32 run_start = 0;
	size_t n_cuts, uniq = 0;
	long err = 0;

	*out = NULL;
	if (!cuts)
		return -ENOMEM;
	n_cuts = port_cuts(deny, n_deny, cuts, port_cuts(allow, n_allow, cuts, 0));
	if (n_cuts > 1)
		qsort(cuts, n_cuts, sizeof(*cuts), u32_cmp);
	for (size_t i = 0; i < n_cuts; i++)
		if (!uniq || cuts[uniq - 1] != cuts[i])
			cuts[uniq++] = cuts[i];
	for (size_t i = 0; i + 1 < uniq; i++) {
		__u32 start = cuts[i], end = cuts[i + 1] - 1;

		if (covering(allow, n_allow, start, end, &a) ||
		    covering(deny, n_deny, start, end, &d) || subtract(&a, &d, &cur)) {
			err = -ENOMEM;
			goto out;
		}
		if (prev.n && same_intervals(&prev, &cur))
			continue;	/* the run of equal slices goes on */
		err = flush(&res, &prev, bits, run_start, start - 1);
		if (err)
			goto out;
		swap = prev;
		prev = cur;
		cur = swap;
		run_start = start;
	}
	if (uniq)
		err = flush(&res, &prev, bits, run_start, cuts[uniq - 1] - 1);
	if (err)
		goto out;
	if (res.n > 1)
		qsort(res.v, res.n, sizeof(*res.v), rect_cmp);
	*out = res.v;
	res.v = NULL;
	err = (long)res.n;
out:
	free(res.v);
	free(cuts);
	free(a.v);
	free(d.v);
	free(cur.v);
	free(prev.v);
	return err;
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
