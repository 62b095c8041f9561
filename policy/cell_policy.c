/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Cell policies: a name, a mode, and the capabilities handed to the cell. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "model.h"
#include "sort.h"

bool isolate_cell_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > 63)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

struct isolate_cell_policy *isolate_cell_policy_new(const char *name)
{
	struct isolate_cell_policy *c;

	if (!name || !isolate_cell_name_valid(name)) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(name))) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	c->mode = ISOLATE_MODE_ENFORCE;
	return c;
}

struct isolate_cell_policy *cell_policy_new_borrowing(const char *name)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new(name);

	if (c)
		c->borrows = true;
	return c;
}

/* src into dst, a slot of c: a copy, or src itself when c borrows. */
static int cap_store(const struct isolate_cell_policy *c, struct isolate_cap *dst,
		     const struct isolate_cap *src)
{
	if (!c->borrows)
		return cap_copy(dst, src);
	*dst = *src;
	return 0;
}

/* What a policy owns of cap: nothing when it borrows. */
static void cap_release(const struct isolate_cell_policy *c, struct isolate_cap *cap)
{
	if (!c->borrows)
		cap_clear(cap);
}

void isolate_cell_policy_free(struct isolate_cell_policy *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_caps; i++)
		cap_release(c, &c->caps[i]);
	free(c->caps);
	named_refs_free(c->extends, c->n_extends);
	free(c->pos.file);
	free(c->name);
	free(c);
}

