// SPDX-License-Identifier: GPL-2.0
/*
 * bypass (kernel objects past the path hooks): POSIX message queues,
 * whose making and removal skip the path hooks; System V IPC objects of
 * outsiders, named by key or id; detached mounts and
 * mounts in namespaces the cell made; namespaces of processes outside the
 * cell, joined by pidfd; io_uring opens and connects, inline, in io-wq and
 * in SQPOLL. The fixture is in bypass.h.
 */
#include "bypass.h"

#include <mqueue.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/io_uring.h>

/* ---- POSIX message queues ------------------------------------------------ */

struct mq_args {
	char name[64];
	int op;			/* 0 receive, 1 send, 2 unlink, 3 create */
};

static int mq_errno(void *arg)
{
	const struct mq_args *a = arg;
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	char buf[64];
	mqd_t q;

	switch (a->op) {
	case 0:
		q = mq_open(a->name, O_RDONLY | O_NONBLOCK);
		if (q == (mqd_t)-1)
			return errno;
		if (mq_receive(q, buf, sizeof(buf), NULL) < 0)
			return 100 + errno;
		mq_close(q);
		return strncmp(buf, "secret", 6) ? 200 : 0;
	case 1:
		q = mq_open(a->name, O_WRONLY | O_NONBLOCK);
		if (q == (mqd_t)-1)
			return errno;
		if (mq_send(q, "forged", 6, 0))
			return 100 + errno;
		mq_close(q);
		return 0;
	case 2:
		return mq_unlink(a->name) ? errno : 0;
	default:
		q = mq_open(a->name, O_CREAT | O_EXCL | O_RDWR, 0666, &attr);
		if (q == (mqd_t)-1)
			return errno;
		mq_close(q);
		return 0;
	}
}

/*
 * POSIX message queues of the IPC namespace. mq_unlink() and the making
 * half of mq_open(O_CREAT) call vfs_unlink() and vfs_mkobj() themselves,
 * past every path hook: unchecked, a cell would remove the queue of a
 * process outside it, and take global names a service outside expects to
 * make itself. With no rule on the queue file system nothing is allowed.
 */
TEST_F(bypass, posix_mqueue_of_outsider_is_eacces)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	struct mq_args a = { .op = 0 };
	char buf[64];
	mqd_t q;

	snprintf(a.name, sizeof(a.name), "/isolate-bypass-%d", getpid());
	q = mq_open(a.name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &attr);
	ASSERT_NE((mqd_t)-1, q);
	ASSERT_EQ(0, mq_send(q, "secret", 6, 0));

	EXPECT_EQ(EACCES, IN_RO(mq_errno, &a));		/* read */
	a.op = 1;
	EXPECT_EQ(EACCES, IN_RO(mq_errno, &a));		/* write */
	a.op = 2;
	EXPECT_EQ(EACCES, IN_RO(mq_errno, &a));		/* remove */
	/* Nothing forged, the secret still there, the queue still named. */
	EXPECT_EQ(6, mq_receive(q, buf, sizeof(buf), NULL));
	EXPECT_EQ(0, strncmp(buf, "secret", 6));
	EXPECT_EQ(-1, mq_receive(q, buf, sizeof(buf), NULL));
	mq_close(q);
	q = mq_open(a.name, O_RDONLY);
	EXPECT_NE((mqd_t)-1, q);
	if (q != (mqd_t)-1)
		mq_close(q);
	mq_unlink(a.name);

	/* A new global name is a creation no rule allowed. */
	snprintf(a.name, sizeof(a.name), "/isolate-bypass-new-%d", getpid());
	a.op = 3;
	EXPECT_EQ(EACCES, IN_RO(mq_errno, &a));
	q = mq_open(a.name, O_RDONLY);
	EXPECT_EQ((mqd_t)-1, q);
	if (q != (mqd_t)-1) {
		TH_LOG("the refused mq_open(O_CREAT) left the queue %s behind", a.name);
		mq_close(q);
	}
	mq_unlink(a.name);
}

/*
 * The queue file system mounted at $ROOT/mq and granted there: mq_open()
 * and mq_unlink() reach the same objects, and are allowed by that rule.
 */
