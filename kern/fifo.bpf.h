/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIFOs in the file system, and who made them. A FIFO a program outside
 * the cell made is a service, not a file: a daemon reads commands from it
 * (systemd's /run/initctl powers the machine off), so, as another's
 * socket or a device, it opens only by a rule on its node. The FIFOs a
 * cell makes (make's jobserver in /tmp, a script's) go by the tree's
 * rules: path_mknod notes the one a task is making, and d_instantiate,
 * when that name gets its inode, records the cell in the inode's storage
 * (fifo_owners), which lives and dies with the inode.
 */
#ifndef ISOLATE_FIFO_BPF_H
#define ISOLATE_FIFO_BPF_H

#include "file_rules.bpf.h"

/* include/uapi/linux/magic.h: pipe(2)'s pipes, reopened through /proc/PID/fd */
#define PIPEFS_MAGIC	0x50495045

/*
 * Notes that the current task, in a cell, is making a FIFO at dentry.
 * Without room for the note the FIFO is made all the same, as an
 * outsider's: refused to the cell's opens, not granted.
 */
static __always_inline void note_fifo_making(struct dentry *dentry)
{
	struct isolate_fifo_making *making;

	making = bpf_task_storage_get(&fifo_making, bpf_get_current_task_btf(), 0,
				      BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!making)
		return;
	making->dentry = (__u64)dentry;
	making->parent = (__u64)dentry->d_parent;
	making->name_hash = dentry->d_name.hash;
	making->name_len = dentry->d_name.len;
}

/*
 * Whether the FIFO a cell opens is one no process of the cell made: a
 * named one (not a pipe) without the cell's mark.
 */
static __always_inline bool others_fifo(const struct cell_ctx *cc, struct inode *inode,
					const struct super_block *sb)
{
	struct isolate_fifo_owner *owner;

	if (sb->s_magic == PIPEFS_MAGIC)
		return false;
	owner = bpf_inode_storage_get(&fifo_owners, inode, 0, 0);
	return !owner || owner->cgid != cc->cgid;
}

#endif /* ISOLATE_FIFO_BPF_H */
