/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Numbers in policies: decimal integers, sizes, and the budget bounds. */
#ifndef ISOLATE_POLICY_UNITS_H
#define ISOLATE_POLICY_UNITS_H

#include <stddef.h>

#include <linux/types.h>

/* Plain decimal digits, no sign, no leading zero: -EINVAL, -ERANGE. */
int parse_decimal(const char *text, __u64 *out);

/* "512M", "1G", "1048576": bytes with an optional binary suffix K..E. */
int size_parse(const char *text, __u64 *bytes, char *msg, size_t len);
/* With the largest suffix that divides bytes exactly. */
int size_format(__u64 bytes, char *buf, size_t len);

/* Budget bounds; 0 or -EINVAL with msg. */
int memory_check(__u64 bytes, char *msg, size_t len);
int pids_check(__u64 max, char *msg, size_t len);
int cpu_quota_check(__u64 quota_us, char *msg, size_t len);
int cpu_period_check(__u64 period_us, char *msg, size_t len);

#endif /* ISOLATE_POLICY_UNITS_H */
