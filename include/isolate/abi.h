/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The pinned-map ABI: every struct the BPF programs and userspace (libisolate,
 * or any other agent reading /sys/fs/bpf/isolate/) exchange through maps.
 * Fixed-size types only, no logic. Documentation/abi.md describes the layout.
 */
#ifndef ISOLATE_ABI_H
#define ISOLATE_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Bumped on any incompatible change to a struct, a map or the pin layout. */
#define ISOLATE_ABI_VERSION 9

/* Pin layout v3, relative to the bpffs mount (normally /sys/fs/bpf). */
#define ISOLATE_PIN_DIR		"isolate"
#define ISOLATE_PIN_MAPS	"maps"
#define ISOLATE_PIN_PROGS	"progs"
#define ISOLATE_PIN_LINKS	"links"

/*
 * Each LSM program carries, as a BTF decl tag, the hook prototype it was
 * written for: "isolate.hook:HOOK(PARAMS..., int ret)", the parameters as
 * declared in the program ("HOOK(PARAMS...)" for a hook that returns
 * nothing). The loader attaches a program only to a kernel whose
 * bpf_lsm_HOOK has exactly these parameters and return type (one declared
 * `void *` is never read, and stands for any one-register parameter).
 */
#define ISOLATE_HOOK_TAG	"isolate.hook:"
/* After HOOK: a hook some kernels lack, where other hooks decide its case. */
#define ISOLATE_HOOK_OPTIONAL	"?"

/* Capacities of the maps created by `isolate-loader load`. */
#define ISOLATE_MAX_CELLS	16384
#define ISOLATE_MAX_INODE_RULES	262144
#define ISOLATE_BLOOM_SLOTS_LOG2	21
#define ISOLATE_BLOOM_SLOTS	(1U << ISOLATE_BLOOM_SLOTS_LOG2)
#define ISOLATE_MAX_NET_RULES	65536
#define ISOLATE_MAX_UNIX_RULES	4096
#define ISOLATE_MAX_IPC_OBJECTS	65536	/* System V IPC objects cells made */
#define ISOLATE_WALK_MAX	64	/* path components and mount crossings */

/* Rights on a file or a directory tree (bits of isolate_inode_rule.allow). */
#define ISOLATE_ACCESS_READ	(1U << 0)
#define ISOLATE_ACCESS_WRITE	(1U << 1)
#define ISOLATE_ACCESS_EXEC	(1U << 2)
#define ISOLATE_ACCESS_FILE_ALL	\
	(ISOLATE_ACCESS_READ | ISOLATE_ACCESS_WRITE | ISOLATE_ACCESS_EXEC)

/*
 * The character devices a cell opens under any rule that grants the
 * access, a directory's too: they give nothing. Every other one needs a
 * rule on its node. By major, the minors as bits: mem's null (3), zero
 * (5), full (7), random (8), urandom (9); /dev/tty (5:0) and ptmx (5:2);
 * the pty slaves' majors, of which the kernel opens only the cell's own
 * terminals this way (its controlling one, one a session of the cell
 * leads, one no session has yet).
 */
#define ISOLATE_HARMLESS_MEM_MAJOR	1
#define ISOLATE_HARMLESS_MEM_MINORS	((1U << 3) | (1U << 5) | (1U << 7) | (1U << 8) | (1U << 9))
#define ISOLATE_HARMLESS_TTYAUX_MAJOR	5
#define ISOLATE_HARMLESS_TTYAUX_MINORS	((1U << 0) | (1U << 2))
#define ISOLATE_PTY_SLAVE_MAJOR_FIRST	136
#define ISOLATE_PTY_SLAVE_MAJOR_LAST	143

