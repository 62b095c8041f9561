// SPDX-License-Identifier: GPL-2.0
/*
 * The directory trees the opens walk, and the files the other rules of a
 * policy grant, all on the tmpfs of /tmp.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/bench/bench.h"

const int bench_depths[BENCH_N_DEPTHS] = { 2, 8, 32 };
const int bench_rule_counts[BENCH_N_RULES] = { 10, 1000, 10000 };

void tree_granted_dir(int depth, char *out, size_t len)
{
	snprintf(out, len, BENCH_ROOT "/d%d", depth);
}

/* dir/a1/.../aD, then "/file" when file is set. */
static void chain(const char *dir, int depth, bool file, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "%s", dir);

	for (int i = 1; i <= depth && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "/a%d", i);
	if (file && n < len)
		snprintf(out + n, len - n, "/file");
}

void tree_file(int depth, char *out, size_t len)
{
	char dir[PATH_MAX];

	tree_granted_dir(depth, dir, sizeof(dir));
	chain(dir, depth, true, out, len);
}

void tree_denied_file(char *out, size_t len)
{
	chain(BENCH_ROOT "/x8", 8, true, out, len);
}

void tree_rule_file(int n, char *out, size_t len)
{
	snprintf(out, len, BENCH_ROOT "/rules/f%d", n);
}

void tree_grant_file(int k, char *out, size_t len)
{
	snprintf(out, len, BENCH_ROOT "/grant/g%d", k);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "isolate-bench: mkdir %s: %s\n", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int make_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "isolate-bench: create %s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (write(fd, "x\n", 2) != 2) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* dir/a1/.../aD/file, every directory made. */
static int make_chain(const char *dir, int depth)
{
	char path[PATH_MAX];
	int err = make_dir(dir);

	for (int i = 1; !err && i <= depth; i++) {
		chain(dir, i, false, path, sizeof(path));
		err = make_dir(path);
	}
	if (err)
		return err;
	chain(dir, depth, true, path, sizeof(path));
	return make_file(path);
}

int tree_build(void)
{
	char path[PATH_MAX];
	int err = make_dir(BENCH_ROOT);

	for (int i = 0; !err && i < BENCH_N_DEPTHS; i++) {
		tree_granted_dir(bench_depths[i], path, sizeof(path));
		err = make_chain(path, bench_depths[i]);
	}
	if (!err)
		err = make_chain(BENCH_ROOT "/x8", 8);
	if (!err)
		err = make_dir(BENCH_ROOT "/rules");
	for (int n = 1; !err && n < BENCH_MAX_RULES; n++) {
		tree_rule_file(n, path, sizeof(path));
		err = make_file(path);
	}
	if (!err)
		err = make_dir(BENCH_ROOT "/grant");
	for (int k = 0; !err && k < BENCH_GRANTS + BENCH_BATCHES * (1 + BENCH_BATCH); k++) {
		tree_grant_file(k, path, sizeof(path));
		err = make_file(path);
	}
	return err;
}
