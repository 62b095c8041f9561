// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libisolate-cell: the cell ABI for programs inside a cell. Each call is
 * one prctl(2) carrying a fixed-size record; the kernel adds who sent it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <isolate/cell.h>

static int cell_prctl(unsigned long op, const void *record)
{
	int ret = prctl(ISOLATE_PRCTL_OPTION, op, (unsigned long)record, 0UL, 0UL);

	/* EINVAL from prctl itself: no isolate program serves the option. */
	return ret < 0 ? -errno : ret;
}

int isolate_cell_log(int level, const char *fmt, ...)
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
	n = cell_prctl(ISOLATE_CELL_OP_LOG, &r);
	return n < 0 ? n : 0;
}

int isolate_cell_metric(const char *name, enum isolate_metric_kind kind, int64_t value)
{
	struct isolate_cell_metric_record r = { .kind = kind, .value = value };
	int n;

	if (!name || !*name || strlen(name) >= sizeof(r.name))
		return -EINVAL;
	strcpy(r.name, name);
	n = cell_prctl(ISOLATE_CELL_OP_METRIC, &r);
	return n < 0 ? n : 0;
}

int isolate_cell_request(__u32 right, const char *target)
{
	struct isolate_cell_request_record r = { .right = right };
	size_t len = target ? strlen(target) : 0;

	if (len >= sizeof(r.target))
		return -ENAMETOOLONG;
	memcpy(r.target, target, len);
	r.len = (__u32)len;
	return cell_prctl(ISOLATE_CELL_OP_REQUEST, &r);
}

int isolate_cell_post(__u64 in_reply_to, const void *data, size_t len)
{
	struct isolate_cell_post_record r = { .in_reply_to = in_reply_to };
	int n;

	if (len > sizeof(r.data))
		return -EMSGSIZE;
	memcpy(r.data, data, len);
	r.len = (__u32)len;
	n = cell_prctl(ISOLATE_CELL_OP_POST, &r);
	return n < 0 ? n : 0;
}
