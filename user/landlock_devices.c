// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The devices a Landlock grant opens that BPF LSM keeps closed. BPF LSM
 * opens a character device only by a rule on its node (but for the
 * harmless few: null, zero, full, random, urandom, tty, ptmx, the cell's
 * own ptys), and never a block device or one that passes disk commands,
 * whatever the rules. Landlock opens whatever its rules and the file's
 * modes allow: under read:/dev a root cell reads the disks raw.
 *
 * The devices are looked for where the kernel makes them: each devtmpfs
 * mount (and a /dev of another file system, as a container's) at or below
 * a grant, or above it. Which of them the cell could open is the
 * kernel's to say: a process with the cell's ids and no capabilities asks
 * access(2) of each, which weighs modes, ACLs and the device cgroup as
 * the command's open would. Nodes made elsewhere (mknod by root on a disk
 * file system) are not looked for: the report says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/mountinfo.h"
#include "common/tree_scan.h"
#include "policy/device_kind.h"
#include "policy/model.h"
#include "user/internal.h"
#include "user/landlock.h"

/* Entries looked at over every device tree of one policy, at most. */
#define DEVICE_SCAN_MAX 100000

/* A device a grant reaches, which the cell may or may not open. */
struct device_node {
	size_t cap;	/* the grant's index in the policy */
	char *path;
	int mode;	/* R_OK, W_OK: what the grant allows */
};

struct device_search {
	const struct isolate_cell_policy *pol;
	size_t cap;
	struct device_node *nodes;
	size_t n;
	size_t budget;
};

static int access_of(enum isolate_cap_kind kind)
{
	return kind == ISOLATE_CAP_WRITE ? W_OK : R_OK;
}

/* Whether a grant of kind names path itself: BPF LSM opens a device by such a rule. */
static bool named_by_a_rule(const struct isolate_cell_policy *pol, enum isolate_cap_kind kind,
			    const char *path)
{
	for (size_t i = 0; i < pol->n_caps; i++)
		if (pol->caps[i].kind == kind && !(pol->caps[i].flags & ISOLATE_CAP_DENY) &&
		    !strcmp(pol->caps[i].u.path, path))
			return true;
	return false;
}

/*
 * Whether the kernel refuses reading the device whatever its modes say:
 * /dev/kmsg, with kernel.dmesg_restrict 1, to a process without
 * CAP_SYSLOG (which the command never has). access(2) does not know it.
 */
static bool read_refused_by_kernel(const struct stat *st)
{
	char restrict_ = '0';
	int fd;

	if (!S_ISCHR(st->st_mode) || major(st->st_rdev) != 1 || minor(st->st_rdev) != 11)
		return false;
	fd = open("/proc/sys/kernel/dmesg_restrict", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && read(fd, &restrict_, 1) != 1)
		restrict_ = '0';
	if (fd >= 0)
		close(fd);
	return restrict_ == '1';
}

/* Whether BPF LSM keeps the device st (at path) closed to a tree grant, or to any rule. */
static bool closed_by_bpf(const struct device_search *s, const char *path, const struct stat *st,
			  bool tree)
{
	enum isolate_cap_kind kind = s->pol->caps[s->cap].kind;

	if (S_ISBLK(st->st_mode))
		return true;
	if (!S_ISCHR(st->st_mode) || device_harmless_char(st->st_rdev) ||
	    (kind != ISOLATE_CAP_WRITE && read_refused_by_kernel(st)))
		return false;
	if (tree && !named_by_a_rule(s->pol, kind, path))
		return true;
	return device_passes_disk_commands(st->st_rdev);
}

