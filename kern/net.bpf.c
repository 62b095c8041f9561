// SPDX-License-Identifier: GPL-2.0
/*
 * Networking: connect (and sendto an address, which is a connect for
 * datagrams), bind and listen for TCP and UDP over IPv4 and IPv6, by
 * address prefix and port range; AF_UNIX by the socket file's rights
 * (abstract names by explicit rule); sockets only of the families and
 * netlink protocols the cell was granted, never raw or packet ones, and
 * netlink messages only to the kernel.
 */
#include "file_rules.bpf.h"
#include "task_cell.bpf.h"

#define AF_UNSPEC	0
#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define AF_NETLINK	16
#define AF_SMC		43
#define NETLINK_AUDIT	9
#define SOCK_DGRAM	2
#define SOCK_RAW	3
#define SOCK_PACKET	10
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_MPTCP	262
#define SOL_IP		0
#define SOL_SOCKET	1
#define SO_REUSEADDR	2
#define SO_REUSEPORT	15
#define SO_ATTACH_REUSEPORT_CBPF 51
#define SO_ATTACH_REUSEPORT_EBPF 52
#define SO_DETACH_REUSEPORT_BPF 68
#define SOL_IPV6	41
#define IPV6_ADDRFORM	1
#define IP_OPTIONS	4
#define IP_RETOPTS	7
#define IP_ADD_MEMBERSHIP 35
#define IP_ADD_SOURCE_MEMBERSHIP 39
#define MCAST_JOIN_GROUP 42
#define MCAST_JOIN_SOURCE_GROUP 46
#define IPV6_2292RTHDR	5
#define IPV6_2292PKTOPTIONS 6
#define IPV6_NEXTHOP	9
#define IPV6_ADD_MEMBERSHIP 20
#define IPV6_JOIN_ANYCAST 27
#define IPV6_FLOWLABEL_MGR 32
#define IPV6_RTHDR	57
/* cmsgs a sendmsg may carry before it is refused unread */
#define CMSG_MAX	8

char LICENSE[] SEC("license") = "GPL";

/* An IP endpoint, normalized: IPv4-mapped IPv6 becomes IPv4. */
struct endpoint {
	__u8 family;		/* 4 or 6 */
	__u8 proto;
	__u16 port;		/* host byte order */
	__u8 addr[16];
};

static __always_inline __u16 swap16(__u16 v)
{
	return (v >> 8) | (v << 8);
}

static __always_inline bool is_v4_mapped(const __u8 *a)
{
	__u64 lo;
	__u32 mid;

	__builtin_memcpy(&lo, a, 8);
	__builtin_memcpy(&mid, a + 8, 4);
	return lo == 0 && mid == 0xffff0000;	/* ::ffff:0:0/96, little endian */
}

/*
 * Reads a kernel sockaddr of family AF_INET or AF_INET6. Returns 0, or -1
 * when it is too short to hold one.
 */
static __always_inline int read_endpoint(const void *sa, int len, __u16 family,
					 struct endpoint *ep)
{
	if (family == AF_INET) {
		struct sockaddr_in sin;

		if (len < (int)sizeof(sin) ||
		    bpf_probe_read_kernel(&sin, sizeof(sin), sa))
			return -1;
		ep->family = 4;
		ep->port = swap16(sin.sin_port);
		__builtin_memcpy(ep->addr, &sin.sin_addr, 4);
		return 0;
	}
	{
		struct sockaddr_in6 sin6;

		/* 24 bytes (RFC 2133) is the shortest the kernel accepts */
		if (len < 24 || bpf_probe_read_kernel(&sin6, 24, sa))
			return -1;
		ep->port = swap16(sin6.sin6_port);
		if (is_v4_mapped((const __u8 *)&sin6.sin6_addr)) {
			ep->family = 4;
			__builtin_memcpy(ep->addr, (const __u8 *)&sin6.sin6_addr + 12, 4);
		} else {
			ep->family = 6;
			__builtin_memcpy(ep->addr, &sin6.sin6_addr, 16);
		}
		return 0;
	}
}

