/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The parts of the Landlock backend (user/landlock*.c). */
#ifndef ISOLATE_USER_LANDLOCK_H
#define ISOLATE_USER_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

/*
 * A policy as the backend enforces it (user/landlock_paths.c): every path
 * opened once (O_PATH, symlinks followed) and named by where that
 * descriptor is, so that what is checked is what the rule is put on; a
 * path that does not exist yet is resolved as far as it exists, with no
 * descriptor. set is resolved normalized: the capabilities the rules are
 * made of.
 */
struct landlock_object {
	char *real;
	int fd;		/* -1: it could not be opened, with err */
	int err;
};

struct landlock_policy {
	struct isolate_cell_policy *resolved;
	struct isolate_cell_policy *set;
	struct landlock_object *objects;	/* sorted by real */
	size_t n_objects;
};

int landlock_policy_make(const struct isolate_cell_policy *pol, struct landlock_policy *out);
void landlock_policy_free(struct landlock_policy *p);
/* The descriptor real was resolved from, or the -errno of opening it (-ENOENT: not known). */
int landlock_policy_fd(const struct landlock_policy *p, const char *real);

/*
 * What a grant opens of the devices BPF LSM keeps closed
 * (user/landlock_devices.c): every block device, and the character
 * devices that pass disk commands; below a directory, every character
 * device but the harmless few and those a rule names.
 */
struct landlock_devices {
	size_t n;		/* how many the command could open */
	size_t listed;		/* how many of them names holds */
	bool node;		/* the grant is of the device itself */
	int err;		/* not known: -errno, names says why */
	char names[112];	/* the first of them, ", " between */
};

/*
 * For each capability of p->resolved (out has one entry each), the
 * devices the command could open through it, run with opts's ids (NULL:
 * the caller's). 0, or -errno (the message set) when it cannot be told.
 */
int landlock_devices_reached(const struct landlock_policy *p, const struct isolate_spawn_opts *opts,
			     struct landlock_devices *out);

/*
 * The report of p on abi (user/landlock_report.c), for a command run
 * with opts (NULL: as the caller): its ids decide which devices it opens.
 */
int landlock_report(const struct landlock_policy *p, int abi, const struct isolate_spawn_opts *opts,
		    struct isolate_enforcement_report *out);

/* Why Landlock cannot hold a connect or bind capability of pol exactly; NULL if it can. */
const char *landlock_net_gap(const struct isolate_cell_policy *pol, const struct isolate_cap *cap,
			     int abi);

/* The seccomp filter for what Landlock does not see (user/landlock_filter.c); NULL: none here. */
const struct sock_fprog *landlock_filter(void);

#endif /* ISOLATE_USER_LANDLOCK_H */
