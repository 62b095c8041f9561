// SPDX-License-Identifier: GPL-2.0
/*
 * escape: the ways out of a cell that are not files or sockets are shut,
 * whatever the rules grant, for the cell's children, threads and child
 * cgroups as much as for its first process: changing the mount tree,
 * bpf(), new namespaces, keyrings, kernel modules, signals, ptrace and
 * scheduling of processes outside the cell (inside it they work), writing
 * to cgroup files or holding cgroup directories, opening anything on
 * bpffs (root's lock is there), and moving out of the cell's cgroup.
 *
 * Each refusal has one errno: EPERM for mounts, bpf, namespaces, modules,
 * signals, ptrace and scheduling; EACCES for keyrings, cgroupfs and bpffs
 * opens.
 * A control outside every cell shows the operation works there.
 *
 * "outsider": a process of this test in no cell, catching SIGUSR1, SIGUSR2
 * and SIGTERM and reporting each on a pipe.
 *
 *   $ROOT/             a tmpfs of its own, in a private mount namespace
 *   ├── ro/file        read
 *   ├── denied/file
 *   ├── mnt/           a tmpfs mounted by the fixture
 *   └── mnt2/
 */
#include "kselftest_harness.h"
#include "isolate_test.h"

#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/vfs.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#define IOPRIO_WHO_PROCESS	1
#define IOPRIO_BE_4		((2 << 13) | 4)

/* struct clone_args of clone3(2), version 2 (with cgroup). */
struct clone3_args {
	__u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
	      set_tid, set_tid_size, cgroup;
};

static volatile int marker = 42;	/* read from other processes */

FIXTURE(escape) {
	struct test_env env;
	int cell;
	pid_t outsider;
	int outsider_sigs;	/* read end: one byte per signal caught */
	char cgroot[PATH_MAX];	/* the cgroup above the cells root */
	char celldir[PATH_MAX];
};

static int outsider_pipe = -1;

static void outsider_caught(int sig)
{
	char c = (char)sig;

	if (write(outsider_pipe, &c, 1) < 0)
		_exit(1);
}

static pid_t start_outsider(int *sigs)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		outsider_pipe = p[1];
		signal(SIGUSR1, outsider_caught);
		signal(SIGUSR2, outsider_caught);
		signal(SIGTERM, outsider_caught);
		for (;;)
			pause();
	}
	close(p[1]);
	*sigs = p[0];
	return pid;
}

/* Signals the outsider caught since last asked (waits a little for them). */
static int outsider_caught_count(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[64];
	int n = 0;
	ssize_t r;

	while (poll(&pfd, 1, 200) == 1) {
		r = read(fd, buf, sizeof(buf));
		if (r <= 0)
			break;
		n += (int)r;
	}
	return n;
}

FIXTURE_SETUP(escape)
{
	const char *cells;

	ASSERT_EQ(0, test_env_setup(&self->env, true));
	ASSERT_EQ(0, test_file(&self->env, "ro/file", "ro\n"));
	ASSERT_EQ(0, test_file(&self->env, "denied/file", "denied\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "mnt"));
	ASSERT_EQ(0, test_mkdir(&self->env, "mnt2"));
	ASSERT_EQ(0, mount("tmpfs", test_path(&self->env, "mnt"), "tmpfs", 0, NULL));
	self->cell = test_env_cell(&self->env, "main", "read:%s/ro", NULL);
	ASSERT_LE(0, self->cell);
	cells = isolate_cells_cgroup(self->env.iso);
	snprintf(self->celldir, sizeof(self->celldir), "%s/%s", cells,
		 self->env.cells[self->cell].name);
	snprintf(self->cgroot, sizeof(self->cgroot), "%s", cells);
	dirname(self->cgroot);
	self->outsider = start_outsider(&self->outsider_sigs);
	ASSERT_LT(0, self->outsider);
}

FIXTURE_TEARDOWN(escape)
{
	if (self->outsider > 0) {
		kill(self->outsider, SIGKILL);
		waitpid(self->outsider, NULL, 0);
	}
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

#define IN_CELL(fn, arg) test_run(&self->env, self->cell, (fn), (arg))

/* ---- Mounts --------------------------------------------------------------- */

enum mount_op { M_MOUNT, M_BIND, M_REMOUNT, M_UMOUNT, M_PIVOT, M_MOVE, M_OPEN_TREE, M_FSOPEN };

struct mount_args {
	enum mount_op op;
	const char *a, *b;
};

static int mount_errno(void *arg)
{
	const struct mount_args *m = arg;
	long ret;

	switch (m->op) {
	case M_MOUNT:
		ret = mount("tmpfs", m->a, "tmpfs", 0, NULL);
		break;
	case M_BIND:
		ret = mount(m->a, m->b, NULL, MS_BIND, NULL);
		break;
	case M_REMOUNT:
		ret = mount(NULL, m->a, NULL, MS_REMOUNT | MS_RDONLY, NULL);
		break;
	case M_UMOUNT:
		ret = umount2(m->a, 0);
		break;
	case M_PIVOT:
		ret = syscall(SYS_pivot_root, m->a, m->b);
		break;
	case M_MOVE:
		ret = syscall(SYS_move_mount, AT_FDCWD, m->a, AT_FDCWD, m->b, 0);
		break;
	case M_OPEN_TREE:
		ret = syscall(SYS_open_tree, AT_FDCWD, m->a, OPEN_TREE_CLONE);
		break;
	case M_FSOPEN:
		ret = syscall(SYS_fsopen, "tmpfs", 0);
		break;
	default:
		return EINVAL;
	}
	return ret < 0 ? errno : 0;
}

TEST_F(escape, mount_umount_pivot_move_are_eperm)
{
	struct mount_args m = { M_MOUNT, test_path(&self->env, "mnt2"), NULL };

	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_BIND;
	m.a = test_path(&self->env, "ro");
	m.b = test_path(&self->env, "mnt2");
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_REMOUNT;
	m.a = test_path(&self->env, "mnt");
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_UMOUNT;
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_PIVOT;
	m.a = test_path(&self->env, "mnt");
	m.b = test_path(&self->env, "mnt");
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_MOVE;
	m.b = test_path(&self->env, "mnt2");
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_OPEN_TREE;
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));
	m.op = M_FSOPEN;
	EXPECT_EQ(EPERM, IN_CELL(mount_errno, &m));

	/* The mount is still there, and outside a cell it can be moved. */
	m.op = M_MOVE;
	EXPECT_EQ(0, run_outside(mount_errno, &m));
	m.op = M_UMOUNT;
	m.a = m.b;
	EXPECT_EQ(0, run_outside(mount_errno, &m));
}

/* ---- bpf, namespaces, keyrings, modules ------------------------------------ */

static int bpf_errno(void *arg)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

/* clone(CLONE_PARENT): a sibling that exits at once; errno, or 0 once made. */
static int clone_parent_errno(void *arg)
{
	long pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);

	if (pid == 0)
		_exit(0);
	return pid < 0 ? errno : 0;
}

