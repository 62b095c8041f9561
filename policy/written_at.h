/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Where the capability behind a compiled one was written, for the errors
 * that name it (file:line:column, as every refusal does). A path and an
 * abstract name keep their place through normalizing; a network block
 * does not: it is a canonical rectangle made anew from the grants and
 * denies of its group.
 */
#ifndef ISOLATE_POLICY_WRITTEN_AT_H
#define ISOLATE_POLICY_WRITTEN_AT_H

#include "model.h"

/*
 * The place of the last written (file, line, column) of written's network
 * capabilities of kind (deny or not) that overlap net's addresses and
 * ports, or NULL for none with a place.
 */
const struct src_pos *net_written_at(const struct isolate_cell_policy *written,
				     enum isolate_cap_kind kind, bool deny,
				     const struct isolate_net_cap *net);

#endif /* ISOLATE_POLICY_WRITTEN_AT_H */
