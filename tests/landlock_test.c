// SPDX-License-Identifier: GPL-2.0
/*
 * The Landlock backend, on the host (no BPF LSM, no VM), as root and as
 * an unprivileged user (65534): `run --backend landlock` lets the granted
 * reads, writes, execs and TCP ports through and refuses the others with
 * EACCES (the static landlock-probe says the errno of each attempt);
 * refuses a policy it cannot enforce exactly (a connect to an address
 * block, a deny below a grant reached through a symlink) unless
 * --allow-unenforced, and then says which capability is not enforced;
 * MPTCP sockets and io_uring are refused where TCP rules are in force,
 * SMC sockets, typing into the terminal (TIOCSTI) and setuid and setgid
 * modes (to chmod, and to the calls that make files; openat2 is ENOSYS)
 * always; write on a file includes truncating it; --cwd is entered by
 * the command, as its user, not by root.
 * Skipped where the kernel has no Landlock; the network cases
 * where it has no network rules (ABI < 4).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "text_file.h"
#include "tree_util.h"
#include "loader_run.h"

/* A helper of the tests: built beside the host tests, or installed beside this program. */
static void built(const char *name, char *out, size_t len)
{
	char self[128];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	snprintf(out, len, "build/tests/%s", name);
	if (!access(out, F_OK) || n <= 0)
		return;
	self[n] = 0;
	*strrchr(self, '/') = 0;
	snprintf(out, len, "%s/%s", self, name);
}
#define NOBODY 65534

FIXTURE(landlock) {
	char dir[64];
	char probe[96];		/* a copy in dir, which every user may run */
	char policy[128];	/* enforceable exactly */
	char cidr_policy[128];	/* with a connect to 10.0.0.0/8 */
	int listen_granted, listen_other;
	unsigned short port_granted, port_other, port_bind;
	int abi;
};

/* A TCP listener on 127.0.0.1, port chosen by the kernel. */
static int listener(unsigned short *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

FIXTURE_SETUP(landlock)
{
	char path[256], text[2048], net[512];
	int fd;

	self->abi = isolate_landlock_abi();
	if (!self->abi)
		SKIP(return, "this kernel has no Landlock");
	strcpy(self->dir, "/tmp/isolate-ll-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->probe, sizeof(self->probe), "%s/probe", self->dir);
	built("landlock-probe", path, 160);
	snprintf(text, sizeof(text), "cp %s %s", path, self->probe);
	ASSERT_EQ(0, system(text));
	snprintf(path, sizeof(path), "%s/ok", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/no", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/w", self->dir);
	ASSERT_EQ(0, mkdir(path, 0777));
	ASSERT_EQ(0, chmod(path, 0777));
	snprintf(path, sizeof(path), "%s/ok/f", self->dir);
	ASSERT_EQ(0, write_text_file(path, "content of ok/f\n", 0644));
	snprintf(path, sizeof(path), "%s/no/f", self->dir);
	ASSERT_EQ(0, write_text_file(path, "secret\n", 0644));

	self->listen_granted = listener(&self->port_granted);
	self->listen_other = listener(&self->port_other);
	ASSERT_LE(0, self->listen_granted);
	ASSERT_LE(0, self->listen_other);
	/* A port to bind: one the kernel just handed out, free again. */
	fd = listener(&self->port_bind);
	ASSERT_LE(0, fd);
	close(fd);

	snprintf(net, sizeof(net),
		 "    connect:\n"
		 "      - {protocol: tcp, address: 0.0.0.0/0, port: %u}\n"
		 "      - {protocol: tcp, address: \"::/0\", port: %u}\n"
		 "    bind:\n"
		 "      - {protocol: tcp, address: 0.0.0.0/0, port: %u}\n"
		 "      - {protocol: tcp, address: \"::/0\", port: %u}\n",
		 self->port_granted, self->port_granted, self->port_bind, self->port_bind);
	snprintf(text, sizeof(text),
		 "version: 1\n"
		 "cells:\n"
		 "  t:\n"
		 "    read: [%s, %s/ok]\n"
		 "    exec: [%s]\n"
		 "    write: [%s/w]\n"
		 "%s",
		 self->probe, self->dir, self->probe, self->dir, self->abi >= 4 ? net : "");
	snprintf(self->policy, sizeof(self->policy), "%s/p.yaml", self->dir);
	ASSERT_EQ(0, write_text_file(self->policy, text, 0644));
	/* The same, plus a deny below no grant and a connect to a block. */
	snprintf(text, sizeof(text),
		 "version: 1\n"
		 "cells:\n"
		 "  t:\n"
		 "    read: [%s, %s/ok]\n"
		 "    exec: [%s]\n"
		 "    connect:\n"
		 "      - {protocol: tcp, address: 10.0.0.0/8, port: 443}\n"
		 "    deny:\n"
		 "      read: [/etc]\n",
		 self->probe, self->dir, self->probe);
	snprintf(self->cidr_policy, sizeof(self->cidr_policy), "%s/cidr.yaml", self->dir);
	ASSERT_EQ(0, write_text_file(self->cidr_policy, text, 0644));
}

FIXTURE_TEARDOWN(landlock)
{
	if (!self->abi || !self->dir[0])
		return;
	close(self->listen_granted);
	close(self->listen_other);
	EXPECT_EQ(0, remove_tree(self->dir));
}

FIXTURE_VARIANT(landlock) {
	uid_t uid;
};
FIXTURE_VARIANT_ADD(landlock, root) { .uid = 0 };
FIXTURE_VARIANT_ADD(landlock, unprivileged) { .uid = NOBODY };

/*
 * The shell command cmd as uid, from the repository root: its exit status,
 * standard output and error together in out.
 */
static int shell_as(uid_t uid, const char *cmd, char *out, size_t len)
{
	int pipefd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(99);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(98);
	}
	close(pipefd[1]);
	while (got + 1 < len && (n = read(pipefd[0], out + got, len - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* `isolate-loader ARGS` as uid, as shell_as. */
static int loader_as(uid_t uid, const char *args, char *out, size_t len)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", loader_bin(), args);
	return shell_as(uid, cmd, out, len);
}

/*
 * run --backend landlock [extra] --policy POLICY -- probe OP ARG as uid:
 * the errno of the attempt in the domain, or -1 when the probe did not
 * run (out holds what was printed).
 */
static int probe(FIXTURE_DATA(landlock) *self, uid_t uid, const char *policy, const char *extra,
		 const char *op, const char *arg, char *out, size_t len)
{
	char args[1024];
	const char *e;
	int err;

	snprintf(args, sizeof(args), "run --backend landlock %s --policy %s -- %s %s %s",
		 extra, policy, self->probe, op, arg);
	if (loader_as(uid, args, out, len) != 0)
		return -1;
	e = strstr(out, "errno=");
	return e && sscanf(e, "errno=%d", &err) == 1 ? err : -1;
}

TEST_F(landlock, granted_files_pass_others_are_eacces)
{
	char out[8192], path[256];

	snprintf(path, sizeof(path), "%s/ok/f", self->dir);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "read", path, out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "backend landlock")) TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/no/f", self->dir);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "read", path, out,
				sizeof(out))) TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/w/made", self->dir);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "write", path, out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_EQ(0, access(path, F_OK));
	snprintf(path, sizeof(path), "%s/ok/made", self->dir);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "write", path, out,
				sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(-1, access(path, F_OK));
	/* Executing: the probe is granted, /bin/true is not (exit 126, EACCES). */
	snprintf(path, sizeof(path), "run --backend landlock --policy %s -- /bin/true",
		 self->policy);
	EXPECT_EQ(126, loader_as(variant->uid, path, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, strerror(EACCES))) TH_LOG("%s", out);
}

