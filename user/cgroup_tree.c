// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* cgroup v2 directories: ids, depth, and removal of a cell's subtree. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "user/internal.h"

int cgroup_id_of(const char *path, __u64 *id)
{
	uint64_t v;
	int err = cgroup_id(path, &v);

	if (err)
		return set_error(err, "cannot get the cgroup id of %s: %s", path, strerror(-err));
	*id = v;
	return 0;
}

/* How many components path has ("/" none, "/a//b" two). */
static unsigned int components(const char *path)
{
	unsigned int n = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			n++;
	return n;
}

/* The inode of the initial cgroup namespace (the kernel's PROC_CGROUP_INIT_INO). */
#define CGROUP_NS_INITIAL_INO 0xEFFFFFFBU

/*
 * Whether this process sees the whole cgroup hierarchy: in another
 * cgroup namespace (a container's), mountinfo's roots and /proc's cgroup
 * paths start at the namespace's root, and the depth the kernel counts
 * cannot be known.
 */
static int in_initial_cgroup_namespace(void)
{
	struct stat st;

	if (stat("/proc/self/ns/cgroup", &st))
		return errno == ENOENT ? 0 : set_error(-errno, "cannot stat /proc/self/ns/cgroup: %s",
							strerror(errno));
	if (st.st_ino != CGROUP_NS_INITIAL_INO)
		return set_error(-EOPNOTSUPP, "this process is in a cgroup namespace of its own (a container's?): the depth of the cells' cgroup, which the programs compare, cannot be known from here; load isolate from the host's cgroup namespace");
	return 0;
}

/*
 * Depth below the root of the hierarchy, which is what
 * bpf_get_current_ancestor_cgroup_id() counts: the components of where
 * the directory lies in its file system (the mount's root, mountinfo field
 * 4, and the path below the mount point), of the path as resolved, so
 * that "..", "//" and symlinks count as the kernel does.
 */
int cgroup_level_of(const char *path, unsigned int *level)
{
	const struct mount_entry *m = NULL;
	char within[PATH_MAX], *real = NULL;
	struct mount_table t;
	int err = in_initial_cgroup_namespace();

	if (err)
		return err;
	real = realpath(path, NULL);
	if (!real)
		return set_error(-errno, "cannot resolve %s: %s", path, strerror(errno));
	err = mount_table_read(&t);
	if (err) {
		free(real);
		return set_error(err, "cannot read /proc/self/mountinfo: %s", strerror(-err));
	}
	err = mount_fs_path(&t, real, within, sizeof(within), &m);
	if (err)
		err = set_error(err, "cannot place %s among the mounts: %s", real, strerror(-err));
	else if (strcmp(m->fstype, "cgroup2"))
		err = set_error(-EINVAL, "%s is not on a cgroup2 file system (%s)", real, m->fstype);
	else
		*level = components(within);
	mount_table_free(&t);
	free(real);
	return err;
}

static int write_file(const char *dir, const char *name, const char *value)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -errno : 0;
}

static bool cgroup_populated(const char *dir)
{
	char path[PATH_MAX], line[128];
	bool populated = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "populated ", 10))
			populated = line[10] == '1';
	fclose(f);
	return populated;
}

static int remove_tree(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		err = remove_tree(sub);
		if (err)
			break;
	}
	closedir(d);
	if (!err && rmdir(dir) && errno != ENOENT)
		err = -errno;
	return err;
}

/*
 * Kills every process in the subtree and waits until the kernel reports it
 * empty (up to 10 s). 0 also when the cgroup does not exist.
 */
int cgroup_kill(const char *dir)
{
	struct timespec start, now;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		/* cgroup.kill (5.14) kills the whole subtree, forks included */
		err = write_file(dir, "cgroup.kill", "1");
		if (err && err != -ENOENT)
			return set_error(err, "cannot kill the processes of %s: %s",
					 dir, strerror(-err));
		if (err == -ENOENT && access(dir, F_OK))
			return 0;
		if (!cgroup_populated(dir))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			return set_error(-EBUSY, "processes in %s survived SIGKILL for 10 s", dir);
		poll(NULL, 0, 10);
	}
	return 0;
}

/* cgroup_kill, then the directories are removed, deepest first. */
int cgroup_kill_and_remove(const char *dir)
{
	int err = cgroup_kill(dir);

	if (!err)
		err = remove_tree(dir);
	if (err)
		return set_error(err, "cannot remove %s: %s", dir, strerror(-err));
	return 0;
}

static bool budget_file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return !access(path, F_OK);
}

static int set_limit(const char *dir, const char *file, const char *value,
		     const char *what)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!budget_file_exists(dir, file))
		return set_error(-EOPNOTSUPP,
				 "a %s budget can not be enforced here: the cgroup v2 %s controller is not available (%s is missing)",
				 what, what, path);
	err = write_file(dir, file, value);
	if (err)
		return set_error(err, "cannot write %s: %s", path, strerror(-err));
	return 0;
}

/*
 * The budget files, in the order they are written (struct cgroup_budgets).
 * A memory budget is of memory: the cell's pages may not go to swap
 * either, where none of its budget counts them (memory.swap.max is 0).
 * Without swap accounting there is no such file and swap is no one's.
 */