TEST_F(bypass, posix_mqueue_follows_the_rule_on_its_file_system)
{
	struct mq_args a = { .op = 3 };
	int cell;

	ASSERT_EQ(0, test_mkdir(&self->env, "mq"));
	ASSERT_EQ(0, mount("mqueue", test_path(&self->env, "mq"), "mqueue", 0, NULL));
	cell = test_env_cell(&self->env, "mq", "read:%s/mq", "write:%s/mq", NULL);
	ASSERT_LE(0, cell);
	snprintf(a.name, sizeof(a.name), "/isolate-granted-%d", getpid());
	EXPECT_EQ(0, test_run(&self->env, cell, mq_errno, &a));
	a.op = 2;
	EXPECT_EQ(0, test_run(&self->env, cell, mq_errno, &a));
	a.op = 3;
	EXPECT_EQ(EACCES, IN_RO(mq_errno, &a));
}

/* ---- System V IPC --------------------------------------------------------- */

struct sysv_args {
	int shm, msq, sem;	/* ids of an outsider's objects */
	key_t key;		/* the outsider's shared memory key */
	int op;
};

/* One use of an outsider's object: its errno, 0 if it worked. */
static int sysv_errno(void *arg)
{
	const struct sysv_args *a = arg;
	struct { long type; char text[16]; } m = { 1, "forged" };
	struct shmid_ds ds;
	struct sembuf up = { 0, 1, IPC_NOWAIT };
	void *p;

	switch (a->op) {
	case 0:
		return shmget(a->key, 0, 0) < 0 ? errno : 0;
	case 1:
		p = shmat(a->shm, NULL, 0);
		if (p == (void *)-1)
			return errno;
		strcpy(p, "forged");
		return 0;
	case 2:
		return shmctl(a->shm, IPC_STAT, &ds) ? errno : 0;
	case 3:
		return shmctl(a->shm, SHM_STAT_ANY, &ds) < 0 ? errno : 0;
	case 4:
		return shmctl(a->shm, IPC_RMID, NULL) ? errno : 0;
	case 5:
		return msgsnd(a->msq, &m, sizeof(m.text), IPC_NOWAIT) ? errno : 0;
	case 6:
		return msgrcv(a->msq, &m, sizeof(m.text), 0, IPC_NOWAIT) < 0 ? errno : 0;
	case 7:
		return msgctl(a->msq, IPC_RMID, NULL) ? errno : 0;
	case 8:
		return semop(a->sem, &up, 1) ? errno : 0;
	default:
		return semctl(a->sem, 0, SETVAL, 7) ? errno : 0;
	}
}

#define SYSV_OPS 10

/* The cell's own objects: made, used and removed in it. 0, or a step + errno. */
static int sysv_own_errno(void *arg)
{
	struct { long type; char text[16]; } m = { 1, "mine" };
	int shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	int msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct shminfo info;
	struct msginfo minfo;
	char *p;

	if (shm < 0 || msq < 0)
		return 100 + errno;
	p = shmat(shm, NULL, 0);
	if (p == (void *)-1)
		return 110 + errno;
	strcpy(p, "mine");
	if (shmdt(p) || shmctl(shm, IPC_RMID, NULL))
		return 120 + errno;
	if (msgsnd(msq, &m, sizeof(m.text), 0) ||
	    msgrcv(msq, &m, sizeof(m.text), 0, 0) < 0 || msgctl(msq, IPC_RMID, NULL))
		return 130 + errno;
	/* Calls on no object (the hooks get a NULL one): the namespace's limits. */
	if (shmctl(0, IPC_INFO, (struct shmid_ds *)&info) < 0 ||
	    msgctl(0, IPC_INFO, (struct msqid_ds *)&minfo) < 0)
		return 140 + errno;
	return 0;
}

/*
 * System V objects are named by key or a small id, and their permission
 * bits are no obstacle to root: a cell reads and rewrites an outsider's
 * shared memory, takes its messages, moves its semaphores, removes them.
 * Only the objects the cell made are its own.
 */
