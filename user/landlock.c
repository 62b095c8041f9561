// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The Landlock backend: the same cell policy, enforced by a Landlock
 * domain the child enters before exec (no root, no BPF LSM needed). Only
 * what Landlock can enforce exactly on this kernel's ABI is claimed: the
 * report lists every capability of the policy as enforced or not, with
 * why, and what the backend leaves ungoverned whatever the policy says.
 * Rights are mapped by the ABI found at run time (Documentation/policy.md
 * has the table), never by a newer one.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "policy/model.h"
#include "policy/real_path.h"
#include "user/internal.h"
#include "user/landlock_abi.h"

/* Port ranges of more rules than this are not turned into per-port rules. */
#define LL_PORTS_MAX 1024

int isolate_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : (int)abi;
}

/* Every filesystem right of abi, device ioctls aside (see the report). */
static __u64 fs_handled(int abi)
{
	__u64 rights = LL_FS_ABI1;

	if (abi >= 2)
		rights |= LL_FS_REFER;
	if (abi >= 3)
		rights |= LL_FS_TRUNCATE;
	return rights;
}

static __u64 fs_rights(enum isolate_cap_kind kind, bool dir, int abi)
{
	__u64 r = 0;

	switch (kind) {
	case ISOLATE_CAP_READ:
		r = LL_FS_READ_FILE | (dir ? LL_FS_READ_DIR : 0);
		break;
	case ISOLATE_CAP_WRITE:
		/* Writing a file includes truncating it, as with BPF LSM. */
		r = LL_FS_WRITE_FILE | (dir ? LL_FS_WRITE_DIR : LL_FS_TRUNCATE);
		break;
	case ISOLATE_CAP_EXEC:
		/* execve() opens the file for reading: Landlock wants both. */
		r = LL_FS_EXECUTE | LL_FS_READ_FILE;
		break;
	default:
		break;
	}
	return r & fs_handled(abi);
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

#if defined(__x86_64__)
#define SECCOMP_ARG_LO(n) (offsetof(struct seccomp_data, args) + (n) * sizeof(__u64))
#define RET_ERRNO(e) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e))
#define RET_ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define X32_SYSCALL_BIT 0x40000000
#define I386_SOCKETCALL 102
#define I386_SOCKET 359
#define SOCKETCALL_SOCKET 1	/* SYS_SOCKET of <linux/net.h> */
#define IO_URING_SETUP 425	/* the same number in every ABI */

/*
 * Landlock's TCP hooks pass MPTCP sockets (not sk_is_tcp), so with network
 * rules in the ruleset the command may make none: socket(AF_INET or
 * AF_INET6, IPPROTO_MPTCP) fails EACCES, as Landlock's own refusals do.
 * io_uring makes sockets where no syscall filter sees them: it fails EPERM,
 * as with kernel.io_uring_disabled=2, which programs fall back from. The
 * 32-bit ABI's socketcall(SYS_SOCKET) keeps its arguments in memory the
 * filter cannot read: refused (EACCES) whatever they are. x32 shares the
 * x86-64 numbers with a flag bit, masked off.
 */
static struct sock_filter mptcp_refused[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 6),
	/* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/* 3 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(__u32)X32_SYSCALL_BIT),
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 11, 0),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IO_URING_SETUP, 0, 1),
	/* 6 */ RET_ERRNO(EPERM),
	/* 7 */ RET_ALLOW,
	/* Any other arch on an x86-64 kernel is i386; were it not, killed. */
	/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0),
	/* 9 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	/* 10 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_SOCKET, 4, 0),
	/* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IO_URING_SETUP, 10, 0),
	/* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, I386_SOCKETCALL, 0, 8),
	/* 14 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_ARG_LO(0)),
	/* 15 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCKETCALL_SOCKET, 5, 6),
	/* socket(): the low words of the arguments are the ints the kernel reads. */
	/* 16 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_ARG_LO(0)),
	/* 17 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0),
	/* 18 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 3),
	/* 19 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_ARG_LO(2)),
	/* 20 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_MPTCP, 0, 1),
	/* 21 */ RET_ERRNO(EACCES),
	/* 22 */ RET_ALLOW,
	/* 23 */ RET_ERRNO(EPERM),
};
static const struct sock_fprog mptcp_filter = {
	.len = sizeof(mptcp_refused) / sizeof(mptcp_refused[0]),
	.filter = mptcp_refused,
};

