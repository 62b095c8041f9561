/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Paths that lead to the compiling process's own entries: /proc/self and kin. */
#ifndef ISOLATE_POLICY_SELF_PATH_H
#define ISOLATE_POLICY_SELF_PATH_H

#include <stddef.h>

/*
 * -EINVAL with msg saying what to write instead when the clean path
 * names, as written, the compiling process's /proc entries or descriptors
 * (/proc/self, /proc/thread-self, /dev/fd, /dev/stdin ...); else 0.
 */
int self_path_check(const char *path, char *msg, size_t len);

/*
 * The same for a path whose realpath, real, is the compiling process's
 * /proc entry (/etc/mtab leads to /proc/self/mounts, say).
 */
int self_path_check_real(const char *path, const char *real, char *msg, size_t len);

#endif /* ISOLATE_POLICY_SELF_PATH_H */
