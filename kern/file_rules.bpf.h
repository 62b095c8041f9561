/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision every file hook shares: walk from an object to its nearest
 * rule, compare rights, count, and report a refusal.
 */
#ifndef ISOLATE_FILE_RULES_BPF_H
#define ISOLATE_FILE_RULES_BPF_H

#include "inode_walk.bpf.h"

/*
 * How a refusal names its object in the event: bpf_d_path() where the hook
 * allows it, else the dentry's own name (display only, never decided on).
 */
enum display {
	DISPLAY_NAME,
	DISPLAY_D_PATH,
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
	else
		bpf_probe_read_kernel_str(e->path, sizeof(e->path), d->d_name.name);
	bpf_ringbuf_submit(e, 0);
}

/*
 * 0 when the cell holds every right in access at dentry d (reached through
 * mount mnt), else the errno (negative) — or 0 in audit mode, reported.
 */
/* The rule that refuses the first of the rights asked for and missing. */
static __always_inline __u32 blame(const struct isolate_inode_rule *rule, __u32 access)
{
	__u32 missing = access & ~rule->allow;

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
		if ((res.rule.allow & access) == access) {
			count_allowed(cc);
			return 0;
		}
		rule_id = blame(&res.rule, access);
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

static __always_inline int decide_dentry(const struct cell_ctx *cc,
					 struct dentry *d, struct vfsmount *mnt,
					 __u32 access, __u32 op, int err,
					 const struct path *path, enum display how)
{
	struct walk_result res;

	walk_dentry(cc->cell.ruleset, d, mnt, &res);
	return decide_walked(cc, &res, d, access, op, err, path, how);
}

/* decide_dentry for hooks that know no mount: see walk_in_fs(). */
static __always_inline int decide_in_fs(const struct cell_ctx *cc,
					struct dentry *d, __u32 access, __u32 op)
{
	struct walk_result res;

	walk_in_fs(cc->cell.ruleset, d, &res);
	return decide_walked(cc, &res, d, access, op, EACCES, NULL, DISPLAY_NAME);
}

static __always_inline int decide_path(const struct cell_ctx *cc,
				       const struct path *path, __u32 access,
				       __u32 op, enum display how)
{
	return decide_dentry(cc, path->dentry, path->mnt, access, op, EACCES,
			     path, how);
}

/*
 * The rights a cell holds at d: what a walk finds, 0 when it finds nothing
 * or cannot decide. Used to compare two places (link, rename).
 */
static __always_inline __u32 rights_at(const struct cell_ctx *cc,
				       struct dentry *d, struct vfsmount *mnt)
{
	struct walk_result res;

	walk_dentry(cc->cell.ruleset, d, mnt, &res);
	return res.status == WALK_RULE ? res.rule.allow : 0;
}

#endif /* ISOLATE_FILE_RULES_BPF_H */
