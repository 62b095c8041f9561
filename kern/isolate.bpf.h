/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by every isolate BPF program: the maps (defined once, in
 * maps.bpf.c, and linked), finding the cell of the current task, counters
 * and event emission.
 */
#ifndef ISOLATE_BPF_H
#define ISOLATE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <isolate/abi.h>
#include <isolate/events.h>

#define EACCES 13
#define EPERM 1

/* A file's open mode (include/linux/fs.h: not in BTF). */
#define FMODE_READ		0x1
#define FMODE_WRITE		0x2

struct isolate_config_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct isolate_config);
};

struct isolate_cells_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ISOLATE_MAX_CELLS);
	/*
	 * No prealloc: memory for the cells there are. Either way an element
	 * an update replaces or a delete removes is reused at once (by 6.1's
	 * bpf_mem_alloc, as by prealloc's free list), not after a grace
	 * period: a hook's pointer into this map holds only until the next
	 * update. So cell_ctx_of() copies the entry as soon as it finds it
	 * and hooks read the copy; userspace changes an entry only by
	 * replacing it whole, under the loader's lock, and waits a grace
	 * period after each switch before letting go of the lock (cell.c):
	 * the element a switch frees is taken again only once no hook that
	 * found it before is still copying it.
	 */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct isolate_cell);
};

struct isolate_inode_rules_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ISOLATE_MAX_INODE_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct isolate_inode_key);
	__type(value, struct isolate_inode_rule);
};

struct isolate_bloom_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct isolate_inode_bloom);
};

struct isolate_net_rules_map {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, ISOLATE_MAX_NET_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct isolate_net_key);
	__type(value, struct isolate_net_rule);
};

struct isolate_unix_rules_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ISOLATE_MAX_UNIX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct isolate_unix_key);
	__type(value, struct isolate_unix_rule);
};

/*
 * System V IPC objects made in a cell: address of the object's
 * kern_ipc_perm -> the cell's cgroup id. Every object made anywhere passes
 * the alloc hooks, which record or forget its address, so an entry left by
 * a freed object is never read for another; the least recently used go
 * first when it is full (their cell then loses them: refused, not gained).
 */
struct isolate_ipc_owners_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ISOLATE_MAX_IPC_OBJECTS);
	__type(key, __u64);
	__type(value, struct isolate_ipc_owner);
};

/*
 * FIFOs made in a cell: the inode's own storage names the cell. A FIFO in
 * the file system is a service when an outsider made it (a daemon reads
 * commands from it), opened only by a rule on its node; the cell's own go
 * by the tree's rules. Kept with the inode and freed with it, so an inode
 * number used again, or a struct inode's memory, never inherits a mark.
 */
struct isolate_fifo_owners_map {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct isolate_fifo_owner);
};

/* The FIFO a task of a cell is making, from path_mknod to d_instantiate. */
struct isolate_fifo_making_map {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct isolate_fifo_making);
};

/* An inner map type for rcu_sync; never read by a program. */
struct isolate_rcu_inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

/*
 * Updating a map-in-map from userspace returns only after an RCU grace
 * period, that is after every program that started before has finished:
 * userspace updates this one to know no hook still uses an old ruleset.
 */
struct isolate_rcu_sync_map {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct isolate_rcu_inner);
};

struct isolate_counters_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ISOLATE_MAX_CELLS);
	__type(key, __u32);
	__type(value, struct isolate_cell_counters);
};

struct isolate_event_windows_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ISOLATE_MAX_CELLS);
	__type(key, __u32);
	__type(value, struct isolate_event_window);
};

struct isolate_path_scratch_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct isolate_path_scratch);
};

struct isolate_seq_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ISOLATE_EVENT_CLASSES);
	__type(key, __u32);
	__type(value, __u64);
};

/* One ring buffer per event class, sized for its traffic (events.h). */
#define RING_TYPE(C, number, name, bytes)			\
	struct isolate_ring_##name {				\
		__uint(type, BPF_MAP_TYPE_RINGBUF);		\
		__uint(max_entries, bytes);			\
	};
ISOLATE_EVENT_CLASS_LIST(RING_TYPE)
#undef RING_TYPE

