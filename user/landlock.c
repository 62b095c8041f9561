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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "policy/model.h"
#include "policy/real_path.h"
#include "policy/self_path.h"
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
#ifndef IPPROTO_SMC
#define IPPROTO_SMC 256
#endif
#ifndef AF_SMC
#define AF_SMC 43
#endif

#if defined(__x86_64__)
#define SECCOMP_ARG_LO(n) (offsetof(struct seccomp_data, args) + (n) * sizeof(__u64))
#define LOAD(what) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (what))
/* Instruction at goes to instruction to when A is k, else on (or to no). */
#define JEQ(at, k, to) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (to) - (at) - 1, 0)
#define JEQ_ELSE(at, k, to, no) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (to) - (at) - 1, (no) - (at) - 1)
#define JSET_ELSE(at, k, to, no) \
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (to) - (at) - 1, (no) - (at) - 1)
#define RET(what) BPF_STMT(BPF_RET | BPF_K, (what))
#define X32_SYSCALL_BIT 0x40000000
#define X32_IOCTL 514		/* x32's own ioctl, beside x86-64's */
#define I386_IOCTL 54
#define I386_OPEN 5
#define I386_CREAT 8
#define I386_MKNOD 14
#define I386_CHMOD 15
#define I386_FCHMOD 94
#define I386_OPENAT 295
#define I386_MKNODAT 297
#define I386_FCHMODAT 306
#define I386_SOCKETCALL 102
#define I386_SOCKET 359
#define SOCKETCALL_SOCKET 1	/* SYS_SOCKET of <linux/net.h> */
#define IO_URING_SETUP 425	/* the same number in every ABI */
#define OPENAT2 437		/* the same number in every ABI */
#define FCHMODAT2 452		/* the same number in every ABI */
/* The open flags with which the kernel uses the mode (its WILL_CREATE): O_CREAT, O_TMPFILE's own bit. */
#define OPEN_MAKES (O_CREAT | 020000000)

/* Where refused_calls jumps to (forward only, as classic BPF does). */
enum {
	AT_I386 = 18, AT_SOCKET = 37, AT_SOCKET_PROTO = 41, AT_IOCTL = 44, AT_OPEN = 47,
	AT_OPENAT = 49, AT_MODE_ARG1 = 51, AT_MODE_ARG2 = 53, AT_MODE_ARG3 = 55, AT_ENOSYS = 57,
	AT_EACCES = 58, AT_EPERM = 59, AT_ALLOW = 60,
};

/*
 * What a Landlock domain does not see, refused by a seccomp filter the
 * command runs under, installed after no_new_privs just before the domain:
 * - the TIOCSTI and TIOCLINUX ioctls (EPERM): the command keeps the
 *   caller's terminal, and they would type into its input, run outside.
 *   The kernel reads the command as an unsigned int: the argument's low word.
 * - a mode with S_ISUID or S_ISGID (EPERM), given to chmod(2) and its kin
 *   or to a call that makes a file (open and openat with O_CREAT or
 *   O_TMPFILE, creat, mknod, mknodat): Landlock has no rights on
 *   attributes, and a cell could make a setuid program of any file its
 *   user owns, anywhere. Made empty, a setuid file loses the bit when
 *   written; a setgid one without group exec keeps it, and an ACL (which
 *   no filter can read) then adds group exec. openat2(2) passes its mode
 *   in memory the filter cannot read: ENOSYS, from which libc falls back
 *   to openat.
 * - MPTCP and SMC sockets (EACCES, as Landlock's own refusals): Landlock's
 *   TCP hooks pass MPTCP sockets (not sk_is_tcp), and an SMC socket
 *   connects through a TCP socket of its own that no hook checks.
 * - io_uring (EPERM, as with kernel.io_uring_disabled=2, which programs
 *   fall back from): it makes sockets where no syscall filter sees them.
 * The 32-bit ABI's socketcall(SYS_SOCKET) keeps its arguments in memory the
 * filter cannot read: refused (EACCES) whatever they are. x32 shares the
 * x86-64 numbers with a flag bit, masked off.
 */
