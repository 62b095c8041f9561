// SPDX-License-Identifier: GPL-2.0
/*
 * net: a cell connects (or sends datagrams) to, binds and listens on what
 * its rules grant, by protocol, address prefix and port range, over IPv4
 * and IPv6 (an IPv4-mapped IPv6 address is IPv4); AF_UNIX path sockets
 * need WRITE on the socket file, abstract names are refused (there is no
 * rule syntax for them yet), and raw, packet and vsock sockets are refused
 * when made. Every refusal is EACCES.
 *
 * Every IP check also asks isolate_explain and fails if it disagrees.
 *
 * Listeners, made outside the cell by the fixture:
 *   TCP 0.0.0.0 and [::1] (v6 only): 7999 8000 8050 8100 8101
 * The main cell's rules:
 *   connect:tcp:127.0.0.1/32:8000-8100   connect:tcp:[::1]/128:8000-8100
 *   connect:udp:127.0.0.1/32:5300        connect:udp:[::1]/128:5300
 *   bind:tcp:127.0.0.1/32:9000           bind:udp:[::1]/128:9001
 *   read:$ROOT/ro  read:$ROOT/rw  write:$ROOT/rw
 *
 *   $ROOT/
 *   ├── ro/        sock (stream), dsock (datagram)
 *   ├── rw/        sock, dsock
 *   └── denied/    sock
 */
#include "kselftest_harness.h"
#include "isolate_test.h"

#include <netinet/tcp.h>
#include <poll.h>
#include <linux/if_ether.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

static const int ports[] = { 7999, 8000, 8050, 8100, 8101 };
#define N_PORTS (sizeof(ports) / sizeof(ports[0]))

#define N_UNIX 5

FIXTURE(net) {
	struct test_env env;
	int cell;
	int listen4[N_PORTS], listen6[N_PORTS];
	int unix_fd[N_UNIX];
	char abstract[64], abstract_dgram[64];
};

static int unix_addr(struct sockaddr_un *sun, const char *path, bool abstract)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n + 2 > sizeof(sun->sun_path))
		return -1;
	memcpy(sun->sun_path + abstract, path, n);
	return (int)(offsetof(struct sockaddr_un, sun_path) + abstract + n + !abstract);
}

