/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Network capabilities back to where they were written (see written_at.h).
 * Searched only for an error: a block past a limit is made of the
 * capabilities that overlap it, and the one written last is the one that
 * went over.
 */
#include <string.h>

#include "netset.h"
#include "written_at.h"

static bool overlap(const struct net_rect *a, const struct net_rect *b)
{
	return a->lo <= b->hi && b->lo <= a->hi && a->port_min <= b->port_max &&
	       b->port_min <= a->port_max;
}

static bool written_after(const struct src_pos *a, const struct src_pos *b)
{
	int c = strcmp(a->file, b->file);

	if (c)
		return c > 0;
	return a->line != b->line ? a->line > b->line : a->column > b->column;
}

const struct src_pos *net_written_at(const struct isolate_cell_policy *written,
				     enum isolate_cap_kind kind, bool deny,
				     const struct isolate_net_cap *net)
{
	struct net_rect want = net_rect_of(net);
	const struct src_pos *last = NULL;

	for (size_t i = 0; i < written->n_caps; i++) {
		const struct isolate_cap *cap = &written->caps[i];
		struct net_rect r;

		if (cap->kind != kind || !(cap->flags & ISOLATE_CAP_DENY) != !deny ||
		    cap->u.net.proto != net->proto || cap->u.net.family != net->family ||
		    !cap->pos.file)
			continue;
		r = net_rect_of(&cap->u.net);
		if (overlap(&r, &want) && (!last || written_after(&cap->pos, last)))
			last = &cap->pos;
	}
	return last;
}
