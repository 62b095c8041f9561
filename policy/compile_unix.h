/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Abstract AF_UNIX names into unix_rules entries. */
#ifndef ISOLATE_POLICY_COMPILE_UNIX_H
#define ISOLATE_POLICY_COMPILE_UNIX_H

#include <isolate/policy.h>

/*
 * Fills img->unix_names from the unix capabilities of set (an authority
 * set: rule ids are indexes into it); -E2BIG when the map overflows.
 */
int compile_unix(const struct isolate_cell_policy *set, struct isolate_image *img,
		 struct isolate_diag *diag);

#endif /* ISOLATE_POLICY_COMPILE_UNIX_H */
