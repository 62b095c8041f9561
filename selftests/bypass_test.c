// SPDX-License-Identifier: GPL-2.0
/*
 * bypass: attempts by a process in a cell to do what its policy does not
 * grant, through routes the other selftests do not take. Each test asserts
 * the secure behaviour (the refusal, or that the action had no effect); a
 * failure here is a way around the rules.
 *
 *   - a deny on a mount point, and mounts below it (the walk looks up the
 *     root of every mount it climbs into)
 *   - reading what a symlink in an unreadable tree points to
 *   - watching directories the cell may not read (inotify, fanotify)
 *   - the unspecified address (0.0.0.0, ::), which the kernel takes for
 *     this host, under "everything but loopback" rules
 *   - source routes (IPv4 options, IPv6 routing headers), which send a
 *     packet to its first hop; multicast joins, which send reports
 *   - netlink to processes outside the cell, and netlink protocols not
 *     granted
 *   - changing a file's flags through an ioctl on a descriptor opened for
 *     reading
 *   - capabilities the machine list lacked: process accounting, audit,
 *     the controlling terminal's hangup; the terminal's other signals
 *   - the supervisor's writes into a cell's channel (a planted symlink)
 *   - broker grants through a symlink the cell made, and grants that
 *     outlive a supervisor restart or kill
 *   - write grants on the kernel's control files: sysctls, other
 *     processes' /proc files, tracefs, the cgroup tree, the pinned links
 *
 *   $ROOT/             a tmpfs of its own, in a private mount namespace
 *   ├── ro/file        read
 *   └── denied/file, denied/link -> file
 */
#include "kselftest_harness.h"
#include "isolate_test.h"
#include <isolate/cell.h>

#include <poll.h>
#include <pty.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <signal.h>
#include <sys/acct.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/audit.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <linux/netlink.h>

#define LOADER "/usr/bin/isolate-loader"

/* linux/fs.h clashes with sys/mount.h: the few ioctls used here. */
#define T_FS_IOC_GETFLAGS	0x80086601
#define T_FS_IOC_SETFLAGS	0x40086602
#define T_FS_APPEND_FL		0x00000020
#define T_FS_IMMUTABLE_FL	0x00000010

FIXTURE(bypass) {
	struct test_env env;
	int ro;			/* read:$ROOT/ro */
};

FIXTURE_SETUP(bypass)
{
	ASSERT_EQ(0, test_env_setup(&self->env, true));
	ASSERT_EQ(0, test_file(&self->env, "ro/file", "ro\n"));
	ASSERT_EQ(0, test_file(&self->env, "denied/file", "denied\n"));
	ASSERT_EQ(0, test_file(&self->env, "denied/victim", "victim\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "rw"));
	ASSERT_EQ(0, symlink("file", test_path(&self->env, "denied/link")));
	ASSERT_EQ(0, symlink("file", test_path(&self->env, "ro/link")));
	self->ro = test_env_cell(&self->env, "ro", "read:%s/ro", NULL);
	ASSERT_LE(0, self->ro);
}

FIXTURE_TEARDOWN(bypass)
{
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

#define IN_RO(fn, arg) test_run(&self->env, self->ro, (fn), (arg))

/* What a file holds now (its first 255 bytes), for "did the cell change it". */
static const char *contents(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = 0;
	if (fd < 0)
		return "<missing>";
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}


/* ---- Denies on mount points ----------------------------------------------- */

static int open_ro_errno(void *arg)
{
	struct open_args o = { arg, O_RDONLY };

	return open_errno(&o);
}

/*
 * pub/ is granted, pub/secret/ denied, and pub/secret is a mount point
 * (its rule is on the root of the file system mounted there), with another
 * file system mounted at pub/secret/inner. The walk from inner/file climbs
 * into pub/secret's file system and reaches its root: its rule, the deny,
 * decides, as for any directory. (It once crossed to the mount point
 * without looking the root up, and met the grant on pub/.)
 */
TEST_F(bypass, deny_on_a_mount_point_covers_the_mounts_below_it)
{
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "pub/file", "pub\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "pub/secret"));
	ASSERT_EQ(0, mount("tmpfs", test_path(&self->env, "pub/secret"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, test_file(&self->env, "pub/secret/file", "secret\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "pub/secret/inner"));
	ASSERT_EQ(0, mount("tmpfs", test_path(&self->env, "pub/secret/inner"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, test_file(&self->env, "pub/secret/inner/file", "inner secret\n"));
	cell = test_env_cell(&self->env, "mnt", "read:%s/pub", "deny-read:%s/pub/secret", NULL);
	ASSERT_LE(0, cell);

	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno,
			      (void *)test_path(&self->env, "pub/file")));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "pub/secret/file")));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "pub/secret/inner/file")));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "pub/secret/inner")));
}

