// SPDX-License-Identifier: GPL-2.0
/*
 * Cell names for events, which carry the cell's cgroup id: learned from
 * lifecycle events (so a destroyed cell's last events keep its name) and
 * looked up in the library on a miss.
 */
#include <stdio.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/cell_names.h"

#define NAME_CACHE 1024

static struct {
	__u64 cgid;
	char name[64];
} names[NAME_CACHE];
static size_t n_names;

void cell_name_learn(__u64 cgid, const char *name)
{
	size_t i;

	for (i = 0; i < n_names && names[i].cgid != cgid; i++)
		;
	if (i == NAME_CACHE)
		i = cgid % NAME_CACHE;	/* full: overwrite one */
	else if (i == n_names)
		n_names++;
	names[i].cgid = cgid;
	snprintf(names[i].name, sizeof(names[i].name), "%s", name);
}

const char *cell_name_of(struct isolate *iso, const struct isolate_event_hdr *h, size_t size)
{
	char name[64];

	if (h->event_class == ISOLATE_EVENT_LIFECYCLE &&
	    size >= sizeof(struct isolate_event_lifecycle))
		cell_name_learn(h->cell_cgid, ((const struct isolate_event_lifecycle *)h)->name);
	for (size_t i = 0; i < n_names; i++)
		if (names[i].cgid == h->cell_cgid)
			return names[i].name;
	if (!iso || isolate_cell_name_of(iso, h->cell_cgid, name, sizeof(name)))
		return NULL;
	cell_name_learn(h->cell_cgid, name);
	return cell_name_of(iso, h, size);
}
