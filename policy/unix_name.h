/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Abstract AF_UNIX socket names as policies write them. */
#ifndef ISOLATE_POLICY_UNIX_NAME_H
#define ISOLATE_POLICY_UNIX_NAME_H

#include <stddef.h>

/*
 * 0, or -EINVAL with msg saying what was expected: '@' (the leading NUL of
 * sun_path), then 1..ISOLATE_UNIX_NAME_MAX printable ASCII bytes other
 * than ':', so that "unix-connect:@NAME" reads back as it was meant.
 */
int unix_name_check(const char *name, char *msg, size_t len);

#endif /* ISOLATE_POLICY_UNIX_NAME_H */
