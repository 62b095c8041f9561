// SPDX-License-Identifier: GPL-2.0
/*
 * What the Landlock tests run inside the domain: one attempt, its errno
 * printed ("0" when it worked). Static, so that the domain needs to grant
 * nothing but the probe itself.
 *   landlock-probe read FILE | write FILE | truncate FILE | connect PORT |
 *                  connect-mptcp PORT | bind PORT | io-uring - |
 *                  chmod FILE | chmod-setuid FILE | smc - | inet-smc - |
 *                  tiocsti - | tiocsti-high - | open-setgid FILE |
 *                  openat-setgid FILE | tmpfile-setgid DIR | creat-setgid FILE |
 *                  mknod-setgid FILE | mknodat-setgid FILE | openat2 FILE |
 *                  open-ioctl FILE | openat-ioctl FILE | by-handle-ioctl FILE |
 *                  fastopen PORT | tcp-ulp NAME | tcp-nodelay - |
 *                  leave exit|stay
 * tiocsti types a space into standard input's terminal; tiocsti-high asks
 * the same with bits above the 32 the kernel reads set in the command.
 * The -setgid ones make a file of mode 02644 by that system call itself,
 * not through libc, which may pick another. The -ioctl ones open FILE
 * with access mode 3 (ioctls only), by open, openat, or by a handle
 * name_to_handle_at gave. fastopen sends a byte to 127.0.0.1:PORT with
 * MSG_FASTOPEN (a connect with data). tcp-ulp sets a TCP socket's upper
 * layer protocol (TCP_ULP) to NAME; tcp-nodelay sets TCP_NODELAY, another
 * TCP option. leave starts two processes
 * that wait forever, one in a session of its own, the other named with a
 * newline and a ')', without the probe's standard descriptors, prints "left=PID,PID" and exits (or waits too).
 * leave tree starts one such process with a child of its own that waits
 * too, prints "left=PID,CHILD" and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef IPPROTO_SMC
#define IPPROTO_SMC 256
#endif
#ifndef AF_SMC
#define AF_SMC 43
#endif

/* The errno of a call that returns a descriptor, which is closed; 0 when it did. */
static int fd_errno(long fd)
{
	int ret = fd < 0 ? errno : 0;

	if (fd >= 0)
		close((int)fd);
	return ret;
}

