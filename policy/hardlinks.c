/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The scan of denied trees for multiply-linked files (see hardlinks.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>

#include "hardlinks.h"

/* nftw's callback takes no context: the scan in progress, per thread. */
struct scan {
	size_t *budget;
	hardlink_fn fn;
	void *ctx;
	int err;
	char *msg;
	size_t len;
	const char *failed;
};

static __thread struct scan *current;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct scan *s = current;

	if (!*s->budget) {
		s->err = -E2BIG;
		return 1;
	}
	--*s->budget;
	if (type == FTW_DNR || type == FTW_NS) {
		s->err = -EACCES;
		snprintf(s->msg, s->len, "cannot scan %s for hard links: %s", path,
			 type == FTW_DNR ? "directory not readable" : "cannot stat");
		return 1;
	}
	if (type == FTW_F && S_ISREG(st->st_mode) && st->st_nlink > 1) {
		s->err = s->fn(s->ctx, path, st);
		if (s->err)
			return 1;
	}
	return 0;
}

int hardlinks_scan(const char *dir, size_t *budget, hardlink_fn fn, void *ctx,
		   char *msg, size_t len)
{
	struct scan s = { .budget = budget, .fn = fn, .ctx = ctx, .msg = msg, .len = len };
	int ret;

	current = &s;
	ret = nftw(dir, visit, 64, FTW_PHYS | FTW_MOUNT);
	current = NULL;
	if (ret < 0) {
		snprintf(msg, len, "cannot scan %s for hard links: %s", dir, strerror(errno));
		return -errno;
	}
	if (s.err == -E2BIG)
		snprintf(msg, len, "expected denied trees of at most %d entries in all to scan for hard links, got more at %s",
			 HARDLINK_SCAN_MAX, dir);
	return s.err;
}
