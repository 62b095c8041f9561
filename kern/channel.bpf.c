// SPDX-License-Identifier: GPL-2.0
/*
 * The cell ABI's way in: a private prctl option, served here. The record
 * comes from the caller's memory; the header — which cell, which process,
 * when — comes from the kernel. Sleepable, so the caller's pages may be
 * faulted in; it never waits for userspace. Every return is 0 or an
 * errno, as newer kernels demand of LSM programs: a served call returns
 * -ISOLATE_CELL_SERVED (see include/isolate/cell.h).
 *
 * A record reserved in a ring and not yet submitted holds back every later
 * record of that ring, every cell's, from the supervisor: nothing between
 * the two may sleep (on a page the cell keeps away, then behind its
 * cpu.max). So the caller's record is faulted in first, where sleeping
 * holds back no one, and read into the reservation by a copy that fails
 * rather than faults: a page taken away meanwhile is -EAGAIN, lost and
 * counted as on a full ring.
 */
#include "isolate.bpf.h"
#include <isolate/cell.h>

#define EFAULT	14
#define EAGAIN	11
#define EINVAL	22

char LICENSE[] SEC("license") = "GPL";

/* A record reserved that the caller's memory did not fill: lost, as a full ring's. */
static __always_inline int discard_unread(const struct cell_ctx *cc, void *e, __u32 event_class)
{
	struct isolate_cell_counters *c = cell_counters(cc);

	bpf_ringbuf_discard(e, 0);
	if (c && event_class < ISOLATE_EVENT_CLASSES)
		c->events_lost[event_class]++;
	return -EAGAIN;
}

/* No record spans more than two pages: its first and last bytes reach both. */
static __always_inline int fault_in(const void *rec, __u32 size)
{
	char byte;

	if (bpf_copy_from_user(&byte, 1, rec) ||
	    bpf_copy_from_user(&byte, 1, (const char *)rec + size - 1))
		return -EFAULT;
	return 0;
}

static __always_inline int post_log(const struct cell_ctx *cc, const void *rec)
{
	struct isolate_event_log *e;

	if (fault_in(rec, sizeof(struct isolate_cell_log_record)))
		return -EFAULT;
	e = reserve_event(cc, ISOLATE_EVENT_LOG, sizeof(*e), ISOLATE_RULE_NONE);
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
	struct isolate_event_metric *e;

	if (fault_in(rec, sizeof(struct isolate_cell_metric_record)))
		return -EFAULT;
	e = reserve_event(cc, ISOLATE_EVENT_METRIC, sizeof(*e), ISOLATE_RULE_NONE);
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
	struct isolate_event_message *e;

	if (fault_in(rec, sizeof(struct isolate_cell_post_record)))
		return -EFAULT;
	e = reserve_event(cc, ISOLATE_EVENT_MESSAGE, sizeof(*e), ISOLATE_RULE_NONE);
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

	if (fault_in(rec, sizeof(struct isolate_cell_request_record)) ||
	    bpf_copy_from_user(&right, sizeof(right), rec))
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

/*
 * This program runs under RCU tasks trace only, which the grace period the
 * loader waits after each switch does not cover: the cell's entry may have
 * been taken again, for another cell, while it was being copied (on a
 * kernel that preempts here). What this program reads of it — the id and
 * generation it stamps, the broker rights — is whole when a second read
 * agrees with the first.
 */
static __always_inline bool cell_copy_whole(const struct cell_ctx *cc)
{
	struct isolate_cell *now = bpf_map_lookup_elem(&cells, &cc->cgid);

	if (!now)
		return !cc->cell.cell_id;
	return now->cell_id == cc->cell.cell_id && now->generation == cc->cell.generation &&
	       now->broker_rights == cc->cell.broker_rights;
}

ISOLATE_HOOK_SLEEPABLE(task_prctl, isolate_task_prctl, int option, unsigned long op,
		       unsigned long rec, unsigned long request_id, unsigned long arg5, int ret)
{
	struct cell_ctx cc;

	if (ret || option != ISOLATE_PRCTL_OPTION)
		return ret;
	/* Outside a cell nobody may speak as one. */
	if (!current_cell(&cc))
		return -EPERM;
	if (!cell_copy_whole(&cc))
		return -EAGAIN;
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
