/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Documents: includes, own cells as written, and the resolved cells. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "model.h"
#include "path_util.h"
#include "common/utf8.h"

struct isolate_policy *isolate_policy_new(const char *name)
{
	struct isolate_policy *p = calloc(1, sizeof(*p));

	if (!p || !(p->name = strdup(name ? name : ""))) {
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static void cells_free(struct isolate_cell_policy **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		isolate_cell_policy_free(cells[i]);
	free(cells);
}

void isolate_policy_free(struct isolate_policy *p)
{
	if (!p)
		return;
	named_refs_free(p->includes, p->n_includes);
	cells_free(p->cells, p->n_cells);
	cells_free(p->resolved, p->n_resolved);
	free(p->name);
	free(p);
}

int policy_add_include_at(struct isolate_policy *p, const char *path,
			  const struct src_pos *pos)
{
	return named_ref_append(&p->includes, &p->n_includes, path, pos);
}

int isolate_policy_add_include(struct isolate_policy *p, const char *path)
{
	if (!*path || !utf8_valid(path))
		return set_error(-EINVAL, "an include is a non-empty UTF-8 path");
	return policy_add_include_at(p, path, NULL);
}

static const struct isolate_cell_policy *find_in(struct isolate_cell_policy *const *cells,
						  size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cells[i]->name, name))
			return cells[i];
	return NULL;
}

int policy_adopt_cell(struct isolate_policy *p, struct isolate_cell_policy *c)
{
	struct isolate_cell_policy **grown;

	if (find_in(p->cells, p->n_cells, c->name))
		return -EEXIST;
	grown = realloc(p->cells, (p->n_cells + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->cells = grown;
	p->cells[p->n_cells++] = c;
	return 0;
}

int isolate_policy_add_cell(struct isolate_policy *p, const struct isolate_cell_policy *c)
{
	struct isolate_cell_policy *copy;
	int err;

	if (find_in(p->cells, p->n_cells, c->name))
		return set_error(-EEXIST, "the policy has a cell named %s already", c->name);
	copy = isolate_cell_policy_dup(c);
	if (!copy)
		return set_error(-ENOMEM, "out of memory");
	err = policy_adopt_cell(p, copy);
	if (err)
		isolate_cell_policy_free(copy);
	return err;
}

size_t isolate_policy_cell_count(const struct isolate_policy *p)
{
	return p->n_resolved;
}

const struct isolate_cell_policy *isolate_policy_cell(const struct isolate_policy *p, size_t i)
{
	return i < p->n_resolved ? p->resolved[i] : NULL;
}

const struct isolate_cell_policy *isolate_policy_find(const struct isolate_policy *p,
							const char *name)
{
	return find_in(p->resolved, p->n_resolved, name);
}

const char *isolate_policy_name(const struct isolate_policy *p)
{
	return p->name;
}

size_t isolate_policy_include_count(const struct isolate_policy *p)
{
	return p->n_includes;
}

const char *isolate_policy_include(const struct isolate_policy *p, size_t i)
{
	return i < p->n_includes ? p->includes[i].name : NULL;
}

size_t isolate_policy_doc_cell_count(const struct isolate_policy *p)
{
	return p->n_cells;
}

const struct isolate_cell_policy *isolate_policy_doc_cell(const struct isolate_policy *p,
							   size_t i)
{
	return i < p->n_cells ? p->cells[i] : NULL;
}

bool isolate_policy_equal(const struct isolate_policy *a, const struct isolate_policy *b)
{
	const char **ia = NULL, **ib = NULL;
	size_t na, nb;
	bool equal = false;

	if (a->n_cells != b->n_cells)
		return false;
	for (size_t i = 0; i < a->n_cells; i++)
		if (!isolate_cell_policy_equal(a->cells[i], b->cells[i]))
			return false;
	if (named_refs_sorted(a->includes, a->n_includes, &ia, &na) ||
	    named_refs_sorted(b->includes, b->n_includes, &ib, &nb))
		goto out;
	if (na != nb)
		goto out;
	for (size_t i = 0; i < na; i++)
		if (strcmp(ia[i], ib[i]))
			goto out;
	equal = true;
out:
	free(ia);
	free(ib);
	return equal;
}
