// SPDX-License-Identifier: GPL-2.0
/*
 * The cell ABI's way in: a private prctl option, served here. The record
 * comes from the caller's memory; the header — which cell, which process,
 * when — comes from the kernel. Every return is 0 or an errno, as newer
 * kernels demand of LSM programs: a served call returns
 * -ISOLATE_CELL_SERVED (see include/isolate/cell.h).
 *
 * Not sleepable: a record reserved in a ring and not yet submitted holds
 * back every later record of that ring, every cell's, from the supervisor,
 * so nothing between the two may wait (on a page the cell keeps away, a
 * userfaultfd's, then behind its cpu.max). The record is read by a copy
 * that fails rather than faults a page in: a record not in memory is
 * EFAULT, lost and counted (the cell's library touches it and asks once
 * more). And as every other program, this one runs inside an RCU
 * read-side section, which the loader's grace period after a switch
 * covers: its copy of the cell's entry is whole.
 */
#include "isolate.bpf.h"
#include <isolate/cell.h>

#define EFAULT	14
#define EAGAIN	11
#define EINVAL	22

char LICENSE[] SEC("license") = "GPL";

/* A record reserved that the caller's memory did not fill: lost, as on a full ring. */
static __always_inline int discard_unread(const struct cell_ctx *cc, void *e, __u32 event_class)
{
	struct isolate_cell_counters *c = cell_counters(cc);

	bpf_ringbuf_discard(e, 0);
	if (c && event_class < ISOLATE_EVENT_CLASSES)
		c->events_lost[event_class]++;
	return -EFAULT;
}

static __always_inline int post_log(const struct cell_ctx *cc, const void *rec)
{
	struct isolate_event_log *e = reserve_event(cc, ISOLATE_EVENT_LOG, sizeof(*e),
						    ISOLATE_RULE_NONE);

	if (!e)
		return -EAGAIN;
	if (bpf_probe_read_user(&e->level, sizeof(struct isolate_cell_log_record), rec))
		return discard_unread(cc, e, ISOLATE_EVENT_LOG);
	if (e->len > ISOLATE_LOG_MAX)
		e->len = ISOLATE_LOG_MAX;
	bpf_ringbuf_submit(e, 0);
	return -ISOLATE_CELL_SERVED;
}

static __always_inline int post_metric(const struct cell_ctx *cc, const void *rec)
{
	struct isolate_event_metric *e = reserve_event(cc, ISOLATE_EVENT_METRIC, sizeof(*e),
						       ISOLATE_RULE_NONE);

	if (!e)
		return -EAGAIN;
	if (bpf_probe_read_user(&e->kind, sizeof(struct isolate_cell_metric_record), rec))
		return discard_unread(cc, e, ISOLATE_EVENT_METRIC);
	e->name[ISOLATE_METRIC_NAME_MAX - 1] = 0;
	bpf_ringbuf_submit(e, 0);
	return -ISOLATE_CELL_SERVED;
}

static __always_inline int post_message(const struct cell_ctx *cc, const void *rec)
{
	struct isolate_event_message *e = reserve_event(cc, ISOLATE_EVENT_MESSAGE, sizeof(*e),
							ISOLATE_RULE_NONE);

	if (!e)
		return -EAGAIN;
	if (bpf_probe_read_user(&e->in_reply_to, sizeof(struct isolate_cell_post_record), rec))
		return discard_unread(cc, e, ISOLATE_EVENT_MESSAGE);
	if (e->len > ISOLATE_MESSAGE_MAX)
		e->len = ISOLATE_MESSAGE_MAX;
	bpf_ringbuf_submit(e, 0);
	return -ISOLATE_CELL_SERVED;
}

/*
 * A request reaches the supervisor only if the cell's broker rights allow
 * it; otherwise EPERM in the caller, counted, and nothing is sent. Its id
 * is the caller's (a register, not memory it could change meanwhile).
 */
static __always_inline int post_request(const struct cell_ctx *cc, const void *rec,
					__u64 id)
{
	struct isolate_event_broker *e;
	struct isolate_cell_counters *c;
	__u32 right;

	if (bpf_probe_read_user(&right, sizeof(right), rec))
		return -EFAULT;
	if (!right || (right & (right - 1)) || (right & ~ISOLATE_BROKER_ALL) ||
	    !id || id > ISOLATE_CELL_REQUEST_ID_MAX)
		return -EINVAL;
	if (!(cc->cell.broker_rights & right)) {
		c = cell_counters(cc);
		if (c)
			c->requests_refused++;
		return -EPERM;
	}
	e = reserve_event(cc, ISOLATE_EVENT_BROKER, sizeof(*e), ISOLATE_RULE_NONE);
	if (!e)
		return -EAGAIN;
	if (bpf_probe_read_user(&e->right, sizeof(struct isolate_cell_request_record), rec))
		return discard_unread(cc, e, ISOLATE_EVENT_BROKER);
	/* Checked above; the copy may have raced with the caller's threads. */
	e->right = right;
	if (e->len > ISOLATE_BROKER_TARGET_MAX)
		e->len = ISOLATE_BROKER_TARGET_MAX;
	e->request_id = id;
	e->origin = ISOLATE_BROKER_REQUESTED;
	e->_pad = 0;
	bpf_ringbuf_submit(e, 0);
	return -ISOLATE_CELL_SERVED;
}

ISOLATE_HOOK(task_prctl, isolate_task_prctl, int option, unsigned long op,
	     unsigned long rec, unsigned long request_id, unsigned long arg5, int ret)
{
	struct cell_ctx cc;

	if (ret || option != ISOLATE_PRCTL_OPTION)
		return ret;
	/* Outside a cell nobody may speak as one, nor in a cgroup that is none (id 0). */
	if (!current_cell(&cc) || !cc.cell.cell_id)
		return -EPERM;
	switch (op) {
	case ISOLATE_CELL_OP_LOG:
		return post_log(&cc, (const void *)rec);
	case ISOLATE_CELL_OP_METRIC:
		return post_metric(&cc, (const void *)rec);
	case ISOLATE_CELL_OP_REQUEST:
		return post_request(&cc, (const void *)rec, request_id);
	case ISOLATE_CELL_OP_POST:
		return post_message(&cc, (const void *)rec);
	default:
		return -EINVAL;
	}
}
