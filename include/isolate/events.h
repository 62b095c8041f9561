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
#define ISOLATE_LOG_MAX		480
#define ISOLATE_METRIC_NAME_MAX	64
#define ISOLATE_BROKER_TARGET_MAX 256
#define ISOLATE_MESSAGE_MAX	1024

/*
 * Every event class, once: X(CLASS, number, name, ring buffer bytes). Each
 * class has its own ring buffer, pinned as maps/ev_<name>, so a flood of
 * one can not crowd out another.
 *   deny       an operation was refused
 *   audit      it would have been refused; audit mode
 *   log        a program in a cell logged a line
 *   metric     a program in a cell reported a value
 *   broker     a cell asks for a capability
 *   message    a program in a cell posted a message
 *   lifecycle  a cell was created, changed, destroyed
 */
#define ISOLATE_EVENT_CLASS_LIST(X)		\
	X(DENY, 1, deny, 1 << 20)		\
	X(AUDIT, 2, audit, 1 << 20)		\
	X(LOG, 3, log, 1 << 20)			\
	X(METRIC, 4, metric, 1 << 18)		\
	X(BROKER, 5, broker, 1 << 18)		\
	X(MESSAGE, 6, message, 1 << 20)		\
	X(LIFECYCLE, 7, lifecycle, 1 << 16)

#define ISOLATE_EVENT_CLASS_ENUM(C, number, name, bytes) ISOLATE_EVENT_##C = number,
enum isolate_event_class {
	ISOLATE_EVENT_CLASS_LIST(ISOLATE_EVENT_CLASS_ENUM)
	ISOLATE_EVENT_CLASS_MAX,
};
#undef ISOLATE_EVENT_CLASS_ENUM

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

/* ISOLATE_EVENT_LOG */
struct isolate_event_log {
	struct isolate_event_hdr hdr;
	__u32 level;		/* syslog levels: 0 emerg .. 7 debug */
	__u32 len;		/* bytes of msg used */
	char msg[ISOLATE_LOG_MAX];
};

/* isolate_event_metric.kind */
enum isolate_metric_kind {
	ISOLATE_METRIC_COUNTER = 0,	/* value is added to the running total */
	ISOLATE_METRIC_GAUGE = 1,	/* value replaces the last one */
};

/* ISOLATE_EVENT_METRIC */
struct isolate_event_metric {
	struct isolate_event_hdr hdr;
	__u32 kind;		/* enum isolate_metric_kind */
	__u32 _pad;
	__s64 value;
	char name[ISOLATE_METRIC_NAME_MAX];	/* [a-zA-Z_:][a-zA-Z0-9_:]* */
};

/* isolate_event_broker.origin */
enum isolate_broker_origin {
	ISOLATE_BROKER_REQUESTED = 0,	/* the program asked (incell_request) */
};

/* ISOLATE_EVENT_BROKER: only requests the cell's broker rights allow. */
struct isolate_event_broker {
	struct isolate_event_hdr hdr;
	__u64 request_id;	/* the requester's name for it, in its cell; the reply carries it */
	__u32 origin;		/* enum isolate_broker_origin */
	__u32 _pad;
	/* as in struct isolate_cell_request_record: */
	__u32 right;		/* one ISOLATE_BROKER_* bit */
	__u32 len;		/* bytes of target used */
	char target[ISOLATE_BROKER_TARGET_MAX];	/* a path, or "tcp:ADDR:PORT" */
};

/* ISOLATE_EVENT_MESSAGE */
struct isolate_event_message {
	struct isolate_event_hdr hdr;
	/* as in struct isolate_cell_post_record: */
	__u64 in_reply_to;	/* the call id answered, or 0 */
	__u32 len;
	__u32 _pad;
	__u8 data[ISOLATE_MESSAGE_MAX];
};

/* isolate_event_lifecycle.what */
enum isolate_lifecycle {
	ISOLATE_LIFECYCLE_CREATED = 1,
	ISOLATE_LIFECYCLE_GENERATION = 2,	/* switched to hdr.generation */
	ISOLATE_LIFECYCLE_DESTROYED = 3,
	ISOLATE_LIFECYCLE_UNENFORCED = 4,	/* detail: what is accepted, not enforced */
};

/* ISOLATE_EVENT_LIFECYCLE: written by libisolate through the kernel. */
struct isolate_event_lifecycle {
	struct isolate_event_hdr hdr;
	__u32 what;		/* enum isolate_lifecycle */
	__u32 _pad;
	char name[64];		/* the cell's name */
	char detail[64];	/* UNENFORCED: e.g. "memory pids"; DESTROYED: "its cgroup was gone" when it went without a destroy */
};

/*
 * What libisolate hands the isolate_emit_lifecycle program (run with
 * BPF_PROG_TEST_RUN) to turn into a lifecycle event.
 */
struct isolate_lifecycle_args {
	__u64 cgid;
	__u32 cell_id;
	__u32 generation;
	__u32 what;		/* enum isolate_lifecycle */
	__u32 _pad;
	char name[64];
	char detail[64];
};

/*
 * The supervisor's event stream, for every other reader: a SOCK_SEQPACKET
 * socket at <state dir>/events/sock (root's; Documentation/events.md). A
 * subscriber sends one struct isolate_subscription; every message after
 * it is one record as the kernel wrote it (header first), or, when replay
 * was asked, after the records the supervisor kept, the replay mark: a
 * bare header of class ISOLATE_EVENT_REPLAY_END.
 */
#define ISOLATE_SUBSCRIPTION_VERSION	1
#define ISOLATE_SUBSCRIBE_REPLAY	1U	/* first the most recent records kept */
#define ISOLATE_EVENT_REPLAY_END	0
struct isolate_subscription {
	__u32 version;		/* ISOLATE_SUBSCRIPTION_VERSION */
	__u32 class_mask;	/* bit 1 << class; 0: every class */
	__u32 flags;		/* ISOLATE_SUBSCRIBE_* */
	__u32 _pad;
};

/* The sizes the kernel and every reader agree on: a change is an ABI change. */
#ifndef __cplusplus	/* C++ has static_assert; the C build checks these */
_Static_assert(sizeof(struct isolate_event_hdr) == 56, "isolate_event_hdr");
_Static_assert(sizeof(struct isolate_event_access) == 368, "isolate_event_access");
_Static_assert(sizeof(struct isolate_event_log) == 544, "isolate_event_log");
_Static_assert(sizeof(struct isolate_event_metric) == 136, "isolate_event_metric");
_Static_assert(sizeof(struct isolate_event_broker) == 336, "isolate_event_broker");
_Static_assert(sizeof(struct isolate_event_message) == 1096, "isolate_event_message");
_Static_assert(sizeof(struct isolate_event_lifecycle) == 192, "isolate_event_lifecycle");
_Static_assert(sizeof(struct isolate_lifecycle_args) == 152, "isolate_lifecycle_args");
_Static_assert(sizeof(struct isolate_subscription) == 16, "isolate_subscription");
#endif

#endif /* ISOLATE_EVENTS_H */
