/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision every file hook shares: walk from an object to its nearest
 * rule, compare rights, count, and report a refusal.
 */
#ifndef ISOLATE_FILE_RULES_BPF_H
#define ISOLATE_FILE_RULES_BPF_H

#include "inode_walk.bpf.h"
#include "show_path.bpf.h"

/* include/uapi/linux/stat.h */
#define S_IFMT		00170000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_IFLNK		0120000
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000
#define S_IWOTH		0000002

/* include/uapi/linux/magic.h */
#define PROC_SUPER_MAGIC	0x9fa0
#define SYSFS_MAGIC		0x62656572
#define BPF_FS_MAGIC		0xcafe4a11
#define TRACEFS_MAGIC		0x74726163
#define DEBUGFS_MAGIC		0x64626720
#define SECURITYFS_MAGIC	0x73636673
#define CONFIGFS_MAGIC		0x62656570
#define PSTOREFS_MAGIC		0x6165676c
#define EFIVARFS_MAGIC		0xde5e81e4
#define CGROUP_SUPER_MAGIC	0x27e0eb
#define CGROUP2_SUPER_MAGIC	0x63677270
#define BINFMTFS_MAGIC		0x42494e4d
#define RDTGROUP_SUPER_MAGIC	0x7655821
#define SELINUX_MAGIC		0xf97cff8c
#define SMACK_MAGIC		0x43415d53
#define XENFS_SUPER_MAGIC	0xabba1974
/* fs/fuse/control.c, fs/nfsd/nfsctl.c, net/sunrpc/rpc_pipe.c */
#define FUSE_CTL_SUPER_MAGIC	0x65735543
#define NFSD_MAGIC		0x6e667364
#define RPCAUTH_GSSMAGIC	0x67596969

/* The process a procfs inode belongs to (/proc/PID/...), NULL for entries of none. */
static __always_inline struct pid *proc_owner(struct inode *inode)
{
	return BPF_CORE_READ(container_of(inode, struct proc_inode, vfs_inode), pid);
}

/*
 * The machine's controls, not data: sysctls and other processes' entries
 * in /proc, sysfs, the cgroup trees, bpffs (isolate's own pins: removing
 * one detaches a hook for every cell), tracefs, debugfs, securityfs and
 * their kin: binfmt_misc (a handler registered there runs for every
 * process of the machine, and its files ask for no capability), resctrl,
 * the FUSE, NFS server and RPC controls, the SELinux and Smack trees.
 * Changing them is refused in a cell whatever its rules grant.
 * In procfs a task may change the entries of its own process (/proc/self:
 * its oom_score_adj, its threads' names).
 */
static __always_inline bool machine_control(struct dentry *d)
{
	struct inode *inode = d->d_inode;
	struct task_struct *me;
	struct pid *owner;
	unsigned long magic;

	if (!inode)
		return false;
	magic = inode->i_sb->s_magic;
	switch (magic) {
	case PROC_SUPER_MAGIC:
		break;
	case SYSFS_MAGIC:
	case BPF_FS_MAGIC:
	case TRACEFS_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case CONFIGFS_MAGIC:
	case PSTOREFS_MAGIC:
	case EFIVARFS_MAGIC:
	case CGROUP_SUPER_MAGIC:
	case CGROUP2_SUPER_MAGIC:
	case BINFMTFS_MAGIC:
	case RDTGROUP_SUPER_MAGIC:
	case SELINUX_MAGIC:
	case SMACK_MAGIC:
	case FUSE_CTL_SUPER_MAGIC:
	case NFSD_MAGIC:
	case RPCAUTH_GSSMAGIC:
		return true;
	default:
		return false;
	}
	owner = proc_owner(inode);
	me = bpf_get_current_task_btf();
	return !owner || (owner != me->thread_pid &&
			  owner != BPF_CORE_READ(me, signal, pids[PIDTYPE_TGID]));
}

/*
 * How a refusal names its object in the event (display only, never
 * decided on): the dentry's own name; bpf_d_path() of path, where the hook
 * allows it; or the whole path of path's dentry in its mount, built by
 * walking up (show_path), where it does not.
 */
enum display {
	DISPLAY_NAME,
	DISPLAY_D_PATH,
	DISPLAY_BUILT,
};