/*
 * Without --backend, a caller that may not use the BPF backend (isolate's
 * pinned objects are root's) gets Landlock, loaded or not.
 */
TEST_F(landlock, an_unprivileged_caller_gets_landlock_by_default)
{
	char out[8192], args[1024];

	/* As nobody in both variants: root may use the BPF backend where it is loaded. */
	snprintf(args, sizeof(args), "run --policy %s -- %s read %s/ok/f", self->policy,
		 self->probe, self->dir);
	EXPECT_EQ(0, loader_as(NOBODY, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "backend landlock")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0")) TH_LOG("%s", out);
}

TEST_F(landlock, tcp_ports_not_granted_are_eacces)
{
	char out[8192], port[16];

	if (self->abi < 4)
		SKIP(return, "Landlock ABI %d has no network rules", self->abi);
	snprintf(port, sizeof(port), "%u", self->port_granted);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "connect", port, out,
			   sizeof(out))) TH_LOG("%s", out);
	snprintf(port, sizeof(port), "%u", self->port_other);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "connect", port, out,
				sizeof(out))) TH_LOG("%s", out);
	snprintf(port, sizeof(port), "%u", self->port_bind);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "bind", port, out, sizeof(out)))
		TH_LOG("%s", out);
	snprintf(port, sizeof(port), "%u", self->port_other);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "bind", port, out,
				sizeof(out))) TH_LOG("%s", out);
}

/*
 * A send with MSG_FASTOPEN connects past the connect hook, which Landlock
 * checks for fast open only on the newest kernels: refused EACCES to any
 * port, the granted one too; outside Landlock it connects.
 */
TEST_F(landlock, tcp_fast_open_is_eacces)
{
	char out[8192], port[16], cmd[512];

	if (self->abi < 4)
		SKIP(return, "Landlock ABI %d has no network rules", self->abi);
	snprintf(port, sizeof(port), "%u", self->port_granted);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "fastopen", port, out,
				sizeof(out))) TH_LOG("%s", out);
	snprintf(port, sizeof(port), "%u", self->port_other);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "fastopen", port, out,
				sizeof(out))) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s fastopen %u", self->probe, self->port_granted);
	EXPECT_EQ(0, shell_as(variant->uid, cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0\n")) TH_LOG("%s", out);
}

/*
 * Landlock's TCP rules do not see MPTCP sockets, nor io_uring's sockets any
 * syscall filter: with network rules, MPTCP sockets fail EACCES and
 * io_uring_setup EPERM; plain TCP is left to Landlock.
 */
TEST_F(landlock, mptcp_and_io_uring_are_refused_with_tcp_rules)
{
	char out[8192], args[1024], port[16];
	int fd;

	if (self->abi < 4)
		SKIP(return, "Landlock ABI %d has no network rules", self->abi);
	fd = socket(AF_INET, SOCK_STREAM, 262);
	if (fd < 0 && (errno == EPROTONOSUPPORT || errno == EINVAL))
		SKIP(return, "this kernel has no MPTCP");
	ASSERT_LE(0, fd) TH_LOG("socket(IPPROTO_MPTCP): %s", strerror(errno));
	close(fd);
	/* Only 443 granted: the other listener's port is not. */
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s "
		 "--cap connect:tcp:0.0.0.0/0:443 --cap connect:tcp:[::]/0:443 -- %s",
		 self->probe, self->probe, self->probe);
	snprintf(port, sizeof(port), "%u", self->port_other);
	snprintf(out, sizeof(out), "%s connect-mptcp %s", args, port);
	EXPECT_EQ(0, loader_as(variant->uid, out, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=13\n")) TH_LOG("%s", out);
	snprintf(out, sizeof(out), "%s connect %s", args, port);
	EXPECT_EQ(0, loader_as(variant->uid, out, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=13\n")) TH_LOG("%s", out);
	snprintf(out, sizeof(out), "%s io-uring -", args);
	EXPECT_EQ(0, loader_as(variant->uid, out, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=1\n")) TH_LOG("%s", out);
	/* A granted port: plain TCP connects, MPTCP still may not. */
	snprintf(port, sizeof(port), "%u", self->port_granted);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "connect", port, out,
			   sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "connect-mptcp", port, out,
				sizeof(out))) TH_LOG("%s", out);
}

/*
 * A policy path through a link of /proc to a process's files is refused,
 * not followed: through /proc/PID/root it reaches another mount
 * namespace's objects, named as that namespace names them, and every
 * check would be made on a path that means something else here.
 */
TEST_F(landlock, paths_through_links_of_proc_are_refused)
{
	char out[8192], link[256], args[1024];

	snprintf(link, sizeof(link), "%s/planted", self->dir);
	ASSERT_EQ(0, symlink("/proc/self/root/etc", link));
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap read:%s --cap exec:%s -- %s read /etc/passwd",
		 link, self->probe, self->probe, self->probe);
	EXPECT_EQ(125, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "leads through a loop of symbolic links or through a link of /proc to a process's files"))
		TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("%s", out);
	unlink(link);
}

/*
 * Landlock sees no change of another process's limits, priority or
 * scheduling, nor bpf(2): the filter refuses them (EPERM), so the command
 * cannot lower the limits of the loader that runs it (RLIMIT_CPU killed
 * it, RLIMIT_NOFILE stopped its timeout) nor open pinned maps. Its own,
 * by pid 0, it may still change.
 */
TEST_F(landlock, other_processes_limits_priorities_and_bpf_are_eperm)
{
	static const char *const refused[][2] = {
		{ "prlimit-parent", "-" }, { "renice-parent", "-" },
		{ "affinity-parent", "-" }, { "bpf-obj-get", "/sys/fs/bpf/isolate-test-none" },
	};
	char out[8192];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		EXPECT_EQ(EPERM, probe(self, variant->uid, self->policy, "", refused[i][0],
				       refused[i][1], out, sizeof(out))) {
			TH_LOG("%s: %s", refused[i][0], out);
		}
	}
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "prlimit-self", "-", out,
			   sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "renice-self", "-", out,
			   sizeof(out))) TH_LOG("%s", out);
}

