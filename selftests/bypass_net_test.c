// SPDX-License-Identifier: GPL-2.0
/*
 * bypass (network): the unspecified address (0.0.0.0, ::), which the
 * kernel takes for this host, under "everything but loopback" rules, and
 * for 127.0.0.1 from an IPv6 socket with an IPv4-mapped source; 0.0.0.0
 * from a socket with a source address, which goes there; IPV6_ADDRFORM;
 * listening with no port yet; an audit socket's port id;
 * netlink to processes outside the cell and protocols not granted; source
 * routes (IPv4 options, IPv6 routing headers), which send a packet to its
 * first hop; multicast joins, which send reports. Packets are watched on
 * lo with a packet socket. The fixture is in bypass.h.
 */
#include "bypass.h"

#include <poll.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>

/* ---- The unspecified address -------------------------------------------- */

#define UNSPEC_PORT 18000

static int connect_errno(int family, int type, const char *addr, int port)
{
	struct sock_args a = { SOCK_CONNECT, family, type, 0, addr, port, -1, false, 0 };

	return sock_errno(&a);
}

struct unspec_args {
	int family;
	int type;
	const char *addr;
};

static int unspec_errno(void *arg)
{
	const struct unspec_args *a = arg;

	if (a->type == SOCK_DGRAM) {
		struct sock_args s = { SOCK_SENDTO, a->family, SOCK_DGRAM, 0, a->addr,
				       UNSPEC_PORT + 1, -1, false, 0 };

		return sock_errno(&s);
	}
	return connect_errno(a->family, a->type, a->addr, UNSPEC_PORT);
}

/*
 * "Everything but this host": connect to 0.0.0.0/0 minus 127.0.0.0/8 (and
 * ::/0 minus ::1). The kernel routes a connection or a datagram to 0.0.0.0
 * (or ::) to the loopback address: the rules must not let it through.
 */
TEST_F(bypass, unspecified_address_is_this_host)
{
	int cell = test_env_cell(&self->env, "unspec",
				 "connect:tcp:0.0.0.0/0:18000",
				 "deny-connect:tcp:127.0.0.0/8:18000",
				 "connect:tcp:[::]/0:18000",
				 "deny-connect:tcp:[::1]/128:18000",
				 "connect:udp:0.0.0.0/0:18001",
				 "deny-connect:udp:127.0.0.0/8:18001", NULL);
	int l4 = test_listener(SOCK_STREAM, "127.0.0.1", UNSPEC_PORT);
	int l6 = test_listener(SOCK_STREAM, "::1", UNSPEC_PORT);
	int u4 = test_listener(SOCK_DGRAM, "127.0.0.1", UNSPEC_PORT + 1);
	struct unspec_args a = { AF_INET, SOCK_STREAM, "127.0.0.1" };
	char buf[8];

	ASSERT_LE(0, cell);
	ASSERT_LE(0, l4);
	ASSERT_LE(0, l6);
	ASSERT_LE(0, u4);
	/* The rules as written: loopback refused. */
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_errno, &a));
	a = (struct unspec_args){ AF_INET6, SOCK_STREAM, "::1" };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_errno, &a));
	/* The same listeners through the unspecified address. */
	a = (struct unspec_args){ AF_INET, SOCK_STREAM, "0.0.0.0" };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_errno, &a));
	a = (struct unspec_args){ AF_INET6, SOCK_STREAM, "::" };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_errno, &a));
	a = (struct unspec_args){ AF_INET6, SOCK_STREAM, "::ffff:0.0.0.0" };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_errno, &a));
	a = (struct unspec_args){ AF_INET, SOCK_DGRAM, "0.0.0.0" };
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_errno, &a));
	EXPECT_EQ(-1, recv(u4, buf, sizeof(buf), MSG_DONTWAIT));
	close(l4);
	close(l6);
	close(u4);
}

/*
 * A datagram to 0.0.0.0:port with an IP_PKTINFO source of 127.0.0.2: the
 * kernel routes it to the source, 127.0.0.2, not to 127.0.0.1.
 */
