/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A cell policy into the image the loader writes. Paths become objects:
 * each is resolved (symlinks followed: the rule attaches to the target)
 * or, for a live cell, taken from what it was bound to when it entered
 * the cell (a deny also holds on what its path was bound to before a
 * rebind); the resolved set is normalized, and every inode that carries
 * a rule gets its effective rights, because the kernel's walk stops at
 * the nearest one: the grants of the inode and its granted ancestors,
 * minus every deny on it or above it (by path, and on directories by
 * object: deny_objects.c).
 * Network blocks and abstract unix names are compiled in files of their
 * own; namespaces become cell flags. The compiler works on positions in
 * the authority set; the image gets rule ids (rule_ids.c) last.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/hardlinks.h"
#include "compile_net.h"
#include "compile_unix.h"
#include "device_kind.h"
#include "deny_objects.h"
#include "model.h"
#include "path_util.h"
#include "real_path.h"
#include "path_check.h"
#include "sb_device.h"
#include "sort.h"

enum right_status { RIGHT_NONE, RIGHT_ALLOW, RIGHT_DENY };

/* A path carrying a rule, before paths of the same inode are merged. */
struct anchor {
	char *path;
	__u32 dev;
	__u64 ino;
	enum right_status status[ISOLATE_RIGHTS];
	__u32 decider[ISOLATE_RIGHTS];
	__u32 own_deny, own_allow;	/* lowest rule on exactly this path */
};

/* Where the caps of one (kind, deny) sit in the sorted authority set. */
struct group {
	size_t start, end;
};

/* What resolving a path found there, so that compiling stats it once. */
struct resolved {
	char *path;
	struct stat st;
	bool bound;	/* taken from its binding: the path may lead elsewhere by now */
	bool owned;	/* path is the compiler's, not a binding's */
};

/*
 * An object a deny's path was bound to before a rebind (superseded): the
 * deny holds there too, and it is kept for the next change.
 */
struct superseded_deny {
	const struct policy_binding *was;
	const char *at;		/* where the deny is in the set: its rule */
	int right;
	__u32 rule;		/* found by anchor_superseded() */
	bool compiled;		/* the deny's own object: its path leads nowhere now */
};

/* The rules above the last directory asked about: its files share them. */
struct above_memo {
	const char *dir;	/* NULL: none yet */
	size_t len;
	__u32 id[ISOLATE_RIGHTS][2];	/* [right][deny] */
};

struct compiler {
	const struct isolate_cell_policy *set;	/* the authority set */
	struct resolved *resolved;		/* sorted by path */
	bool borrowed;				/* their paths are the bindings' */
	size_t n_resolved;
	size_t next_resolved;			/* after the one found last */
	struct above_memo above;
	struct group groups[ISOLATE_RIGHTS][2];	/* [right][deny] */
	size_t n_anchors, anchors_alloc;
	struct anchor *anchors;
	const struct policy_binding *bound;	/* their linked files are kept */
	size_t n_bound;
	bool record_links;			/* into linked, for the next change */
	struct policy_binding *linked;
	size_t n_linked, linked_alloc;
	struct superseded_deny *superseded;	/* of bound, those a deny holds on */
	size_t n_superseded, superseded_alloc;
	struct deny_objects denies;		/* the set's denied directories */
	struct isolate_diag *diag;
};

static struct group *group_of(struct compiler *cc, const struct isolate_cap *cap)
{
	return &cc->groups[cap->kind - ISOLATE_CAP_READ][!!(cap->flags & ISOLATE_CAP_DENY)];
}

/* The index of the cap of group g on exactly the first len bytes of path. */
static __u32 find_exact(const struct compiler *cc, const struct group *g, const char *path,
			size_t len)
{
	size_t lo = g->start, hi = g->end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *p = cc->set->caps[mid].u.path;
		int c = strncmp(p, path, len);

		if (!c)
			c = p[len] ? 1 : 0;
		if (!c)
			return (__u32)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return ISOLATE_RULE_NONE;
}

/* The cap of group g on the nearest ancestor of the first len bytes of path. */
static __u32 find_above(const struct compiler *cc, const struct group *g, const char *path,
			size_t len)
{
	if (g->start == g->end)
		return ISOLATE_RULE_NONE;
	while ((len = path_parent_len(path, len))) {
		__u32 id = find_exact(cc, g, path, len);

		if (id != ISOLATE_RULE_NONE)
			return id;
	}
	return ISOLATE_RULE_NONE;
}

/*
 * The rules of every group on the nearest ancestors of path (len bytes),
 * from the memo when path's directory is the one asked about last: the
 * set lists the files of a directory one after another.
 */
static const struct above_memo *rules_above(struct compiler *cc, const char *path, size_t len)
{
	struct above_memo *m = &cc->above;
	size_t dir = path_parent_len(path, len);

	if (m->dir && m->len == dir && !strncmp(m->dir, path, dir))
		return m;
	for (int r = 0; r < ISOLATE_RIGHTS; r++)
		for (int deny = 0; deny < 2; deny++)
			m->id[r][deny] = find_above(cc, &cc->groups[r][deny], path, len);
	m->dir = path;
	m->len = dir;
	return m;
}

/*
 * The cap of group g on exactly path (len bytes): own, when it is the cap
 * the anchor comes from and g its group, else searched for.
 */
static __u32 find_own(const struct compiler *cc, const struct group *g, const char *path,
		      size_t len, const struct group *own_group, __u32 own)
{
	return g == own_group ? own : find_exact(cc, g, path, len);
}

