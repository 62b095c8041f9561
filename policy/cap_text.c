/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The one-line text form of a capability, for the command line, events and
 * explain: "[deny-]VERB[?]:VALUE"; abstract unix names "unix-RIGHT:@NAME". Formatting a parsed capability gives the
 * canonical text; parsing it gives the same capability back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "names.h"
#include "net_addr.h"
#include "units.h"

#define DENY_PREFIX "deny-"

/*
 * What snprintf(buf, len, "%s%s...", parts...) gives, by copies: a policy
 * has thousands of paths, and formatting is most of what their texts cost.
 */
static int concat(char *buf, size_t len, const char *const parts[], size_t n)
{
	size_t total = 0;

	for (size_t i = 0; i < n; i++) {
		size_t part = strlen(parts[i]);

		if (total < len)
			memcpy(buf + total, parts[i], part < len - total ? part : len - total);
		total += part;
	}
	if (len)
		buf[total < len ? total : len - 1] = '\0';
	return (int)total;
}

int isolate_cap_format(const struct isolate_cap *cap, char *buf, size_t len)
{
	const char *deny = cap->flags & ISOLATE_CAP_DENY ? DENY_PREFIX : "";
	const char *kind = isolate_cap_kind_name(cap->kind);
	char addr[64], ports[16], size[32];

	switch (cap->kind) {
	case ISOLATE_CAP_READ:
	case ISOLATE_CAP_WRITE:
	case ISOLATE_CAP_EXEC:
		return concat(buf, len, (const char *const[]){
				deny, kind, cap->flags & ISOLATE_CAP_OPTIONAL ? "?:" : ":",
				cap->u.path }, 4);
	case ISOLATE_CAP_CONNECT:
	case ISOLATE_CAP_BIND:
		net_addr_format(&cap->u.net, true, addr, sizeof(addr));
		net_ports_format(cap->u.net.port_min, cap->u.net.port_max, ports, sizeof(ports));
		return snprintf(buf, len, "%s%s:%s:%s:%s", deny, kind,
				net_proto_name(cap->u.net.proto) ?: "?", addr, ports);
	case ISOLATE_CAP_CPU:
		return snprintf(buf, len, "cpu:%llu/%llu", cap->u.cpu.quota_us,
				cap->u.cpu.period_us);
	case ISOLATE_CAP_MEMORY:
		size_format(cap->u.value, size, sizeof(size));
		return snprintf(buf, len, "memory:%s", size);
	case ISOLATE_CAP_PIDS:
		return snprintf(buf, len, "pids:%llu", cap->u.value);
	case ISOLATE_CAP_BROKER:
		return snprintf(buf, len, "broker:%s", isolate_broker_right_name(cap->u.value) ?: "?");
	case ISOLATE_CAP_MODE:
		return snprintf(buf, len, "mode:%s", mode_name(cap->u.value) ?: "?");
	case ISOLATE_CAP_NAMESPACE:
	case ISOLATE_CAP_ALLOW:
	case ISOLATE_CAP_SOCKET:
		return snprintf(buf, len, "%s:%s", kind,
				word_name(word_kind_of(cap->kind), cap->u.value) ?: "?");
	case ISOLATE_CAP_UNIX:
		return snprintf(buf, len, UNIX_VERB_PREFIX "%s:%s",
				unix_right_name(cap->u.abstract.right) ?: "?", cap->u.abstract.name);
	}
	return snprintf(buf, len, "?");
}

/* "PROTO:ADDR:PORTS"; the ports follow the last ':' (IPv6 has colons). */
static int parse_net(enum isolate_cap_kind kind, const char *text,
		     struct isolate_net_cap *r, char *msg, size_t len)
{
	const char *first = strchr(text, ':'), *last = strrchr(text, ':');
	char proto[8], addr[64];

	if (!first || first == last || (size_t)(first - text) >= sizeof(proto) ||
	    (size_t)(last - first - 1) >= sizeof(addr)) {
		snprintf(msg, len, "expected PROTOCOL:ADDRESS/PREFIX:PORT[-PORT], got '%s'", text);
		return -EINVAL;
	}
	memcpy(proto, text, first - text);
	proto[first - text] = '\0';
	memcpy(addr, first + 1, last - first - 1);
	addr[last - first - 1] = '\0';
	if (net_proto_parse(proto, &r->proto, msg, len) ||
	    net_addr_parse(addr, r, msg, len))
		return -EINVAL;
	return net_ports_parse(kind, last + 1, &r->port_min, &r->port_max, msg, len);
}

static int parse_cpu(const char *text, __u64 *quota, __u64 *period, char *msg, size_t len)
{
	const char *slash = strchr(text, '/');
	char q[24];

	if (!slash || (size_t)(slash - text) >= sizeof(q))
		goto bad;
	memcpy(q, text, slash - text);
	q[slash - text] = '\0';
	if (parse_decimal(q, quota) || parse_decimal(slash + 1, period))
		goto bad;
	return 0;
bad:
	snprintf(msg, len, "expected cpu:QUOTA/PERIOD in microseconds, got 'cpu:%s'", text);
	return -EINVAL;
}