/*
 * A destination of 0.0.0.0 or :: (or ::ffff:0.0.0.0) is no address a
 * rule can name: the kernel sends to loopback (::1, or 127.0.0.1 when
 * the socket's source is IPv4-mapped), or to the socket's source address,
 * or an address of the device it is bound to (SO_BINDTODEVICE,
 * IP_UNICAST_IF, a pktinfo message), and another thread may change those
 * after the hook (a connect of the same socket makes its source
 * IPv4-mapped while sendmmsg sends the rest of its messages, which no
 * hook sees, to the same bytes). False: the caller refuses it.
 */
static __always_inline bool specified(const struct endpoint *ep)
{
	__u64 words[2];

	__builtin_memcpy(words, ep->addr, 16);
	if (ep->family == 4)
		return (__u32)words[0] != 0;
	return words[0] != 0 || words[1] != 0;
}

/*
 * TCP and UDP are the protocols rules speak of; MPTCP is TCP to them. A
 * socket without its sock (newer kernels say it may be NULL) has none.
 */
static __always_inline __u8 rule_proto(const struct sock *sk)
{
	__u16 proto;

	if (!sk)
		return 0;
	proto = sk->sk_protocol;

	if (proto == IPPROTO_MPTCP)
		return IPPROTO_TCP;
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ? proto : 0;
}

static __always_inline void report_net(const struct cell_ctx *cc, __u32 op,
				       __u32 rule_id, int verdict,
				       const struct endpoint *ep)
{
	struct isolate_event_access *e;

	e = reserve_access_event(cc, op, 0, rule_id, verdict ? EACCES : 0);
	if (!e)
		return;
	e->object_kind = ISOLATE_OBJECT_NET;
	e->net.family = ep->family == 4 ? AF_INET : AF_INET6;
	e->net.port = ep->port;
	e->net.proto = ep->proto;
	__builtin_memcpy(e->net.addr, ep->addr, 16);
	bpf_ringbuf_submit(e, 0);
}

static __always_inline int decide_endpoint(const struct cell_ctx *cc, __u8 net_op,
					   __u32 op, const struct endpoint *ep)
{
	struct isolate_net_key key = {
		.prefixlen = ISOLATE_NET_FIXED_BITS + (ep->family == 4 ? 32 : 128),
		.ruleset = cc->cell.ruleset,
		.op = net_op,
		.proto = ep->proto,
		.family = ep->family,
	};
	__u32 rule_id = ISOLATE_RULE_NONE;
	struct isolate_net_rule *rule;
	int verdict;

	__builtin_memcpy(key.addr, ep->addr, 16);
	rule = ep->proto ? bpf_map_lookup_elem(&net_rules, &key) : NULL;
	if (rule) {
		__u32 n = rule->n_ranges;

		for (int i = 0; i < ISOLATE_NET_PORT_RANGES; i++) {
			if (i >= n)
				break;
			if (ep->port >= rule->ranges[i].lo && ep->port <= rule->ranges[i].hi) {
				count_allowed(cc);
				return 0;
			}
		}
		rule_id = rule->deny_rule_id;
	}
	verdict = refuse(cc, EACCES);
	report_net(cc, op, rule_id, verdict, ep);
	return verdict;
}