/* A bound unix socket (listening, for a stream one); fd or -errno. */
static int unix_server(int type, const char *path, bool abstract)
{
	struct sockaddr_un sun;
	int len = unix_addr(&sun, path, abstract);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0 || len < 0)
		return -EINVAL;
	if (bind(fd, (struct sockaddr *)&sun, len) ||
	    (type == SOCK_STREAM && listen(fd, 8))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

FIXTURE_SETUP(net)
{
	static const struct { int type; const char *rel; } unix_socks[N_UNIX] = {
		{ SOCK_STREAM, "ro/sock" }, { SOCK_STREAM, "rw/sock" },
		{ SOCK_STREAM, "denied/sock" }, { SOCK_DGRAM, "ro/dsock" },
		{ SOCK_DGRAM, "rw/dsock" },
	};

	ASSERT_EQ(0, test_env_setup(&self->env, true));
	for (size_t i = 0; i < N_PORTS; i++) {
		self->listen4[i] = test_listener(SOCK_STREAM, "0.0.0.0", ports[i]);
		ASSERT_LE(0, self->listen4[i]);
		self->listen6[i] = test_listener(SOCK_STREAM, "::1", ports[i]);
		ASSERT_LE(0, self->listen6[i]);
	}
	ASSERT_EQ(0, test_mkdir(&self->env, "ro"));
	ASSERT_EQ(0, test_mkdir(&self->env, "rw"));
	ASSERT_EQ(0, test_mkdir(&self->env, "denied"));
	for (int i = 0; i < N_UNIX; i++) {
		self->unix_fd[i] = unix_server(unix_socks[i].type,
					       test_path(&self->env, "%s", unix_socks[i].rel),
					       false);
		ASSERT_LE(0, self->unix_fd[i]);
	}
	snprintf(self->abstract, sizeof(self->abstract), "isolate-net-%d", getpid());
	snprintf(self->abstract_dgram, sizeof(self->abstract_dgram), "isolate-netd-%d",
		 getpid());
	self->cell = test_env_cell(&self->env, "main",
				   "connect:tcp:127.0.0.1/32:8000-8100",
				   "connect:tcp:[::1]/128:8000-8100",
				   "connect:udp:127.0.0.1/32:5300",
				   "connect:udp:[::1]/128:5300",
				   "bind:tcp:127.0.0.1/32:9000",
				   "bind:udp:[::1]/128:9001",
				   "socket:unix", "socket:netlink-route",
				   "read:%s/ro", "read:%s/rw", "write:%s/rw", NULL);
	ASSERT_LE(0, self->cell);
}

FIXTURE_TEARDOWN(net)
{
	for (size_t i = 0; i < N_PORTS; i++) {
		if (self->listen4[i] > 0)
			close(self->listen4[i]);
		if (self->listen6[i] > 0)
			close(self->listen6[i]);
	}
	for (int i = 0; i < N_UNIX; i++)
		if (self->unix_fd[i] > 0)
			close(self->unix_fd[i]);
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

/* One socket operation in cell, checked against explain on target. */
static int net_op(struct test_env *env, int cell, enum sock_op op, int family, int type,
		  const char *addr, int port)
{
	struct sock_args a = {
		.op = op, .family = family, .type = type, .addr = addr, .port = port,
		.fd = -1,
	};
	char target[80];

	snprintf(target, sizeof(target), "%s:%s%s%s:%d", type == SOCK_STREAM ? "tcp" : "udp",
		 strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "", port);
	return test_run_net(env, cell, op == SOCK_BIND || op == SOCK_LISTEN ?
			    ISOLATE_CAP_BIND : ISOLATE_CAP_CONNECT, target, sock_errno, &a);
}

#define CONNECT(fam, type, addr, port) \
	net_op(&self->env, self->cell, SOCK_CONNECT, (fam), (type), (addr), (port))
#define SENDTO(fam, addr, port) \
	net_op(&self->env, self->cell, SOCK_SENDTO, (fam), SOCK_DGRAM, (addr), (port))
#define BIND(fam, type, addr, port) \
	net_op(&self->env, self->cell, SOCK_BIND, (fam), (type), (addr), (port))

TEST_F(net, tcp4_connect_by_prefix_and_port)
{
	EXPECT_EQ(0, CONNECT(AF_INET, SOCK_STREAM, "127.0.0.1", 8000));
	EXPECT_EQ(0, CONNECT(AF_INET, SOCK_STREAM, "127.0.0.1", 8050));
	EXPECT_EQ(0, CONNECT(AF_INET, SOCK_STREAM, "127.0.0.1", 8100));
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_STREAM, "127.0.0.1", 7999));
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_STREAM, "127.0.0.1", 8101));
	/* Outside the /32: another loopback address, same listener. */
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_STREAM, "127.0.0.2", 8050));
	/*
	 * 0.0.0.0 goes to the socket's source address, or its device's, before
	 * 127.0.0.1: which, no rule can say. Refused, 127.0.0.1 granted or not.
	 */
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_STREAM, "0.0.0.0", 8050));
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_STREAM, "0.0.0.0", 8101));
}

TEST_F(net, tcp6_connect_by_prefix_and_port)
{
	EXPECT_EQ(0, CONNECT(AF_INET6, SOCK_STREAM, "::1", 8000));
	EXPECT_EQ(0, CONNECT(AF_INET6, SOCK_STREAM, "::1", 8100));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::1", 7999));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::1", 8101));
	/* ::, and ::ffff:0.0.0.0, are refused as 0.0.0.0 is, ::1 granted or not. */
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::", 8050));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::", 8101));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::ffff:0.0.0.0", 8050));
}

/* An IPv4-mapped IPv6 address is the IPv4 address: IPv4 rules decide. */
TEST_F(net, ipv4_mapped_ipv6_connect)
{
	int v6only = test_env_cell(&self->env, "v6only", "connect:tcp:[::]/0:1-65535",
				   "connect:udp:[::]/0:1-65535", NULL);

	ASSERT_LE(0, v6only);
	EXPECT_EQ(0, CONNECT(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", 8050));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", 8101));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.2", 8050));
	EXPECT_EQ(EACCES, SENDTO(AF_INET6, "::ffff:127.0.0.1", 5301));
	EXPECT_EQ(0, SENDTO(AF_INET6, "::ffff:127.0.0.1", 5300));
	/* Every IPv6 address, but not the IPv4 ones written as IPv6. */
	EXPECT_EQ(0, net_op(&self->env, v6only, SOCK_CONNECT, AF_INET6, SOCK_STREAM,
			    "::1", 8050));
	EXPECT_EQ(EACCES, net_op(&self->env, v6only, SOCK_CONNECT, AF_INET6, SOCK_STREAM,
				 "::ffff:127.0.0.1", 8050));
	EXPECT_EQ(EACCES, net_op(&self->env, v6only, SOCK_SENDTO, AF_INET6, SOCK_DGRAM,
				 "::ffff:127.0.0.1", 5300));
}