/* SMC sockets connect through a TCP socket of their own that no hook checks: EACCES. */
TEST_F(landlock, smc_sockets_are_eacces)
{
	char out[8192];

	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "smc", "-", out,
				sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "inet-smc", "-", out,
				sizeof(out))) TH_LOG("%s", out);
}

/*
 * A TCP socket given the "smc" upper layer (TCP_ULP) becomes an SMC socket,
 * which connects and listens through a TCP socket of its own that no hook
 * checks: TCP_ULP is refused EACCES, whatever it names; other TCP options
 * are set. Outside Landlock the same call fails otherwise or works.
 */
TEST_F(landlock, tcp_upper_layers_are_eacces)
{
	char out[8192], cmd[512];

	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "tcp-ulp", "smc", out,
				sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "tcp-ulp", "tls", out,
				sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "tcp-nodelay", "-", out,
			   sizeof(out))) TH_LOG("%s", out);
	snprintf(cmd, sizeof(cmd), "%s tcp-ulp smc", self->probe);
	EXPECT_EQ(0, shell_as(variant->uid, cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=13\n")) TH_LOG("%s", out);
}

/*
 * The command keeps the caller's terminal: TIOCSTI types into its input,
 * which runs outside. Refused EPERM in the cell, with bits the kernel drops
 * (above the low 32 of the command) set too; outside, the same call types.
 * In a child that made the terminal of a new pty its controlling one: the
 * result as its exit status, the errno of the attempt, or 255.
 */
static int tiocsti_on_own_terminal(FIXTURE_DATA(landlock) *self, uid_t uid, const char *op)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), status, fd;
	char out[8192];
	pid_t pid;

	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	pid = fork();
	if (pid == 0) {
		fd = setsid() < 0 ? -1 : open(ptsname(master), O_RDWR);
		if (fd < 0 || dup2(fd, 0) < 0)
			_exit(255);
		/* At 0 only: a terminal beside the standard descriptors is refused. */
		close(fd);
		if (!op) {
			if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
				    setresuid(uid, uid, uid)))
				_exit(255);
			_exit(ioctl(0, TIOCSTI, " ") ? errno : 0);
		}
		status = probe(self, uid, self->policy, "", op, "-", out, sizeof(out));
		if (status < 0)
			fprintf(stderr, "%s", out);
		_exit(status < 0 ? 255 : status);
	}
	close(master);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * A command given no terminal (0, 1 and 2 elsewhere) leads a session of
 * its own: /dev/tty, granted, is no terminal of its (ENXIO), not the
 * caller's controlling terminal, which it could read after run returned.
 */
TEST_F(landlock, a_command_given_no_terminal_has_none)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), status;
	char policy[256], text[1024];
	pid_t pid;

	snprintf(policy, sizeof(policy), "%s/tty.yaml", self->dir);
	snprintf(text, sizeof(text),
		 "version: 1\ncells:\n  t:\n    read: [%s, /dev/tty]\n    write: [/dev/tty]\n    exec: [%s]\n",
		 self->probe, self->probe);
	ASSERT_EQ(0, write_text_file(policy, text, 0644));
	ASSERT_LE(0, master);
	ASSERT_EQ(0, grantpt(master));
	ASSERT_EQ(0, unlockpt(master));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char out[8192];
		int tty = setsid() < 0 ? -1 : open(ptsname(master), O_RDWR | O_CLOEXEC);
		int null = open("/dev/null", O_RDONLY);

		/* The caller's controlling terminal, at none of 0, 1 and 2. */
		if (tty < 0 || ioctl(tty, TIOCSCTTY, 0) || null < 0 || dup2(null, 0) < 0)
			_exit(255);
		close(null);
		status = probe(self, variant->uid, policy, "", "read", "/dev/tty", out,
			       sizeof(out));
		if (status < 0)
			fprintf(stderr, "%s", out);
		_exit(status < 0 ? 255 : status);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(master);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(ENXIO, WEXITSTATUS(status));
}

TEST_F(landlock, typing_into_the_terminal_is_eperm)
{
	int outside = tiocsti_on_own_terminal(self, variant->uid, NULL);

	/*
	 * Outside: it types, but where the kernel lets only CAP_SYS_ADMIN
	 * type (6.2 on, dev.tty.legacy_tiocsti 0: EIO); the cell's EPERM
	 * is the filter's either way.
	 */
	ASSERT_TRUE(outside == 0 || (outside == EIO && variant->uid)) {
		TH_LOG("outside: %d", outside);
	}
	EXPECT_EQ(EPERM, tiocsti_on_own_terminal(self, variant->uid, "tiocsti"));
	EXPECT_EQ(EPERM, tiocsti_on_own_terminal(self, variant->uid, "tiocsti-high"));
}

/*
 * Landlock has no rights on attributes: the cell's user changes the mode of
 * a file of its own outside every grant (reported "not governed"), but never
 * to setuid or setgid: EPERM, the mode as it was.
 */
