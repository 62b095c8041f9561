/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The whole path an event shows for an object in hooks where bpf_d_path()
 * is not allowed (creating, removing, renaming, linking): built from the
 * dentry up through its parents and the mounts it sits on, right to left
 * in a per-CPU scratch buffer. Display only: nothing is decided on it. A
 * path longer than the event's field keeps its end, after "...".
 */
#ifndef ISOLATE_SHOW_PATH_BPF_H
#define ISOLATE_SHOW_PATH_BPF_H

#include "isolate.bpf.h"

#define SHOW_END (ISOLATE_EVENT_PATH_MAX - 1)	/* the NUL: buf[pos..SHOW_END) */
#define SHOW_DEPTH 64				/* components at most */

struct show_build {
	struct dentry *d;
	struct dentry *mnt_root;
	struct mount *mnt;
	__u32 pos;
	bool done;
	bool cut;
};

/* One component, or one step up to a mount point. Returns 1 when done. */
static long show_step(__u32 index, void *ctx)
{
	struct show_build *b = ctx;
	struct dentry *d = b->d, *parent;
	struct mount *mnt = b->mnt, *up;
	struct isolate_path_scratch *s;
	const unsigned char *name;
	__u32 zero = 0, len, pos;

	if (b->done)
		return 1;
	if (d == b->mnt_root) {
		up = BPF_CORE_READ(mnt, mnt_parent);
		b->done = !up || up == mnt;
		if (b->done)
			return 1;
		b->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		b->mnt = up;
		b->mnt_root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	s = bpf_map_lookup_elem(&path_scratch, &zero);
	b->done = !parent || parent == d || !s;
	if (b->done)
		return 1;
	len = BPF_CORE_READ(d, d_name.len);
	name = BPF_CORE_READ(d, d_name.name);
	pos = b->pos;
	if (len + 1 > pos) {
		b->done = b->cut = true;
		return 1;
	}
	/* pos and len below 256: the verifier sees the buffer (512) hold both. */
	pos = (pos - len) & 0xff;
	bpf_probe_read_kernel(s->buf + pos, len & 0xff, name);
	pos = (pos - 1) & 0xff;
	s->buf[pos] = '/';
	b->pos = pos;
	b->d = parent;
	return 0;
}

/* out (ISOLATE_EVENT_PATH_MAX bytes): the path of dentry in vfsmount. */
static __always_inline void show_path(char *out, __u64 dentry_addr, __u64 vfsmount_addr)
{
	struct mount *mnt = (struct mount *)(vfsmount_addr -
			    bpf_core_field_offset(struct mount, mnt));
	struct show_build b = {
		.d = (struct dentry *)dentry_addr,
		.mnt = mnt,
		.mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root),
		.pos = SHOW_END,
	};
	struct isolate_path_scratch *s;
	__u32 zero = 0, pos;

	s = bpf_map_lookup_elem(&path_scratch, &zero);
	if (!s)
		return;
	s->buf[SHOW_END] = 0;
	bpf_loop(SHOW_DEPTH, show_step, &b, 0);
	pos = b.pos & 0xff;
	if (pos == SHOW_END) {
		/* The root itself. */
		pos = SHOW_END - 1;
		s->buf[pos] = '/';
	} else if (b.cut || !b.done) {
		/*
		 * Always marked, over the first bytes shown if no room is
		 * left before them: an unmarked cut looks like a whole path.
		 */
		if (pos < 3)
			pos = 3;
		/* Kept a clamp, not folded into a wrapping subtraction 6.1 cannot bound. */
		barrier_var(pos);
		pos -= 3;
		s->buf[pos] = s->buf[pos + 1] = s->buf[pos + 2] = '.';
	}
	bpf_probe_read_kernel(out, ISOLATE_EVENT_PATH_MAX - pos, s->buf + pos);
}

#endif /* ISOLATE_SHOW_PATH_BPF_H */
