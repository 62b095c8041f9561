/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The words policies are written with, shared by every serialization. */
#ifndef ISOLATE_POLICY_NAMES_H
#define ISOLATE_POLICY_NAMES_H

#include <isolate/policy.h>

/* "read", "connect", "cpu" ...; NULL for an unknown kind. */
const char *cap_kind_name(enum isolate_cap_kind kind);
/* 0 when name is no kind. */
enum isolate_cap_kind cap_kind_parse(const char *name, size_t len);

/* One ISOLATE_BROKER_* bit <-> "read" ... "bind". */
const char *broker_right_name(__u32 right);
__u32 broker_right_parse(const char *name);
#define BROKER_RIGHT_NAMES "read, write, exec, connect or bind"

const char *mode_name(__u32 mode);
int mode_parse(const char *name, __u32 *mode);

#endif /* ISOLATE_POLICY_NAMES_H */
