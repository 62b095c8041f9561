/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Descriptors that must not pass into a cell through exec. */
#ifndef ISOLATE_COMMON_INHERITED_FD_H
#define ISOLATE_COMMON_INHERITED_FD_H

/*
 * Why fd must not pass into a cell ("open for writing on a cgroup file
 * system: ..."), or NULL when it may (closed descriptors included).
 */
const char *inherited_fd_danger(int fd);

/*
 * The first descriptor a command started now would inherit that must not
 * pass: every one not close-on-exec, where stdio (NULL: none) puts its
 * fds >= 0 at 0, 1 and 2 instead; also a terminal at 3 or above (at 0, 1
 * and 2 it is given on purpose). 1 with *fd (the number the command
 * would see) and *why set; 0 when none; -errno when the descriptors
 * cannot be listed (/proc/self/fd).
 */
int inherited_fd_find_danger(const int *stdio, int *fd, const char **why);

#endif
