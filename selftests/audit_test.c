// SPDX-License-Identifier: GPL-2.0
/*
 * audit: a cell in audit mode (capability mode:audit) is refused nothing:
 * each operation its rules would refuse succeeds (returns what it returns
 * outside every cell) and is reported as an ISOLATE_EVENT_AUDIT event
 * naming the operation, with error 0, never as a deny event; the cell's
 * audited counter counts them and its denied counter stays 0. explain
 * says the cell is in audit mode and what enforce mode would decide.
 *
 * The audit cell's rules: read:$ROOT/ro, read:$ROOT/rw, write:$ROOT/rw.
 * "outsider": a process of this test in no cell. A TCP listener on
 * 127.0.0.1:8300, made outside the cell, is granted to no one.
 *
 *   $ROOT/             a tmpfs of its own, in a private mount namespace
 *   ├── ro/file        read
 *   ├── rw/            read, write
 *   │   └── mnt/
 *   └── denied/file
 */
#include "kselftest_harness.h"
#include "isolate_test.h"

#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/uio.h>

static volatile int marker = 42;

FIXTURE(audit) {
	struct test_env env;
	int cell;		/* mode:audit */
	int twin;		/* the same rules, enforced */
	pid_t outsider;
	int listener;
};

FIXTURE_SETUP(audit)
{
	ASSERT_EQ(0, test_env_setup(&self->env, true));
	ASSERT_EQ(0, test_file(&self->env, "ro/file", "ro\n"));
	ASSERT_EQ(0, test_file(&self->env, "denied/file", "denied\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "rw/mnt"));
	self->cell = test_env_cell(&self->env, "audit", "mode:audit", "read:%s/ro",
				   "read:%s/rw", "write:%s/rw", "socket:unix", "socket:inet",
				   "socket:inet6", NULL);
	ASSERT_LE(0, self->cell);
	self->twin = test_env_cell(&self->env, "enforce", "read:%s/ro", "read:%s/rw",
				   "write:%s/rw", "socket:unix", "socket:inet", "socket:inet6", NULL);
	ASSERT_LE(0, self->twin);
	ASSERT_EQ((__u32)ISOLATE_MODE_AUDIT, self->env.cells[self->cell].st.cell.mode);
	self->listener = test_listener(SOCK_STREAM, "127.0.0.1", 8300);
	ASSERT_LE(0, self->listener);
	self->outsider = fork();
	ASSERT_LE(0, self->outsider);
	if (self->outsider == 0) {
		for (;;)
			pause();
	}
}

FIXTURE_TEARDOWN(audit)
{
	if (self->outsider > 0) {
		kill(self->outsider, SIGKILL);
		waitpid(self->outsider, NULL, 0);
	}
	if (self->listener > 0)
		close(self->listener);
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

/* What one operation in a cell returned and reported. */
struct audit_result {
	int ret;
	int audits;		/* audit events for the op */
	int denies;		/* deny events of any op */
	int errors;		/* audit events carrying an error */
};

static struct audit_result run_audited(struct test_env *env, int cell, cell_op_fn fn,
				       void *arg, __u32 op)
{
	struct audit_result r = { .ret = -1 };
	struct test_events ev = { 0 };
	__u64 cgid = env->cells[cell].st.cgid;

	if (test_events_start(env->iso, &ev))
		return r;
	r.ret = test_run(env, cell, fn, arg);
	test_events_drain(&ev);
	r.audits = test_events_count(&ev, ISOLATE_EVENT_AUDIT, cgid, op, NULL);
	r.denies = test_events_count(&ev, ISOLATE_EVENT_DENY, cgid, ISOLATE_OP_NONE, NULL);
	for (size_t i = 0; i < ev.n; i++)
		if (ev.rec[i].hdr.cell_cgid == cgid &&
		    ev.rec[i].hdr.event_class == ISOLATE_EVENT_AUDIT && ev.rec[i].error)
			r.errors++;
	test_events_stop(&ev);
	return r;
}

/*
 * op returns want in the audit cell (what it returns outside any cell)
 * and is reported as at least one audit event for event_op, no deny.
 */
#define EXPECT_AUDITED(want, fn, arg, event_op) do {					\
	struct audit_result _r = run_audited(&self->env, self->cell, (fn), (arg),	\
					     (event_op));				\
	EXPECT_EQ((want), _r.ret);							\
	EXPECT_LE(1, _r.audits);							\
	EXPECT_EQ(0, _r.denies);							\
	EXPECT_EQ(0, _r.errors);							\
	if (_r.ret != (want) || _r.audits < 1 || _r.denies || _r.errors)		\
		TH_LOG("%s: returned %d, %d audit events for op %d, %d deny events",	\
		       #fn, _r.ret, _r.audits, (int)(event_op), _r.denies);		\
} while (0)

#define P(...) test_path(&self->env, __VA_ARGS__)

/* ---- Files ------------------------------------------------------------------ */

TEST_F(audit, reads_and_writes_succeed_and_are_audited)
{
	struct open_args a = { P("denied/file"), O_RDONLY };

	EXPECT_AUDITED(0, open_errno, &a, ISOLATE_OP_READ);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, open_errno, &a));
	a.path = P("ro/file");
	a.flags = O_WRONLY;
	EXPECT_AUDITED(0, open_errno, &a, ISOLATE_OP_WRITE);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, open_errno, &a));
	a.path = P("denied/new");
	a.flags = O_WRONLY | O_CREAT;
	EXPECT_AUDITED(0, open_errno, &a, ISOLATE_OP_CREATE);
	EXPECT_EQ(0, access(P("denied/new"), F_OK));
}

