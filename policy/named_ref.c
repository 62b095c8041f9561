// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Names with the place they were written: a document's includes and a
 * cell's extends. Kept in order, compared as sets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Appends a copy of name (and of where it was written) to list. */
int named_ref_append(struct named_ref **list, size_t *n, const char *name,
		     const struct src_pos *pos)
{
	struct named_ref *grown = realloc(*list, (*n + 1) * sizeof(*grown));
	struct named_ref *ref;

	if (!grown)
		return -ENOMEM;
	*list = grown;
	ref = &grown[*n];
	memset(ref, 0, sizeof(*ref));
	ref->name = strdup(name);
	if (pos && pos->file) {
		ref->pos = *pos;
		ref->pos.file = strdup(pos->file);
	}
	if (!ref->name || (pos && pos->file && !ref->pos.file)) {
		free(ref->name);
		free(ref->pos.file);
		return -ENOMEM;
	}
	(*n)++;
	return 0;
}

void named_refs_free(struct named_ref *refs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(refs[i].name);
		free(refs[i].pos.file);
	}
	free(refs);
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int named_refs_sorted(const struct named_ref *refs, size_t n, const char ***out,
		      size_t *n_out)
{
	const char **names = malloc((n ? n : 1) * sizeof(*names));
	size_t kept = 0;

	if (!names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		names[i] = refs[i].name;
	if (n > 1)
		qsort(names, n, sizeof(*names), str_ptr_cmp);
	for (size_t i = 0; i < n; i++)
		if (!kept || strcmp(names[kept - 1], names[i]))
			names[kept++] = names[i];
	*out = names;
	*n_out = kept;
	return 0;
}
