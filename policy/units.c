/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Numbers in policies. Budgets outside what the cgroup controllers accept
 * are refused here, so that writing them later cannot fail or be rounded.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <isolate/policy.h>

#include "units.h"

static const char size_suffixes[] = "KMGTPE";

int parse_decimal(const char *text, __u64 *out)
{
	__u64 v = 0;

	if (!*text || (text[0] == '0' && text[1]))
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (~0ULL - (__u64)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (__u64)(*p - '0');
	}
	*out = v;
	return 0;
}

int size_parse(const char *text, __u64 *bytes, char *msg, size_t len)
{
	size_t n = strlen(text);
	unsigned int shift = 0;
	char digits[24];
	const char *s;
	__u64 v;

	if (n && (s = strchr(size_suffixes, text[n - 1]))) {
		shift = 10 * (unsigned int)(s - size_suffixes + 1);
		n--;
	}
	if (n >= sizeof(digits))
		goto bad;
	memcpy(digits, text, n);
	digits[n] = '\0';
	if (parse_decimal(digits, &v))
		goto bad;
	if (shift && v > (~0ULL >> shift)) {
		snprintf(msg, len, "expected memory 1M..1E, got %s", text);
		return -EINVAL;
	}
	*bytes = v << shift;
	return 0;
bad:
	snprintf(msg, len, "expected a size in bytes with an optional suffix K, M, G, T, P or E, got '%s'",
		 text);
	return -EINVAL;
}

int size_format(__u64 bytes, char *buf, size_t len)
{
	unsigned int i = 0;

	while (bytes && i < sizeof(size_suffixes) - 1 && !(bytes & 1023)) {
		bytes >>= 10;
		i++;
	}
	if (!i)
		return snprintf(buf, len, "%llu", bytes);
	return snprintf(buf, len, "%llu%c", bytes, size_suffixes[i - 1]);
}

int memory_check(__u64 bytes, char *msg, size_t len)
{
	char text[32];

	size_format(bytes, text, sizeof(text));
	if (bytes < ISOLATE_MEMORY_MIN || bytes > ISOLATE_MEMORY_MAX) {
		snprintf(msg, len, "expected memory 1M..1E, got %s", text);
		return -EINVAL;
	}
	if (bytes % ISOLATE_MEMORY_UNIT) {
		snprintf(msg, len, "expected memory in whole 4K pages, got %s", text);
		return -EINVAL;
	}
	return 0;
}

int pids_check(__u64 max, char *msg, size_t len)
{
	if (max < 1 || max > ISOLATE_PIDS_MAX) {
		snprintf(msg, len, "expected pids 1..%u, got %llu", ISOLATE_PIDS_MAX, max);
		return -EINVAL;
	}
	return 0;
}

int cpu_quota_check(__u64 quota_us, char *msg, size_t len)
{
	if (quota_us < ISOLATE_CPU_QUOTA_MIN_US || quota_us > ISOLATE_CPU_QUOTA_MAX_US) {
		snprintf(msg, len, "expected a cpu quota of %llu..%llu us, got %llu",
			 ISOLATE_CPU_QUOTA_MIN_US, ISOLATE_CPU_QUOTA_MAX_US, quota_us);
		return -EINVAL;
	}
	return 0;
}

int cpu_period_check(__u64 period_us, char *msg, size_t len)
{
	if (period_us < ISOLATE_CPU_PERIOD_MIN_US || period_us > ISOLATE_CPU_PERIOD_MAX_US) {
		snprintf(msg, len, "expected a cpu period of %llu..%llu us, got %llu",
			 ISOLATE_CPU_PERIOD_MIN_US, ISOLATE_CPU_PERIOD_MAX_US, period_us);
		return -EINVAL;
	}
	return 0;
}