static __always_inline void report_file(const struct cell_ctx *cc, __u32 op,
					__u32 access, __u32 rule_id, int verdict,
					int err, struct dentry *d,
					const struct path *path, enum display how)
{
	struct isolate_event_access *e;
	struct inode *inode;

	e = reserve_access_event(cc, op, access, rule_id, verdict ? err : 0);
	if (!e)
		return;
	e->object_kind = ISOLATE_OBJECT_FILE;
	inode = d->d_inode;
	if (inode) {
		e->file.dev = inode->i_sb->s_dev;
		e->file.ino = inode->i_ino;
	}
	if (how == DISPLAY_D_PATH && path)
		bpf_d_path((struct path *)path, e->path, sizeof(e->path));
	else if (how == DISPLAY_BUILT && path)
		show_path(e->path, (__u64)path->dentry, (__u64)path->mnt);
	else
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), d->d_name.name);
	bpf_ringbuf_submit(e, 0);
}

/* The rule that refuses the first of the rights asked for and missing. */
static __always_inline __u32 blame(const struct cell_ctx *cc, const struct walk_result *res,
				   __u32 access)
{
	const struct isolate_inode_rule *rule = rule_at(cc->cell.ruleset, res);
	__u32 missing = access & ~res->allow;

	if (!rule)
		return ISOLATE_RULE_NONE;

	if (missing & ISOLATE_ACCESS_READ)
		return rule->decided_by[0];
	if (missing & ISOLATE_ACCESS_WRITE)
		return rule->decided_by[1];
	return rule->decided_by[2];
}

/* The verdict on a finished walk: count, report, return. */
static __always_inline int decide_walked(const struct cell_ctx *cc,
					 const struct walk_result *walked,
					 struct dentry *d, __u32 access, __u32 op, int err,
					 const struct path *path, enum display how)
{
	struct walk_result res = *walked;
	__u32 rule_id = ISOLATE_RULE_NONE;
	int verdict;

	switch (res.status) {
	case WALK_RULE:
		if ((res.allow & access) == access) {
			count_allowed(cc);
			return 0;
		}
		rule_id = blame(cc, &res, access);
		break;
	case WALK_NO_RULE:
		break;
	case WALK_INTERNAL:
		/*
		 * A pipe or memfd the task holds, re-opened through
		 * /proc/self/fd: no rule can name it and it gives nothing new,
		 * except code to run.
		 */
		if (!(access & ISOLATE_ACCESS_EXEC)) {
			count_allowed(cc);
			return 0;
		}
		break;
	case WALK_BOUND:
		count_fail(cc, ISOLATE_FAIL_WALK_BOUND);
		break;
	default:
		count_fail(cc, ISOLATE_FAIL_READ);
		break;
	}
	verdict = refuse(cc, err);
	report_file(cc, op, access, rule_id, verdict, err, d, path, how);
	return verdict;
}

static __always_inline int refuse_machine_control(const struct cell_ctx *cc, struct dentry *d,
						  const struct path *path, enum display how)
{
	int verdict = refuse(cc, EACCES);

	report_file(cc, ISOLATE_OP_SYSTEM_FILE, ISOLATE_ACCESS_WRITE, ISOLATE_RULE_NONE, verdict,
		    EACCES, d, path, how);
	return verdict;
}

/*
 * Whether a rule on the object itself, not one of a directory above,
 * grants access: for objects that are services rather than files (device
 * nodes, other programs' sockets), which a grant of a tree does not reach.
 */
static __always_inline bool granted_on_node(const struct cell_ctx *cc, dev_t dev, __u64 ino,
					    __u32 access)
{
	struct walk_where where = { .ruleset = cc->cell.ruleset, .dev = dev };
	struct walk_result res = {};

	return find_bloom(&where) && lookup_rule(&where, ino, &res) &&
	       (res.allow & access) == access;
}

/*
 * A program that runs with its owner's ids (setuid), or its group's
 * (setgid; without the group's execute bit it means nothing yet, but an
 * ACL that gives the group execute keeps it; on a directory setgid only
 * passes the group on): made in a cell, whoever runs it outside the cell
 * runs the cell's code as the cell's user, root for a cell run as root.
 * Refused whatever the rules grant, as device nodes are.
 */
static __always_inline bool raises_privilege(umode_t mode)
{
	return (mode & S_ISUID) || ((mode & S_ISGID) && (mode & S_IFMT) != S_IFDIR);
}

