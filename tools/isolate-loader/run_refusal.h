/* SPDX-License-Identifier: GPL-2.0 */
/* run: naming the object a refused exec was about. */
#ifndef ISOLATE_LOADER_RUN_REFUSAL_H
#define ISOLATE_LOADER_RUN_REFUSAL_H

struct isolate;

/*
 * After exec of cmd failed with EACCES in cell: prints (or, under -j,
 * writes as JSON with a "refused" member and exit_code) the object, why,
 * and the grant that would allow it.
 */
void explain_exec_refusal(struct isolate *iso, const char *cell, const char *cmd,
			  char *const env[], int exit_code);

#endif /* ISOLATE_LOADER_RUN_REFUSAL_H */
