// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A rule is bound to the object its path leads to when the policy is
 * compiled, by the compiling process (the loader, a Python host): through
 * /proc/self that is the compiler's own /proc entry, through /dev/stdin
 * the compiler's standard input. The cell would get a rule on another
 * process's entry, gone when that process exits, and nothing it asked
 * for. Its own /proc/PID cannot be named in advance: read: /proc reaches
 * it (the walk goes up to the procfs mount), and a descriptor the cell
 * holds needs no rule (opened again through /proc/self/fd, the file it is
 * open on is decided).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "path_util.h"
#include "self_path.h"

#define BOUND_AT_COMPILE "rules are bound to objects when the policy is compiled"
#define PROC_INSTEAD "A process of the cell reads its own /proc/self with read: /proc"

static const struct {
	const char *name;
	bool descriptor;
} self_names[] = {
	{ "/proc/self", false },
	{ "/proc/thread-self", false },
	{ "/dev/fd", true },
	{ "/dev/stdin", true },
	{ "/dev/stdout", true },
	{ "/dev/stderr", true },
};

int self_path_check(const char *path, char *msg, size_t len)
{
	for (size_t i = 0; i < sizeof(self_names) / sizeof(self_names[0]); i++) {
		const char *name = self_names[i].name;

		if (!path_at_or_below(path, name))
			continue;
		if (self_names[i].descriptor)
			snprintf(msg, len,
				 "'%s' is a descriptor of the compiling process, not of the cell: " BOUND_AT_COMPILE ". The cell uses its own descriptors without a rule; one opened again by this name is decided on its file",
				 name);
		else
			snprintf(msg, len,
				 "'%s' is the compiling process's, not the cell's: " BOUND_AT_COMPILE ". " PROC_INSTEAD,
				 name);
		return -EINVAL;
	}
	return 0;
}

int self_path_check_real(const char *path, const char *real, char *msg, size_t len)
{
	char own[32], thread[32];

	snprintf(own, sizeof(own), "/proc/%d", (int)getpid());
	snprintf(thread, sizeof(thread), "/proc/%d", (int)gettid());
	if (!path_at_or_below(real, own) && !path_at_or_below(real, thread))
		return 0;
	snprintf(msg, len,
		 "'%.60s' leads to the compiling process's /proc entries (%.40s), not the cell's: " BOUND_AT_COMPILE ". " PROC_INSTEAD,
		 path, real);
	return -EINVAL;
}
