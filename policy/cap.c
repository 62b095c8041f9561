/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Capability objects: construction, copies, order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "path_util.h"

static struct isolate_cap *cap_alloc(enum isolate_cap_kind kind, unsigned int flags)
{
	struct isolate_cap *cap = calloc(1, sizeof(*cap));

	if (!cap) {
		errno = ENOMEM;
		return NULL;
	}
	cap->kind = kind;
	cap->flags = flags;
	return cap;
}

struct isolate_cap *isolate_cap_path(enum isolate_cap_kind kind, const char *path,
				     unsigned int flags)
{
	struct isolate_cap *cap;

	if (!cap_is_path(kind) || !path) {
		errno = EINVAL;
		return NULL;
	}
	cap = cap_alloc(kind, flags);
	if (!cap)
		return NULL;
	cap->u.path = path_clean(path);
	if (!cap->u.path) {
		free(cap);
		errno = ENOMEM;
		return NULL;
	}
	return cap;
}

struct isolate_cap *isolate_cap_net(enum isolate_cap_kind kind,
				    const struct isolate_net_cap *net, unsigned int flags)
{
	struct isolate_cap *cap;

	if (!cap_is_net(kind) || !net) {
		errno = EINVAL;
		return NULL;
	}
	cap = cap_alloc(kind, flags);
	if (cap) {
		cap->u.net = *net;
		cap->u.net._pad = 0;
	}
	return cap;
}

struct isolate_cap *isolate_cap_cpu(__u64 quota_us, __u64 period_us)
{
	struct isolate_cap *cap = cap_alloc(ISOLATE_CAP_CPU, 0);

	if (cap) {
		cap->u.cpu.quota_us = quota_us;
		cap->u.cpu.period_us = period_us;
	}
	return cap;
}

static struct isolate_cap *cap_value(enum isolate_cap_kind kind, __u64 value)
{
	struct isolate_cap *cap = cap_alloc(kind, 0);

	if (cap)
		cap->u.value = value;
	return cap;
}

struct isolate_cap *isolate_cap_memory(__u64 bytes)
{
	return cap_value(ISOLATE_CAP_MEMORY, bytes);
}

struct isolate_cap *isolate_cap_pids(__u32 max)
{
	return cap_value(ISOLATE_CAP_PIDS, max);
}

struct isolate_cap *isolate_cap_broker(__u32 right)
{
	return cap_value(ISOLATE_CAP_BROKER, right);
}

struct isolate_cap *isolate_cap_mode(__u32 mode)
{
	return cap_value(ISOLATE_CAP_MODE, mode);
}

struct isolate_cap *isolate_cap_namespace(__u32 flag)
{
	return cap_value(ISOLATE_CAP_NAMESPACE, flag);
}

struct isolate_cap *isolate_cap_allow(__u32 flag)
{
	return cap_value(ISOLATE_CAP_ALLOW, flag);
}

struct isolate_cap *isolate_cap_socket(__u32 socket)
{
	return cap_value(ISOLATE_CAP_SOCKET, socket);
}

struct isolate_cap *isolate_cap_unix(__u32 right, const char *name)
{
	struct isolate_cap *cap;

	if (!name) {
		errno = EINVAL;
		return NULL;
	}
	cap = cap_alloc(ISOLATE_CAP_UNIX, 0);
	if (!cap)
		return NULL;
	cap->u.abstract.right = right;
	cap->u.abstract.name = strdup(name);
	if (!cap->u.abstract.name) {
		free(cap);
		errno = ENOMEM;
		return NULL;
	}
	return cap;
}

