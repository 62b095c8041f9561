// SPDX-License-Identifier: GPL-2.0
/*
 * bypass (the machine): capabilities the machine list lacked (process
 * accounting, audit, the controlling terminal's hangup, opening through
 * map_files) and the terminal's
 * other signals; write grants on the kernel's control files: sysctls,
 * other processes' /proc files, tracefs, the cgroup tree, the pinned
 * links; block devices, which hold file systems whole. The fixture is in
 * bypass.h.
 */
#include "bypass.h"

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/acct.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/netlink.h>

/* ---- Capabilities that reach the whole machine ------------------------------ */

static int acct_errno(void *arg)
{
	int r = acct((const char *)arg) ? errno : 0;

	if (!r)
		acct(NULL);
	return r;
}

/*
 * acct() turns process accounting on or off for the whole machine (every
 * process's command, uid and times then go to the file named). It needs
 * CAP_SYS_PACCT, which root keeps in a cell.
 */
TEST_F(bypass, process_accounting_is_eperm)
{
	int cell = test_env_cell(&self->env, "acct", "read:%s/rw", "write:%s/rw", NULL);
	const char *file = test_path(&self->env, "rw/acct");

	ASSERT_LE(0, cell);
	ASSERT_EQ(0, write_file(file, ""));
	EXPECT_EQ(EPERM, test_run(&self->env, cell, acct_errno, (void *)file));
	acct(NULL);
}

/* Opens /proc/self/map_files/ of a mapping of the caller's: 0, or errno. */
static int map_files_errno(void *arg)
{
	int fd = open(arg, O_RDONLY | O_CLOEXEC);
	void *at = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	char path[96];

	if (fd >= 0)
		close(fd);
	if (at == MAP_FAILED)
		return 150 + errno;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx", (unsigned long)at,
		 (unsigned long)at + 4096);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	munmap(at, 4096);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * CAP_CHECKPOINT_RESTORE opens any file the process maps through
 * /proc/PID/map_files (an overlay's upper file on its private mount):
 * not the cell's, EPERM, the file readable by the rules or not. (Its
 * kin CAP_DAC_READ_SEARCH, open_by_handle_at's: fs_test's open_by_handle.)
 */
TEST_F(bypass, opening_map_files_is_eperm)
{
	int cell = test_env_cell(&self->env, "mapfiles", "read:%s/rw", "read:/proc", NULL);
	const char *file = test_path(&self->env, "rw/mapped");

	ASSERT_LE(0, cell);
	ASSERT_EQ(0, write_file(file, "mapped\n"));
	EXPECT_EQ(0, run_outside(map_files_errno, (void *)file));
	EXPECT_EQ(EPERM, test_run(&self->env, cell, map_files_errno, (void *)file));
}

/* Sends one audit request; the kernel's answer: 0, or the errno of its ack. */
static int audit_request(int fd, __u16 type, const void *body, size_t len,
			 struct audit_status *got)
{
	struct {
		struct nlmsghdr h;
		char body[sizeof(struct audit_status)];
	} req = { 0 };
	char buf[8192] __attribute__((aligned(8)));
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	req.h.nlmsg_len = (__u32)NLMSG_LENGTH(len);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = type;
	memcpy(req.body, body, len);
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return 100 + errno;
	for (int i = 0; i < 4; i++) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return 150 + errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (err || type != AUDIT_GET)
					return -err;
			} else if (h->nlmsg_type == AUDIT_GET && got) {
				memcpy(got, NLMSG_DATA(h), sizeof(*got));
				return 0;
			}
		}
	}
	return 199;
}

/* AUDIT_GET, then AUDIT_SET of the rate limit it holds (no change). */
static int audit_errno(void *arg)
{
	struct audit_status st = { 0 }, set = { 0 };
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r;

	if (fd < 0)
		return 100 + errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = audit_request(fd, AUDIT_GET, NULL, 0, &st);
	if (r)
		return r;
	set.mask = AUDIT_STATUS_RATE_LIMIT;
	set.rate_limit = st.rate_limit;
	r = audit_request(fd, AUDIT_SET, &set, sizeof(set), NULL);
	close(fd);
	return r;
}

