// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Starting a process inside a cell. clone3(CLONE_INTO_CGROUP) creates the
 * child directly in the cell's cgroup: there is no moment at which it runs
 * outside, and no window between fork and a write to cgroup.procs. Before
 * it execs, the child gives up what it does not need: other ids if asked,
 * every capability, and the ability to gain privileges by exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "common/inherited_fd.h"
#include "user/internal.h"

int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return -errno;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

static bool real_time(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR || policy == SCHED_DEADLINE;
}

/* In the child: what it gives up before exec. 0 or -errno. */
static int drop_privileges(const struct isolate_spawn_opts *opts)
{
	int err;

	/*
	 * The bounding set first: dropping it needs CAP_SETPCAP, which we
	 * hold unless we run unprivileged (Landlock's case), where there is
	 * nothing exec could raise past no_new_privs anyway.
	 */
	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL &&
		    (errno != EPERM || geteuid() == 0))
			return -errno;
	if (opts->set_ids) {
		/*
		 * The change of ids makes the process dumpable as
		 * fs.suid_dumpable says: it keeps its capabilities through it
		 * (which no process of the cell may trace past) and is made
		 * not dumpable again before they go.
		 */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) ||
		    setresgid(opts->gid, opts->gid, opts->gid) ||
		    setresuid(opts->uid, opts->uid, opts->uid) || prctl(PR_SET_DUMPABLE, 0) ||
		    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0))
			return -errno;
	}
	/*
	 * No real-time scheduling, which cpu.max (CFS bandwidth) does not
	 * hold: not the caller's policy (a service's CPUSchedulingPolicy=),
	 * nor its limit (pam_limits, LimitRTPRIO=), which without
	 * CAP_SYS_RESOURCE cannot be raised again.
	 */
	if (real_time(sched_getscheduler(0)) &&
	    sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){ 0 }))
		return -errno;
	if (setrlimit(RLIMIT_RTPRIO, &(struct rlimit){ 0, 0 }))
		return -errno;
	err = drop_capabilities();
	if (err)
		return err;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return 0;
}

/* What passes from the caller's environment when envp is NULL. */
static const char *const env_allowed[] = {
	"PATH", "HOME", "LANG", "LANGUAGE", "TERM", "TZ", "USER", "LOGNAME",
};

bool isolate_env_passes(const char *entry)
{
	if (!strncmp(entry, "LC_", 3))
		return true;
	for (size_t i = 0; i < sizeof(env_allowed) / sizeof(env_allowed[0]); i++) {
		size_t n = strlen(env_allowed[i]);

		if (!strncmp(entry, env_allowed[i], n) && entry[n] == '=')
			return true;
	}
	return false;
}

/*
 * envp (or the part of ours that passes) plus, with a channel,
 * ISOLATE_CHANNEL and ISOLATE_CHANNEL_SINCE (now, in the channel's names:
 * from here on its messages are for this process).
 */
