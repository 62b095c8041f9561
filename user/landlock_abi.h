/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Landlock's user ABI up to ABI 7, as the kernel defines it
 * (Documentation/userspace-api/landlock.rst): the build machine's
 * <linux/landlock.h> may be older than the kernel the backend runs on,
 * which is asked its ABI at run time.
 */
#ifndef ISOLATE_USER_LANDLOCK_ABI_H
#define ISOLATE_USER_LANDLOCK_ABI_H

#include <linux/types.h>
#include <stddef.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION	(1U << 0)

#define LL_RULE_PATH_BENEATH	1
#define LL_RULE_NET_PORT	2

#define LL_FS_EXECUTE		(1ULL << 0)
#define LL_FS_WRITE_FILE	(1ULL << 1)
#define LL_FS_READ_FILE		(1ULL << 2)
#define LL_FS_READ_DIR		(1ULL << 3)
#define LL_FS_REMOVE_DIR	(1ULL << 4)
#define LL_FS_REMOVE_FILE	(1ULL << 5)
#define LL_FS_MAKE_CHAR		(1ULL << 6)
#define LL_FS_MAKE_DIR		(1ULL << 7)
#define LL_FS_MAKE_REG		(1ULL << 8)
#define LL_FS_MAKE_SOCK		(1ULL << 9)
#define LL_FS_MAKE_FIFO		(1ULL << 10)
#define LL_FS_MAKE_BLOCK	(1ULL << 11)
#define LL_FS_MAKE_SYM		(1ULL << 12)
#define LL_FS_REFER		(1ULL << 13)	/* ABI 2 */
#define LL_FS_TRUNCATE		(1ULL << 14)	/* ABI 3 */
#define LL_FS_ABI1		((1ULL << 13) - 1)

/*
 * What write grants in a directory: changing its entries. Device nodes
 * are never granted (BPF refuses them too); REFER and TRUNCATE come with
 * the ABIs that have them (fs_handled masks them out below).
 */
#define LL_FS_WRITE_DIR								\
	(LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR | LL_FS_MAKE_REG |	\
	 LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM | LL_FS_REFER | LL_FS_TRUNCATE)

#define LL_NET_BIND_TCP		(1ULL << 0)	/* ABI 4 */
#define LL_NET_CONNECT_TCP	(1ULL << 1)

#define LL_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)	/* ABI 6 */
#define LL_SCOPE_SIGNAL			(1ULL << 1)

/* landlock_restrict_self()'s flags: denials are audited after execve too. */
#define LL_RESTRICT_SELF_LOG_NEW_EXEC_ON	(1U << 1)	/* ABI 7 */

struct ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net;	/* ABI 4 */
	__u64 scoped;			/* ABI 6 */
};
#define LL_RULESET_ATTR_SIZE_V1 offsetof(struct ll_ruleset_attr, handled_access_net)
#define LL_RULESET_ATTR_SIZE_V4 offsetof(struct ll_ruleset_attr, scoped)
#define LL_RULESET_ATTR_SIZE_V6 sizeof(struct ll_ruleset_attr)

struct ll_path_beneath_attr {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	__u64 allowed_access;
	__u64 port;
};

#endif /* ISOLATE_USER_LANDLOCK_ABI_H */
