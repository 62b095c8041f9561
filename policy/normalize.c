/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The authority set of a cell: its capabilities reduced to the fewest that
 * grant exactly the same. Pure: paths are compared as (clean) strings; the
 * compiler resolves them first and normalizes the resolved paths.
 *
 *   paths    a deny removes grants of its kind on itself and below; a tree
 *            removes grants of its kind below it, but those of character
 *            devices the compiler marked; repeats go (a required path
 *            beats the same path marked optional)
 *   network  per (kind, protocol, family): grants minus denies, written as
 *            canonical rectangles (netset.c); denies kept, canonical too
 *   budgets  the tightest of each kind
 *   broker   each right once
 *   namespaces, abstract unix names: each once (a connect and a bind of
 *            one name stay two capabilities; the compiler merges them)
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "names.h"
#include "netset.h"
#include "path_util.h"
#include "sort.h"
#include "written_at.h"

struct cap_list {
	size_t n;
	const struct isolate_cap **v;
};

static int by_path(const void *a, const void *b)
{
	const struct isolate_cap *x = *(const struct isolate_cap *const *)a;
	const struct isolate_cap *y = *(const struct isolate_cap *const *)b;
	int c = strcmp(x->u.path, y->u.path);

	/* Required before optional, so the kept one of a repeat is required. */
	return c ? c : (int)(x->flags & ISOLATE_CAP_OPTIONAL) - (int)(y->flags & ISOLATE_CAP_OPTIONAL);
}

/* Whether sorted (by path) list holds exactly the first len bytes of path. */
static bool holds_prefix(const struct cap_list *l, const char *path, size_t len)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = l->v[mid]->u.path;
		int c = strncmp(p, path, len);

		if (!c)
			c = p[len] ? 1 : 0;
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Whether l holds the first len bytes of path or one of their ancestors. */
static bool covers(const struct cap_list *l, const char *path, size_t len)
{
	for (; len; len = path_parent_len(path, len))
		if (holds_prefix(l, path, len))
			return true;
	return false;
}

/* Sorted, repeats dropped. */
static void sort_unique(struct cap_list *l)
{
	size_t kept = 0;

	sort_mostly_sorted(l->v, l->n, sizeof(*l->v), by_path);
	for (size_t i = 0; i < l->n; i++)
		if (!kept || strcmp(l->v[kept - 1]->u.path, l->v[i]->u.path))
			l->v[kept++] = l->v[i];
	l->n = kept;
}

/* Sorted, repeats and paths below another of the list dropped. */
static int reduce_tree(struct cap_list *l)
{
	bool *below = calloc(l->n ? l->n : 1, sizeof(*below));
	size_t kept = 0;

	if (!below)
		return -ENOMEM;
	sort_unique(l);
	/*
	 * Marked first, dropped after: the lookups need the whole sorted list.
	 * Whether a path is below another is whether its directory is covered:
	 * asked once for a run of files of one directory.
	 */
	for (size_t i = 0, dir_len = 0; i < l->n; i++) {
		const char *path = l->v[i]->u.path;
		size_t len = path_parent_len(path, strlen(path));

		if (i && len == dir_len && !strncmp(path, l->v[i - 1]->u.path, len)) {
			below[i] = below[i - 1];
			continue;
		}
		below[i] = covers(l, path, len);
		dir_len = len;
	}
	for (size_t i = 0; i < l->n; i++)
		if (!below[i] || (l->v[i]->flags & CAP_NAMES_SERVICE))
			l->v[kept++] = l->v[i];
	l->n = kept;
	free(below);
	return 0;
}

static int collect(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
		   unsigned int deny, struct cap_list *l)
{
	l->n = 0;
	l->v = malloc((c->n_caps ? c->n_caps : 1) * sizeof(*l->v));
	if (!l->v)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_caps; i++)
		if (c->caps[i].kind == kind && (c->caps[i].flags & ISOLATE_CAP_DENY) == deny)
			l->v[l->n++] = &c->caps[i];
	return 0;
}

static int normalize_paths(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
			   struct isolate_cell_policy *out)
{
	struct cap_list allow = { 0 }, deny = { 0 };
	int err = collect(c, kind, 0, &allow);