TEST_F(landlock, setuid_and_setgid_modes_are_eperm)
{
	char out[8192], path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/no/own", self->dir);
	ASSERT_EQ(0, write_text_file(path, "#!/bin/sh\n", 0755));
	ASSERT_EQ(0, chown(path, variant->uid, variant->uid));
	EXPECT_EQ(0, probe(self, variant->uid, self->policy, "", "chmod", path, out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not governed file attributes: chmod, chown, utimes, xattrs, ACLs of any file its user owns"))
		TH_LOG("%s", out);
	EXPECT_EQ(EPERM, probe(self, variant->uid, self->policy, "", "chmod-setuid", path, out,
			       sizeof(out))) TH_LOG("%s", out);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ((mode_t)(S_IFREG | 0700), st.st_mode);
}

/*
 * Nor is a file made setuid or setgid: the mode given to open, openat,
 * creat, mknod and mknodat is refused EPERM when it has either bit (with
 * O_CREAT or O_TMPFILE), so no setgid file without group exec exists for
 * an ACL to give it one. openat2, whose mode the filter cannot read, is
 * ENOSYS: libc falls back to openat.
 */
TEST_F(landlock, files_are_never_made_setuid_or_setgid)
{
	static const char *const ops[] = {
		"open-setgid", "openat-setgid", "creat-setgid", "mknod-setgid", "mknodat-setgid",
	};
	char out[8192], path[128];

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		snprintf(path, sizeof(path), "%s/w/%s", self->dir, ops[i]);
		EXPECT_EQ(EPERM, probe(self, variant->uid, self->policy, "", ops[i], path, out,
				       sizeof(out))) TH_LOG("%s: %s", ops[i], out);
		EXPECT_EQ(-1, access(path, F_OK)) TH_LOG("%s made %s", ops[i], path);
	}
	snprintf(path, sizeof(path), "%s/w", self->dir);
	EXPECT_EQ(EPERM, probe(self, variant->uid, self->policy, "", "tmpfile-setgid", path, out,
			       sizeof(out))) TH_LOG("%s", out);
	snprintf(path, sizeof(path), "%s/ok/f", self->dir);
	EXPECT_EQ(ENOSYS, probe(self, variant->uid, self->policy, "", "openat2", path, out,
				sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not governed file attributes: chmod, chown, utimes, xattrs, ACLs of any file its user owns, granted or not (root: any root file); setuid, setgid modes refused to chmod, open, creat, mknod\n"))
		TH_LOG("%s", out);
}

/* write: on a file grants truncating it (ABI 3); read: alone does not. */
/*
 * An open with access mode 3 gives a descriptor for ioctls only, which
 * Landlock asks no right of: refused EACCES by every call that opens
 * (open_by_handle_at before its capability check), granted or not. The
 * control: the same open outside Landlock works (a root command reached
 * raw disks so).
 */
TEST_F(landlock, an_open_for_ioctls_only_is_eacces)
{
	static const char *const ops[] = { "open-ioctl", "openat-ioctl", "by-handle-ioctl" };
	char out[8192], path[128], granted[128], cmd[512];

	snprintf(path, sizeof(path), "%s/no/rw", self->dir);
	ASSERT_EQ(0, write_text_file(path, "not granted\n", 0666));
	ASSERT_EQ(0, chmod(path, 0666));
	snprintf(granted, sizeof(granted), "%s/w/rw", self->dir);
	ASSERT_EQ(0, write_text_file(granted, "granted\n", 0666));
	ASSERT_EQ(0, chmod(granted, 0666));
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", ops[i], path, out,
					sizeof(out))) TH_LOG("%s: %s", ops[i], out);
		EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", ops[i], granted, out,
					sizeof(out))) TH_LOG("%s: %s", ops[i], out);
	}
	snprintf(cmd, sizeof(cmd), "%s open-ioctl %s", self->probe, path);
	EXPECT_EQ(0, shell_as(variant->uid, cmd, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0\n")) TH_LOG("%s", out);
}

TEST_F(landlock, a_file_granted_write_may_be_truncated)
{
	char out[8192], args[1024], file[128];
	struct stat st;

	if (self->abi < 3)
		SKIP(return, "Landlock ABI %d has no truncate right", self->abi);
	snprintf(file, sizeof(file), "%s/wf", self->dir);
	ASSERT_EQ(0, write_text_file(file, "to be truncated\n", 0666));
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s --cap write:%s "
		 "--cap read:%s/ok -- %s truncate %s", self->probe, self->probe, file, self->dir,
		 self->probe, file);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0\n")) TH_LOG("%s", out);
	ASSERT_EQ(0, stat(file, &st));
	EXPECT_EQ(0, st.st_size);
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s --cap write:%s "
		 "--cap read:%s/ok -- %s truncate %s/ok/f", self->probe, self->probe, file, self->dir,
		 self->probe, self->dir);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=13\n")) TH_LOG("%s", out);
}

/*
 * A deny is compared with the grants where the objects are: granted
 * through a symlink and denied by the real path (or the other way round),
 * it is below the grant, so not enforced, and refused without running.
 */
TEST_F(landlock, a_deny_below_a_grant_through_a_symlink_is_refused)
{
	char out[8192], args[1024], path[256], expected[512], *real;
	const char *grant[2] = { "home", "real" }, *deny[2] = { "real", "home" };

	snprintf(path, sizeof(path), "%s/real", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/real/.ssh", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/real/.ssh/id", self->dir);
	ASSERT_EQ(0, write_text_file(path, "SECRET\n", 0644));
	snprintf(path, sizeof(path), "%s/home", self->dir);
	ASSERT_EQ(0, symlink("real", path));
	real = realpath(self->dir, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected),
		 "NOT enforced deny-read:%s/real/.ssh: Landlock has no deny rules: a deny below a granted tree is not enforced",
		 real);
	free(real);
	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof(args),
			 "run --backend landlock --base none --cap read:%s --cap exec:%s "
			 "--cap read:%s/%s --cap deny-read:%s/%s/.ssh -- %s read %s/home/.ssh/id",
			 self->probe, self->probe, self->dir, grant[i], self->dir, deny[i],
			 self->probe, self->dir);
		EXPECT_EQ(3, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, "cannot enforce 1 of the policy's capabilities"))
			TH_LOG("%s", out);
		EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
	}
	/* A deny of what does not exist yet: compared where it would be made. */
	real = realpath(self->dir, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected),
		 "NOT enforced deny-read:%s/real/later/id: Landlock has no deny rules: a deny below a granted tree is not enforced",
		 real);
	free(real);
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s "
		 "--cap read:%s/home --cap deny-read:%s/home/later/id -- %s read %s/home/.ssh/id",
		 self->probe, self->probe, self->dir, self->dir, self->probe, self->dir);
	EXPECT_EQ(3, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
}

/*
 * Executing a file needs reading it in Landlock: an exec grant lets the
 * files below it be read, and a deny of reading there does not hold.
 */
TEST_F(landlock, a_deny_of_reading_below_an_exec_grant_is_refused)
{
	char out[8192], args[1024], expected[512], *real;

	real = realpath(self->dir, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected),
		 "NOT enforced deny-read:%s/ok/f: Landlock executes only what it lets be read: a deny of reading below an exec grant is not enforced",
		 real);
	free(real);
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s "
		 "--cap exec:%s/ok --cap deny-read:%s/ok/f -- %s read %s/ok/f",
		 self->probe, self->probe, self->dir, self->dir, self->probe, self->dir);
	EXPECT_EQ(3, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "cannot enforce 2 of the policy's capabilities"))
		TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
}

/*
 * Landlock holds a deny by granting nothing at its path: the same object
 * under another path inside a grant is reached there. A hard link to a
 * file of the denied tree (its other name could be anywhere), or another
 * mount of the tree inside a grant, makes the deny not enforced: refused,
 * without running. Without them, the same policy runs.
 */
/* The loader's exit status when it is not 0, else the errno of the probe's read. */
static int run_deny_of(const char *dir, const char *probe_path, uid_t uid, const char *read,
		       char *out, size_t len)
{
	char args[1024];
	const char *e;
	int rc, err;

	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s "
		 "--cap read:%s/pub --cap deny-read:%s/real -- %s read %s",
		 probe_path, probe_path, dir, dir, probe_path, read);
	rc = loader_as(uid, args, out, len);
	if (rc)
		return rc;
	e = strstr(out, "errno=");
	return e && sscanf(e, "errno=%d", &err) == 1 ? err : -1;
}