/* Abstract AF_UNIX names: allowed only by an explicit rule. */
static __always_inline int decide_abstract(const struct cell_ctx *cc, __u32 right,
					   __u32 op, const char *name, int len)
{
	struct isolate_unix_key key = { .ruleset = cc->cell.ruleset };
	struct isolate_unix_rule *rule;
	__u32 rule_id = ISOLATE_RULE_NONE;
	struct isolate_event_access *e;
	int verdict;

	if (len > 0 && len <= (int)sizeof(key.name)) {
		__u32 n = len;

		/* Keep the verifier on the same register as the bound check. */
		barrier_var(n);
		if (n > sizeof(key.name))
			n = sizeof(key.name);
		key.len = n;
		bpf_probe_read_kernel(key.name, n, name);
		rule = bpf_map_lookup_elem(&unix_rules, &key);
		if (rule) {
			rule_id = rule->rule_id;
			if (rule->allow & right) {
				count_allowed(cc);
				return 0;
			}
		}
	}
	verdict = refuse(cc, EACCES);
	e = reserve_access_event(cc, op, 0, rule_id, verdict ? EACCES : 0);
	if (e) {
		e->object_kind = ISOLATE_OBJECT_NET;
		e->net.family = AF_UNIX;
		__u32 n = len > 0 ? len : 0;

		barrier_var(n);
		if (n > sizeof(key.name))
			n = sizeof(key.name);
		e->path[0] = '@';
		bpf_probe_read_kernel(e->path + 1, n, name);
		/* The name ends with no NUL; the slot still holds an older event. */
		e->path[n + 1] = 0;
		bpf_ringbuf_submit(e, 0);
	}
	return verdict;
}

/* A socket refused for its family (or netlink protocol), named in the event. */
static __always_inline int refuse_socket(const struct cell_ctx *cc, __u32 op,
					 __u16 family, __u8 protocol)
{
	int verdict = refuse(cc, EACCES);
	struct isolate_event_access *e;

	e = reserve_access_event(cc, op, 0, ISOLATE_RULE_NONE, verdict ? EACCES : 0);
	if (e) {
		e->object_kind = ISOLATE_OBJECT_NET;
		e->net.family = family;
		e->net.proto = protocol;
		bpf_ringbuf_submit(e, 0);
	}
	return verdict;
}

static __always_inline bool family_granted(const struct cell_ctx *cc, int family)
{
	return family >= 0 && family < 64 && (cc->cell.socket_families >> family) & 1;
}

/*
 * A netlink address names a process (nl_pid) or multicast groups: a cell
 * may address only the kernel (pid 0, no groups); its own sockets have no
 * other use, and other processes would hear from it.
 */
static __always_inline int decide_netlink_dest(const struct cell_ctx *cc, const void *sa,
					       int len, __u32 op)
{
	struct sockaddr_nl nl = {};

	if (len < (int)sizeof(nl) || bpf_probe_read_kernel(&nl, sizeof(nl), sa))
		return refuse_socket(cc, op, AF_NETLINK, 0);
	if (nl.nl_pid || nl.nl_groups)
		return refuse_socket(cc, op, AF_NETLINK, 0);
	return 0;
}

/*
 * An IPv6 socket bound to :: without IPV6_V6ONLY is bound to 0.0.0.0 as
 * well: IPv4 peers reach it. Its port needs the IPv4 bind rule too. The
 * kernel lets IPV6_V6ONLY change until the socket has a port: at bind
 * another thread may still clear it, and at listen too when the socket
 * has none yet (never bound, or bound with IP_BIND_ADDRESS_NO_PORT), so
 * then it is taken as cleared. A socket with a port keeps it (TCP's
 * check at listen holds; UDP's at bind is best effort).
 */
static __always_inline int decide_dual_stack(const struct cell_ctx *cc, const struct sock *sk,
					     const struct endpoint *ep, __u32 op)
{
	struct endpoint v4 = { .family = 4, .proto = ep->proto, .port = ep->port };
	__u64 words[2];

	__builtin_memcpy(words, ep->addr, 16);
	if (ep->family != 6 || words[0] || words[1] || !sk)
		return 0;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_ipv6only) &&
	    (op != ISOLATE_OP_LISTEN || sk->__sk_common.skc_num))
		return 0;
	return decide_endpoint(cc, ISOLATE_NET_BIND, op, &v4);
}

/*
 * The kernel sends its audit records to the netlink port the audit daemon
 * registered, and forgets it only when a send fails: after the daemon
 * ends, a socket bound to its port id gets the host's records. A cell's
 * NETLINK_AUDIT sockets take the port the kernel picks (nl_pid 0).
 */