/* An AUDIT_USER_MSG record, as a login program or auditd's clients write. */
static int audit_user_errno(void *arg)
{
	static const char text[] = "op=login acct=\"root\" res=success forged-by=a-cell";
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r;

	if (fd < 0)
		return 100 + errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = audit_request(fd, 1112 /* AUDIT_USER_MSG */, text, sizeof(text), NULL);
	close(fd);
	return r;
}

/*
 * The audit subsystem belongs to the machine: its configuration (on/off,
 * rules, rate, backlog, who is auditd: CAP_AUDIT_CONTROL) and its record
 * of who did what (user records: CAP_AUDIT_WRITE). Root keeps both in a
 * cell.
 */
TEST_F(bypass, audit_control_is_eperm)
{
	int audit = test_env_cell(&self->env, "audit", "socket:netlink-audit", NULL);

	ASSERT_LE(0, audit);
	EXPECT_EQ(0, run_outside(audit_errno, NULL));
	EXPECT_EQ(EPERM, test_run(&self->env, audit, audit_errno, NULL));
	EXPECT_EQ(0, run_outside(audit_user_errno, NULL));
	EXPECT_EQ(EPERM, test_run(&self->env, audit, audit_user_errno, NULL));
	/* Without the socket granted, the cell cannot even ask. */
	EXPECT_EQ(100 + EACCES, IN_RO(audit_errno, NULL));
}

/* ---- The controlling terminal ----------------------------------------------- */

struct tty_args {
	int tty;		/* the pty slave, the session's controlling terminal */
	int step;
	pid_t outsider;		/* a process group of the session outside the cell */
};

static int tty_errno(void *arg)
{
	const struct tty_args *a = arg;
	struct winsize ws = { .ws_row = 33, .ws_col = 99 };

	switch (a->step) {
	case 0:	/* SIGIO (as SIGUSR1) to the foreground group, an outsider's */
		if (fcntl(a->tty, F_SETSIG, SIGUSR1) ||
		    fcntl(a->tty, F_SETFL, O_ASYNC | O_NONBLOCK))
			return errno;
		return 0;
	case 1:	/* make the outsider the foreground group, then resize */
		if (tcsetpgrp(a->tty, a->outsider))
			return errno;
		return ioctl(a->tty, TIOCSWINSZ, &ws) ? 100 + errno : 0;
	case 2:
		return vhangup() ? errno : 0;
	case 3:	/* the outsider in the foreground already: resize */
		return ioctl(a->tty, TIOCSWINSZ, &ws) ? errno : 0;
	case 4:	/* join the outsider's group, whom the terminal stops then */
		return setpgid(0, a->outsider) ? errno : 0;
	default: /* a group of its own */
		return setpgid(0, 0) ? errno : 0;
	}
}

static int tty_sigs = -1;

static void tty_caught(int sig)
{
	char c = sig == SIGUSR1 ? 'U' : sig == SIGWINCH ? 'W' : sig == SIGHUP ? 'H' : '?';

	if (write(tty_sigs, &c, 1) < 0)
		_exit(1);
}

static void tty_drain(int fd, char *out, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t used = 0;

	while (used + 1 < len && poll(&pfd, 1, 300) == 1 && read(fd, out + used, 1) == 1)
		used++;
	out[used] = 0;
}

/* Results of the terminal scenario, from the session leader. */
#define TTY_STEPS 6

struct tty_result {
	int err[TTY_STEPS];
	char sigs[TTY_STEPS][16];
};

/*
 * A session leader outside every cell with a pty as its controlling
 * terminal, an outsider process group in the session, and the cell's
 * process in the session: what a cell started from an interactive shell
 * shares with it.
 */
