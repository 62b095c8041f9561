/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which cell another task is in, and the tasks behind a pid: for the
 * hooks that decide by who is on the other side (signals, process
 * groups, terminals).
 */
#ifndef ISOLATE_TASK_CELL_BPF_H
#define ISOLATE_TASK_CELL_BPF_H

#include "isolate.bpf.h"

/* Cgroup id of the cell cgroup cgrp belongs to, 0 when it is in none. */
static __always_inline __u64 cell_of_cgroup(struct cgroup *cgrp)
{
	__u64 base = bpf_core_field_offset(struct cgroup, ancestors);
	int level = BPF_CORE_READ(cgrp, level);
	struct isolate_config *cfg = isolate_settings();
	struct cgroup *anc = NULL;

	if (!cfg || level < (int)cfg->cells_root_level + 1)
		return 0;
	bpf_probe_read_kernel(&anc, sizeof(anc),
			      (void *)cgrp + base + cfg->cells_root_level * sizeof(anc));
	if (BPF_CORE_READ(anc, kn, id) != cfg->cells_root_cgid)
		return 0;
	bpf_probe_read_kernel(&anc, sizeof(anc),
			      (void *)cgrp + base + (cfg->cells_root_level + 1) * sizeof(anc));
	return BPF_CORE_READ(anc, kn, id);
}

/* Cgroup id of the cell task belongs to, 0 when it is in none. */
static __always_inline __u64 cell_of_task(struct task_struct *task)
{
	return cell_of_cgroup(BPF_CORE_READ(task, cgroups, dfl_cgrp));
}

/*
 * The task whose id pid is, if it is alive (the first of the pid's
 * PIDTYPE_PID tasks, the only one): a session's or a group's leader.
 */
static __always_inline struct task_struct *task_of_pid(struct pid *pid)
{
	struct hlist_node *first;

	if (!pid)
		return NULL;
	first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	if (!first)
		return NULL;
	return (void *)first - bpf_core_field_offset(struct task_struct, pid_links) -
	       PIDTYPE_PID * sizeof(struct hlist_node);
}

/*
 * The session of process group pgrp: its first member's (a group never
 * spans sessions), NULL when no process is left in it.
 */
static __always_inline struct pid *session_of_group(struct pid *pgrp)
{
	struct hlist_node *first = BPF_CORE_READ(pgrp, tasks[PIDTYPE_PGID].first);
	struct task_struct *member;

	if (!first)
		return NULL;
	member = (void *)first - bpf_core_field_offset(struct task_struct, pid_links) -
		 PIDTYPE_PGID * sizeof(struct hlist_node);
	return BPF_CORE_READ(member, signal, pids[PIDTYPE_SID]);
}

/*
 * Whether session is the cell's own: its leader alive and in cell cgid.
 * Its process groups, its terminal's foreground, are then the cell's.
 */
static __always_inline bool session_of_cell(struct pid *session, __u64 cgid)
{
	struct task_struct *leader = task_of_pid(session);

	return leader && cell_of_task(leader) == cgid;
}

#endif