static __always_inline int decide_netlink_bind(const struct cell_ctx *cc, struct socket *sock,
					       const void *sa, int len)
{
	struct sockaddr_nl nl = {};
	struct sock *sk = sock->sk;

	if (!sk || sk->sk_protocol != NETLINK_AUDIT)
		return 0;
	if (len < (int)sizeof(nl) || bpf_probe_read_kernel(&nl, sizeof(nl), sa) || nl.nl_pid)
		return refuse_socket(cc, ISOLATE_OP_BIND, AF_NETLINK, NETLINK_AUDIT);
	return 0;
}

/*
 * setsockopt(TCP_ULP, "smc") makes a TCP socket the cell made an SMC one,
 * a family no cell is given, without socket_create: it connects, binds and
 * listens through a TCP socket of its own, which no hook sees.
 */
static __always_inline bool is_smc(const struct socket *sock)
{
	const struct sock *sk = sock->sk;

	return sk && sk->__sk_common.skc_family == AF_SMC;
}

/*
 * An address given to connect, bind or sendmsg, from kernel memory.
 * AF_UNSPEC: connect() disconnects, and IPv6 sockets send to their peer;
 * but IPv4 sockets take it for AF_INET in bind and sendmsg.
 */
static __always_inline int decide_sockaddr(const struct cell_ctx *cc,
					   struct socket *sock, const void *sa,
					   int len, __u8 net_op, __u32 op,
					   bool disconnects)
{
	struct endpoint ep = {};
	struct sock *sk;
	__u16 family = 0;
	int verdict;

	if (len < 2 || bpf_probe_read_kernel(&family, sizeof(family), sa))
		return refuse_op(cc, op, EACCES, 0, 0);
	if (is_smc(sock))
		return refuse_socket(cc, op, AF_SMC, 0);
	if (family == AF_UNSPEC) {
		if (disconnects)
			return 0;
		sk = sock->sk;
		if (!sk)
			return refuse_op(cc, op, EACCES, 0, family);
		if (sk->__sk_common.skc_family != AF_INET)
			return 0;
		family = AF_INET;
	}
	switch (family) {
	case AF_INET:
	case AF_INET6:
		if (read_endpoint(sa, len, family, &ep))
			return refuse_op(cc, op, EACCES, 0, family);
		sk = sock->sk;
		ep.proto = rule_proto(sk);
		if (net_op == ISOLATE_NET_CONNECT && !specified(&ep)) {
			verdict = refuse(cc, EACCES);
			report_net(cc, op, ISOLATE_RULE_NONE, verdict, &ep);
			return verdict;
		}
		verdict = decide_endpoint(cc, net_op, op, &ep);
		if (verdict || net_op != ISOLATE_NET_BIND)
			return verdict;
		return decide_dual_stack(cc, sk, &ep, op);
	case AF_UNIX: {
		char first = 1;

		if (net_op != ISOLATE_NET_BIND)
			return 0;
		/* The family alone: the kernel picks an abstract name (autobind). */
		if (len == sizeof(__u16))
			return (cc->cell.flags & ISOLATE_CELL_UNIX_AUTOBIND) ? 0 :
			       refuse_socket(cc, op, AF_UNIX, 0);
		/* Path names are files: path_mknod and the unix hooks decide. */
		bpf_probe_read_kernel(&first, 1, sa + 2);
		if (first != 0)
			return 0;
		return decide_abstract(cc, ISOLATE_NET_BIND, op, sa + 3, len - 3);
	}
	case AF_NETLINK:
		return net_op == ISOLATE_NET_CONNECT ? decide_netlink_dest(cc, sa, len, op) :
		       decide_netlink_bind(cc, sock, sa, len);
	default:
		return family_granted(cc, family) ? 0 : refuse_socket(cc, op, family, 0);
	}
}

