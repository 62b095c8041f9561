/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Sets of (address, port) pairs as canonical lists of (address block, port
 * range) rectangles: the same set always gives the same list, whatever
 * rectangles it was built from.
 */
#ifndef ISOLATE_POLICY_NETSET_H
#define ISOLATE_POLICY_NETSET_H

#include <stddef.h>

#include "net_addr.h"

/* An address range [lo, hi] times a port range [port_min, port_max]. */
struct net_rect {
	net_u128 lo, hi;
	__u32 port_min, port_max;
};

/* A block and ports as a rectangle, in an address space of bits bits. */
struct net_rect net_rect_of(const struct isolate_net_cap *r);

/*
 * The canonical rectangles of (union of allow) minus (union of deny), in
 * an address space of bits bits: port ranges split only where the set of
 * addresses changes, address ranges as the fewest aligned blocks. Returns
 * the number of rectangles in *out (malloc'ed), -ENOMEM, or -E2BIG as soon
 * as there would be more than max: nested port ranges on many addresses
 * make a number of rectangles quadratic in the input.
 */
long netset_canonical(const struct net_rect *allow, size_t n_allow,
		      const struct net_rect *deny, size_t n_deny, unsigned int bits,
		      size_t max, struct net_rect **out);

/* Whether the entry's block holds addr (16 bytes, IPv4 in addr[0..3]). */
bool net_entry_holds(const struct isolate_image_net *e, const __u8 *addr);

/* Whether the point is inside the rectangle. */
bool net_rect_contains(const struct net_rect *r, net_u128 addr, __u32 port);

#endif /* ISOLATE_POLICY_NETSET_H */