/* The same from a child of the cell's process: its sibling is the cell's too. */
static int nested_clone_parent_errno(void *arg)
{
	int status, r;
	pid_t child = fork();

	if (child == 0)
		_exit(clone_parent_errno(arg));
	if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 200;
	r = WEXITSTATUS(status);
	/* The sibling, once made, is this process's child to reap. */
	if (!r && waitpid(-1, &status, 0) < 0)
		return 201;
	return r;
}

/*
 * A child made with CLONE_PARENT belongs to its parent's parent. From the
 * cell's first process that is the process outside that started it: each
 * such child's exit signals it and leaves it a zombie to reap. Refused;
 * below that process, in the cell or outside any cell, allowed.
 */
TEST_F(escape, clone_parent_gives_no_child_to_an_outsider)
{
	EXPECT_EQ(0, run_outside(nested_clone_parent_errno, NULL));
	EXPECT_EQ(EPERM, test_run(&self->env, self->cell, clone_parent_errno, NULL));
	EXPECT_EQ(0, test_run(&self->env, self->cell, nested_clone_parent_errno, NULL));
}

TEST_F(escape, bpf_is_eperm)
{
	EXPECT_EQ(EPERM, IN_CELL(bpf_errno, NULL));
	EXPECT_EQ(0, run_outside(bpf_errno, NULL));
}

struct ns_args {
	bool clone;		/* clone3 (the child exits at once) instead of unshare */
	__u64 flags;
};

static int ns_errno(void *arg)
{
	const struct ns_args *a = arg;
	struct clone3_args ca = { .flags = a->flags, .exit_signal = SIGCHLD };
	long pid;
	int status;

	if (!a->clone)
		return unshare((int)a->flags) ? errno : 0;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(0);
	waitpid((pid_t)pid, &status, 0);
	return 0;
}

TEST_F(escape, user_namespace_is_eperm)
{
	struct ns_args a = { false, CLONE_NEWUSER };

	EXPECT_EQ(EPERM, IN_CELL(ns_errno, &a));
	EXPECT_EQ(0, run_outside(ns_errno, &a));
	a.clone = true;
	EXPECT_EQ(EPERM, IN_CELL(ns_errno, &a));
	EXPECT_EQ(0, run_outside(ns_errno, &a));
}

TEST_F(escape, mount_and_other_namespaces_are_eperm)
{
	static const __u64 flags[] = {
		CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID,
		CLONE_NEWCGROUP,
	};
	struct ns_args a = { true, CLONE_NEWNS };
	int r;

	EXPECT_EQ(EPERM, IN_CELL(ns_errno, &a));
	EXPECT_EQ(0, run_outside(ns_errno, &a));
	a.clone = false;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		a.flags = flags[i];
		r = IN_CELL(ns_errno, &a);
		EXPECT_EQ(EPERM, r);
		if (r != EPERM)
			TH_LOG("unshare(%#llx)", (unsigned long long)a.flags);
		EXPECT_EQ(0, run_outside(ns_errno, &a));
	}
}

enum key_op { K_ADD, K_ADD_THREAD, K_GET_PROCESS, K_GET_SESSION, K_ADD_SESSION, K_REQUEST };

static int key_errno(void *arg)
{
	enum key_op op = *(const enum key_op *)arg;
	long ret;

	switch (op) {
	case K_ADD:
		ret = syscall(SYS_add_key, "user", "isolate-test", "x", 1,
			      KEY_SPEC_PROCESS_KEYRING);
		break;
	case K_ADD_THREAD:
		ret = syscall(SYS_add_key, "user", "isolate-test", "x", 1,
			      KEY_SPEC_THREAD_KEYRING);
		break;
	case K_GET_PROCESS:
		ret = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1);
		break;
	case K_GET_SESSION:
		ret = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1);
		break;
	case K_ADD_SESSION:
		ret = syscall(SYS_add_key, "user", "isolate-test", "x", 1,
			      KEY_SPEC_SESSION_KEYRING);
		break;
	case K_REQUEST:
		ret = syscall(SYS_request_key, "user", "isolate-test", NULL,
			      KEY_SPEC_PROCESS_KEYRING);
		break;
	default:
		return EINVAL;
	}
	return ret < 0 ? errno : 0;
}

TEST_F(escape, keyrings_are_eacces)
{
	static const enum key_op eacces[] = { K_ADD, K_ADD_THREAD, K_GET_PROCESS, K_REQUEST };
	const struct isolate_event_access *e = NULL;
	struct test_events ev = { 0 };
	enum key_op op;
	int r;

	for (size_t i = 0; i < sizeof(eacces) / sizeof(eacces[0]); i++) {
		op = eacces[i];
		r = IN_CELL(key_errno, &op);
		EXPECT_EQ(EACCES, r);
		if (r != EACCES)
			TH_LOG("key op %d", op);
		EXPECT_EQ(op == K_REQUEST ? ENOKEY : 0, run_outside(key_errno, &op));
	}

	/*
	 * Through the session keyring the kernel searches keyrings, and a
	 * search it may not make reads as "no such key": ENOKEY reaches the
	 * caller, though the refusal was isolate's (EACCES in the event).
	 */
	ASSERT_EQ(0, test_events_start(self->env.iso, &ev));
	op = K_GET_SESSION;
	EXPECT_EQ(ENOKEY, IN_CELL(key_errno, &op));
	EXPECT_EQ(0, run_outside(key_errno, &op));
	op = K_ADD_SESSION;
	EXPECT_EQ(ENOKEY, IN_CELL(key_errno, &op));
	EXPECT_EQ(0, run_outside(key_errno, &op));
	test_events_drain(&ev);
	EXPECT_EQ(2, test_events_count(&ev, ISOLATE_EVENT_DENY,
				       self->env.cells[self->cell].st.cgid,
				       ISOLATE_OP_KEYRING, &e));
	if (e)
		EXPECT_EQ(EACCES, e->error);
	test_events_stop(&ev);
}

struct module_args {
	bool from_fd;
	int fd;
};

static int module_errno(void *arg)
{
	const struct module_args *a = arg;
	static const char junk[64] = "not a module";

	if (a->from_fd)
		return syscall(SYS_finit_module, a->fd, "", 0) ? errno : 0;
	return syscall(SYS_init_module, junk, sizeof(junk), "") ? errno : 0;
}

TEST_F(escape, module_loading_is_eperm)
{
	struct module_args a = { false, -1 };

	EXPECT_EQ(EPERM, IN_CELL(module_errno, &a));
	/* Outside: the kernel reads it and finds it is no module. */
	EXPECT_EQ(ENOEXEC, run_outside(module_errno, &a));
	a.from_fd = true;
	a.fd = open(test_path(&self->env, "ro/file"), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, a.fd);
	EXPECT_EQ(EPERM, IN_CELL(module_errno, &a));
	EXPECT_EQ(ENOEXEC, run_outside(module_errno, &a));
	close(a.fd);
}