extern struct isolate_config_map settings SEC(".maps");
extern struct isolate_cells_map cells SEC(".maps");
extern struct isolate_inode_rules_map inode_rules SEC(".maps");
extern struct isolate_bloom_map inode_bloom SEC(".maps");
extern struct isolate_net_rules_map net_rules SEC(".maps");
extern struct isolate_unix_rules_map unix_rules SEC(".maps");
extern struct isolate_counters_map counters SEC(".maps");
extern struct isolate_rcu_sync_map rcu_sync SEC(".maps");
extern struct isolate_seq_map event_seq SEC(".maps");
extern struct isolate_ipc_owners_map ipc_owners SEC(".maps");
extern struct isolate_fifo_owners_map fifo_owners SEC(".maps");
extern struct isolate_fifo_making_map fifo_making SEC(".maps");
extern struct isolate_event_windows_map event_windows SEC(".maps");
extern struct isolate_path_scratch_map path_scratch SEC(".maps");
#define RING_EXTERN(C, number, name, bytes) extern struct isolate_ring_##name ev_##name SEC(".maps");
ISOLATE_EVENT_CLASS_LIST(RING_EXTERN)
#undef RING_EXTERN

/*
 * An LSM program on HOOK, and the prototype it reads its arguments by (see
 * ISOLATE_HOOK_TAG; its last argument `int ret` where the hook returns a
 * verdict, none where it returns nothing): the loader compares it with the
 * running kernel's and attaches the program only where they agree. Where kernels differ, one
 * program per prototype. Declare an argument the program never reads
 * `void *`, so that a change of its type alone needs no new program.
 */