static int unspec_from_source_errno(void *arg)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(*(const int *)arg) };
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = { 0 };
	struct iovec iov = { "x", 1 };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	struct in_pktinfo pi = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return 150 + errno;
	inet_pton(AF_INET, "127.0.0.2", &pi.ipi_spec_dst);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	r = sendmsg(fd, &m, 0) == 1 ? 0 : errno;
	close(fd);
	return r;
}

/*
 * 0.0.0.0 is not always 127.0.0.1: with a source address the kernel sends
 * there. A cell granted 127.0.0.1 reached a service listening on
 * 127.0.0.2 alone. Refused in a cell whatever the rules grant; outside,
 * the datagram reaches 127.0.0.2.
 */
TEST_F(bypass, unspecified_ipv4_goes_to_the_source_address)
{
	int cell = test_env_cell(&self->env, "unspec4", "connect:udp:127.0.0.1/32:18002", NULL);
	int rx = test_listener(SOCK_DGRAM, "127.0.0.2", 18002), port = 18002;
	char buf[8];

	ASSERT_LE(0, cell);
	ASSERT_LE(0, rx);
	EXPECT_EQ(0, run_outside(unspec_from_source_errno, &port));
	EXPECT_EQ(1, recv(rx, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, unspec_from_source_errno, &port));
	EXPECT_EQ(-1, recv(rx, buf, sizeof(buf), MSG_DONTWAIT));
	close(rx);
}

/* bind [::]:18003 and listen, with IPV6_V6ONLY as *arg says; 100 + errno from listen. */
static int dual_stack_listen_errno(void *arg)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(18003) };
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return 150 + errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, arg, sizeof(int)))
		r = 160 + errno;
	else if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		r = errno;
	else if (listen(fd, 1))
		r = 100 + errno;
	close(fd);
	return r;
}

/*
 * An IPv6 socket bound to :: without IPV6_V6ONLY takes IPv4 peers too: a
 * rule for [::]/0 alone let the cell serve every IPv4 address. The IPv4
 * rule is needed as well; with IPV6_V6ONLY the IPv6 rule is enough.
 */
TEST_F(bypass, a_dual_stack_socket_needs_the_ipv4_bind_rule_too)
{
	int v6 = test_env_cell(&self->env, "v6bind", "bind:tcp:[::]/0:18003", NULL);
	int both = test_env_cell(&self->env, "dualbind", "bind:tcp:[::]/0:18003",
				 "bind:tcp:0.0.0.0/0:18003", NULL);
	int off = 0, on = 1;

	ASSERT_LE(0, v6);
	ASSERT_LE(0, both);
	EXPECT_EQ(0, run_outside(dual_stack_listen_errno, &off));
	EXPECT_EQ(EACCES, test_run(&self->env, v6, dual_stack_listen_errno, &off));
	EXPECT_EQ(0, test_run(&self->env, v6, dual_stack_listen_errno, &on));
	EXPECT_EQ(0, test_run(&self->env, both, dual_stack_listen_errno, &off));
}

/*
 * An IPv6 UDP socket connected to [::ffff:127.0.0.2]:9 sends from an
 * IPv4-mapped address; a datagram to [::]:port then goes to 127.0.0.1
 * (udpv6_sendmsg), not to ::1. 0 when sent, 200 + errno when the connect
 * failed.
 */
static int mapped_then_unspec_errno(void *arg)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return 150 + errno;
	inet_pton(AF_INET6, "::ffff:127.0.0.2", &to.sin6_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		r = 200 + errno;
	} else {
		to.sin6_addr = in6addr_any;
		to.sin6_port = htons(*(const int *)arg);
		if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1)
			r = errno;
	}
	close(fd);
	return r;
}