/* ---- Other processes: signals, ptrace, scheduling ------------------------- */

enum task_op {
	T_KILL, T_KILL0, T_TGKILL, T_SIGQUEUE, T_PIDFD_SIGNAL, T_ATTACH, T_SEIZE, T_VM_READ,
	T_PIDFD_GETFD, T_SETPRIORITY, T_SETSCHEDULER, T_SETAFFINITY, T_IOPRIO, T_PRLIMIT,
	T_SETNS_NET, T_SETNS_MNT, T_KCMP, T_PIDFD_INFO,
};

/* PIDFD_GET_INFO's first version (6.13): 64 bytes asked for. */
#define PIDFD_GET_INFO_64 _IOWR(0xFF, 11, char[64])
#define PID_FS_MAGIC 0x50494446

struct task_args {
	enum task_op op;
	pid_t target;		/* 0: a child of the calling process, made for it */
};

static int task_op_on(enum task_op op, pid_t pid)
{
	union sigval sv = { .sival_int = 1 };
	cpu_set_t set;
	int local = 0, pidfd;
	struct iovec liov = { &local, sizeof(local) };
	struct iovec riov = { (void *)&marker, sizeof(marker) };
	struct sched_param sp = { 0 };
	struct rlimit rl;
	long ret;

	switch (op) {
	case T_KILL:
		return kill(pid, SIGUSR1) ? errno : 0;
	case T_KILL0:
		return kill(pid, 0) ? errno : 0;
	case T_TGKILL:
		return syscall(SYS_tgkill, pid, pid, SIGUSR2) ? errno : 0;
	case T_SIGQUEUE:
		return sigqueue(pid, SIGUSR1, sv) ? errno : 0;
	case T_ATTACH:
		return ptrace(PTRACE_ATTACH, pid, 0, 0) ? errno : 0;
	case T_SEIZE:
		return ptrace(PTRACE_SEIZE, pid, 0, 0) ? errno : 0;
	case T_VM_READ:
		ret = process_vm_readv(pid, &liov, 1, &riov, 1, 0);
		return ret < 0 ? errno : local == 42 ? 0 : 200;
	case T_KCMP:	/* a ptrace check in read mode */
		return syscall(SYS_kcmp, getpid(), pid, KCMP_VM, 0, 0) < 0 ? errno : 0;
	case T_SETPRIORITY:
		return setpriority(PRIO_PROCESS, (id_t)pid, 5) ? errno : 0;
	case T_SETSCHEDULER:
		return sched_setscheduler(pid, SCHED_BATCH, &sp) ? errno : 0;
	case T_SETAFFINITY:
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		return sched_setaffinity(pid, sizeof(set), &set) ? errno : 0;
	case T_IOPRIO:
		return syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, pid, IOPRIO_BE_4) ? errno : 0;
	case T_PRLIMIT:
		rl.rlim_cur = 0;
		rl.rlim_max = RLIM_INFINITY;
		return prlimit(pid, RLIMIT_CORE, &rl, NULL) ? errno : 0;
	default:
		break;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return 100 + errno;
	switch (op) {
	case T_PIDFD_SIGNAL:
		ret = syscall(SYS_pidfd_send_signal, pidfd, SIGUSR1, NULL, 0);
		break;
	case T_PIDFD_GETFD:
		ret = syscall(SYS_pidfd_getfd, pidfd, 0, 0);
		break;
	case T_SETNS_NET:
		ret = setns(pidfd, CLONE_NEWNET);
		break;
	case T_SETNS_MNT:
		ret = setns(pidfd, CLONE_NEWNS);
		break;
	case T_PIDFD_INFO: {
		__u64 info[8] = { 1 /* PIDFD_INFO_PID */ };

		ret = ioctl(pidfd, PIDFD_GET_INFO_64, info);
		break;
	}
	default:
		ret = -1;
		errno = EINVAL;
	}
	return ret < 0 ? errno : 0;
}

/* op on a->target, or on a child made for it (which is in the same cell). */
static int task_errno(void *arg)
{
	const struct task_args *a = arg;
	pid_t child;
	int ret, status;

	if (a->target)
		return task_op_on(a->op, a->target);
	child = fork();
	if (child < 0)
		return 100 + errno;
	if (child == 0) {
		signal(SIGUSR1, SIG_IGN);
		signal(SIGUSR2, SIG_IGN);
		for (;;)
			pause();
	}
	ret = task_op_on(a->op, child);
	kill(child, SIGKILL);
	/* A traced child reports its stop first. */
	while (waitpid(child, &status, 0) == child && !WIFEXITED(status) &&
	       !WIFSIGNALED(status))
		;
	return ret;
}

TEST_F(escape, signals_to_outsiders_are_eperm)
{
	static const enum task_op ops[] = { T_KILL, T_KILL0, T_TGKILL, T_SIGQUEUE,
					    T_PIDFD_SIGNAL };
	struct task_args a;
	int r;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		a = (struct task_args){ ops[i], self->outsider };
		r = IN_CELL(task_errno, &a);
		EXPECT_EQ(EPERM, r);
		if (r != EPERM)
			TH_LOG("signal op %d", ops[i]);
		/* Inside the cell, to its own processes: allowed. */
		a.target = 0;
		EXPECT_EQ(0, IN_CELL(task_errno, &a));
	}
	EXPECT_EQ(0, outsider_caught_count(self->outsider_sigs));
	/* The outsider was reachable all along. */
	a = (struct task_args){ T_KILL, self->outsider };
	EXPECT_EQ(0, run_outside(task_errno, &a));
	EXPECT_EQ(1, outsider_caught_count(self->outsider_sigs));
}

