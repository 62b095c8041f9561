/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Event ABI: records the BPF programs write into ring buffers. Every record
 * starts with struct isolate_event_hdr; the class says what follows.
 * Documentation/events.md describes each field.
 */
#ifndef ISOLATE_EVENTS_H
#define ISOLATE_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define ISOLATE_EVENT_ABI_VERSION 1

#define ISOLATE_EVENT_PATH_MAX	256
#define ISOLATE_COMM_LEN	16

enum isolate_event_class {
	ISOLATE_EVENT_DENY = 1,		/* an operation was refused */
	ISOLATE_EVENT_AUDIT = 2,	/* would have been refused; audit mode */
	ISOLATE_EVENT_CLASS_MAX,
};

/* No rule decided: the object was outside every grant (default deny). */
#define ISOLATE_RULE_NONE 0xffffffffU

struct isolate_event_hdr {
	__u16 abi_version;	/* ISOLATE_EVENT_ABI_VERSION */
	__u16 event_class;	/* enum isolate_event_class */
	__u32 size;		/* bytes of the whole record */
	__u64 cell_cgid;	/* cgroup id of the cell, from the kernel */
	__u32 cell_id;
	__u32 generation;	/* policy generation in force */
	__u32 rule_id;		/* deciding rule, or ISOLATE_RULE_NONE */
	__u32 pid;		/* thread id */
	__u32 tgid;		/* process id */
	__u32 _pad;
	__u64 ts_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 seq;		/* per class, counts every attempt to emit */
};

/* What an access event's object union holds. */
enum isolate_object_kind {
	ISOLATE_OBJECT_NONE = 0,	/* the operation itself (mount, bpf, ...) */
	ISOLATE_OBJECT_FILE = 1,
	ISOLATE_OBJECT_NET = 2,
	ISOLATE_OBJECT_TASK = 3,
};

/* ISOLATE_EVENT_DENY and ISOLATE_EVENT_AUDIT */
struct isolate_event_access {
	struct isolate_event_hdr hdr;
	__u32 op;		/* enum isolate_op */
	__s32 error;		/* errno returned (0 in audit mode) */
	__u32 requested;	/* ISOLATE_ACCESS_* asked for, for files */
	__u32 object_kind;	/* enum isolate_object_kind */
	union {
		struct {
			__u32 dev;	/* kernel dev_t encoding */
			__u32 _pad;
			__u64 ino;
		} file;
		struct {
			__u16 family;	/* AF_INET, AF_INET6, AF_UNIX */
			__u16 port;	/* host byte order */
			__u8 proto;	/* IPPROTO_TCP, IPPROTO_UDP */
			__u8 _pad[3];
			__u8 addr[16];	/* IPv4 in the first 4 bytes */
		} net;
		struct {
			__u32 pid;	/* the other task */
			__u32 arg;	/* signal number, capability, ... */
		} task;
		__u8 object_raw[24];
	};
	char comm[ISOLATE_COMM_LEN];
	char path[ISOLATE_EVENT_PATH_MAX];	/* display only, may be cut */
};

#endif /* ISOLATE_EVENTS_H */
