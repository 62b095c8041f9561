// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The kept policies a handle read or wrote last, by cell, with the
 * bindings of their paths when it wrote them: a change starts from the
 * policy in force without reading and parsing its kept files again. An
 * entry is good for one cgroup (ids are never reused) at one generation
 * (every change takes the next one, under the lock), so it can never
 * stand for a policy the cell does not hold.
 */
#include <stdio.h>
#include <string.h>

#include "policy/model.h"

#include "user/internal.h"

static struct policy_cache_entry *find(struct isolate *iso, const char *name, __u64 cgid,
				       __u32 generation)
{
	for (size_t i = 0; i < POLICY_CACHE_SIZE; i++) {
		struct policy_cache_entry *e = &iso->policies[i];

		if (e->pol && e->cgid == cgid && e->generation == generation &&
		    !strcmp(e->name, name))
			return e;
	}
	return NULL;
}

static void entry_clear(struct policy_cache_entry *e)
{
	isolate_cell_policy_free(e->pol);
	policy_bindings_free(e->bound, e->n_bound);
	memset(e, 0, sizeof(*e));
}

struct isolate_cell_policy *policy_cache_get(struct isolate *iso, const char *name,
					     __u64 cgid, __u32 generation)
{
	const struct policy_cache_entry *e = find(iso, name, cgid, generation);

	return e ? isolate_cell_policy_dup(e->pol) : NULL;
}

bool policy_cache_bindings(struct isolate *iso, const char *name, __u64 cgid, __u32 generation,
			   const struct policy_binding **b, size_t *n)
{
	const struct policy_cache_entry *e = find(iso, name, cgid, generation);

	if (!e || !e->bound)
		return false;
	*b = e->bound;
	*n = e->n_bound;
	return true;
}

void policy_cache_put_owned(struct isolate *iso, const char *name, __u64 cgid,
			    __u32 generation, struct isolate_cell_policy *pol,
			    struct policy_binding *bound, size_t n_bound)
{
	struct policy_cache_entry *e = NULL;

	for (size_t i = 0; i < POLICY_CACHE_SIZE && !e; i++)
		if (iso->policies[i].pol && !strcmp(iso->policies[i].name, name))
			e = &iso->policies[i];
	if (!e)
		e = &iso->policies[iso->policies_next++ % POLICY_CACHE_SIZE];
	entry_clear(e);
	if (!pol) {
		policy_bindings_free(bound, n_bound);
		return;
	}
	/*
	 * As isolate_cell_policy_get() gives back the kept file: no sources,
	 * canonical order, no repeats.
	 */
	cell_policy_forget_sources(pol);
	cell_dedupe(pol);
	e->pol = pol;
	e->bound = bound;
	e->n_bound = n_bound;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->cgid = cgid;
	e->generation = generation;
}

void policy_cache_put(struct isolate *iso, const char *name, __u64 cgid, __u32 generation,
		      const struct isolate_cell_policy *pol, struct policy_binding *bound,
		      size_t n_bound)
{
	/* Without a copy, the entry goes and the file is read next time. */
	policy_cache_put_owned(iso, name, cgid, generation,
			       isolate_cell_policy_dup_named(pol, name), bound, n_bound);
}

void policy_cache_free(struct isolate *iso)
{
	for (size_t i = 0; i < POLICY_CACHE_SIZE; i++)
		entry_clear(&iso->policies[i]);
}