int cap_copy(struct isolate_cap *dst, const struct isolate_cap *src)
{
	const char *string = cap_string(src);
	char *copy = NULL;

	if (string && !(copy = strdup(string)))
		return -ENOMEM;
	*dst = *src;
	dst->pos.file = NULL;
	if (cap_is_path(src->kind))
		dst->u.path = copy;
	else if (src->kind == ISOLATE_CAP_UNIX)
		dst->u.abstract.name = copy;
	if (src->pos.file) {
		dst->pos.file = strdup(src->pos.file);
		if (!dst->pos.file) {
			cap_clear(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

void cap_clear(struct isolate_cap *cap)
{
	free(cap_string(cap));
	free(cap->pos.file);
	memset(cap, 0, sizeof(*cap));
}

int cap_set_pos(struct isolate_cap *cap, const char *file, unsigned int line,
		unsigned int column)
{
	char *copy = strdup(file);

	if (!copy)
		return -ENOMEM;
	free(cap->pos.file);
	cap->pos.file = copy;
	cap->pos.line = line;
	cap->pos.column = column;
	return 0;
}

struct isolate_cap *isolate_cap_dup(const struct isolate_cap *cap)
{
	struct isolate_cap *copy = malloc(sizeof(*copy));

	if (!copy || cap_copy(copy, cap)) {
		free(copy);
		errno = ENOMEM;
		return NULL;
	}
	return copy;
}

void isolate_cap_free(struct isolate_cap *cap)
{
	if (!cap)
		return;
	cap_clear(cap);
	free(cap);
}

enum isolate_cap_kind isolate_cap_get_kind(const struct isolate_cap *cap)
{
	return cap->kind;
}

unsigned int isolate_cap_get_flags(const struct isolate_cap *cap)
{
	return cap->flags;
}

const char *isolate_cap_get_path(const struct isolate_cap *cap)
{
	return cap_is_path(cap->kind) ? cap->u.path : NULL;
}

const struct isolate_net_cap *isolate_cap_get_net(const struct isolate_cap *cap)
{
	return cap_is_net(cap->kind) ? &cap->u.net : NULL;
}

__u64 isolate_cap_get_value(const struct isolate_cap *cap)
{
	if (cap->kind == ISOLATE_CAP_CPU)
		return cap->u.cpu.quota_us;
	if (cap->kind == ISOLATE_CAP_UNIX)
		return cap->u.abstract.right;
	if (cap_is_path(cap->kind) || cap_is_net(cap->kind))
		return 0;
	return cap->u.value;
}

const char *isolate_cap_get_unix_name(const struct isolate_cap *cap)
{
	return cap->kind == ISOLATE_CAP_UNIX ? cap->u.abstract.name : NULL;
}

__u64 isolate_cap_get_cpu_period(const struct isolate_cap *cap)
{
	return cap->kind == ISOLATE_CAP_CPU ? cap->u.cpu.period_us : 0;
}

#define CMP(a, b) do { if ((a) != (b)) return (a) < (b) ? -1 : 1; } while (0)

static int net_compare(const struct isolate_net_cap *a, const struct isolate_net_cap *b)
{
	int c;

	CMP(a->proto, b->proto);
	CMP(a->family, b->family);
	c = memcmp(a->addr, b->addr, sizeof(a->addr));
	if (c)
		return c < 0 ? -1 : 1;
	CMP(a->prefix_len, b->prefix_len);
	CMP(a->port_min, b->port_min);
	CMP(a->port_max, b->port_max);
	return 0;
}

int isolate_cap_compare(const struct isolate_cap *a, const struct isolate_cap *b)
{
	int c;

	CMP(a->kind, b->kind);
	CMP(a->flags & ISOLATE_CAP_DENY, b->flags & ISOLATE_CAP_DENY);
	if (cap_is_path(a->kind)) {
		c = strcmp(a->u.path, b->u.path);
		if (c)
			return c < 0 ? -1 : 1;
	} else if (cap_is_net(a->kind)) {
		c = net_compare(&a->u.net, &b->u.net);
		if (c)
			return c;
	} else if (a->kind == ISOLATE_CAP_UNIX) {
		CMP(a->u.abstract.right, b->u.abstract.right);
		c = strcmp(a->u.abstract.name, b->u.abstract.name);
		if (c)
			return c < 0 ? -1 : 1;
	} else if (a->kind == ISOLATE_CAP_CPU) {
		CMP(a->u.cpu.quota_us, b->u.cpu.quota_us);
		CMP(a->u.cpu.period_us, b->u.cpu.period_us);
	} else {
		CMP(a->u.value, b->u.value);
	}
	CMP(a->flags, b->flags);
	return 0;
}

/*
 * A path's right is the same whether or not the path is marked optional:
 * removing one of the two would leave the other granting it.
 */
bool cap_same_right(const struct isolate_cap *a, const struct isolate_cap *b)
{
	struct isolate_cap x = *a, y = *b;

	if (cap_is_path(a->kind)) {
		x.flags &= ~ISOLATE_CAP_OPTIONAL;
		y.flags &= ~ISOLATE_CAP_OPTIONAL;
	}
	return !isolate_cap_compare(&x, &y);
}