static int tty_scenario(struct test_env *env, int cell, struct tty_result *res)
{
	struct tty_args a = { -1, 0, 0 };
	int m, p[2];
	char *name;
	pid_t o;

	if (setsid() < 0)
		return 1;
	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || !(name = ptsname(m)))
		return 2;
	a.tty = open(name, O_RDWR);
	if (a.tty < 0 || ioctl(a.tty, TIOCSCTTY, 0))
		return 3;
	if (pipe(p))
		return 4;
	tty_sigs = p[1];
	signal(SIGUSR1, tty_caught);
	signal(SIGWINCH, tty_caught);
	signal(SIGHUP, tty_caught);
	signal(SIGTTOU, SIG_IGN);
	o = fork();
	if (o == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(o, o);
	a.outsider = o;

	/* 0: the outsider is in the foreground, the cell asks for SIGIO. */
	tcsetpgrp(a.tty, o);
	a.step = 0;
	res->err[0] = test_run(env, cell, tty_errno, &a);
	if (write(m, "x\n", 2) != 2)
		return 5;
	tty_drain(p[0], res->sigs[0], sizeof(res->sigs[0]));
	fcntl(a.tty, F_SETFL, 0);
	fcntl(a.tty, F_SETSIG, 0);
	tcsetpgrp(a.tty, getpgrp());

	a.step = 1;
	res->err[1] = test_run(env, cell, tty_errno, &a);
	tty_drain(p[0], res->sigs[1], sizeof(res->sigs[1]));
	tcsetpgrp(a.tty, getpgrp());

	for (a.step = 2; a.step < TTY_STEPS; a.step++) {
		if (a.step == 3)
			tcsetpgrp(a.tty, o);
		res->err[a.step] = test_run(env, cell, tty_errno, &a);
		tty_drain(p[0], res->sigs[a.step], sizeof(res->sigs[a.step]));
		tcsetpgrp(a.tty, getpgrp());
	}
	kill(o, SIGKILL);
	return 0;
}

/*
 * Signals the tty driver sends on a cell's behalf skip task_kill: SIGIO
 * (or F_SETSIG's signal) to the foreground group that fcntl(O_ASYNC) makes
 * the owner of a terminal, SIGWINCH to the group a resize reaches (after
 * tcsetpgrp to an outsider's group, or with an outsider in the foreground
 * already), SIGHUP to the session leader from vhangup()
 * (CAP_SYS_TTY_CONFIG), and SIGTTOU or SIGTTIN to the process group the
 * cell's process joins (setpgid) and then touches the terminal from. The
 * processes hit are outside the cell. A group of its own stays the cell's
 * to make.
 */
TEST_F(bypass, terminal_signals_do_not_reach_outsiders)
{
	struct tty_result *res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t h;

	ASSERT_NE(MAP_FAILED, res);
	h = fork();
	if (h == 0)
		_exit(tty_scenario(&self->env, self->ro, res));
	ASSERT_EQ(h, waitpid(h, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	TH_LOG("O_ASYNC: %d, signals \"%s\"; tcsetpgrp+resize: %d, signals \"%s\"; "
	       "vhangup: %d, signals \"%s\"; resize: %d, signals \"%s\"; setpgid: %d",
	       res->err[0], res->sigs[0], res->err[1], res->sigs[1], res->err[2], res->sigs[2],
	       res->err[3], res->sigs[3], res->err[4]);
	EXPECT_STREQ("", res->sigs[0]);
	EXPECT_EQ(EPERM, res->err[1]);
	EXPECT_STREQ("", res->sigs[1]);
	EXPECT_EQ(EPERM, res->err[2]);
	EXPECT_STREQ("", res->sigs[2]);
	EXPECT_EQ(EPERM, res->err[3]);
	EXPECT_STREQ("", res->sigs[3]);
	EXPECT_EQ(EPERM, res->err[4]);
	EXPECT_EQ(0, res->err[5]);
	munmap(res, sizeof(*res));
}

struct terminal_op {
	int fd;
	int op;
};

static int terminal_op_errno(void *arg)
{
	const struct terminal_op *t = arg;
	struct winsize ws = { .ws_row = 33, .ws_col = 99 };
	int on = 1;

	switch (t->op) {
	case 0:
		return ioctl(t->fd, TIOCSWINSZ, &ws) ? errno : 0;
	case 1:
		return fcntl(t->fd, F_SETFL, O_ASYNC) ? errno : 0;
	default:
		return ioctl(t->fd, FIOASYNC, &on) ? errno : 0;
	}
}

/*
 * A terminal is known by its driver, not by a list of device numbers: a
 * virtio console (hvc, major 229; the VM has one on 6.12, where the driver
 * is built in) takes the same refusals as a pty. Outside, each works.
 */
TEST_F(bypass, a_terminal_of_any_driver_is_known_as_one)
{
	struct terminal_op t = { open("/dev/hvc0", O_RDWR | O_NOCTTY | O_NONBLOCK), 0 };
	int off = 0;

	if (t.fd < 0)
		SKIP(return, "no virtio console here (/dev/hvc0: %s)", strerror(errno));
	for (t.op = 0; t.op < 3; t.op++) {
		EXPECT_EQ(0, run_outside(terminal_op_errno, &t)) {
			TH_LOG("operation %d outside", t.op);
		}
		fcntl(t.fd, F_SETFL, O_NONBLOCK);
		ioctl(t.fd, FIOASYNC, &off);
		EXPECT_EQ(EPERM, IN_RO(terminal_op_errno, &t)) {
			TH_LOG("operation %d in the cell", t.op);
		}
	}
	close(t.fd);
}

/*
 * In a session of its own on a pty it made, the leader of the cell makes
 * another of its groups the foreground (tcsetpgrp), resizes the terminal
 * from both sides, asks for its SIGIO (which makes the foreground group
 * the terminal's owner) and chooses the signal: 0, or the step (times 32)
 * and errno of the first refusal.
 */
static int own_terminal_errno(void *arg)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 99 };
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), slave, on = 1, err = 0;
	pid_t member;

	if (master < 0 || unlockpt(master))
		return 200 + errno;
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return 240 + errno % 10;
	if (setsid() < 0)
		return 250;
	if (ioctl(slave, TIOCSCTTY, 0))
		return 230 + errno % 10;
	member = fork();
	if (member == 0) {
		setpgid(0, 0);
		pause();
		_exit(0);
	}
	if (member < 0 || (setpgid(member, member) && errno != EACCES))
		return 251;
	if (tcsetpgrp(slave, member))
		err = errno;
	else if (ioctl(slave, TIOCSWINSZ, &ws))
		err = 32 + errno;
	else if (ioctl(master, TIOCSWINSZ, &ws))
		err = 64 + errno;
	else if (ioctl(slave, FIOASYNC, &on))
		err = 96 + errno;
	else if (fcntl(slave, F_SETSIG, SIGUSR1))
		err = 128 + errno;
	kill(member, SIGKILL);
	waitpid(member, NULL, 0);
	return err;
}