	if (!err)
		err = collect(c, kind, ISOLATE_CAP_DENY, &deny);
	if (err)
		goto out;
	/*
	 * A deny below another is kept: it is below by its path only. The
	 * object it names may be reached by another path too (a bind mount
	 * of it below a grant), where the deny above does not reach.
	 */
	sort_unique(&deny);
	err = reduce_tree(&allow);
	for (size_t i = 0; i < deny.n && !err; i++)
		err = cell_append(out, deny.v[i]);
	for (size_t i = 0; i < allow.n && !err; i++)
		if (!deny.n || !covers(&deny, allow.v[i]->u.path, strlen(allow.v[i]->u.path)))
			err = cell_append(out, allow.v[i]);
out:
	free(allow.v);
	free(deny.v);
	return err;
}

/* ---- network ---- */

static int rects_of(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
		    __u8 proto, __u8 family, unsigned int deny, struct net_rect **out, size_t *n)
{
	*n = 0;
	*out = malloc((c->n_caps ? c->n_caps : 1) * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_caps; i++) {
		const struct isolate_cap *cap = &c->caps[i];

		if (cap->kind == kind && (cap->flags & ISOLATE_CAP_DENY) == deny &&
		    cap->u.net.proto == proto && cap->u.net.family == family)
			(*out)[(*n)++] = net_rect_of(&cap->u.net);
	}
	return 0;
}