/*
 * :: goes to loopback: ::1, or 127.0.0.1 for a socket whose source is
 * IPv4-mapped, which another thread may make it after the hook (a
 * connect while sendmmsg sends its later messages, which no hook sees).
 * Refused as 0.0.0.0 is, whatever is granted; outside a cell the
 * datagram reaches 127.0.0.1.
 */
TEST_F(bypass, an_unspecified_ipv6_destination_is_refused)
{
	int v6 = test_env_cell(&self->env, "v6", "connect:udp:127.0.0.2/32:9",
			       "connect:udp:[::1]/128:18002", NULL);
	int v4 = test_env_cell(&self->env, "v4", "connect:udp:127.0.0.2/32:9",
			       "connect:udp:127.0.0.1/32:18002", NULL);
	int u4 = test_listener(SOCK_DGRAM, "127.0.0.1", UNSPEC_PORT + 2);
	int port = UNSPEC_PORT + 2;
	char buf[8];

	ASSERT_LE(0, v6);
	ASSERT_LE(0, v4);
	ASSERT_LE(0, u4);
	EXPECT_EQ(EACCES, test_run(&self->env, v6, mapped_then_unspec_errno, &port));
	EXPECT_EQ(EACCES, test_run(&self->env, v4, mapped_then_unspec_errno, &port));
	EXPECT_EQ(-1, recv(u4, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(0, run_outside(mapped_then_unspec_errno, &port));
	EXPECT_EQ(1, recv(u4, buf, sizeof(buf), MSG_DONTWAIT));
	close(u4);
}

/*
 * A UDP socket of IPv6 connected to [::ffff:127.0.0.2]:9, made IPv4 by
 * IPV6_ADDRFORM: 0, or the errno of the setsockopt (200 + errno: the
 * connect failed).
 */
static int addrform_errno(void *arg)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), v4 = AF_INET, r = 0;

	(void)arg;
	if (fd < 0)
		return 150 + errno;
	inet_pton(AF_INET6, "::ffff:127.0.0.2", &to.sin6_addr);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)))
		r = 200 + errno;
	else if (setsockopt(fd, IPPROTO_IPV6, IPV6_ADDRFORM, &v4, sizeof(v4)))
		r = errno;
	close(fd);
	return r;
}

/*
 * IPV6_ADDRFORM changes a socket's operations before its family, with no
 * lock between: a send the hook took for IPv6 ("AF_UNSPEC: to the peer")
 * raced into an IPv4 send to the address it named. Refused in a cell.
 */
TEST_F(bypass, making_an_ipv6_socket_ipv4_is_refused)
{
	int cell = test_env_cell(&self->env, "addrform", "connect:udp:127.0.0.2/32:9", NULL);

	ASSERT_LE(0, cell);
	EXPECT_EQ(0, run_outside(addrform_errno, NULL));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, addrform_errno, NULL));
}

/*
 * listen(2) on an IPv6 socket that has no port yet (never bound: the
 * kernel picks one), IPV6_V6ONLY set as *arg says: 100 + errno from
 * listen, 160 + errno from the option.
 */
static int portless_listen_errno(void *arg)
{
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return 150 + errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, arg, sizeof(int)))
		r = 160 + errno;
	else if (listen(fd, 1))
		r = 100 + errno;
	close(fd);
	return r;
}

/*
 * Until a socket has a port, another thread may clear IPV6_V6ONLY between
 * the listen hook and the kernel's listen: the IPv4 rule is needed then,
 * set or not.
 */
TEST_F(bypass, a_socket_with_no_port_listens_on_both_stacks)
{
	int v6 = test_env_cell(&self->env, "v6any", "bind:tcp:[::]/0:0", NULL);
	int both = test_env_cell(&self->env, "bothany", "bind:tcp:[::]/0:0",
				 "bind:tcp:0.0.0.0/0:0", NULL);
	int on = 1;

	ASSERT_LE(0, v6);
	ASSERT_LE(0, both);
	EXPECT_EQ(0, run_outside(portless_listen_errno, &on));
	EXPECT_EQ(100 + EACCES, test_run(&self->env, v6, portless_listen_errno, &on));
	EXPECT_EQ(0, test_run(&self->env, both, portless_listen_errno, &on));
}