TEST_F(net, udp_connect_v4_v6)
{
	EXPECT_EQ(0, CONNECT(AF_INET, SOCK_DGRAM, "127.0.0.1", 5300));
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_DGRAM, "127.0.0.1", 5301));
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_DGRAM, "127.0.0.2", 5300));
	EXPECT_EQ(0, CONNECT(AF_INET6, SOCK_DGRAM, "::1", 5300));
	EXPECT_EQ(EACCES, CONNECT(AF_INET6, SOCK_DGRAM, "::1", 5301));
	/* A TCP rule is not a UDP rule. */
	EXPECT_EQ(EACCES, CONNECT(AF_INET, SOCK_DGRAM, "127.0.0.1", 8050));
}

TEST_F(net, udp_sendto_unconnected)
{
	EXPECT_EQ(0, SENDTO(AF_INET, "127.0.0.1", 5300));
	EXPECT_EQ(EACCES, SENDTO(AF_INET, "127.0.0.1", 5301));
	EXPECT_EQ(EACCES, SENDTO(AF_INET, "10.1.2.3", 5300));
	EXPECT_EQ(0, SENDTO(AF_INET6, "::1", 5300));
	EXPECT_EQ(EACCES, SENDTO(AF_INET6, "::1", 5301));
	EXPECT_EQ(EACCES, SENDTO(AF_INET6, "2001:db8::1", 5300));
	/* An IPv6 socket sending to an AF_INET address (the kernel takes it). */
	EXPECT_EQ(0, SENDTO(AF_INET6, "127.0.0.1", 5300));
	EXPECT_EQ(EACCES, SENDTO(AF_INET6, "127.0.0.1", 5301));
}

struct connected_send {
	const char *to;		/* connect here (allowed) */
	const char *other;	/* then sendto here; NULL: send() */
	int port;
};

static int connected_send_errno(void *arg)
{
	const struct connected_send *a = arg;
	struct sockaddr_storage ss;
	socklen_t len = test_sockaddr(&ss, a->to, 5300);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len))
		return 100 + errno;
	if (!a->other)
		return send(fd, "x", 1, 0) == 1 ? 0 : errno;
	len = test_sockaddr(&ss, a->other, a->port);
	return sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) == 1 ? 0 : errno;
}

/* A connected datagram socket may still name another address per send. */
TEST_F(net, udp_sendto_on_connected_socket)
{
	struct connected_send a = { "127.0.0.1", NULL, 0 };

	EXPECT_EQ(0, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				  "udp:127.0.0.1:5300", connected_send_errno, &a));
	a.other = "127.0.0.1";
	a.port = 5301;
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				       "udp:127.0.0.1:5301", connected_send_errno, &a));
	a.port = 5300;
	EXPECT_EQ(0, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				  "udp:127.0.0.1:5300", connected_send_errno, &a));
}

/*
 * An AF_INET UDP socket takes a destination whose family is AF_UNSPEC as
 * IPv4 (udp_sendmsg's compatibility rule), and bind() takes AF_UNSPEC with
 * INADDR_ANY: the address must be decided as IPv4 all the same.
 */
TEST_F(net, af_unspec_address_is_decided_as_ipv4)
{
	struct sock_args a = {
		.op = SOCK_SENDTO, .family = AF_INET, .type = SOCK_DGRAM,
		.addr = "127.0.0.1", .port = 5301, .fd = -1, .af_unspec = true,
	};
	int rx = test_listener(SOCK_DGRAM, "127.0.0.1", 5301);
	char c;

	ASSERT_LE(0, rx);
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				       "udp:127.0.0.1:5301", sock_errno, &a));
	/* Nothing reached the port the cell may not send to. */
	EXPECT_EQ(0, poll(&(struct pollfd){ .fd = rx, .events = POLLIN }, 1, 200));
	EXPECT_EQ(-1, recv(rx, &c, 1, MSG_DONTWAIT));
	close(rx);
	a.port = 5300;
	EXPECT_EQ(0, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				  "udp:127.0.0.1:5300", sock_errno, &a));
	a.op = SOCK_BIND;
	a.addr = "0.0.0.0";
	a.port = 9005;
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_BIND,
				       "udp:0.0.0.0:9005", sock_errno, &a));
	a.type = SOCK_STREAM;
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_BIND,
				       "tcp:0.0.0.0:9005", sock_errno, &a));
}

