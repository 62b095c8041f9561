// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Which cell ids are in use, kept in <state>/cells/.ids (no cell name
 * starts with '.'): the next id to hand out, then a bitmap of ISOLATE_MAX_CELLS
 * bits. Handing an id out reads and writes 2 KiB under the lock instead of
 * reading every entry of the cells map, so creating a cell costs the same
 * with 10 cells or 10,000. A bit is set before the cell taking the id is
 * added to the map and cleared after it left it: a crash can leave an id
 * unused, never give one id to two cells. The cells map stays the truth:
 * load rebuilds the file from it, and so does a reader finding it damaged.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "user/internal.h"

#define IDS_FILE ".ids"

struct cell_ids {
	__u32 next;
	__u8 used[ISOLATE_MAX_CELLS / 8];
};

static bool used(const struct cell_ids *ids, uint32_t i)
{
	return ids->used[i / 8] & (1U << (i % 8));
}

static void mark(struct cell_ids *ids, uint32_t i, bool on)
{
	if (on)
		ids->used[i / 8] |= (__u8)(1U << (i % 8));
	else
		ids->used[i / 8] &= (__u8)~(1U << (i % 8));
}

static int ids_store(const struct cell_ids *ids)
{
	int dir = statefs_subdir("cells", 0700), err;

	if (dir < 0)
		return dir;
	err = statefs_write(dir, IDS_FILE, ids, sizeof(*ids), 0600);
	close(dir);
	return err;
}

/* The ids of the cells in the cells map, the cursor kept. */
static int ids_scan(struct isolate *iso, struct cell_ids *ids)
{
	int fd = iso->map_fd[MAP_CELLS];
	__u64 key, *prev = NULL;
	struct isolate_cell cell;

	memset(ids->used, 0, sizeof(ids->used));
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		if (!bpf_map_lookup_elem(fd, &key, &cell) && cell.cell_id < ISOLATE_MAX_CELLS)
			mark(ids, cell.cell_id, true);
		prev = &key;
	}
	return ids_store(ids);
}

static int ids_load(struct isolate *iso, struct cell_ids *ids)
{
	int dir = statefs_subdir("cells", 0700), err;
	char *buf = NULL;
	size_t len = 0;

	if (dir < 0)
		return dir;
	err = statefs_read(dir, IDS_FILE, sizeof(*ids), &buf, &len);
	close(dir);
	if (!err && len == sizeof(*ids)) {
		memcpy(ids, buf, sizeof(*ids));
		free(buf);
		return 0;
	}
	free(buf);
	/* Where the file before this one kept the cursor, if anywhere. */
	ids->next = spec_read_cell_id(".next") ?: 1;
	return ids_scan(iso, ids);
}

int cell_ids_rebuild(struct isolate *iso)
{
	struct cell_ids ids;
	int err = ids_load(iso, &ids);

	return err ?: ids_scan(iso, &ids);
}

/*
 * want (the id the cell had before an unload, or 0) if it is free; else
 * the next after the last one handed out, round the space, so that an id
 * comes back only after ISOLATE_MAX_CELLS - 1 others: events naming a
 * destroyed cell's id do not name a new cell while they may still be read.
 * 0 is kept for unknown cells.
 */
int cell_id_alloc(struct isolate *iso, uint32_t want, uint32_t *id)
{
	struct cell_ids ids;
	int err = ids_load(iso, &ids);

	if (err)
		return err;
	if (!(want && want < ISOLATE_MAX_CELLS && !used(&ids, want))) {
		want = 0;
		for (uint32_t n = 0; !want && n < ISOLATE_MAX_CELLS; n++) {
			uint32_t i = (ids.next + n) % ISOLATE_MAX_CELLS;

			if (i && !used(&ids, i))
				want = i;
		}
		if (!want)
			return set_error(-ENOSPC, "all %d cells are in use", ISOLATE_MAX_CELLS - 1);
		ids.next = want + 1 < ISOLATE_MAX_CELLS ? want + 1 : 1;
	}
	mark(&ids, want, true);
	err = ids_store(&ids);
	if (!err)
		*id = want;
	return err;
}

void cell_id_release(struct isolate *iso, uint32_t id)
{
	struct cell_ids ids;

	if (id && id < ISOLATE_MAX_CELLS && !ids_load(iso, &ids)) {
		mark(&ids, id, false);
		ids_store(&ids);
	}
}