/* ---- Netlink ------------------------------------------------------------- */

struct netlink_args {
	int protocol;
	__u32 to;		/* port id: 0 the kernel */
	__u32 groups;
};

static int netlink_errno(void *arg)
{
	const struct netlink_args *a = arg;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = a->to,
				  .nl_groups = a->groups };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, a->protocol);
	int r;

	if (fd < 0)
		return errno;
	r = sendto(fd, "from the cell", 13, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ?
	    errno : 0;
	close(fd);
	return r;
}

/*
 * Netlink unicast between processes is IPC as much as an abstract AF_UNIX
 * name: a message to the socket of a process outside the cell, over the
 * routing protocol the cell is granted, and over USERSOCK, which it is not.
 * The kernel itself (port id 0) stays reachable.
 */
TEST_F(bypass, netlink_reaches_only_the_kernel)
{
	int cell = test_env_cell(&self->env, "nl", "socket:netlink-route", NULL);
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(me);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct netlink_args a = { NETLINK_ROUTE, 0, 0 };
	char buf[64];

	ASSERT_LE(0, cell);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&me, sizeof(me)));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&me, &len));
	a.to = me.nl_pid;
	EXPECT_EQ(EACCES, test_run(&self->env, cell, netlink_errno, &a));
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	/* Multicast groups are other processes too. */
	a.to = 0;
	a.groups = 1;
	EXPECT_EQ(EACCES, test_run(&self->env, cell, netlink_errno, &a));
	/* The kernel: a malformed request, answered, not refused. */
	a.groups = 0;
	EXPECT_EQ(0, test_run(&self->env, cell, netlink_errno, &a));
	/* A protocol the cell was not granted: refused at socket(). */
	a.protocol = NETLINK_USERSOCK;
	EXPECT_EQ(EACCES, test_run(&self->env, cell, netlink_errno, &a));
	/* Outside every cell, the same message goes through. */
	a = (struct netlink_args){ NETLINK_ROUTE, me.nl_pid, 0 };
	EXPECT_EQ(0, run_outside(netlink_errno, &a));
	EXPECT_EQ(13, recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
	close(fd);
}

/* bind(2) of a NETLINK_AUDIT socket to port id *arg: 0 or errno. */
static int audit_bind_errno(void *arg)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK, .nl_pid = *(const __u32 *)arg };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r;

	if (fd < 0)
		return 150 + errno;
	r = bind(fd, (struct sockaddr *)&me, sizeof(me)) ? errno : 0;
	close(fd);
	return r;
}

/*
 * The kernel sends audit records to the port id the audit daemon had until
 * a send there fails: a socket bound to it after the daemon ends gets
 * them. A cell's audit socket takes the port the kernel picks.
 */
TEST_F(bypass, an_audit_socket_takes_no_port_id_of_its_choice)
{
	int cell = test_env_cell(&self->env, "auditport", "socket:netlink-audit", NULL);
	__u32 port = 0x7fff1234, picked = 0;

	ASSERT_LE(0, cell);
	EXPECT_EQ(0, run_outside(audit_bind_errno, &port));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, audit_bind_errno, &port));
	EXPECT_EQ(0, test_run(&self->env, cell, audit_bind_errno, &picked));
}

/* ---- IPv4 source routing ---------------------------------------------------- */

#define SRR_PORT 19999

/* A loose source route via 127.0.0.1 (8 bytes of IP options). */
#define LSRR_LEN 8
#define LSRR_CMSG_SPACE CMSG_SPACE(LSRR_LEN)

/* m's control data (LSRR_CMSG_SPACE bytes, zeroed): an IP_RETOPTS source route. */
static void put_lsrr(struct msghdr *m)
{
	static const unsigned char opt[LSRR_LEN] = { IPOPT_LSRR, 7, 4, 127, 0, 0, 1, IPOPT_END };
	struct cmsghdr *c = CMSG_FIRSTHDR(m);

	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_RETOPTS;
	c->cmsg_len = CMSG_LEN(sizeof(opt));
	memcpy(CMSG_DATA(c), opt, sizeof(opt));
}