/* ---- Reading symlinks ----------------------------------------------------- */

static int readlink_errno(void *arg)
{
	char buf[64];

	return readlink(arg, buf, sizeof(buf)) < 0 ? errno : 0;
}

/* A symlink's target is a name inside its tree: READ there, like a listing. */
TEST_F(bypass, reading_a_symlink_needs_read)
{
	EXPECT_EQ(0, IN_RO(readlink_errno, (void *)test_path(&self->env, "ro/link")));
	EXPECT_EQ(EACCES, IN_RO(readlink_errno, (void *)test_path(&self->env, "denied/link")));
	EXPECT_EQ(0, run_outside(readlink_errno, (void *)test_path(&self->env, "denied/link")));
}

/* ---- Changing a file through ioctl on a read-only descriptor -------------- */

struct flags_args {
	const char *path;
	int flag;
};

static int setflags_errno(void *arg)
{
	const struct flags_args *a = arg;
	int fd = open(a->path, O_RDONLY | O_CLOEXEC), flags = 0, r;

	if (fd < 0)
		return 100 + errno;
	if (ioctl(fd, T_FS_IOC_GETFLAGS, &flags)) {
		r = 150 + errno;
		close(fd);
		return r;
	}
	flags |= a->flag;
	r = ioctl(fd, T_FS_IOC_SETFLAGS, &flags) ? errno : 0;
	close(fd);
	return r;
}

static int getflags(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = -1;

	if (fd >= 0) {
		if (ioctl(fd, T_FS_IOC_GETFLAGS, &flags))
			flags = -1;
		close(fd);
	}
	return flags;
}

static void clearflags(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = 0;

	if (fd >= 0) {
		ioctl(fd, T_FS_IOC_SETFLAGS, &flags);
		close(fd);
	}
}

/*
 * FS_IOC_SETFLAGS works on a descriptor opened for reading: with only READ
 * a cell could make a file append-only or immutable (chattr +a/+i), a
 * change chmod and chown need WRITE for.
 */
TEST_F(bypass, setflags_ioctl_needs_write)
{
	const char *file = test_path(&self->env, "ro/file");
	struct flags_args a = { file, T_FS_IMMUTABLE_FL };
	int before = getflags(file);

	if (before < 0)
		SKIP(return, "FS_IOC_GETFLAGS unsupported here");
	EXPECT_EQ(EACCES, IN_RO(setflags_errno, &a));
	EXPECT_EQ(before, getflags(file));
	clearflags(file);
	a.flag = T_FS_APPEND_FL;
	EXPECT_EQ(EACCES, IN_RO(setflags_errno, &a));
	EXPECT_EQ(before, getflags(file));
	clearflags(file);
	/* A file that can be changed so still can be written to outside. */
	EXPECT_EQ(0, write_file(file, "ro\n"));
}

/* ---- Watching what may not be read ---------------------------------------- */

struct watch_args {
	const char *dir;
	bool fan;
	int ready;		/* write end: one byte when the watch is set */
};

/* 0 if an event naming "secret-name" arrived, else the errno or 200. */
static int watch_errno(void *arg)
{
	const struct watch_args *a = arg;
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd pfd;
	int fd, r = 0;
	ssize_t n;

	if (a->fan) {
		fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_NONBLOCK,
				   O_RDONLY);
		if (fd < 0)
			r = 150 + errno;
		else if (fanotify_mark(fd, FAN_MARK_ADD, FAN_CREATE, AT_FDCWD, a->dir))
			r = errno;
	} else {
		fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (fd < 0)
			r = 150 + errno;
		else if (inotify_add_watch(fd, a->dir, IN_CREATE) < 0)
			r = errno;
	}
	if (write(a->ready, "x", 1) != 1 || r)
		return r ?: 250;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, 3000) != 1)
		return 200;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return 201;
	return memmem(buf, (size_t)n, "secret-name", 11) ? 0 : 202;
}