enum { BUDGET_CPU, BUDGET_MEMORY, BUDGET_SWAP, BUDGET_PIDS };

static const struct {
	const char *file, *what;
	__u32 bit;
	bool where_present;
} budget_files[CGROUP_BUDGETS] = {
	[BUDGET_CPU] = { "cpu.max", "cpu", ISOLATE_UNENFORCED_CPU, false },
	[BUDGET_MEMORY] = { "memory.max", "memory", ISOLATE_UNENFORCED_MEMORY, false },
	[BUDGET_SWAP] = { "memory.swap.max", "memory", ISOLATE_UNENFORCED_MEMORY, true },
	[BUDGET_PIDS] = { "pids.max", "pids", ISOLATE_UNENFORCED_PIDS, false },
};

/* What a budget file says now, without its newline; "" when it has none. */
static void read_budget(const char *dir, const char *file, char *out, size_t len)
{
	char path[PATH_MAX];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		n = read(fd, out, len - 1);
		close(fd);
	}
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

void cgroup_limits_in_force(const char *dir, struct isolate_image_limits *l)
{
	char value[64];
	unsigned long long quota, period, n;

	memset(l, 0, sizeof(*l));
	read_budget(dir, budget_files[BUDGET_CPU].file, value, sizeof(value));
	if (sscanf(value, "%llu %llu", &quota, &period) == 2 && quota && period) {
		l->cpu_quota_us = quota;
		l->cpu_period_us = period;
	}
	read_budget(dir, budget_files[BUDGET_MEMORY].file, value, sizeof(value));
	if (sscanf(value, "%llu", &n) == 1 && n)
		l->memory_max = n;
	read_budget(dir, budget_files[BUDGET_PIDS].file, value, sizeof(value));
	if (sscanf(value, "%llu", &n) == 1 && n && n <= UINT32_MAX)
		l->pids_max = (__u32)n;
}

/*
 * Writes back the budgets *before holds, after a change failed with err
 * (its message set). A budget that cannot be written back is added to
 * that message: the cell keeps what the failed change wrote there.
 */
int cgroup_restore_limits(const char *dir, const struct cgroup_budgets *before, int err)
{
	char why[512];
	int werr;

	for (int i = 0; i < CGROUP_BUDGETS; i++) {
		if (!before->value[i][0])
			continue;
		werr = write_file(dir, budget_files[i].file, before->value[i]);
		if (!werr)
			continue;
		snprintf(why, sizeof(why), "%s", isolate_last_error());
		err = set_error(err, "%.200s; and %s/%s stays as the failed change wrote it, not \"%s\": %s",
				why, dir, budget_files[i].file, before->value[i], strerror(-werr));
	}
	return err;
}

/*
 * Writes every budget of l, after reading the ones in force into *before
 * (the caller's, to write back after a later failure; NULL: none).
 * A budget whose controller this system lacks is refused (-EOPNOTSUPP),
 * or, with allow_unenforced, left out and named in *unenforced
 * (ISOLATE_UNENFORCED_* bits). On failure the budgets in force before are
 * written back.
 */
int cgroup_set_limits(const char *dir, const struct isolate_image_limits *l,
		      bool allow_unenforced, __u32 *unenforced, struct cgroup_budgets *before)
{
	char value[CGROUP_BUDGETS][sizeof(before->value[0])] = { "max", "max", "0", "max" };
	bool set[CGROUP_BUDGETS] = { l->cpu_quota_us != 0, l->memory_max != 0, l->memory_max != 0,
				     l->pids_max != 0 };
	struct cgroup_budgets in_force;
	int err = 0;

	if (!before)
		before = &in_force;
	*unenforced = 0;
	if (set[0])
		snprintf(value[0], sizeof(value[0]), "%llu %llu",
			 (unsigned long long)l->cpu_quota_us, (unsigned long long)l->cpu_period_us);
	if (set[1])
		snprintf(value[1], sizeof(value[1]), "%llu", (unsigned long long)l->memory_max);
	if (set[3])
		snprintf(value[3], sizeof(value[3]), "%u", l->pids_max);
	for (int i = 0; i < CGROUP_BUDGETS; i++)
		read_budget(dir, budget_files[i].file, before->value[i], sizeof(before->value[i]));
	for (int i = 0; i < CGROUP_BUDGETS && !err; i++) {
		/* A budget a new generation drops goes back to "max", where it exists. */
		if (!set[i]) {
			write_file(dir, budget_files[i].file, "max");
			continue;
		}
		if (budget_files[i].where_present && !budget_file_exists(dir, budget_files[i].file))
			continue;
		err = set_limit(dir, budget_files[i].file, value[i], budget_files[i].what);
		if (err == -EOPNOTSUPP && allow_unenforced) {
			*unenforced |= budget_files[i].bit;
			err = 0;
		}
	}
	if (err)
		err = cgroup_restore_limits(dir, before, err);
	return err;
}

void cgroup_enable_controllers(const char *dir)
{
	static const char *const controllers[] = { "+cpu", "+memory", "+pids" };

	/* One at a time: one the kernel lacks must not stop the others. */
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++)
		write_file(dir, "cgroup.subtree_control", controllers[i]);
}