TEST_F(landlock, a_denied_file_with_another_name_is_refused)
{
	char out[8192], path[256], other[256], expected[512], *real;

	snprintf(path, sizeof(path), "%s/real", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/pub", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	/* A directory of the tree the unprivileged user cannot read: passed over. */
	snprintf(path, sizeof(path), "%s/real/a", self->dir);
	ASSERT_EQ(0, mkdir(path, 0700));
	snprintf(path, sizeof(path), "%s/real/secret", self->dir);
	ASSERT_EQ(0, write_text_file(path, "SECRET\n", 0644));
	snprintf(other, sizeof(other), "%s/pub/f", self->dir);
	ASSERT_EQ(0, write_text_file(other, "public\n", 0644));
	EXPECT_EQ(0, run_deny_of(self->dir, self->probe, variant->uid, other, out,
				 sizeof(out))) TH_LOG("%s", out);

	ASSERT_EQ(0, unlink(other));
	ASSERT_EQ(0, link(path, other));
	real = realpath(self->dir, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected),
		 "NOT enforced deny-read:%s/real: Landlock decides by path: %s/real/secret has 2 names",
		 real, real);
	free(real);
	EXPECT_EQ(3, run_deny_of(self->dir, self->probe, variant->uid, other, out,
				 sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
}

TEST_F(landlock, a_denied_tree_mounted_inside_a_grant_is_refused)
{
	char out[8192], path[256], mnt[256], expected[512], *real;

	snprintf(path, sizeof(path), "%s/real", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(mnt, sizeof(mnt), "%s/real/secret", self->dir);
	ASSERT_EQ(0, write_text_file(mnt, "SECRET\n", 0644));
	snprintf(mnt, sizeof(mnt), "%s/pub", self->dir);
	ASSERT_EQ(0, mkdir(mnt, 0755));
	snprintf(mnt, sizeof(mnt), "%s/pub/m", self->dir);
	ASSERT_EQ(0, mkdir(mnt, 0755));
	if (mount(path, mnt, NULL, MS_BIND, NULL))
		SKIP(return, "cannot bind-mount here: %s", strerror(errno));
	real = realpath(self->dir, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected),
		 "NOT enforced deny-read:%s/real: Landlock decides by path: it is mounted again at %s/pub/m, which is granted",
		 real, real);
	free(real);
	snprintf(path, sizeof(path), "%s/pub/m/secret", self->dir);
	EXPECT_EQ(3, run_deny_of(self->dir, self->probe, variant->uid, path, out,
				 sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
	EXPECT_EQ(0, umount2(mnt, MNT_DETACH));
	snprintf(path, sizeof(path), "%s/real/secret", self->dir);
	EXPECT_EQ(EACCES, run_deny_of(self->dir, self->probe, variant->uid, path, out,
				      sizeof(out))) TH_LOG("%s", out);
}

/* Never silently weaker: refused with the list, or run and reported. */
TEST_F(landlock, what_it_cannot_enforce_is_refused_or_reported)
{
	char out[8192], args[1024], path[256];

	snprintf(path, sizeof(path), "%s/ok/f", self->dir);
	snprintf(args, sizeof(args), "run --backend landlock --policy %s -- %s read %s",
		 self->cidr_policy, self->probe, path);
	EXPECT_EQ(3, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, self->abi >= 4 ?
			       "NOT enforced connect:tcp:10.0.0.0/8:443: Landlock checks ports only" :
			       "NOT enforced connect:tcp:10.0.0.0/8:443: Landlock governs no network before ABI 4"))
		TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);

	EXPECT_EQ(0, probe(self, variant->uid, self->cidr_policy, "--allow-unenforced", "read",
			   path, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "NOT enforced connect:tcp:10.0.0.0/8:443")) TH_LOG("%s", out);
	/* The deny of /etc, below no grant, holds: nothing grants /etc. */
	EXPECT_EQ(NULL, strstr(out, "NOT enforced deny-read:/etc")) TH_LOG("%s", out);
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->cidr_policy, "--allow-unenforced",
				"read", "/etc/passwd", out, sizeof(out))) TH_LOG("%s", out);

	/* The report as data, under -j: one JSON object on stderr. */
	snprintf(args, sizeof(args), "-j run --backend landlock --allow-unenforced --policy %s -- %s read %s",
		 self->cidr_policy, self->probe, path);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"backend\":\"landlock\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"unenforced\":[{\"what\":\"connect:tcp:10.0.0.0/8:443\"")) TH_LOG("%s", out);
}

/*
 * A path that leads into the loader's own /proc entries (a symlink to
 * /proc/self/mounts, as /etc/mtab is) would put the rule on the loader's
 * entry, not the cell's: refused as the compiler refuses it, nothing run.
 */
TEST_F(landlock, a_path_into_the_loaders_proc_is_refused)
{
	char out[8192], args[1024], link[128];

	snprintf(link, sizeof(link), "%s/mtab", self->dir);
	ASSERT_EQ(0, symlink("/proc/self/mounts", link));
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s --cap read:%s -- %s read %s",
		 self->probe, self->probe, link, self->probe, link);
	/* 125: isolate failed before the command ran, as a policy BPF LSM cannot compile. */
	EXPECT_EQ(125, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "/mtab' leads to the compiling process's /proc entries (/proc/"))
		TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
}

/*
 * A request to audit on fd (NETLINK_AUDIT): AUDIT_GET into *out, or
 * AUDIT_SET of *in. 0 or -errno. Records that arrive meanwhile (fd is the
 * daemon's) are passed over.
 */
static int audit_request(int fd, __u16 type, const struct audit_status *in,
			 struct audit_status *out)
{
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} req = { .h = { .nlmsg_len = NLMSG_LENGTH(sizeof(req.s)), .nlmsg_type = type,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 } };
	char buf[8192];
	int err = -EIO;
	ssize_t n;

	if (in)
		req.s = *in;
	else
		req.h.nlmsg_len = NLMSG_LENGTH(0);
	if (send(fd, &req, req.h.nlmsg_len, 0) < 0)
		return -errno;
	while (err == -EIO && (n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == AUDIT_GET && out) {
				memcpy(out, NLMSG_DATA(h), sizeof(*out));
				err = 0;
			} else if (h->nlmsg_type == NLMSG_ERROR) {
				int e = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				if (e || !out)
					err = e;
			}
		}
	}
	return err;
}

#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423	/* Linux 6.15 */
#endif

/* Audit on, its records to fd (this process the audit daemon), or off again. */
static int audit_take(int fd, bool take)
{
	struct audit_status s = {
		.mask = AUDIT_STATUS_ENABLED | AUDIT_STATUS_PID,
		.enabled = take, .pid = take ? (__u32)getpid() : 0,
	};

	return audit_request(fd, AUDIT_SET, &s, NULL);
}