struct path_args {
	int op;
	const char *a, *b;
};

enum { P_MKDIR, P_UNLINK, P_RENAME, P_LINK, P_TRUNCATE, P_CHMOD, P_MKNOD };

static int path_errno(void *arg)
{
	const struct path_args *p = arg;
	int ret;

	switch (p->op) {
	case P_MKDIR:
		ret = mkdir(p->a, 0755);
		break;
	case P_UNLINK:
		ret = unlink(p->a);
		break;
	case P_RENAME:
		ret = rename(p->a, p->b);
		break;
	case P_LINK:
		ret = link(p->a, p->b);
		break;
	case P_TRUNCATE:
		ret = truncate(p->a, 0);
		break;
	case P_CHMOD:
		ret = chmod(p->a, 0600);
		break;
	case P_MKNOD:
		ret = mknod(p->a, S_IFCHR | 0600, makedev(1, 3));
		break;
	default:
		return EINVAL;
	}
	return ret ? errno : 0;
}

TEST_F(audit, tree_changes_succeed_and_are_audited)
{
	struct path_args p = { P_MKDIR, P("ro/dir"), NULL };

	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_CREATE);
	p = (struct path_args){ P_TRUNCATE, P("ro/file"), NULL };
	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_TRUNCATE);
	p = (struct path_args){ P_CHMOD, P("ro/file"), NULL };
	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_SETATTR);
	/* Gaining WRITE by a link (EXDEV when enforced). */
	p = (struct path_args){ P_LINK, P("ro/file"), P("rw/link") };
	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_LINK);
	p.b = P("rw/link2");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->twin, path_errno, &p));
	p = (struct path_args){ P_RENAME, P("ro/file"), P("ro/renamed") };
	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_RENAME);
	p = (struct path_args){ P_UNLINK, P("ro/renamed"), NULL };
	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_REMOVE);
	p = (struct path_args){ P_MKNOD, P("rw/null"), NULL };
	EXPECT_AUDITED(0, path_errno, &p, ISOLATE_OP_CREATE);
	p.a = P("rw/null2");
	EXPECT_EQ(EPERM, test_run(&self->env, self->twin, path_errno, &p));
}