int cell_append(struct isolate_cell_policy *c, const struct isolate_cap *cap)
{
	if (c->n_caps == c->caps_alloc) {
		size_t n = c->caps_alloc ? c->caps_alloc * 2 : 16;
		struct isolate_cap *grown = realloc(c->caps, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		c->caps = grown;
		c->caps_alloc = n;
	}
	if (cap_store(c, &c->caps[c->n_caps], cap))
		return -ENOMEM;
	c->n_caps++;
	return 0;
}

int cell_add_extends_at(struct isolate_cell_policy *c, const char *name,
			const struct src_pos *pos)
{
	return named_ref_append(&c->extends, &c->n_extends, name, pos);
}

struct isolate_cell_policy *isolate_cell_policy_dup(const struct isolate_cell_policy *c)
{
	return isolate_cell_policy_dup_named(c, c->name);
}

struct isolate_cell_policy *isolate_cell_policy_dup_named(const struct isolate_cell_policy *c,
							  const char *name)
{
	struct isolate_cell_policy *copy = isolate_cell_policy_new(name);

	if (!copy)
		return NULL;
	copy->mode = c->mode;
	copy->pos.line = c->pos.line;
	copy->pos.column = c->pos.column;
	if (c->pos.file && !(copy->pos.file = strdup(c->pos.file)))
		goto nomem;
	for (size_t i = 0; i < c->n_caps; i++)
		if (cell_append(copy, &c->caps[i]))
			goto nomem;
	for (size_t i = 0; i < c->n_extends; i++)
		if (cell_add_extends_at(copy, c->extends[i].name, &c->extends[i].pos))
			goto nomem;
	return copy;
nomem:
	isolate_cell_policy_free(copy);
	errno = ENOMEM;
	return NULL;
}

const char *isolate_cell_policy_name(const struct isolate_cell_policy *c)
{
	return c->name;
}

__u32 isolate_cell_policy_mode(const struct isolate_cell_policy *c)
{
	return c->mode;
}

int isolate_cell_policy_set_mode(struct isolate_cell_policy *c, __u32 mode)
{
	if (mode != ISOLATE_MODE_ENFORCE && mode != ISOLATE_MODE_AUDIT)
		return set_error(-EINVAL, "mode %u is neither enforce (%u) nor audit (%u)", mode,
				 ISOLATE_MODE_ENFORCE, ISOLATE_MODE_AUDIT);
	c->mode = mode;
	return 0;
}

int isolate_cell_policy_add(struct isolate_cell_policy *c, const struct isolate_cap *cap)
{
	int err = isolate_cap_check(cap, NULL);

	if (err)
		return err;
	if (cap->kind == ISOLATE_CAP_MODE)
		return isolate_cell_policy_set_mode(c, (__u32)cap->u.value);
	if (cap_is_budget(cap->kind)) {
		/* A cell has one limit of each kind: granting one changes it. */
		for (size_t i = 0; i < c->n_caps; i++) {
			if (c->caps[i].kind == cap->kind) {
				struct isolate_cap copy;

				if (cap_store(c, &copy, cap))
					return set_error(-ENOMEM, "out of memory");
				cap_release(c, &c->caps[i]);
				c->caps[i] = copy;
				return 0;
			}
		}
	}
	return cell_append(c, cap);
}

int isolate_cell_policy_remove(struct isolate_cell_policy *c, const struct isolate_cap *cap)
{
	size_t kept = 0, n = c->n_caps;

	if (cap->kind == ISOLATE_CAP_MODE) {
		if (c->mode != cap->u.value)
			return set_error(-ENOENT, "cell %s is not in that mode", c->name);
		c->mode = ISOLATE_MODE_ENFORCE;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (cap_same_right(&c->caps[i], cap))
			cap_release(c, &c->caps[i]);
		else
			c->caps[kept++] = c->caps[i];
	}
	c->n_caps = kept;
	return kept == n ? set_error(-ENOENT, "cell %s has no such capability", c->name) : 0;
}

size_t isolate_cell_policy_cap_count(const struct isolate_cell_policy *c)
{
	return c->n_caps;
}

const struct isolate_cap *isolate_cell_policy_cap(const struct isolate_cell_policy *c, size_t i)
{
	return i < c->n_caps ? &c->caps[i] : NULL;
}

int isolate_cell_policy_add_extends(struct isolate_cell_policy *c, const char *name)
{
	if (!isolate_cell_name_valid(name))
		return set_error(-EINVAL, "\"%s\" is no cell name (1-63 of a-z A-Z 0-9 _ -)", name);
	return cell_add_extends_at(c, name, NULL);
}

size_t isolate_cell_policy_extends_count(const struct isolate_cell_policy *c)
{
	return c->n_extends;
}

const char *isolate_cell_policy_extends(const struct isolate_cell_policy *c, size_t i)
{
	return i < c->n_extends ? c->extends[i].name : NULL;
}

static int cap_qsort_cmp(const void *a, const void *b)
{
	return isolate_cap_compare(a, b);
}

/* Shallow: the entries share their strings with c. */
int cell_sorted_caps(const struct isolate_cell_policy *c, struct isolate_cap **out, size_t *n)
{
	struct isolate_cap *caps = malloc((c->n_caps ? c->n_caps : 1) * sizeof(*caps));
	size_t kept = 0;

	if (!caps)
		return -ENOMEM;
	if (c->n_caps)
		memcpy(caps, c->caps, c->n_caps * sizeof(*caps));
	sort_mostly_sorted(caps, c->n_caps, sizeof(*caps), cap_qsort_cmp);
	for (size_t i = 0; i < c->n_caps; i++)
		if (!kept || isolate_cap_compare(&caps[kept - 1], &caps[i]))
			caps[kept++] = caps[i];
	*out = caps;
	*n = kept;
	return 0;
}

bool isolate_cell_policy_equal(const struct isolate_cell_policy *a,
			       const struct isolate_cell_policy *b)
{
	struct isolate_cap *ca = NULL, *cb = NULL;
	const char **ea = NULL, **eb = NULL;
	size_t na, nb, nea, neb;
	bool equal = false;

	if (strcmp(a->name, b->name) || a->mode != b->mode)
		return false;
	if (cell_sorted_caps(a, &ca, &na) || cell_sorted_caps(b, &cb, &nb) ||
	    named_refs_sorted(a->extends, a->n_extends, &ea, &nea) ||
	    named_refs_sorted(b->extends, b->n_extends, &eb, &neb))
		goto out;
	if (na != nb || nea != neb)
		goto out;
	for (size_t i = 0; i < na; i++)
		if (isolate_cap_compare(&ca[i], &cb[i]))
			goto out;
	for (size_t i = 0; i < nea; i++)
		if (strcmp(ea[i], eb[i]))
			goto out;
	equal = true;
out:
	free(ca);
	free(cb);
	free(ea);
	free(eb);
	return equal;
}

/* Value order, then place written, so the first place written is kept. */
static int cap_pos_cmp(const void *a, const void *b)
{
	const struct isolate_cap *x = a, *y = b;
	int c = isolate_cap_compare(x, y);

	if (c)
		return c;
	c = strcmp(x->pos.file ?: "", y->pos.file ?: "");
	if (c)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	return x->pos.column < y->pos.column ? -1 : x->pos.column > y->pos.column;
}

void cell_dedupe(struct isolate_cell_policy *c)
{
	size_t kept = 0;

	sort_mostly_sorted(c->caps, c->n_caps, sizeof(*c->caps), cap_pos_cmp);
	for (size_t i = 0; i < c->n_caps; i++) {
		if (kept && !isolate_cap_compare(&c->caps[kept - 1], &c->caps[i]))
			cap_release(c, &c->caps[i]);
		else
			c->caps[kept++] = c->caps[i];
	}
	c->n_caps = kept;
}
