// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The per-thread reason behind the last failed call. */
#include <stdarg.h>
#include <stdio.h>

#include <isolate/isolate.h>

#include "error.h"

static __thread char last_error[512];

const char *isolate_last_error(void)
{
	return last_error;
}

int set_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}