/* Operations named in events. */
enum isolate_op {
	ISOLATE_OP_NONE = 0,
	ISOLATE_OP_READ = 1,		/* open for reading */
	ISOLATE_OP_WRITE = 2,		/* open for writing, appending, truncating */
	ISOLATE_OP_EXEC = 3,		/* execve, or open for exec */
	ISOLATE_OP_MAP_EXEC = 4,	/* mmap/mprotect with PROT_EXEC */
	ISOLATE_OP_CREATE = 5,		/* create a file, directory, node, symlink */
	ISOLATE_OP_REMOVE = 6,		/* unlink, rmdir */
	ISOLATE_OP_RENAME = 7,
	ISOLATE_OP_LINK = 8,
	ISOLATE_OP_TRUNCATE = 9,
	ISOLATE_OP_SETATTR = 10,	/* chmod, chown */
	ISOLATE_OP_CONNECT = 11,	/* connect, or sendto an address */
	ISOLATE_OP_BIND = 12,
	ISOLATE_OP_LISTEN = 13,
	ISOLATE_OP_PTRACE = 14,		/* ptrace or /proc access to another cell */
	ISOLATE_OP_SIGNAL = 15,		/* a signal to a task outside the cell */
	ISOLATE_OP_SETSCHED = 16,	/* nice, ioprio, scheduler, prlimit of outsiders */
	ISOLATE_OP_MOUNT = 17,		/* mount, umount, pivot_root, move_mount */
	ISOLATE_OP_BPF = 18,
	ISOLATE_OP_NAMESPACE = 19,	/* new user or mount namespace */
	ISOLATE_OP_KEYRING = 20,
	ISOLATE_OP_MODULE = 21,		/* module or firmware loading, kexec */
	ISOLATE_OP_CGROUP = 22,		/* opening a cgroup directory (clone3 into it) */
	ISOLATE_OP_PERF = 23,
	ISOLATE_OP_CAPABILITY = 24,	/* a capability that administers the machine */
	ISOLATE_OP_SOCKET = 25,		/* a socket of a family or protocol not granted */
	ISOLATE_OP_EXEC_MEMORY = 26,	/* anonymous or once writable memory made executable */
	ISOLATE_OP_SYSTEM_FILE = 27,	/* changing the machine's controls: sysctls, bpffs, ... */
	ISOLATE_OP_IPC = 28,		/* a System V IPC object the cell did not make */
	ISOLATE_OP_MAX,
};

/* isolate_cell.mode */
enum isolate_mode {
	ISOLATE_MODE_ENFORCE = 0,
	ISOLATE_MODE_AUDIT = 1,
};

/*
 * The single entry of the "config" array map. Cells are the cgroups directly
 * below the cgroup identified by cells_root_cgid, which sits at depth
 * cells_root_level of the cgroup v2 hierarchy (the root is depth 0).
 */
struct isolate_config {
	__u64 cells_root_cgid;
	__u32 cells_root_level;
	__u32 abi_version;
	__u32 next_ruleset;	/* allocator state, advanced by userspace */
	__u32 features;		/* ISOLATE_FEATURE_* proven at load time */
	/*
	 * The process that removes a destroyed cell's System V objects: its
	 * IPC_STATs note each object's id in ipc_owners (0: none).
	 */
	__u32 ipc_sweeper;
	__u32 _pad;
};

/*
 * "ipc_owners" value: who made a System V object, and what it is. Its id
 * is assigned after the hook that records it: the loader, removing a
 * destroyed cell's objects, has the kernel note it (-1 until then).
 */
struct isolate_ipc_owner {
	__u64 cgid;		/* the cell's cgroup id */
	__s32 id;		/* shmid, msqid or semid; -1 not known yet */
	__u32 kind;		/* ISOLATE_IPC_* */
};

#define ISOLATE_IPC_SHM	1
#define ISOLATE_IPC_MSG	2
#define ISOLATE_IPC_SEM	3

/* "fifo_owners" inode storage: the cell that made a FIFO in the file system. */
struct isolate_fifo_owner {
	__u64 cgid;		/* the cell's cgroup id */
};

/*
 * "fifo_making" task storage: the FIFO a task of a cell is making, noted
 * by path_mknod for the d_instantiate that follows (kernel addresses and
 * the name's hash; the kernel's working space, read nothing there).
 */
struct isolate_fifo_making {
	__u64 dentry;
	__u64 parent;
	__u32 name_hash;	/* the dentry's d_name */
	__u32 name_len;
};

/* isolate_config.features: what the loaded programs serve. */
#define ISOLATE_FEATURE_CELL_ABI	(1U << 0)	/* the prctl of the cell ABI */

/*
 * "cells" hash map: cgroup id of a cell's top cgroup -> its state. Replacing
 * this value is the one update that switches a cell to a new generation.
 */
struct isolate_cell {
	__u32 cell_id;		/* index into per-cell arrays, stable for life */
	__u32 generation;	/* bumped on every policy change */
	__u32 ruleset;		/* key namespace of this generation's rules */
	__u32 mode;		/* enum isolate_mode */
	__u32 flags;		/* ISOLATE_CELL_* grants beyond the rules */
	__u32 broker_rights;	/* ISOLATE_BROKER_* requests the cell may make */
	__u32 netlink_protocols;	/* bit p: NETLINK protocol p (< 32) */
	/*
	 * Timed grants: from expires_ns (CLOCK_BOOTTIME) on, the hooks use
	 * fallback_ruleset, the generation's rules without them, whether or
	 * not anyone revokes them. 0: nothing expires.
	 */
	__u32 fallback_ruleset;
	__u64 socket_families;	/* bit f: sockets of address family f (< 64) */
	__u64 expires_ns;
	/*
	 * The ruleset the cell switched away from, read by no hook once the
	 * switch is a grace period old: the next change writes there what
	 * differs and switches to it. 0: none yet.
	 */
	__u32 spare_ruleset;
	__u32 _pad;
};

