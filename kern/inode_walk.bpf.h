/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deciding access to a path by object: walk from the dentry up through its
 * parents, crossing mount points, to the nearest inode that carries a rule
 * in the cell's ruleset. Rules already hold the effective rights of their
 * subtree (the compiler folded ancestors and denies in), so the first rule
 * met decides.
 *
 * A bloom filter over (dev, ino) of every rule keeps most steps to a few
 * instructions; only a filter hit pays a hash lookup.
 */
#ifndef ISOLATE_INODE_WALK_BPF_H
#define ISOLATE_INODE_WALK_BPF_H

#include "isolate.bpf.h"

enum walk_status {
	WALK_RULE,	/* a rule decided; see rule */
	WALK_NO_RULE,	/* reached the root: nothing grants anything here */
	WALK_BOUND,	/* ISOLATE_WALK_MAX reached: cannot decide */
	WALK_FAULT,	/* a kernel structure could not be read */
	WALK_INTERNAL,	/* a kernel-internal mount: a pipe, a memfd, ... */
};

/* struct mount.mnt_ns of the kernel's own mounts (kern_mount). */
#define MNT_NS_INTERNAL ((struct mnt_namespace *)-22L)
#define MQUEUE_MAGIC	0x19800202

/*
 * With WALK_RULE: the rights of the rule found, and the object that holds
 * it. The rest of the rule (who decided what) is needed only for a
 * refusal, which looks it up again (rule_at): copying it here would cost
 * every allowed open.
 */
struct walk_result {
	enum walk_status status;
	__u32 allow;
	__u32 dev;
	__u64 ino;
};

/*
 * Where a walk is: the ruleset it looks rules up in, the file system it is
 * in, and the filter. The filter is found once per walk and then indexed:
 * a lookup per step is a helper call, whose clobbered registers cost every
 * step its state stored and loaded again.
 */
struct walk_where {
	__u32 ruleset;
	__u32 dev;
	const struct isolate_inode_bloom *bloom;
};

/*
 * Fills where->bloom; false if there is none, which never happens (the map
 * has its one element). The walk then ends undecided, as one that met its
 * bound does: a state of its own would cost rename, the hook of most walks,
 * more verifier work than the 6.1 limit leaves it (see WALK_STEPS_ONCE).
 */
static __always_inline bool find_bloom(struct walk_where *where)
{
	__u32 zero = 0;

	where->bloom = bpf_map_lookup_elem(&inode_bloom, &zero);
	return where->bloom;
}

/*
 * The rights of the rule at (where->dev, ino), and that place, into res;
 * 1 when there is one. The walk's ruleset is read only after a filter
 * hit: most steps end before, and keeping it across the filter's test
 * would cost them a store to the stack.
 */
static __always_inline int lookup_rule(const struct walk_where *where, __u64 ino,
				       struct walk_result *res)
{
	struct isolate_inode_key key;
	struct isolate_inode_rule *rule;

	if (!where->bloom->slots[isolate_bloom_slot(where->dev, ino)])
		return 0;
	asm volatile("" ::: "memory");
	key.ruleset = where->ruleset;
	key.dev = where->dev;
	key.ino = ino;
	rule = bpf_map_lookup_elem(&inode_rules, &key);
	if (!rule)
		return 0;
	res->status = WALK_RULE;
	res->allow = rule->allow;
	res->dev = key.dev;
	res->ino = ino;
	return 1;
}

/*
 * The rule a walk found, again: the ruleset a hook decides by is not
 * written while the hook runs (a change writes the spare only a grace
 * period after switching away from it), so this finds the same entry.
 */
static __always_inline const struct isolate_inode_rule *
rule_at(__u32 ruleset, const struct walk_result *res)
{
	struct isolate_inode_key key = {
		.ruleset = ruleset,
		.dev = res->dev,
		.ino = res->ino,
	};

	return bpf_map_lookup_elem(&inode_rules, &key);
}

/*
 * Both walks run by bpf_loop(), and stop early by returning 1. Newer
 * verifiers (6.7 on) check a callback again after every return, whatever
 * it returned, until its states repeat: a stopped walk says so first, in
 * a few instructions, instead of being walked on from each way it stopped.
 */

/* State of the walk above the first mount root, for bpf_loop(). */
struct walk_above {
	struct walk_where where;
	struct dentry *d;
	struct dentry *mnt_root;
	struct mount *mnt;
	struct walk_result *res;
};

