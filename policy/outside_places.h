/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The places whose contents programs outside a cell run or obey: a cell
 * that may write there acts outside itself (outside_writes.c).
 */
#ifndef ISOLATE_POLICY_OUTSIDE_PLACES_H
#define ISOLATE_POLICY_OUTSIDE_PLACES_H

#include <stddef.h>

enum outside_base {
	OUTSIDE_SYSTEM,	/* path is absolute */
	OUTSIDE_HOME,	/* path is below the home of the user checking */
	OUTSIDE_REPO,	/* path is below the top of a git work tree */
};

struct outside_place {
	enum outside_base base;
	const char *path;
	const char *why;
};

extern const struct outside_place outside_places[];
extern const size_t n_outside_places;

#endif /* ISOLATE_POLICY_OUTSIDE_PLACES_H */