/* The errno of open_by_handle_at(2) of path's handle with flags; 0 when it opened. */
static int by_handle_errno(const char *path, int flags)
{
	union {
		struct file_handle h;
		char space[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} handle = { .h.handle_bytes = MAX_HANDLE_SZ };
	int mount_id, root = open("/", O_PATH | O_CLOEXEC), ret;

	if (root < 0)
		return errno;
	if (name_to_handle_at(AT_FDCWD, path, &handle.h, &mount_id, 0)) {
		ret = errno;
		close(root);
		return ret;
	}
	ret = fd_errno(syscall(SYS_open_by_handle_at, root, &handle.h, flags));
	close(root);
	return ret;
}

static int attempt(const char *op, const char *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd, ret;

	if (!strcmp(op, "read") || !strcmp(op, "write") || !strcmp(op, "truncate")) {
		fd = open(arg, !strcmp(op, "read") ? O_RDONLY : !strcmp(op, "write") ?
			  O_WRONLY | O_CREAT : O_WRONLY | O_TRUNC, 0644);
		ret = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!strcmp(op, "open-setgid"))
		return fd_errno(syscall(SYS_open, arg, O_CREAT | O_WRONLY | O_CLOEXEC, 02644));
	if (!strcmp(op, "openat-setgid"))
		return fd_errno(syscall(SYS_openat, AT_FDCWD, arg, O_CREAT | O_WRONLY | O_CLOEXEC,
					02644));
	if (!strcmp(op, "tmpfile-setgid"))
		return fd_errno(syscall(SYS_openat, AT_FDCWD, arg, O_TMPFILE | O_WRONLY | O_CLOEXEC,
					02644));
	if (!strcmp(op, "creat-setgid"))
		return fd_errno(syscall(SYS_creat, arg, 02644));
	if (!strcmp(op, "mknod-setgid"))
		return syscall(SYS_mknod, arg, S_IFREG | 02644, 0) ? errno : 0;
	if (!strcmp(op, "mknodat-setgid"))
		return syscall(SYS_mknodat, AT_FDCWD, arg, S_IFREG | 02644, 0) ? errno : 0;
	if (!strcmp(op, "open-ioctl"))
		return fd_errno(syscall(SYS_open, arg, O_ACCMODE | O_CLOEXEC));
	if (!strcmp(op, "openat-ioctl"))
		return fd_errno(syscall(SYS_openat, AT_FDCWD, arg, O_ACCMODE | O_CLOEXEC));
	if (!strcmp(op, "by-handle-ioctl"))
		return by_handle_errno(arg, O_ACCMODE | O_CLOEXEC);
	if (!strcmp(op, "openat2")) {
		struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };

		return fd_errno(syscall(SYS_openat2, AT_FDCWD, arg, &how, sizeof(how)));
	}
	if (!strcmp(op, "chmod") || !strcmp(op, "chmod-setuid"))
		return chmod(arg, !strcmp(op, "chmod") ? 0700 : 04755) ? errno : 0;
	if (!strcmp(op, "tiocsti") || !strcmp(op, "tiocsti-high"))
		return ioctl(0, (!strcmp(op, "tiocsti") ? 0 : 1UL << 32) | TIOCSTI, " ") ? errno : 0;
	if (!strcmp(op, "smc") || !strcmp(op, "inet-smc")) {
		fd = !strcmp(op, "smc") ? socket(AF_SMC, SOCK_STREAM, 0) :
		     socket(AF_INET, SOCK_STREAM, IPPROTO_SMC);
		ret = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!strcmp(op, "tcp-ulp") || !strcmp(op, "tcp-nodelay")) {
		int one = 1;

		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return errno;
		ret = (!strcmp(op, "tcp-ulp") ?
		       setsockopt(fd, IPPROTO_TCP, TCP_ULP, arg, strlen(arg) + 1) :
		       setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) ? errno : 0;
		close(fd);
		return ret;
	}
	if (!strcmp(op, "io-uring")) {
		struct io_uring_params params = { 0 };

		fd = (int)syscall(SYS_io_uring_setup, 1, &params);
		ret = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!strcmp(op, "prlimit-parent") || !strcmp(op, "prlimit-self")) {
		pid_t pid = !strcmp(op, "prlimit-parent") ? getppid() : 0;
		struct rlimit lim;

		/* Read, then set as it was: refused or not, nothing changes. */
		return prlimit(pid, RLIMIT_NOFILE, NULL, &lim) ||
		       prlimit(pid, RLIMIT_NOFILE, &lim, NULL) ? errno : 0;
	}
	if (!strcmp(op, "renice-parent") || !strcmp(op, "renice-self")) {
		pid_t pid = !strcmp(op, "renice-parent") ? getppid() : 0;
		int prio;

		errno = 0;
		prio = getpriority(PRIO_PROCESS, (id_t)pid);
		if (errno)
			return errno;
		return setpriority(PRIO_PROCESS, (id_t)pid, prio) ? errno : 0;
	}
	if (!strcmp(op, "affinity-parent")) {
		cpu_set_t set;

		if (sched_getaffinity(getppid(), sizeof(set), &set))
			return errno;
		return sched_setaffinity(getppid(), sizeof(set), &set) ? errno : 0;
	}
	if (!strcmp(op, "bpf-obj-get")) {
		union bpf_attr attr;

		memset(&attr, 0, sizeof(attr));
		attr.pathname = (__u64)(unsigned long)arg;
		fd = (int)syscall(SYS_bpf, BPF_OBJ_GET, &attr, sizeof(attr));
		ret = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	a.sin_port = htons((unsigned short)atoi(arg));
	fd = socket(AF_INET, SOCK_STREAM, !strcmp(op, "connect-mptcp") ? IPPROTO_MPTCP : 0);
	if (fd < 0)
		return errno;
	if (!strcmp(op, "fastopen"))
		ret = sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&a, sizeof(a)) < 0 ?
		      errno : 0;
	else if (!strcmp(op, "connect") || !strcmp(op, "connect-mptcp"))
		ret = connect(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
	else
		ret = bind(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
	close(fd);
	return ret;
}

/* A process that waits forever, holding none of the caller's descriptors. */
static pid_t start_waiting(int new_session)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(0);
		close(1);
		close(2);
		/* Its name is its own to set: one that ends a line hides it from a line reader. */
		if (new_session)
			setsid();
		else
			prctl(PR_SET_NAME, "left\n) R 1", 0, 0, 0);
		for (;;)
			pause();
	}
	return pid;
}

/* start_waiting()'s, after starting one of its own: its pid in *child. */
static pid_t start_waiting_parent(pid_t *child)
{
	int fds[2];
	pid_t pid;

	*child = -1;
	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		pid_t mine;

		close(fds[0]);
		mine = start_waiting(0);
		if (write(fds[1], &mine, sizeof(mine)) != sizeof(mine))
			_exit(1);
		close(fds[1]);
		close(0);
		close(1);
		close(2);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], child, sizeof(*child)) != sizeof(*child))
		*child = -1;
	close(fds[0]);
	return pid;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	if (!strcmp(argv[1], "leave") && !strcmp(argv[2], "tree")) {
		pid_t child, parent = start_waiting_parent(&child);

		printf("left=%d,%d\n", (int)parent, (int)child);
		return 0;
	}
	if (!strcmp(argv[1], "leave")) {
		pid_t a = start_waiting(0), b = start_waiting(1);

		printf("left=%d,%d\n", (int)a, (int)b);
		fflush(stdout);
		while (!strcmp(argv[2], "stay"))
			pause();
		return 0;
	}
	printf("errno=%d\n", attempt(argv[1], argv[2]));
	return 0;
}