/*
 * The audit events of op (run in the audit cell) show want and want2 (or
 * only want when want2 is NULL), whole: the path from the root, through
 * the test's own mount, not just the last name.
 */
static int shows_paths(struct test_env *env, int cell, struct path_args *p, __u32 op,
		       const char *want, const char *want2)
{
	struct test_events ev = { 0 };
	__u64 cgid = env->cells[cell].st.cgid;
	bool seen = false, seen2 = !want2;
	int ret;

	if (test_events_start(env->iso, &ev))
		return -1;
	ret = test_run(env, cell, path_errno, p);
	test_events_drain(&ev);
	for (size_t i = 0; i < ev.n; i++) {
		const struct isolate_event_access *e = &ev.rec[i];

		if (e->hdr.cell_cgid != cgid || e->hdr.event_class != ISOLATE_EVENT_AUDIT ||
		    e->op != op)
			continue;
		seen |= !strcmp(e->path, want);
		seen2 |= want2 && !strcmp(e->path, want2);
	}
	test_events_stop(&ev);
	return ret ? ret : seen && seen2 ? 0 : -2;
}

TEST_F(audit, creates_and_renames_show_whole_paths)
{
	char dir[PATH_MAX], file[PATH_MAX], renamed[PATH_MAX], link_to[PATH_MAX];
	struct path_args p;

	snprintf(dir, sizeof(dir), "%s", P("ro/newdir"));
	snprintf(file, sizeof(file), "%s", P("ro/file"));
	snprintf(renamed, sizeof(renamed), "%s", P("ro/moved"));
	snprintf(link_to, sizeof(link_to), "%s", P("ro/linked"));
	ASSERT_EQ('/', dir[0]);
	p = (struct path_args){ P_MKDIR, dir, NULL };
	EXPECT_EQ(0, shows_paths(&self->env, self->cell, &p, ISOLATE_OP_CREATE, dir, NULL));
	p = (struct path_args){ P_LINK, file, link_to };
	EXPECT_EQ(0, shows_paths(&self->env, self->cell, &p, ISOLATE_OP_LINK, link_to, NULL));
	p = (struct path_args){ P_RENAME, file, renamed };
	EXPECT_EQ(0, shows_paths(&self->env, self->cell, &p, ISOLATE_OP_RENAME, file, renamed));
	p = (struct path_args){ P_UNLINK, renamed, NULL };
	EXPECT_EQ(0, shows_paths(&self->env, self->cell, &p, ISOLATE_OP_REMOVE, renamed, NULL));
}

static int map_exec_errno(void *arg)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC);
	void *m;

	if (fd < 0)
		return 100 + errno;
	m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	return m == MAP_FAILED ? errno : 0;
}

TEST_F(audit, exec_succeeds_and_is_audited)
{
	struct exec_args e = {
		.dirfd = AT_FDCWD, .path = "/bin/busybox", .argv = { "true", NULL },
		.envp = { NULL },
	};

	EXPECT_AUDITED(0, exec_errno, &e, ISOLATE_OP_EXEC);
	EXPECT_AUDITED(0, exec_errno, &e, ISOLATE_OP_MAP_EXEC);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, exec_errno, &e));
	EXPECT_AUDITED(0, map_exec_errno, (void *)P("ro/file"), ISOLATE_OP_MAP_EXEC);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, map_exec_errno,
				   (void *)P("ro/file")));
}

/* ---- Network ----------------------------------------------------------------- */

struct raw_args {
	int family, type, protocol;
};

static int socket_errno(void *arg)
{
	const struct raw_args *a = arg;
	int fd = socket(a->family, a->type | SOCK_CLOEXEC, a->protocol);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int abstract_connect_errno(void *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *name = arg;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);

	memcpy(sun.sun_path + 1, name, strlen(name));
	return connect(fd, (struct sockaddr *)&sun, len) ? errno : 0;
}