TEST_F(bypass, sysv_ipc_of_outsiders_is_eacces)
{
	struct sysv_args a = { .key = (key_t)(0x15000000 | (getpid() & 0xffffff)) };
	struct { long type; char text[16]; } m = { 1, "secret" };
	struct shmid_ds ds;
	char *secret;

	a.shm = shmget(a.key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	a.msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	a.sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	ASSERT_LE(0, a.shm);
	ASSERT_LE(0, a.msq);
	ASSERT_LE(0, a.sem);
	secret = shmat(a.shm, NULL, 0);
	ASSERT_NE((void *)-1, secret);
	strcpy(secret, "secret");
	ASSERT_EQ(0, msgsnd(a.msq, &m, sizeof(m.text), 0));

	for (a.op = 0; a.op < SYSV_OPS; a.op++) {
		TH_LOG("op %d", a.op);
		EXPECT_EQ(EACCES, IN_RO(sysv_errno, &a));
	}
	/* Untouched: the memory, the one message, the semaphore, all three there. */
	EXPECT_STREQ("secret", secret);
	EXPECT_EQ(0, shmctl(a.shm, IPC_STAT, &ds));
	EXPECT_EQ(0, semctl(a.sem, 0, GETVAL));
	memset(m.text, 0, sizeof(m.text));
	EXPECT_EQ((ssize_t)sizeof(m.text), msgrcv(a.msq, &m, sizeof(m.text), 0, IPC_NOWAIT));
	EXPECT_STREQ("secret", m.text);
	EXPECT_EQ(-1, msgrcv(a.msq, &m, sizeof(m.text), 0, IPC_NOWAIT));
	/* Control: the same uses work outside a cell. */
	a.op = 2;
	EXPECT_EQ(0, run_outside(sysv_errno, &a));
	a.op = 8;
	EXPECT_EQ(0, run_outside(sysv_errno, &a));
	/* What the cell makes it may use. */
	EXPECT_EQ(0, IN_RO(sysv_own_errno, NULL));

	shmdt(secret);
	shmctl(a.shm, IPC_RMID, NULL);
	msgctl(a.msq, IPC_RMID, NULL);
	semctl(a.sem, 0, IPC_RMID);
}

/* Ids of the objects a cell made, in a page shared with the test. */
struct made_ids {
	int shm, msq, sem;
};

/* Makes one object of each kind and leaves them there. */
static int sysv_leave_errno(void *arg)
{
	struct made_ids *ids = arg;

	ids->shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	ids->msq = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	ids->sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	return ids->shm < 0 || ids->msq < 0 || ids->sem < 0 ? errno : 0;
}

/*
 * A cell's System V objects go with the cell: left behind, they held
 * memory outside any budget and the IPC namespace's ids, which the host
 * shares. An outsider's object stays.
 */
TEST_F(bypass, a_cells_sysv_objects_go_with_it)
{
	struct made_ids *ids = mmap(NULL, sizeof(*ids), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int host = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	char grant[PATH_MAX + 8];
	const char *const caps[] = { grant, NULL };
	struct shmid_ds shm;
	struct msqid_ds msq;
	struct semid_ds sem;

	ASSERT_NE(MAP_FAILED, ids);
	ASSERT_LE(0, host);
	snprintf(grant, sizeof(grant), "read:%s", test_path(&self->env, "ro"));
	ASSERT_EQ(0, test_cell(self->env.iso, "sysv-leaver", caps, NULL));
	ASSERT_EQ(0, run_in_cell(self->env.iso, "sysv-leaver", sysv_leave_errno, ids, NULL));
	EXPECT_EQ(0, shmctl(ids->shm, IPC_STAT, &shm));	/* there while the cell is */
	ASSERT_EQ(0, isolate_cell_destroy(self->env.iso, "sysv-leaver")) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(-1, shmctl(ids->shm, IPC_STAT, &shm));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgctl(ids->msq, IPC_STAT, &msq));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semctl(ids->sem, 0, IPC_STAT, &sem));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, shmctl(host, IPC_STAT, &shm));
	shmctl(host, IPC_RMID, NULL);
	munmap(ids, sizeof(*ids));
}

/* ---- Mounts in namespaces the cell made ------------------------------------- */

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE		1
#endif
#define T_FSCONFIG_CMD_CREATE	6
#define T_MOVE_MOUNT_F_EMPTY_PATH 0x00000004

struct ns_args {
	struct test_env *env;
	int step;
};