/* TCP fast open: the address given to sendto is a connect. */
TEST_F(net, tcp_fastopen_sendto)
{
	struct sock_args a = {
		.op = SOCK_SENDTO, .family = AF_INET, .type = SOCK_STREAM,
		.addr = "127.0.0.1", .port = 8050, .fd = -1, .flags = MSG_FASTOPEN,
	};

	EXPECT_EQ(0, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				  "tcp:127.0.0.1:8050", sock_errno, &a));
	a.port = 8101;
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_CONNECT,
				       "tcp:127.0.0.1:8101", sock_errno, &a));
}

TEST_F(net, bind_denied_unless_granted)
{
	EXPECT_EQ(0, BIND(AF_INET, SOCK_STREAM, "127.0.0.1", 9000));
	EXPECT_EQ(EACCES, BIND(AF_INET, SOCK_STREAM, "127.0.0.1", 9002));
	EXPECT_EQ(EACCES, BIND(AF_INET, SOCK_STREAM, "0.0.0.0", 9000));
	EXPECT_EQ(EACCES, BIND(AF_INET, SOCK_STREAM, "127.0.0.1", 0));
	EXPECT_EQ(EACCES, BIND(AF_INET, SOCK_DGRAM, "127.0.0.1", 9000));
	EXPECT_EQ(EACCES, BIND(AF_INET6, SOCK_STREAM, "::1", 9000));
	EXPECT_EQ(0, BIND(AF_INET6, SOCK_DGRAM, "::1", 9001));
	EXPECT_EQ(EACCES, BIND(AF_INET6, SOCK_DGRAM, "::", 9001));
	EXPECT_EQ(EACCES, BIND(AF_INET6, SOCK_DGRAM, "::ffff:127.0.0.1", 9001));
	/* A connect rule is not a bind rule. */
	EXPECT_EQ(EACCES, BIND(AF_INET, SOCK_STREAM, "127.0.0.1", 8050));
}

/*
 * A socket bound to 0.0.0.0 takes its port on every address of the host.
 * With the whole of IPv4 granted 9100-9110 but 10.0.0.0/8 denied 9100, the
 * bind to 0.0.0.0:9100 is refused (the carved grant 0.0.0.0/5 held the
 * address, and the socket received on the denied addresses after all);
 * 0.0.0.0:9101, granted on every address, and 127.0.0.1:9100 are bound.
 */
TEST_F(net, a_bind_to_every_address_needs_the_whole_family)
{
	int cell = test_env_cell(&self->env, "wildcard", "bind:tcp:0.0.0.0/0:9100-9110",
				 "deny-bind:tcp:10.0.0.0/8:9100", NULL);

	ASSERT_LE(0, cell);
	EXPECT_EQ(EACCES, net_op(&self->env, cell, SOCK_BIND, AF_INET, SOCK_STREAM, "0.0.0.0",
				 9100));
	EXPECT_EQ(0, net_op(&self->env, cell, SOCK_BIND, AF_INET, SOCK_STREAM, "0.0.0.0", 9101));
	EXPECT_EQ(0, net_op(&self->env, cell, SOCK_BIND, AF_INET, SOCK_STREAM, "127.0.0.1",
			    9100));
	EXPECT_EQ(EACCES, net_op(&self->env, cell, SOCK_BIND, AF_INET, SOCK_STREAM, "10.1.2.3",
				 9100));
}

/* A TCP socket bound (not listening) to addr:port; fd or -errno. */
static int bound_tcp_socket(const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = test_sockaddr(&ss, addr, port);
	int s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&ss, len)) {
		close(s);
		return -errno;
	}
	return s;
}

