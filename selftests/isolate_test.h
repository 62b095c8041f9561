/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the selftests: a private directory tree per test,
 * cells built from a hand-made map image, and running one operation inside
 * a cell and getting back its errno.
 */
#ifndef ISOLATE_SELFTEST_H
#define ISOLATE_SELFTEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "user/internal.h"

/*
 * A cell policy from capabilities in their text form ("read:/x",
 * "connect:tcp:127.0.0.1/32:80", ...), the list ended by NULL. NULL (and
 * a message) when one does not parse.
 */
static inline struct isolate_cell_policy *test_policy(const char *name,
						      const char *const caps[])
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	struct isolate_diag diag = { 0 };

	for (size_t i = 0; pol && caps[i]; i++) {
		struct isolate_cap *cap = NULL;

		if (isolate_cap_parse(caps[i], &cap, &diag) ||
		    isolate_cell_policy_add(pol, cap)) {
			fprintf(stderr, "# capability \"%s\": %s\n", caps[i], diag.msg);
			isolate_cell_policy_free(pol);
			pol = NULL;
		}
		if (cap)
			isolate_cap_free(cap);
	}
	return pol;
}

/* Creates cell name confined to caps; 0 or -errno (and a message). */
static inline int test_cell(struct isolate *iso, const char *name,
			    const char *const caps[], struct isolate_cell_state *st)
{
	struct isolate_cell_policy *pol = test_policy(name, caps);
	int err;

	if (!pol)
		return -EINVAL;
	err = isolate_cell_create(iso, name, pol, st);
	if (err)
		fprintf(stderr, "# cell %s: %s\n", name, isolate_last_error());
	isolate_cell_policy_free(pol);
	return err;
}

/* Loads isolate, or adopts what an earlier test pinned. */
static inline int test_load(struct isolate **iso)
{
	int err = isolate_load(iso, NULL);

	if (err)
		fprintf(stderr, "# isolate_load: %s\n", isolate_last_error());
	return err;
}

typedef int (*cell_op_fn)(void *arg);

/*
 * Runs op in a child created inside the cell's cgroup. Returns what op
 * returned (an errno, 0 for success) or -1 if the child died otherwise.
 * *child_pid gets the child's pid when not NULL.
 */
static inline int run_in_cell(struct isolate *iso, const char *cell,
			      cell_op_fn op, void *arg, pid_t *child_pid)
{
	int fd = isolate_cell_cgroup_fd(iso, cell), status;
	pid_t pid;

	if (fd < 0)
		return -1;
	pid = clone_into_cgroup(fd);
	if (pid == 0)
		_exit(op(arg));
	close(fd);
	if (pid < 0)
		return -1;
	if (child_pid)
		*child_pid = pid;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Opens path with flags; 0 or the errno. */
struct open_args {
	const char *path;
	int flags;
};

static inline int open_errno(void *arg)
{
	const struct open_args *a = arg;
	int fd = open(a->path, a->flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

#endif /* ISOLATE_SELFTEST_H */