static const struct sock_fprog *mptcp_filter_of_arch(void)
{
	return &mptcp_filter;
}
#else
/* No filter written for this architecture: MPTCP is reported ungoverned. */
static const struct sock_fprog *mptcp_filter_of_arch(void)
{
	return NULL;
}
#endif

struct report_builder {
	struct isolate_enforcement_report *r;
	int err;
};

static void add(struct report_builder *b, bool capability, bool enforced, const char *what,
		const char *why)
{
	struct isolate_enforcement *grown, *e;

	if (b->err)
		return;
	grown = realloc(b->r->items, (b->r->n + 1) * sizeof(*grown));
	if (!grown) {
		b->err = -ENOMEM;
		return;
	}
	b->r->items = grown;
	e = &grown[b->r->n++];
	memset(e, 0, sizeof(*e));
	e->capability = capability;
	e->enforced = enforced;
	snprintf(e->what, sizeof(e->what), "%s", what);
	snprintf(e->why, sizeof(e->why), "%s", why);
}

/*
 * The next grant (not a deny) of kind's network rules in pol, from *i on;
 * NULL after the last.
 */
static const struct isolate_net_cap *next_net_grant(const struct isolate_cell_policy *pol,
						    enum isolate_cap_kind kind, size_t *i)
{
	while (*i < isolate_cell_policy_cap_count(pol)) {
		const struct isolate_cap *g = isolate_cell_policy_cap(pol, (*i)++);

		if (isolate_cap_get_kind(g) == kind && !(isolate_cap_get_flags(g) & ISOLATE_CAP_DENY))
			return isolate_cap_get_net(g);
	}
	return NULL;
}

/* Whether Landlock can hold a connect/bind capability exactly, and why not. */
static const char *net_gap(const struct isolate_cell_policy *pol, const struct isolate_cap *cap,
			   int abi)
{
	const struct isolate_net_cap *net = isolate_cap_get_net(cap), *gn;
	enum isolate_cap_kind kind = isolate_cap_get_kind(cap);
	size_t i = 0;

	if (abi < 4)
		return "Landlock governs no network before ABI 4";
	if (net->proto != IPPROTO_TCP)
		return "Landlock governs TCP only: UDP is not checked";
	if (isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY) {
		/* A deny holds only where nothing is granted: no deny rules. */
		while ((gn = next_net_grant(pol, kind, &i)))
			if (gn->proto == net->proto && gn->port_min <= net->port_max &&
			    net->port_min <= gn->port_max)
				return "Landlock has no deny rules: a port granted elsewhere stays open";
		return NULL;
	}
	if (net->prefix_len != 0)
		return "Landlock checks ports only, not the address block";
	if ((unsigned int)net->port_max - net->port_min + 1 > LL_PORTS_MAX)
		return "a range of more than 1024 ports";
	/* A port rule holds for IPv4 and IPv6 alike: the other family too. */
	while ((gn = next_net_grant(pol, kind, &i)))
		if (gn->proto == net->proto && gn->family != net->family && !gn->prefix_len &&
		    gn->port_min <= net->port_min && net->port_max <= gn->port_max)
			return NULL;
	return "Landlock checks ports for IPv4 and IPv6 alike: grant the other family's /0 too";
}

/* Whether a grant of kind covers path (at it or above). */
static bool granted_at(const struct isolate_cell_policy *pol, enum isolate_cap_kind kind,
		       const char *path)
{
	for (size_t i = 0; i < isolate_cell_policy_cap_count(pol); i++) {
		const struct isolate_cap *g = isolate_cell_policy_cap(pol, i);

		if (isolate_cap_get_kind(g) == kind && !(isolate_cap_get_flags(g) & ISOLATE_CAP_DENY) &&
		    path_within(path, isolate_cap_get_path(g)))
			return true;
	}
	return false;
}

