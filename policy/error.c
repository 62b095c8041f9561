// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The per-thread reason behind the last failed call, and its exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <isolate/isolate.h>

#include "error.h"

static __thread char last_error[512];

const char *isolate_last_error(void)
{
	return last_error;
}

int isolate_error_exit_code(int err)
{
	switch (err) {
	case -EOPNOTSUPP:
		return 3;
	case ISOLATE_ENOTLOADED:
		return 4;
	default:
		return 1;
	}
}

int set_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}
