/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The scan of denied trees for multiply-linked files (see hardlinks.h). */
#include <errno.h>
#include <stdio.h>

#include "common/hardlinks.h"
#include "common/tree_scan.h"

struct linked_only {
	hardlink_fn fn;
	void *ctx;
};

static int note_if_linked(void *ctx, const char *path, const struct stat *st)
{
	struct linked_only *l = ctx;

	return S_ISREG(st->st_mode) && st->st_nlink > 1 ? l->fn(l->ctx, path, st) : 0;
}

int hardlinks_scan(const char *dir, const struct stat *obj, size_t *budget, size_t *unreadable,
		   hardlink_fn fn, void *ctx, char *msg, size_t len)
{
	struct linked_only l = { fn, ctx };
	int err = tree_scan(dir, obj, "for hard links", budget, unreadable, note_if_linked, &l, msg,
			    len);

	if (err == -E2BIG)
		snprintf(msg, len, "expected denied trees of at most %d entries in all to scan for hard links, got more at %s",
			 HARDLINK_SCAN_MAX, dir);
	return err;
}
