/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file's owner, whom the kernel signals (SIGIO, or what F_SETSIG names)
 * when the file is ready, with no task_kill asked: an outsider may have
 * set it on a description it shares with a cell.
 */
#ifndef ISOLATE_FILE_OWNER_BPF_H
#define ISOLATE_FILE_OWNER_BPF_H

#include "task_cell.bpf.h"

/* From Linux 6.12 the owner is allocated when first set: NULL until then. */
struct file___owner_allocated {
	struct fown_struct *f_owner;
} __attribute__((preserve_access_index));

static __always_inline struct fown_struct *file_owner(struct file *file)
{
	struct file___owner_allocated *allocated = (void *)file;

	if (bpf_core_field_exists(allocated->f_owner))
		return BPF_CORE_READ(allocated, f_owner);
	return &file->f_owner;
}

/*
 * Whether file's signals can reach only processes of cell cgid: it has
 * no owner; its owner is a thread or process of the cell, or one gone
 * (its struct pid never names another); or a process group in a session
 * the cell leads (a terminal of its own makes its foreground group the
 * owner). Any other owner, or a group with no process left to tell its
 * session by, is not.
 */
static __always_inline bool owner_of_cell(struct file *file, __u64 cgid)
{
	struct fown_struct *fown = file_owner(file);
	struct pid *pid = fown ? BPF_CORE_READ(fown, pid) : NULL;
	struct task_struct *task;

	if (!pid)
		return true;
	switch (BPF_CORE_READ(fown, pid_type)) {
	case PIDTYPE_PID:
	case PIDTYPE_TGID:
		task = task_of_pid(pid);
		return !task || cell_of_task(task) == cgid;
	case PIDTYPE_PGID:
		return session_of_cell(session_of_group(pid), cgid);
	default:
		return false;
	}
}

#endif
