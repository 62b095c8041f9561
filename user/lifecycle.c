// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Lifecycle events: libisolate runs the pinned isolate_emit_lifecycle
 * program, which writes them into the lifecycle ring buffer with the
 * kernel's clock and sequence numbers, beside every other class.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "user/internal.h"

/*
 * Best effort: a cell change is not undone because its event could not be
 * written; a lost event is counted in the cell's events_lost like any other.
 */
void emit_lifecycle(struct isolate *iso, const char *name, __u64 cgid,
		    const struct isolate_cell *cell, enum isolate_lifecycle what,
		    const char *detail)
{
	struct isolate_lifecycle_args args = {
		.cgid = cgid,
		.cell_id = cell->cell_id,
		.generation = cell->generation,
		.what = what,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
	char path[PATH_MAX + 64];
	int fd;

	snprintf(args.name, sizeof(args.name), "%s", name);
	snprintf(args.detail, sizeof(args.detail), "%s", detail ? detail : "");
	snprintf(path, sizeof(path), "%s/%s/isolate_emit_lifecycle", iso->pin_root,
		 ISOLATE_PIN_PROGS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	bpf_prog_test_run_opts(fd, &opts);
	close(fd);
}