/* Rectangles back into capabilities: each is an aligned block by construction. */
static int append_rects(struct isolate_cell_policy *out, enum isolate_cap_kind kind,
			__u8 proto, __u8 family, unsigned int flags,
			const struct net_rect *r, long n)
{
	unsigned int bits = family == AF_INET ? 32 : 128;

	for (long i = 0; i < n; i++) {
		struct isolate_cap cap = { .kind = kind, .flags = flags };
		net_u128 span = r[i].hi - r[i].lo;
		unsigned int host = 0;

		while (host < bits && (span >> host))
			host++;
		cap.u.net.proto = proto;
		cap.u.net.family = family;
		cap.u.net.prefix_len = (__u8)(bits - host);
		cap.u.net.port_min = (__u16)r[i].port_min;
		cap.u.net.port_max = (__u16)r[i].port_max;
		net_addr_set_value(&cap.u.net, r[i].lo);
		if (cell_append(out, &cap))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Each rectangle of a group is a port range of one net_rules entry, so a
 * group of more never compiles; stopping there keeps a few thousand nested
 * port ranges on separate addresses from taking minutes and gigabytes.
 */
#define MAX_NET_RECTS ((size_t)ISOLATE_MAX_NET_RULES * ISOLATE_NET_PORT_RANGES)

static int normalize_net_group(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
			       __u8 proto, __u8 family, struct isolate_cell_policy *out)
{
	struct net_rect *allow = NULL, *deny = NULL, *res = NULL;
	unsigned int bits = family == AF_INET ? 32 : 128;
	size_t n_allow, n_deny;
	long n;
	int err = rects_of(c, kind, proto, family, 0, &allow, &n_allow);

	if (!err)
		err = rects_of(c, kind, proto, family, ISOLATE_CAP_DENY, &deny, &n_deny);
	if (err)
		goto out;
	n = netset_canonical(deny, n_deny, NULL, 0, bits, MAX_NET_RECTS, &res);
	if (n < 0) {
		err = (int)n;
		goto out;
	}
	err = append_rects(out, kind, proto, family, ISOLATE_CAP_DENY, res, n);
	free(res);
	res = NULL;
	if (err)
		goto out;
	n = netset_canonical(allow, n_allow, deny, n_deny, bits, MAX_NET_RECTS, &res);
	err = n < 0 ? (int)n : append_rects(out, kind, proto, family, 0, res, n);
out:
	free(res);
	free(allow);
	free(deny);
	return err;
}

/* ---- budgets and broker ---- */

/* Whether a limits more tightly than b (same kind). */
static bool tighter(const struct isolate_cap *a, const struct isolate_cap *b)
{
	if (a->kind == ISOLATE_CAP_CPU) {
		unsigned __int128 x = (unsigned __int128)a->u.cpu.quota_us * b->u.cpu.period_us;
		unsigned __int128 y = (unsigned __int128)b->u.cpu.quota_us * a->u.cpu.period_us;

		/* The same share: the shorter period, enforced in finer steps. */
		return x != y ? x < y : a->u.cpu.period_us < b->u.cpu.period_us;
	}
	return a->u.value < b->u.value;
}

static int normalize_values(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
			    struct isolate_cell_policy *out)
{
	const struct isolate_cap *best = NULL;
	__u64 rights = 0;

	for (size_t i = 0; i < c->n_caps; i++) {
		const struct isolate_cap *cap = &c->caps[i];

		if (cap->kind != kind)
			continue;
		if (kind == ISOLATE_CAP_BROKER) {
			rights |= cap->u.value;
		} else if (!best || tighter(cap, best)) {
			best = cap;
		}
	}
	for (__u32 bit = 1; bit <= ISOLATE_BROKER_ALL; bit <<= 1) {
		struct isolate_cap right = { .kind = ISOLATE_CAP_BROKER, .u.value = bit };

		if (rights & bit && cell_append(out, &right))
			return -ENOMEM;
	}
	return best ? cell_append(out, best) : 0;
}

/* Kinds that are plain sets: copied here, their repeats go in cell_dedupe. */
static int copy_set(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
		    struct isolate_cell_policy *out)
{
	for (size_t i = 0; i < c->n_caps; i++)
		if (c->caps[i].kind == kind && cell_append(out, &c->caps[i]))
			return -ENOMEM;
	return 0;
}

/* The last written grant of a network group: the one that took it past its limit. */
static const struct src_pos *group_written_at(const struct isolate_cell_policy *c,
					      enum isolate_cap_kind kind, __u8 proto, __u8 family)
{
	struct isolate_net_cap whole = { .proto = proto, .family = family, .port_max = 65535 };

	return net_written_at(c, kind, false, &whole);
}

static int normalize(const struct isolate_cell_policy *c, bool borrow,
		     struct isolate_cell_policy **out, struct isolate_diag *diag)
{
	static const __u8 protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const __u8 families[] = { AF_INET, AF_INET6 };
	struct isolate_cell_policy *n = borrow ? cell_policy_new_borrowing(c->name) :
						 isolate_cell_policy_new(c->name);
	const struct src_pos *over = NULL;
	unsigned int held = 0;
	int err = 0;

	*out = NULL;
	if (!n) {
		diag_set(diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	n->mode = c->mode;
	/* Each pass below reads every capability: none for a kind c lacks. */
	for (size_t i = 0; i < c->n_caps; i++)
		if ((unsigned int)c->caps[i].kind < 32)
			held |= 1U << c->caps[i].kind;
	for (enum isolate_cap_kind k = ISOLATE_CAP_READ; k <= ISOLATE_CAP_EXEC && !err; k++)
		if (held & 1U << k)
			err = normalize_paths(c, k, n);
	for (enum isolate_cap_kind k = ISOLATE_CAP_CONNECT; k <= ISOLATE_CAP_BIND; k++)
		for (size_t p = 0; p < 2 && held & 1U << k; p++)
			for (size_t f = 0; f < 2 && !err; f++) {
				err = normalize_net_group(c, k, protos[p], families[f], n);
				if (err == -E2BIG)
					over = group_written_at(c, k, protos[p], families[f]);
			}
	for (enum isolate_cap_kind k = ISOLATE_CAP_CPU; k <= ISOLATE_CAP_BROKER && !err; k++)
		if (held & 1U << k)
			err = normalize_values(c, k, n);
	for (const struct word_kind *w = word_kinds; w->key && !err; w++)
		if (held & 1U << w->kind)
			err = copy_set(c, w->kind, n);
	if (!err && held & 1U << ISOLATE_CAP_UNIX)
		err = copy_set(c, ISOLATE_CAP_UNIX, n);
	if (err == -E2BIG)
		diag_at(diag, over, "expected at most %d network rules (the size of the net_rules map), cell %s needs more",
			ISOLATE_MAX_NET_RULES, c->name);
	else if (err)
		diag_set(diag, NULL, 0, 0, "out of memory");
	if (err) {
		isolate_cell_policy_free(n);
		return err;
	}
	/* Canonical order, the one isolate_cap_compare defines. */
	cell_dedupe(n);
	*out = n;
	return 0;
}

int isolate_cell_policy_normalize(const struct isolate_cell_policy *c,
				  struct isolate_cell_policy **out)
{
	return normalize(c, false, out, NULL);
}

/* Normalizing makes no string: every one it keeps can be c's. */
int cell_policy_normalize_borrowing(const struct isolate_cell_policy *c,
				    struct isolate_cell_policy **out, struct isolate_diag *diag)
{
	return normalize(c, true, out, diag);
}