ISOLATE_HOOK(socket_create, isolate_socket_create, int family, int type, int protocol, int kern,
	     int ret)
{
	struct cell_ctx cc;

	if (ret || kern)
		return ret;
	if (!current_cell(&cc))
		return 0;
	/*
	 * Raw sockets see and forge traffic no connect rule would allow; IP
	 * protocols other than TCP and UDP no rule can grant, and some
	 * connect where no hook of ours looks (SCTP's connectx). Only stream
	 * and datagram sockets: protocol 0 means the first protocol of the
	 * type, which is SCTP for SOCK_SEQPACKET and DCCP for SOCK_DCCP once
	 * their modules are loaded.
	 */
	if (!family_granted(&cc, family) ||
	    ((family == AF_INET || family == AF_INET6) &&
	     (((type & 0xf) != SOCK_STREAM && (type & 0xf) != SOCK_DGRAM) ||
	      (protocol != 0 && protocol != IPPROTO_TCP && protocol != IPPROTO_UDP &&
	       protocol != IPPROTO_MPTCP))) ||
	    type == SOCK_PACKET ||
	    (family == AF_NETLINK &&
	     (protocol < 0 || protocol > 31 || !((cc.cell.netlink_protocols >> protocol) & 1))))
		return refuse_socket(&cc, ISOLATE_OP_SOCKET, family, protocol);
	return 0;
}

ISOLATE_HOOK(socket_connect, isolate_socket_connect, struct socket *sock,
	     struct sockaddr *address, int addrlen, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_sockaddr(&cc, sock, address, addrlen, ISOLATE_NET_CONNECT,
			       ISOLATE_OP_CONNECT, true);
}

ISOLATE_HOOK(socket_bind, isolate_socket_bind, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_sockaddr(&cc, sock, address, addrlen, ISOLATE_NET_BIND,
			       ISOLATE_OP_BIND, false);
}

/*
 * IPV6_ADDRFORM makes an IPv6 socket an IPv4 one: its protocol and
 * operations change before its family, with no lock a send holds between
 * our hook and the kernel's reading them, so a send the hook took for
 * IPv6 (AF_UNSPEC: "to the peer") can go out as IPv4 to the address it
 * names. Converting is refused in a cell.
 */
/*
 * Options that send packets where no connect rule said: source routes
 * (IPv4 options, IPv6 routing headers and next hops: the first hop is
 * another host; old-style IPv6 packet options, which may hold a routing
 * header; a flow label's options, which the kernel adds to every send
 * carrying the label, routing header included) and multicast joins (the
 * kernel sends a report, with sources the caller chose, to the local
 * network).
 */
static __always_inline bool reroutes(int level, int name)
{
	if (level == SOL_IP)
		return name == IP_OPTIONS || name == IP_RETOPTS || name == IP_ADD_MEMBERSHIP ||
		       name == IP_ADD_SOURCE_MEMBERSHIP || name == MCAST_JOIN_GROUP ||
		       name == MCAST_JOIN_SOURCE_GROUP;
	if (level == SOL_IPV6)
		return name == IPV6_RTHDR || name == IPV6_2292RTHDR || name == IPV6_2292PKTOPTIONS ||
		       name == IPV6_NEXTHOP || name == IPV6_ADD_MEMBERSHIP ||
		       name == IPV6_JOIN_ANYCAST || name == IPV6_FLOWLABEL_MGR ||
		       name == MCAST_JOIN_GROUP ||
		       name == MCAST_JOIN_SOURCE_GROUP;
	return false;
}

/*
 * Options that share a port with sockets already bound to it: joining a
 * reuseport group takes a share of the connections of every listener of
 * the same user on that port (the host's, another cell's), and a program
 * attached to the group steers all of them to the cell; a UDP socket with
 * SO_REUSEADDR binds beside another that set it and, bound to a narrower
 * address, takes its datagrams. A bind rule gives a port to the cell, not
 * a share of someone else's.
 */
static __always_inline bool shares_a_port(const struct socket *sock, int level, int name)
{
	int family;

	if (level != SOL_SOCKET)
		return false;
	if (name == SO_REUSEPORT || name == SO_ATTACH_REUSEPORT_CBPF ||
	    name == SO_ATTACH_REUSEPORT_EBPF || name == SO_DETACH_REUSEPORT_BPF)
		return true;
	if (name != SO_REUSEADDR || sock->type != SOCK_DGRAM)
		return false;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	return family == AF_INET || family == AF_INET6;
}

