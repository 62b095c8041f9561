/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Abstract AF_UNIX names into the unix_rules hash map. The kernel looks a
 * name up exactly (its length and bytes after the leading NUL), so there is
 * nothing to fold: one entry per name, with every right granted on it.
 * Its rule is the lowest of the capabilities granting it (connect before
 * bind), as an inode entry names the first rule on its path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_unix.h"
#include "model.h"

static int entry_cmp(const void *a, const void *b)
{
	const struct isolate_image_unix *x = a, *y = b;
	int c = strcmp(x->key.name, y->key.name);

	if (c)
		return c;
	return x->rule.rule_id < y->rule.rule_id ? -1 : x->rule.rule_id > y->rule.rule_id;
}

int compile_unix(const struct isolate_cell_policy *set, struct isolate_image *img,
		 struct isolate_diag *diag)
{
	size_t n = 0, n_names = 0;

	for (size_t i = 0; i < set->n_caps; i++)
		n_names += set->caps[i].kind == ISOLATE_CAP_UNIX;
	img->unix_names = calloc(n_names ? n_names : 1, sizeof(*img->unix_names));
	if (!img->unix_names) {
		diag_set(diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < set->n_caps; i++) {
		const struct isolate_cap *cap = &set->caps[i];
		struct isolate_image_unix *e;
		const char *name;

		if (cap->kind != ISOLATE_CAP_UNIX)
			continue;
		e = &img->unix_names[n];
		/* Checked: '@' and 1..ISOLATE_UNIX_NAME_MAX bytes, so key.name keeps a NUL. */
		name = cap->u.abstract.name + 1;
		e->key.len = (__u32)strlen(name);
		memcpy(e->key.name, name, e->key.len);
		e->rule.allow = cap->u.abstract.right;
		e->rule.rule_id = (__u32)i;
		n++;
	}
	if (n > 1)
		qsort(img->unix_names, n, sizeof(*img->unix_names), entry_cmp);
	/* A name granted for connect and for bind: one entry, both rights. */
	img->n_unix = 0;
	for (size_t i = 0; i < n; i++) {
		const struct isolate_image_unix *e = &img->unix_names[i];
		struct isolate_image_unix *last = img->n_unix ? &img->unix_names[img->n_unix - 1] : NULL;

		if (last && !strcmp(last->key.name, e->key.name))
			last->rule.allow |= e->rule.allow;
		else
			img->unix_names[img->n_unix++] = *e;
	}
	/* Named by the first name past the map's size. */
	if (img->n_unix > ISOLATE_MAX_UNIX_RULES) {
		diag_at(diag, &set->caps[img->unix_names[ISOLATE_MAX_UNIX_RULES].rule.rule_id].pos,
			"expected at most %d abstract unix names (the size of the unix_rules map), cell %s needs %zu",
			ISOLATE_MAX_UNIX_RULES, set->name, img->n_unix);
		return -E2BIG;
	}
	return 0;
}
