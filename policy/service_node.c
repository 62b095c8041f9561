// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <sys/sysmacros.h>

#include <isolate/abi.h>

#include "service_node.h"

bool harmless_char_device(dev_t rdev)
{
	unsigned int ma = major(rdev), mi = minor(rdev);

	if (ma == ISOLATE_HARMLESS_MEM_MAJOR)
		return mi < 32 && ((ISOLATE_HARMLESS_MEM_MINORS >> mi) & 1);
	if (ma == ISOLATE_HARMLESS_TTYAUX_MAJOR)
		return mi < 32 && ((ISOLATE_HARMLESS_TTYAUX_MINORS >> mi) & 1);
	return ma >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && ma <= ISOLATE_PTY_SLAVE_MAJOR_LAST;
}

bool is_service_node(const struct stat *st)
{
	unsigned int ma = major(st->st_rdev);

	if (S_ISSOCK(st->st_mode))
		return true;
	/* A pty is harmless only when it is the cell's own, which no rule can name. */
	return S_ISCHR(st->st_mode) &&
	       (!harmless_char_device(st->st_rdev) ||
		(ma >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && ma <= ISOLATE_PTY_SLAVE_MAJOR_LAST));
}