/* Runs watch_errno in the cell; creates denied/secret-name once it watches. */
static int watch_run(struct test_env *env, int cell, bool fan)
{
	struct watch_args a = { test_path(env, "denied"), fan, -1 };
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	a.ready = p[1];
	pid = start_in_cgroup(isolate_cell_cgroup_fd(env->iso, env->cells[cell].name),
			      watch_errno, &a);
	close(p[1]);
	if (read(p[0], &c, 1) == 1) {
		fd = open(test_path(env, "denied/secret-name"), O_CREAT | O_WRONLY | O_CLOEXEC,
			  0600);
		if (fd >= 0)
			close(fd);
	}
	close(p[0]);
	return wait_exit_code(pid);
}

/*
 * inotify_add_watch() and fanotify_mark() take a path, open nothing, and
 * report the names made in a directory: the listing of a directory the
 * cell may not read (security_path_notify).
 */
TEST_F(bypass, watching_an_unreadable_directory_is_eacces)
{
	int r;

	EXPECT_EQ(EACCES, watch_run(&self->env, self->ro, false));
	unlink(test_path(&self->env, "denied/secret-name"));
	r = watch_run(&self->env, self->ro, true);
	if (r == 150 + EPERM)
		TH_LOG("fanotify_init refused in the cell: fanotify not tried");
	else
		EXPECT_EQ(EACCES, r);
}

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

/* ---- IPv4 source routing ---------------------------------------------------- */

#define SRR_PORT 19999

/* sendmsg to 10.11.12.13 (granted) with a loose source route via 127.0.0.1. */
static int srr_errno(void *arg)
{
	unsigned char opt[8] = { IPOPT_LSRR, 7, 4, 127, 0, 0, 1, IPOPT_END };
	char cbuf[CMSG_SPACE(sizeof(opt))] = { 0 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(SRR_PORT) };
	struct iovec iov = { "srr", 3 };
	struct msghdr m = { &to, sizeof(to), &iov, 1, cbuf, sizeof(cbuf), 0 };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 100 + errno;
	inet_pton(AF_INET, "10.11.12.13", &to.sin_addr);
	c->cmsg_level = IPPROTO_IP;
	c->cmsg_type = IP_RETOPTS;
	c->cmsg_len = CMSG_LEN(sizeof(opt));
	memcpy(CMSG_DATA(c), opt, sizeof(opt));
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

/* ---- The supervisor's side of the channel ---------------------------------- */

struct link_args {
	const char *target;
	char link[PATH_MAX + 64];
};

static int symlink_errno(void *arg)
{
	const struct link_args *a = arg;

	return symlink(a->target, a->link) ? errno : 0;
}

/*
 * Root writes a cell's messages into its channel; a link or FIFO the cell
 * put there under a name root uses would have root write (or hang) where
 * the cell says. The channel is the cell's to read only: it can put
 * nothing there, and posting goes on whatever it tried.
 */
TEST_F(bypass, channel_symlink_cannot_redirect_the_supervisor)
{
	struct isolate_channel_msg msg = { .reply_to = 1 };
	const char *victim = test_path(&self->env, "denied/victim");
	struct link_args a = { victim, "" };
	char channel[PATH_MAX];

	ASSERT_EQ(0, channel_path(self->env.cells[self->ro].name, channel, sizeof(channel)));
	snprintf(a.link, sizeof(a.link), "%s/.tmp.%d", channel, getpid());
	EXPECT_EQ(EACCES, IN_RO(symlink_errno, &a));
	snprintf(a.link, sizeof(a.link), "%s/0000000000000001.msg", channel);
	EXPECT_EQ(EACCES, IN_RO(symlink_errno, &a));
	EXPECT_EQ(0, isolate_channel_post(self->env.cells[self->ro].name, &msg,
					  "owned by the cell\n", 18));
	EXPECT_STREQ("victim\n", contents(victim));
}

/* ---- Broker grants through a symlink ------------------------------------- */

struct broker_args {
	const char *channel;
	const char *link;	/* made in rw/, pointing at denied/ */
	const char *target;	/* denied/ */
	const char *secret;	/* denied/file */
};

static int broker_errno(void *arg)
{
	const struct broker_args *a = arg;
	struct isolate_cell_message reply;
	struct open_args o = { a->secret, O_RDONLY };
	int id;

	setenv("ISOLATE_CHANNEL", a->channel, 1);
	if (open_errno(&o) != EACCES)
		return 201;
	if (symlink(a->target, a->link))
		return 202;
	id = isolate_cell_request(ISOLATE_BROKER_READ, a->link);
	if (id <= 0)
		return 203;
	if (isolate_cell_wait_reply((__u64)id, &reply, 20000))
		return 204;
	return open_errno(&o);
}

/* `isolate-loader supervise --broker-rules RULES`, started in the background. */
static pid_t start_supervisor(const char *rules)
{
	char *args[] = { LOADER, "supervise", "--broker-rules", (char *)rules, "--out",
			 "/dev/null", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execv(LOADER, args);
		_exit(127);
	}
	/* Time to open the ring buffers before requests come. */
	usleep(500 * 1000);
	return pid;
}

static void stop_supervisor(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/*
 * The broker may grant reads below rw/. The cell makes rw/link -> denied/
 * and asks for rw/link: the rule matches the text, the grant is compiled
 * by resolving it, and the cell reads denied/.
 */
TEST_F_TIMEOUT(bypass, broker_grant_does_not_follow_a_symlink_out, 60)
{
	int cell = test_env_cell(&self->env, "broker", "read:%s/rw", "write:%s/rw",
				 "broker:read", NULL);
	char rules[PATH_MAX], rule[PATH_MAX + 64], channel[PATH_MAX];
	struct broker_args a = {
		channel, test_path(&self->env, "rw/link"), test_path(&self->env, "denied"),
		test_path(&self->env, "denied/file"),
	};
	pid_t sup;

	ASSERT_LE(0, cell);
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	snprintf(rules, sizeof(rules), "%s/rules", self->env.root);
	snprintf(rule, sizeof(rule), "%s read %s/rw allow 30\n", self->env.cells[cell].name,
		 self->env.root);
	ASSERT_EQ(0, write_file(rules, rule));
	ASSERT_EQ(0, channel_path(self->env.cells[cell].name, channel, sizeof(channel)));
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, broker_errno, &a));
	stop_supervisor(sup);
}