/* A process in another cell is as much outside as one in no cell. */
TEST_F(escape, other_cell_is_outside)
{
	struct task_args a = { T_KILL, 0 };
	int other = test_env_cell(&self->env, "other", "read:%s/ro", NULL);
	int fd = isolate_cell_cgroup_fd(self->env.iso, self->env.cells[other].name);
	pid_t pid;

	ASSERT_LE(0, other);
	ASSERT_LE(0, fd);
	pid = clone_into_cgroup(fd);
	if (pid == 0) {
		for (;;)
			pause();
	}
	close(fd);
	ASSERT_LT(0, pid);
	a.target = pid;
	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
	a.op = T_ATTACH;
	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
	a.op = T_SETPRIORITY;
	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
	EXPECT_EQ(0, waitpid(pid, NULL, WNOHANG));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static const enum task_op attach_ops[] = { T_ATTACH, T_SEIZE, T_VM_READ, T_PIDFD_GETFD };

TEST_F(escape, ptrace_of_outsiders_is_eperm)
{
	int jit = test_env_cell(&self->env, "jit", "read:%s/ro", "allow:exec-memory", NULL);
	struct task_args a;

	ASSERT_LE(0, jit);
	for (size_t i = 0; i < sizeof(attach_ops) / sizeof(attach_ops[0]); i++) {
		a = (struct task_args){ attach_ops[i], self->outsider };
		EXPECT_EQ(EPERM, IN_CELL(task_errno, &a)) {
			TH_LOG("ptrace op %d", attach_ops[i]);
		}
		EXPECT_EQ(EPERM, test_run(&self->env, jit, task_errno, &a)) {
			TH_LOG("ptrace op %d, with exec memory allowed", attach_ops[i]);
		}
	}
	a = (struct task_args){ T_VM_READ, self->outsider };
	EXPECT_EQ(0, run_outside(task_errno, &a));
}

/* PIDFD_GET_INFO on the pidfd of a child of its own, reaped: the errno. */
static int reaped_child_info_errno(void *arg)
{
	__u64 info[8] = { 1 /* PIDFD_INFO_PID */ };
	pid_t child = fork();
	int pidfd;

	if (child < 0)
		return 100 + errno;
	if (child == 0)
		_exit(0);
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	waitpid(child, NULL, 0);
	if (pidfd < 0)
		return 100 + errno;
	return ioctl(pidfd, PIDFD_GET_INFO_64, info) ? errno : 0;
}

/*
 * PIDFD_GET_INFO (6.13 on) tells any process's ids, parent and cgroup:
 * refused for an outsider where pidfds are pidfs (6.9 on), before the
 * kernel looks at the command, whatever its type (6.13.0 took any of
 * number 11), and for a process gone (6.12 has no such command: EINVAL
 * for the cell's own, as outside). 6.1's pidfds serve no ioctl.
 */
TEST_F(escape, pidfd_info_of_outsiders_is_eperm)
{
	struct task_args a = { T_PIDFD_INFO, self->outsider };
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0), kernels;
	struct statfs fs;

	ASSERT_LE(0, pidfd);
	ASSERT_EQ(0, fstatfs(pidfd, &fs));
	close(pidfd);
	if (fs.f_type != PID_FS_MAGIC) {
		EXPECT_EQ(ENOTTY, IN_CELL(task_errno, &a));
		return;
	}
	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
	/* The kernel's own answer (0 from 6.13, EINVAL before) for the cell's own. */
	kernels = run_outside(task_errno, &a);
	EXPECT_NE(EPERM, kernels);
	a.target = 0;
	EXPECT_EQ(kernels, IN_CELL(task_errno, &a));
	/* Gone, a process is not known to have been the cell's: ESRCH, as a kernel says. */
	EXPECT_EQ(ESRCH, IN_CELL(reaped_child_info_errno, NULL));
}

/* PTRACE_TRACEME in a child of the caller: 0, or the errno the child got. */
static int traceme_errno(void *arg)
{
	pid_t child = fork();
	int status;

	if (child < 0)
		return 100 + errno;
	if (child == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, 0, 0) ? errno : 0);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 101;
	return WEXITSTATUS(status);
}

/*
 * A tracer writes its tracee's memory, executable mappings included (as a
 * debugger sets breakpoints): within the cell, attaching or being traced
 * by one's parent needs exec memory, as other code that is no file's does.
 */
TEST_F(escape, ptrace_within_the_cell_needs_exec_memory)
{
	int jit = test_env_cell(&self->env, "jit", "read:%s/ro", "allow:exec-memory", NULL);
	struct task_args a;

	ASSERT_LE(0, jit);
	for (size_t i = 0; i < sizeof(attach_ops) / sizeof(attach_ops[0]); i++) {
		a = (struct task_args){ attach_ops[i], 0 };
		EXPECT_EQ(EPERM, IN_CELL(task_errno, &a)) {
			TH_LOG("ptrace op %d", attach_ops[i]);
		}
		EXPECT_EQ(0, test_run(&self->env, jit, task_errno, &a)) {
			TH_LOG("ptrace op %d, with exec memory allowed", attach_ops[i]);
		}
	}
	EXPECT_EQ(EPERM, IN_CELL(traceme_errno, NULL));
	EXPECT_EQ(0, test_run(&self->env, jit, traceme_errno, NULL));
	/* Looking at another process of the cell stays allowed. */
	a = (struct task_args){ T_KCMP, 0 };
	EXPECT_EQ(0, IN_CELL(task_errno, &a));
}

struct proc_args {
	pid_t pid;		/* 0: self */
	const char *file;
};

