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
};

struct walk_result {
	enum walk_status status;
	struct isolate_inode_rule rule;
	__u32 dev;
	__u64 ino;
};

/* Must match user/bloom.c. */
static __always_inline __u32 bloom_bit(__u32 dev, __u64 ino)
{
	__u64 h = (ino ^ ((__u64)dev << 40)) * 0x9e3779b97f4a7c15ULL;

	return h >> (64 - 21);
}

static __always_inline int lookup_rule(__u32 ruleset, __u32 dev, __u64 ino,
				       struct walk_result *res)
{
	struct isolate_inode_key key = { .ruleset = ruleset, .dev = dev, .ino = ino };
	struct isolate_inode_rule *rule;
	__u32 bit = bloom_bit(dev, ino);
	__u32 word = bit / 64;
	__u64 *w;

	w = bpf_map_lookup_elem(&inode_bloom, &word);
	if (!w || !(*w & (1ULL << (bit % 64))))
		return 0;
	rule = bpf_map_lookup_elem(&inode_rules, &key);
	if (!rule)
		return 0;
	res->status = WALK_RULE;
	res->rule = *rule;
	res->dev = dev;
	res->ino = ino;
	return 1;
}

/*
 * Above the first mount root the walk uses probe reads: 6.1 can not turn
 * the address of the enclosing struct mount back into a typed pointer.
 */
static __always_inline void walk_above_mounts(__u32 ruleset, __u64 dentry_addr,
					      __u64 vfsmount_addr,
					      struct walk_result *res)
{
	struct dentry *d = (struct dentry *)dentry_addr;
	struct mount *mnt = (struct mount *)(vfsmount_addr -
			    bpf_core_field_offset(struct mount, mnt));
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	__u32 dev = BPF_CORE_READ(mnt, mnt.mnt_sb, s_dev);
	int i;

	for (i = 0; i < ISOLATE_WALK_MAX; i++) {
		if (d == mnt_root) {
			struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);

			if (!parent) {
				res->status = WALK_FAULT;
				return;
			}
			if (parent == mnt) {
				res->status = WALK_NO_RULE;
				return;
			}
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = parent;
			mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
			dev = BPF_CORE_READ(mnt, mnt.mnt_sb, s_dev);
		}
		if (!d) {
			res->status = WALK_FAULT;
			return;
		}
		if (lookup_rule(ruleset, dev, BPF_CORE_READ(d, d_inode, i_ino), res))
			return;
		d = BPF_CORE_READ(d, d_parent);
	}
	res->status = WALK_BOUND;
}

/*
 * Inside the mount of the object the walk reads the kernel's structures with
 * direct (BTF) loads, a few instructions each.
 */
static __always_inline void walk_path(__u32 ruleset, const struct path *path,
				      struct walk_result *res)
{
	struct dentry *d = path->dentry;
	struct vfsmount *vfsmnt = path->mnt;
	struct dentry *mnt_root = vfsmnt->mnt_root;
	__u32 dev = vfsmnt->mnt_sb->s_dev;
	int i;

	for (i = 0; i < ISOLATE_WALK_MAX; i++) {
		struct inode *inode = d->d_inode;

		if (lookup_rule(ruleset, dev, inode->i_ino, res))
			return;
		if (d == mnt_root) {
			walk_above_mounts(ruleset, (__u64)d, (__u64)vfsmnt, res);
			return;
		}
		d = d->d_parent;
	}
	res->status = WALK_BOUND;
}

#endif /* ISOLATE_INODE_WALK_BPF_H */