/* sendmsg to 10.11.12.13 (granted) with a loose source route via 127.0.0.1. */
static int srr_errno(void *arg)
{
	char cbuf[LSRR_CMSG_SPACE] = { 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(SRR_PORT) };
	struct iovec iov = { "srr", 3 };
	struct msghdr m = { &to, sizeof(to), &iov, 1, cbuf, sizeof(cbuf), 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 100 + errno;
	inet_pton(AF_INET, "10.11.12.13", &to.sin_addr);
	put_lsrr(&m);
	return sendmsg(fd, &m, 0) == 3 ? 0 : errno;
}

/* Whether lo carried a UDP datagram to 127.0.0.1:SRR_PORT, read from ps. */
static bool srr_seen(int ps)
{
	unsigned char pkt[2048];
	struct pollfd pfd = { .fd = ps, .events = POLLIN };

	while (poll(&pfd, 1, 300) == 1) {
		ssize_t n = recv(ps, pkt, sizeof(pkt), 0);
		struct iphdr *ip = (struct iphdr *)pkt;
		struct udphdr *udp;

		if (n < (ssize_t)sizeof(*ip) || ip->protocol != IPPROTO_UDP ||
		    ip->daddr != htonl(INADDR_LOOPBACK) || n < ip->ihl * 4 + 8)
			continue;
		udp = (struct udphdr *)(pkt + ip->ihl * 4);
		if (udp->dest == htons(SRR_PORT))
			return true;
	}
	return false;
}

/* sendto [2001:db8::1] (granted) with a sticky segment routing header via ::1. */
static int rthdr_errno(void *arg)
{
	unsigned char srh[40] = { 0, 4, 4, 1, 1 };	/* hdrlen 4, type 4, left 1, last 1 */
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(SRR_PORT) };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 100 + errno;
	srh[39] = 1;			/* segments[1] = ::1, the first hop */
	inet_pton(AF_INET6, "2001:db8::1", &to.sin6_addr);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, srh, sizeof(srh)))
		return 150 + errno;
	return sendto(fd, "rth", 3, 0, (struct sockaddr *)&to, sizeof(to)) == 3 ? 0 : errno;
}

/* Whether lo carried an IPv6 packet to ::1 with a routing header, read from ps. */
static bool rthdr_seen(int ps)
{
	unsigned char pkt[2048];
	struct pollfd pfd = { .fd = ps, .events = POLLIN };
	static const unsigned char loopback[16] = { [15] = 1 };

	while (poll(&pfd, 1, 300) == 1) {
		ssize_t n = recv(ps, pkt, sizeof(pkt), 0);

		if (n >= 40 && (pkt[0] >> 4) == 6 && pkt[6] == 43 && !memcmp(pkt + 24, loopback, 16))
			return true;
	}
	return false;
}

/*
 * A connect rule names where datagrams go. With an IP_RETOPTS (or
 * IP_OPTIONS) loose source route the packet goes to the route's first hop
 * instead, an address no rule granted: here 127.0.0.1, seen on lo.
 */