/*
 * In a user and mount namespace of its own (CAP_SYS_ADMIN there), step:
 * 0 open_tree(clone) of denied/ and open its file, 1 the same of ro/,
 * 2 fsmount a tmpfs and open its root, 3 move_mount it over ro/,
 * 4 mount(2) a tmpfs over ro/. The errno of the last call.
 */
static int ns_errno(void *arg)
{
	const struct ns_args *a = arg;
	const char *ro = test_path(a->env, "ro"), *denied = test_path(a->env, "denied");
	int tree, fs, mnt, fd;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return 200 + errno;
	switch (a->step) {
	case 0:
	case 1:
		tree = (int)syscall(SYS_open_tree, AT_FDCWD, a->step ? ro : denied,
				    OPEN_TREE_CLONE | O_CLOEXEC);
		if (tree < 0)
			return 150 + errno;
		fd = openat(tree, "file", O_RDONLY | O_CLOEXEC);
		break;
	case 4:
		return mount("tmpfs", ro, "tmpfs", 0, NULL) ? errno : 0;
	default:
		fs = (int)syscall(SYS_fsopen, "tmpfs", 0);
		if (fs < 0)
			return 150 + errno;
		if (syscall(SYS_fsconfig, fs, T_FSCONFIG_CMD_CREATE, NULL, NULL, 0))
			return 160 + errno;
		mnt = (int)syscall(SYS_fsmount, fs, 0, 0);
		if (mnt < 0)
			return 170 + errno;
		if (a->step == 3)
			return syscall(SYS_move_mount, mnt, "", AT_FDCWD, ro,
				       T_MOVE_MOUNT_F_EMPTY_PATH) ? errno : 0;
		fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	}
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * With user namespaces granted, a cell holds CAP_SYS_ADMIN in the ones it
 * makes: it may clone trees and make file systems (detached mounts), but
 * what they hold gains no rights (a detached tree's root is the root of
 * its own namespace: no rule above it), and attaching them is refused.
 */
TEST_F(bypass, detached_mounts_in_own_namespaces_gain_nothing)
{
	int cell = test_env_cell(&self->env, "ns", "read:%s/ro", "namespace:user",
				 "namespace:mount", NULL);
	struct ns_args a = { &self->env, 0 };

	ASSERT_LE(0, cell);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, ns_errno, &a));
	a.step = 1;
	EXPECT_EQ(0, test_run(&self->env, cell, ns_errno, &a));
	a.step = 2;
	EXPECT_EQ(EACCES, test_run(&self->env, cell, ns_errno, &a));
	a.step = 3;
	EXPECT_EQ(EPERM, test_run(&self->env, cell, ns_errno, &a));
	a.step = 4;
	EXPECT_EQ(EPERM, test_run(&self->env, cell, ns_errno, &a));
}

/* setns(pidfd of *arg, user + UTS): its errno. */
static int join_only_errno(void *arg)
{
	int pidfd = (int)syscall(SYS_pidfd_open, *(pid_t *)arg, 0);

	if (pidfd < 0)
		return 100 + errno;
	return setns(pidfd, CLONE_NEWUSER | CLONE_NEWUTS) ? errno : 0;
}

/* The same, then sethostname: the first errno. */
static int join_errno(void *arg)
{
	int r = join_only_errno(arg);

	return r ?: sethostname("joined", 6) ? 150 + errno : 0;
}

/*
 * "Capabilities inside namespaces the cell made": the capable hook lets
 * through any namespace below the initial one, and root owns every user
 * namespace root made outside the cell (a container's). With user
 * namespaces granted, a cell joins one by pidfd and administers what it
 * owns: here it renames the UTS namespace of a process outside the cell.
 */