/* Whether a record of type with both texts arrives on fd, within 5 s. */
static bool audit_record_has(int fd, __u16 type, const char *a, const char *b)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[16384];
	ssize_t n;

	while (poll(&p, 1, 5000) > 0 && (n = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			char *text = NLMSG_DATA(h);
			size_t len = h->nlmsg_len - NLMSG_HDRLEN;

			if (h->nlmsg_type != type || len >= sizeof(buf) - (size_t)(text - buf))
				continue;
			text[len] = 0;
			if (strstr(text, a) && strstr(text, b))
				return true;
		}
	}
	return false;
}

/*
 * On ABI 7, the command's denials reach the audit log: the domain is
 * entered with LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON, without which
 * Landlock logs only those before execve. Where no audit daemon runs,
 * the test is the daemon for the run: audit on, its records to the
 * test, then off again.
 */
TEST_F(landlock, the_commands_denials_are_audited)
{
	char out[8192], path[256], expected[300], *real;
	struct audit_status st;
	int fd;

	if (self->abi < 7)
		SKIP(return, "Landlock ABI %d does not audit", self->abi);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0 || audit_request(fd, AUDIT_GET, NULL, &st)) {
		if (fd >= 0)
			close(fd);
		SKIP(return, "no audit in this kernel");
	}
	if (st.pid || st.enabled) {
		close(fd);
		SKIP(return, "audit is in use here (daemon %u, enabled %u): not turned on and off",
		     st.pid, st.enabled);
	}
	snprintf(path, sizeof(path), "%s/no/f", self->dir);
	real = realpath(path, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected), "path=\"%s\"", real);
	free(real);
	ASSERT_EQ(0, audit_take(fd, true));
	EXPECT_EQ(EACCES, probe(self, variant->uid, self->policy, "", "read", path, out,
				sizeof(out))) TH_LOG("%s", out);
	EXPECT_TRUE(audit_record_has(fd, AUDIT_LANDLOCK_ACCESS, "blockers=fs.read_file", expected))
		TH_LOG("no record with %s", expected);
	EXPECT_EQ(0, audit_take(fd, false));
	close(fd);
}

/*
 * `run --backend landlock --base none --cap read:PROBE --cap exec:PROBE
 * CAPS -- PROBE read /dev/null` as uid, with a /dev of the test's own: a
 * tmpfs over it in a mount namespace of the loader's, holding null, a
 * block device (7:200), fuse (10:229) and tty1 (4:1, 0600), the first
 * two mode 0666 when open_to_all, else 0600. Returns the loader's exit
 * status; out has what it printed.
 */
