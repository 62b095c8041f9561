// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A policy path is checked as text before it is bound: what cannot be
 * written back as YAML, or read lexically ("..", controls), is refused.
 * And a rule is bound to the object its path leads to when the policy is
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

#include "path_check.h"
#include "path_util.h"
#include "common/utf8.h"

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

/*
 * -EINVAL with msg saying what to write instead when the clean path
 * names, as written, the compiling process's /proc entries or descriptors.
 */
static int self_named(const char *path, char *msg, size_t len)
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

int path_check(const char *path, char *msg, size_t len)
{
	size_t n = strlen(path);

	if (path[0] != '/') {
		snprintf(msg, len, "expected an absolute path, got '%s'", path);
		return -EINVAL;
	}
	if (n >= POLICY_PATH_MAX) {
		snprintf(msg, len, "expected a path shorter than %d bytes, got %zu bytes",
			 POLICY_PATH_MAX, n);
		return -EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(msg, len, "expected a path without control characters, got byte 0x%02x",
				 *p);
			return -EINVAL;
		}
		/* The C1 controls, U+0080..U+009F: 0xc2, then the code point. */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			snprintf(msg, len, "expected a path without control characters, got U+%04X",
				 p[1]);
			return -EINVAL;
		}
	}
	/* A policy must be writable as YAML, which is UTF-8. */
	if (!utf8_valid(path)) {
		snprintf(msg, len, "expected a path in UTF-8");
		return -EINVAL;
	}
	/* ".." means different things lexically and through symlinks. */
	for (const char *p = path; (p = strstr(p, "/..")); p += 3) {
		if (p[3] == '\0' || p[3] == '/') {
			snprintf(msg, len, "expected a path without '..', got '%s'", path);
			return -EINVAL;
		}
	}
	return self_named(path, msg, len);
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

void self_path_loop_why(const char *path, char *msg, size_t len)
{
	snprintf(msg, len,
		 "'%.80s' leads through a loop of symbolic links or through a link of /proc to a process's files (fd/N, cwd, root, exe), which would be the compiling process's: " BOUND_AT_COMPILE,
		 path);
}