/*
 * Whether a grant of path reaches the state directory, which BPF LSM closes
 * to every cell and Landlock cannot carve out of a granted tree: the BPF
 * cells' kept policies and channels are in it. Compared by real paths.
 */
static bool reaches_state_dir(const char *path)
{
	char *state = realpath(state_dir(), NULL), *real = realpath(path, NULL);
	const char *s = state ? state : state_dir(), *p = real ? real : path;
	bool reaches = path_within(s, p) || path_within(p, s);

	free(state);
	free(real);
	return reaches;
}

struct granted_alias {
	const struct isolate_cell_policy *pol;
	enum isolate_cap_kind kind;
	char path[PATH_MAX];
};

/* Whether a grant of the kind covers alias or lies below it. */
static int note_granted_alias(void *ctx, const char *alias)
{
	struct granted_alias *g = ctx;

	for (size_t i = 0; i < isolate_cell_policy_cap_count(g->pol); i++) {
		const struct isolate_cap *c = isolate_cell_policy_cap(g->pol, i);
		const char *path = isolate_cap_get_path(c);

		if (isolate_cap_get_kind(c) == g->kind && !(isolate_cap_get_flags(c) & ISOLATE_CAP_DENY) &&
		    (path_within(alias, path) || path_within(path, alias))) {
			snprintf(g->path, sizeof(g->path), "%s", alias);
			return 1;
		}
	}
	return 0;
}

/*
 * A deny Landlock holds by granting nothing at its path, reached under
 * another: a hard link to a file of it (wherever the other name is, which
 * only a search of every grant could tell), or another mount of its file
 * system that shows it inside a grant. Into why; NULL when there is none.
 * A directory of it that the caller may not read is not searched, and
 * said in unsearched: its files' other names are for its owner to know.
 */
static const char *deny_alias_gap(const struct isolate_cell_policy *pol,
				  enum isolate_cap_kind kind, const char *path, char *why,
				  char *unsearched, size_t len)
{
	struct granted_alias g = { .pol = pol, .kind = kind };
	size_t unreadable = 0;
	char file[PATH_MAX];
	nlink_t links = 0;
	int r = deny_first_link(path, file, sizeof(file), &links, &unreadable);

	if (r == -EACCES || (r == 0 && unreadable)) {
		snprintf(unsearched, len, "hard links to files below it: %s this user cannot read",
			 r ? "it is a directory" : "directories of it");
		r = 0;
	}
	if (r < 0) {
		snprintf(why, len, "Landlock decides by path, and the tree could not be searched for other names of its files: %s",
			 strerror(-r));
		return why;
	}
	if (r) {
		snprintf(why, len, "Landlock decides by path: %.80s has %lu names, and the others are not denied",
			 file, (unsigned long)links);
		return why;
	}
	r = deny_mount_aliases(path, note_granted_alias, &g);
	if (r < 0)
		snprintf(why, len, "Landlock decides by path, and the mounts could not be searched for other paths of it: %s",
			 strerror(-r));
	else if (r)
		snprintf(why, len, "Landlock decides by path: it is mounted again at %.80s, which is granted",
			 g.path);
	return r ? why : NULL;
}