static int run_with_own_dev(FIXTURE_DATA(landlock) *self, uid_t uid, bool open_to_all,
			    const char *caps, char *out, size_t len)
{
	static const struct {
		const char *path;
		mode_t type;
		unsigned int major, minor;
		bool shared;
	} nodes[] = {
		{ "/dev/null", S_IFCHR, 1, 3, true }, { "/dev/disk0", S_IFBLK, 7, 200, false },
		{ "/dev/fuse", S_IFCHR, 10, 229, false }, { "/dev/tty1", S_IFCHR, 4, 1, false },
	};
	int pipefd[2], status;
	char args[1024];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s %s -- %s read /dev/null",
		 self->probe, self->probe, caps, self->probe);
	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		umask(0);
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tmpfs", "/dev", "tmpfs", 0, "mode=755"))
			_exit(200);
		for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
			bool all = nodes[i].shared || (open_to_all && strcmp(nodes[i].path, "/dev/tty1"));

			if (mknod(nodes[i].path, nodes[i].type | (all ? 0666 : 0600),
				  makedev(nodes[i].major, nodes[i].minor)))
				_exit(201);
		}
		status = loader_as(uid, args, out, len);
		if (write(pipefd[1], out, strlen(out)) < 0)
			_exit(202);
		_exit(status < 0 ? 203 : status);
	}
	close(pipefd[1]);
	while (got + 1 < len && (n = read(pipefd[0], out + got, len - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * BPF LSM opens a character device only by a rule on its node, never a
 * block device, whatever the rules; Landlock opens every device below a
 * grant that the command's user may open. A grant reaching such devices
 * is not enforced (refused, exit 3), and the report names those the
 * command could open: by their modes, as root every root device, as
 * 65534 those open to all; a device a rule names is not among them. A
 * grant below which the user may open none of them is enforced: /dev,
 * for 65534, where only null is open to all, and /dev/null for anyone.
 */
TEST_F(landlock, a_grant_that_opens_devices_bpf_keeps_closed_is_refused)
{
	bool root = variant->uid == 0;
	char out[8192];

	EXPECT_EQ(3, run_with_own_dev(self, variant->uid, true, "--cap read:/dev", out,
				      sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "NOT enforced read:/dev: Landlock opens every device below a grant the user may open, BPF LSM only null, zero, full, random, urandom, tty, ptmx: grant the nodes\n"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, root ? "not governed read:/dev: devices it could open (3): " :
				       "not governed read:/dev: devices it could open (2): "))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "/dev/disk0")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "/dev/fuse")) TH_LOG("%s", out);
	EXPECT_EQ(root, strstr(out, "/dev/tty1") != NULL) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);

	/* fuse named by a rule of its own: BPF LSM opens it too. */
	EXPECT_EQ(3, run_with_own_dev(self, variant->uid, true, "--cap read:/dev --cap read:/dev/fuse",
				      out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, root ? "devices it could open (2): " : "devices it could open (1): /dev/disk0\n"))
		TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "NOT enforced read:/dev/fuse")) TH_LOG("%s", out);

	/* The block device itself. */
	EXPECT_EQ(3, run_with_own_dev(self, variant->uid, true, "--cap read:/dev/disk0", out,
				      sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "NOT enforced read:/dev/disk0: BPF LSM never opens a block device, or one that passes disk commands, whatever the rules: Landlock does\n"))
		TH_LOG("%s", out);

	/* Only root's to open but for null: enforced for 65534, and it runs. */
	EXPECT_EQ(root ? 3 : 0, run_with_own_dev(self, variant->uid, false, "--cap read:/dev", out,
						 sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(root, strstr(out, "NOT enforced read:/dev") != NULL) TH_LOG("%s", out);
	if (!root)
		EXPECT_NE(NULL, strstr(out, "errno=0\n")) TH_LOG("%s", out);

	/* The runtime profile's own grant: null is harmless. */
	EXPECT_EQ(0, run_with_own_dev(self, variant->uid, true, "--cap read:/dev/null", out,
				      sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "NOT enforced")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0\n")) TH_LOG("%s", out);
}

/*
 * The report printed is that of the policy as enforced: resolved. Two
 * grants, a and a/st, where a is a symlink to b and b/st one to the
 * state directory: as written, a/st is below a and was dropped, so the
 * report was silent while the run refused (or, allowed, reached the state
 * directory). Resolved, a/st is the state directory: reported.
 */
TEST_F(landlock, the_report_is_of_the_policy_as_resolved)
{
	char out[8192], args[1024], path[256], expected[512], *real;

	snprintf(path, sizeof(path), "%s/state", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	ASSERT_EQ(0, setenv("ISOLATE_STATE_DIR", path, 1));
	snprintf(path, sizeof(path), "%s/b", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/a", self->dir);
	ASSERT_EQ(0, symlink("b", path));
	snprintf(path, sizeof(path), "%s/b/st", self->dir);
	ASSERT_EQ(0, symlink("../state", path));
	real = realpath(self->dir, NULL);
	ASSERT_NE(NULL, real);
	snprintf(expected, sizeof(expected),
		 "NOT enforced read:%s/state: Landlock cannot keep isolate's state directory out of a granted tree",
		 real);
	free(real);
	for (int allow = 0; allow < 2; allow++) {
		snprintf(args, sizeof(args),
			 "run --backend landlock --base none %s --cap read:%s --cap exec:%s "
			 "--cap read:%s/a --cap read:%s/a/st -- %s read %s/a/st",
			 allow ? "--allow-unenforced" : "", self->probe, self->probe, self->dir,
			 self->dir, self->probe, self->dir);
		EXPECT_EQ(allow ? 0 : 3, loader_as(variant->uid, args, out, sizeof(out)))
			TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
	}
	unsetenv("ISOLATE_STATE_DIR");
}

/*
 * A path is resolved once: the checks are made on the object opened and
 * the rule is added from that descriptor. Between a check and the rule,
 * someone who may write a directory of the path could swap a symlink in
 * (here at the loader's first landlock_add_rule, by a preloaded shim): a
 * rule made by opening the path again would land on the symlink's target.
 */
TEST_F(landlock, a_path_swapped_after_its_check_keeps_its_rule)
{
	char out[8192], args[1024], shim[256], path[256], sw[128], no[128];

	built("swap-on-rule.so", path, sizeof(path));
	snprintf(shim, sizeof(shim), "%s/swap-on-rule.so", self->dir);
	snprintf(args, sizeof(args), "cp %s %s", path, shim);
	if (system(args))
		SKIP(return, "no %s", path);
	/* A directory the command's user may write, holding x. */
	snprintf(sw, sizeof(sw), "%s/sw", self->dir);
	ASSERT_EQ(0, mkdir(sw, 0777));
	ASSERT_EQ(0, chmod(sw, 0777));
	snprintf(path, sizeof(path), "%s/aaa", sw);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/x", sw);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(no, sizeof(no), "%s/no", self->dir);
	ASSERT_EQ(0, setenv("LD_PRELOAD", shim, 1));
	ASSERT_EQ(0, setenv("SWAP_DIR", path, 1));
	ASSERT_EQ(0, setenv("SWAP_TO", no, 1));
	/* x is not the first rule, whichever order they are added in. */
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s/aaa --cap read:%s --cap exec:%s "
		 "--cap read:%s/x -- %s read %s/f",
		 sw, self->probe, self->probe, sw, self->probe, no);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	unsetenv("LD_PRELOAD");
	unsetenv("SWAP_DIR");
	unsetenv("SWAP_TO");
	snprintf(path, sizeof(path), "%s/x.orig", sw);
	if (access(path, F_OK))
		SKIP(return, "the shim was not preloaded (a static loader?)");
	EXPECT_NE(NULL, strstr(out, "errno=13\n")) TH_LOG("%s", out);
}

/* The two processes the probe said it left ("left=A,B" in out) are gone. */
static void expect_left_gone(struct __test_metadata *_metadata, const char *out)
{
	const char *left = strstr(out, "left=");
	int a = 0, b = 0;

	ASSERT_NE(NULL, left) TH_LOG("%s", out);
	ASSERT_EQ(2, sscanf(left, "left=%d,%d", &a, &b)) TH_LOG("%s", out);
	ASSERT_LT(0, a);
	ASSERT_LT(0, b);
	EXPECT_EQ(-1, kill(a, 0)) { kill(a, SIGKILL); }
	EXPECT_EQ(-1, kill(b, 0)) { kill(b, SIGKILL); }
}

/*
 * The processes the command leaves, in a session of their own or not,
 * are killed and reaped when it exits and when --timeout kills it: run
 * is their reaper, they are not left to init holding its terminal. The
 * probe starts two that wait forever and says their pids.
 */
TEST_F(landlock, what_the_command_leaves_is_killed)
{
	static const char *const how[] = { "exit", "stay" };
	char out[8192], args[1024];

	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof(args),
			 "run --backend landlock --base none %s --cap read:%s --cap exec:%s -- %s leave %s",
			 i ? "--timeout 0.2" : "", self->probe, self->probe, self->probe, how[i]);
		EXPECT_EQ(i ? 124 : 0, loader_as(variant->uid, args, out, sizeof(out)))
			TH_LOG("%s", out);
		expect_left_gone(_metadata, out);
		if (i)
			EXPECT_NE(NULL, strstr(out, "run: --timeout reached: killed every process of the command\n"))
				TH_LOG("%s", out);
	}
}

/*
 * A process the command leaves with a child of its own (run's grandchild
 * when the reaper looks): both are killed, the child taken by its pidfd
 * through its parent's.
 */
TEST_F(landlock, what_the_commands_leftovers_started_is_killed)
{
	char out[8192], args[1024];

	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s -- %s leave tree",
		 self->probe, self->probe, self->probe);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	expect_left_gone(_metadata, out);
}

/* One-shot capabilities: the policy is the command line. */
TEST_F(landlock, caps_on_the_command_line)
{
	char out[8192], args[1024];

	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s --cap read:%s/ok "
		 "--cwd %s -- %s read ok/f", self->probe, self->probe, self->dir, self->dir, self->probe);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0")) TH_LOG("%s", out);
	snprintf(args, sizeof(args),
		 "run --backend landlock --base none --cap read:%s --cap exec:%s --cap read:%s/ok "
		 "--cwd %s -- %s read no/f", self->probe, self->probe, self->dir, self->dir, self->probe);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=13")) TH_LOG("%s", out);
}

/*
 * --cwd is entered by the command, as its user and confined, not by root
 * beforehand: a directory only root may enter fails the command (126) and
 * the error names it; a missing command stays 127.
 */
