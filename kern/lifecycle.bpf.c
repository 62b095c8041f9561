// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle events come from libisolate, not from a hook: it runs this
 * program (BPF_PROG_TEST_RUN) so that they reach the supervisor in the
 * same stream, with the kernel's clock and sequence numbers.
 */
#include "isolate.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("syscall")
int isolate_emit_lifecycle(struct isolate_lifecycle_args *args)
{
	struct cell_ctx cc = {
		.cgid = args->cgid,
		.cell.cell_id = args->cell_id,
		.cell.generation = args->generation,
	};
	struct isolate_event_lifecycle *e;

	e = reserve_event(&cc, ISOLATE_EVENT_LIFECYCLE, sizeof(*e), ISOLATE_RULE_NONE);
	if (!e)
		return 1;
	e->what = args->what;
	e->_pad = 0;
	__builtin_memcpy(e->name, args->name, sizeof(e->name));
	e->name[sizeof(e->name) - 1] = 0;
	__builtin_memcpy(e->detail, args->detail, sizeof(e->detail));
	e->detail[sizeof(e->detail) - 1] = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