/*
 * A terminal whose session the cell leads is the cell's: job control and
 * resizing there signal only its own processes (an interactive shell, a
 * terminal multiplexer in the cell). The terminals of sessions outside
 * stay closed to them (the tests above).
 */
TEST_F(bypass, a_terminal_the_cell_leads_is_its_own)
{
	int cell = test_env_cell(&self->env, "ownpty", "read:/dev/ptmx", "write:/dev/ptmx",
				 "read:/dev/pts", "write:/dev/pts", NULL);

	ASSERT_LE(0, cell);
	EXPECT_EQ(0, run_outside(own_terminal_errno, NULL));
	EXPECT_EQ(0, test_run(&self->env, cell, own_terminal_errno, NULL));
}

/* ---- A cell that may write everywhere --------------------------------------- */

struct wr_args {
	const char *path;
	const char *text;	/* NULL: open only */
	int flags;
};

static int wr_errno(void *arg)
{
	const struct wr_args *a = arg;
	int fd = open(a->path, a->flags | O_CLOEXEC), r = 0;

	if (fd < 0)
		return errno;
	if (a->text && write(fd, a->text, strlen(a->text)) < 0)
		r = 100 + errno;
	close(fd);
	return r;
}

static int sethostname_errno(void *arg)
{
	return sethostname("cell", 4) ? errno : 0;
}

/* Write grants on the trees of the kernel's own file systems. */
static int machine_cell(struct test_env *env)
{
	return test_env_cell(env, "machine", "read:/proc", "write:/proc",
			     "write:/sys/kernel/tracing", "write:/sys/fs/cgroup",
			     "write:/sys/fs/bpf", NULL);
}

/*
 * A cell that may write /proc writes sysctls as root: the host name it may
 * not set with sethostname() (CAP_SYS_ADMIN is refused), the core pattern
 * (a program the kernel runs as root, outside every cell, when any process
 * crashes), and the OOM score of init, a process outside the cell. Write
 * access to tracefs is kprobes on every process. Like cgroupfs, these are
 * the machine's controls, not files.
 */