TEST_F(bypass, ip_source_route_goes_to_an_ungranted_host)
{
	int cell = test_env_cell(&self->env, "srr", "connect:udp:10.11.12.13/32:19999",
				 "connect:udp:[2001:db8::1]/128:19999", NULL);
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	int r;

	ASSERT_LE(0, cell);
	ASSERT_LE(0, ps);
	ll.sll_ifindex = (int)if_nametoindex("lo");
	ASSERT_EQ(0, bind(ps, (struct sockaddr *)&ll, sizeof(ll)));
	/* Control: outside a cell the datagram goes to 127.0.0.1. */
	EXPECT_EQ(0, run_outside(srr_errno, NULL));
	EXPECT_TRUE(srr_seen(ps));
	r = test_run(&self->env, cell, srr_errno, NULL);
	EXPECT_EQ(EACCES, r);
	EXPECT_FALSE(srr_seen(ps));
	close(ps);

	/* IPv6: a segment routing header (IPV6_RTHDR, type 4) does the same. */
	ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	ASSERT_LE(0, ps);
	ll.sll_protocol = htons(ETH_P_IPV6);
	ASSERT_EQ(0, bind(ps, (struct sockaddr *)&ll, sizeof(ll)));
	r = run_outside(rthdr_errno, NULL);
	EXPECT_EQ(0, r);
	EXPECT_TRUE(rthdr_seen(ps));
	/* Refused where the header is set, before anything is sent. */
	r = test_run(&self->env, cell, rthdr_errno, NULL);
	EXPECT_EQ(150 + EACCES, r);
	EXPECT_FALSE(rthdr_seen(ps));
	close(ps);
}

/* A flow label of the socket's own (IPV6_FLOWLABEL_MGR); its options could hold a route. */
static int flowlabel_errno(void *arg)
{
	struct {
		struct in6_addr dst;
		__be32 label;
		__u8 action, share;
		__u16 flags, expires, linger;
		__u32 pad;
	} req = { .label = htonl(0x12345), .action = 0 /* GET */, .share = 1 /* EXCL */,
		  .flags = 1 /* CREATE */ };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return 100 + errno;
	inet_pton(AF_INET6, "::1", &req.dst);
	r = setsockopt(fd, IPPROTO_IPV6, 32 /* IPV6_FLOWLABEL_MGR */, &req, sizeof(req)) ? errno : 0;
	close(fd);
	return r;
}

/*
 * The kernel adds the options given with a flow label (a routing header
 * among them) to every send that carries the label: refused in a cell
 * like the routing header itself; outside, the label is made.
 */
TEST_F(bypass, a_flow_label_carries_no_route_out_of_a_cell)
{
	int cell = test_env_cell(&self->env, "flow", "connect:udp:[::1]/128:19999", NULL);

	ASSERT_LE(0, cell);
	EXPECT_EQ(0, run_outside(flowlabel_errno, NULL));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, flowlabel_errno, NULL));
}

/*
 * sendmmsg of two datagrams to 127.0.0.2 (granted), the second with a
 * loose source route via 127.0.0.1: the kernel asks the LSM only about the
 * first (the second has the same destination). Returns how many were sent.
 */
static int srr_mmsg_sent(void *arg)
{
	char cbuf[LSRR_CMSG_SPACE] = { 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(SRR_PORT) };
	struct iovec iov = { "srr", 3 };
	struct mmsghdr mm[2] = {
		{ .msg_hdr = { &to, sizeof(to), &iov, 1, NULL, 0, 0 } },
		{ .msg_hdr = { &to, sizeof(to), &iov, 1, cbuf, sizeof(cbuf), 0 } },
	};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 100 + errno;
	inet_pton(AF_INET, "127.0.0.2", &to.sin_addr);
	put_lsrr(&mm[1].msg_hdr);
	return sendmmsg(fd, mm, 2, 0);
}

/*
 * The same source route as the second message of a sendmmsg(2) to a
 * granted address, which no LSM hook sees: the cells' egress filter
 * drops it (the sender gets EPERM, sendmmsg the count before it), and
 * counts it as a denial.
 */
TEST_F(bypass, a_source_route_in_a_later_sendmmsg_message_goes_nowhere)
{
	int cell = test_env_cell(&self->env, "srrmm", "connect:udp:127.0.0.2/32:19999", NULL);
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	struct isolate_cell_state before, after;

	ASSERT_LE(0, cell);
	ASSERT_LE(0, ps);
	ll.sll_ifindex = (int)if_nametoindex("lo");
	ASSERT_EQ(0, bind(ps, (struct sockaddr *)&ll, sizeof(ll)));
	EXPECT_EQ(2, run_outside(srr_mmsg_sent, NULL));
	EXPECT_TRUE(srr_seen(ps));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[cell].name, &before));
	EXPECT_EQ(1, test_run(&self->env, cell, srr_mmsg_sent, NULL));
	EXPECT_FALSE(srr_seen(ps));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[cell].name, &after));
	EXPECT_EQ(before.counters.denied + 1, after.counters.denied);
	close(ps);
}