static const char *cap_gap(const struct isolate_cell_policy *pol, const struct isolate_cap *cap,
			   int abi, char *why, char *unsearched, size_t len)
{
	enum isolate_cap_kind kind = isolate_cap_get_kind(cap);

	switch (kind) {
	case ISOLATE_CAP_READ:
	case ISOLATE_CAP_WRITE:
	case ISOLATE_CAP_EXEC:
		if (!(isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY) &&
		    reaches_state_dir(isolate_cap_get_path(cap)))
			return "Landlock cannot keep isolate's state directory out of a granted tree: the BPF cells' kept policies and channels are in it";
		if (!(isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY))
			return kind == ISOLATE_CAP_EXEC &&
			       !granted_at(pol, ISOLATE_CAP_READ, isolate_cap_get_path(cap)) ?
			       "Landlock executes only what it lets be read: the files can be read too" :
			       NULL;
		if (granted_at(pol, kind, isolate_cap_get_path(cap)))
			return "Landlock has no deny rules: a deny below a granted tree is not enforced";
		return deny_alias_gap(pol, kind, isolate_cap_get_path(cap), why, unsearched, len);
	case ISOLATE_CAP_CONNECT:
	case ISOLATE_CAP_BIND:
		return net_gap(pol, cap, abi);
	case ISOLATE_CAP_CPU:
	case ISOLATE_CAP_MEMORY:
	case ISOLATE_CAP_PIDS:
		return "budgets need a cgroup of the cell: the Landlock backend runs where it is started";
	case ISOLATE_CAP_BROKER:
		return "no supervisor channel: the cell ABI needs BPF LSM";
	case ISOLATE_CAP_MODE:
		return isolate_cap_get_value(cap) == ISOLATE_MODE_AUDIT ?
		       "Landlock refuses, it cannot only report" : NULL;
	case ISOLATE_CAP_UNIX:
		return abi < 6 ? "Landlock governs no abstract unix sockets before ABI 6" :
		       "Landlock scopes abstract unix sockets to the domain: it cannot allow a name";
	case ISOLATE_CAP_NAMESPACE:
	case ISOLATE_CAP_ALLOW:
	case ISOLATE_CAP_SOCKET:
		return NULL;	/* what they allow, Landlock never refuses */
	default:
		return "unknown to the Landlock backend";
	}
}

/* What the backend leaves ungoverned, whatever a policy says. */
static void backend_gaps(struct report_builder *b, int abi, bool unix_granted)
{
	if (abi < 4)
		add(b, false, false, "tcp", "every TCP connect and bind (no network rules before ABI 4)");
	else
		add(b, false, false, "tcp listen",
		    "listen(2) on a socket never bound: a port the kernel picks, whatever bind allows");
	if (abi >= 4 && !mptcp_filter_of_arch())
		add(b, false, false, "mptcp",
		    "every MPTCP connect and bind (Landlock checks plain TCP; no filter to refuse MPTCP sockets on this architecture)");
	add(b, false, false, "udp", "every UDP destination and port (Landlock governs TCP only)");
	if (abi < 3)
		add(b, false, false, "truncate", "truncate(2) of files the cell may only read (ABI 3)");
	if (abi < 6 || unix_granted)
		add(b, false, false, "abstract unix sockets", abi < 6 ? "every abstract name (ABI 6)" :
		    "every abstract name: the policy grants some, which Landlock cannot");
	if (abi < 6)
		add(b, false, false, "signals", "signals to processes outside the cell (ABI 6)");
	add(b, false, false, "device ioctls", "ioctl(2) on device files");
	add(b, false, false, "namespaces", "creating user and mount namespaces");
	add(b, false, false, "exec-memory", "making memory executable (JIT)");
	add(b, false, false, "socket families", "sockets of any family (raw, packet, netlink)");
	add(b, false, false, "machine controls", "writing /sys, /proc/sys, cgroupfs where granted");
	add(b, false, false, "live changes", "grant and revoke while it runs");
	add(b, false, false, "events", "per-cell events and the cell ABI (BPF LSM only)");
}

/*
 * c with every path that exists replaced by its real path, as the compiler
 * binds them: Landlock's rules are on the objects the loader opens, symlinks
 * followed, so a deny is compared with the grants where the objects are,
 * not where they were named. A path that does not exist stays as written.
 */
static int resolve_paths(const struct isolate_cell_policy *c, struct isolate_cell_policy **out)
{
	struct isolate_cell_policy *r = isolate_cell_policy_dup(c);
	struct real_path_cache cache = { 0 };
	int err = r ? 0 : -errno;

	for (size_t i = 0; !err && i < r->n_caps; i++) {
		struct isolate_cap *cap = &r->caps[i];
		struct stat st;
		char *real;

		if (!cap_is_path(cap->kind))
			continue;
		real = real_path(&cache, cap->u.path, &st);
		if (!real) {
			err = errno == ENOMEM ? -ENOMEM : 0;
			continue;
		}
		free(cap->u.path);
		cap->u.path = real;
	}
	real_path_cache_free(&cache);
	if (err) {
		isolate_cell_policy_free(r);
		return set_error(err, "cannot resolve the policy's paths: %s", strerror(-err));
	}
	*out = r;
	return 0;
}

