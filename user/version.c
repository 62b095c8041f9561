// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The release of the library, from the Makefile (bindings report it). */
#include <isolate/isolate.h>

const char *isolate_version(void)
{
	return ISOLATE_VERSION;
}