TEST_F(bypass, kernel_control_files_are_closed_whatever_the_rules_grant)
{
	int cell = machine_cell(&self->env);
	char host[64] = "", oom[32];
	struct wr_args a = { "/proc/sys/kernel/hostname", "pwned", O_WRONLY | O_TRUNC };
	int fd;

	ASSERT_LE(0, cell);
	ASSERT_EQ(0, gethostname(host, sizeof(host) - 1));
	snprintf(oom, sizeof(oom), "%s", contents("/proc/1/oom_score_adj"));

	EXPECT_EQ(EPERM, test_run(&self->env, cell, sethostname_errno, NULL));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, wr_errno, &a));
	strcat(host, "\n");
	EXPECT_STREQ(host, contents("/proc/sys/kernel/hostname"));
	sethostname(host, strlen(host) - 1);

	a = (struct wr_args){ "/proc/sys/kernel/core_pattern", NULL, O_WRONLY };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, wr_errno, &a));

	a = (struct wr_args){ "/proc/1/oom_score_adj", "999", O_WRONLY };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, wr_errno, &a));
	EXPECT_STREQ(oom, contents("/proc/1/oom_score_adj"));
	fd = open("/proc/1/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, oom, strlen(oom)) < 0)
			TH_LOG("cannot restore init's oom_score_adj");
		close(fd);
	}

	a = (struct wr_args){ "/sys/kernel/tracing/kprobe_events", NULL, O_WRONLY | O_APPEND };
	if (!access(a.path, F_OK))
		EXPECT_EQ(EACCES, test_run(&self->env, cell, wr_errno, &a));
}

struct tree_args {
	const char *a;
	int op;			/* 0 mkdir a, 1 rmdir a, 2 unlink a */
};

static int tree_errno(void *arg)
{
	const struct tree_args *t = arg;
	int r;

	switch (t->op) {
	case 0:
		r = mkdir(t->a, 0755);
		break;
	case 1:
		r = rmdir(t->a);
		break;
	default:
		r = unlink(t->a);
		break;
	}
	return r ? errno : 0;
}

/*
 * The cgroup tree: opening a cgroup file for writing is refused whatever
 * the rules say, but making and removing cgroup directories are path
 * hooks the rules decide: a cell granted write on the cgroup tree removes
 * another cell's cgroup (while it is empty) or makes cgroups anywhere,
 * among the cells too.
 */
TEST_F(bypass, cgroup_tree_is_closed_whatever_the_rules_grant)
{
	int cell = machine_cell(&self->env);
	int victim = test_env_cell(&self->env, "victim", "read:%s/ro", NULL);
	char intruder[PATH_MAX], victim_dir[PATH_MAX];
	struct tree_args t = { intruder, 0 };
	struct stat st;

	ASSERT_LE(0, cell);
	ASSERT_LE(0, victim);
	snprintf(intruder, sizeof(intruder), "%s/intruder-%d",
		 isolate_cells_cgroup(self->env.iso), getpid());
	snprintf(victim_dir, sizeof(victim_dir), "%s/%s", isolate_cells_cgroup(self->env.iso),
		 self->env.cells[victim].name);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, tree_errno, &t));
	rmdir(intruder);
	t = (struct tree_args){ victim_dir, 1 };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, tree_errno, &t));
	EXPECT_EQ(0, stat(victim_dir, &st));
	if (stat(victim_dir, &st))
		mkdir(victim_dir, 0755);	/* lets teardown destroy the cell */
}

static int kill_errno(void *arg)
{
	return kill(*(pid_t *)arg, SIGUSR1) ? errno : 0;
}

/* kill(SIGUSR1) from cell i of a fresh process outside: its errno. */
static int kill_outsider_from(struct test_env *env, int i)
{
	pid_t victim = fork();
	int r;

	if (victim == 0) {
		signal(SIGUSR1, SIG_DFL);
		for (;;)
			pause();
	}
	if (victim < 0)
		return -1;
	r = test_run(env, i, kill_errno, &victim);
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	return r;
}

/*
 * The pinned links in <bpffs>/isolate/links hold the programs attached,
 * as the state directory holds the kept policies: a cell granted write on
 * bpffs that removes isolate_task_kill's pin detaches that hook for every
 * cell, and any cell then signals processes outside it. (A load puts the
 * hook back afterwards.)
 */