/* What the backend enforces: c's paths resolved, then normalized. */
static int landlock_policy(const struct isolate_cell_policy *c, struct isolate_cell_policy **out)
{
	struct isolate_cell_policy *resolved = NULL;
	int err = resolve_paths(c, &resolved);

	if (err)
		return err;
	err = isolate_cell_policy_normalize(resolved, out);
	isolate_cell_policy_free(resolved);
	if (err)
		return set_error(err, "cannot normalize the policy: %s", isolate_last_error());
	return 0;
}

/*
 * Each capability of pol, judged against set, what the backend enforces:
 * a grant the normalizing dropped (below a deny, once resolved) is not
 * there to cover a deny or an exec.
 */
static int report_of(const struct isolate_cell_policy *pol, const struct isolate_cell_policy *set,
		     int abi, struct isolate_enforcement_report *out)
{
	struct report_builder b = { .r = out };
	bool unix_granted = false;
	char text[256];

	memset(out, 0, sizeof(*out));
	out->abi = abi;
	if (!abi)
		return set_error(-EOPNOTSUPP, "Landlock is not available on this kernel");
	for (size_t i = 0; pol && i < isolate_cell_policy_cap_count(pol); i++) {
		const struct isolate_cap *cap = isolate_cell_policy_cap(pol, i);
		char why[sizeof(out->items->why)], unsearched[sizeof(why)] = "";
		const char *gap = cap_gap(set, cap, abi, why, unsearched, sizeof(why));

		unix_granted |= isolate_cap_get_kind(cap) == ISOLATE_CAP_UNIX;
		isolate_cap_format(cap, text, sizeof(text));
		add(&b, true, !gap, text, gap ? gap : "enforced");
		if (unsearched[0])
			add(&b, false, false, text, unsearched);
	}
	if (pol && isolate_cell_policy_mode(pol) == ISOLATE_MODE_AUDIT)
		add(&b, true, false, "mode:audit", "Landlock refuses, it cannot only report");
	backend_gaps(&b, abi, unix_granted);
	if (b.err) {
		isolate_enforcement_report_free(out);
		return set_error(b.err, "out of memory");
	}
	return 0;
}

int isolate_landlock_report(const struct isolate_cell_policy *pol, int abi,
			    struct isolate_enforcement_report *out)
{
	struct isolate_cell_policy *resolved = NULL, *set = NULL;
	int err = pol ? resolve_paths(pol, &resolved) : 0;

	if (!err && pol) {
		err = isolate_cell_policy_normalize(resolved, &set);
		if (err)
			err = set_error(err, "cannot normalize the policy: %s", isolate_last_error());
	}
	if (err)
		memset(out, 0, sizeof(*out));
	else
		err = report_of(resolved, set, abi, out);
	isolate_cell_policy_free(set);
	isolate_cell_policy_free(resolved);
	return err;
}

size_t isolate_enforcement_unenforced(const struct isolate_enforcement_report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->items[i].capability && !r->items[i].enforced;
	return n;
}

void isolate_enforcement_report_free(struct isolate_enforcement_report *r)
{
	free(r->items);
	r->items = NULL;
	r->n = 0;
}

/* A path_beneath rule for path; a missing optional path is skipped. */
static int add_path_rule(int ruleset, const struct isolate_cap *cap, int abi)
{
	const char *path = isolate_cap_get_path(cap);
	struct ll_path_beneath_attr attr;
	struct stat st;
	int fd, err = 0;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && (isolate_cap_get_flags(cap) & ISOLATE_CAP_OPTIONAL))
			return 0;
		return set_error(-errno, "cannot open %s for a Landlock rule: %s", path,
				 strerror(errno));
	}
	if (fstat(fd, &st)) {
		err = set_error(-errno, "cannot stat %s: %s", path, strerror(errno));
	} else {
		attr.allowed_access = fs_rights(isolate_cap_get_kind(cap), S_ISDIR(st.st_mode), abi);
		attr.parent_fd = fd;
		if (attr.allowed_access &&
		    syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &attr, 0))
			err = set_error(-errno, "Landlock refused the rule for %s: %s", path,
					strerror(errno));
	}
	close(fd);
	return err;
}