/*
 * One step above the first mount root, with probe reads: 6.1 can not turn
 * the address of the enclosing struct mount back into a typed pointer.
 * Returns 1 when the walk is decided.
 */
static long step_above(__u32 index, void *ctx)
{
	struct walk_above *w = ctx;
	/* Locals: CO-RE must relocate kernel types, not struct walk_above. */
	struct dentry *d = w->d, *parent;
	struct mount *mnt = w->mnt;

	if (w->res->status != WALK_BOUND)
		return 1;
	/*
	 * Every dentry met, a mount's root too: its rule decides for what is
	 * below. (The first, the object's mount's root, was looked up already;
	 * again costs a filter probe.)
	 */
	if (lookup_rule(&w->where, BPF_CORE_READ(d, d_inode, i_ino), w->res))
		return 1;
	if (d == w->mnt_root) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		if (!up) {
			w->res->status = WALK_FAULT;
			return 1;
		}
		/*
		 * The root of a mount tree: the namespace's, where nothing
		 * granted anything, or one of the kernel's internal mounts,
		 * whose objects no path reaches. Not so the IPC namespace's
		 * mount of its message queues, which mq_open() opens named
		 * queues through: one of the internal mounts from 6.17 (in no
		 * namespace before), its queues are decided by their rules.
		 */
		if (up == mnt) {
			w->res->status = BPF_CORE_READ(mnt, mnt_ns) == MNT_NS_INTERNAL &&
					 BPF_CORE_READ(mnt, mnt.mnt_sb, s_magic) != MQUEUE_MAGIC ?
					 WALK_INTERNAL : WALK_NO_RULE;
			return 1;
		}
		/* On to the mount point, in the file system mounted on. */
		d = BPF_CORE_READ(mnt, mnt_mountpoint);
		if (!d) {
			w->res->status = WALK_FAULT;
			return 1;
		}
		w->d = d;
		w->mnt = up;
		w->mnt_root = BPF_CORE_READ(up, mnt.mnt_root);
		w->where.dev = BPF_CORE_READ(up, mnt.mnt_sb, s_dev);
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (!parent || parent == d) {	/* disconnected */
		w->res->status = WALK_NO_RULE;
		return 1;
	}
	w->d = parent;
	return 0;
}

static __always_inline bool on_internal_mount(__u64 vfsmount_addr)
{
	struct mount *mnt = (struct mount *)(vfsmount_addr -
			    bpf_core_field_offset(struct mount, mnt));

	return BPF_CORE_READ(mnt, mnt_ns) == MNT_NS_INTERNAL;
}

/*
 * Above the first mount root: its own ISOLATE_WALK_MAX steps (components
 * and mount crossings), run by bpf_loop so the verifier checks one step.
 */
static __always_inline void walk_above_mounts(const struct walk_where *below,
					      __u64 dentry_addr, __u64 vfsmount_addr,
					      struct walk_result *res)
{
	struct mount *mnt = (struct mount *)(vfsmount_addr -
			    bpf_core_field_offset(struct mount, mnt));
	struct walk_above w = {
		.where = {
			.ruleset = below->ruleset,
			.dev = BPF_CORE_READ(mnt, mnt.mnt_sb, s_dev),
			.bloom = below->bloom,
		},
		.d = (struct dentry *)dentry_addr,
		.mnt = mnt,
		.mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root),
		.res = res,
	};

	res->status = WALK_BOUND;
	bpf_loop(ISOLATE_WALK_MAX, step_above, &w, 0);
}

/* State of the walk inside the object's own mount, for bpf_loop(). */
struct walk_in_mount {
	struct walk_where where;
	bool stopped;
	bool at_mount_root;
	bool disconnected;
	struct dentry *d;
	struct dentry *mnt_root;
	struct walk_result *res;
};

/*
 * Up to n steps inside the mount of the object: direct (BTF) loads, a few
 * instructions each. Returns 1 when the walk is decided or has reached
 * the mount's root.
 */