TEST_F(bypass, pinned_programs_are_closed_whatever_the_rules_grant)
{
	int cell = machine_cell(&self->env);
	struct isolate *again = NULL;
	char link[PATH_MAX];
	struct tree_args t = { link, 2 };

	ASSERT_LE(0, cell);
	snprintf(link, sizeof(link), "%s/%s/isolate_task_kill",
		 isolate_pin_root(self->env.iso), ISOLATE_PIN_LINKS);
	ASSERT_EQ(0, access(link, F_OK));
	ASSERT_EQ(EPERM, kill_outsider_from(&self->env, self->ro));

	EXPECT_EQ(EACCES, test_run(&self->env, cell, tree_errno, &t));
	EXPECT_EQ(EPERM, kill_outsider_from(&self->env, self->ro));
	if (access(link, F_OK)) {
		/* Put the hook back for what follows. */
		EXPECT_EQ(0, test_load(&again));
		if (again)
			isolate_close(again);
		EXPECT_EQ(EPERM, kill_outsider_from(&self->env, self->ro));
	}
}

/* ---- Block devices ------------------------------------------------------- */

#define TEST_BLOCK_NODE "/dev/isolate-test-block"

/*
 * A block device holds a file system whole: read raw, every file on it is
 * readable, the denied ones too; written, any program root runs is the
 * cell's. A cell granted /dev opened the nodes there like files. It opens
 * none, whatever the rules grant. The node here is of a loop device whose
 * driver is not loaded (as in the test VM): outside a cell the open gets
 * as far as the driver (ENXIO), past every check a cell's open meets
 * first. Where a loop driver answers, the test is skipped.
 */
TEST_F(bypass, block_devices_are_never_opened_in_a_cell)
{
	int cell = test_env_cell(&self->env, "disk", "read:/dev", "write:/dev", NULL);
	struct open_args outside = { TEST_BLOCK_NODE, O_RDWR };
	int err;

	ASSERT_LE(0, cell);
	unlink(TEST_BLOCK_NODE);
	ASSERT_EQ(0, mknod(TEST_BLOCK_NODE, S_IFBLK | 0600, makedev(7, 200)));
	err = run_outside(open_errno, &outside);
	if (err != ENXIO) {
		unlink(TEST_BLOCK_NODE);
		SKIP(return, "loop device 7:200 answers here (%d)", err);
	}
	EXPECT_EQ(EACCES, test_open(&self->env, cell, TEST_BLOCK_NODE, O_RDWR));
	EXPECT_EQ(EACCES, test_open(&self->env, cell, TEST_BLOCK_NODE, O_RDONLY));
	unlink(TEST_BLOCK_NODE);
}

#define TEST_CHAR_NODE "/dev/isolate-test-disk-chr"

/* The major /proc/devices lists for the character device driver name, or 0. */
static unsigned int char_major_of(const char *name)
{
	char line[128], driver[64];
	unsigned int major, found = 0;
	bool chars = false;
	FILE *f = fopen("/proc/devices", "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Character devices:", 18))
			chars = true;
		else if (!strncmp(line, "Block devices:", 14))
			chars = false;
		else if (chars && sscanf(line, "%u %63s", &major, driver) == 2 &&
			 !strcmp(driver, name))
			found = major;
	}
	fclose(f);
	return found;
}

/*
 * The character devices that pass READ and WRITE commands to a disk (bsg,
 * SCSI generic, NVMe's controllers and generic namespaces) open the disk as a block
 * device does: none is opened in a cell either. The nodes here are of
 * minors no device has (outside, ENXIO from the driver's table), of the
 * majors the kernel gave the built-in bsg and NVMe drivers.
 */
TEST_F(bypass, disk_command_devices_are_never_opened_in_a_cell)
{
	static const char *const drivers[] = { "bsg", "nvme", "nvme-generic" };
	int cell = test_env_cell(&self->env, "disk", "read:/dev", "write:/dev", NULL);
	struct open_args outside = { TEST_CHAR_NODE, O_RDWR };
	int tested = 0;

	ASSERT_LE(0, cell);
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		unsigned int major = char_major_of(drivers[i]);

		if (!major)
			continue;
		unlink(TEST_CHAR_NODE);
		ASSERT_EQ(0, mknod(TEST_CHAR_NODE, S_IFCHR | 0600, makedev(major, 4000)));
		if (run_outside(open_errno, &outside) != ENXIO)
			continue;
		EXPECT_EQ(EACCES, test_open(&self->env, cell, TEST_CHAR_NODE, O_RDWR)) {
			TH_LOG("%s (major %u)", drivers[i], major);
		}
		EXPECT_EQ(EACCES, test_open(&self->env, cell, TEST_CHAR_NODE, O_RDONLY)) {
			TH_LOG("%s (major %u)", drivers[i], major);
		}
		tested++;
	}
	unlink(TEST_CHAR_NODE);
	/* /dev/null stays the rules' to decide. */
	EXPECT_EQ(0, test_open(&self->env, cell, "/dev/null", O_RDWR));
	if (!tested)
		SKIP(return, "no bsg or nvme-generic major without a device at minor 4000");
}

