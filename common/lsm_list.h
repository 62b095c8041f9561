/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The kernel's list of active LSMs, as securityfs "lsm" gives it. */
#ifndef ISOLATE_COMMON_LSM_LIST_H
#define ISOLATE_COMMON_LSM_LIST_H

#include <stdbool.h>

/* Whether "bpf" is one of the comma-separated names of list. */
bool lsm_list_has_bpf(const char *list);

#endif