#define ISOLATE_HOOK_PROTO(hook, args...) \
	__attribute__((btf_decl_tag(ISOLATE_HOOK_TAG #hook "(" #args ")")))
#define ISOLATE_HOOK(hook, name, args...) \
	ISOLATE_HOOK_PROTO(hook, args) SEC("lsm/" #hook) int BPF_PROG(name, args)
/*
 * For a hook older kernels lack, where another hook decides its case
 * (ISOLATE_HOOK_OPTIONAL): loaded where the kernel has it, not missed
 * where it has not.
 */
#define ISOLATE_HOOK_IF_PRESENT(hook, name, args...) \
	__attribute__((btf_decl_tag(ISOLATE_HOOK_TAG #hook ISOLATE_HOOK_OPTIONAL "(" #args ")"))) \
	SEC("lsm/" #hook) int BPF_PROG(name, args)

/*
 * Whether the hook's pointer argument n is NULL, read as a number. The
 * kernel passes NULL to some (mmap_file's file for anonymous memory,
 * task_kill's cred for every sender but usbfs, the IPC controls' perm for
 * *_INFO), but verifiers from Linux 6.5 on take a hook's pointer
 * arguments as never NULL and may drop a test of the pointer itself.
 */
static __always_inline bool hook_arg_is_null(unsigned long long *ctx, int n)
{
	__u64 arg = 0;

	bpf_probe_read_kernel(&arg, sizeof(arg), &ctx[n]);
	return !arg;
}

/* The loader's settings (the cells root): the map's one element. */
static __always_inline struct isolate_config *isolate_settings(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&settings, &zero);
}

/* What the current task's cell is, for the length of one hook. */
struct cell_ctx {
	__u64 cgid;
	struct isolate_cell cell;
};

/*
 * *cc for the cell of cgroup cgid. A cgroup under the cells root whose cell
 * is unknown is taken for cell 0 with an empty ruleset, so every decision
 * denies.
 */
static __always_inline void cell_ctx_of(struct cell_ctx *cc, __u64 cgid)
{
	struct isolate_cell *cell;

	cc->cgid = cgid;
	cell = bpf_map_lookup_elem(&cells, &cgid);
	if (cell) {
		cc->cell = *cell;
		/* Timed grants end here, in the kernel, whoever else is alive. */
		if (cc->cell.expires_ns && bpf_ktime_get_boot_ns() >= cc->cell.expires_ns)
			cc->cell.ruleset = cc->cell.fallback_ruleset;
		return;
	}
	/* No grant beyond the rules, no rules: ruleset 0 is never allocated. */
	__builtin_memset(&cc->cell, 0, sizeof(cc->cell));
	cc->cell.mode = ISOLATE_MODE_ENFORCE;
}

/* Returns 1 and fills *cc when the current task is in a cell, 0 when it is in none. */
static __always_inline int current_cell(struct cell_ctx *cc)
{
	struct isolate_config *cfg = isolate_settings();
	__u64 cgid;

	if (!cfg || !cfg->cells_root_cgid)
		return 0;
	if (bpf_get_current_ancestor_cgroup_id(cfg->cells_root_level) !=
	    cfg->cells_root_cgid)
		return 0;
	/*
	 * The key in a variable of its own: &cc->cgid handed to the helper
	 * would keep all of *cc in memory, and every field of the cell
	 * stored there whether the hook reads it or not.
	 */
	cgid = bpf_get_current_ancestor_cgroup_id(cfg->cells_root_level + 1);
	if (!cgid)
		return 0;	/* in the cells root itself: the loader's place */
	cell_ctx_of(cc, cgid);
	return 1;
}

static __always_inline struct isolate_cell_counters *
cell_counters(const struct cell_ctx *cc)
{
	__u32 id = cc->cell.cell_id;

	return bpf_map_lookup_elem(&counters, &id);
}

static __always_inline void count_fail(const struct cell_ctx *cc,
				       enum isolate_fail why)
{
	struct isolate_cell_counters *c = cell_counters(cc);

	if (c && why < ISOLATE_FAIL_MAX)
		c->fail_closed[why]++;
}

static __always_inline __u64 next_seq(__u32 event_class)
{
	__u64 *seq = bpf_map_lookup_elem(&event_seq, &event_class);

	return seq ? __sync_fetch_and_add(seq, 1) : 0;
}

static __always_inline void fill_hdr(struct isolate_event_hdr *h,
				     const struct cell_ctx *cc,
				     __u32 event_class, __u32 size,
				     __u32 rule_id, __u64 seq)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	h->abi_version = ISOLATE_EVENT_ABI_VERSION;
	h->event_class = event_class;
	h->size = size;
	h->cell_cgid = cc->cgid;
	h->cell_id = cc->cell.cell_id;
	h->generation = cc->cell.generation;
	h->rule_id = rule_id;
	h->pid = (__u32)pid_tgid;
	h->tgid = pid_tgid >> 32;
	h->_pad = 0;
	h->ts_ns = bpf_ktime_get_ns();
	h->seq = seq;
}

/*
 * Reserves a record of class event_class and constant size in that class's
 * ring buffer and fills its header. Counts the attempt, and the loss when
 * the buffer is full (NULL then).
 */
/* Counts an event of the cell in this CPU's window; whether it is over its share. */
static __always_inline bool over_share(const struct cell_ctx *cc)
{
	__u32 id = cc->cell.cell_id;
	struct isolate_event_window *w = bpf_map_lookup_elem(&event_windows, &id);
	__u64 now = bpf_ktime_get_ns();

	if (!w)
		return true;
	if (now - w->start_ns > ISOLATE_EVENT_WINDOW_NS) {
		w->start_ns = now;
		w->events = 0;
	}
	return ++w->events > ISOLATE_EVENT_SHARE;
}

static __always_inline bool half_full(void *ring)
{
	return bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) >
	       bpf_ringbuf_query(ring, BPF_RB_RING_SIZE) / 2;
}

/*
 * Whether the ring of event_class is more than half full: then only cells
 * within their share may add to it (ISOLATE_EVENT_SHARE).
 */
static __always_inline bool crowded(__u32 event_class)
{
	switch (event_class) {
#define RING_CROWDED(C, number, name, bytes) \
	case ISOLATE_EVENT_##C: return half_full(&ev_##name);
	ISOLATE_EVENT_CLASS_LIST(RING_CROWDED)
#undef RING_CROWDED
	default:
		return true;
	}
}

static __always_inline void *ring_reserve(__u32 event_class, __u32 size)
{
	switch (event_class) {
#define RING_RESERVE(C, number, name, bytes) \
	case ISOLATE_EVENT_##C: return bpf_ringbuf_reserve(&ev_##name, size, 0);
	ISOLATE_EVENT_CLASS_LIST(RING_RESERVE)
#undef RING_RESERVE
	default:
		return NULL;
	}
}

static __always_inline void *reserve_event(const struct cell_ctx *cc,
					   __u32 event_class, __u32 size,
					   __u32 rule_id)
{
	struct isolate_cell_counters *c = cell_counters(cc);
	__u64 seq = next_seq(event_class);
	bool held_back = event_class != ISOLATE_EVENT_LIFECYCLE && over_share(cc) &&
			 crowded(event_class);
	void *e = held_back ? NULL : ring_reserve(event_class, size);

	if (c && event_class < ISOLATE_EVENT_CLASSES) {
		c->events_sent[event_class]++;
		if (!e)
			c->events_lost[event_class]++;
		if (held_back)
			c->events_over_share[event_class]++;
	}
	if (e)
		fill_hdr(e, cc, event_class, size, rule_id, seq);
	return e;
}

/*
 * The verdict of a hook for a request the cell's rules refused: the error
 * in enforce mode, 0 in audit mode. Counts it either way.
 */
static __always_inline int refuse(const struct cell_ctx *cc, int err)
{
	struct isolate_cell_counters *c = cell_counters(cc);

	/*
	 * Two ways out, each with its constant: a verdict computed from the
	 * mode (for EPERM, minus the mode test) is a negation, which 6.12's
	 * verifier does not bound, and refuses the program's return value.
	 */
	if (cc->cell.mode == ISOLATE_MODE_AUDIT) {
		if (c)
			c->audited++;
		return 0;
	}
	if (c)
		c->denied++;
	return -err;
}

static __always_inline void count_allowed(const struct cell_ctx *cc)
{
	struct isolate_cell_counters *c = cell_counters(cc);

	if (c)
		c->allowed++;
}

/*
 * Reserves an access event, header filled in: a deny event carrying err,
 * or an audit event when err is 0. NULL when the buffer is full.
 */
static __always_inline struct isolate_event_access *
reserve_access_event(const struct cell_ctx *cc, __u32 op, __u32 requested,
		     __u32 rule_id, int err)
{
	struct isolate_event_access *e;

	if (err)
		e = reserve_event(cc, ISOLATE_EVENT_DENY, sizeof(*e), rule_id);
	else
		e = reserve_event(cc, ISOLATE_EVENT_AUDIT, sizeof(*e), rule_id);
	if (!e)
		return NULL;
	e->op = op;
	e->error = err;
	e->requested = requested;
	e->object_kind = ISOLATE_OBJECT_NONE;
	__builtin_memset(e->object_raw, 0, sizeof(e->object_raw));
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->path[0] = 0;
	return e;
}

/*
 * Refuses op for the current cell (or lets it pass in audit mode) and
 * reports it; for hooks whose object is the operation itself.
 */
static __always_inline int refuse_op(const struct cell_ctx *cc, __u32 op,
				     int err, __u32 task_pid, __u32 arg)
{
	int verdict = refuse(cc, err);
	struct isolate_event_access *e;

	e = reserve_access_event(cc, op, 0, ISOLATE_RULE_NONE, verdict ? err : 0);
	if (e) {
		if (task_pid || arg) {
			e->object_kind = ISOLATE_OBJECT_TASK;
			e->task.pid = task_pid;
			e->task.arg = arg;
		}
		bpf_ringbuf_submit(e, 0);
	}
	return verdict;
}

/*
 * Code that is no file's: refused err unless the cell is granted exec
 * memory (ISOLATE_CELL_EXEC_MEMORY); task_pid and arg as refuse_op's.
 */
static __always_inline int refuse_exec_memory(const struct cell_ctx *cc, int err,
					      __u32 task_pid, __u32 arg)
{
	return (cc->cell.flags & ISOLATE_CELL_EXEC_MEMORY) ? 0 :
	       refuse_op(cc, ISOLATE_OP_EXEC_MEMORY, err, task_pid, arg);
}

#endif /* ISOLATE_BPF_H */