/* Listening decides on the address the socket is bound to, wherever bound. */
TEST_F(net, listen_denied_unless_granted)
{
	struct sock_args a = {
		.op = SOCK_LISTEN, .family = AF_INET, .type = SOCK_STREAM,
		.addr = "127.0.0.1", .port = 9000, .fd = -1,
	};
	int s;

	EXPECT_EQ(0, test_run_net(&self->env, self->cell, ISOLATE_CAP_BIND,
				  "tcp:127.0.0.1:9000", sock_errno, &a));
	/* Never bound: listen() picks a port (0 when decided): not granted. */
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	a.fd = s;
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_BIND,
				       "tcp:0.0.0.0:0", sock_errno, &a));
	close(s);
	/* Bound outside the cell, handed in. */
	s = bound_tcp_socket("127.0.0.1", 9003);
	ASSERT_LE(0, s);
	a.fd = s;
	EXPECT_EQ(EACCES, test_run_net(&self->env, self->cell, ISOLATE_CAP_BIND,
				       "tcp:127.0.0.1:9003", sock_errno, &a));
	close(s);
	s = bound_tcp_socket("127.0.0.1", 9000);
	ASSERT_LE(0, s);
	a.fd = s;
	EXPECT_EQ(0, test_run_net(&self->env, self->cell, ISOLATE_CAP_BIND,
				  "tcp:127.0.0.1:9000", sock_errno, &a));
	close(s);
}

/* ---- AF_UNIX ----------------------------------------------------------------- */

enum unix_op { UNIX_CONNECT, UNIX_SENDTO, UNIX_BIND, UNIX_PAIR, UNIX_AUTOBIND,
	       UNIX_PASSCRED_LISTEN, UNIX_OWN };

struct unix_args {
	enum unix_op op;
	int type;
	const char *path;
	bool abstract;
};

static int unix_errno(void *arg)
{
	const struct unix_args *a = arg;
	struct sockaddr_un sun;
	int len = a->path ? unix_addr(&sun, a->path, a->abstract) : 0;
	int fd, sv[2];

	if (a->op == UNIX_PAIR) {
		if (socketpair(AF_UNIX, a->type | SOCK_CLOEXEC, 0, sv))
			return 100 + errno;
		return send(sv[0], "x", 1, 0) == 1 ? 0 : errno;
	}
	fd = socket(AF_UNIX, a->type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 100 + errno;
	switch (a->op) {
	case UNIX_CONNECT:
		return connect(fd, (struct sockaddr *)&sun, len) ? errno : 0;
	case UNIX_SENDTO:
		return sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len) == 1 ? 0 : errno;
	case UNIX_BIND:
		return bind(fd, (struct sockaddr *)&sun, len) ? errno : 0;
	case UNIX_OWN: {
		/* a server of the caller's own, then a client of it */
		int client = socket(AF_UNIX, a->type | SOCK_CLOEXEC, 0);

		if (client < 0 || bind(fd, (struct sockaddr *)&sun, len) || listen(fd, 1))
			return 100 + errno;
		return connect(client, (struct sockaddr *)&sun, len) ? errno : 0;
	}
	case UNIX_AUTOBIND:
		sun.sun_family = AF_UNIX;
		return bind(fd, (struct sockaddr *)&sun, sizeof(sa_family_t)) ? errno : 0;
	case UNIX_PASSCRED_LISTEN: {
		/* connect() names the socket before it finds no peer. */
		int one = 1;

		if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
			return 100 + errno;
		if (!connect(fd, (struct sockaddr *)&sun, len) || errno != ECONNREFUSED)
			return 150;
		return listen(fd, 1) ? errno : 0;
	}
	default:
		return EINVAL;
	}
}

