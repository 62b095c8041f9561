/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the lifecycle, live-change and run selftests: counting what
 * the pinned maps, the cells cgroup and the state directory hold, running
 * isolate-loader and reading its output, a process parked in a cell that
 * opens a file on request, and the JSON of one cell as the CLI prints it.
 */
#ifndef ISOLATE_SELFTEST_LIFECYCLE_H
#define ISOLATE_SELFTEST_LIFECYCLE_H

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#include "isolate_test.h"

/* The CLI as installed in the VM; ISOLATE_LOADER overrides it. */
#define LOADER_DEFAULT "/usr/bin/isolate-loader"
#define CLI_ARGS_MAX 300

static inline const char *loader_path(void)
{
	const char *p = getenv("ISOLATE_LOADER");

	return p && *p ? p : LOADER_DEFAULT;
}

/* Where libisolate keeps the cells' policies (user/spec.c). */
static inline void spec_dir(char *out, size_t len)
{
	const char *root = getenv("ISOLATE_STATE_DIR");

	snprintf(out, len, "%s/cells", root && *root ? root : "/run/isolate");
}

/* <state dir>/cells/CELL.GEN.WHAT: "yaml" a kept policy, "pending", "bind". */
static inline void state_file_path(char *out, size_t len, const char *cell, unsigned int gen,
				   const char *what)
{
	size_t dir;

	spec_dir(out, len);
	dir = strlen(out);
	snprintf(out + dir, len - dir, "/%s.%u.%s", cell, gen, what);
}

/* Where libisolate lists the keys of each ruleset (user/ruleset_keys.c). */
static inline void rulesets_path(char *out, size_t len)
{
	const char *root = getenv("ISOLATE_STATE_DIR");

	snprintf(out, len, "%s/rulesets", root && *root ? root : "/run/isolate");
}

/* Where libisolate makes the cells' channels. */
static inline void channels_path(char *out, size_t len)
{
	const char *root = getenv("ISOLATE_STATE_DIR");

	snprintf(out, len, "%s/channels", root && *root ? root : "/run/isolate");
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Entries of the pinned map NAME (counted by key), or -errno. */
static inline long map_entries(struct isolate *iso, const char *name)
{
	unsigned char key[256], next[256];
	struct bpf_map_info info;
	__u32 info_len = sizeof(info);
	int fd = test_pinned_map(iso, name), err;
	long n = 0;

	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) || info.key_size > sizeof(key)) {
		close(fd);
		return -EINVAL;
	}
	while (!(err = bpf_map_get_next_key(fd, n ? key : NULL, next))) {
		memcpy(key, next, info.key_size);
		n++;
	}
	err = errno;
	close(fd);
	return err == ENOENT ? n : -err;
}

/* The maps holding per-cell entries, and their counts at one moment. */
struct map_counts {
	long cells, inode_rules, net_rules;
};

static inline int map_counts(struct isolate *iso, struct map_counts *c)
{
	c->cells = map_entries(iso, "cells");
	c->inode_rules = map_entries(iso, "inode_rules");
	c->net_rules = map_entries(iso, "net_rules");
	return c->cells < 0 || c->inode_rules < 0 || c->net_rules < 0 ? -1 : 0;
}

/*
 * Entries of directory dir whose name starts with prefix ("" for all,
 * dot entries excluded); only directories when dirs_only. -errno if dir
 * cannot be read (0 if it does not exist).
 */
static inline long dir_entries(const char *dir, const char *prefix, bool dirs_only)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	long n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		if (dirs_only && de->d_type != DT_DIR)
			continue;
		n++;
	}
	closedir(d);
	return n;
}

/* The whole of a small file, NUL-terminated; length or -errno. */
static inline ssize_t read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return n < 0 ? -errno : (ssize_t)got;
}

/* A file of the cell's cgroup directory, e.g. "cgroup.procs". */
static inline ssize_t cell_cgroup_read(struct isolate *iso, const char *cell,
				       const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", isolate_cells_cgroup(iso), cell, file);
	return read_text(path, buf, len);
}

/*
 * Starts argv (argv[0] is the program's path) with envp (NULL: ours),
 * stdin from /dev/null, stdout to out_fd (-1: /dev/null), stderr to
 * err_fd (-1: ours). Returns the pid or -1.
 */
