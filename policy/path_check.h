/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether a policy path can be bound to an object for a cell. */
#ifndef ISOLATE_POLICY_PATH_CHECK_H
#define ISOLATE_POLICY_PATH_CHECK_H

#include <stddef.h>

/*
 * 0, or -EINVAL with msg saying what was expected: an absolute clean
 * path in UTF-8 with no control characters and no "..", that does not
 * name, as written, the compiling process's /proc entries or descriptors
 * (/proc/self, /proc/thread-self, /dev/fd, /dev/stdin ...).
 */
int path_check(const char *path, char *msg, size_t len);

/*
 * -EINVAL with msg saying what to write instead when the realpath of
 * path, real, is the compiling process's /proc entry (/etc/mtab leads to
 * /proc/self/mounts, say); else 0.
 */
int self_path_check_real(const char *path, const char *real, char *msg, size_t len);

/*
 * Why path did not resolve with ELOOP (real_path() follows no /proc link
 * to a process's files), into msg.
 */
void self_path_loop_why(const char *path, char *msg, size_t len);

#endif /* ISOLATE_POLICY_PATH_CHECK_H */