/* Reaching a path socket needs WRITE on its file; binding one makes a file. */
static int unix_run(struct test_env *env, int cell, struct unix_args *a, const char *rel,
		    const char *need_rel)
{
	char path[PATH_MAX], need[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", env->root, rel);
	snprintf(need, sizeof(need), "%s/%s", env->root, need_rel ?: rel);
	a->path = path;
	return test_run_file(env, cell, ISOLATE_ACCESS_WRITE, need, unix_errno, a);
}

/*
 * A socket a process outside the cell made (the fixture's, all of them) is
 * a service: reached by a rule on its node, not by a grant of the tree it
 * sits in (a terminal multiplexer's in /tmp runs what its clients ask).
 * The cell's own sockets go by the tree's rules.
 */
TEST_F(net, unix_path_sockets_need_write)
{
	int named = test_env_cell(&self->env, "unixnamed", "socket:unix", "write:%s/rw/sock",
				  "write:%s/rw/dsock", NULL);
	int read_node = test_env_cell(&self->env, "unixreadnode", "socket:unix", "write:%s/rw",
				      "read:%s/rw/sock", NULL);
	struct unix_args a = { UNIX_CONNECT, SOCK_STREAM, NULL, false };

	ASSERT_LE(0, named);
	ASSERT_LE(0, read_node);
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "rw/sock", NULL));
	EXPECT_EQ(0, unix_run(&self->env, named, &a, "rw/sock", NULL));
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "ro/sock", NULL));
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "denied/sock", NULL));
	EXPECT_EQ(0, run_outside(unix_errno, &a));
	a.type = SOCK_DGRAM;
	a.op = UNIX_SENDTO;
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "rw/dsock", NULL));
	EXPECT_EQ(0, unix_run(&self->env, named, &a, "rw/dsock", NULL));
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "ro/dsock", NULL));
	a.op = UNIX_CONNECT;
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "rw/dsock", NULL));
	EXPECT_EQ(0, unix_run(&self->env, named, &a, "rw/dsock", NULL));
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "ro/dsock", NULL));
	/*
	 * A rule on the node that gives less: its own right only, not the
	 * tree's write above it (the compiler's entry for a socket).
	 */
	a.op = UNIX_CONNECT;
	a.type = SOCK_STREAM;
	EXPECT_EQ(EACCES, unix_run(&self->env, read_node, &a, "rw/sock", NULL));
	/* The cell's own server in the tree it may write: the tree decides. */
	a.op = UNIX_OWN;
	a.type = SOCK_STREAM;
	EXPECT_EQ(0, unix_run(&self->env, self->cell, &a, "rw/own", "rw"));
	/* Binding makes the socket file: WRITE on the directory. */
	a.op = UNIX_BIND;
	a.type = SOCK_STREAM;
	EXPECT_EQ(0, unix_run(&self->env, self->cell, &a, "rw/new", "rw"));
	EXPECT_EQ(EACCES, unix_run(&self->env, self->cell, &a, "ro/new", "ro"));
}

/*
 * Abstract names are refused without a rule naming them. explain has no
 * question for them, the kernel alone is asked. Sockets without a name
 * (socketpair) are left alone; bind(2) to a name the kernel picks
 * (autobind) needs the unix-autobind allowance.
 */
TEST_F(net, unix_abstract_names_refused)
{
	struct unix_args a = { UNIX_CONNECT, SOCK_STREAM, self->abstract, true };
	int srv = unix_server(SOCK_STREAM, self->abstract, true);
	int dsrv = unix_server(SOCK_DGRAM, self->abstract_dgram, true);
	int autobind = test_env_cell(&self->env, "autobind", "allow:unix-autobind", NULL);
	char mine[80];

	ASSERT_LE(0, srv);
	ASSERT_LE(0, dsrv);
	ASSERT_LE(0, autobind);
	EXPECT_EQ(0, run_outside(unix_errno, &a));
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	a.type = SOCK_DGRAM;
	a.path = self->abstract_dgram;
	a.op = UNIX_SENDTO;
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	a.op = UNIX_CONNECT;
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	snprintf(mine, sizeof(mine), "%s-mine", self->abstract);
	a.path = mine;
	a.op = UNIX_BIND;
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	a.type = SOCK_STREAM;
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	a.op = UNIX_PAIR;
	EXPECT_EQ(0, test_run(&self->env, self->cell, unix_errno, &a));
	a.type = SOCK_DGRAM;
	EXPECT_EQ(0, test_run(&self->env, self->cell, unix_errno, &a));
	a.op = UNIX_AUTOBIND;
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	EXPECT_EQ(0, run_outside(unix_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, autobind, unix_errno, &a));
	/* A name picked by connect() with SO_PASSCRED: no listening on it either. */
	snprintf(mine, sizeof(mine), "%s-nobody", self->abstract);
	a.path = mine;
	a.type = SOCK_STREAM;
	a.op = UNIX_PASSCRED_LISTEN;
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	EXPECT_EQ(0, run_outside(unix_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, autobind, unix_errno, &a));
	close(srv);
	close(dsrv);
}

struct open_flood {
	const char *path;
	int n;
};