static struct sock_filter refused_calls[] = {
	/* 0 */ LOAD(offsetof(struct seccomp_data, arch)),
	/* 1 */ JEQ_ELSE(1, AUDIT_ARCH_X86_64, 2, AT_I386),
	/* 2 */ LOAD(offsetof(struct seccomp_data, nr)),
	/* 3 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(__u32)X32_SYSCALL_BIT),
	/* 4 */ JEQ(4, __NR_socket, AT_SOCKET),
	/* 5 */ JEQ(5, __NR_ioctl, AT_IOCTL),
	/* 6 */ JEQ(6, X32_IOCTL, AT_IOCTL),
	/* 7 */ JEQ(7, __NR_chmod, AT_MODE_ARG1),
	/* 8 */ JEQ(8, __NR_fchmod, AT_MODE_ARG1),
	/* 9 */ JEQ(9, __NR_fchmodat, AT_MODE_ARG2),
	/* 10 */ JEQ(10, FCHMODAT2, AT_MODE_ARG2),
	/* 11 */ JEQ(11, __NR_open, AT_OPEN),
	/* 12 */ JEQ(12, __NR_openat, AT_OPENAT),
	/* 13 */ JEQ(13, __NR_creat, AT_MODE_ARG1),
	/* 14 */ JEQ(14, __NR_mknod, AT_MODE_ARG1),
	/* 15 */ JEQ(15, __NR_mknodat, AT_MODE_ARG2),
	/* 16 */ JEQ(16, OPENAT2, AT_ENOSYS),
	/* 17 */ JEQ_ELSE(17, IO_URING_SETUP, AT_EPERM, AT_ALLOW),
	/* Any other arch on an x86-64 kernel is i386; were it not, killed. */
	/* 18 AT_I386 */ JEQ_ELSE(18, AUDIT_ARCH_I386, 20, 19),
	/* 19 */ RET(SECCOMP_RET_KILL_PROCESS),
	/* 20 */ LOAD(offsetof(struct seccomp_data, nr)),
	/* 21 */ JEQ(21, I386_SOCKET, AT_SOCKET),
	/* 22 */ JEQ(22, I386_IOCTL, AT_IOCTL),
	/* 23 */ JEQ(23, I386_CHMOD, AT_MODE_ARG1),
	/* 24 */ JEQ(24, I386_FCHMOD, AT_MODE_ARG1),
	/* 25 */ JEQ(25, I386_FCHMODAT, AT_MODE_ARG2),
	/* 26 */ JEQ(26, FCHMODAT2, AT_MODE_ARG2),
	/* 27 */ JEQ(27, I386_OPEN, AT_OPEN),
	/* 28 */ JEQ(28, I386_OPENAT, AT_OPENAT),
	/* 29 */ JEQ(29, I386_CREAT, AT_MODE_ARG1),
	/* 30 */ JEQ(30, I386_MKNOD, AT_MODE_ARG1),
	/* 31 */ JEQ(31, I386_MKNODAT, AT_MODE_ARG2),
	/* 32 */ JEQ(32, OPENAT2, AT_ENOSYS),
	/* 33 */ JEQ(33, IO_URING_SETUP, AT_EPERM),
	/* 34 */ JEQ_ELSE(34, I386_SOCKETCALL, 35, AT_ALLOW),
	/* 35 */ LOAD(SECCOMP_ARG_LO(0)),
	/* 36 */ JEQ_ELSE(36, SOCKETCALL_SOCKET, AT_EACCES, AT_ALLOW),
	/* socket(): the low words of the arguments are the ints the kernel reads. */
	/* 37 AT_SOCKET */ LOAD(SECCOMP_ARG_LO(0)),
	/* 38 */ JEQ(38, AF_SMC, AT_EACCES),
	/* 39 */ JEQ(39, AF_INET, AT_SOCKET_PROTO),
	/* 40 */ JEQ_ELSE(40, AF_INET6, AT_SOCKET_PROTO, AT_ALLOW),
	/* 41 AT_SOCKET_PROTO */ LOAD(SECCOMP_ARG_LO(2)),
	/* 42 */ JEQ(42, IPPROTO_MPTCP, AT_EACCES),
	/* 43 */ JEQ_ELSE(43, IPPROTO_SMC, AT_EACCES, AT_ALLOW),
	/* 44 AT_IOCTL */ LOAD(SECCOMP_ARG_LO(1)),
	/* 45 */ JEQ(45, TIOCSTI, AT_EPERM),
	/* 46 */ JEQ_ELSE(46, TIOCLINUX, AT_EPERM, AT_ALLOW),
	/* open(): the mode counts only when the flags make a file. */
	/* 47 AT_OPEN */ LOAD(SECCOMP_ARG_LO(1)),
	/* 48 */ JSET_ELSE(48, OPEN_MAKES, AT_MODE_ARG2, AT_ALLOW),
	/* 49 AT_OPENAT */ LOAD(SECCOMP_ARG_LO(2)),
	/* 50 */ JSET_ELSE(50, OPEN_MAKES, AT_MODE_ARG3, AT_ALLOW),
	/* 51 AT_MODE_ARG1 */ LOAD(SECCOMP_ARG_LO(1)),
	/* 52 */ JSET_ELSE(52, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 53 AT_MODE_ARG2 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 54 */ JSET_ELSE(54, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 55 AT_MODE_ARG3 */ LOAD(SECCOMP_ARG_LO(3)),
	/* 56 */ JSET_ELSE(56, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 57 AT_ENOSYS */ RET(SECCOMP_RET_ERRNO | ENOSYS),
	/* 58 AT_EACCES */ RET(SECCOMP_RET_ERRNO | EACCES),
	/* 59 AT_EPERM */ RET(SECCOMP_RET_ERRNO | EPERM),
	/* 60 AT_ALLOW */ RET(SECCOMP_RET_ALLOW),
};
_Static_assert(sizeof(refused_calls) / sizeof(refused_calls[0]) == AT_ALLOW + 1,
	       "refused_calls ends with AT_ALLOW");
static const struct sock_fprog refusing_filter = {
	.len = sizeof(refused_calls) / sizeof(refused_calls[0]),
	.filter = refused_calls,
};

static const struct sock_fprog *filter_of_arch(void)
{
	return &refusing_filter;
}
#else
/* No filter written for this architecture: what it refuses is reported ungoverned. */
static const struct sock_fprog *filter_of_arch(void)
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

		/* An exec grant lets its files be read too. */
		bool reaches = isolate_cap_get_kind(c) == g->kind ||
			       (g->kind == ISOLATE_CAP_READ && isolate_cap_get_kind(c) == ISOLATE_CAP_EXEC);

		if (reaches && !(isolate_cap_get_flags(c) & ISOLATE_CAP_DENY) &&
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
		if (kind == ISOLATE_CAP_READ &&
		    granted_at(pol, ISOLATE_CAP_EXEC, isolate_cap_get_path(cap)))
			return "Landlock executes only what it lets be read: a deny of reading below an exec grant is not enforced";
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
	bool filtered = filter_of_arch();

	if (abi < 4)
		add(b, false, false, "tcp", "every TCP connect and bind (no network rules before ABI 4)");
	else
		add(b, false, false, "tcp listen",
		    "listen(2) on a socket never bound: a port the kernel picks, whatever bind allows");
	if (abi >= 4 && !filtered)
		add(b, false, false, "mptcp and smc",
		    "every MPTCP and SMC connect and bind (Landlock checks plain TCP; no filter to refuse their sockets on this architecture)");
	add(b, false, false, "udp", "every UDP destination and port (Landlock governs TCP only)");
	if (abi < 3)
		add(b, false, false, "truncate", "truncate(2) of files the cell may only read (ABI 3)");
	add(b, false, false, "unix sockets by path",
	    "connect(2) and sendmsg(2) to every unix socket file the cell can reach, granted or not (Landlock checks opening files, not connecting to them)");
	if (abi < 6 || unix_granted)
		add(b, false, false, "abstract unix sockets", abi < 6 ? "every abstract name (ABI 6)" :
		    "every abstract name: the policy grants some, which Landlock cannot");
	else
		add(b, false, false, "abstract unix sockets",
		    "bind(2) and listen(2) on every abstract name (the scope stops connects and sends only)");
	if (abi < 6)
		add(b, false, false, "signals", "signals to processes outside the cell (ABI 6)");
	add(b, false, false, "file attributes", filtered ?
	    "chmod, chown, utimes, xattrs, ACLs of any file its user owns, granted or not (root: any root file); setuid, setgid modes refused to chmod, open, creat, mknod" :
	    "chmod (setuid/setgid modes too), chown, utimes, xattrs and ACLs of every file the cell's user owns, granted or not (as root: every root file)");
	add(b, false, false, "exec of readable files",
	    "every file the cell may read can be mapped executable or run by the dynamic loader (ld.so FILE): exec grants bound execve(2) only");
	add(b, false, false, "exec of memory",
	    "running any bytes the cell holds (a memfd, execveat(2) with AT_EMPTY_PATH): exec grants bound execve(2) of files only");
	add(b, false, false, "watches and links",
	    "inotify watches on, and readlink(2) of links in, directories the cell may not read (Landlock checks opening files, not naming them)");
	add(b, false, false, "kernel keyrings",
	    "the caller's session keyring and the user's keyring (keyctl(2), add_key(2)): BPF LSM gives a cell no kernel keyrings");
	add(b, false, false, "System V IPC",
	    "shared memory, semaphores and message queues of other programs, as their modes allow the cell's user (as root: all)");
	if (!filtered)
		add(b, false, false, "terminal input",
		    "TIOCSTI and TIOCLINUX on the caller's terminal, which the command keeps: what they type runs outside");
	add(b, false, false, "device ioctls", filtered ?
	    "ioctl(2) on device files (TIOCSTI and TIOCLINUX refused)" : "ioctl(2) on device files");
	add(b, false, false, "namespaces", "creating user and mount namespaces");
	add(b, false, false, "exec-memory", "making memory executable (JIT)");
	add(b, false, false, "socket families", "sockets of any family (raw, packet, netlink)");
	add(b, false, false, "machine controls", "writing /sys, /proc/sys, cgroupfs where granted");
	add(b, false, false, "other processes in /proc",
	    "reading the entries of processes outside the cell (command lines, status) where /proc is granted");
	add(b, false, false, "kernel state",
	    "reading tracefs, debugfs, securityfs, pstore and efivarfs under a grant of a tree above them");
	add(b, false, false, "others' terminals and sockets",
	    "opening other sessions' ptys under a grant of /dev, connecting to other programs' unix sockets under a grant of their directory");
	add(b, false, false, "planted links",
	    "symlinks and FIFOs put in shared sticky directories (/tmp) where write is granted");
	add(b, false, false, "leases and shared ports",
	    "leases on files the cell may only read; SO_REUSEPORT, and SO_REUSEADDR on UDP, beside others' sockets");
	add(b, false, false, "live changes", "grant and revoke while it runs");
	add(b, false, false, "events", "per-cell events and the cell ABI (BPF LSM only)");
}

/*
 * Where path, which does not exist, would be made: its longest existing
 * prefix's real path, the rest appended. NULL, errno set, when no prefix
 * resolves but for a missing component.
 */
static char *real_path_of_missing(const char *path)
{
	char *prefix = strdup(path), *slash, *real = NULL, *out = NULL;

	while (prefix && !real && (slash = strrchr(prefix, '/'))) {
		*slash = 0;
		real = realpath(slash == prefix ? "/" : prefix, NULL);
		if (!real && errno != ENOENT)
			break;
		if (real && asprintf(&out, "%s%s", strcmp(real, "/") ? real : "",
				     path + (slash - prefix)) < 0)
			out = NULL;
	}
	free(real);
	free(prefix);
	return out;
}

/*
 * c with every path replaced by its real path, as the compiler binds them:
 * Landlock's rules are on the objects the loader opens, symlinks followed,
 * so a deny is compared with the grants where the objects are, not where
 * they were named. A path that does not exist yet is resolved as far as it
 * exists: a deny of it below a grant through a symlink is below the grant.
 * A path that leads into the loader's own /proc entries (/etc/mtab) is
 * refused, as the compiler refuses it: the rule would be on them.
 */
static int resolve_paths(const struct isolate_cell_policy *c, struct isolate_cell_policy **out)
{
	struct isolate_cell_policy *r = isolate_cell_policy_dup(c);
	struct real_path_cache cache = { 0 };
	int err = r ? 0 : -errno;
	char msg[256];

	for (size_t i = 0; !err && i < r->n_caps; i++) {
		struct isolate_cap *cap = &r->caps[i];
		struct stat st;
		char *real;

		if (!cap_is_path(cap->kind))
			continue;
		real = real_path(&cache, cap->u.path, &st);
		if (!real && errno == ENOENT)
			real = real_path_of_missing(cap->u.path);
		if (!real) {
			err = errno == ENOMEM ? -ENOMEM : 0;
			continue;
		}
		err = self_path_check_real(cap->u.path, real, msg, sizeof(msg));
		free(cap->u.path);
		cap->u.path = real;
	}
	real_path_cache_free(&cache);
	if (err) {
		isolate_cell_policy_free(r);
		if (err == -EINVAL)
			return set_error(err, "%s", msg);
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
		struct landlock_entry entry = {
			.filter = filter_of_arch(),
			.ruleset_fd = ruleset,
			/* Without it, denials are logged only until execve: none of the command's. */
			.restrict_flags = abi >= 7 ? LL_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0,
		};

		err = spawn_confined(-1, &entry, NULL, "under Landlock", argv, opts, pid);
		close(ruleset);
	}
	isolate_cell_policy_free(pol);
	return err;
}