#define ECHO_PORT 19998

/* Listens on 127.0.0.1:ECHO_PORT: 0 once it accepted a connection, 1 when none came in 10 s. */
static int accept_one(void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(ECHO_PORT) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return 100 + errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4))
		return 100 + errno;
	if (poll(&p, 1, 10000) != 1 || accept(fd, NULL, NULL) < 0)
		return 1;
	return 0;
}

/*
 * Connects to 127.0.0.1:ECHO_PORT with a record route option on its
 * packets, again while nothing listens yet: 0 once connected, else the
 * errno of the last try (ETIMEDOUT, EINPROGRESS: no SYN-ACK came).
 */
static int connect_with_record_route(void)
{
	unsigned char rr[12] = { 7 /* IPOPT_RR */, 11, 4 };
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(ECHO_PORT) };
	struct timeval tv = { 3, 0 };
	int err = 0;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	for (int i = 0; i < 100; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_OPTIONS, rr, sizeof(rr)) ||
		    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
			return errno;
		err = connect(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
		close(fd);
		if (err != ECONNREFUSED)
			return err;
		usleep(100 * 1000);
	}
	return err;
}

/*
 * A peer whose SYN carries options (record route) gets them echoed on
 * every packet of the connection a cell's listener accepts: no source
 * route, so they pass, and no denial is counted against the cell.
 */
TEST_F(bypass, options_a_peer_sent_are_echoed_to_it)
{
	int cell = test_env_cell(&self->env, "echo", "bind:tcp:127.0.0.1/32:19998", NULL);
	struct isolate_cell_state before, after;
	int status = -1;
	pid_t pid;

	ASSERT_LE(0, cell);
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[cell].name, &before));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(connect_with_record_route());
	EXPECT_EQ(0, test_run(&self->env, cell, accept_one, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("connect: %s", strerror(WEXITSTATUS(status)));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[cell].name, &after));
	EXPECT_EQ(before.counters.denied, after.counters.denied);
}

/* ---- Multicast membership reports ------------------------------------------- */

/* Joins 232.1.2.3 from source 10.20.30.<*arg> on lo, keeps it 1 s. */
static int igmp_errno(void *arg)
{
	struct ip_mreq_source m;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 100 + errno;
	memset(&m, 0, sizeof(m));
	inet_pton(AF_INET, "232.1.2.3", &m.imr_multiaddr);
	m.imr_sourceaddr.s_addr = htonl(0x0a141e00 | *(const unsigned char *)arg);
	inet_pton(AF_INET, "127.0.0.1", &m.imr_interface);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_SOURCE_MEMBERSHIP, &m, sizeof(m)))
		return errno;
	usleep(1000 * 1000);
	close(fd);
	return 0;
}

/* Whether an IGMP packet naming 10.20.30.<last> went out on lo. */
static bool igmp_seen(int ps, unsigned char last)
{
	const unsigned char src[4] = { 10, 20, 30, last };
	unsigned char pkt[2048];
	struct pollfd pfd = { .fd = ps, .events = POLLIN };

	while (poll(&pfd, 1, 500) == 1) {
		ssize_t n = recv(ps, pkt, sizeof(pkt), 0);

		if (n >= 20 && pkt[9] == IPPROTO_IGMP && memmem(pkt + 20, (size_t)n - 20, src, 4))
			return true;
	}
	return false;
}