/* isolate_cell.flags */
#define ISOLATE_CELL_USERNS	(1U << 0)	/* may create user namespaces */
#define ISOLATE_CELL_MOUNTNS	(1U << 1)	/* may clone(CLONE_NEWNS) */
/* may make memory executable that is anonymous or was writable (JITs) */
#define ISOLATE_CELL_EXEC_MEMORY	(1U << 2)
/* may bind an AF_UNIX socket to an abstract name the kernel picks */
#define ISOLATE_CELL_UNIX_AUTOBIND	(1U << 3)

/*
 * The slot of the "inode_bloom" filter a (dev, ino) marks: the library
 * marks it for every rule, the walk tests it before looking a rule up. The
 * one function of this contract, so that both sides hash alike.
 */
static inline __u32 isolate_bloom_slot(__u32 dev, __u64 ino)
{
	__u64 h = (ino ^ ((__u64)dev << 40)) * 0x9e3779b97f4a7c15ULL;

	return (__u32)(h >> (64 - ISOLATE_BLOOM_SLOTS_LOG2));
}

/*
 * The value of "inode_bloom", the map's one element: one array that the
 * walk indexes directly (a lookup per step would cost it a helper call)
 * and that writers map (BPF_F_MMAPABLE). A slot is a byte, 0 or 1, not a
 * bit: testing a bit takes a shift by a variable amount, which costs
 * every step of the walk four to seven instructions more.
 */
struct isolate_inode_bloom {
	__u8 slots[ISOLATE_BLOOM_SLOTS];
};

/* "inode_rules" hash map key: a granted or denied file or directory. */
struct isolate_inode_key {
	__u32 ruleset;
	__u32 dev;		/* kernel encoding: major << 20 | minor */
	__u64 ino;
};

/*
 * Effective rights at this inode, already combined with the rules of its
 * ancestors at compile time: a decision stops at the nearest rule.
 */
struct isolate_inode_rule {
	__u32 allow;		/* ISOLATE_ACCESS_* */
	__u32 rule_id;		/* the rule that put the entry here */
	/*
	 * Per right (bit i of ISOLATE_ACCESS_*): the rule that allows or
	 * denies it here, or ~0U; a refusal event names this one. A right
	 * not in allow with a rule here is denied by that rule, explicitly.
	 */
	__u32 decided_by[3];
	__u32 _pad;
};

/* Network rules: isolate_net_key.op, and rights in isolate_unix_rule. */
#define ISOLATE_NET_CONNECT	1	/* connect, or send to an address */
#define ISOLATE_NET_BIND	2	/* bind, listen */

#define ISOLATE_NET_FIXED_BITS	64	/* key bits before the address */
#define ISOLATE_NET_PORT_RANGES	16

/*
 * "net_rules" LPM trie key. prefixlen counts from ruleset on: 64 fixed
 * bits, then the address prefix. IPv4 addresses (and IPv4-mapped IPv6
 * ones) are family 4 with the address in addr[0..3].
 */
struct isolate_net_key {
	__u32 prefixlen;	/* ISOLATE_NET_FIXED_BITS + address prefix */
	__u32 ruleset;
	__u8 op;		/* ISOLATE_NET_CONNECT or ISOLATE_NET_BIND */
	__u8 proto;		/* 6 TCP, 17 UDP */
	__u8 family;		/* 4 or 6 */
	__u8 _pad;
	__u8 addr[16];
};

struct isolate_port_range {
	__u16 lo, hi;		/* inclusive, host byte order */
	__u32 rule_id;
};

/*
 * The ports allowed at the longest matching prefix, already combined with
 * every shorter prefix's allows and denies by the compiler: sorted,
 * disjoint. A port in no range is refused, blamed on deny_rule_id.
 */
struct isolate_net_rule {
	__u32 n_ranges;
	__u32 deny_rule_id;	/* ISOLATE_RULE_NONE (~0U) when nothing denies */
	struct isolate_port_range ranges[ISOLATE_NET_PORT_RANGES];
};

