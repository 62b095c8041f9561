// SPDX-License-Identifier: GPL-2.0
/*
 * The measured operations. Each is the same code in every configuration;
 * only where the process runs (and what is loaded) changes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/bench/bench.h"

int op_open_close(void *arg)
{
	const struct op_open *o = arg;
	int fd = open(o->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == o->expect ? 0 : errno;
	close(fd);
	return o->expect ? BENCH_EUNEXPECTED : 0;
}

/*
 * One connection: the accept runs in the same process right after the
 * connect (the handshake has completed in softirq by then), so nothing
 * else is scheduled in between and the accept side's work is the same in
 * every configuration. SO_LINGER 0 makes close send a RST: no TIME_WAIT
 * state piles up and no ephemeral port runs out.
 */
int op_connect(void *arg)
{
	const struct op_connect *c = arg;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), a, err;

	if (s < 0)
		return errno;
	if (setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) ||
	    connect(s, (const struct sockaddr *)&c->addr, sizeof(c->addr))) {
		err = errno;
		close(s);
		return err;
	}
	a = accept4(c->listener, NULL, NULL, SOCK_CLOEXEC);
	err = a < 0 ? errno : 0;
	close(s);
	if (a >= 0)
		close(a);
	return err;
}

int listener_open(struct op_connect *c)
{
	socklen_t len = sizeof(c->addr);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memset(&c->addr, 0, sizeof(c->addr));
	c->addr.sin_family = AF_INET;
	c->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&c->addr, sizeof(c->addr)) || listen(fd, 128) ||
	    getsockname(fd, (struct sockaddr *)&c->addr, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	c->listener = fd;
	return fd;
}

int op_exec(void *arg)
{
	const struct op_exec *x = arg;
	char *const argv[] = { (char *)"true", NULL };
	char *const envp[] = { NULL };
	int status, err;
	pid_t pid;

	err = posix_spawn(&pid, x->path, NULL, NULL, argv, envp);
	if (err)
		return err;
	if (waitpid(pid, &status, 0) != pid)
		return errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : BENCH_EUNEXPECTED;
}