/* Refused (EPERM) whatever the rules grant. */
static __always_inline int refuse_outright(const struct cell_ctx *cc, __u32 op,
					   struct dentry *dentry, const struct path *path)
{
	int verdict = refuse(cc, EPERM);

	report_file(cc, op, ISOLATE_ACCESS_WRITE, ISOLATE_RULE_NONE, verdict, EPERM,
		    dentry, path, DISPLAY_NAME);
	return verdict;
}

/*
 * The verdict at dentry d reached through mount mnt, whose superblock is
 * sb: 0 when the cell holds every right in access there, else the errno
 * (negative) — or 0 in audit mode, reported. once: the hook walks no other
 * path (see WALK_STEPS_ONCE).
 */
static __always_inline int decide_walk(const struct cell_ctx *cc,
				       struct dentry *d, struct vfsmount *mnt,
				       const struct super_block *sb,
				       __u32 access, __u32 op, int err,
				       const struct path *path, enum display how, bool once)
{
	struct walk_result res;

	if ((access & ISOLATE_ACCESS_WRITE) && machine_control(d))
		return refuse_machine_control(cc, d, path, how);
	walk_dentry(cc->cell.ruleset, d, mnt, sb, &res, once);
	return decide_walked(cc, &res, d, access, op, err, path, how);
}

/*
 * One dentry per call (see WALK_STEPS_ONCE): hooks that decide more than
 * one place (rename, link, unlink), and a unix socket's peer.
 */
static __always_inline int decide_dentry(const struct cell_ctx *cc,
					 struct dentry *d, struct vfsmount *mnt,
					 __u32 access, __u32 op, int err,
					 const struct path *path, enum display how)
{
	return decide_walk(cc, d, mnt, mnt->mnt_sb, access, op, err, path, how, false);
}

/* decide_dentry for hooks that know no mount: see walk_in_fs(). */
static __always_inline int decide_in_fs(const struct cell_ctx *cc,
					struct dentry *d, __u32 access, __u32 op)
{
	struct walk_result res;

	if ((access & ISOLATE_ACCESS_WRITE) && machine_control(d))
		return refuse_machine_control(cc, d, NULL, DISPLAY_NAME);
	walk_in_fs(cc->cell.ruleset, d, &res);
	return decide_walked(cc, &res, d, access, op, EACCES, NULL, DISPLAY_NAME);
}

/* For hooks that decide one place, the path they are given. */
static __always_inline int decide_path(const struct cell_ctx *cc,
				       const struct path *path, __u32 access,
				       __u32 op, enum display how)
{
	struct vfsmount *mnt = path->mnt;

	return decide_walk(cc, path->dentry, mnt, mnt->mnt_sb, access, op, EACCES, path, how,
			   true);
}

/*
 * What a cell holds at a place, to compare two (link, rename): the rights
 * granted and those denied explicitly (by a deny rule there or above),
 * with the rule of the entry found. Where a walk finds nothing, neither;
 * where it cannot decide, nothing granted and everything denied.
 */
struct place {
	__u32 allow;
	__u32 denied;
	__u32 rule_id;
};

static __always_inline void place_at(const struct cell_ctx *cc, struct dentry *d,
				     struct vfsmount *mnt, struct place *p)
{
	const struct isolate_inode_rule *rule;
	struct walk_result res;

	walk_dentry(cc->cell.ruleset, d, mnt, mnt->mnt_sb, &res, false);
	p->allow = 0;
	p->denied = 0;
	p->rule_id = ISOLATE_RULE_NONE;
	if (res.status == WALK_BOUND || res.status == WALK_FAULT)
		p->denied = ISOLATE_ACCESS_FILE_ALL;
	if (res.status != WALK_RULE)
		return;
	p->allow = res.allow;
	rule = rule_at(cc->cell.ruleset, &res);
	if (!rule) {
		p->denied = ISOLATE_ACCESS_FILE_ALL;
		return;
	}
	p->rule_id = rule->rule_id;
	if (rule->decided_by[0] != ISOLATE_RULE_NONE)
		p->denied |= ISOLATE_ACCESS_READ;
	if (rule->decided_by[1] != ISOLATE_RULE_NONE)
		p->denied |= ISOLATE_ACCESS_WRITE;
	if (rule->decided_by[2] != ISOLATE_RULE_NONE)
		p->denied |= ISOLATE_ACCESS_EXEC;
	p->denied &= ~res.allow;
}

#endif /* ISOLATE_FILE_RULES_BPF_H */