/*
 * Each (right, deny) group is searched for the path itself once, but the
 * group of the cap the anchor comes from (own_group, own; NULL for a
 * linked file), whose index is known. A service node's grants are its own
 * rules' only, as the kernel reaches it (denies above it still hold): its
 * entry would otherwise carry every right of the tree above to the
 * kernel's test of a rule on the node.
 */
static void compute_rights(struct compiler *cc, struct anchor *a, const struct group *own_group,
			   __u32 own, bool service)
{
	size_t len = strlen(a->path);
	const struct above_memo *above = rules_above(cc, a->path, len);

	a->own_deny = a->own_allow = ISOLATE_RULE_NONE;
	for (int r = 0; r < ISOLATE_RIGHTS; r++) {
		const struct group *allow = &cc->groups[r][0], *deny = &cc->groups[r][1];
		__u32 own_d = find_own(cc, deny, a->path, len, own_group, own);
		__u32 d = own_d != ISOLATE_RULE_NONE ? own_d : above->id[r][1];
		__u32 own_a = find_own(cc, allow, a->path, len, own_group, own);
		__u32 g = d != ISOLATE_RULE_NONE ? ISOLATE_RULE_NONE :
			  own_a != ISOLATE_RULE_NONE ? own_a :
			  service ? ISOLATE_RULE_NONE : above->id[r][0];

		a->status[r] = d != ISOLATE_RULE_NONE ? RIGHT_DENY :
			       g != ISOLATE_RULE_NONE ? RIGHT_ALLOW : RIGHT_NONE;
		a->decider[r] = d != ISOLATE_RULE_NONE ? d : g;
		if (own_d < a->own_deny)
			a->own_deny = own_d;
		if (own_a < a->own_allow)
			a->own_allow = own_a;
	}
}