static int proc_open_errno(void *arg)
{
	const struct proc_args *a = arg;
	char path[64];
	int fd;

	if (a->pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", a->pid, a->file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", a->file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* A child of the caller's (so in its cell), then its /proc/PID/cmdline: the open's errno. */
static int proc_of_sibling_errno(void *arg)
{
	struct proc_args a = { 0, "cmdline" };
	pid_t child = fork();
	int r;

	(void)arg;
	if (child == 0) {
		pause();
		_exit(0);
	}
	if (child < 0)
		return 100 + errno;
	a.pid = child;
	r = proc_open_errno(&a);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return r;
}

/*
 * With /proc readable, an outsider's entries stay closed: what a tracer
 * may open (mem, environ), and what any user may (cmdline: its arguments,
 * status, stat), as in a pid namespace of the cell's own. The cell's own
 * processes' are open.
 */
TEST_F(escape, proc_files_of_outsiders)
{
	static const char *const seen_by_anyone[] = { "cmdline", "status", "stat", "cgroup" };
	int proc = test_env_cell(&self->env, "proc", "read:/proc", NULL);
	struct proc_args a = { self->outsider, "mem" };

	ASSERT_LE(0, proc);
	EXPECT_EQ(EACCES, test_run(&self->env, proc, proc_open_errno, &a));
	a.file = "environ";
	EXPECT_EQ(EACCES, test_run(&self->env, proc, proc_open_errno, &a));
	for (size_t i = 0; i < sizeof(seen_by_anyone) / sizeof(seen_by_anyone[0]); i++) {
		a.file = seen_by_anyone[i];
		EXPECT_EQ(0, run_outside(proc_open_errno, &a));
		EXPECT_EQ(EACCES, test_run(&self->env, proc, proc_open_errno, &a)) {
			TH_LOG("/proc/%d/%s", a.pid, a.file);
		}
	}
	EXPECT_EQ(0, test_run(&self->env, proc, proc_of_sibling_errno, NULL));
	a.pid = 0;
	a.file = "environ";
	EXPECT_EQ(0, test_run(&self->env, proc, proc_open_errno, &a));
	a.file = "mem";
	EXPECT_EQ(0, test_run(&self->env, proc, proc_open_errno, &a));
	/* Without the rule, /proc is a file tree like any other. */
	EXPECT_EQ(EACCES, IN_CELL(proc_open_errno, &a));
}

/*
 * The files of /proc/PID/net name no process (they are its network
 * namespace's: sockets, unix socket paths, routes), but are an outsider's
 * all the same; the cell's own are open.
 */
TEST_F(escape, proc_net_of_outsiders)
{
	static const char *const files[] = { "net/unix", "net/dev", "net/stat/rt_cache" };
	int proc = test_env_cell(&self->env, "procnet", "read:/proc", NULL);
	struct proc_args a;

	ASSERT_LE(0, proc);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		a = (struct proc_args){ self->outsider, files[i] };
		EXPECT_EQ(0, run_outside(proc_open_errno, &a));
		EXPECT_EQ(EACCES, test_run(&self->env, proc, proc_open_errno, &a)) {
			TH_LOG("/proc/%d/%s", a.pid, a.file);
		}
		a.pid = 1;
		EXPECT_EQ(EACCES, test_run(&self->env, proc, proc_open_errno, &a)) {
			TH_LOG("/proc/1/%s", a.file);
		}
		a.pid = 0;
		EXPECT_EQ(0, test_run(&self->env, proc, proc_open_errno, &a)) {
			TH_LOG("/proc/self/%s", a.file);
		}
	}
	/* Entries of no process stay the rules'. */
	EXPECT_EQ(0, test_run(&self->env, proc, open_errno,
			      &(struct open_args){ "/proc/meminfo", O_RDONLY }));
	EXPECT_EQ(0, test_run(&self->env, proc, open_errno,
			      &(struct open_args){ "/proc/sys/net/ipv4/conf/lo/forwarding", O_RDONLY }));
}

TEST_F(escape, scheduling_of_outsiders_is_eperm)
{
	static const enum task_op ops[] = { T_SETPRIORITY, T_SETSCHEDULER, T_SETAFFINITY,
					    T_IOPRIO };
	struct task_args a;
	int r;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		a = (struct task_args){ ops[i], self->outsider };
		r = IN_CELL(task_errno, &a);
		EXPECT_EQ(EPERM, r);
		if (r != EPERM)
			TH_LOG("scheduling op %d", ops[i]);
		a.target = 0;
		EXPECT_EQ(0, IN_CELL(task_errno, &a));
	}
	errno = 0;
	EXPECT_EQ(0, getpriority(PRIO_PROCESS, (id_t)self->outsider));
	EXPECT_EQ(0, errno);
	EXPECT_EQ(SCHED_OTHER, sched_getscheduler(self->outsider));
}

/*
 * prlimit() on an outsider (include/isolate/abi.h counts it among the
 * scheduling operations): RLIMIT_CPU or RLIMIT_NOFILE set from a cell
 * would kill or cripple a process outside.
 */
TEST_F(escape, prlimit_of_outsiders_is_eperm)
{
	struct task_args a = { T_PRLIMIT, self->outsider };
	struct rlimit before, after;

	ASSERT_EQ(0, prlimit(self->outsider, RLIMIT_CORE, NULL, &before));
	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
	ASSERT_EQ(0, prlimit(self->outsider, RLIMIT_CORE, NULL, &after));
	EXPECT_EQ(before.rlim_cur, after.rlim_cur);
	a.target = 0;
	EXPECT_EQ(0, IN_CELL(task_errno, &a));
}

TEST_F(escape, setns_into_outsiders_is_eperm)
{
	struct task_args a = { T_SETNS_NET, self->outsider };

	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
	a.op = T_SETNS_MNT;
	EXPECT_EQ(EPERM, IN_CELL(task_errno, &a));
}

struct sigio_args {
	pid_t target;
};