struct lease_args {
	const char *channel;
	const char *spaced;	/* rw/"a b", made by the cell */
	const char *secret;	/* denied/file, granted for 2 s */
};

/* Gets both grants; 0 when the secret is readable with them. */
static int lease_errno(void *arg)
{
	const struct lease_args *a = arg;
	struct isolate_cell_message reply;
	struct open_args o = { a->secret, O_RDONLY };
	int id;

	setenv("ISOLATE_CHANNEL", a->channel, 1);
	if (write_file(a->spaced, ""))
		return 201;
	id = isolate_cell_request(ISOLATE_BROKER_READ, a->spaced);
	if (id <= 0 || isolate_cell_wait_reply((__u64)id, &reply, 20000) || !reply.granted)
		return 202;
	id = isolate_cell_request(ISOLATE_BROKER_READ, a->secret);
	if (id <= 0 || isolate_cell_wait_reply((__u64)id, &reply, 20000) || !reply.granted)
		return 203;
	return open_errno(&o);
}

static int read_errno(void *arg)
{
	struct open_args o = { arg, O_RDONLY };

	return open_errno(&o);
}

/*
 * Grants are kept in <state>/broker/grants, read back by the next
 * supervisor; a path with a space (a file the cell made, granted first)
 * stopped that reading once, and every grant after it stayed. Here
 * denied/file, granted for 2 s, is refused after a supervisor restart.
 */
TEST_F_TIMEOUT(bypass, broker_grants_expire_across_a_supervisor_restart, 60)
{
	int cell = test_env_cell(&self->env, "lease", "read:%s/rw", "write:%s/rw",
				 "broker:read", NULL);
	char rules[PATH_MAX], rule[2 * PATH_MAX + 128], channel[PATH_MAX];
	struct lease_args a = { channel, test_path(&self->env, "rw/a b"),
				test_path(&self->env, "denied/file") };
	pid_t sup;

	ASSERT_LE(0, cell);
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	snprintf(rules, sizeof(rules), "%s/rules", self->env.root);
	snprintf(rule, sizeof(rule), "%s read %s/rw allow 60\n%s read %s allow 2\n",
		 self->env.cells[cell].name, self->env.root, self->env.cells[cell].name,
		 a.secret);
	ASSERT_EQ(0, write_file(rules, rule));
	ASSERT_EQ(0, channel_path(self->env.cells[cell].name, channel, sizeof(channel)));
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	ASSERT_EQ(0, test_run(&self->env, cell, lease_errno, &a));
	stop_supervisor(sup);
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	sleep(4);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, read_errno, (void *)a.secret));
	stop_supervisor(sup);
}