static int add_port_rules(int ruleset, const struct isolate_cap *cap)
{
	const struct isolate_net_cap *net = isolate_cap_get_net(cap);
	struct ll_net_port_attr attr = {
		.allowed_access = isolate_cap_get_kind(cap) == ISOLATE_CAP_CONNECT ?
				  LL_NET_CONNECT_TCP : LL_NET_BIND_TCP,
	};

	for (unsigned int port = net->port_min; port <= net->port_max; port++) {
		attr.port = port;
		if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &attr, 0))
			return set_error(-errno, "Landlock refused the rule for port %u: %s", port,
					 strerror(errno));
	}
	return 0;
}

/* The ruleset of pol on abi: an fd, or -errno. Only what the report claims. */
static int build_ruleset(const struct isolate_cell_policy *pol, int abi)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = fs_handled(abi) };
	size_t size = LL_RULESET_ATTR_SIZE_V1;
	bool unix_granted = false;
	int ruleset, err = 0;

	for (size_t i = 0; i < isolate_cell_policy_cap_count(pol); i++)
		unix_granted |= isolate_cap_get_kind(isolate_cell_policy_cap(pol, i)) ==
				ISOLATE_CAP_UNIX;
	if (abi >= 4) {
		attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
		size = LL_RULESET_ATTR_SIZE_V4;
	}
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_SIGNAL | (unix_granted ? 0 : LL_SCOPE_ABSTRACT_UNIX_SOCKET);
		size = LL_RULESET_ATTR_SIZE_V6;
	}
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (ruleset < 0)
		return set_error(-errno, "cannot create a Landlock ruleset: %s", strerror(errno));
	for (size_t i = 0; !err && i < isolate_cell_policy_cap_count(pol); i++) {
		const struct isolate_cap *cap = isolate_cell_policy_cap(pol, i);
		enum isolate_cap_kind kind = isolate_cap_get_kind(cap);

		if (isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY)
			continue;	/* nothing granted there: refused already */
		if (kind == ISOLATE_CAP_READ || kind == ISOLATE_CAP_WRITE || kind == ISOLATE_CAP_EXEC)
			err = add_path_rule(ruleset, cap, abi);
		else if ((kind == ISOLATE_CAP_CONNECT || kind == ISOLATE_CAP_BIND) && abi >= 4 &&
			 !net_gap(pol, cap, abi))
			err = add_port_rules(ruleset, cap);
	}
	if (err) {
		close(ruleset);
		return err;
	}
	return ruleset;
}

int isolate_landlock_spawn(const struct isolate_cell_policy *policy, bool allow_unenforced,
			   char *const argv[], const struct isolate_spawn_opts *opts,
			   struct isolate_enforcement_report *report, pid_t *pid)
{
	struct isolate_cell_policy *pol = NULL;
	int abi = isolate_landlock_abi(), ruleset, err;
	size_t gaps;

	*pid = -1;
	memset(report, 0, sizeof(*report));
	err = landlock_policy(policy, &pol);
	if (err)
		return err;
	err = report_of(pol, pol, abi, report);
	if (!err) {
		gaps = isolate_enforcement_unenforced(report);
		if (gaps && !allow_unenforced)
			err = set_error(-EOPNOTSUPP, "Landlock (ABI %d) cannot enforce %zu of the policy's capabilities exactly (see the report); --allow-unenforced runs it anyway",
					abi, gaps);
	}
	if (!err) {
		ruleset = build_ruleset(pol, abi);
		err = ruleset < 0 ? ruleset : 0;
	}
	if (!err) {
		err = spawn_confined(-1, ruleset, abi >= 4 ? mptcp_filter_of_arch() : NULL, NULL,
				     "under Landlock", argv, opts, pid);
		close(ruleset);
	}
	isolate_cell_policy_free(pol);
	return err;
}