/* Asks for SIGUSR1 to target whenever a pipe has data, then writes to it. */
static int sigio_errno(void *arg)
{
	const struct sigio_args *a = arg;
	int p[2];

	if (pipe(p) ||
	    fcntl(p[0], F_SETOWN, a->target) ||
	    fcntl(p[0], F_SETSIG, SIGUSR1) ||
	    fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return errno;
	if (write(p[1], "x", 1) != 1)
		return errno;
	return 0;
}

/*
 * F_SETOWN + O_ASYNC is another way to signal a process: the kernel sends
 * the signal when the file is ready. From a cell it must not reach an
 * outsider (the calls themselves succeed; the signal must not arrive).
 */
/* The cell may not make an outsider the owner of its file: F_SETOWN fails. */
TEST_F(escape, sigio_to_outsiders_is_not_delivered)
{
	struct sigio_args a = { self->outsider };

	EXPECT_EQ(EPERM, IN_CELL(sigio_errno, &a));
	EXPECT_EQ(0, outsider_caught_count(self->outsider_sigs));
	/* Outside a cell the same steps deliver it. */
	EXPECT_EQ(0, run_outside(sigio_errno, &a));
	EXPECT_LT(0, outsider_caught_count(self->outsider_sigs));
}

/* In a pid namespace of its own: F_SETOWN of its pid as that namespace numbers it. */
static int sigio_self_in_a_pid_ns_errno(void *arg)
{
	int status;
	pid_t child;

	if (unshare(CLONE_NEWUSER | CLONE_NEWPID))
		return 150 + errno;
	child = fork();
	if (child < 0)
		return 160 + errno;
	if (child == 0) {
		int p[2];

		if (pipe(p))
			_exit(170);
		_exit(fcntl(p[0], F_SETOWN, getpid()) ? errno : 0);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return 180;
	return WEXITSTATUS(status);
}

/*
 * F_SETOWN names the owner as the caller's pid namespace numbers it: in a
 * namespace of the cell's own (user namespaces granted), a process's own
 * pid there is itself. (It was compared with the initial namespace's
 * numbers: refused, and in a namespace shared with outsiders a number
 * that was the caller's there could have been an outsider's here.)
 */
TEST_F(escape, sigio_to_itself_in_a_pid_namespace_of_its_own)
{
	int cell = test_env_cell(&self->env, "pidns", "namespace:user", NULL);

	ASSERT_LE(0, cell);
	EXPECT_EQ(0, test_run(&self->env, cell, sigio_self_in_a_pid_ns_errno, NULL));
}

/* The ways a cell would choose a file's signal or turn it on. */
enum { ASYNC_SETSIG, ASYNC_SETFL, ASYNC_FIOASYNC, ASYNC_WAYS };

struct async_args {
	int fd;
	int way;
};

static int async_errno(void *arg)
{
	const struct async_args *a = arg;
	int on = 1;

	switch (a->way) {
	case ASYNC_SETSIG:
		return fcntl(a->fd, F_SETSIG, SIGUSR1) ? errno : 0;
	case ASYNC_SETFL:
		return fcntl(a->fd, F_SETFL, O_ASYNC | O_NONBLOCK) ? errno : 0;
	default:
		return ioctl(a->fd, FIOASYNC, &on) ? errno : 0;
	}
}

/*
 * A pipe shared with the cell whose owner an outsider set (F_SETOWN
 * outside, to a process or to its process group): the kernel signals the
 * owner with no task_kill asked, so the cell may neither choose the
 * signal (F_SETSIG) nor turn it on (O_ASYNC, FIOASYNC), and nothing
 * reaches the outsider when the pipe has data. Outside a cell the same
 * calls work and the outsider gets the signal.
 */
TEST_F(escape, signal_of_a_file_an_outsider_owns_is_eperm)
{
	pid_t owners[] = { self->outsider, -self->outsider };
	struct async_args a;
	int p[2];

	ASSERT_EQ(0, setpgid(self->outsider, self->outsider));
	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++) {
		ASSERT_EQ(0, pipe(p));
		ASSERT_EQ(0, fcntl(p[0], F_SETOWN, owners[i]));
		a.fd = p[0];
		for (a.way = 0; a.way < ASYNC_WAYS; a.way++) {
			EXPECT_EQ(EPERM, IN_CELL(async_errno, &a)) {
				TH_LOG("owner %d, way %d", owners[i], a.way);
			}
		}
		EXPECT_EQ(0, fcntl(p[0], F_GETSIG));
		EXPECT_EQ(0, fcntl(p[0], F_GETFL) & O_ASYNC);
		ASSERT_EQ(1, write(p[1], "x", 1));
		EXPECT_EQ(0, outsider_caught_count(self->outsider_sigs));
		for (a.way = 0; a.way < ASYNC_WAYS; a.way++)
			EXPECT_EQ(0, run_outside(async_errno, &a));
		ASSERT_EQ(1, write(p[1], "x", 1));
		EXPECT_LT(0, outsider_caught_count(self->outsider_sigs));
		close(p[0]);
		close(p[1]);
	}
}

/*
 * On a pipe of its own, with no owner and then itself the owner: 0, or
 * 64 times the way plus the errno of the first refusal.
 */
static int async_of_own_pipe_errno(void *arg)
{
	struct async_args a = { -1, ASYNC_SETSIG };
	int p[2], err;

	if (pipe(p))
		return 200;
	a.fd = p[0];
	err = async_errno(&a);
	if (err)
		return err;
	if (fcntl(p[0], F_SETOWN, getpid()))
		return 201;
	for (a.way = 0; a.way < ASYNC_WAYS; a.way++) {
		err = async_errno(&a);
		if (err)
			return 64 * a.way + err;
		if (fcntl(p[0], F_SETFL, 0))
			return 202;
	}
	return 0;
}

TEST_F(escape, signal_of_a_file_the_cell_owns_is_its_own)
{
	EXPECT_EQ(0, IN_CELL(async_of_own_pipe_errno, NULL));
}

/* ---- cgroups ------------------------------------------------------------------ */

struct cg_args {
	char path[PATH_MAX + 64];
	int flags;
};

/* Opens path; when opened for writing, writes our pid (moving us). */
static int cg_open_errno(void *arg)
{
	const struct cg_args *a = arg;
	char pid[16];
	int fd = open(a->path, a->flags | O_CLOEXEC);
	int n;

	if (fd < 0)
		return errno;
	n = snprintf(pid, sizeof(pid), "%d", getpid());
	if ((a->flags & O_ACCMODE) != O_RDONLY && write(fd, pid, (size_t)n) != n) {
		close(fd);
		return 200;
	}
	close(fd);
	return 0;
}

/*
 * Whatever the rules say about the cgroup file system, a cell may not
 * open a cgroup file for writing (it would move processes or lift
 * budgets) nor a cgroup directory (clone3 into it). Reading is a rule's
 * business.
 */
TEST_F(escape, cgroupfs_writes_and_directories_are_eacces)
{
	char rd[PATH_MAX + 8], wr[PATH_MAX + 8], mine[PATH_MAX - 64];
	struct cg_args a;
	int cg;

	snprintf(rd, sizeof(rd), "read:%s", self->cgroot);
	snprintf(wr, sizeof(wr), "write:%s", self->cgroot);
	cg = test_env_cell(&self->env, "cg", rd, wr, NULL);
	ASSERT_LE(0, cg);
	snprintf(mine, sizeof(mine), "%s/%s", isolate_cells_cgroup(self->env.iso),
		 self->env.cells[cg].name);

	snprintf(a.path, sizeof(a.path), "%s/cgroup.procs", mine);
	a.flags = O_WRONLY;
	EXPECT_EQ(EACCES, test_run(&self->env, cg, cg_open_errno, &a));
	/* Writing the cell's pid into another cgroup, another cell's. */
	snprintf(a.path, sizeof(a.path), "%s/cgroup.procs", self->cgroot);
	EXPECT_EQ(EACCES, test_run(&self->env, cg, cg_open_errno, &a));
	snprintf(a.path, sizeof(a.path), "%s/cgroup.procs", self->celldir);
	EXPECT_EQ(EACCES, test_run(&self->env, cg, cg_open_errno, &a));
	/* Lifting its own limits. */
	snprintf(a.path, sizeof(a.path), "%s/cgroup.max.descendants", mine);
	EXPECT_EQ(EACCES, test_run(&self->env, cg, cg_open_errno, &a));
	/* Directories, even for reading. */
	snprintf(a.path, sizeof(a.path), "%s", self->cgroot);
	a.flags = O_RDONLY | O_DIRECTORY;
	EXPECT_EQ(EACCES, test_run(&self->env, cg, cg_open_errno, &a));
	snprintf(a.path, sizeof(a.path), "%s", mine);
	EXPECT_EQ(EACCES, test_run(&self->env, cg, cg_open_errno, &a));
	/* Reading a cgroup file is what the read rule grants. */
	snprintf(a.path, sizeof(a.path), "%s/cgroup.procs", self->cgroot);
	a.flags = O_RDONLY;
	EXPECT_EQ(0, test_run(&self->env, cg, cg_open_errno, &a));
	/* And a cell without the rules is refused by them. */
	EXPECT_EQ(EACCES, IN_CELL(cg_open_errno, &a));
}

/*
 * explain answers "what the kernel decides": for a cgroup file opened for
 * writing that is a refusal, whatever the rules grant.
 */
TEST_F(escape, explain_agrees_on_cgroupfs)
{
	char rd[PATH_MAX + 8], wr[PATH_MAX + 8];
	struct cg_args a;
	int cg;

	snprintf(rd, sizeof(rd), "read:%s", self->cgroot);
	snprintf(wr, sizeof(wr), "write:%s", self->cgroot);
	cg = test_env_cell(&self->env, "cg", rd, wr, NULL);
	ASSERT_LE(0, cg);
	snprintf(a.path, sizeof(a.path), "%s/cgroup.procs", self->cgroot);
	a.flags = O_WRONLY;
	EXPECT_EQ(EACCES, test_run_file(&self->env, cg, ISOLATE_ACCESS_WRITE, a.path,
					cg_open_errno, &a));
	snprintf(a.path, sizeof(a.path), "%s", self->cgroot);
	a.flags = O_RDONLY | O_DIRECTORY;
	EXPECT_EQ(EACCES, test_run_file(&self->env, cg, ISOLATE_ACCESS_READ, a.path,
					cg_open_errno, &a));
}

/* flock() of the directory arg opened for reading. */
static int lock_dir_read_errno(void *arg)
{
	int fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return errno;
	err = flock(fd, LOCK_EX | LOCK_NB) ? errno : 0;
	close(fd);
	return err;
}

/*
 * Every change of every cell takes a flock() of isolate's pin directory on
 * bpffs. A cell whose rules reach bpffs (read:/, as root in the cell) held
 * it and every grant, revoke and destroy waited for it. Nothing on bpffs
 * is opened in a cell, whatever the rules grant; an O_PATH descriptor,
 * which opens nothing, cannot be locked.
 */
TEST_F(escape, nothing_on_bpffs_is_opened_so_root_s_lock_cannot_be_held)
{
	const char *pins = isolate_pin_root(self->env.iso);
	int cell = test_env_cell(&self->env, "pins", "read:/sys/fs/bpf", NULL);

	ASSERT_LE(0, cell);
	EXPECT_EQ(EACCES, test_run_file(&self->env, cell, ISOLATE_ACCESS_READ, pins,
					lock_dir_read_errno, (void *)pins));
	EXPECT_EQ(EACCES, test_run_file(&self->env, cell, ISOLATE_ACCESS_READ, "/sys/fs/bpf",
					lock_dir_read_errno, "/sys/fs/bpf"));
	EXPECT_EQ(0, run_outside(lock_dir_read_errno, (void *)pins));
}

static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	return syscall(SYS_capset, &hdr, data) ? errno : 0;
}

