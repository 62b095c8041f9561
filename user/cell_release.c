// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What the kernel holds for a cell, given back once its processes are
 * gone: for `cell destroy` and for a cell whose cgroup went without one
 * (cell_leftovers.c) alike.
 */
#include <bpf/bpf.h>

#include "user/internal.h"

int cell_release_entry(struct isolate *iso, const char *name,
		       const struct isolate_cell_state *st, const char *detail)
{
	int swept = ipc_sweep(iso, st->cgid), err;

	if (!bpf_map_delete_elem(iso->map_fd[MAP_CELLS], &st->cgid))
		cell_id_release(iso, st->cell.cell_id);
	err = ruleset_delete(iso, st->cell.ruleset);
	if (!err && st->cell.fallback_ruleset)
		err = ruleset_delete(iso, st->cell.fallback_ruleset);
	if (!err && st->cell.spare_ruleset)
		err = ruleset_delete(iso, st->cell.spare_ruleset);
	if (name)
		emit_lifecycle(iso, name, st->cgid, &st->cell, ISOLATE_LIFECYCLE_DESTROYED, detail);
	return err ?: swept;
}