TEST_F(audit, network_succeeds_and_is_audited)
{
	struct sock_args s = {
		.op = SOCK_CONNECT, .family = AF_INET, .type = SOCK_STREAM,
		.addr = "127.0.0.1", .port = 8300, .fd = -1,
	};
	struct raw_args raw = { AF_INET, SOCK_RAW, IPPROTO_ICMP };
	char name[64];
	int srv;

	EXPECT_AUDITED(0, sock_errno, &s, ISOLATE_OP_CONNECT);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, sock_errno, &s));
	s = (struct sock_args){ .op = SOCK_SENDTO, .family = AF_INET6, .type = SOCK_DGRAM,
				.addr = "::1", .port = 5300, .fd = -1 };
	EXPECT_AUDITED(0, sock_errno, &s, ISOLATE_OP_CONNECT);
	s = (struct sock_args){ .op = SOCK_BIND, .family = AF_INET, .type = SOCK_DGRAM,
				.addr = "127.0.0.1", .port = 9100, .fd = -1 };
	EXPECT_AUDITED(0, sock_errno, &s, ISOLATE_OP_BIND);
	s.op = SOCK_LISTEN;
	s.type = SOCK_STREAM;
	EXPECT_AUDITED(0, sock_errno, &s, ISOLATE_OP_LISTEN);
	EXPECT_AUDITED(0, socket_errno, &raw, ISOLATE_OP_SOCKET);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, socket_errno, &raw));

	snprintf(name, sizeof(name), "isolate-audit-%d", getpid());
	{
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);

		srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		ASSERT_LE(0, srv);
		memcpy(sun.sun_path + 1, name, strlen(name));
		ASSERT_EQ(0, bind(srv, (struct sockaddr *)&sun, len));
		ASSERT_EQ(0, listen(srv, 4));
	}
	EXPECT_AUDITED(0, abstract_connect_errno, name, ISOLATE_OP_CONNECT);
	EXPECT_EQ(EACCES, test_run(&self->env, self->twin, abstract_connect_errno, name));
	close(srv);
}

/* ---- Escapes -------------------------------------------------------------------- */

enum { E_KILL0, E_SETPRIO, E_VM_READ, E_USERNS, E_BPF, E_KEY, E_MOUNT, E_CGROUP,
       E_MODULE };

struct escape_args {
	int op;
	pid_t pid;
	const char *path;
};

static int escape_errno(void *arg)
{
	const struct escape_args *a = arg;
	int local = 0;
	struct iovec liov = { &local, sizeof(local) }, riov = { (void *)&marker, sizeof(marker) };
	static const char junk[64] = "not a module";
	union bpf_attr attr;
	long ret;

	switch (a->op) {
	case E_KILL0:
		ret = kill(a->pid, 0);
		break;
	case E_SETPRIO:
		ret = setpriority(PRIO_PROCESS, (id_t)a->pid, 0);
		break;
	case E_VM_READ:
		ret = process_vm_readv(a->pid, &liov, 1, &riov, 1, 0);
		if (ret >= 0)
			return local == 42 ? 0 : 200;
		break;
	case E_USERNS:
		ret = unshare(CLONE_NEWUSER);
		break;
	case E_BPF:
		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_ARRAY;
		attr.key_size = 4;
		attr.value_size = 4;
		attr.max_entries = 1;
		ret = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		break;
	case E_KEY:
		ret = syscall(SYS_add_key, "user", "isolate-audit", "x", 1,
			      KEY_SPEC_PROCESS_KEYRING);
		break;
	case E_MOUNT:
		ret = mount("tmpfs", a->path, "tmpfs", 0, NULL);
		break;
	case E_CGROUP:
		ret = open(a->path, O_WRONLY | O_CLOEXEC);	/* opened only */
		break;
	case E_MODULE:
		ret = syscall(SYS_init_module, junk, sizeof(junk), "");
		break;
	default:
		return EINVAL;
	}
	return ret < 0 ? errno : 0;
}