ISOLATE_HOOK(socket_setsockopt, isolate_socket_setsockopt, struct socket *sock, int level,
	     int optname, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (reroutes(level, optname) || (level == SOL_IPV6 && optname == IPV6_ADDRFORM)) {
		if (!current_cell(&cc))
			return 0;
		return refuse_op(&cc, ISOLATE_OP_CONNECT, EACCES, 0, level << 16 | optname);
	}
	if (level != SOL_SOCKET || !current_cell(&cc) || !shares_a_port(sock, level, optname))
		return 0;
	return refuse_op(&cc, ISOLATE_OP_BIND, EACCES, 0, level << 16 | optname);
}

/*
 * The same options as control messages of one sendmsg, copied into the
 * kernel before this hook. More than CMSG_MAX of them, or an unreadable
 * one, is refused unread.
 */
static __always_inline bool control_reroutes(const struct msghdr *msg)
{
	struct { __u64 len; int level; int type; } h;
	__u64 left = msg->msg_controllen;
	const __u8 *p = msg->msg_control;

	for (int i = 0; i < CMSG_MAX && left >= sizeof(h); i++) {
		__u64 step;

		if (bpf_probe_read_kernel(&h, sizeof(h), p) || reroutes(h.level, h.type))
			return true;
		step = (h.len + 7) & ~7ULL;
		if (h.len < sizeof(h) || step > left)
			return false;	/* the kernel refuses it too */
		p += step;
		left -= step;
	}
	return left >= sizeof(h);
}

/* Datagrams (and TCP fast open) sent to an address are connects. */
ISOLATE_HOOK(socket_sendmsg, isolate_socket_sendmsg, struct socket *sock, struct msghdr *msg,
	     int size, int ret)
{
	struct cell_ctx cc;
	void *name;
	int len;

	if (ret)
		return ret;
	name = msg->msg_name;
	len = msg->msg_namelen;
	if ((!name || len <= 0) && !msg->msg_controllen)
		return 0;
	if (!current_cell(&cc))
		return 0;
	if (msg->msg_controllen && control_reroutes(msg))
		return refuse_op(&cc, ISOLATE_OP_CONNECT, EACCES, 0, 0);
	if (!name || len <= 0)
		return 0;
	return decide_sockaddr(&cc, sock, name, len, ISOLATE_NET_CONNECT,
			       ISOLATE_OP_CONNECT, false);
}

/*
 * Listening on an AF_UNIX socket bound to an abstract name: the name needs
 * a bind rule, or, when the kernel picked it, the autobind allowance. A
 * name is picked not only by bind(2) with no name, which socket_bind
 * decides, but by connect(2) and sendmsg(2) of a socket with
 * SO_PASSCRED, which ask no hook of ours before.
 */
static __always_inline int decide_unix_listen(const struct cell_ctx *cc, struct sock *sk)
{
	struct unix_sock *u = bpf_skc_to_unix_sock(sk);
	struct unix_address *addr;

	if (!u)
		return refuse_op(cc, ISOLATE_OP_LISTEN, EACCES, 0, AF_UNIX);
	addr = u->addr;
	/* Unbound (listen fails by itself), or a path: its file was made by the rules. */
	if (!addr || u->path.dentry || (cc->cell.flags & ISOLATE_CELL_UNIX_AUTOBIND))
		return 0;
	return decide_abstract(cc, ISOLATE_NET_BIND, ISOLATE_OP_LISTEN,
			       (const char *)addr->name + 3, addr->len - 3);
}

