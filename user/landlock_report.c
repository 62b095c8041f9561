// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The Landlock backend's report: each capability of the policy, as
 * enforced, enforced or not and why, and what the backend leaves
 * ungoverned whatever the policy says. A capability is judged by what
 * the rules are made of, the policy resolved and normalized: a grant the
 * normalizing dropped (below a deny, once resolved) is not there to
 * cover a deny or an exec.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#include "policy/model.h"
#include "user/internal.h"
#include "user/landlock.h"

/* Port ranges of more rules than this are not turned into per-port rules. */
#define LL_PORTS_MAX 1024

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

const char *landlock_net_gap(const struct isolate_cell_policy *pol, const struct isolate_cap *cap,
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
 * The state directory, which BPF LSM closes to every cell and Landlock
 * cannot carve out of a granted tree (the BPF cells' kept policies and
 * channels are in it), by its real path and every other path that shows
 * it, or a part of it, through another mount: BPF LSM closes those too.
 */
struct state_paths {
	char **paths;
	size_t n;
};

static int note_state_path(void *ctx, const char *path)
{
	struct state_paths *s = ctx;
	char **grown = realloc(s->paths, (s->n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	s->paths = grown;
	grown[s->n] = strdup(path);
	if (!grown[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

static void state_paths_free(struct state_paths *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
}

static int state_paths_find(struct state_paths *s)
{
	char *real = realpath(state_dir(), NULL);
	int err = note_state_path(s, real ? real : state_dir());

	/* Not there yet: made later, where its name says, and mounted nowhere else. */
	if (!err && real)
		err = deny_mount_aliases(real, note_state_path, s);
	free(real);
	if (err < 0)
		return set_error(err, "cannot find the mounts of isolate's state directory: %s",
				 strerror(-err));
	return 0;
}

/* Whether a grant of real reaches the state directory or a mount of it. */
static bool reaches_state_dir(const struct state_paths *s, const char *real)
{
	for (size_t i = 0; i < s->n; i++)
		if (path_within(s->paths[i], real) || path_within(real, s->paths[i]))
			return true;
	return false;
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

/* What a report is judged by, besides the capabilities. */
struct report_ctx {
	const struct isolate_cell_policy *set;	/* what the rules are made of */
	int abi;
	struct state_paths state;
	struct landlock_devices *devices;	/* one per capability; NULL: none */
};

/* Why a grant of a path is not enforced as BPF LSM would; NULL when it is. */
static const char *grant_gap(const struct report_ctx *ctx, const struct isolate_cap *cap,
			     const struct landlock_devices *dev)
{
	const char *path = isolate_cap_get_path(cap);

	if (reaches_state_dir(&ctx->state, path))
		return "Landlock cannot keep isolate's state directory out of a granted tree: the BPF cells' kept policies and channels are in it";
	if (isolate_cap_get_kind(cap) == ISOLATE_CAP_EXEC &&
	    !granted_at(ctx->set, ISOLATE_CAP_READ, path))
		return "Landlock executes only what it lets be read: the files can be read too";
	if (dev && dev->err)
		return "Landlock opens every device below a grant, and the devices there could not be listed";
	if (dev && dev->n && dev->node)
		return "BPF LSM never opens a block device, or one that passes disk commands, whatever the rules: Landlock does";
	if (dev && dev->n)
		return "Landlock opens every device below a grant the user may open, BPF LSM only null, zero, full, random, urandom, tty, ptmx: grant the nodes";
	return NULL;
}

static const char *cap_gap(const struct report_ctx *ctx, const struct isolate_cap *cap,
			   const struct landlock_devices *dev, char *why, char *unsearched,
			   size_t len)
{
	const struct isolate_cell_policy *pol = ctx->set;
	enum isolate_cap_kind kind = isolate_cap_get_kind(cap);

	switch (kind) {
	case ISOLATE_CAP_READ:
	case ISOLATE_CAP_WRITE:
	case ISOLATE_CAP_EXEC:
		if (!(isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY))
			return grant_gap(ctx, cap, dev);
		if (granted_at(pol, kind, isolate_cap_get_path(cap)))
			return "Landlock has no deny rules: a deny below a granted tree is not enforced";
		if (kind == ISOLATE_CAP_READ &&
		    granted_at(pol, ISOLATE_CAP_EXEC, isolate_cap_get_path(cap)))
			return "Landlock executes only what it lets be read: a deny of reading below an exec grant is not enforced";
		return deny_alias_gap(pol, kind, isolate_cap_get_path(cap), why, unsearched, len);
	case ISOLATE_CAP_CONNECT:
	case ISOLATE_CAP_BIND:
		return landlock_net_gap(pol, cap, ctx->abi);
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
		return ctx->abi < 6 ? "Landlock governs no abstract unix sockets before ABI 6" :
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
	bool filtered = landlock_filter();

	if (abi < 4)
		add(b, false, false, "tcp", "every TCP connect and bind (no network rules before ABI 4)");
	else
		add(b, false, false, "tcp listen",
		    "listen(2) on a socket never bound: a port the kernel picks, whatever bind allows");
	if (abi >= 4 && !filtered)
		add(b, false, false, "mptcp and smc",
		    "every MPTCP and SMC connect and bind (Landlock checks plain TCP; no filter to refuse their sockets on this architecture)");
	add(b, false, false, "udp and other protocols",
	    "every UDP and SCTP destination and port, and any other IP protocol's (Landlock governs TCP only)");
	if (abi < 3)
		add(b, false, false, "truncate",
		    "truncate(2) of every file the cell's user may write by its modes, granted or not (ABI 3)");
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
	if (!filtered)
		add(b, false, false, "other processes and bpf",
		    "limits, priorities and scheduling of every process of its user (prlimit, setpriority, ioprio_set, sched_set*: the loader's too), and bpf(2) on pinned maps (no filter on this architecture)");
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
	    "ioctl(2) on device files a grant opens (TIOCSTI and TIOCLINUX refused; an open for ioctls only, access mode 3, refused)" :
	    "ioctl(2) on device files, and opening any file its user may for ioctls only (access mode 3), granted or not");
	add(b, false, false, "namespaces", "creating user and mount namespaces");
	add(b, false, false, "exec-memory", "making memory executable (JIT)");
	add(b, false, false, "socket families", "sockets of any family (raw, packet, netlink)");
	add(b, false, false, "machine controls", "writing /sys, /proc/sys, cgroupfs where granted");
	add(b, false, false, "other processes in /proc",
	    "reading the entries of processes outside the cell (command lines, status) where /proc is granted");
	add(b, false, false, "kernel state",
	    "reading tracefs, debugfs, securityfs, pstore and efivarfs under a grant of a tree above them");
	add(b, false, false, "device nodes elsewhere",
	    "nodes made with mknod(2) outside devtmpfs and /dev, below a grant: not looked for, they open as their modes allow");
	add(b, false, false, "others' terminals, sockets and FIFOs",
	    "opening other sessions' ptys under a grant of /dev, connecting to other programs' unix sockets and opening their FIFOs under a grant of their directory");
	add(b, false, false, "planted links",
	    "symlinks and FIFOs put in shared sticky directories (/tmp) where write is granted");
	add(b, false, false, "leases and shared ports",
	    "leases on files the cell may only read; SO_REUSEPORT, and SO_REUSEADDR on UDP, beside others' sockets");
	add(b, false, false, "live changes", "grant and revoke while it runs");
	add(b, false, false, "events", "per-cell events and the cell ABI (BPF LSM only)");
}

/* Why the command could open devices through a grant, as a line of its own. */
static void add_devices(struct report_builder *b, const char *what,
			const struct landlock_devices *dev)
{
	char why[256];	/* names fit the item's why: landlock_devices keeps them short */

	if (dev->err)
		snprintf(why, sizeof(why), "devices not listed: %s", dev->names);
	else
		snprintf(why, sizeof(why), "devices it could open (%zu): %s%s",
			 dev->n, dev->names, dev->listed < dev->n ? ", ..." : "");
	add(b, false, false, what, why);
}

int landlock_report(const struct landlock_policy *p, int abi, const struct isolate_spawn_opts *opts,
		    struct isolate_enforcement_report *out)
{
	const struct isolate_cell_policy *pol = p->resolved;
	struct report_ctx ctx = { .set = p->set, .abi = abi };
	struct report_builder b = { .r = out };
	bool unix_granted = false;
	char text[256];
	int err;

	memset(out, 0, sizeof(*out));
	out->abi = abi;
	if (!abi)
		return set_error(-EOPNOTSUPP, "Landlock is not available on this kernel");
	err = state_paths_find(&ctx.state);
	if (!err && pol) {
		ctx.devices = calloc(pol->n_caps ? pol->n_caps : 1, sizeof(*ctx.devices));
		err = ctx.devices ? landlock_devices_reached(p, opts, ctx.devices) :
		      set_error(-ENOMEM, "out of memory");
	}
	for (size_t i = 0; !err && pol && i < pol->n_caps; i++) {
		const struct isolate_cap *cap = &pol->caps[i];
		const struct landlock_devices *dev = &ctx.devices[i];
		char why[sizeof(out->items->why)], unsearched[sizeof(why)] = "";
		const char *gap = cap_gap(&ctx, cap, dev, why, unsearched, sizeof(why));

		unix_granted |= cap->kind == ISOLATE_CAP_UNIX;
		isolate_cap_format(cap, text, sizeof(text));
		add(&b, true, !gap, text, gap ? gap : "enforced");
		if (unsearched[0])
			add(&b, false, false, text, unsearched);
		if (dev->n || dev->err)
			add_devices(&b, text, dev);
	}
	if (!err && pol && isolate_cell_policy_mode(pol) == ISOLATE_MODE_AUDIT)
		add(&b, true, false, "mode:audit", "Landlock refuses, it cannot only report");
	if (!err)
		backend_gaps(&b, abi, unix_granted);
	free(ctx.devices);
	state_paths_free(&ctx.state);
	if (!err && b.err)
		err = set_error(b.err, "out of memory");
	if (err)
		isolate_enforcement_report_free(out);
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
