/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The words policies are written with. */
#include <errno.h>
#include <string.h>

#include "names.h"

static const char *const kind_names[] = {
	[ISOLATE_CAP_READ] = "read",
	[ISOLATE_CAP_WRITE] = "write",
	[ISOLATE_CAP_EXEC] = "exec",
	[ISOLATE_CAP_CONNECT] = "connect",
	[ISOLATE_CAP_BIND] = "bind",
	[ISOLATE_CAP_CPU] = "cpu",
	[ISOLATE_CAP_MEMORY] = "memory",
	[ISOLATE_CAP_PIDS] = "pids",
	[ISOLATE_CAP_BROKER] = "broker",
	[ISOLATE_CAP_MODE] = "mode",
	[ISOLATE_CAP_NAMESPACE] = "namespace",
	[ISOLATE_CAP_UNIX] = "unix",
};

#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *cap_kind_name(enum isolate_cap_kind kind)
{
	return (unsigned int)kind < N_KINDS ? kind_names[kind] : NULL;
}

enum isolate_cap_kind cap_kind_parse(const char *name, size_t len)
{
	for (unsigned int k = ISOLATE_CAP_READ; k < N_KINDS; k++)
		if (strlen(kind_names[k]) == len && !strncmp(kind_names[k], name, len))
			return (enum isolate_cap_kind)k;
	return 0;
}

/* Bit i is the right to ask for capability kind ISOLATE_CAP_READ + i. */
const char *broker_right_name(__u32 right)
{
	for (unsigned int i = 0; i < 5; i++)
		if (right == 1U << i)
			return kind_names[ISOLATE_CAP_READ + i];
	return NULL;
}

__u32 broker_right_parse(const char *name)
{
	for (unsigned int i = 0; i < 5; i++)
		if (!strcmp(name, kind_names[ISOLATE_CAP_READ + i]))
			return 1U << i;
	return 0;
}

const char *namespace_name(__u32 flag)
{
	switch (flag) {
	case ISOLATE_CELL_USERNS:
		return "user";
	case ISOLATE_CELL_MOUNTNS:
		return "mount";
	default:
		return NULL;
	}
}

__u32 namespace_parse(const char *name)
{
	if (!strcmp(name, "user"))
		return ISOLATE_CELL_USERNS;
	if (!strcmp(name, "mount"))
		return ISOLATE_CELL_MOUNTNS;
	return 0;
}

const char *unix_right_name(__u32 right)
{
	switch (right) {
	case ISOLATE_NET_CONNECT:
		return "connect";
	case ISOLATE_NET_BIND:
		return "bind";
	default:
		return NULL;
	}
}

__u32 unix_verb_parse(const char *verb, size_t len)
{
	size_t prefix = strlen(UNIX_VERB_PREFIX);

	if (len <= prefix || strncmp(verb, UNIX_VERB_PREFIX, prefix))
		return 0;
	for (__u32 right = ISOLATE_NET_CONNECT; right <= ISOLATE_NET_BIND; right++)
		if (strlen(unix_right_name(right)) == len - prefix &&
		    !strncmp(verb + prefix, unix_right_name(right), len - prefix))
			return right;
	return 0;
}

const char *mode_name(__u32 mode)
{
	switch (mode) {
	case ISOLATE_MODE_ENFORCE:
		return "enforce";
	case ISOLATE_MODE_AUDIT:
		return "audit";
	default:
		return NULL;
	}
}

int mode_parse(const char *name, __u32 *mode)
{
	if (!strcmp(name, "enforce"))
		*mode = ISOLATE_MODE_ENFORCE;
	else if (!strcmp(name, "audit"))
		*mode = ISOLATE_MODE_AUDIT;
	else
		return -EINVAL;
	return 0;
}
