/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Network rule fields as text and as numbers. Address blocks must be
 * exact: a block with host bits set is refused rather than rounded, and an
 * IPv4-mapped IPv6 block must be written as the IPv4 block it means.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_addr.h"
#include "units.h"

const char *net_proto_name(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	default:
		return NULL;
	}
}

int net_proto_parse(const char *name, __u8 *proto, char *msg, size_t len)
{
	if (!strcmp(name, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcmp(name, "udp"))
		*proto = IPPROTO_UDP;
	else {
		snprintf(msg, len, "expected a protocol tcp or udp, got '%s'", name);
		return -EINVAL;
	}
	return 0;
}

unsigned int net_addr_bits(__u8 family)
{
	return family == AF_INET ? 32 : 128;
}

net_u128 net_addr_value(const struct isolate_net_cap *r)
{
	unsigned int bytes = net_addr_bits(r->family) / 8;
	net_u128 v = 0;

	for (unsigned int i = 0; i < bytes; i++)
		v = v << 8 | r->addr[i];
	return v;
}

void net_addr_set_value(struct isolate_net_cap *r, net_u128 v)
{
	unsigned int bytes = net_addr_bits(r->family) / 8;

	memset(r->addr, 0, sizeof(r->addr));
	for (unsigned int i = bytes; i-- > 0; v >>= 8)
		r->addr[i] = (__u8)v;
}

static bool is_v4_mapped(const struct isolate_net_cap *r)
{
	static const __u8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return r->family == AF_INET6 && r->prefix_len >= 96 &&
	       !memcmp(r->addr, prefix, sizeof(prefix));
}

int net_addr_check(const struct isolate_net_cap *r, char *msg, size_t len)
{
	char text[64], given[64];
	unsigned int bits;
	net_u128 v, host;

	if (r->family != AF_INET && r->family != AF_INET6) {
		snprintf(msg, len, "expected an IPv4 or IPv6 address family, got %u", r->family);
		return -EINVAL;
	}
	bits = net_addr_bits(r->family);
	if (r->prefix_len > bits) {
		snprintf(msg, len, "expected a prefix length 0..%u, got %u", bits, r->prefix_len);
		return -EINVAL;
	}
	v = net_addr_value(r);
	host = r->prefix_len == bits ? 0 : bits - r->prefix_len == 128 ? ~(net_u128)0 :
	       (((net_u128)1 << (bits - r->prefix_len)) - 1);
	net_addr_format(r, false, given, sizeof(given));
	if (v & host) {
		struct isolate_net_cap net = *r;

		net_addr_set_value(&net, v & ~host);
		net_addr_format(&net, false, text, sizeof(text));
		snprintf(msg, len, "expected an address block without host bits like %s, got %s",
			 text, given);
		return -EINVAL;
	}
	if (is_v4_mapped(r)) {
		struct isolate_net_cap v4 = { .family = AF_INET, .prefix_len = r->prefix_len - 96 };

		memcpy(v4.addr, r->addr + 12, 4);
		net_addr_format(&v4, false, text, sizeof(text));
		snprintf(msg, len, "expected an IPv4-mapped block written as IPv4 like %s, got %s",
			 text, given);
		return -EINVAL;
	}
	return 0;
}

int net_addr_parse(const char *text, struct isolate_net_cap *r, char *msg, size_t len)
{
	const char *slash = strrchr(text, '/'), *start = text;
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	char addr[INET6_ADDRSTRLEN + 2];
	__u64 prefix;

	if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
		start++;
		n -= 2;
	}
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, start, n);
	addr[n] = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	if (inet_pton(AF_INET, addr, r->addr) == 1)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1)
		r->family = AF_INET6;
	else
		goto bad;
	r->prefix_len = net_addr_bits(r->family);
	if (slash) {
		if (parse_decimal(slash + 1, &prefix) || prefix > r->prefix_len) {
			snprintf(msg, len, "expected a prefix length 0..%u, got '%s'",
				 r->prefix_len, slash + 1);
			return -EINVAL;
		}
		r->prefix_len = (__u8)prefix;
	}
	return net_addr_check(r, msg, len);
bad:
	snprintf(msg, len, "expected an IPv4 or IPv6 address block like 10.0.0.0/8, got '%s'",
		 text);
	return -EINVAL;
}

int net_addr_format(const struct isolate_net_cap *r, bool brackets, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(r->family == AF_INET ? AF_INET : AF_INET6, r->addr, addr, sizeof(addr)))
		return snprintf(buf, len, "?");
	if (r->family == AF_INET6 && brackets)
		return snprintf(buf, len, "[%s]/%u", addr, r->prefix_len);
	return snprintf(buf, len, "%s/%u", addr, r->prefix_len);
}

int net_ports_check(enum isolate_cap_kind kind, __u64 min, __u64 max, char *msg, size_t len)
{
	__u64 lowest = kind == ISOLATE_CAP_BIND ? 0 : 1;

	if (min < lowest || min > 65535 || max < lowest || max > 65535) {
		snprintf(msg, len, "expected a port %llu..65535, got %llu", lowest,
			 min < lowest || min > 65535 ? min : max);
		return -EINVAL;
	}
	if (min > max) {
		snprintf(msg, len, "expected a port range LOW-HIGH with LOW <= HIGH, got %llu-%llu",
			 min, max);
		return -EINVAL;
	}
	return 0;
}

int net_ports_parse(enum isolate_cap_kind kind, const char *text, __u16 *min, __u16 *max,
		    char *msg, size_t len)
{
	const char *dash = strchr(text, '-');
	char low[24];
	__u64 lo, hi;
	int err;

	if (dash) {
		if ((size_t)(dash - text) >= sizeof(low))
			goto bad;
		memcpy(low, text, dash - text);
		low[dash - text] = '\0';
		if (parse_decimal(low, &lo) || parse_decimal(dash + 1, &hi))
			goto bad;
	} else {
		if (parse_decimal(text, &lo))
			goto bad;
		hi = lo;
	}
	err = net_ports_check(kind, lo, hi, msg, len);
	if (err)
		return err;
	*min = (__u16)lo;
	*max = (__u16)hi;
	return 0;
bad:
	snprintf(msg, len, "expected a port or a port range like 1000-2000, got '%s'", text);
	return -EINVAL;
}

int net_ports_format(__u16 min, __u16 max, char *buf, size_t len)
{
	if (min == max)
		return snprintf(buf, len, "%u", min);
	return snprintf(buf, len, "%u-%u", min, max);
}