TEST_F(audit, escapes_succeed_and_are_audited)
{
	struct escape_args a = { E_KILL0, self->outsider, NULL };
	char procs[PATH_MAX + 32];

	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_SIGNAL);
	EXPECT_EQ(EPERM, test_run(&self->env, self->twin, escape_errno, &a));
	a.op = E_SETPRIO;
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_SETSCHED);
	a.op = E_VM_READ;
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_PTRACE);
	EXPECT_EQ(EPERM, test_run(&self->env, self->twin, escape_errno, &a));
	a.op = E_USERNS;
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_NAMESPACE);
	a.op = E_BPF;
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_BPF);
	a.op = E_KEY;
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_KEYRING);
	a.op = E_MOUNT;
	a.path = P("rw/mnt");
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_MOUNT);
	snprintf(procs, sizeof(procs), "%s/%s/cgroup.procs", isolate_cells_cgroup(self->env.iso),
		 self->env.cells[self->cell].name);
	a.op = E_CGROUP;
	a.path = procs;
	EXPECT_AUDITED(0, escape_errno, &a, ISOLATE_OP_SYSTEM_FILE);
	/* The module is junk: the kernel says so, as it does outside a cell. */
	a.op = E_MODULE;
	EXPECT_EQ(ENOEXEC, run_outside(escape_errno, &a));
	EXPECT_AUDITED(ENOEXEC, escape_errno, &a, ISOLATE_OP_NONE);
}

/* ---- Counters and explain --------------------------------------------------------- */

TEST_F(audit, counters_count_audits_not_denials)
{
	struct open_args a = { P("denied/file"), O_RDONLY };
	struct isolate_cell_state before, after;

	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->cell].name, &before));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(0, test_run(&self->env, self->cell, open_errno, &a));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->cell].name, &after));
	EXPECT_EQ(before.counters.audited + 3, after.counters.audited);
	EXPECT_EQ(0ULL, after.counters.denied);
	EXPECT_EQ((__u32)ISOLATE_MODE_AUDIT, after.cell.mode);
}

TEST_F(audit, explain_says_audit)
{
	struct isolate_diag diag = { 0 };
	struct isolate_verdict v;

	ASSERT_EQ(0, isolate_explain(self->env.cells[self->cell].img, ISOLATE_CAP_READ,
				     P("denied/file"), &v, &diag));
	EXPECT_TRUE(v.audit);
	EXPECT_FALSE(v.allowed);
	ASSERT_EQ(0, isolate_explain(self->env.cells[self->cell].img, ISOLATE_CAP_READ,
				     P("ro/file"), &v, &diag));
	EXPECT_TRUE(v.audit);
	EXPECT_TRUE(v.allowed);
	ASSERT_EQ(0, isolate_explain(self->env.cells[self->cell].img, ISOLATE_CAP_CONNECT,
				     "tcp:127.0.0.1:8300", &v, &diag));
	EXPECT_TRUE(v.audit);
	EXPECT_FALSE(v.allowed);
	ASSERT_EQ(0, isolate_explain(self->env.cells[self->twin].img, ISOLATE_CAP_READ,
				     P("denied/file"), &v, &diag));
	EXPECT_FALSE(v.audit);
	EXPECT_FALSE(v.allowed);
}

/* What is granted is neither refused nor reported. */
TEST_F(audit, granted_operations_are_not_reported)
{
	struct open_args a = { P("ro/file"), O_RDONLY };
	struct audit_result r = run_audited(&self->env, self->cell, open_errno, &a,
					    ISOLATE_OP_NONE);

	EXPECT_EQ(0, r.ret);
	EXPECT_EQ(0, r.audits);
	EXPECT_EQ(0, r.denies);
}

TEST_HARNESS_MAIN