struct into_cgroup_args {
	const char *cgroup;	/* the directory to clone into */
	const char *denied;	/* a file the cell may not read */
};

/*
 * As isolate_cell_spawn leaves a process (every capability dropped), takes
 * an O_PATH fd of a cgroup directory (O_PATH opens nothing, no file_open)
 * and clone3(CLONE_INTO_CGROUP) into it. Returns clone3's errno; 0 if a
 * child was made there (it reports on stderr where it landed and whether
 * it could read the denied file).
 */
static int clone_into_errno(void *arg)
{
	const struct into_cgroup_args *a = arg;
	struct clone3_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	char where[256] = "";
	int fd, status, err = drop_capabilities();
	long pid;

	if (err)
		return 100 + err;
	fd = open(a->cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 150 + errno;
	ca.cgroup = (__u64)fd;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		return errno;
	if (pid == 0) {
		int in = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
		ssize_t n = in >= 0 ? read(in, where, sizeof(where) - 1) : -1;
		int denied = open(a->denied, O_RDONLY | O_CLOEXEC);

		if (n > 0)
			where[n] = '\0';
		fprintf(stderr, "# clone3 into %s: the child is in cgroup %s#   and opening %s: %s\n",
			a->cgroup, where, a->denied, denied >= 0 ? "succeeded" : strerror(errno));
		_exit(0);
	}
	waitpid((pid_t)pid, &status, 0);
	return 0;
}

/*
 * Moving out of the cell through clone3(CLONE_INTO_CGROUP) with an O_PATH
 * fd of another cgroup: the child would run outside every cell. Refused
 * like the other ways of leaving (EPERM).
 */
TEST_F(escape, clone_into_another_cgroup_is_eperm)
{
	struct into_cgroup_args a = { self->cgroot, test_path(&self->env, "denied/file") };

	EXPECT_EQ(EPERM, IN_CELL(clone_into_errno, &a));
	/* Outside a cell the same steps work (into the cells' own parent). */
	EXPECT_EQ(0, run_outside(clone_into_errno, &a));
}

/* ---- Confinement is inherited ------------------------------------------------ */

struct open_in_child_args {
	struct open_args open;
	enum { VIA_FORK, VIA_THREAD } via;
};

static void *thread_open(void *arg)
{
	return (void *)(long)open_errno(arg);
}

static int open_in_child_errno(void *arg)
{
	struct open_in_child_args *a = arg;
	pthread_t t;
	void *ret;
	pid_t pid;
	int status;

	if (a->via == VIA_THREAD) {
		if (pthread_create(&t, NULL, thread_open, &a->open))
			return 100;
		pthread_join(t, &ret);
		return (int)(long)ret;
	}
	pid = fork();
	if (pid == 0)
		_exit(open_errno(&a->open));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 100;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 102;
}

TEST_F(escape, children_and_threads_are_confined)
{
	struct open_in_child_args a = { { test_path(&self->env, "denied/file"), O_RDONLY },
					VIA_FORK };

	EXPECT_EQ(EACCES, IN_CELL(open_in_child_errno, &a));
	a.via = VIA_THREAD;
	EXPECT_EQ(EACCES, IN_CELL(open_in_child_errno, &a));
	a.open.path = test_path(&self->env, "ro/file");
	EXPECT_EQ(0, IN_CELL(open_in_child_errno, &a));
	a.via = VIA_FORK;
	EXPECT_EQ(0, IN_CELL(open_in_child_errno, &a));
}

/* Runs op in a child created in the cgroup at path. */
static int run_in_cgroup_path(const char *path, cell_op_fn op, void *arg)
{
	return wait_exit_code(start_in_cgroup(open(path, O_DIRECTORY | O_CLOEXEC), op, arg));
}

/* A child cgroup of the cell (made by its supervisor) is the cell. */
TEST_F(escape, child_cgroup_of_the_cell_is_confined)
{
	struct open_args o = { test_path(&self->env, "denied/file"), O_RDONLY };
	struct task_args t = { T_KILL, self->outsider };
	struct mount_args m = { M_MOUNT, test_path(&self->env, "mnt2"), NULL };
	char sub[PATH_MAX + 8], subsub[PATH_MAX + 16];

	snprintf(sub, sizeof(sub), "%s/sub", self->celldir);
	snprintf(subsub, sizeof(subsub), "%s/sub2", sub);
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, mkdir(subsub, 0755));
	EXPECT_EQ(EACCES, run_in_cgroup_path(sub, open_errno, &o));
	EXPECT_EQ(EACCES, run_in_cgroup_path(subsub, open_errno, &o));
	EXPECT_EQ(EPERM, run_in_cgroup_path(subsub, task_errno, &t));
	EXPECT_EQ(EPERM, run_in_cgroup_path(subsub, mount_errno, &m));
	o.path = test_path(&self->env, "ro/file");
	EXPECT_EQ(0, run_in_cgroup_path(subsub, open_errno, &o));
	EXPECT_EQ(0, outsider_caught_count(self->outsider_sigs));
}

