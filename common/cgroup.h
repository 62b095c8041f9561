/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* cgroup v2 primitives that know nothing of cells. */
#ifndef ISOLATE_COMMON_CGROUP_H
#define ISOLATE_COMMON_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

/*
 * fork() into the cgroup whose directory cgroup_fd is, atomically
 * (clone3 with CLONE_INTO_CGROUP): the child never runs outside it.
 * Returns 0 in the child, the child's pid in the parent, -1 with errno
 * on failure.
 */
pid_t clone_into_cgroup(int cgroup_fd);

/* The id of the cgroup at path (what BPF's cgroup helpers return); -errno. */
int cgroup_id(const char *path, uint64_t *id);

#endif