/* Listening on the address the socket is bound to (port 0 if unbound). */
ISOLATE_HOOK(socket_listen, isolate_socket_listen, struct socket *sock, int backlog, int ret)
{
	struct sock *sk = sock->sk;
	struct endpoint ep = {};
	struct cell_ctx cc;
	__u16 family;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	if (!sk)
		return refuse_op(&cc, ISOLATE_OP_LISTEN, EACCES, 0, 0);
	family = sk->__sk_common.skc_family;
	if (family == AF_UNIX)
		return decide_unix_listen(&cc, sk);
	if (family == AF_SMC)
		return refuse_socket(&cc, ISOLATE_OP_LISTEN, AF_SMC, 0);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	ep.proto = rule_proto(sk);
	ep.port = sk->__sk_common.skc_num;
	if (family == AF_INET) {
		ep.family = 4;
		__builtin_memcpy(ep.addr, &sk->__sk_common.skc_rcv_saddr, 4);
	} else {
		struct in6_addr a = sk->__sk_common.skc_v6_rcv_saddr;

		if (is_v4_mapped((const __u8 *)&a)) {
			ep.family = 4;
			__builtin_memcpy(ep.addr, (const __u8 *)&a + 12, 4);
		} else {
			ep.family = 6;
			__builtin_memcpy(ep.addr, &a, 16);
		}
	}
	return decide_endpoint(&cc, ISOLATE_NET_BIND, ISOLATE_OP_LISTEN, &ep) ?:
	       decide_dual_stack(&cc, sk, &ep, ISOLATE_OP_LISTEN);
}

/*
 * A socket in the file system made by a process outside the cell: a
 * service, not a file (a terminal multiplexer that runs what its clients
 * ask, a display server, an agent holding keys), reached only by a rule on
 * its node, as a device is: a grant of a tree it sits in (`write:/tmp`)
 * does not reach it. The cell's own sockets go by the tree's rules.
 */
static __always_inline int decide_others_socket(const struct cell_ctx *cc, struct dentry *d)
{
	int verdict;

	if (granted_on_node(cc, BPF_CORE_READ(d, d_sb, s_dev), BPF_CORE_READ(d, d_inode, i_ino),
			    ISOLATE_ACCESS_WRITE)) {
		count_allowed(cc);
		return 0;
	}
	verdict = refuse(cc, EACCES);
	report_file(cc, ISOLATE_OP_CONNECT, ISOLATE_ACCESS_WRITE, ISOLATE_RULE_NONE, verdict,
		    EACCES, d, NULL, DISPLAY_NAME);
	return verdict;
}

/*
 * Reaching another AF_UNIX socket: its file needs WRITE (as its mode bits
 * would; a rule on the node itself for a socket of a process outside the
 * cell), an abstract name needs a rule.
 */
static __always_inline int decide_unix_peer(struct sock *other)
{
	struct unix_sock *u;
	struct unix_address *addr;
	struct cell_ctx cc;
	int len;

	if (!current_cell(&cc))
		return 0;
	u = other ? bpf_skc_to_unix_sock(other) : NULL;
	if (!u)
		return refuse_op(&cc, ISOLATE_OP_CONNECT, EACCES, 0, AF_UNIX);
	if (u->path.dentry) {
		if (cell_of_cgroup(BPF_CORE_READ(other, sk_cgrp_data.cgroup)) != cc.cgid)
			return decide_others_socket(&cc, u->path.dentry);
		return decide_dentry(&cc, u->path.dentry, u->path.mnt,
				     ISOLATE_ACCESS_WRITE, ISOLATE_OP_CONNECT,
				     EACCES, NULL, DISPLAY_NAME);
	}
	addr = u->addr;
	if (!addr)	/* unbound peer (socketpair): nothing to name */
		return 0;
	len = addr->len - 3;	/* sun_family and the leading NUL */
	return decide_abstract(&cc, ISOLATE_NET_CONNECT, ISOLATE_OP_CONNECT,
			       (const char *)addr->name + 3, len);
}

ISOLATE_HOOK(unix_stream_connect, isolate_unix_stream_connect, struct sock *sock,
	     struct sock *other, struct sock *newsk, int ret)
{
	return ret ?: decide_unix_peer(other);
}

ISOLATE_HOOK(unix_may_send, isolate_unix_may_send, struct socket *sock, struct socket *other,
	     int ret)
{
	return ret ?: decide_unix_peer(other->sk);
}
