/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Which devices BPF LSM treats apart (policy/device_kind.c). */
#ifndef ISOLATE_POLICY_DEVICE_KIND_H
#define ISOLATE_POLICY_DEVICE_KIND_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

/*
 * The character devices any rule opens (isolate/abi.h), as the kernel's
 * harmless_char_device(): null, zero, full, random, urandom, tty, ptmx,
 * the pty slaves (of which it opens only the cell's own).
 */
bool device_harmless_char(dev_t rdev);

/*
 * Whether the character device rdev is of a driver that passes READ and
 * WRITE commands to a disk, which the kernel's programs never open.
 */
bool device_passes_disk_commands(dev_t rdev);

/*
 * Whether st is a service rather than a file: a socket, a FIFO, or a
 * character device but the harmless ones (a pty counts: the kernel takes
 * only the cell's own as harmless). The kernel lets a cell reach one only
 * by a rule on its node (kern/file_rules.bpf.h, granted_on_node), never by
 * a grant of a directory above it; the sockets and FIFOs a cell makes
 * itself go by the tree, but none of those is there when a policy is
 * compiled.
 */
bool device_is_service_node(const struct stat *st);

#endif /* ISOLATE_POLICY_DEVICE_KIND_H */