static __always_inline long steps_in_mount(struct walk_in_mount *w, const int n)
{
	struct dentry *d = w->d, *parent;
	struct inode *inode;

	if (w->stopped)
		return 1;
	w->stopped = true;
#pragma unroll
	for (int i = 0; i < n; i++) {
		/*
		 * Each step loads the field offsets afresh: kept in registers
		 * from the first step they cost the others a move and an add.
		 */
		asm volatile("" ::: "memory");
		inode = d->d_inode;
		/* A negative dentry (the name of an object to create) has no rule. */
		if (inode && lookup_rule(&w->where, inode->i_ino, w->res))
			return 1;
		if (d == w->mnt_root) {
			w->d = d;
			w->at_mount_root = true;
			return 1;
		}
		parent = d->d_parent;
		if (parent == d) {	/* disconnected from its mount's tree */
			w->disconnected = true;
			w->res->status = WALK_NO_RULE;
			return 1;
		}
		d = parent;
	}
	w->stopped = false;
	w->d = d;
	return 0;
}

/*
 * Dentries per call of the bpf_loop() callback of a hook that walks once.
 * A call costs about as much as a step's own work (a stack frame, the
 * walk's state stored and loaded again), so such a walk takes sixteen per
 * call, and makes its first call inline, with no frame: most walks end
 * there. The verifier checks a callback once for every way a hook reaches
 * each of its walks: this costs file_open about 44,000 of the 1,000,000
 * instructions it may take on 6.1 and 80,000 on 6.12, but rename, which
 * walks up to six times, takes 661,000 on 6.1 with one step a call
 * (951,000 while a walk's result carried the whole rule; 917,000 with two
 * steps a call when each step looked its filter word up): hooks that walk
 * several times take one. A divisor of ISOLATE_WALK_MAX, which
 * stays the bound in dentries.
 */
#define WALK_STEPS_ONCE 16
_Static_assert(ISOLATE_WALK_MAX % WALK_STEPS_ONCE == 0, "the bound is whole calls");

static long step_in_mount(__u32 index, void *ctx)
{
	return steps_in_mount(ctx, 1);
}

static long steps_in_mount_once(__u32 index, void *ctx)
{
	return steps_in_mount(ctx, WALK_STEPS_ONCE);
}

/*
 * Walks from d, reached through vfsmnt (whose superblock is sb, passed by
 * a caller that has read it already), to the nearest rule; once: the hook
 * walks no other path (see WALK_STEPS_ONCE). Loops run by bpf_loop(): the
 * verifier checks one call, whatever the bound.
 */
static __always_inline void walk_dentry(__u32 ruleset, struct dentry *d,
					struct vfsmount *vfsmnt,
					const struct super_block *sb,
					struct walk_result *res, bool once)
{
	struct walk_in_mount w = {
		.where = { .ruleset = ruleset, .dev = sb->s_dev },
		.d = d,
		.mnt_root = vfsmnt->mnt_root,
		.res = res,
	};

	/* Every way out sets status; allow, dev and ino only WALK_RULE does. */
	res->status = WALK_BOUND;
	if (!find_bloom(&w.where))
		return;
	if (!once)
		bpf_loop(ISOLATE_WALK_MAX, step_in_mount, &w, 0);
	else if (!steps_in_mount(&w, WALK_STEPS_ONCE))	/* the first call, inline */
		bpf_loop(ISOLATE_WALK_MAX / WALK_STEPS_ONCE - 1, steps_in_mount_once, &w, 0);
	if (w.at_mount_root)
		walk_above_mounts(&w.where, (__u64)w.d, (__u64)vfsmnt, res);
	else if (w.disconnected && on_internal_mount((__u64)vfsmnt))
		res->status = WALK_INTERNAL;	/* pipes, memfds: pseudo dentries */
}

/*
 * For hooks that get a dentry but no mount (setattr, xattrs): the walk
 * stays inside the dentry's file system, up to its root. A rule above that
 * root can not be reached without knowing the mount: no rule, no right.
 */
static __always_inline void walk_in_fs(__u32 ruleset, struct dentry *d,
				       struct walk_result *res)
{
	struct walk_in_mount w = {
		.where = { .ruleset = ruleset, .dev = d->d_sb->s_dev },
		.d = d,
		.mnt_root = d->d_sb->s_root,
		.res = res,
	};

	res->status = WALK_BOUND;
	if (!find_bloom(&w.where))
		return;
	bpf_loop(ISOLATE_WALK_MAX, step_in_mount, &w, 0);
	if (w.at_mount_root)
		res->status = WALK_NO_RULE;
}

#endif /* ISOLATE_INODE_WALK_BPF_H */
