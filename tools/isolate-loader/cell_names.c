// SPDX-License-Identifier: GPL-2.0
/*
 * Cell names for events, which carry the cell's cgroup id: learned from
 * lifecycle events (so a destroyed cell's last events keep its name) and
 * looked up in the library on a miss. A lookup lists every cell, so one
 * that finds none is kept too: a destroyed cell's records (1024 of them
 * replayed, say) list the cells once, not once each. A cgroup id is never
 * reused and a cell is made with a new cgroup, so no cell takes an id
 * after it was looked for in vain; a lifecycle event of the id teaches its
 * name all the same.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/cell_names.h"

#define NAME_CACHE 1024

static struct {
	__u64 cgid;
	bool no_cell;	/* looked for, and no cell has it */
	char name[64];
} names[NAME_CACHE];
static size_t n_names;

/* The entry of cgid, made if new (over another one when full). */
static size_t entry_of(__u64 cgid)
{
	size_t i;

	for (i = 0; i < n_names && names[i].cgid != cgid; i++)
		;
	if (i == NAME_CACHE)
		i = cgid % NAME_CACHE;	/* full: overwrite one */
	else if (i == n_names)
		n_names++;
	names[i].cgid = cgid;
	return i;
}

static const char *learn(__u64 cgid, const char *name)
{
	size_t i = entry_of(cgid);

	names[i].no_cell = false;
	snprintf(names[i].name, sizeof(names[i].name), "%s", name);
	return names[i].name;
}

void cell_name_learn(__u64 cgid, const char *name)
{
	learn(cgid, name);
}

const char *cell_name_by_cgid(struct isolate *iso, __u64 cgid)
{
	char name[64];
	size_t i;
	int err;

	for (i = 0; i < n_names; i++)
		if (names[i].cgid == cgid)
			return names[i].no_cell ? NULL : names[i].name;
	if (!iso)
		return NULL;
	err = isolate_cell_name_of(iso, cgid, name, sizeof(name));
	/* Any other failure (the cells could not be listed) is not kept. */
	if (err == -ENOENT) {
		i = entry_of(cgid);
		names[i].no_cell = true;
		names[i].name[0] = '\0';
		return NULL;
	}
	return err ? NULL : learn(cgid, name);
}

const char *cell_name_of(struct isolate *iso, const struct isolate_event_hdr *h, size_t size)
{
	if (h->event_class == ISOLATE_EVENT_LIFECYCLE &&
	    size >= sizeof(struct isolate_event_lifecycle))
		cell_name_learn(h->cell_cgid, ((const struct isolate_event_lifecycle *)h)->name);
	return cell_name_by_cgid(iso, h->cell_cgid);
}