/*
 * A character device is a driver, not a file: a grant of /dev reached
 * every one (a watchdog reboots the machine when opened, an input device
 * types into the console). Opened in a cell only by a rule on its node;
 * the harmless few (/dev/null, zero, full, random, urandom, tty, ptmx,
 * pty slaves) by any rule. /dev/kmsg for writing needs nothing of the
 * driver: outside and named, 0.
 */
TEST_F(bypass, a_device_is_opened_only_by_a_rule_on_its_node)
{
	int tree = test_env_cell(&self->env, "devtree", "write:/dev", NULL);
	int named = test_env_cell(&self->env, "devnamed", "write:/dev", "write:/dev/kmsg", NULL);

	ASSERT_LE(0, tree);
	ASSERT_LE(0, named);
	if (access("/dev/kmsg", F_OK))
		SKIP(return, "no /dev/kmsg");
	EXPECT_EQ(0, run_outside(open_errno, &(struct open_args){ "/dev/kmsg", O_WRONLY }));
	EXPECT_EQ(EACCES, test_open(&self->env, tree, "/dev/kmsg", O_WRONLY));
	EXPECT_EQ(0, test_open(&self->env, named, "/dev/kmsg", O_WRONLY));
	EXPECT_EQ(0, test_open(&self->env, tree, "/dev/null", O_WRONLY));
	EXPECT_EQ(0, test_open(&self->env, tree, "/dev/urandom", O_WRONLY));
}

/* A new pty's slave name in name (len bytes); its master, or -1. */
static int new_pty(char *name, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, len)) {
		if (m >= 0)
			close(m);
		return -1;
	}
	return m;
}

/* What a cell does with ptys of its own; the first that fails names its step. */
static int own_ptys_errno(void *arg)
{
	char name[64], led[64];
	int m, fd, p[2], status;
	pid_t leader;
	char c;

	(void)arg;
	/* 1: one just made, as openpty() makes it: no session has it yet */
	m = new_pty(name, sizeof(name));
	if (m < 0)
		return 200 + errno;
	fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 100 + errno;
	/* 2: the caller's controlling terminal, opened again by its name */
	if (setsid() < 0 || ioctl(fd, TIOCSCTTY, 0))
		return 201;
	close(fd);
	fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return 110 + errno;
	close(fd);
	/* 3: another session's, whose leader is in the cell */
	m = new_pty(led, sizeof(led));
	if (m < 0 || pipe(p))
		return 202;
	leader = fork();
	if (leader == 0) {
		if (setsid() < 0)
			_exit(1);
		fd = open(led, O_RDWR | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) || write(p[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	if (leader < 0 || read(p[0], &c, 1) != 1)
		return 203;
	fd = open(led, O_RDWR | O_NOCTTY | O_CLOEXEC);
	kill(leader, SIGKILL);
	waitpid(leader, &status, 0);
	if (fd < 0)
		return 120 + errno;
	close(fd);
	return 0;
}

/*
 * A pty slave is the cell's to open under a grant of /dev when it is its
 * own: just made, its controlling terminal, or one a session of the cell
 * leads. Another session's (a shell in another window, a leader outside
 * every cell) would give the cell the keys typed there. The kernel alone
 * is asked (explain cannot know whose terminal it will be).
 */
/*
 * A process outside every cell holding a new pty's master, its slave's
 * name in name: the leader of a session of its own on it (session), or
 * no session at all. Its pid, or -1.
 */
static pid_t pty_holder(bool session, char *name, size_t len)
{
	int p[2], fd;
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		if ((session && setsid() < 0) || new_pty(name, len) < 0)
			_exit(1);
		fd = open(name, O_RDWR | O_CLOEXEC | (session ? 0 : O_NOCTTY));
		if (fd < 0 || (session && ioctl(fd, TIOCSCTTY, 0)) ||
		    write(p[1], name, len) != (ssize_t)len)
			_exit(2);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], name, len) != (ssize_t)len) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

TEST_F(bypass, another_sessions_pty_is_not_opened)
{
	int cell = test_env_cell(&self->env, "ptys", "read:/dev", "write:/dev", NULL);
	struct open_args other = { NULL, O_RDWR | O_NOCTTY };
	char name[64], unclaimed[64];
	pid_t outsider, holder;
	int status;

	ASSERT_LE(0, cell);
	outsider = pty_holder(true, name, sizeof(name));
	ASSERT_LT(0, outsider);
	other.path = name;
	EXPECT_EQ(0, run_outside(open_errno, &other));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_errno, &other));
	/*
	 * One made outside that no session has taken yet (sshd's, between
	 * openpty and setsid), its master held by another process than the
	 * cell's (which would inherit this one's descriptors).
	 */
	holder = pty_holder(false, unclaimed, sizeof(unclaimed));
	ASSERT_LT(0, holder);
	other.path = unclaimed;
	EXPECT_EQ(0, run_outside(open_errno, &other));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_errno, &other));
	kill(holder, SIGKILL);
	ASSERT_EQ(holder, waitpid(holder, &status, 0));
	EXPECT_EQ(0, test_run(&self->env, cell, own_ptys_errno, NULL));
	kill(outsider, SIGKILL);
	ASSERT_EQ(outsider, waitpid(outsider, &status, 0));
}

