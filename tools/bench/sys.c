// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's own cgroups, and reading memory use from the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mountinfo.h"
#include "tools/bench/bench.h"

static int write_text(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int make_cgroup(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "isolate-bench: mkdir %s: %s\n", path, strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * The controllers isolate hands down to its cells (user/cgroup_tree.c), one at
 * a time as there: a missing one must not stop the others.
 */
static void enable_controllers(const char *dir)
{
	static const char *const controllers[] = { "+cpu", "+memory", "+pids" };

	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		write_text(dir, "cgroup.subtree_control", controllers[i]);
}

int cgroups_setup(struct bench_cgroups *cg)
{
	char parent[600];
	int err = mount_point_of("cgroup2", cg->root, sizeof(cg->root));

	if (err) {
		fprintf(stderr, "isolate-bench: no cgroup2 mount\n");
		return err;
	}
	enable_controllers(cg->root);
	snprintf(parent, sizeof(parent), "%s/isolate-bench", cg->root);
	snprintf(cg->ref, sizeof(cg->ref), "%s/ref", parent);
	snprintf(cg->maps, sizeof(cg->maps), "%s/isolate-bench-maps", cg->root);
	err = make_cgroup(parent);
	if (!err)
		enable_controllers(parent);
	if (!err)
		err = make_cgroup(cg->ref);
	if (!err)
		err = make_cgroup(cg->maps);
	return err;
}

int cgroup_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

long long cgroup_memory_current(const char *path)
{
	char file[PATH_MAX + 32];
	long long v = -1;
	FILE *f;

	snprintf(file, sizeof(file), "%s/memory.current", path);
	f = fopen(file, "re");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

long long meminfo_bytes(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10) * 1024;
			break;
		}
	}
	fclose(f);
	return v;
}
