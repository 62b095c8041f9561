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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "common/cgroup.h"

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

/* The map NAME that iso's load pinned, opened: a descriptor, or -errno. */
static inline int test_pinned_map(struct isolate *iso, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", isolate_pin_root(iso), ISOLATE_PIN_MAPS, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

typedef int (*cell_op_fn)(void *arg);

/*
 * Starts op in a child created inside the cgroup open at cgroup_fd (which
 * is closed), exiting with what op returns. The pid, or -1.
 */
static inline pid_t start_in_cgroup(int cgroup_fd, cell_op_fn op, void *arg)
{
	pid_t pid;

	if (cgroup_fd < 0)
		return -1;
	pid = clone_into_cgroup(cgroup_fd);
	if (pid == 0)
		_exit(op(arg));
	close(cgroup_fd);
	return pid;
}

/* What the child pid exited with, or -1 if it died otherwise. */
static inline int wait_exit_code(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Runs op in a child created inside the cell's cgroup. Returns what op
 * returned (an errno, 0 for success) or -1 if the child died otherwise.
 * *child_pid gets the child's pid when not NULL.
 */
static inline int run_in_cell(struct isolate *iso, const char *cell,
			      cell_op_fn op, void *arg, pid_t *child_pid)
{
	pid_t pid = start_in_cgroup(isolate_cell_cgroup_fd(iso, cell), op, arg);

	if (child_pid)
		*child_pid = pid;
	return wait_exit_code(pid);
}

/* Opens path with flags; 0 or the errno. */
struct open_args {
	const char *path;
	int flags;
};

static inline int open_errno(void *arg)
{
	const struct open_args *a = arg;
	int fd = open(a->path, a->flags | O_CLOEXEC, 0644);

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

/* ---- Test environments: a private tree, cells and their images -------- */

#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

#define TEST_CELLS_MAX	6
#define TEST_CAPS_MAX	32

/* A cell, and the same policy compiled here, to ask isolate_explain. */
struct test_cell_entry {
	char name[64];
	struct isolate_image *img;
	struct isolate_cell_state st;
};

/*
 * What a test works in: isolate loaded, a directory of its own under /tmp
 * (optionally a tmpfs of its own in a private mount namespace, so the test
 * may mount, and depths count from its root), and the cells it made.
 */
struct test_env {
	struct isolate *iso;
	char root[64];
	bool mounted;
	char prefix[24];	/* every cell name starts with it */
	size_t n_cells;
	struct test_cell_entry cells[TEST_CELLS_MAX];
};

/* A private mount namespace whose mounts do not propagate back. */
static inline int test_private_mounts(void)
{
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL)) {
		fprintf(stderr, "# private mount namespace: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Loads isolate and makes env->root. With own_tmpfs, the calling process
 * moves to a private mount namespace and env->root is a fresh tmpfs.
 */
static inline int test_env_setup(struct test_env *env, bool own_tmpfs)
{
	const char *prog = program_invocation_short_name;
	size_t n = strcspn(prog, "_");
	int err;

	memset(env, 0, sizeof(*env));
	snprintf(env->prefix, sizeof(env->prefix), "%.*s-%d", (int)(n < 8 ? n : 8),
		 prog, getpid());
	err = test_load(&env->iso);
	if (err)
		return err;
	strcpy(env->root, "/tmp/isolate-XXXXXX");
	if (!mkdtemp(env->root)) {
		env->root[0] = '\0';
		return -errno;
	}
	if (!own_tmpfs)
		return 0;
	err = test_private_mounts();
	if (err)
		return err;
	if (mount("tmpfs", env->root, "tmpfs", 0, "mode=0755")) {
		fprintf(stderr, "# tmpfs on %s: %s\n", env->root, strerror(errno));
		return -errno;
	}
	env->mounted = true;
	return 0;
}

static int test_rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

/* Destroys the cells, unmounts and removes the tree; 0 or -errno. */
static inline int test_env_teardown(struct test_env *env)
{
	int err = 0;

	for (size_t i = 0; i < env->n_cells; i++) {
		if (env->iso && isolate_cell_destroy(env->iso, env->cells[i].name)) {
			fprintf(stderr, "# destroying cell %s: %s\n", env->cells[i].name,
				isolate_last_error());
			err = -EIO;
		}
		isolate_image_free(env->cells[i].img);
	}
	env->n_cells = 0;
	if (env->mounted && umount2(env->root, MNT_DETACH))
		err = err ?: -errno;
	env->mounted = false;
	if (env->root[0] && nftw(env->root, test_rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT))
		err = err ?: -errno;
	env->root[0] = '\0';
	if (env->iso)
		isolate_close(env->iso);
	env->iso = NULL;
	return err;
}

/* root/<fmt...> in one of a few rotating buffers: valid for a few calls. */
static inline const char *test_path(const struct test_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline const char *test_path(const struct test_env *env, const char *fmt, ...)
{
	static char buf[16][PATH_MAX];
	static unsigned int next;
	char *p = buf[next++ % 16];
	int n = snprintf(p, PATH_MAX, "%s/", env->root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p + n, PATH_MAX - n, fmt, ap);
	va_end(ap);
	return p;
}

/* mkdir -p root/rel; 0 or -errno. */
static inline int test_mkdir(const struct test_env *env, const char *rel)
{
	char path[PATH_MAX + 80];

	snprintf(path, sizeof(path), "%s/%s", env->root, rel);
	for (char *p = path + strlen(env->root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
}

/* root/rel holding text (its directories made); 0 or -errno. */
static inline int test_file(const struct test_env *env, const char *rel, const char *text)
{
	char dir[PATH_MAX - 128];
	const char *slash = strrchr(rel, '/');
	int err;

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
		err = test_mkdir(env, dir);
		if (err)
			return err;
	}
	return write_file(test_path(env, "%s", rel), text);
}

/* The policy of caps compiled here; 0 or -errno (and a message). */
static inline int test_image(const char *name, const char *const caps[],
			     struct isolate_image **img)
{
	struct isolate_cell_policy *pol = test_policy(name, caps);
	struct isolate_diag diag = { 0 };
	int err;

	if (!pol)
		return -EINVAL;
	err = isolate_compile(pol, img, &diag);
	if (err)
		fprintf(stderr, "# compiling %s: %s\n", name, diag.msg);
	isolate_cell_policy_free(pol);
	return err;
}

/*
 * Creates cell <prefix>-<tag> from the capabilities that follow, a list
 * ended by NULL; in each, "%s" stands for env->root. Compiles the same
 * policy for explain. Returns the cell's index, or -errno.
 */
static inline int test_env_cell(struct test_env *env, const char *tag, ...)
{
	char bufs[TEST_CAPS_MAX][PATH_MAX + 32];
	const char *caps[TEST_CAPS_MAX + 1];
	struct test_cell_entry *c;
	const char *fmt;
	size_t n = 0;
	va_list ap;
	int err;

	if (env->n_cells == TEST_CELLS_MAX)
		return -ENOSPC;
	va_start(ap, tag);
	while ((fmt = va_arg(ap, const char *)) && n < TEST_CAPS_MAX) {
		snprintf(bufs[n], sizeof(bufs[n]), fmt, env->root);
		caps[n] = bufs[n];
		n++;
	}
	va_end(ap);
	caps[n] = NULL;
	c = &env->cells[env->n_cells];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s-%s", env->prefix, tag);
	err = test_cell(env->iso, c->name, caps, &c->st);
	if (err)
		return err;
	env->n_cells++;
	err = test_image(c->name, caps, &c->img);
	if (err)
		return err;
	return (int)(env->n_cells - 1);
}

/* Runs op in cell i; its errno (0: success), -1 if the child died. */
static inline int test_run(const struct test_env *env, int i, cell_op_fn op, void *arg)
{
	if (i < 0 || (size_t)i >= env->n_cells)
		return -1;
	return run_in_cell(env->iso, env->cells[i].name, op, arg, NULL);
}

/* Runs op in a child outside every cell (a control); like run_in_cell. */
static inline int run_outside(cell_op_fn op, void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(op(arg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---- Explain agrees with the kernel --------------------------------------- */

#define EXPLAIN_FAILED		1001	/* isolate_explain refused the question */
#define EXPLAIN_DISAGREES	1002	/* explain and the kernel disagree */

/*
 * Whether explain says the cell of img holds every right of access
 * (ISOLATE_ACCESS_*) at path: 1 or 0, -1 when explain fails.
 */
static inline int test_explain_file(const struct isolate_image *img, __u32 access,
				    const char *path)
{
	static const enum isolate_cap_kind kinds[ISOLATE_RIGHTS] = {
		ISOLATE_CAP_READ, ISOLATE_CAP_WRITE, ISOLATE_CAP_EXEC,
	};
	struct isolate_diag diag = { 0 };
	struct isolate_verdict v;
	int allowed = 1;

	for (int r = 0; r < ISOLATE_RIGHTS; r++) {
		if (!(access & (1U << r)))
			continue;
		if (isolate_explain(img, kinds[r], path, &v, &diag)) {
			fprintf(stderr, "# explain %s: %s\n", path, diag.msg);
			return -1;
		}
		allowed &= v.allowed;
	}
	return allowed;
}

/* Whether explain allows op (ISOLATE_CAP_CONNECT, _BIND) to "tcp:ADDR:PORT". */
static inline int test_explain_net(const struct isolate_image *img,
				   enum isolate_cap_kind op, const char *target)
{
	struct isolate_diag diag = { 0 };
	struct isolate_verdict v;

	if (isolate_explain(img, op, target, &v, &diag)) {
		fprintf(stderr, "# explain %s: %s\n", target, diag.msg);
		return -1;
	}
	return v.allowed;
}

/* result, unless explain's answer says otherwise (then a message). */
static inline int test_agree(int explained, int result, const char *what)
{
	if (explained < 0)
		return EXPLAIN_FAILED;
	if (result < 0 || explained == (result == 0))
		return result;
	fprintf(stderr, "# explain says %s is %s, the kernel returned %d (%s)\n",
		what, explained ? "allowed" : "refused", result, strerror(result));
	return EXPLAIN_DISAGREES;
}

/*
 * Runs op in cell i and checks that explain, asked about access at path,
 * agrees: allowed exactly when op returned 0. Returns op's errno, or
 * EXPLAIN_DISAGREES / EXPLAIN_FAILED.
 */
static inline int test_run_file(const struct test_env *env, int i, __u32 access,
				const char *path, cell_op_fn op, void *arg)
{
	int result = test_run(env, i, op, arg);

	if (i < 0 || (size_t)i >= env->n_cells)
		return result;
	return test_agree(test_explain_file(env->cells[i].img, access, path), result, path);
}

/* The same for a network operation on target ("tcp:127.0.0.1:80"). */
static inline int test_run_net(const struct test_env *env, int i, enum isolate_cap_kind op,
			       const char *target, cell_op_fn fn, void *arg)
{
	int result = test_run(env, i, fn, arg);

	if (i < 0 || (size_t)i >= env->n_cells)
		return result;
	return test_agree(test_explain_net(env->cells[i].img, op, target), result, target);
}

/* The rights open(2) with flags asks for, as the kernel's hook counts them. */
static inline __u32 test_open_access(int flags)
{
	__u32 access = 0;

	if ((flags & O_ACCMODE) != O_WRONLY)
		access |= ISOLATE_ACCESS_READ;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		access |= ISOLATE_ACCESS_WRITE;
	return access;
}

/* open(path, flags) in cell i, checked against explain. */
static inline int test_open(const struct test_env *env, int i, const char *path, int flags)
{
	struct open_args a = { path, flags };

	return test_run_file(env, i, test_open_access(flags), path, open_errno, &a);
}

/* ---- Output of a child ----------------------------------------------------- */

/*
 * run_in_cell with the child's stdout and stderr collected in out (cut to
 * len - 1 bytes, NUL-terminated).
 */
static inline int run_in_cell_output(struct isolate *iso, const char *cell,
				     cell_op_fn op, void *arg, char *out, size_t len)
{
	int fd = isolate_cell_cgroup_fd(iso, cell), status, p[2];
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	out[0] = '\0';
	if (fd < 0 || pipe2(p, O_CLOEXEC))
		return -1;
	pid = clone_into_cgroup(fd);
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		_exit(op(arg));
	}
	close(fd);
	close(p[1]);
	while (pid > 0 && (n = read(p[0], out + used, len - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(p[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* ---- Exec ------------------------------------------------------------------ */

/* execveat(dirfd, path, argv, envp, flags); the errno when it fails. */
struct exec_args {
	int dirfd;			/* AT_FDCWD, or an fd for execveat */
	const char *path;		/* "" with AT_EMPTY_PATH */
	int flags;
	const char *argv[8];
	const char *envp[4];
};

static inline int exec_errno(void *arg)
{
	const struct exec_args *a = arg;

	syscall(SYS_execveat, a->dirfd, a->path, a->argv, a->envp, a->flags);
	return errno;
}

/* ---- Sockets --------------------------------------------------------------- */

/* addr:port of either family into ss; its length, or 0 for a bad address. */
static inline socklen_t test_sockaddr(struct sockaddr_storage *ss, const char *addr, int port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	return 0;
}

/*
 * One socket operation: a new socket (or fd, when >= 0) of family/type,
 * then connect, bind, bind+listen or sendto addr:port.
 */
enum sock_op { SOCK_CONNECT, SOCK_BIND, SOCK_LISTEN, SOCK_SENDTO };

struct sock_args {
	enum sock_op op;
	int family, type, protocol;
	const char *addr;
	int port;
	int fd;			/* an inherited socket, or -1 */
	bool af_unspec;		/* the address says AF_UNSPEC, not its family */
	int flags;		/* of sendto */
};

static inline int sock_errno(void *arg)
{
	const struct sock_args *a = arg;
	struct sockaddr_storage ss;
	socklen_t len = test_sockaddr(&ss, a->addr, a->port);
	int fd = a->fd >= 0 ? a->fd : socket(a->family, a->type | SOCK_CLOEXEC, a->protocol);
	int ret;

	if (fd < 0)
		return errno;
	if (!len)
		return EINVAL;
	if (a->af_unspec)
		ss.ss_family = AF_UNSPEC;
	switch (a->op) {
	case SOCK_CONNECT:
		ret = connect(fd, (struct sockaddr *)&ss, len);
		break;
	case SOCK_BIND:
		ret = bind(fd, (struct sockaddr *)&ss, len);
		break;
	case SOCK_LISTEN:
		ret = a->fd >= 0 ? 0 : bind(fd, (struct sockaddr *)&ss, len);
		if (!ret)
			ret = listen(fd, 8);
		break;
	case SOCK_SENDTO:
		ret = sendto(fd, "x", 1, a->flags, (struct sockaddr *)&ss, len) == 1 ? 0 : -1;
		break;
	default:
		return EINVAL;
	}
	return ret ? errno : 0;
}

/* A listening TCP socket (or a bound UDP one) on addr:port; fd or -errno. */
static inline int test_listener(int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = test_sockaddr(&ss, addr, port);
	int one = 1, fd;

	if (!len)
		return -EINVAL;
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		int err = -errno;

		fprintf(stderr, "# listener %s:%d: %s\n", addr, port, strerror(errno));
		close(fd);
		return err;
	}
	return fd;
}

/* ---- Events ---------------------------------------------------------------- */

#define TEST_EVENTS_MAX 512

/* Access events (deny and audit) read from the ring buffers. */
struct test_events {
	struct isolate_events *ev;
	size_t n;
	struct isolate_event_access *rec;
};

static inline int test_events_record(void *ctx, const struct isolate_event_hdr *h,
				     size_t size)
{
	struct test_events *te = ctx;

	if ((h->event_class != ISOLATE_EVENT_DENY && h->event_class != ISOLATE_EVENT_AUDIT) ||
	    size < sizeof(struct isolate_event_access) || te->n == TEST_EVENTS_MAX)
		return 0;
	memcpy(&te->rec[te->n++], h, sizeof(struct isolate_event_access));
	return 0;
}

/* Reads what is in the buffers until they stay empty for 100 ms. */
/*
 * Reads what the rings hold now. A hook writes its record before the
 * operation returns, so once the operation's process is gone its records
 * are there: no waiting for more (other cells' records may keep coming,
 * and waiting for a quiet moment then never ends).
 */
static inline void test_events_drain(struct test_events *te)
{
	for (int i = 0; i < 1000; i++)
		if (isolate_events_poll(te->ev, 0) <= 0)
			break;
}

/* Opens the ring buffers and drops what earlier tests left there. */
static inline int test_events_start(struct isolate *iso, struct test_events *te)
{
	int err;

	te->n = 0;
	te->rec = calloc(TEST_EVENTS_MAX, sizeof(*te->rec));
	if (!te->rec)
		return -ENOMEM;
	err = isolate_events_open(iso, test_events_record, te, &te->ev);
	if (err) {
		fprintf(stderr, "# events: %s\n", isolate_last_error());
		free(te->rec);
		te->rec = NULL;
		return err;
	}
	test_events_drain(te);
	te->n = 0;
	return 0;
}

static inline void test_events_stop(struct test_events *te)
{
	if (te->ev)
		isolate_events_close(te->ev);
	te->ev = NULL;
	free(te->rec);
	te->rec = NULL;
}

/*
 * The events of class (ISOLATE_EVENT_DENY, _AUDIT) from the cell of
 * cgroup cgid for op (ISOLATE_OP_*, or ISOLATE_OP_NONE for any); the last
 * one in *found when not NULL.
 */
static inline int test_events_count(const struct test_events *te, __u32 event_class,
				    __u64 cgid, __u32 op,
				    const struct isolate_event_access **found)
{
	int n = 0;

	for (size_t i = 0; i < te->n; i++) {
		const struct isolate_event_access *e = &te->rec[i];

		if (e->hdr.event_class != event_class || e->hdr.cell_cgid != cgid ||
		    (op != ISOLATE_OP_NONE && e->op != op))
			continue;
		n++;
		if (found)
			*found = e;
	}
	return n;
}

#endif /* ISOLATE_SELFTEST_H */
