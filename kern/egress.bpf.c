// SPDX-License-Identifier: GPL-2.0
/*
 * Source routes on the cells' way out. socket_sendmsg refuses a source
 * route in a message's control data (IP_RETOPTS, IPV6_RTHDR), but
 * sendmmsg(2) asks the LSM about a message only when its destination
 * differs from the message before: the control data of the next messages
 * to the same destination reach no hook. This filter, attached to the
 * cells root's egress, drops what such a message makes: IPv4 packets with
 * a source route and IPv6 packets with a routing header, from sockets
 * made in a cell. The sender gets EPERM; the cell's counters count a
 * denial. Other IPv4 options pass: the socket options that set any are
 * refused to cells, but the kernel answers a peer's connection with the
 * options of its SYN (record route, timestamps) echoed.
 */
#include "isolate.bpf.h"
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define ETH_P_IP		0x0800
#define ETH_P_IPV6		0x86dd
#define IPV6_HEADER_LEN		40
#define NEXTHDR_HOP		0
#define NEXTHDR_ROUTING		43
#define NEXTHDR_DEST		60
/* Extension headers looked through before the routing header. */
#define EXTENSION_HEADERS_MAX	4
#define IPV4_HEADER_LEN		20
/* At most one option per byte of the 40 the header has room for. */
#define IPV4_OPTIONS_MAX	40
#define IPOPT_END		0
#define IPOPT_NOOP		1
#define IPOPT_LSRR		0x83
#define IPOPT_SSRR		0x89

/* Whether the IPv4 packet's options hold a source route (or cannot be read). */
static __always_inline bool ipv4_source_routed(struct __sk_buff *skb)
{
	__u32 off = IPV4_HEADER_LEN, end;
	__u8 b[2];

	if (bpf_skb_load_bytes(skb, 0, b, 1))
		return true;
	end = (b[0] & 0xf) * 4;
	for (int i = 0; i < IPV4_OPTIONS_MAX && off < end; i++) {
		if (bpf_skb_load_bytes(skb, off, b, 1))
			return true;
		if (b[0] == IPOPT_END)
			return false;
		if (b[0] == IPOPT_NOOP) {
			off++;
			continue;
		}
		if (b[0] == IPOPT_LSRR || b[0] == IPOPT_SSRR)
			return true;
		if (bpf_skb_load_bytes(skb, off + 1, b + 1, 1) || b[1] < 2)
			return true;
		off += b[1];
	}
	return off < end;
}

/* Whether the packet carries an IPv4 source route or an IPv6 routing header. */
static __always_inline bool source_routed(struct __sk_buff *skb)
{
	__u8 b[2], next;
	__u32 off = IPV6_HEADER_LEN;

	if (skb->protocol == bpf_htons(ETH_P_IP))
		return ipv4_source_routed(skb);
	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return false;
	if (bpf_skb_load_bytes(skb, 6, b, 1))
		return true;	/* unreadable: cannot tell */
	next = b[0];
	for (int i = 0; i < EXTENSION_HEADERS_MAX; i++) {
		if (next != NEXTHDR_HOP && next != NEXTHDR_DEST)
			break;
		if (bpf_skb_load_bytes(skb, off, b, 2))
			return true;
		next = b[0];
		off += ((__u32)b[1] + 1) * 8;
	}
	return next == NEXTHDR_ROUTING || next == NEXTHDR_HOP || next == NEXTHDR_DEST;
}

SEC("cgroup_skb/egress")
int isolate_egress(struct __sk_buff *skb)
{
	struct isolate_config *cfg;
	struct cell_ctx cc;
	__u64 cgid;

	if (!source_routed(skb))
		return 1;
	cfg = isolate_settings();
	if (!cfg)
		return 0;
	cgid = bpf_skb_ancestor_cgroup_id(skb, cfg->cells_root_level + 1);
	if (!cgid)
		return 1;	/* the cells root itself: the loader's place */
	cell_ctx_of(&cc, cgid);
	return refuse(&cc, EPERM) ? 0 : 1;
}
