// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The per-thread reason behind the last failed call, and its exit status. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <isolate/isolate.h>

#include "error.h"

static __thread char last_error[ERROR_TEXT_MAX];

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

/*
 * Callers wrap the reason of the call that failed under them by passing
 * isolate_last_error() itself: formatted elsewhere first, so that the
 * buffer read is not the one being written.
 */
int set_error(int err, const char *fmt, ...)
{
	char text[sizeof(last_error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memcpy(last_error, text, sizeof(last_error));
	return err;
}
