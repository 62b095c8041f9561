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
/* The same of the cgroup directory fd is open on. */
int cgroup_fd_id(int fd, uint64_t *id);

/*
 * Moves the calling process into the cgroup directory dir (created if
 * missing). 0 or -errno.
 */
int cgroup_enter(const char *dir);

/*
 * The directory of the calling process's own cgroup, in the cgroup v2
 * hierarchy mounted at mount. 0 or -errno.
 */
int cgroup_own(const char *mount, char *out, size_t len);

/*
 * The path of the cgroup whose id is id, in the cgroup v2 hierarchy
 * mounted at mount: found by the id (open_by_handle_at, which needs
 * CAP_DAC_READ_SEARCH), not by a name. -ESTALE when no cgroup has it.
 */
int cgroup_path_of_id(const char *mount, uint64_t id, char *out, size_t len);

#endif
