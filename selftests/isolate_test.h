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

#define MAX_TEST_INODES 64

/* An image built by hand, so these tests do not depend on the compiler. */
struct test_image {
	struct isolate_image img;
	struct isolate_image_inode inodes[MAX_TEST_INODES];
};

static inline void test_image_init(struct test_image *t, __u32 mode)
{
	memset(t, 0, sizeof(*t));
	t->img.mode = mode;
	t->img.inodes = t->inodes;
}

/* Grants access on path (a file, or a directory tree); 0 or -errno. */
static inline int test_image_grant(struct test_image *t, const char *path,
				   __u32 access)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (t->img.n_inodes == MAX_TEST_INODES)
		return -ENOSPC;
	t->inodes[t->img.n_inodes++] = (struct isolate_image_inode){
		.dev = major(st.st_dev) << 20 | minor(st.st_dev),
		.ino = st.st_ino,
		.rule = { .allow = access, .rule_id = (__u32)t->img.n_inodes },
	};
	return 0;
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
