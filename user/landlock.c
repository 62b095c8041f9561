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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "policy/path_check.h"
#include "user/internal.h"
#include "user/landlock.h"
#include "user/landlock_abi.h"

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

/*
 * A path_beneath rule for cap, on the object p opened for its path; a
 * missing optional path is skipped.
 */
static int add_path_rule(int ruleset, const struct landlock_policy *p, const struct isolate_cap *cap,
			 int abi)
{
	const char *path = isolate_cap_get_path(cap);
	int fd = landlock_policy_fd(p, path);
	struct ll_path_beneath_attr attr;
	struct stat st;

	if (fd == -ENOENT && (isolate_cap_get_flags(cap) & ISOLATE_CAP_OPTIONAL))
		return 0;
	if (fd == -ELOOP) {
		char why[ERROR_TEXT_MAX];

		self_path_loop_why(path, why, sizeof(why));
		return set_error(fd, "%s", why);
	}
	if (fd < 0)
		return set_error(fd, "cannot open %s for a Landlock rule: %s", path, strerror(-fd));
	if (fstat(fd, &st))
		return set_error(-errno, "cannot stat %s: %s", path, strerror(errno));
	attr.allowed_access = fs_rights(isolate_cap_get_kind(cap), S_ISDIR(st.st_mode), abi);
	attr.parent_fd = fd;
	if (attr.allowed_access &&
	    syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &attr, 0))
		return set_error(-errno, "Landlock refused the rule for %s: %s", path,
				 strerror(errno));
	return 0;
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

/* The ruleset of p's set on abi: an fd, or -errno. Only what the report claims. */
static int build_ruleset(const struct landlock_policy *p, int abi)
{
	const struct isolate_cell_policy *pol = p->set;
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
			err = add_path_rule(ruleset, p, cap, abi);
		else if ((kind == ISOLATE_CAP_CONNECT || kind == ISOLATE_CAP_BIND) && abi >= 4 &&
			 !landlock_net_gap(pol, cap, abi))
			err = add_port_rules(ruleset, cap);
	}
	if (err) {
		close(ruleset);
		return err;
	}
	return ruleset;
}

int isolate_landlock_report(const struct isolate_cell_policy *pol, int abi,
			    struct isolate_enforcement_report *out)
{
	struct landlock_policy p = { 0 };
	int err = pol ? landlock_policy_make(pol, &p) : 0;

	if (err)
		memset(out, 0, sizeof(*out));
	else
		err = landlock_report(&p, abi, NULL, out);
	landlock_policy_free(&p);
	return err;
}

struct isolate_landlock_ruleset {
	int fd;
	int abi;
	/* The ids its report weighed devices for: its commands run as them. */
	bool set_ids;
	uid_t uid;
	gid_t gid;
};

int isolate_landlock_ruleset_new(const struct isolate_cell_policy *policy, bool allow_unenforced,
				 const struct isolate_spawn_opts *given,
				 struct isolate_enforcement_report *report,
				 struct isolate_landlock_ruleset **out)
{
	struct isolate_landlock_ruleset *rs = NULL;
	struct isolate_spawn_opts opts;
	struct landlock_policy p;
	int abi = isolate_landlock_abi(), err;
	size_t gaps;

	*out = NULL;
	memset(report, 0, sizeof(*report));
	err = spawn_opts_read(given, &opts, "under Landlock");
	if (!err)
		err = landlock_policy_make(policy, &p);
	if (err)
		return err;
	err = landlock_report(&p, abi, &opts, report);
	if (!err) {
		gaps = isolate_enforcement_unenforced(report);
		if (gaps && !allow_unenforced)
			err = set_error(-EOPNOTSUPP, "Landlock (ABI %d) cannot enforce %zu of the policy's capabilities exactly (see the report); --allow-unenforced runs it anyway",
					abi, gaps);
	}
	if (!err) {
		rs = malloc(sizeof(*rs));
		err = rs ? 0 : set_error(-ENOMEM, "out of memory");
	}
	if (!err) {
		rs->abi = abi;
		rs->set_ids = opts.set_ids;
		rs->uid = opts.uid;
		rs->gid = opts.gid;
		rs->fd = build_ruleset(&p, abi);
		err = rs->fd < 0 ? rs->fd : 0;
	}
	landlock_policy_free(&p);
	if (err) {
		free(rs);
		return err;
	}
	*out = rs;
	return 0;
}

int isolate_landlock_ruleset_spawn(const struct isolate_landlock_ruleset *rs, char *const argv[],
				   const struct isolate_spawn_opts *given, pid_t *pid)
{
	const char *where = "under Landlock";
	struct landlock_entry entry = {
		.filter = landlock_filter(),
		.ruleset_fd = rs->fd,
		/* Without it, denials are logged only until execve: none of the command's. */
		.restrict_flags = rs->abi >= 7 ? LL_RESTRICT_SELF_LOG_NEW_EXEC_ON : 0,
	};
	struct isolate_spawn_opts opts;
	int err;

	*pid = -1;
	err = spawn_opts_read(given, &opts, where);
	if (err)
		return err;
	if (opts.set_ids != rs->set_ids ||
	    (rs->set_ids && (opts.uid != rs->uid || opts.gid != rs->gid)))
		return set_error(-EINVAL, "cannot run %s %s: the ruleset was made (and its devices weighed) for other ids",
				 argv[0], where);
	err = spawn_refuse_escaping_fds(argv, where, &opts);
	if (!err)
		err = spawn_confined(-1, &entry, NULL, where, argv, &opts, pid);
	return err;
}

void isolate_landlock_ruleset_free(struct isolate_landlock_ruleset *rs)
{
	if (!rs)
		return;
	close(rs->fd);
	free(rs);
}

int isolate_landlock_spawn(const struct isolate_cell_policy *policy, bool allow_unenforced,
			   char *const argv[], const struct isolate_spawn_opts *opts,
			   struct isolate_enforcement_report *report, pid_t *pid)
{
	struct isolate_landlock_ruleset *rs;
	int err = isolate_landlock_ruleset_new(policy, allow_unenforced, opts, report, &rs);

	*pid = -1;
	if (!err)
		err = isolate_landlock_ruleset_spawn(rs, argv, opts, pid);
	isolate_landlock_ruleset_free(rs);
	return err;
}
