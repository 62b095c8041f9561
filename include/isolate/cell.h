/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The cell ABI, version 1: what a program inside a cell can ask of the
 * supervisor, with libisolate-cell. It needs no privileges and no setup.
 *
 * Seven operations, frozen for version 1 (changing the set bumps
 * ISOLATE_CELL_ABI_VERSION):
 *   exec, call  - the supervisor starts work in the cell: a process
 *                 (isolate_cell_spawn), or a message it waits a reply to;
 *   post, recv  - messages: post goes to the supervisor, recv takes the
 *                 next one the supervisor left in the cell's channel;
 *   log, metric - a log line, a counter or gauge value;
 *   request     - ask for a capability the cell's broker rights allow.
 * log, metric, request and post go through a private prctl(2) option
 * that a BPF LSM program serves: the kernel stamps each record with the
 * caller's cell, so no program can speak for another cell. None of them
 * blocks: a full ring buffer is -EAGAIN, and counted.
 * Documentation/cell-abi.md has the wire format.
 */
#ifndef ISOLATE_CELL_H
#define ISOLATE_CELL_H

#ifndef __VMLINUX_H__
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#endif

#include <isolate/abi.h>
#include <isolate/events.h>

#define ISOLATE_CELL_ABI_VERSION 2

/* The operations of the ABI, frozen per version. */
enum isolate_cell_op {
	ISOLATE_CELL_OP_EXEC = 1,
	ISOLATE_CELL_OP_CALL = 2,
	ISOLATE_CELL_OP_POST = 3,
	ISOLATE_CELL_OP_RECV = 4,
	ISOLATE_CELL_OP_LOG = 5,
	ISOLATE_CELL_OP_METRIC = 6,
	ISOLATE_CELL_OP_REQUEST = 7,
	ISOLATE_CELL_OP_COUNT = 7,
};

/*
 * Wire format: prctl(ISOLATE_PRCTL_OPTION, op, &record, request_id, 0)
 * with op one of LOG, METRIC, REQUEST, POST and a record below, copied
 * whole by the kernel; request_id (REQUEST only, else 0) is the caller's
 * name for the request, 1 to ISOLATE_CELL_REQUEST_ID_MAX, which the reply
 * carries. Kernels from 6.12 (some earlier) let an LSM program return
 * only 0 or an errno, and 0 would mean "not served": so a served call
 * returns -1 with errno ISOLATE_CELL_SERVED, a failed one -1 with errno
 * EPERM (not in a cell, or a request the broker rights do not allow),
 * EAGAIN (the ring buffer is full), EFAULT (a bad address, or a page of
 * the record not in memory, which the kernel does not fault in: touch it
 * and ask again) or EINVAL (also when no isolate program serves the
 * option).
 */
#define ISOLATE_CELL_SERVED		4095	/* MAX_ERRNO: no errno of the kernel's */
#define ISOLATE_CELL_REQUEST_ID_MAX	0x7fffffff

struct isolate_cell_log_record {
	__u32 level;
	__u32 len;
	char msg[ISOLATE_LOG_MAX];
};

struct isolate_cell_metric_record {
	__u32 kind;		/* enum isolate_metric_kind */
	__u32 _pad;
	__s64 value;
	char name[ISOLATE_METRIC_NAME_MAX];
};

struct isolate_cell_request_record {
	__u32 right;		/* one ISOLATE_BROKER_* bit */
	__u32 len;
	char target[ISOLATE_BROKER_TARGET_MAX];
};

struct isolate_cell_post_record {
	__u64 in_reply_to;	/* the call id answered, or 0 */
	__u32 len;
	__u32 _pad;
	__u8 data[ISOLATE_MESSAGE_MAX];
};

#ifndef __VMLINUX_H__
/* libisolate-cell's API, exported; nothing else of it is. */
#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {
#endif

/* libisolate-cell: 0 (or a request id) on success, a negative errno. */
int incell_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int incell_metric(const char *name, enum isolate_metric_kind kind, int64_t value);
/*
 * Returns the request id (> 0, chosen by the library, unique in this
 * process); the reply comes through recv.
 */
int incell_request(__u32 right, const char *target);
/* in_reply_to: the call id of the message answered, or 0. */
int incell_post(__u64 in_reply_to, const void *data, size_t len);

/* A message the supervisor left for this cell. */
struct incell_message {
	__u64 call_id;		/* a call: answer with incell_post(call_id, ...) */
	__u64 reply_to;		/* a broker reply: the request id answered */
	int granted;		/* for broker replies: 1 granted, 0 refused */
	__u64 expires_ms;	/* for grants: CLOCK_REALTIME ms, 0 never */
	size_t len;
	char data[ISOLATE_MESSAGE_MAX];
};

/*
 * Takes the next message of the cell's channel (the directory named by
 * $ISOLATE_CHANNEL), waiting up to timeout_ms (-1: forever). -ETIMEDOUT
 * when none came.
 */
int incell_recv(struct incell_message *msg, int timeout_ms);
/* Waits for the reply to request id, leaving other messages queued. */
int incell_wait_reply(__u64 id, struct incell_message *msg, int timeout_ms);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

/* The sizes the kernel and every reader agree on: a change is an ABI change. */
#ifndef __cplusplus	/* C++ has static_assert; the C build checks these */
_Static_assert(sizeof(struct isolate_cell_log_record) == 488, "isolate_cell_log_record");
_Static_assert(sizeof(struct isolate_cell_metric_record) == 80, "isolate_cell_metric_record");
_Static_assert(sizeof(struct isolate_cell_request_record) == 264, "isolate_cell_request_record");
_Static_assert(sizeof(struct isolate_cell_post_record) == 1040, "isolate_cell_post_record");
#endif

#endif /* ISOLATE_CELL_H */
