// SPDX-License-Identifier: GPL-2.0
/*
 * Inter-process communication objects no path hook sees.
 *
 * System V message queues, semaphore sets and shared memory are found by
 * key or id in the IPC namespace, and root passes their permission bits: a
 * cell reaches only the objects made in it, by any of its processes. The
 * owner is recorded when an object is made (ipc_owners); an outsider's
 * object, one made before isolate was loaded or one whose record was lost
 * is refused (EACCES, op ipc), and making one when no record can be kept
 * fails (ENOSPC). When the cell is destroyed the loader removes what it
 * made (user/ipc_sweep.c).
 *
 * POSIX message queues are files of the mqueue file system. mq_open() and
 * mq_unlink() reach them through the IPC namespace's own mount, past the
 * path hooks: making and removing a queue is decided here, like any file,
 * by the rules on that file system (named where it is mounted, normally
 * /dev/mqueue: no rule, no queue); opening one by file_open.
 */
#include "file_rules.bpf.h"

#define ENOSPC		28

char LICENSE[] SEC("license") = "GPL";

/* Records who made the object at perm (and what it is): the cell, or (forgotten) no cell. */
static __always_inline int ipc_made(struct kern_ipc_perm *perm, __u32 kind)
{
	struct isolate_ipc_owner owner = { .id = -1, .kind = kind };
	__u64 key = (__u64)perm;
	struct cell_ctx cc;

	if (!current_cell(&cc)) {
		bpf_map_delete_elem(&ipc_owners, &key);
		return 0;
	}
	owner.cgid = cc.cgid;
	if (bpf_map_update_elem(&ipc_owners, &key, &owner, BPF_ANY))
		return refuse_op(&cc, ISOLATE_OP_IPC, ENOSPC, 0, 0);
	return 0;
}

/*
 * Outside the cells, the loader's sweep of a destroyed cell's objects
 * (isolate_config.ipc_sweeper): the id of each object it stats, noted in
 * the object's record, tells it what to remove. Others pay one array read.
 */
static __always_inline void note_id_for_sweep(struct kern_ipc_perm *perm)
{
	struct isolate_config *cfg = isolate_settings();
	struct isolate_ipc_owner *owner;
	__u64 key = (__u64)perm;

	if (!cfg || !cfg->ipc_sweeper || cfg->ipc_sweeper != bpf_get_current_pid_tgid() >> 32)
		return;
	owner = bpf_map_lookup_elem(&ipc_owners, &key);
	if (owner)
		owner->id = BPF_CORE_READ(perm, id);
}

/*
 * A cell may use an object only if it made it. The hook's first argument,
 * perm, is NULL for calls on no object (IPC_INFO and the like).
 */
static __always_inline int ipc_use(unsigned long long *ctx, struct kern_ipc_perm *perm)
{
	struct isolate_ipc_owner *owner;
	__u64 key = (__u64)perm;
	struct cell_ctx cc;

	if (hook_arg_is_null(ctx, 0))
		return 0;
	if (!current_cell(&cc)) {
		note_id_for_sweep(perm);
		return 0;
	}
	owner = bpf_map_lookup_elem(&ipc_owners, &key);
	if (owner && owner->cgid == cc.cgid)
		return 0;
	return refuse_op(&cc, ISOLATE_OP_IPC, EACCES, 0, BPF_CORE_READ(perm, id));
}

ISOLATE_HOOK(shm_alloc_security, isolate_shm_alloc, struct kern_ipc_perm *perm, int ret)
{
	return ret ?: ipc_made(perm, ISOLATE_IPC_SHM);
}

ISOLATE_HOOK(msg_queue_alloc_security, isolate_msg_queue_alloc, struct kern_ipc_perm *perm,
	     int ret)
{
	return ret ?: ipc_made(perm, ISOLATE_IPC_MSG);
}

ISOLATE_HOOK(sem_alloc_security, isolate_sem_alloc, struct kern_ipc_perm *perm, int ret)
{
	return ret ?: ipc_made(perm, ISOLATE_IPC_SEM);
}

/* Every use that checks the permission bits: get, shmat, msgsnd, msgrcv, semop, stat. */
ISOLATE_HOOK(ipc_permission, isolate_ipc_permission, struct kern_ipc_perm *ipcp, short flag,
	     int ret)
{
	return ret ?: ipc_use(ctx, ipcp);
}

/* The controls that skip them: IPC_RMID, IPC_SET, SHM_LOCK, *_STAT_ANY. */
ISOLATE_HOOK(shm_shmctl, isolate_shm_shmctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	return ret ?: ipc_use(ctx, perm);
}

ISOLATE_HOOK(msg_queue_msgctl, isolate_msg_queue_msgctl, struct kern_ipc_perm *perm, int cmd,
	     int ret)
{
	return ret ?: ipc_use(ctx, perm);
}

ISOLATE_HOOK(sem_semctl, isolate_sem_semctl, struct kern_ipc_perm *perm, int cmd, int ret)
{
	return ret ?: ipc_use(ctx, perm);
}

static __always_inline bool on_mqueue(struct inode *dir)
{
	return dir->i_sb->s_magic == MQUEUE_MAGIC;
}

ISOLATE_HOOK(inode_create, isolate_inode_create, struct inode *dir, struct dentry *dentry,
	     umode_t mode, int ret)
{
	struct cell_ctx cc;

	if (ret || !on_mqueue(dir) || !current_cell(&cc))
		return ret;
	return decide_in_fs(&cc, dentry->d_parent, ISOLATE_ACCESS_WRITE, ISOLATE_OP_CREATE);
}

/* Like path_unlink: WRITE on the directory and on the queue. */
ISOLATE_HOOK(inode_unlink, isolate_inode_unlink, struct inode *dir, struct dentry *dentry,
	     int ret)
{
	struct cell_ctx cc;

	if (ret || !on_mqueue(dir) || !current_cell(&cc))
		return ret;
	return decide_in_fs(&cc, dentry->d_parent, ISOLATE_ACCESS_WRITE, ISOLATE_OP_REMOVE) ?:
	       decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_REMOVE);
}