TEST_F(bypass, namespaces_of_outsiders_stay_closed_with_userns_granted)
{
	int cell = test_env_cell(&self->env, "userns", "read:%s/ro", "namespace:user", NULL);
	int go[2], out[2];
	char name[65] = "";
	pid_t p;

	ASSERT_LE(0, cell);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(out));
	p = fork();
	if (p == 0) {
		char c;

		if (unshare(CLONE_NEWUSER | CLONE_NEWUTS) || sethostname("outsider", 8))
			_exit(1);
		if (write(out[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		gethostname(name, sizeof(name) - 1);
		_exit(write(out[1], name, strlen(name)) > 0 ? 0 : 3);
	}
	ASSERT_LT(0, p);
	ASSERT_EQ(1, read(out[0], name, 1));
	/* Control: root outside a cell may join. */
	EXPECT_EQ(0, run_outside(join_only_errno, &p));
	EXPECT_EQ(EPERM, test_run(&self->env, cell, join_errno, &p));
	ASSERT_EQ(1, write(go[1], "g", 1));
	memset(name, 0, sizeof(name));
	EXPECT_LT(0, read(out[0], name, sizeof(name) - 1));
	EXPECT_STREQ("outsider", name);
	waitpid(p, NULL, 0);
}

/* ---- io_uring ----------------------------------------------------------------- */

struct ring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask, *sq_flags;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_setup(struct ring *r, bool sqpoll)
{
	struct io_uring_params p = { 0 };
	size_t sq_len, cq_len;
	char *sq, *cq;

	if (sqpoll) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 2000;
	}
	r->fd = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(__u32);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -errno;
	cq = sq;	/* IORING_FEAT_SINGLE_MMAP, since 5.4 */
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		       IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -errno;
	r->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p.sq_off.array);
	r->sq_flags = (unsigned int *)(sq + p.sq_off.flags);
	r->cq_head = (unsigned int *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submits sqe and waits for its completion; its res (-errno or a value). */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe, bool sqpoll)
{
	unsigned int tail = *r->sq_tail, head;
	int res;

	r->sqes[0] = *sqe;
	r->sq_array[tail & *r->sq_mask] = 0;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, r->fd, sqpoll ? 0 : 1, 1,
		    IORING_ENTER_GETEVENTS | (sqpoll ? IORING_ENTER_SQ_WAKEUP : 0), NULL, 0) < 0)
		return -1000 - errno;
	for (int i = 0; i < 2000; i++) {
		head = *r->cq_head;
		if (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
			res = r->cqes[head & *r->cq_mask].res;
			__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
			return res;
		}
		usleep(1000);
	}
	return -2000;
}

struct uring_args {
	const char *path;
	bool sqpoll;
	bool async;
	bool connect;
};

/* 0 if the operation was refused with EACCES, else a code telling what. */
static int uring_errno(void *arg)
{
	const struct uring_args *a = arg;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(18500) };
	struct io_uring_sqe sqe = { 0 };
	struct ring r = { 0 };
	int res, fd = -1;

	if (ring_setup(&r, a->sqpoll))
		return 250;
	if (a->connect) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sqe.opcode = IORING_OP_CONNECT;
		sqe.fd = fd;
		sqe.addr = (__u64)(uintptr_t)&sin;
		sqe.off = sizeof(sin);
	} else {
		sqe.opcode = IORING_OP_OPENAT;
		sqe.fd = AT_FDCWD;
		sqe.addr = (__u64)(uintptr_t)a->path;
		sqe.open_flags = O_RDONLY | O_CLOEXEC;
	}
	if (a->async)
		sqe.flags = IOSQE_ASYNC;
	res = ring_run(&r, &sqe, a->sqpoll);
	if (res == -EACCES)
		return 0;
	return res >= 0 ? 1 : (res > -256 ? 2 + (-res % 200) : 249);
}

/* Opens and connects through io_uring, inline, in io-wq and in SQPOLL. */
TEST_F(bypass, io_uring_opens_and_connects_are_decided)
{
	int cell = test_env_cell(&self->env, "uring", "read:%s/ro", "socket:inet", NULL);
	int l = test_listener(SOCK_STREAM, "127.0.0.1", 18500);
	struct uring_args a = { test_path(&self->env, "denied/file"), false, false, false };
	static const char *const modes[] = { "inline", "io-wq", "SQPOLL" };

	ASSERT_LE(0, cell);
	ASSERT_LE(0, l);
	for (int mode = 0; mode < 3; mode++) {
		TH_LOG("%s", modes[mode]);
		a.sqpoll = mode == 2;
		a.async = mode == 1;
		for (int connect = 0; connect < 2; connect++) {
			a.connect = connect;
			EXPECT_EQ(0, test_run(&self->env, cell, uring_errno, &a));
			/* Outside a cell it works: the refusal is isolate's. */
			EXPECT_EQ(1, run_outside(uring_errno, &a));
		}
	}
	close(l);
}

TEST_HARNESS_MAIN
