/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Network rule fields: protocols, address blocks, port ranges. */
#ifndef ISOLATE_POLICY_NET_ADDR_H
#define ISOLATE_POLICY_NET_ADDR_H

#include <isolate/policy.h>

/* "tcp" / "udp" <-> IPPROTO_*; NULL or -EINVAL for anything else. */
const char *net_proto_name(__u8 proto);
int net_proto_parse(const char *name, __u8 *proto, char *msg, size_t len);

/*
 * "10.0.0.0/8", "10.1.2.3" (a host: /32), "2001:db8::/32", "[2001:db8::]/32"
 * into r's family, addr and prefix_len, checked with net_addr_check.
 */
int net_addr_parse(const char *text, struct isolate_net_cap *r, char *msg, size_t len);
/* Refuses prefixes out of range, host bits, IPv4-mapped IPv6 blocks. */
int net_addr_check(const struct isolate_net_cap *r, char *msg, size_t len);
/* "10.0.0.0/8", "2001:db8::/32"; with brackets "[2001:db8::]/32". */
int net_addr_format(const struct isolate_net_cap *r, bool brackets, char *buf, size_t len);

/* "443" or "1000-2000"; connect ports start at 1, bind ports at 0. */
int net_ports_parse(enum isolate_cap_kind kind, const char *text, __u16 *min, __u16 *max,
		    char *msg, size_t len);
int net_ports_check(enum isolate_cap_kind kind, __u64 min, __u64 max, char *msg, size_t len);
int net_ports_format(__u16 min, __u16 max, char *buf, size_t len);

/* Address bits as a number: IPv4 in the low 32 bits. */
typedef unsigned __int128 net_u128;
net_u128 net_addr_value(const struct isolate_net_cap *r);
void net_addr_set_value(struct isolate_net_cap *r, net_u128 v);
unsigned int net_addr_bits(__u8 family);

#endif /* ISOLATE_POLICY_NET_ADDR_H */
