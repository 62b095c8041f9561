/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The words policies are written with. */
#include <errno.h>
#include <string.h>

#include "common/spelling.h"
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
	[ISOLATE_CAP_ALLOW] = "allow",
	[ISOLATE_CAP_SOCKET] = "socket",
};

#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *isolate_cap_kind_name(enum isolate_cap_kind kind)
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

const char *cap_kind_near(const char *name, size_t len)
{
	for (unsigned int k = ISOLATE_CAP_READ; k < N_KINDS; k++)
		if (kind_names[k] && spelling_near(name, len, kind_names[k]))
			return kind_names[k];
	return NULL;
}

enum isolate_cap_kind isolate_cap_kind_parse(const char *word)
{
	return cap_kind_parse(word, strlen(word));
}

/* Bit i is the right to ask for capability kind ISOLATE_CAP_READ + i. */
const char *isolate_broker_right_name(__u32 right)
{
	for (unsigned int i = 0; i < 5; i++)
		if (right == 1U << i)
			return kind_names[ISOLATE_CAP_READ + i];
	return NULL;
}

__u32 isolate_broker_right_parse(const char *word)
{
	for (unsigned int i = 0; i < 5; i++)
		if (!strcmp(word, kind_names[ISOLATE_CAP_READ + i]))
			return 1U << i;
	return 0;
}

/* Linux's numbers: include/linux/socket.h, include/uapi/linux/netlink.h. */
#define NL(p) (ISOLATE_SOCKET_NETLINK + (p))

static const struct word namespace_words[] = {
	{ ISOLATE_CELL_USERNS, "user" }, { ISOLATE_CELL_MOUNTNS, "mount" }, { 0, NULL },
};
static const struct word allow_words[] = {
	{ ISOLATE_CELL_EXEC_MEMORY, "exec-memory" },
	{ ISOLATE_CELL_UNIX_AUTOBIND, "unix-autobind" },
	{ 0, NULL },
};
static const struct word socket_words[] = {
	{ 1, "unix" }, { 2, "inet" }, { 10, "inet6" }, { 38, "alg" }, { 40, "vsock" },
	{ NL(0), "netlink-route" }, { NL(4), "netlink-sock-diag" }, { NL(6), "netlink-xfrm" },
	{ NL(9), "netlink-audit" }, { NL(12), "netlink-netfilter" },
	{ NL(15), "netlink-kobject-uevent" }, { NL(16), "netlink-generic" },
	{ 0, NULL },
};

const struct word_kind word_kinds[] = {
	{ ISOLATE_CAP_NAMESPACE, "namespaces", "a namespace", namespace_words },
	{ ISOLATE_CAP_ALLOW, "allow", "an allowance", allow_words },
	{ ISOLATE_CAP_SOCKET, "sockets", "a socket family", socket_words },
	{ 0, NULL, NULL, NULL },
};

const struct word_kind *word_kind_of(enum isolate_cap_kind kind)
{
	for (const struct word_kind *w = word_kinds; w->key; w++)
		if (w->kind == kind)
			return w;
	return NULL;
}

const char *word_name(const struct word_kind *w, __u64 value)
{
	for (const struct word *x = w->words; x->name; x++)
		if (x->value == value)
			return x->name;
	return NULL;
}

int word_parse(const struct word_kind *w, const char *name, __u32 *value)
{
	for (const struct word *x = w->words; x->name; x++) {
		if (!strcmp(x->name, name)) {
			*value = x->value;
			return 0;
		}
	}
	return -EINVAL;
}

void word_expected(const struct word_kind *w, char *buf, size_t len)
{
	size_t used = snprintf(buf, len, "%s", w->what);

	for (const struct word *x = w->words; x->name && used < len; x++)
		used += snprintf(buf + used, len - used, "%s %s",
				 x == w->words ? "" : x[1].name ? "," : " or", x->name);
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
