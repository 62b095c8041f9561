/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The entries that decide a bind to the unspecified address (0.0.0.0, ::). */
#ifndef ISOLATE_POLICY_NET_WILDCARD_H
#define ISOLATE_POLICY_NET_WILDCARD_H

#include <stddef.h>

#include <isolate/policy.h>

/*
 * The entry of the unspecified address of each bind group whose entries
 * hold it: appended to img->net (n entries, room for NET_WILDCARD_MAX
 * more; *n grows by those added), or in place of the one the policy wrote
 * for the address. 0, or -ENOMEM.
 */
#define NET_WILDCARD_MAX 4	/* tcp and udp, IPv4 and IPv6 */
int net_wildcard_entries(struct isolate_image *img, size_t *n);

#endif /* ISOLATE_POLICY_NET_WILDCARD_H */