static inline pid_t spawn_argv(const char *const argv[], char *const envp[],
			       int out_fd, int err_fd)
{
	extern char **environ;
	pid_t pid = fork();

	if (pid)
		return pid;
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd >= 0 ? out_fd : null, 1) < 0 ||
	    (err_fd >= 0 && dup2(err_fd, 2) < 0))
		_exit(125);
	execve(argv[0], (char *const *)argv, envp ? envp : environ);
	fprintf(stderr, "# exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Exit status of pid: its code, 128 + signal, or -1. */
static inline int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

/*
 * Runs isolate-loader with args (NULL-terminated list, the loader's path
 * left out) and the environment envp (NULL: ours); its stdout goes to out
 * (NUL-terminated, cut at len - 1; out may be NULL), its stderr to ours.
 * Returns its exit status, 128 + signal, or -1.
 */
static inline int cli_argv_env(char *out, size_t len, char *const envp[],
			       const char *const args[])
{
	const char *argv[CLI_ARGS_MAX + 2] = { loader_path() };
	size_t got = 0, n = 1;
	int pipefd[2];
	ssize_t r;
	pid_t pid;

	for (; args[n - 1] && n <= CLI_ARGS_MAX; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = spawn_argv(argv, envp, pipefd[1], -1);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -1;
	}
	char sink[512];

	for (;;) {
		char *dst = out && got + 1 < len ? out + got : sink;
		size_t room = out && got + 1 < len ? len - 1 - got : sizeof(sink);

		r = read(pipefd[0], dst, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (dst != sink)
			got += r;
	}
	close(pipefd[0]);
	if (out && len)
		out[got] = 0;
	return wait_status(pid);
}

static inline int cli_argv(char *out, size_t len, const char *const args[])
{
	return cli_argv_env(out, len, NULL, args);
}

/* cli_argv with the arguments listed, ended by NULL. */
static inline int cli(char *out, size_t len, const char *arg, ...)
{
	const char *args[CLI_ARGS_MAX + 1];
	size_t n = 0;
	va_list ap;

	va_start(ap, arg);
	for (const char *a = arg; a && n < CLI_ARGS_MAX; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	return cli_argv(out, len, args);
}

/*
 * The JSON object of cell name in a document the CLI printed (`cell show`,
 * `status`, `restore` ...): the value of the first "cell" member whose
 * "name" is name, copied to out. 0, or -ENOENT / -E2BIG.
 */
static inline int cell_json(const char *doc, const char *name, char *out, size_t len)
{
	char needle[128];
	const char *start, *p;
	bool in_string = false;
	int depth = 0;

	snprintf(needle, sizeof(needle), "\"cell\":{\"name\":\"%s\",", name);
	start = strstr(doc, needle);
	if (!start)
		return -ENOENT;
	start += strlen("\"cell\":");
	for (p = start; *p; p++) {
		if (in_string) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_string = false;
			continue;
		}
		if (*p == '"')
			in_string = true;
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			break;
	}
	if (!*p)
		return -ENOENT;
	if ((size_t)(p + 1 - start) >= len)
		return -E2BIG;
	memcpy(out, start, p + 1 - start);
	out[p + 1 - start] = 0;
	return 0;
}

/* The unsigned number after "key": in doc (first occurrence), or -1. */
static inline long long json_uint(const char *doc, const char *key)
{
	char needle[96];
	const char *p;

	snprintf(needle, sizeof(needle), "\"%s\":", key);
	p = strstr(doc, needle);
	if (!p)
		return -1;
	p += strlen(needle);
	if (*p < '0' || *p > '9')
		return -1;
	return strtoll(p, NULL, 10);
}

/* A child started inside a cell's cgroup that does not wait for. */
static inline pid_t spawn_in_cell(struct isolate *iso, const char *cell,
				  cell_op_fn op, void *arg)
{
	return start_in_cgroup(isolate_cell_cgroup_fd(iso, cell), op, arg);
}

/*
 * A process parked in a cell: on each request it opens path (read-only)
 * and answers with the errno (0 for success). It lives on across loader
 * runs, unloads and policy changes, so the same task is asked each time.
 */
struct probe {
	pid_t pid;
	int req;	/* parent -> child */
	int ans;	/* child -> parent */
};

struct probe_child {
	int req, ans;		/* the child's ends */
	int parent_req, parent_ans;	/* the parent's, closed in the child */
};

static inline int probe_loop(void *arg)
{
	const struct probe_child *c = arg;
	char path[PATH_MAX];
	size_t n;

	/* Our copy of the parent's end would keep the requests from ending. */
	close(c->parent_req);
	close(c->parent_ans);
	for (;;) {
		/* A request: the path's length, then the path. */
		if (read(c->req, &n, sizeof(n)) != sizeof(n) || n >= sizeof(path) ||
		    read(c->req, path, n) != (ssize_t)n)
			return 0;
		path[n] = 0;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int err = fd < 0 ? errno : 0;

		if (fd >= 0)
			close(fd);
		if (write(c->ans, &err, sizeof(err)) != sizeof(err))
			return 1;
	}
}

static inline int probe_start(struct isolate *iso, const char *cell, struct probe *p)
{
	int req[2], ans[2];
	struct probe_child c;

	if (pipe2(req, O_CLOEXEC))
		return -1;
	if (pipe2(ans, O_CLOEXEC)) {
		close(req[0]);
		close(req[1]);
		return -1;
	}
	c.req = req[0];
	c.ans = ans[1];
	c.parent_req = req[1];
	c.parent_ans = ans[0];
	p->pid = spawn_in_cell(iso, cell, probe_loop, &c);
	close(req[0]);
	close(ans[1]);
	p->req = req[1];
	p->ans = ans[0];
	return p->pid < 0 ? -1 : 0;
}

/* The errno of an open of path by the probe, or -1 (no answer in 10 s). */
static inline int probe_open(struct probe *p, const char *path)
{
	struct pollfd pfd = { .fd = p->ans, .events = POLLIN };
	size_t n = strlen(path);
	int err;

	if (p->pid <= 0 || write(p->req, &n, sizeof(n)) != sizeof(n) ||
	    write(p->req, path, n) != (ssize_t)n)
		return -1;
	if (poll(&pfd, 1, 10000) != 1 || read(p->ans, &err, sizeof(err)) != sizeof(err))
		return -1;
	return err;
}

/* Ends the probe; its exit status, or -1. */
static inline int probe_stop(struct probe *p)
{
	int status = -1;

	if (p->pid > 0) {
		close(p->req);
		close(p->ans);
		status = wait_status(p->pid);
		p->pid = 0;
	}
	return status;
}

/* Removes a test's directory tree. */
static inline int remove_tree_cmd(const char *dir)
{
	char cmd[PATH_MAX + 16];

	if (!dir[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

#endif /* ISOLATE_SELFTEST_LIFECYCLE_H */