/*
 * A cell that may make IPv4 sockets but has no connect rule joins a
 * source-specific multicast group: the kernel sends an IGMPv3 report out
 * of the interface carrying the group and every source address the cell
 * chose (32 bits each), to the local network. Packets leave with content
 * the cell picked. The control run outside names another source, so its
 * retransmitted reports cannot be taken for the cell's.
 */
TEST_F(bypass, multicast_joins_send_nothing_ungranted)
{
	int cell = test_env_cell(&self->env, "mcast", "socket:inet", NULL);
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int ps = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	unsigned char outside = 40, inside = 41;

	ASSERT_LE(0, cell);
	ASSERT_LE(0, ps);
	ll.sll_ifindex = (int)if_nametoindex("lo");
	ASSERT_EQ(0, bind(ps, (struct sockaddr *)&ll, sizeof(ll)));
	EXPECT_EQ(0, run_outside(igmp_errno, &outside));
	if (!igmp_seen(ps, outside)) {
		close(ps);
		SKIP(return, "no IGMP report seen on lo, even outside a cell");
	}
	EXPECT_EQ(EACCES, test_run(&self->env, cell, igmp_errno, &inside));
	EXPECT_FALSE(igmp_seen(ps, inside));
	close(ps);
}

#define T_SO_ATTACH_REUSEPORT_CBPF 51

struct share_args {
	int type;
	int option;
};

/* setsockopt(SOL_SOCKET, option, 1) on a new IPv4 socket of type: its errno. */
static int share_errno(void *arg)
{
	const struct share_args *a = arg;
	int fd = socket(AF_INET, a->type | SOCK_CLOEXEC, 0), one = 1, r;

	if (fd < 0)
		return 100 + errno;
	r = setsockopt(fd, SOL_SOCKET, a->option, &one, sizeof(one)) ? errno : 0;
	close(fd);
	return r;
}

/* A listener outside on 127.0.0.1:port with SO_REUSEPORT: what a cell would join. */
static int reuseport_listener(unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 64))
		return -1;
	return fd;
}

/* Joins the reuseport group on 127.0.0.1:port and steers it to itself. */
static int join_group_errno(void *arg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(*(unsigned short *)arg) };
	struct sock_filter mine = BPF_STMT(BPF_RET | BPF_K, 1);
	struct sock_fprog prog = { 1, &mine };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return 100 + errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
		return errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 64))
		return 110 + errno;
	return setsockopt(fd, SOL_SOCKET, T_SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)) ?
		       120 + errno : 0;
}

/*
 * A bind rule gives the cell a port, not a share of another's listener on
 * it: joining a reuseport group (and steering it with a program) would
 * take the connections of every listener of the same user there, the
 * host's; SO_REUSEADDR on a UDP socket binds beside one that set it and
 * takes its datagrams. TCP's SO_REUSEADDR shares nothing and stays.
 */
TEST_F(bypass, a_bind_rule_shares_no_one_elses_port)
{
	int cell = test_env_cell(&self->env, "share", "bind:tcp:127.0.0.1/32:9300",
				 "bind:udp:127.0.0.1/32:9300", NULL);
	struct share_args a = { SOCK_STREAM, SO_REUSEPORT };
	unsigned short port = 9300;
	int host = reuseport_listener(port);

	ASSERT_LE(0, cell);
	ASSERT_LE(0, host);
	EXPECT_EQ(0, run_outside(share_errno, &a));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, share_errno, &a));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, join_group_errno, &port));
	a.option = T_SO_ATTACH_REUSEPORT_CBPF;
	EXPECT_EQ(EACCES, test_run(&self->env, cell, share_errno, &a));
	a.type = SOCK_DGRAM;
	a.option = SO_REUSEADDR;
	EXPECT_EQ(0, run_outside(share_errno, &a));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, share_errno, &a));
	a.type = SOCK_STREAM;
	EXPECT_EQ(0, test_run(&self->env, cell, share_errno, &a));
	/* Control: the steering works outside (the group is joined and steered). */
	EXPECT_EQ(0, run_outside(join_group_errno, &port));
	close(host);
}

TEST_HARNESS_MAIN