static char **child_env(char *const *envp, const char *channel)
{
	extern char **environ;
	char *const *base = envp ? envp : environ;
	struct timespec now;
	size_t n = 0, j = 0;
	char **out;

	while (base[n])
		n++;
	clock_gettime(CLOCK_MONOTONIC, &now);
	out = calloc(n + 4, sizeof(*out));
	if (!out)
		return NULL;
	if (channel) {
		if (asprintf(&out[j++], "ISOLATE_CHANNEL=%s", channel) < 0 ||
		    asprintf(&out[j++], "ISOLATE_CHANNEL_SINCE=%016llx",
			     (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec - 1) < 0)
			return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(base[i], "ISOLATE_CHANNEL", 15) && (envp || isolate_env_passes(base[i])))
			out[j++] = base[i];
	if (!envp && !getenv("PATH"))
		out[j++] = (char *)ISOLATE_DEFAULT_PATH;
	return out;
}

/* What failed in the child, for the parent's message. */
enum child_step { STEP_EXEC, STEP_SETUP, STEP_CWD };

struct child_report {
	int err;
	int step;		/* enum child_step */
};

/* opts->stdio[i] onto fd i; through fds above 2 first, so none is overwritten early. */
static int place_stdio(const int stdio[3])
{
	int moved[3];

	for (int i = 0; i < 3; i++) {
		moved[i] = stdio[i] < 0 ? -1 : fcntl(stdio[i], F_DUPFD_CLOEXEC, 3);
		if (stdio[i] >= 0 && moved[i] < 0)
			return -errno;
	}
	for (int i = 0; i < 3; i++)
		if (moved[i] >= 0 && dup2(moved[i], i) < 0)
			return -errno;
	return 0;
}

/* A session of its own, whose terminal is the first of fds 0-2 that is one. */
static int lead_session(void)
{
	if (setsid() < 0)
		return -errno;
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return ioctl(fd, TIOCSCTTY, 0) ? -errno : 0;
	return 0;
}

static bool holds_a_terminal(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			return true;
	return false;
}

/* The child's side: never returns. Reports a failure through report_fd. */
static void child(char *const argv[], const struct isolate_spawn_opts *opts,
		  const char *channel, const struct landlock_entry *landlock, int report_fd)
{
	struct child_report r = { 0, STEP_SETUP };
	char **envp;

	/*
	 * In the cell from its first instruction, with root's descriptors
	 * (the maps, the lock) until execve: once its capabilities are gone,
	 * a process of the cell that may ptrace (exec-memory) could take them
	 * with pidfd_getfd(2) or /proc/PID/fd. Not dumpable, it cannot: made
	 * so before anything else (dropping capabilities leaves it as it is;
	 * the change of ids is handled there). execve makes the command
	 * dumpable again.
	 */
	r.err = prctl(PR_SET_DUMPABLE, 0) ? -errno : 0;
	if (!r.err && opts->stdio)
		r.err = place_stdio(opts->stdio);
	/*
	 * Given no terminal, it has no business with the caller's session:
	 * in it, /dev/tty would open the caller's controlling terminal.
	 */
	if (!r.err && (opts->new_session || !holds_a_terminal()))
		r.err = lead_session();
	if (!r.err)
		r.err = drop_privileges(opts);
	envp = child_env(opts->envp, channel);
	if (!r.err && !envp)
		r.err = -ENOMEM;
	/* After no_new_privs, which an unprivileged filter and restrict_self need. */
	if (!r.err && landlock && landlock->filter &&
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, landlock->filter))
		r.err = -errno;
	if (!r.err && landlock && syscall(SYS_landlock_restrict_self, landlock->ruleset_fd,
					  landlock->restrict_flags))
		r.err = -errno;
	/* As the user it runs as, confined: the directory is the command's own business. */
	if (!r.err && opts->cwd && chdir(opts->cwd)) {
		r.err = -errno;
		r.step = STEP_CWD;
	}
	if (!r.err) {
		/*
		 * execvpe(3) searches the PATH of environ, not of envp: the
		 * command is found on the PATH it is given (this child has no
		 * other thread to see environ change).
		 */
		environ = envp;
		execvpe(argv[0], argv, envp);
		r.err = -errno;
		r.step = STEP_EXEC;
	}
	if (write(report_fd, &r, sizeof(r)) < 0)
		_exit(125);
	_exit(r.step == STEP_EXEC && r.err == -ENOENT ? 127 : 126);
}

