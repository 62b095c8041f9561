/* SPDX-License-Identifier: GPL-2.0 */
/* run with the Landlock backend, and the enforcement report. */
#ifndef ISOLATE_LOADER_RUN_BACKEND_H
#define ISOLATE_LOADER_RUN_BACKEND_H

#include <stdbool.h>
#include <sys/types.h>

#include <isolate/isolate.h>

/*
 * Starts argv under Landlock confined to cell, after printing the backend
 * and what it does not enforce (stderr; JSON there under -j). 0 with *pid
 * set, or an exit code: EXIT_UNSUPPORTED when a capability is not enforced
 * and allow_unenforced is false (nothing runs), the status of a child that
 * could not start the command (waited for: 126, 127 when it is missing),
 * else EXIT_RUN_FAILED.
 */
int run_landlock(const struct isolate_cell_policy *cell, bool allow_unenforced,
		 char *const argv[], const struct isolate_spawn_opts *opts, pid_t *pid);

/* The report as features and run print it: text lines or one JSON object. */
void print_enforcement(FILE *out, const char *backend, const struct isolate_enforcement_report *r,
		       bool all);

#endif /* ISOLATE_LOADER_RUN_BACKEND_H */