static int open_flood_errno(void *arg)
{
	const struct open_flood *f = arg;

	for (int i = 0; i < f->n; i++)
		if (open(f->path, O_RDONLY | O_CLOEXEC) >= 0 || errno != EACCES)
			return errno ?: EINVAL;
	return 0;
}

/*
 * The event of a refused abstract name holds "@" and the name, and nothing
 * after it: the kernel's copy of the name has no NUL, and the ring's
 * memory there still holds an older event (another cell's path, say). The
 * deny ring (1 MiB) is first gone round with refused opens of a long path.
 */
TEST_F(net, unix_name_in_an_event_ends_with_it)
{
	struct unix_args a = { UNIX_CONNECT, SOCK_STREAM, self->abstract, true };
	struct open_flood flood = { .n = 500 };
	struct test_events ev = { 0 };
	int srv = unix_server(SOCK_STREAM, self->abstract, true);
	char name[201];
	size_t seen = 0;
	int fd;

	ASSERT_LE(0, srv);
	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	flood.path = test_path(&self->env, "denied/%s", name);
	fd = open(flood.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, test_events_start(self->env.iso, &ev));
	/* 8 x 500 records of 384 bytes: the ring goes round once and a half. */
	for (int round = 0; round < 8; round++) {
		ASSERT_EQ(0, test_run(&self->env, self->cell, open_flood_errno, &flood));
		ev.n = 0;
		test_events_drain(&ev);
	}
	ev.n = 0;
	for (int i = 0; i < 20; i++)
		EXPECT_EQ(EACCES, test_run(&self->env, self->cell, unix_errno, &a));
	test_events_drain(&ev);
	for (size_t i = 0; i < ev.n; i++) {
		const struct isolate_event_access *e = &ev.rec[i];

		if (e->object_kind != ISOLATE_OBJECT_NET || e->net.family != AF_UNIX)
			continue;
		seen++;
		EXPECT_EQ(strlen(self->abstract) + 1, strnlen(e->path, sizeof(e->path))) {
			TH_LOG("event %zu: %.60s", i, e->path);
		}
		EXPECT_EQ(0, strncmp(e->path + 1, self->abstract, strlen(self->abstract)));
	}
	EXPECT_EQ(20U, seen);
	test_events_stop(&ev);
	close(srv);
}

/* ---- Socket families ------------------------------------------------------ */

struct socket_args {
	int family, type, protocol;
};

static int socket_errno(void *arg)
{
	const struct socket_args *a = arg;
	int fd = socket(a->family, a->type | SOCK_CLOEXEC, a->protocol);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Refused at socket() (explain has no question for them): the kernel alone. */
TEST_F(net, raw_packet_vsock_refused_at_socket)
{
	static const struct socket_args refused[] = {
		{ AF_INET, SOCK_RAW, IPPROTO_ICMP },
		{ AF_INET, SOCK_RAW, IPPROTO_RAW },
		{ AF_INET6, SOCK_RAW, IPPROTO_ICMPV6 },
		{ AF_PACKET, SOCK_RAW, 0x0300 /* htons(ETH_P_ALL) */ },
		{ AF_PACKET, SOCK_DGRAM, 0x0008 /* htons(ETH_P_IP) */ },
		{ AF_INET, SOCK_PACKET, 0x0300 },
		{ AF_VSOCK, SOCK_STREAM, 0 },
		{ AF_VSOCK, SOCK_DGRAM, 0 },
		/* Netlink protocols but the one granted (route). */
		{ AF_NETLINK, SOCK_RAW, 9 /* NETLINK_AUDIT */ },
		{ AF_NETLINK, SOCK_DGRAM, 15 /* NETLINK_KOBJECT_UEVENT */ },
		{ AF_NETLINK, SOCK_RAW, 2 /* NETLINK_USERSOCK */ },
		{ AF_BLUETOOTH, SOCK_STREAM, 0 },
		/* IP protocols no rule can grant; SCTP connects past connect(). */
		{ AF_INET, SOCK_STREAM, IPPROTO_SCTP },
		{ AF_INET6, SOCK_SEQPACKET, IPPROTO_SCTP },
		{ AF_INET, SOCK_DGRAM, IPPROTO_ICMP },
		{ AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE },
		/* Protocol 0 is the type's first protocol: SCTP, DCCP once loaded. */
		{ AF_INET, SOCK_SEQPACKET, 0 },
		{ AF_INET6, SOCK_SEQPACKET, 0 },
		{ AF_INET, 6 /* SOCK_DCCP */, 0 },
		{ AF_INET6, SOCK_RDM, 0 },
	};
	static const struct socket_args allowed[] = {
		{ AF_INET, SOCK_STREAM, 0 },
		{ AF_INET6, SOCK_DGRAM, 0 },
		{ AF_INET, SOCK_STREAM, IPPROTO_TCP },
		{ AF_INET6, SOCK_DGRAM, IPPROTO_UDP },
		{ AF_UNIX, SOCK_STREAM, 0 },
		{ AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */ },
	};
	struct socket_args a;

	int r;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		a = refused[i];
		r = test_run(&self->env, self->cell, socket_errno, &a);
		EXPECT_EQ(EACCES, r);
		if (r != EACCES)
			TH_LOG("socket(%d, %d, %d)", a.family, a.type, a.protocol);
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		a = allowed[i];
		r = test_run(&self->env, self->cell, socket_errno, &a);
		EXPECT_EQ(0, r);
		if (r)
			TH_LOG("socket(%d, %d, %d)", a.family, a.type, a.protocol);
	}
	/* Root outside every cell makes them. */
	a = refused[0];
	EXPECT_EQ(0, run_outside(socket_errno, &a));
	a = refused[3];
	EXPECT_EQ(0, run_outside(socket_errno, &a));
}