TEST_F(landlock, cwd_is_entered_as_the_command)
{
	char out[8192], args[1024], private[128];

	snprintf(private, sizeof(private), "%s/private", self->dir);
	ASSERT_EQ(0, mkdir(private, 0700));
	snprintf(args, sizeof(args), "run --backend landlock --policy %s --cwd %s/ok -- %s read f",
		 self->policy, self->dir, self->probe);
	EXPECT_EQ(0, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "errno=0")) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "run --backend landlock --policy %s --cwd %s/missing -- %s read f",
		 self->policy, self->dir, self->probe);
	EXPECT_EQ(126, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "/missing: No such file or directory")) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "run --backend landlock --policy %s --cwd %s/ok -- %s/ok/none",
		 self->policy, self->dir, self->dir);
	EXPECT_EQ(127, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	if (variant->uid)
		return;	/* --user needs root */
	snprintf(args, sizeof(args), "run --backend landlock --policy %s --user %d --cwd %s -- %s read %s/ok/f",
		 self->policy, NOBODY, private, self->probe, self->dir);
	EXPECT_EQ(126, loader_as(variant->uid, args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "working directory")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "/private: Permission denied")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "errno=")) TH_LOG("it ran: %s", out);
	EXPECT_EQ(NULL, strstr(out, "the policy does not let it execute")) TH_LOG("%s", out);
}

/* What the backend holds on this kernel, kind by kind, without a policy. */
/* The item of r for the capability whose text is what; NULL if none. */
static const struct isolate_enforcement *report_of(const struct isolate_enforcement_report *r,
						   const char *what)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].capability && !strcmp(r->items[i].what, what))
			return &r->items[i];
	return NULL;
}

/*
 * isolate's state directory holds the BPF cells' kept policies and
 * channels; BPF LSM closes it to every cell, Landlock cannot carve it out
 * of a granted tree: a grant that reaches it is not enforced as BPF LSM
 * would, and says so.
 */
TEST(a_grant_that_reaches_the_state_directory_is_reported)
{
	char dir[] = "/tmp/isolate-ll-state.XXXXXX", state[64], caps[4][96];
	const char *texts[] = { "read:%s", "write:%s/other", "read:%s/state/cells", "read:%s/statefile" };
	struct isolate_enforcement_report r;
	struct isolate_cell_policy *pol = isolate_cell_policy_new("t");
	const struct isolate_enforcement *e;

	ASSERT_NE(NULL, pol);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(state, sizeof(state), "%s/state", dir);
	ASSERT_EQ(0, setenv("ISOLATE_STATE_DIR", state, 1));
	for (int i = 0; i < 4; i++) {
		struct isolate_diag diag = { 0 };
		struct isolate_cap *cap = NULL;

		snprintf(caps[i], sizeof(caps[i]), texts[i], dir);
		ASSERT_EQ(0, isolate_cap_parse(caps[i], &cap, &diag)) TH_LOG("%s", diag.msg);
		ASSERT_EQ(0, isolate_cell_policy_add(pol, cap));
		isolate_cap_free(cap);
	}
	ASSERT_EQ(0, isolate_landlock_report(pol, 4, &r));
	for (int i = 0; i < 4; i++) {
		bool reaches = i == 0 || i == 2;

		e = report_of(&r, caps[i]);
		ASSERT_NE(NULL, e) TH_LOG("%s", caps[i]);
		EXPECT_EQ(!reaches, e->enforced) TH_LOG("%s: %s", caps[i], e->why);
		EXPECT_EQ(reaches, strstr(e->why, "state directory") != NULL) TH_LOG("%s", e->why);
	}
	isolate_enforcement_report_free(&r);
	isolate_cell_policy_free(pol);
	unsetenv("ISOLATE_STATE_DIR");
	rmdir(dir);
}

/*
 * BPF LSM closes every other mount of the state directory, or of a part
 * of it, too: a grant of a directory where one is mounted reaches it.
 */
TEST(a_grant_that_reaches_a_mount_of_the_state_directory_is_reported)
{
	char dir[] = "/tmp/isolate-ll-state.XXXXXX", state[64], pub[64], mnt[80], cap_text[96];
	struct isolate_enforcement_report r;
	struct isolate_cell_policy *pol = isolate_cell_policy_new("t");
	const struct isolate_enforcement *e;
	struct isolate_diag diag = { 0 };
	struct isolate_cap *cap = NULL;

	ASSERT_NE(NULL, pol);
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	snprintf(mnt, sizeof(mnt), "%s/pub/cells", dir);
	ASSERT_EQ(0, mkdir(state, 0755));
	ASSERT_EQ(0, mkdir(pub, 0755));
	ASSERT_EQ(0, mkdir(mnt, 0755));
	snprintf(cap_text, sizeof(cap_text), "read:%s", pub);
	ASSERT_EQ(0, isolate_cap_parse(cap_text, &cap, &diag)) TH_LOG("%s", diag.msg);
	ASSERT_EQ(0, isolate_cell_policy_add(pol, cap));
	isolate_cap_free(cap);
	ASSERT_EQ(0, setenv("ISOLATE_STATE_DIR", state, 1));
	if (mount(state, mnt, NULL, MS_BIND, NULL)) {
		rmdir(mnt);
		rmdir(pub);
		rmdir(state);
		rmdir(dir);
		isolate_cell_policy_free(pol);
		SKIP(return, "cannot bind-mount here: %s", strerror(errno));
	}
	ASSERT_EQ(0, isolate_landlock_report(pol, 4, &r));
	e = report_of(&r, cap_text);
	ASSERT_NE(NULL, e) TH_LOG("%s", cap_text);
	EXPECT_FALSE(e->enforced);
	EXPECT_NE(NULL, strstr(e->why, "state directory")) TH_LOG("%s", e->why);
	isolate_enforcement_report_free(&r);
	/* Unmounted, the same grant is enforced. */
	EXPECT_EQ(0, umount2(mnt, MNT_DETACH));
	ASSERT_EQ(0, isolate_landlock_report(pol, 4, &r));
	e = report_of(&r, cap_text);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(e->enforced) TH_LOG("%s", e->why);
	isolate_enforcement_report_free(&r);
	isolate_cell_policy_free(pol);
	unsetenv("ISOLATE_STATE_DIR");
	rmdir(mnt);
	rmdir(pub);
	rmdir(state);
	rmdir(dir);
}

TEST(features_say_what_landlock_enforces)
{
	char out[16384];

	if (!isolate_landlock_abi())
		SKIP(return, "this kernel has no Landlock");
	ASSERT_EQ(0, loader_run("features --backend landlock", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "enforced     read:/srv\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "NOT enforced connect:tcp:10.0.0.0/8:443: ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "NOT enforced deny-read:/srv/secret: ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "NOT enforced exec:/usr/bin: ")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not governed udp and other protocols: ")) TH_LOG("%s", out);
	/* What Landlock does not see, listed: each of these was done from a cell. */
	EXPECT_NE(NULL, strstr(out, "not governed exec of memory: running any bytes the cell holds (a memfd, execveat(2) with AT_EMPTY_PATH)"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not governed watches and links: inotify watches on, and readlink(2) of links in, directories the cell may not read"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not governed kernel keyrings: the caller's session keyring and the user's keyring"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "not governed System V IPC: shared memory, semaphores and message queues of other programs"))
		TH_LOG("%s", out);
	if (isolate_landlock_abi() >= 4)
		EXPECT_NE(NULL, strstr(out, "not governed tcp listen: ")) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
