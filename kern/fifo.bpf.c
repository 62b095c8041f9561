// SPDX-License-Identifier: GPL-2.0
/*
 * Recording the FIFOs a cell makes (see fifo.bpf.h): the inode a FIFO
 * gets is known only once its name is instantiated, after path_mknod.
 */
#include "fifo.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Every name given an inode passes here, lookups too: only a FIFO's, in a
 * cell, on the very dentry the task's mknod noted, is the cell's making.
 * Taken, the note is gone. A mknod that failed after path_mknod leaves its
 * note until the task's next one; the dentry must then match by address,
 * parent and name, so only a lookup of that same name, freed and made
 * again at that address, could match it, and only if an outsider had put
 * a FIFO there since. On an overlay the upper file system's FIFO is
 * instantiated first, on another dentry: the overlay's own inode, the one
 * opened, is marked.
 */
ISOLATE_HOOK(d_instantiate, isolate_d_instantiate, struct dentry *dentry, struct inode *inode)
{
	struct isolate_fifo_making *making;
	struct isolate_fifo_owner *owner;
	struct cell_ctx cc;

	if ((inode->i_mode & S_IFMT) != S_IFIFO || !current_cell(&cc))
		return 0;
	making = bpf_task_storage_get(&fifo_making, bpf_get_current_task_btf(), 0, 0);
	if (!making || making->dentry != (__u64)dentry ||
	    making->parent != (__u64)dentry->d_parent ||
	    making->name_hash != dentry->d_name.hash || making->name_len != dentry->d_name.len)
		return 0;
	making->dentry = 0;
	owner = bpf_inode_storage_get(&fifo_owners, inode, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (owner)
		owner->cgid = cc.cgid;
	return 0;
}