static int note_node(struct device_search *s, const char *path)
{
	struct device_node *grown = realloc(s->nodes, (s->n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	s->nodes = grown;
	grown[s->n] = (struct device_node){
		.cap = s->cap, .path = strdup(path),
		.mode = access_of(s->pol->caps[s->cap].kind),
	};
	if (!grown[s->n].path)
		return -ENOMEM;
	s->n++;
	return 0;
}

static int note_if_closed(void *ctx, const char *path, const struct stat *st)
{
	struct device_search *s = ctx;

	return closed_by_bpf(s, path, st, true) ? note_node(s, path) : 0;
}

/* Where the kernel makes device nodes: devtmpfs, or a container's /dev. */
static bool holds_devices(const struct mount_entry *m)
{
	return !strcmp(m->fstype, "devtmpfs") || !strcmp(m->point, "/dev");
}

/* The mount that shows real; NULL when none does. */
static const struct mount_entry *mount_at(const struct mount_table *t, const char *real)
{
	const struct mount_entry *on;
	char fs_path[PATH_MAX];

	return mount_fs_path(t, real, fs_path, sizeof(fs_path), &on) ? NULL : on;
}

/* The tree at root, which must be the object st (-ESTALE when it is not by now). */
static int scan_tree(struct device_search *s, const char *root, const struct stat *st, char *msg,
		     size_t len)
{
	return tree_scan(root, st, "for devices", &s->budget, NULL, note_if_closed, s, msg, len);
}

/*
 * The devices below the directory grant (the object grant_st), in each
 * tree of devices it is in or that is below it.
 */
static int search_below(struct device_search *s, const struct mount_table *t, const char *grant,
			const struct stat *grant_st, char *msg, size_t len)
{
	const struct mount_entry *on = mount_at(t, grant);
	struct stat st;
	int err = 0;

	if (on && holds_devices(on))
		return scan_tree(s, grant, grant_st, msg, len);
	for (size_t i = 0; !err && i < t->n; i++) {
		const struct mount_entry *m = &t->mounts[i];

		/* Only a mount that shows at its point: one mounted over is not reached. */
		if (!holds_devices(m) || !path_within(m->point, grant) || mount_at(t, m->point) != m)
			continue;
		if (stat(m->point, &st))
			err = errno == ENOENT ? 0 : -errno;
		else
			err = scan_tree(s, m->point, &st, msg, len);
	}
	return err;
}

/*
 * In a child with the cell's ids and no capabilities: whether each node
 * opens with its mode, a byte each ('1' or '0') into fd.
 */
static void ask_as_cell(const struct device_search *s, const struct isolate_spawn_opts *opts,
			int fd)
{
	if (opts && opts->set_ids &&
	    (setgroups(0, NULL) || setresgid(opts->gid, opts->gid, opts->gid) ||
	     setresuid(opts->uid, opts->uid, opts->uid)))
		_exit(1);
	if (drop_capabilities())
		_exit(1);
	for (size_t i = 0; i < s->n; i++) {
		char yes = faccessat(AT_FDCWD, s->nodes[i].path, s->nodes[i].mode, AT_EACCESS) ?
			   '0' : '1';

		if (write(fd, &yes, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* Into opens[i], whether the cell may open s's node i. 0 or -errno. */
static int ask_which_open(const struct device_search *s, const struct isolate_spawn_opts *opts,
			  char *opens)
{
	int pipefd[2], status, err = 0;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		ask_as_cell(s, opts, pipefd[1]);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return -errno;
	}
	while (got < s->n && ((n = read(pipefd[0], opens + got, s->n - got)) > 0 ||
			      (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (got < s->n || !WIFEXITED(status) || WEXITSTATUS(status))
		err = -EPERM;
	return err;
}

/* The node's name after the others in out, while there is room; counted either way. */
static void list_node(struct landlock_devices *out, const char *path)
{
	size_t used = strlen(out->names), len = strlen(path), sep = used ? 2 : 0;

	if (out->listed == out->n && used + sep + len < sizeof(out->names)) {
		memcpy(out->names + used, ", ", sep);
		memcpy(out->names + used + sep, path, len + 1);
		out->listed++;
	}
	out->n++;
}

static void search_free(struct device_search *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->nodes[i].path);
	free(s->nodes);
}

int landlock_devices_reached(const struct landlock_policy *p, const struct isolate_spawn_opts *opts,
			     struct landlock_devices *out)
{
	const struct isolate_cell_policy *pol = p->resolved;
	struct device_search s = { .pol = pol, .budget = DEVICE_SCAN_MAX };
	struct mount_table t = { 0 };
	char msg[sizeof(out->names)], *opens = NULL;
	int err = mount_table_read(&t);

	memset(out, 0, pol->n_caps * sizeof(*out));
	if (err)
		return set_error(err, "cannot read the mounts to look for devices: %s", strerror(-err));
	for (s.cap = 0; !err && s.cap < pol->n_caps; s.cap++) {
		const struct isolate_cap *cap = &pol->caps[s.cap];
		struct stat st;

		int fd = cap_is_path(cap->kind) ? landlock_policy_fd(p, cap->u.path) : -1;

		/* The object the rule is on, not what the path leads to by now. */
		if ((cap->flags & ISOLATE_CAP_DENY) || fd < 0 || fstat(fd, &st))
			continue;
		msg[0] = 0;
		if (S_ISDIR(st.st_mode))
			err = search_below(&s, &t, cap->u.path, &st, msg, sizeof(msg));
		else if (closed_by_bpf(&s, cap->u.path, &st, false) &&
			 !(err = note_node(&s, cap->u.path)))
			out[s.cap].node = true;
		if (err && err != -ENOMEM) {
			/* Not searched whole: said for this grant, which is then not enforced. */
			out[s.cap].err = err;
			snprintf(out[s.cap].names, sizeof(out[s.cap].names), "%s",
				 msg[0] ? msg : strerror(-err));
			err = 0;
		}
	}
	mount_table_free(&t);
	if (!err && s.n) {
		opens = malloc(s.n);
		err = opens ? ask_which_open(&s, opts, opens) : -ENOMEM;
		if (err)
			err = set_error(err, "cannot tell which devices the command could open: %s",
					strerror(-err));
	}
	for (size_t i = 0; !err && i < s.n; i++)
		if (opens[i] == '1' && !out[s.nodes[i].cap].err)
			list_node(&out[s.nodes[i].cap], s.nodes[i].path);
	free(opens);
	search_free(&s);
	if (err == -ENOMEM)
		return set_error(err, "out of memory");
	return err;
}