/*
 * A cgroup under the cells root that is no cell (root made it there, or a
 * cell's cgroup between its making and its entry in the maps) holds
 * nothing: no rule, and none of the grants beyond rules a cell may have.
 */
TEST_F(escape, cgroup_that_is_no_cell_is_refused_everything)
{
	struct open_args o = { test_path(&self->env, "ro/file"), O_RDONLY };
	struct mount_args m = { M_MOUNT, test_path(&self->env, "mnt2"), NULL };
	struct task_args t = { T_KILL, self->outsider };
	struct ns_args n = { false, CLONE_NEWUSER };
	char stray[PATH_MAX];

	snprintf(stray, sizeof(stray), "%s/stray-%d", isolate_cells_cgroup(self->env.iso),
		 getpid());
	ASSERT_EQ(0, mkdir(stray, 0755));
	EXPECT_EQ(EACCES, run_in_cgroup_path(stray, open_errno, &o));
	EXPECT_EQ(EPERM, run_in_cgroup_path(stray, ns_errno, &n));
	n.clone = true;
	EXPECT_EQ(EPERM, run_in_cgroup_path(stray, ns_errno, &n));
	EXPECT_EQ(EPERM, run_in_cgroup_path(stray, mount_errno, &m));
	EXPECT_EQ(EPERM, run_in_cgroup_path(stray, task_errno, &t));
	EXPECT_EQ(0, outsider_caught_count(self->outsider_sigs));
	EXPECT_EQ(0, run_outside(open_errno, &o));
	EXPECT_EQ(0, rmdir(stray));
}

struct lease_args {
	const char *path;
	int flags;
};

/* open(path, flags) then a read lease on it: the lease's errno. */
static int lease_errno(void *arg)
{
	const struct lease_args *a = arg;
	int fd = open(a->path, a->flags | O_CLOEXEC);

	if (fd < 0)
		return 100 + errno;
	signal(SIGIO, SIG_IGN);
	return fcntl(fd, F_SETLEASE, F_RDLCK) ? errno : 0;
}

/*
 * A lease makes every other open of the file for writing wait for its
 * holder (45 s by default), the host's included: a cell takes one only on
 * a file it may write. A file it may only read stays open to the host's
 * writers.
 */
TEST_F(escape, a_lease_needs_write)
{
	int rw = test_env_cell(&self->env, "lease", "read:%s/ro", "write:%s/ro", NULL);
	struct lease_args a = { test_path(&self->env, "ro/file"), O_RDONLY };
	int fd;

	ASSERT_LE(0, rw);
	EXPECT_EQ(0, run_outside(lease_errno, &a));
	EXPECT_EQ(EACCES, IN_CELL(lease_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, rw, lease_errno, &a));
	fd = open(a.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
}

struct lock_args {
	const char *path;
	int flags;
	int op;			/* flock's LOCK_EX or LOCK_SH */
	bool fcntl;		/* fcntl's exclusive lock instead */
};

/* open(path, flags) then the lock, not waiting: its errno. */
static int lock_errno(void *arg)
{
	const struct lock_args *a = arg;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(a->path, a->flags | O_CLOEXEC);

	if (fd < 0)
		return 100 + errno;
	if (a->fcntl)
		return fcntl(fd, F_SETLK, &fl) ? errno : 0;
	return flock(fd, a->op | LOCK_NB) ? errno : 0;
}

/*
 * An exclusive lock makes the host's lockers of the file wait: flock's
 * on a descriptor open for reading is taken only on a file the cell may
 * write (fcntl's needs one open for writing anyway). Shared locks are
 * taken on what the cell may read.
 */
TEST_F(escape, an_exclusive_lock_needs_write)
{
	int rw = test_env_cell(&self->env, "flock", "read:%s/ro", "write:%s/ro", NULL);
	struct lock_args a = { test_path(&self->env, "ro/file"), O_RDONLY, LOCK_EX, false };

	ASSERT_LE(0, rw);
	EXPECT_EQ(0, run_outside(lock_errno, &a));
	EXPECT_EQ(EACCES, IN_CELL(lock_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, rw, lock_errno, &a));
	a.op = LOCK_SH;
	EXPECT_EQ(0, IN_CELL(lock_errno, &a));
	a.fcntl = true;
	EXPECT_EQ(EBADF, IN_CELL(lock_errno, &a));
	a.flags = O_RDWR;
	EXPECT_EQ(0, test_run(&self->env, rw, lock_errno, &a));
	a.fcntl = false;
	EXPECT_EQ(0, test_run(&self->env, rw, lock_errno, &a));
}

/* open(path, 3): O_RDWR|O_WRONLY, for ioctls only. */
static int ioctl_open_errno(void *arg)
{
	int fd = open(arg, O_RDWR | O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * An open for ioctls only reads and writes nothing itself, but the kernel
 * asks for both, and a device's ioctls are what it is opened for: a cell
 * that may only read the file is refused, as for writing.
 */
TEST_F(escape, an_open_for_ioctls_only_needs_read_and_write)
{
	int rw = test_env_cell(&self->env, "ioctlopen", "read:%s/ro", "write:%s/ro", NULL);
	char *path = (char *)test_path(&self->env, "ro/file");

	ASSERT_LE(0, rw);
	EXPECT_EQ(0, run_outside(ioctl_open_errno, path));
	EXPECT_EQ(EACCES, IN_CELL(ioctl_open_errno, path));
	EXPECT_EQ(0, test_run(&self->env, rw, ioctl_open_errno, path));
}

#define T_FSCONFIG_SET_STRING 1

/* In a user and mount namespace of its own: fsopen a tmpfs and give it a size. */
static int fsconfig_errno(void *arg)
{
	int fs;

	if (arg && unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 200 + errno;
	fs = (int)syscall(SYS_fsopen, "tmpfs", 0);
	if (fs < 0)
		return 100 + errno;
	return syscall(SYS_fsconfig, fs, T_FSCONFIG_SET_STRING, "size", "1M", 0) ? errno : 0;
}

/*
 * A file system being made (fsopen, fsconfig) does work on the host's
 * files before anything is mounted (an overlay empties its workdir): its
 * parameters are refused in a cell, with CAP_SYS_ADMIN in namespaces of
 * its own or not.
 */
TEST_F(escape, file_system_parameters_are_eperm)
{
	int ns = test_env_cell(&self->env, "fsns", "read:%s/ro", "namespace:user",
			       "namespace:mount", NULL);

	ASSERT_LE(0, ns);
	EXPECT_EQ(0, run_outside(fsconfig_errno, NULL));
	EXPECT_EQ(EPERM, test_run(&self->env, ns, fsconfig_errno, (void *)1));
}

TEST_HARNESS_MAIN
