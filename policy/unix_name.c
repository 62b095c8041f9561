/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Abstract AF_UNIX socket names: the kernel compares every byte of them, so
 * a policy names them exactly. Spaces, control bytes and ':' are refused:
 * they would make the one-line text form ambiguous or unreadable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <isolate/policy.h>

#include "unix_name.h"

int unix_name_check(const char *name, char *msg, size_t len)
{
	size_t n = strlen(name);

	/* First, so that the name can be quoted in the messages below. */
	for (const char *p = name; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch > ' ' && ch < 0x7f && ch != ':')
			continue;
		if (ch == ':')
			snprintf(msg, len, "expected an abstract socket name of printable ASCII without spaces or ':', got ':'");
		else
			snprintf(msg, len, "expected an abstract socket name of printable ASCII without spaces or ':', got byte 0x%02x",
				 ch);
		return -EINVAL;
	}
	if (name[0] != '@') {
		snprintf(msg, len, "expected an abstract socket name starting with '@', got '%s'", name);
		return -EINVAL;
	}
	if (n < 2 || n - 1 > ISOLATE_UNIX_NAME_MAX) {
		snprintf(msg, len, "expected an abstract socket name of 1..%d bytes after '@', got %zu",
			 ISOLATE_UNIX_NAME_MAX, n - 1);
		return -EINVAL;
	}
	return 0;
}
