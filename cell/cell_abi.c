// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libisolate-cell: the cell ABI for programs inside a cell. Each call is
 * one prctl(2) carrying a fixed-size record; the kernel adds who sent it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>

#include <isolate/cell.h>

static int cell_prctl_once(unsigned long op, const void *record, unsigned long request_id)
{
	if (prctl(ISOLATE_PRCTL_OPTION, op, (unsigned long)record, request_id, 0UL) == 0)
		return -EPROTO;	/* served by nothing we know */
	/* EINVAL from prctl itself: no isolate program serves the option. */
	return errno == ISOLATE_CELL_SERVED ? 0 : -errno;
}

/*
 * 0 when the call was served, else a negative errno. The kernel reads the
 * record without faulting its pages in (EFAULT when one is out of
 * memory, swapped out since it was written): touched, it is asked once
 * more.
 */
static int cell_prctl(unsigned long op, const void *record, size_t size,
		      unsigned long request_id)
{
	const volatile char *bytes = record;
	int err = cell_prctl_once(op, record, request_id);

	if (err != -EFAULT)
		return err;
	for (size_t i = 0; i < size; i += 1024)
		(void)bytes[i];
	(void)bytes[size - 1];
	return cell_prctl_once(op, record, request_id);
}

/*
 * Request ids name a request in the replies to this cell: unique in the
 * process (a counter), and unlikely to meet another process's (a random
 * start).
 */
static __u32 next_request_id(void)
{
	static __u32 next;
	__u32 id, seed, expected = 0;

	if (!__atomic_load_n(&next, __ATOMIC_RELAXED)) {
		if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
			seed = (__u32)time(NULL) ^ ((__u32)getpid() << 16);
		__atomic_compare_exchange_n(&next, &expected, seed | 1, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
	do
		id = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) & ISOLATE_CELL_REQUEST_ID_MAX;
	while (!id);
	return id;
}

int incell_log(int level, const char *fmt, ...)
{
	struct isolate_cell_log_record r = { .level = (__u32)level };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r.msg, sizeof(r.msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	r.len = (size_t)n < sizeof(r.msg) ? (__u32)n : sizeof(r.msg) - 1;
	return cell_prctl(ISOLATE_CELL_OP_LOG, &r, sizeof(r), 0);
}

int incell_metric(const char *name, enum isolate_metric_kind kind, int64_t value)
{
	struct isolate_cell_metric_record r = { .kind = kind, .value = value };

	if (!name || !*name || strlen(name) >= sizeof(r.name))
		return -EINVAL;
	strcpy(r.name, name);
	return cell_prctl(ISOLATE_CELL_OP_METRIC, &r, sizeof(r), 0);
}

int incell_request(__u32 right, const char *target)
{
	struct isolate_cell_request_record r = { .right = right };
	size_t len = target ? strlen(target) : 0;
	__u32 id;
	int err;

	if (len >= sizeof(r.target))
		return -ENAMETOOLONG;
	id = next_request_id();
	memcpy(r.target, target, len);
	r.len = (__u32)len;
	err = cell_prctl(ISOLATE_CELL_OP_REQUEST, &r, sizeof(r), id);
	return err ? err : (int)id;
}

int incell_post(__u64 in_reply_to, const void *data, size_t len)
{
	struct isolate_cell_post_record r = { .in_reply_to = in_reply_to };

	if (len > sizeof(r.data))
		return -EMSGSIZE;
	memcpy(r.data, data, len);
	r.len = (__u32)len;
	return cell_prctl(ISOLATE_CELL_OP_POST, &r, sizeof(r), 0);
}