/* inotify_add_watch(path): its errno. */
static int watch_errno(void *arg)
{
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0)
		return 100 + errno;
	return inotify_add_watch(fd, arg, IN_OPEN | IN_ACCESS) < 0 ? errno : 0;
}

/*
 * tracefs, debugfs, securityfs, pstore, efivarfs: the kernel's own state.
 * A grant of /sys does not reach into them (opening tracefs's trace for
 * reading alone stops the machine's tracing while it is open); a rule
 * inside the file system does. sysfs itself stays the grant's.
 */
TEST_F(bypass, kernel_state_is_read_only_by_a_rule_inside_it)
{
	int sys = test_env_cell(&self->env, "sysread", "read:/sys", NULL);
	int tracing = test_env_cell(&self->env, "traceread", "read:/sys/kernel/tracing", NULL);
	const char *trace = "/sys/kernel/tracing/trace";

	ASSERT_LE(0, sys);
	ASSERT_LE(0, tracing);
	EXPECT_EQ(0, test_open(&self->env, sys, "/sys/devices/system/cpu/online", O_RDONLY));
	if (access(trace, R_OK))
		SKIP(return, "no tracefs at /sys/kernel/tracing");
	EXPECT_EQ(0, run_outside(open_errno, &(struct open_args){ trace, O_RDONLY }));
	EXPECT_EQ(EACCES, test_open(&self->env, sys, trace, O_RDONLY));
	EXPECT_EQ(0, test_open(&self->env, tracing, trace, O_RDONLY));
	/* Watching it is reading it. */
	EXPECT_EQ(EACCES, test_run(&self->env, sys, watch_errno, (void *)trace));
	EXPECT_EQ(0, test_run(&self->env, tracing, watch_errno, (void *)trace));
	/* Writing there stays refused whatever the rules grant. */
	EXPECT_EQ(EACCES, test_run(&self->env, tracing, open_errno,
				   &(struct open_args){ "/sys/kernel/tracing/trace_marker",
							O_WRONLY }));
}

/*
 * A process's own loginuid (settable once by anyone while unset: audit
 * records then blame that user) and autogroup (its nice value is the
 * whole session's, the shell outside included) are not written in a
 * cell; its other own entries are. The kernel alone is asked (explain
 * answers for rules only).
 */
TEST_F(bypass, session_records_in_proc_are_not_written)
{
	int cell = test_env_cell(&self->env, "procw", "write:/proc", NULL);
	struct open_args loginuid = { "/proc/self/loginuid", O_WRONLY };
	struct open_args autogroup = { "/proc/self/autogroup", O_WRONLY };
	struct open_args oom = { "/proc/self/oom_score_adj", O_WRONLY };

	ASSERT_LE(0, cell);
	EXPECT_EQ(0, run_outside(open_errno, &loginuid));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_errno, &loginuid));
	EXPECT_EQ(0, test_run(&self->env, cell, open_errno, &oom));
	if (access(autogroup.path, F_OK))
		SKIP(return, "no autogroup in this kernel");
	EXPECT_EQ(0, run_outside(open_errno, &autogroup));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_errno, &autogroup));
}

TEST_HARNESS_MAIN
