/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Objects that are services rather than files: reached by their own rules only. */
#ifndef ISOLATE_POLICY_SERVICE_NODE_H
#define ISOLATE_POLICY_SERVICE_NODE_H

#include <stdbool.h>
#include <sys/stat.h>

/*
 * Whether st is a socket, or a character device but the harmless ones
 * (a pty counts: the kernel takes only the cell's own as harmless): a
 * driver or another program, which the kernel lets a cell reach only by a
 * rule on its node (kern/file_rules.bpf.h, granted_on_node), never by a
 * grant of a directory above it.
 */
bool is_service_node(const struct stat *st);

#endif