/*
 * The kernel ends a timed grant: killed, the supervisor revokes nothing,
 * and the grant ends all the same.
 */
TEST_F_TIMEOUT(bypass, timed_grant_ends_with_the_supervisor_killed, 60)
{
	int cell = test_env_cell(&self->env, "killed", "read:%s/rw", "write:%s/rw",
				 "broker:read", NULL);
	char rules[PATH_MAX], rule[2 * PATH_MAX + 128], channel[PATH_MAX];
	struct lease_args a = { channel, test_path(&self->env, "rw/other"),
				test_path(&self->env, "denied/file") };
	pid_t sup;

	ASSERT_LE(0, cell);
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	snprintf(rules, sizeof(rules), "%s/rules", self->env.root);
	snprintf(rule, sizeof(rule), "%s read %s/rw allow 60\n%s read %s allow 3\n",
		 self->env.cells[cell].name, self->env.root, self->env.cells[cell].name,
		 a.secret);
	ASSERT_EQ(0, write_file(rules, rule));
	ASSERT_EQ(0, channel_path(self->env.cells[cell].name, channel, sizeof(channel)));
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	ASSERT_EQ(0, test_run(&self->env, cell, lease_errno, &a));
	kill(sup, SIGKILL);
	waitpid(sup, NULL, 0);
	EXPECT_EQ(0, test_run(&self->env, cell, read_errno, (void *)a.secret));
	sleep(4);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, read_errno, (void *)a.secret));
}

/* The library's timed grant, no supervisor at all: the same end. */
TEST_F(bypass, timed_grant_ends_in_the_kernel)
{
	struct isolate_cap *cap = NULL;
	char text[PATH_MAX + 16];
	struct isolate_cell_state st;

	snprintf(text, sizeof(text), "read:%s", test_path(&self->env, "denied/file"));
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant_timed(self->env.iso, self->env.cells[self->ro].name,
					      &cap, 1, 2));
	isolate_cap_free(cap);
	EXPECT_EQ(0, IN_RO(read_errno, (void *)test_path(&self->env, "denied/file")));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->ro].name, &st));
	EXPECT_NE(0ULL, st.cell.expires_ns);
	sleep(3);
	EXPECT_EQ(EACCES, IN_RO(read_errno, (void *)test_path(&self->env, "denied/file")));
	/* The cell's own rules did not go with it; tidying drops the grant. */
	EXPECT_EQ(0, IN_RO(read_errno, (void *)test_path(&self->env, "ro/file")));
	EXPECT_EQ(0, isolate_cell_expire(self->env.iso, self->env.cells[self->ro].name));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->ro].name, &st));
	EXPECT_EQ(0ULL, st.cell.expires_ns);
	EXPECT_EQ(EACCES, IN_RO(read_errno, (void *)test_path(&self->env, "denied/file")));
}

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
	default:
		return vhangup() ? errno : 0;
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
struct tty_result {
	int err[3];
	char sigs[3][16];
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

	a.step = 2;
	res->err[2] = test_run(env, cell, tty_errno, &a);
	tty_drain(p[0], res->sigs[2], sizeof(res->sigs[2]));
	kill(o, SIGKILL);
	return 0;
}

/*
 * Signals the tty driver sends on a cell's behalf skip task_kill: SIGIO
 * (or F_SETSIG's signal) to the foreground group that fcntl(O_ASYNC) makes
 * the owner of a terminal, SIGWINCH to the group a resize reaches (after
 * tcsetpgrp to an outsider's group), SIGHUP to the session leader from
 * vhangup() (CAP_SYS_TTY_CONFIG). The processes hit are outside the cell.
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
	       "vhangup: %d, signals \"%s\"", res->err[0], res->sigs[0], res->err[1],
	       res->sigs[1], res->err[2], res->sigs[2]);
	EXPECT_STREQ("", res->sigs[0]);
	EXPECT_EQ(EPERM, res->err[1]);
	EXPECT_STREQ("", res->sigs[1]);
	EXPECT_EQ(EPERM, res->err[2]);
	EXPECT_STREQ("", res->sigs[2]);
	munmap(res, sizeof(*res));
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

TEST_HARNESS_MAIN