/* A cell with no network rule at all reaches nothing over IP. */
TEST_F(net, no_rules_no_network)
{
	int none = test_env_cell(&self->env, "none", "read:%s/ro", NULL);

	ASSERT_LE(0, none);
	EXPECT_EQ(EACCES, net_op(&self->env, none, SOCK_CONNECT, AF_INET, SOCK_STREAM,
				 "127.0.0.1", 8050));
	EXPECT_EQ(EACCES, net_op(&self->env, none, SOCK_CONNECT, AF_INET6, SOCK_STREAM,
				 "::1", 8050));
	EXPECT_EQ(EACCES, net_op(&self->env, none, SOCK_SENDTO, AF_INET, SOCK_DGRAM,
				 "127.0.0.1", 5300));
	EXPECT_EQ(EACCES, net_op(&self->env, none, SOCK_BIND, AF_INET, SOCK_DGRAM,
				 "127.0.0.1", 9000));
}

/*
 * A timed connect grant (the broker's) brings the sockets it needs, as a
 * grant does: a cell with no sockets of its own was told granted, and its
 * socket(AF_INET) was refused.
 */
TEST_F(net, a_timed_connect_grant_brings_its_sockets)
{
	int cell = test_env_cell(&self->env, "timed", "read:%s/ro", NULL);
	char ro[PATH_MAX + 8];
	const char *granted[] = { ro, "connect:tcp:127.0.0.1/32:8050", NULL };
	struct isolate_cap *cap = NULL;
	struct test_cell_entry *c;

	ASSERT_LE(0, cell);
	c = &self->env.cells[cell];
	ASSERT_EQ(0, isolate_cap_parse(granted[1], &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant_timed(self->env.iso, c->name, &cap, 1, 3600)) {
		TH_LOG("%s", isolate_last_error());
	}
	isolate_cap_free(cap);
	/* What explain is asked: the cell's rules with the timed grant. */
	snprintf(ro, sizeof(ro), "read:%s/ro", self->env.root);
	isolate_image_free(c->img);
	c->img = NULL;
	ASSERT_EQ(0, test_image(c->name, granted, &c->img));
	EXPECT_EQ(0, net_op(&self->env, cell, SOCK_CONNECT, AF_INET, SOCK_STREAM, "127.0.0.1",
			    8050));
	EXPECT_EQ(EACCES, net_op(&self->env, cell, SOCK_CONNECT, AF_INET, SOCK_STREAM,
				 "127.0.0.1", 8000));
}

TEST_F(net, outside_any_cell_is_untouched)
{
	struct sock_args a = {
		.op = SOCK_CONNECT, .family = AF_INET, .type = SOCK_STREAM,
		.addr = "127.0.0.1", .port = 8101, .fd = -1,
	};

	EXPECT_EQ(0, run_outside(sock_errno, &a));
	a.op = SOCK_BIND;
	a.port = 9002;
	EXPECT_EQ(0, run_outside(sock_errno, &a));
}

TEST_HARNESS_MAIN
