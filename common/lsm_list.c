// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The kernel's list of active LSMs (securityfs "lsm"): see lsm_list.h. */
#include <string.h>

#include "common/lsm_list.h"

bool lsm_list_has_bpf(const char *list)
{
	const char *p = list;
	size_t n;

	while (*p) {
		n = strcspn(p, ",\n");
		if (n == 3 && !strncmp(p, "bpf", 3))
			return true;
		p += n;
		p += strspn(p, ",\n");
	}
	return false;
}