static int add_anchor(struct compiler *cc, const char *path, const struct stat *st,
		      const struct group *own_group, __u32 own)
{
	struct anchor *a;

	if (cc->n_anchors == cc->anchors_alloc) {
		size_t n = cc->anchors_alloc ? cc->anchors_alloc * 2 : 64;
		struct anchor *grown = realloc(cc->anchors, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		cc->anchors = grown;
		cc->anchors_alloc = n;
	}
	a = &cc->anchors[cc->n_anchors];
	memset(a, 0, sizeof(*a));
	a->path = strdup(path);
	if (!a->path)
		return -ENOMEM;
	a->dev = kernel_dev(st->st_dev);
	a->ino = st->st_ino;
	compute_rights(cc, a, own_group, own, device_is_service_node(st));
	cc->n_anchors++;
	return 0;
}

/* A multiply-linked file below a denied directory, kept for the next change too. */
static int add_linked(struct compiler *cc, const char *path, const struct stat *st)
{
	struct policy_binding *rec;
	int err = add_anchor(cc, path, st, NULL, ISOLATE_RULE_NONE);

	if (err || !cc->record_links)
		return err;
	if (cc->n_linked == cc->linked_alloc) {
		size_t n = cc->linked_alloc ? cc->linked_alloc * 2 : 16;
		struct policy_binding *grown = realloc(cc->linked, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		cc->linked = grown;
		cc->linked_alloc = n;
	}
	rec = &cc->linked[cc->n_linked];
	*rec = (struct policy_binding){ .path = strdup(path), .dev = st->st_dev,
					.ino = st->st_ino, .mode = st->st_mode, .linked = true };
	if (!rec->path)
		return -ENOMEM;
	cc->n_linked++;
	return 0;
}

static int add_hardlink(void *ctx, const char *path, const struct stat *st)
{
	return add_linked(ctx, path, st);
}

/*
 * The linked files an earlier change found below dir: still denied, and
 * still to keep, whether or not the scan finds them there now. Their
 * denies only: the inode number of a file gone since may be another
 * file's by now, which must gain nothing from it. (Found again by the
 * scan, a file has its grants from that anchor.)
 */
static int keep_linked(struct compiler *cc, const char *dir)
{
	size_t n = strlen(dir);
	int err = 0;

	while (n && dir[n - 1] == '/')
		n--;
	for (size_t i = 0; i < cc->n_bound && !err; i++) {
		const struct policy_binding *b = &cc->bound[i];
		struct stat st = { .st_dev = b->dev, .st_ino = b->ino, .st_mode = b->mode };
		struct anchor *a;

		if (!b->linked || strncmp(b->path, dir, n) || b->path[n] != '/')
			continue;
		err = add_linked(cc, b->path, &st);
		if (err)
			break;
		a = &cc->anchors[cc->n_anchors - 1];
		for (int r = 0; r < ISOLATE_RIGHTS; r++) {
			if (a->status[r] == RIGHT_ALLOW) {
				a->status[r] = RIGHT_NONE;
				a->decider[r] = ISOLATE_RULE_NONE;
			}
		}
	}
	return err;
}

static int resolved_cmp(const void *a, const void *b)
{
	return strcmp(((const struct resolved *)a)->path, ((const struct resolved *)b)->path);
}

/*
 * The resolved entries of path's string: the index of the first and how
 * many (0: none). The paths of a kind come in order: the run after the one
 * found last is tried first.
 */
static size_t resolved_run(struct compiler *cc, const char *path, size_t *first)
{
	struct resolved key = { .path = (char *)path };
	const struct resolved *r;
	size_t i, n = 1;

	if (cc->next_resolved < cc->n_resolved &&
	    !strcmp(cc->resolved[cc->next_resolved].path, path)) {
		i = cc->next_resolved;
	} else {
		r = cc->n_resolved ? bsearch(&key, cc->resolved, cc->n_resolved, sizeof(key),
					     resolved_cmp) : NULL;
		if (!r)
			return 0;
		i = (size_t)(r - cc->resolved);
		while (i && !strcmp(cc->resolved[i - 1].path, path))
			i--;
	}
	while (i + n < cc->n_resolved && !strcmp(cc->resolved[i + n].path, path))
		n++;
	*first = i;
	cc->next_resolved = i + n;
	return n;
}

/*
 * What resolving found for path, else a stat of it now. Two entries may
 * share a string and not an object: a bound path whose object has moved
 * away keeps the string it was bound at, where another path may lead now.
 * path is the set's own string (normalizing borrows the resolved ones), so
 * the entry made with it is the one.
 */
static int stat_resolved(struct compiler *cc, const char *path, struct stat *st, bool *bound)
{
	size_t first, n = resolved_run(cc, path, &first);
	const struct resolved *r = n ? &cc->resolved[first] : NULL;

	for (size_t i = first; i < first + n; i++)
		if (cc->resolved[i].path == path)
			r = &cc->resolved[i];
	*bound = r && r->bound;
	if (!r)
		return stat(path, st);
	*st = r->st;
	return 0;
}

/*
 * The other objects of path's string than own: a deny holds on each (the
 * string it was written for leads there now, or led there when it was
 * bound). *first and the count, as resolved_run().
 */
static size_t others_at(struct compiler *cc, const char *path, const struct stat *own,
			size_t *first)
{
	size_t n = resolved_run(cc, path, first);

	for (size_t i = *first; i < *first + n; i++)
		if (cc->resolved[i].st.st_dev != own->st_dev ||
		    cc->resolved[i].st.st_ino != own->st_ino)
			return n;
	return 0;
}

static bool seen_in_run(const struct resolved *run, size_t i, const struct stat *own)
{
	if (run[i].st.st_dev == own->st_dev && run[i].st.st_ino == own->st_ino)
		return true;
	for (size_t j = 0; j < i; j++)
		if (run[j].st.st_dev == run[i].st.st_dev && run[j].st.st_ino == run[i].st.st_ino)
			return true;
	return false;
}

/*
 * Every path of the authority set, and the linked files of denied trees:
 * all of their entries with scan_all, else at most HARDLINK_SCAN_MAX.
 * With scan_all (a change that only takes rights away) a tree that cannot
 * be scanned whole (deeper than a path may be, more directories than the
 * descriptors, unreadable) is not an error: the links earlier scans found
 * there stay denied, so nothing is given that was not, and a cell that
 * may write in a denied tree cannot block a revoke by building one.
 */
/*
 * cap's anchor on the object st (bound: taken from a binding, so its path
 * may lead elsewhere now), and for a denied directory the linked files
 * below it.
 */
static int anchor_object(struct compiler *cc, const struct isolate_cap *cap, __u32 rule,
			 const struct stat *st, bool bound, bool scan_all, size_t *budget)
{
	char msg[sizeof(cc->diag->msg)];
	/* A path under several kinds is added for each; merging joins them. */
	int err = add_anchor(cc, cap->u.path, st, group_of(cc, cap), rule);

	if (err || !(cap->flags & ISOLATE_CAP_DENY) || !S_ISDIR(st->st_mode))
		return err;
	msg[0] = '\0';
	err = hardlinks_scan(cap->u.path, st, budget, NULL, add_hardlink, cc, msg, sizeof(msg));
	/*
	 * Moved since it was bound (something else at its path, or
	 * nothing): its deny is on it wherever it is, found there by
	 * object, and its links kept.
	 */
	if (bound && (err == -ESTALE || err == -ENOENT || err == -ENOTDIR || err == -ELOOP))
		err = 0;
	if (scan_all && err && err != -ESTALE && err != -ENOMEM)
		err = 0;
	if (!err)
		err = keep_linked(cc, cap->u.path);
	if (err == -ESTALE)
		diag_at(cc->diag, &cap->pos, "%s was replaced while it was resolved", cap->u.path);
	else if (err && err != -ENOMEM)
		diag_at(cc->diag, &cap->pos, "%s", msg[0] ? msg : strerror(-err));
	return err;
}

static int collect_anchors(struct compiler *cc, bool scan_all)
{
	size_t budget = scan_all ? SIZE_MAX : HARDLINK_SCAN_MAX;
	int err = 0;

	for (size_t i = 0; i < cc->set->n_caps && !err; i++) {
		const struct isolate_cap *cap = &cc->set->caps[i];
		size_t first, n;
		struct stat st;
		bool bound;

		if (!cap_is_path(cap->kind))
			continue;
		if (stat_resolved(cc, cap->u.path, &st, &bound)) {
			/* Resolved a moment ago: it changed under us. */
			err = -errno;
			diag_at(cc->diag, &cap->pos, "expected an existing path, got %s: %s",
				cap->u.path, strerror(errno));
			break;
		}
		err = anchor_object(cc, cap, (__u32)i, &st, bound, scan_all, &budget);
		if (err || !(cap->flags & ISOLATE_CAP_DENY))
			continue;
		n = others_at(cc, cap->u.path, &st, &first);
		for (size_t j = 0; j < n && !err; j++)
			if (!seen_in_run(&cc->resolved[first], j, &st))
				err = anchor_object(cc, cap, (__u32)i, &cc->resolved[first + j].st,
						    true, scan_all, &budget);
	}
	if (err == -ENOMEM)
		diag_set(cc->diag, NULL, 0, 0, "out of memory");
	return err;
}

/*
 * The objects denies hold on besides their own (superseded_deny): each with
 * the rights it has where its path was (old real: as the generation it was
 * bound in had it, but for grants on the path itself, which follow the
 * path) and the deny, found in the set where the deny is now. A directory
 * among them keeps the linked files found below it.
 */
static int anchor_superseded(struct compiler *cc)
{
	int err = 0;

	for (size_t i = 0; i < cc->n_superseded && !err; i++) {
		struct superseded_deny *s = &cc->superseded[i];
		const struct group *g = &cc->groups[s->right][1];
		struct stat st = { .st_dev = s->was->dev, .st_ino = s->was->ino,
				   .st_mode = s->was->mode };
		size_t len = strlen(s->at);
		struct anchor *a;

		if (s->compiled)
			continue;
		/* Not there: a deny above it took it out of the set, and decides there. */
		s->rule = find_exact(cc, g, s->at, len);
		if (s->rule == ISOLATE_RULE_NONE)
			s->rule = find_above(cc, g, s->at, len);
		err = add_anchor(cc, s->was->real, &st, NULL, ISOLATE_RULE_NONE);
		if (err)
			break;
		a = &cc->anchors[cc->n_anchors - 1];
		a->status[s->right] = RIGHT_DENY;
		a->decider[s->right] = s->rule;
		if (s->rule < a->own_deny)
			a->own_deny = s->rule;
		if (S_ISDIR(st.st_mode))
			err = keep_linked(cc, s->was->real);
	}
	if (err)
		diag_set(cc->diag, NULL, 0, 0, "out of memory");
	return err;
}

/*
 * The rights of a that a deny on a directory its object lies in takes,
 * whatever the strings say; where it lies cannot be told (its path leads
 * elsewhere now: a kept path renamed or replaced since), every right a
 * denied directory takes, since it could lie in any. Never a right given.
 */
static void deny_anchor_by_object(struct deny_objects *d, struct anchor *a)
{
	__u32 above[ISOLATE_RIGHTS];
	bool asked = false, placed = false;

	for (int r = 0; r < ISOLATE_RIGHTS; r++) {
		__u32 deny;

		if (a->status[r] != RIGHT_ALLOW || !deny_objects_any(d, r))
			continue;
		if (!asked)
			placed = !deny_objects_above(d, a->path, a->dev, a->ino, above);
		asked = true;
		deny = placed ? above[r] : d->first[r];
		if (deny != ISOLATE_RULE_NONE) {
			a->status[r] = RIGHT_DENY;
			a->decider[r] = deny;
		}
	}
}

/*
 * The denies of directories by object, over those found by path: a live
 * cell's paths are bound at different times, and a denied directory the
 * cell renamed since its deny was bound (or one above it) no longer
 * prefixes the paths below its new name, which a later grant resolves
 * now. The kernel refuses moves into and out of denied trees, so what
 * lies in one now lay in it then.
 */
static int deny_by_object(struct compiler *cc)
{
	int err = 0;

	for (size_t i = 0; i < cc->set->n_caps && !err; i++) {
		const struct isolate_cap *cap = &cc->set->caps[i];
		size_t first, n;
		struct stat st;
		bool bound;

		if (!cap_is_path(cap->kind) || !(cap->flags & ISOLATE_CAP_DENY) ||
		    stat_resolved(cc, cap->u.path, &st, &bound))
			continue;
		if (S_ISDIR(st.st_mode))
			err = deny_objects_add(&cc->denies, &st, cap->kind - ISOLATE_CAP_READ,
					       (__u32)i);
		n = others_at(cc, cap->u.path, &st, &first);
		for (size_t j = 0; j < n && !err; j++) {
			const struct stat *other = &cc->resolved[first + j].st;

			if (S_ISDIR(other->st_mode) && !seen_in_run(&cc->resolved[first], j, &st))
				err = deny_objects_add(&cc->denies, other,
						       cap->kind - ISOLATE_CAP_READ, (__u32)i);
		}
	}
	for (size_t i = 0; i < cc->n_superseded && !err; i++) {
		const struct superseded_deny *s = &cc->superseded[i];
		struct stat st = { .st_dev = s->was->dev, .st_ino = s->was->ino,
				   .st_mode = s->was->mode };

		if (!s->compiled && S_ISDIR(st.st_mode))
			err = deny_objects_add(&cc->denies, &st, s->right, s->rule);
	}
	if (err) {
		diag_set(cc->diag, NULL, 0, 0, "out of memory");
		return err;
	}
	deny_objects_sort(&cc->denies);
	for (size_t i = 0; i < cc->n_anchors; i++)
		deny_anchor_by_object(&cc->denies, &cc->anchors[i]);
	return 0;
}

static int anchor_cmp(const void *a, const void *b)
{
	const struct anchor *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return strcmp(x->path, y->path);
}

/*
 * Anchors of one inode (hard links, bind mounts, a path under several
 * kinds) into one entry: a deny through any of them wins.
 */
static void merge_anchors(const struct anchor *a, size_t n, struct isolate_image_inode *e)
{
	__u32 derived_deny = ISOLATE_RULE_NONE, own_deny = ISOLATE_RULE_NONE;
	__u32 own_allow = ISOLATE_RULE_NONE;

	e->dev = a[0].dev;
	e->ino = a[0].ino;
	e->rule.allow = 0;
	for (int r = 0; r < ISOLATE_RIGHTS; r++) {
		enum right_status best = RIGHT_NONE;

		e->rule.decided_by[r] = ISOLATE_RULE_NONE;
		for (size_t i = 0; i < n; i++) {
			if (a[i].status[r] > best) {
				best = a[i].status[r];
				e->rule.decided_by[r] = a[i].decider[r];
			}
		}
		if (best == RIGHT_ALLOW)
			e->rule.allow |= 1U << r;
		if (best == RIGHT_DENY && e->rule.decided_by[r] < derived_deny)
			derived_deny = e->rule.decided_by[r];
	}
	for (size_t i = 0; i < n; i++) {
		if (a[i].own_deny < own_deny)
			own_deny = a[i].own_deny;
		if (a[i].own_allow < own_allow)
			own_allow = a[i].own_allow;
	}
	/* The rule that put the entry here; a deny explains more than a grant. */
	e->rule.rule_id = own_deny != ISOLATE_RULE_NONE ? own_deny :
			  own_allow != ISOLATE_RULE_NONE ? own_allow : derived_deny;
}

static int build_inodes(struct compiler *cc, struct isolate_image *img)
{
	size_t n = 0;

	sort_mostly_sorted(cc->anchors, cc->n_anchors, sizeof(*cc->anchors), anchor_cmp);
	img->inodes = calloc(cc->n_anchors ? cc->n_anchors : 1, sizeof(*img->inodes));
	if (!img->inodes)
		return -ENOMEM;
	for (size_t i = 0, j; i < cc->n_anchors; i = j) {
		for (j = i + 1; j < cc->n_anchors && cc->anchors[j].dev == cc->anchors[i].dev &&
				cc->anchors[j].ino == cc->anchors[i].ino; j++)
			;
		merge_anchors(&cc->anchors[i], j - i, &img->inodes[n]);
		/* The entry keeps the first path (in byte order) for display. */
		img->inodes[n].path = cc->anchors[i].path;
		cc->anchors[i].path = NULL;
		n++;
	}
	img->n_inodes = n;
	return 0;
}

static void find_groups(struct compiler *cc)
{
	for (int r = 0; r < ISOLATE_RIGHTS; r++)
		for (int deny = 0; deny < 2; deny++)
			cc->groups[r][deny] = (struct group){ 0, 0 };
	for (size_t i = 0; i < cc->set->n_caps; i++) {
		const struct isolate_cap *cap = &cc->set->caps[i];
		struct group *g;

		if (!cap_is_path(cap->kind))
			continue;
		g = group_of(cc, cap);
		if (g->start == g->end)
			g->start = i;
		g->end = i + 1;
	}
}

/* The text of cap, formatted once when it fits a line (as nearly all do). */
static char *cap_text(const struct isolate_cap *cap)
{
	char line[256], *text;
	int len = isolate_cap_format(cap, line, sizeof(line));

	if ((size_t)len < sizeof(line))
		return strdup(line);
	text = malloc((size_t)len + 1);
	if (text)
		isolate_cap_format(cap, text, (size_t)len + 1);
	return text;
}

static int add_text(char ***list, size_t *n, const struct isolate_cap *cap)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*n] = cap_text(cap);
	if (!grown[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void resolved_free(struct compiler *cc)
{
	for (size_t i = 0; i < cc->n_resolved; i++)
		if (cc->resolved[i].owned)
			free(cc->resolved[i].path);
	free(cc->resolved);
	free(cc->superseded);
}

/* Where compiling gets each path's object: bound already, or resolved now. */
struct binder {
	const struct policy_binding *bound;
	size_t n_bound;
	size_t next;			/* after the binding found last */
	struct real_path_cache cache;
	struct sb_device_check sb;
	dev_t sb_dev;			/* the superblock's, after an -EXDEV */
	struct policy_binding *out;	/* NULL: not asked for */
	size_t n_out;
};

/*
 * A binding keeps no device number: the node's, read again, while the
 * path still leads to the bound node (an inode's device number never
 * changes). Else it stays 0, no harmless device: a node of its own rights.
 */
static void device_number_of_bound(const char *real, struct stat *st)
{
	struct stat now;

	if (!lstat(real, &now) && now.st_dev == st->st_dev && now.st_ino == st->st_ino)
		st->st_rdev = now.st_rdev;
}

/*
 * The real path of cap's path and its stat, from its binding (*kept) or
 * resolved now; NULL with errno set when it does not exist (ENOENT: an
 * optional path bound as missing). With b->out the binding made keeps the
 * string; else it is the caller's to free.
 */
static char *bind_path(struct binder *b, const struct isolate_cap *cap, struct stat *st,
		       bool *kept)
{
	struct policy_binding *rec = b->out ? &b->out[b->n_out] : NULL;
	const struct policy_binding *old;
	char *real;

	/* The paths of one kind come in order: the one after the last found, first. */
	if (b->next < b->n_bound && !b->bound[b->next].linked && !b->bound[b->next].superseded &&
	    !strcmp(b->bound[b->next].path, cap->u.path))
		old = &b->bound[b->next];
	else
		old = policy_binding_find(b->bound, b->n_bound, cap->u.path);
	if (old)
		b->next = (size_t)(old - b->bound) + 1;

	*kept = old && (old->real || cap->flags & ISOLATE_CAP_OPTIONAL);
	if (*kept) {
		memset(st, 0, sizeof(*st));
		st->st_dev = old->dev;
		st->st_ino = old->ino;
		st->st_mode = old->mode;
		real = old->real ? strdup(old->real) : NULL;
		if (!real)
			errno = old->real ? ENOMEM : ENOENT;
		else if (S_ISCHR(old->mode) || S_ISBLK(old->mode))
			device_number_of_bound(real, st);
	} else {
		real = real_path(&b->cache, cap->u.path, st);
		/* The compiler's own /proc entries are refused by the caller, saying so. */
		if (real && !self_path_check_real(cap->u.path, real, NULL, 0)) {
			int err = sb_device_check(&b->sb, real, st, &b->sb_dev);

			if (err) {
				free(real);
				errno = -err;
				return NULL;
			}
		}
	}
	if (!rec || (!real && errno != ENOENT && errno != ENOTDIR))
		return real;
	*rec = (struct policy_binding){
		.path = strdup(cap->u.path), .real = real,
		.dev = real ? st->st_dev : 0, .ino = real ? st->st_ino : 0,
		.mode = real ? st->st_mode : 0,
	};
	if (!rec->path) {
		free(real);
		errno = ENOMEM;
		return NULL;
	}
	b->n_out++;
	if (!real)
		errno = ENOENT;
	return real;
}

/*
 * The object deny cap is compiled on when its path, optional, leads
 * nowhere now: the first its path was bound to before a rebind (the cell
 * may have moved it away), if any; else NULL, errno as it was. The string
 * is the caller's.
 */
static char *bind_superseded(const struct binder *b, const struct isolate_cap *cap,
			     struct stat *st)
{
	size_t n;
	const struct policy_binding *was = policy_bindings_superseded(b->bound, b->n_bound,
								      cap->u.path, &n);
	char *real;

	if (!n)
		return NULL;
	real = strdup(was->real);
	if (!real) {
		errno = ENOMEM;
		return NULL;
	}
	memset(st, 0, sizeof(*st));
	st->st_dev = was->dev;
	st->st_ino = was->ino;
	st->st_mode = was->mode;
	return real;
}

/*
 * The objects deny cap's path was bound to before a rebind, noted for the
 * deny to hold on too (at: where the deny is in the set) and to be kept
 * for the next change; not the one it is compiled on (st), which the path
 * is bound to again, unless the path leads nowhere now (nowhere: it is
 * the one bind_superseded() chose, kept as the path's binding is none).
 */
static int note_superseded(struct compiler *cc, const struct binder *b,
			   const struct isolate_cap *cap, const char *at, const struct stat *st,
			   bool nowhere)
{
	size_t n;
	const struct policy_binding *was = policy_bindings_superseded(b->bound, b->n_bound,
								      cap->u.path, &n);

	for (size_t i = 0; i < n; i++) {
		bool compiled = was[i].dev == st->st_dev && was[i].ino == st->st_ino;

		if (compiled && !nowhere)
			continue;
		if (cc->n_superseded == cc->superseded_alloc) {
			size_t grown_n = cc->superseded_alloc ? cc->superseded_alloc * 2 : 8;
			struct superseded_deny *grown = realloc(cc->superseded,
								grown_n * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			cc->superseded = grown;
			cc->superseded_alloc = grown_n;
		}
		cc->superseded[cc->n_superseded++] = (struct superseded_deny){
			.was = &was[i], .at = at, .right = cap->kind - ISOLATE_CAP_READ,
			.rule = ISOLATE_RULE_NONE, .compiled = compiled,
		};
	}
	return 0;
}

/*
 * c with every path resolved (or taken from its binding), and what each
 * resolved to kept in cc; missing optional paths go to img->skipped, but
 * a deny's with an object superseded (bind_superseded()).
 */
static int resolve_paths(struct compiler *cc, struct binder *b,
			 const struct isolate_cell_policy *c, struct isolate_cell_policy *out,
			 struct isolate_image *img, struct isolate_diag *diag)
{
	int err = 0;

	cc->resolved = malloc((c->n_caps ? c->n_caps : 1) * sizeof(*cc->resolved));
	if (!cc->resolved)
		err = -ENOMEM;
	for (size_t i = 0; i < c->n_caps && !err; i++) {
		const struct isolate_cap *cap = &c->caps[i];
		struct isolate_cap resolved;
		char msg[sizeof(diag->msg)];
		struct stat st;
		bool kept, nowhere = false;
		char *real;

		if (!cap_is_path(cap->kind)) {
			err = cell_append(out, cap);
			continue;
		}
		real = bind_path(b, cap, &st, &kept);
		if (!real && cap->flags & ISOLATE_CAP_OPTIONAL && cap->flags & ISOLATE_CAP_DENY &&
		    (errno == ENOENT || errno == ENOTDIR)) {
			real = bind_superseded(b, cap, &st);
			kept = nowhere = real != NULL;
		}
		if (!real) {
			err = -errno;
			if (err == -ENOMEM)
				break;
			if (cap->flags & ISOLATE_CAP_OPTIONAL && (errno == ENOENT || errno == ENOTDIR)) {
				err = add_text(&img->skipped, &img->n_skipped, cap);
				continue;
			}
			if (err == -ELOOP)
				self_path_loop_why(cap->u.path, msg, sizeof(msg));
			if (err == -ELOOP || !sb_device_why(&b->sb, err, cap->u.path, st.st_dev,
							    b->sb_dev, msg, sizeof(msg)))
				diag_at(diag, &cap->pos, "%s", msg);
			else if (err == -ESTALE)
				diag_at(diag, &cap->pos, "%s was replaced while it was resolved",
					cap->u.path);
			else
				diag_at(diag, &cap->pos, "expected an existing path (or one marked optional), got %s: %s",
					cap->u.path, strerror(-err));
			return err;
		}
		if (!kept && self_path_check_real(cap->u.path, real, msg, sizeof(msg))) {
			diag_at(diag, &cap->pos, "%s", msg);
			if (!cc->borrowed)
				free(real);
			return -EINVAL;
		}
		/* It exists: whether it was optional no longer matters. */
		resolved = *cap;
		resolved.flags &= ~ISOLATE_CAP_OPTIONAL;
		if (device_is_service_node(&st))
			resolved.flags |= CAP_NAMES_SERVICE;
		resolved.u.path = real;
		err = cell_append(out, &resolved);
		cc->resolved[cc->n_resolved++] = (struct resolved){
			.path = real, .st = st, .bound = kept, .owned = nowhere || !cc->borrowed,
		};
		if (!err && cap->flags & ISOLATE_CAP_DENY)
			err = note_superseded(cc, b, cap, real, &st, nowhere);
	}
	sort_mostly_sorted(cc->resolved, cc->n_resolved, sizeof(*cc->resolved), resolved_cmp);
	/* Only growing the lists fails past this point. */
	if (err)
		diag_set(diag, NULL, 0, 0, "out of memory");
	return err;
}

#define AF_UNIX_BIT	1
#define AF_INET_BIT	2
#define AF_INET6_BIT	10
#define AF_NETLINK_BIT	16

static void grant_socket(struct isolate_image *img, __u32 socket)
{
	if (socket < ISOLATE_SOCKET_NETLINK) {
		img->socket_families |= 1ULL << socket;
		return;
	}
	img->socket_families |= 1ULL << AF_NETLINK_BIT;
	img->netlink_protocols |= 1U << (socket - ISOLATE_SOCKET_NETLINK);
}

/*
 * Rules that need a kind of socket grant it: an address rule (connect,
 * bind: either family, for IPv4-mapped addresses), an abstract name or
 * autobind (unix). Denies grant nothing.
 */
static void imply_sockets(const struct isolate_cell_policy *set, struct isolate_image *img)
{
	for (size_t i = 0; i < set->n_caps; i++) {
		const struct isolate_cap *cap = &set->caps[i];

		if (cap_is_net(cap->kind) && !(cap->flags & ISOLATE_CAP_DENY))
			img->socket_families |= 1ULL << AF_INET_BIT | 1ULL << AF_INET6_BIT;
		else if (cap->kind == ISOLATE_CAP_UNIX ||
			 (cap->kind == ISOLATE_CAP_ALLOW && cap->u.value == ISOLATE_CELL_UNIX_AUTOBIND))
			img->socket_families |= 1ULL << AF_UNIX_BIT;
	}
}

static int fill_from_set(const struct isolate_cell_policy *set, struct isolate_image *img)
{
	size_t n_net = 0;

	for (size_t i = 0; i < set->n_caps; i++)
		n_net += cap_is_net(set->caps[i].kind);
	img->net_caps = calloc(n_net ? n_net : 1, sizeof(*img->net_caps));
	img->rule_text = calloc(set->n_caps ? set->n_caps : 1, sizeof(*img->rule_text));
	if (!img->net_caps || !img->rule_text)
		return -ENOMEM;
	for (size_t i = 0; i < set->n_caps; i++) {
		const struct isolate_cap *cap = &set->caps[i];

		img->rule_text[i] = cap_text(cap);
		if (!img->rule_text[i])
			return -ENOMEM;
		img->n_rules++;
		switch (cap->kind) {
		case ISOLATE_CAP_CONNECT:
		case ISOLATE_CAP_BIND:
			img->net_caps[img->n_net_caps++] = (struct isolate_image_net_cap){
				.kind = cap->kind, .deny = !!(cap->flags & ISOLATE_CAP_DENY),
				.rule_id = (__u32)i, .net = cap->u.net,
			};
			break;
		case ISOLATE_CAP_BROKER:
			img->broker_rights |= (__u32)cap->u.value;
			break;
		case ISOLATE_CAP_NAMESPACE:
		case ISOLATE_CAP_ALLOW:
			img->cell_flags |= (__u32)cap->u.value;
			break;
		case ISOLATE_CAP_SOCKET:
			grant_socket(img, (__u32)cap->u.value);
			break;
		default:
			break;
		}
	}
	imply_sockets(set, img);
	cell_policy_limits(set, &img->limits);
	return 0;
}

void cell_policy_limits(const struct isolate_cell_policy *set, struct isolate_image_limits *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < set->n_caps; i++) {
		const struct isolate_cap *cap = &set->caps[i];

		if (cap->kind == ISOLATE_CAP_CPU) {
			out->cpu_quota_us = cap->u.cpu.quota_us;
			out->cpu_period_us = cap->u.cpu.period_us;
		} else if (cap->kind == ISOLATE_CAP_MEMORY) {
			out->memory_max = cap->u.value;
		} else if (cap->kind == ISOLATE_CAP_PIDS) {
			out->pids_max = (__u32)cap->u.value;
		}
	}
}

/*
 * -E2BIG when img has more inode entries than the map holds, named by the
 * rule of the first entry past its size (rule ids are still positions in
 * set; an entry of a linked file is a deny's).
 */
static int inodes_fit(const struct isolate_cell_policy *set, const struct isolate_image *img,
		      struct isolate_diag *diag)
{
	__u32 over;

	if (img->n_inodes <= ISOLATE_MAX_INODE_RULES)
		return 0;
	over = img->inodes[ISOLATE_MAX_INODE_RULES].rule.rule_id;
	diag_at(diag, over != ISOLATE_RULE_NONE ? &set->caps[over].pos : NULL,
		"expected at most %d inode rules (the size of the inode_rules map), cell %s needs %zu",
		ISOLATE_MAX_INODE_RULES, set->name, img->n_inodes);
	return -E2BIG;
}

/* The superseded objects cc's denies hold on, after the bindings of b->out: copies. */
static int append_superseded(struct binder *b, const struct compiler *cc)
{
	struct policy_binding *grown;

	if (!cc->n_superseded)
		return 0;
	grown = realloc(b->out, (b->n_out + cc->n_superseded) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	b->out = grown;
	for (size_t i = 0; i < cc->n_superseded; i++) {
		struct policy_binding *rec = &b->out[b->n_out];

		*rec = *cc->superseded[i].was;
		rec->path = strdup(rec->path);
		rec->real = strdup(rec->real);
		if (!rec->path || !rec->real) {
			free(rec->path);
			free(rec->real);
			return -ENOMEM;
		}
		b->n_out++;
	}
	return 0;
}

/* The linked files recorded by cc after the bindings of b->out; cc keeps none. */
static int append_linked(struct binder *b, struct compiler *cc)
{
	struct policy_binding *grown = realloc(b->out, (b->n_out + cc->n_linked) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	b->out = grown;
	memcpy(b->out + b->n_out, cc->linked, cc->n_linked * sizeof(*grown));
	b->n_out += cc->n_linked;
	cc->n_linked = 0;
	return 0;
}

int policy_compile_bound(const struct isolate_cell_policy *c, const struct policy_binding *bound,
			 size_t n_bound, bool scan_all, struct policy_binding **bound_out,
			 size_t *n_out, struct isolate_image **out, struct isolate_diag *diag)
{
	/* Both borrow: the paths are cc's resolved ones, the rest c's. */
	struct isolate_cell_policy *resolved = cell_policy_new_borrowing(c->name), *set = NULL;
	struct isolate_image *img = calloc(1, sizeof(*img));
	struct binder b = { .bound = bound, .n_bound = n_bound };
	struct compiler cc = { .diag = diag, .borrowed = bound_out != NULL, .bound = bound,
			       .n_bound = n_bound, .record_links = bound_out != NULL };
	int err = -ENOMEM;

	*out = NULL;
	if (bound_out) {
		*bound_out = NULL;
		*n_out = 0;
		b.out = malloc((c->n_caps ? c->n_caps : 1) * sizeof(*b.out));
	}
	if (!resolved || !img || (bound_out && !b.out)) {
		diag_set(diag, NULL, 0, 0, "out of memory");
		goto out;
	}
	img->mode = c->mode;
	err = resolve_paths(&cc, &b, c, resolved, img, diag);
	real_path_cache_free(&b.cache);
	sb_device_check_free(&b.sb);
	if (err)
		goto out;
	err = cell_policy_normalize_borrowing(resolved, &set, diag);
	if (err)
		goto out;
	err = fill_from_set(set, img);
	if (err) {
		diag_set(diag, NULL, 0, 0, "out of memory");
		goto out;
	}
	cc.set = set;
	find_groups(&cc);
	err = collect_anchors(&cc, scan_all);
	if (!err)
		err = anchor_superseded(&cc);
	if (!err)
		err = deny_by_object(&cc);
	if (!err && build_inodes(&cc, img)) {
		err = -ENOMEM;
		diag_set(diag, NULL, 0, 0, "out of memory");
	}
	if (!err)
		err = inodes_fit(set, img, diag);
	if (!err)
		err = compile_net(img, c, diag);
	if (!err)
		err = compile_unix(set, img, diag);
	if (!err && image_assign_rule_ids(img)) {
		err = -ENOMEM;
		diag_set(diag, NULL, 0, 0, "out of memory");
	}
	if (!err && ((b.out && append_superseded(&b, &cc)) ||
		     (cc.n_linked && append_linked(&b, &cc)))) {
		err = -ENOMEM;
		diag_set(diag, NULL, 0, 0, "out of memory");
	}
out:
	for (size_t i = 0; i < cc.n_anchors; i++)
		free(cc.anchors[i].path);
	free(cc.anchors);
	deny_objects_free(&cc.denies);
	policy_bindings_free(cc.linked, cc.n_linked);
	resolved_free(&cc);
	isolate_cell_policy_free(resolved);
	isolate_cell_policy_free(set);
	if (err) {
		policy_bindings_free(b.out, b.n_out);
		isolate_image_free(img);
		return err;
	}
	if (bound_out) {
		*n_out = policy_bindings_sort(b.out, b.n_out);
		*bound_out = b.out;
	}
	*out = img;
	return 0;
}

int isolate_compile(const struct isolate_cell_policy *c, struct isolate_image **out,
		    struct isolate_diag *diag)
{
	return policy_compile_bound(c, NULL, 0, false, NULL, NULL, out, diag);
}
