// SPDX-License-Identifier: GPL-2.0
/*
 * The peer: the same tree and the same rules as a Landlock ruleset. The
 * child handles every filesystem right of ABI v2 (so, like a cell, it is
 * denied everything not granted), grants read_file + read_dir beneath the
 * tree's top directory and read_file on each of the other rule files,
 * restricts itself, and then runs the same open+close loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tools/bench/bench.h"

/* Every filesystem access right of ABI v1 and v2. */
#define HANDLED_FS							\
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |	\
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |	\
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |	\
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |	\
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |	\
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |	\
	 LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)

static long ll_create_ruleset(const struct landlock_ruleset_attr *attr, size_t size,
			      __u32 flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static long ll_add_rule(int ruleset, enum landlock_rule_type type, const void *attr,
			__u32 flags)
{
	return syscall(SYS_landlock_add_rule, ruleset, type, attr, flags);
}

static long ll_restrict_self(int ruleset, __u32 flags)
{
	return syscall(SYS_landlock_restrict_self, ruleset, flags);
}

int landlock_abi(void)
{
	long v = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? -errno : (int)v;
}

/* Grants access beneath path (a directory, or a single file). */
static int grant(int ruleset, const char *path, __u64 access)
{
	struct landlock_path_beneath_attr pb = { .allowed_access = access };
	int err = 0;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0)
		return errno;
	if (ll_add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0))
		err = errno;
	close(pb.parent_fd);
	return err;
}

int landlock_restrict(void *arg)
{
	const struct landlock_setup *ls = arg;
	struct landlock_ruleset_attr attr = { .handled_access_fs = HANDLED_FS };
	char path[PATH_MAX];
	int ruleset, err;

	ruleset = (int)ll_create_ruleset(&attr, sizeof(attr), 0);
	if (ruleset < 0)
		return errno;
	tree_granted_dir(ls->depth, path, sizeof(path));
	err = grant(ruleset, path, LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR);
	for (int n = 1; !err && n < ls->rules; n++) {
		tree_rule_file(n, path, sizeof(path));
		err = grant(ruleset, path, LANDLOCK_ACCESS_FS_READ_FILE);
	}
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		err = errno;
	if (!err && ll_restrict_self(ruleset, 0))
		err = errno;
	close(ruleset);
	return err;
}
