/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Network capabilities into net_rules LPM trie entries. */
#ifndef ISOLATE_POLICY_COMPILE_NET_H
#define ISOLATE_POLICY_COMPILE_NET_H

#include <isolate/policy.h>

/*
 * Fills img->net from img->net_caps; -E2BIG when an entry or the map
 * overflows, diag at where written (the cell before normalizing) has the
 * capability that went over.
 */
int compile_net(struct isolate_image *img, const struct isolate_cell_policy *written,
		struct isolate_diag *diag);

#endif /* ISOLATE_POLICY_COMPILE_NET_H */
