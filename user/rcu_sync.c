// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Waiting out the hooks in flight. The kernel guarantees that an update of
 * a map-in-map from userspace returns after synchronize_rcu(), and every
 * isolate program runs inside an RCU read-side section (none is
 * sleepable): once this returns, none of them still holds a cell value or
 * a rule read before it was called, and a change may rewrite the ruleset a
 * cell switched away from.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "user/internal.h"

int rcu_sync(struct isolate *iso)
{
	__u32 zero = 0;
	int inner, err = 0;

	inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "rcu_inner", sizeof(__u32),
			       sizeof(__u32), 1, NULL);
	if (inner < 0)
		return set_error(-errno, "cannot create a map to wait for in-flight hooks: %s",
				 strerror(errno));
	if (bpf_map_update_elem(iso->map_fd[MAP_RCU_SYNC], &zero, &inner, BPF_ANY))
		err = set_error(-errno, "cannot wait for in-flight hooks: %s", strerror(errno));
	close(inner);
	return err;
}