/* "unix_rules" hash key: an abstract AF_UNIX name (no leading NUL). */
struct isolate_unix_key {
	__u32 ruleset;
	__u32 len;
	char name[108];
};

struct isolate_unix_rule {
	__u32 allow;		/* ISOLATE_NET_CONNECT | ISOLATE_NET_BIND */
	__u32 rule_id;
};

/* Reasons a decision could not be made; each denies and is counted. */
enum isolate_fail {
	ISOLATE_FAIL_WALK_BOUND = 0,	/* more than ISOLATE_WALK_MAX steps */
	ISOLATE_FAIL_NO_CELL = 1,	/* task under the cells root, cell unknown */
	ISOLATE_FAIL_READ = 2,		/* a kernel structure could not be read */
	ISOLATE_FAIL_MAX,
};

/* Event classes: enum isolate_event_class in events.h, 1-based. */
#define ISOLATE_EVENT_CLASSES	8

/* "counters" per-CPU array map, indexed by cell_id. */
struct isolate_cell_counters {
	__u64 allowed;
	__u64 denied;
	__u64 audited;
	__u64 fail_closed[ISOLATE_FAIL_MAX];
	__u64 requests_refused;	/* broker requests outside the cell's rights */
	__u64 events_sent[ISOLATE_EVENT_CLASSES];	/* attempts, by class */
	__u64 events_lost[ISOLATE_EVENT_CLASSES];	/* ring buffer full */
	/* of events_lost: the ring was half full and the cell over its share */
	__u64 events_over_share[ISOLATE_EVENT_CLASSES];
};

/*
 * A ring buffer more than half full takes events only from cells that
 * emitted fewer than ISOLATE_EVENT_SHARE events in the current window of
 * ISOLATE_EVENT_WINDOW_NS on that CPU: a flooding cell fills half a ring
 * at most, never the half the others write in.
 */
#define ISOLATE_EVENT_SHARE	64
#define ISOLATE_EVENT_WINDOW_NS	100000000ULL

/* "event_windows" per-CPU array map, by cell_id: the current window. */
struct isolate_event_window {
	__u64 start_ns;		/* bpf_ktime_get_ns() */
	__u64 events;		/* emitted (or attempted) since */
};

/* Broker rights: the requests a cell may send to its supervisor. */
#define ISOLATE_BROKER_READ	(1U << 0)
#define ISOLATE_BROKER_WRITE	(1U << 1)
#define ISOLATE_BROKER_EXEC	(1U << 2)
#define ISOLATE_BROKER_CONNECT	(1U << 3)
#define ISOLATE_BROKER_BIND	(1U << 4)
#define ISOLATE_BROKER_ALL	0x1fU

/* The private prctl(2) option of the cell ABI (include/isolate/cell.h). */
#define ISOLATE_PRCTL_OPTION	0x4953ce11

/*
 * "path_scratch" per-CPU array map, one entry: where a hook builds the
 * path an event shows (right to left, from the object up through its
 * mounts). The kernel's own working space; nothing else reads it.
 */
#define ISOLATE_PATH_SCRATCH 512
struct isolate_path_scratch {
	char buf[ISOLATE_PATH_SCRATCH];
};

/* The sizes the kernel and every reader agree on: a change is an ABI change. */
#ifndef __cplusplus	/* C++ has static_assert; the C build checks these */
_Static_assert(sizeof(struct isolate_config) == 32, "isolate_config");
_Static_assert(sizeof(struct isolate_ipc_owner) == 16, "isolate_ipc_owner");
_Static_assert(sizeof(struct isolate_cell) == 56, "isolate_cell");
_Static_assert(sizeof(struct isolate_inode_key) == 16, "isolate_inode_key");
_Static_assert(sizeof(struct isolate_inode_rule) == 24, "isolate_inode_rule");
_Static_assert(sizeof(struct isolate_net_key) == 28, "isolate_net_key");
_Static_assert(sizeof(struct isolate_port_range) == 8, "isolate_port_range");
_Static_assert(sizeof(struct isolate_net_rule) == 136, "isolate_net_rule");
_Static_assert(sizeof(struct isolate_unix_key) == 116, "isolate_unix_key");
_Static_assert(sizeof(struct isolate_unix_rule) == 8, "isolate_unix_rule");
_Static_assert(sizeof(struct isolate_cell_counters) == 248, "isolate_cell_counters");
_Static_assert(sizeof(struct isolate_event_window) == 16, "isolate_event_window");
_Static_assert(sizeof(struct isolate_path_scratch) == 512, "isolate_path_scratch");
#endif

#endif /* ISOLATE_ABI_H */
