/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Whether a capability can be enforced as stated: the one check shared by
 * the C builder, the text form and YAML, so each refuses the same things.
 */
#include <errno.h>

#include "model.h"
#include "names.h"
#include "net_addr.h"
#include "path_check.h"
#include "unix_name.h"
#include "units.h"

static int check_flags(const struct isolate_cap *cap, char *msg, size_t len)
{
	unsigned int allowed = 0;

	if (cap_is_path(cap->kind))
		allowed = ISOLATE_CAP_DENY | ISOLATE_CAP_OPTIONAL;
	else if (cap_is_net(cap->kind))
		allowed = ISOLATE_CAP_DENY;
	if (cap->flags & ~allowed) {
		snprintf(msg, len, "expected flags 0x%x for this kind of capability, got 0x%x",
			 allowed, cap->flags);
		return -EINVAL;
	}
	return 0;
}

static int check_net(const struct isolate_cap *cap, char *msg, size_t len)
{
	const struct isolate_net_cap *r = &cap->u.net;

	if (!net_proto_name(r->proto)) {
		snprintf(msg, len, "expected a protocol tcp or udp, got protocol number %u",
			 r->proto);
		return -EINVAL;
	}
	if (net_addr_check(r, msg, len))
		return -EINVAL;
	return net_ports_check(cap->kind, r->port_min, r->port_max, msg, len);
}

static int check_unix(const struct isolate_cap *cap, char *msg, size_t len)
{
	__u32 right = cap->u.abstract.right;

	if (right != ISOLATE_NET_CONNECT && right != ISOLATE_NET_BIND) {
		snprintf(msg, len, "expected a unix right connect or bind, got %u", right);
		return -EINVAL;
	}
	return unix_name_check(cap->u.abstract.name, msg, len);
}

static int check_value(const struct isolate_cap *cap, char *msg, size_t len)
{
	switch (cap->kind) {
	case ISOLATE_CAP_CPU:
		if (cpu_quota_check(cap->u.cpu.quota_us, msg, len))
			return -EINVAL;
		return cpu_period_check(cap->u.cpu.period_us, msg, len);
	case ISOLATE_CAP_MEMORY:
		return memory_check(cap->u.value, msg, len);
	case ISOLATE_CAP_PIDS:
		return pids_check(cap->u.value, msg, len);
	case ISOLATE_CAP_BROKER:
		/* Exactly one right per capability. */
		if (!cap->u.value || cap->u.value & ~(__u64)ISOLATE_BROKER_ALL ||
		    cap->u.value & (cap->u.value - 1)) {
			snprintf(msg, len, "expected one broker right, got 0x%llx", cap->u.value);
			return -EINVAL;
		}
		return 0;
	case ISOLATE_CAP_MODE:
		if (cap->u.value != ISOLATE_MODE_ENFORCE && cap->u.value != ISOLATE_MODE_AUDIT) {
			snprintf(msg, len, "expected mode enforce or audit, got %llu", cap->u.value);
			return -EINVAL;
		}
		return 0;
	case ISOLATE_CAP_NAMESPACE:
	case ISOLATE_CAP_ALLOW:
	case ISOLATE_CAP_SOCKET: {
		const struct word_kind *words = word_kind_of(cap->kind);
		char expected[256];

		if (word_name(words, cap->u.value))
			return 0;
		word_expected(words, expected, sizeof(expected));
		snprintf(msg, len, "expected %.200s, got 0x%llx", expected, cap->u.value);
		return -EINVAL;
	}
	default:
		snprintf(msg, len, "expected a capability kind, got %d", (int)cap->kind);
		return -EINVAL;
	}
}

int isolate_cap_check(const struct isolate_cap *cap, struct isolate_diag *diag)
{
	char msg[sizeof(diag->msg)];
	int err;

	if (cap_is_path(cap->kind))
		err = path_check(cap->u.path, msg, sizeof(msg));
	else if (cap_is_net(cap->kind))
		err = check_net(cap, msg, sizeof(msg));
	else if (cap->kind == ISOLATE_CAP_UNIX)
		err = check_unix(cap, msg, sizeof(msg));
	else
		err = check_value(cap, msg, sizeof(msg));
	if (!err)
		err = check_flags(cap, msg, sizeof(msg));
	if (err)
		diag_at(diag, &cap->pos, "%s", msg);
	return err;
}
