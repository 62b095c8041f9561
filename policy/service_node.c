// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <sys/sysmacros.h>

#include <isolate/abi.h>

#include "device_kind.h"
#include "service_node.h"

bool is_service_node(const struct stat *st)
{
	unsigned int ma = major(st->st_rdev);

	if (S_ISSOCK(st->st_mode))
		return true;
	/* A pty is harmless only when it is the cell's own, which no rule can name. */
	return S_ISCHR(st->st_mode) &&
	       (!device_harmless_char(st->st_rdev) ||
		(ma >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && ma <= ISOLATE_PTY_SLAVE_MAJOR_LAST));
}