static struct isolate_cap *parse_value(enum isolate_cap_kind kind, const char *text,
				       char *msg, size_t len)
{
	const struct word_kind *words = word_kind_of(kind);
	__u64 a, b;
	__u32 mode, word;

	switch (kind) {
	case ISOLATE_CAP_CPU:
		return parse_cpu(text, &a, &b, msg, len) ? NULL : isolate_cap_cpu(a, b);
	case ISOLATE_CAP_MEMORY:
		return size_parse(text, &a, msg, len) ? NULL : isolate_cap_memory(a);
	case ISOLATE_CAP_PIDS:
		if (parse_decimal(text, &a) || a > ISOLATE_PIDS_MAX) {
			snprintf(msg, len, "expected pids 1..%u, got '%s'", ISOLATE_PIDS_MAX, text);
			return NULL;
		}
		return isolate_cap_pids((__u32)a);
	case ISOLATE_CAP_BROKER:
		a = isolate_broker_right_parse(text);
		if (!a) {
			snprintf(msg, len, "expected a broker right %s, got '%s'",
				 BROKER_RIGHT_NAMES, text);
			return NULL;
		}
		return isolate_cap_broker((__u32)a);
	case ISOLATE_CAP_MODE:
		if (mode_parse(text, &mode)) {
			snprintf(msg, len, "expected mode enforce or audit, got '%s'", text);
			return NULL;
		}
		return isolate_cap_mode(mode);
	case ISOLATE_CAP_NAMESPACE:
	case ISOLATE_CAP_ALLOW:
	case ISOLATE_CAP_SOCKET: {
		char expected[256];

		if (!word_parse(words, text, &word))
			return kind == ISOLATE_CAP_NAMESPACE ? isolate_cap_namespace(word) :
			       kind == ISOLATE_CAP_ALLOW ? isolate_cap_allow(word) :
			       isolate_cap_socket(word);
		word_expected(words, expected, sizeof(expected));
		snprintf(msg, len, "expected %.180s, got '%.40s'", expected, text);
		return NULL;
	}
	default:
		return NULL;
	}
}

int isolate_cap_parse(const char *text, struct isolate_cap **out, struct isolate_diag *diag)
{
	const char *colon = strchr(text, ':'), *verb = text;
	size_t verb_len = colon ? (size_t)(colon - text) : 0;
	unsigned int flags = 0;
	struct isolate_net_cap net = { 0 };
	struct isolate_cap *cap = NULL;
	enum isolate_cap_kind kind;
	char msg[sizeof(diag->msg)] = "";
	__u32 unix_right;
	int err;

	*out = NULL;
	if (verb_len > strlen(DENY_PREFIX) && !strncmp(verb, DENY_PREFIX, strlen(DENY_PREFIX))) {
		flags |= ISOLATE_CAP_DENY;
		verb += strlen(DENY_PREFIX);
		verb_len -= strlen(DENY_PREFIX);
	}
	if (verb_len > 1 && verb[verb_len - 1] == '?') {
		flags |= ISOLATE_CAP_OPTIONAL;
		verb_len--;
	}
	unix_right = colon ? unix_verb_parse(verb, verb_len) : 0;
	kind = unix_right ? ISOLATE_CAP_UNIX : colon ? cap_kind_parse(verb, verb_len) : 0;
	/* Unix names have a verb per right ("unix-connect"); "unix" alone is none. */
	if (kind == ISOLATE_CAP_UNIX && !unix_right)
		kind = 0;
	if (!kind ||
	    (flags & ISOLATE_CAP_DENY && !cap_is_path(kind) && !cap_is_net(kind)) ||
	    (flags & ISOLATE_CAP_OPTIONAL && !cap_is_path(kind))) {
		const char *near = !kind && colon ? cap_kind_near(verb, verb_len) : NULL;

		diag_set(diag, NULL, 0, 0,
			 "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got '%s'%s%s%s",
			 text, near ? " (did you mean '" : "", near ? near : "", near ? ":'?)" : "");
		return -EINVAL;
	}
	if (cap_is_path(kind)) {
		cap = isolate_cap_path(kind, colon + 1, flags);
	} else if (cap_is_net(kind)) {
		if (parse_net(kind, colon + 1, &net, msg, sizeof(msg)))
			goto bad;
		cap = isolate_cap_net(kind, &net, flags);
	} else if (kind == ISOLATE_CAP_UNIX) {
		cap = isolate_cap_unix(unix_right, colon + 1);
	} else {
		cap = parse_value(kind, colon + 1, msg, sizeof(msg));
		if (!cap && msg[0])
			goto bad;
	}
	if (!cap) {
		diag_set(diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	err = isolate_cap_check(cap, diag);
	if (err) {
		isolate_cap_free(cap);
		return err;
	}
	*out = cap;
	return 0;
bad:
	diag_set(diag, NULL, 0, 0, "%s", msg);
	return -EINVAL;
}