int spawn_confined(int cgroup_fd, const struct landlock_entry *landlock, const char *channel,
		   const char *where, char *const argv[], const struct isolate_spawn_opts *opts,
		   pid_t *pid)
{
	struct child_report r = { 0, 0 };
	int report[2];
	pid_t pid_child;
	ssize_t n;

	*pid = -1;
	if (pipe2(report, O_CLOEXEC))
		return set_error(-errno, "cannot create a pipe: %s", strerror(errno));
	pid_child = cgroup_fd >= 0 ? clone_into_cgroup(cgroup_fd) : fork();
	if (pid_child == 0)
		child(argv, opts, channel, landlock, report[1]);
	close(report[1]);
	if (pid_child < 0) {
		int err = -errno;

		close(report[0]);
		return set_error(err, "cannot start a process %s: %s", where, strerror(-err));
	}
	/* The pipe closes on a successful exec, or carries what failed. */
	do
		n = read(report[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(report[0]);
	*pid = pid_child;
	if (n != sizeof(r))
		return 0;
	if (!r.err)
		r.err = -EIO;
	if (r.step == STEP_CWD)
		return set_error(r.err, "cannot run %s %s: working directory %s: %s", argv[0],
				 where, opts->cwd, strerror(-r.err));
	if (r.step == STEP_SETUP)
		return set_error(r.err, "cannot run %s %s: setting up the process: %s", argv[0],
				 where, strerror(-r.err));
	return set_error(r.err, "cannot run %s %s: %s", argv[0], where, strerror(-r.err));
}

int spawn_opts_read(const struct isolate_spawn_opts *given, struct isolate_spawn_opts *opts,
		    const char *where)
{
	size_t sz = given ? given->sz : 0;

	memset(opts, 0, sizeof(*opts));
	if (!given)
		return 0;
	if (!sz)
		return set_error(-EINVAL, "cannot run a command %s: isolate_spawn_opts.sz is 0 (ISOLATE_SPAWN_OPTS sets it)",
				 where);
	for (size_t i = sizeof(*opts); i < sz; i++)
		if (((const unsigned char *)given)[i])
			return set_error(-E2BIG, "cannot run a command %s: isolate_spawn_opts has fields this library (%s) does not know",
					 where, isolate_version());
	memcpy(opts, given, sz < sizeof(*opts) ? sz : sizeof(*opts));
	opts->sz = sizeof(*opts);
	/* To setresuid(2) and setresgid(2), -1 is "no change": the child would stay root. */
	if (opts->set_ids && (opts->uid == (uid_t)-1 || opts->gid == (gid_t)-1))
		return set_error(-EINVAL, "cannot run a command %s: set_ids with uid or gid -1, which setresuid(2) and setresgid(2) read as \"no change\" (it would run as root)",
				 where);
	return 0;
}

/* -EPERM naming the first descriptor the command would inherit that lets a cell out. */
int spawn_refuse_escaping_fds(char *const argv[], const char *where,
			      const struct isolate_spawn_opts *opts)
{
	const char *why;
	int fd, found = inherited_fd_find_danger(opts->stdio, &fd, &why);

	if (found < 0)
		return set_error(found, "cannot run %s %s: listing the descriptors it would inherit (/proc/self/fd): %s",
				 argv[0], where, strerror(-found));
	if (found)
		return set_error(-EPERM, "cannot run %s %s: fd %d is %s; close it or mark it close-on-exec",
				 argv[0], where, fd, why);
	return 0;
}

int isolate_cell_spawn(struct isolate *iso, const char *name, char *const argv[],
		       const struct isolate_spawn_opts *given, pid_t *pid)
{
	char channel[PATH_MAX], where[96];
	struct isolate_spawn_opts opts;
	int fd, err;

	*pid = -1;
	snprintf(where, sizeof(where), "in cell %s", name);
	err = spawn_opts_read(given, &opts, where);
	if (err)
		return err;
	fd = isolate_cell_cgroup_fd(iso, name);
	if (fd < 0)
		return fd;
	err = spawn_refuse_escaping_fds(argv, where, &opts);
	if (!err)
		err = isolate_channel_path(name, channel, sizeof(channel));
	if (!err && opts.set_ids)
		err = channel_share_with(name, opts.gid);
	if (!err)
		err = spawn_confined(fd, NULL, channel, where, argv, &opts, pid);
	close(fd);
	return err;
}
