// SPDX-License-Identifier: GPL-2.0
/*
 * run: a command in a cell, from its first instruction to its exit, in a
 * new cell made from a policy (removed afterwards, with whatever the
 * command left running) or in an existing one.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"
#include "tools/isolate-loader/run_backend.h"
#include "tools/isolate-loader/run_pty.h"
#include "tools/isolate-loader/run_reap.h"
#include "tools/isolate-loader/run_refusal.h"

#define MAX_ENV 128

#define MAX_CAPS 256

struct run_opts {
	const char *policy_file;
	const char *cell;
	const char *caps[MAX_CAPS];	/* --cap: a policy from the command line */
	size_t n_caps;
	bool no_base;			/* --base none */
	bool audit;			/* --audit: report, refuse nothing */
	enum isolate_backend backend;
	bool allow_unenforced;
	bool no_pty;			/* --no-pty: the caller's terminal itself */
	double timeout;
	struct isolate_spawn_opts spawn;
	char *env[MAX_ENV + 1];
	size_t n_env;
};

static volatile sig_atomic_t forward_sig, resized, child_changed;

static void on_signal(int sig)
{
	forward_sig = sig;
}

static void on_resize(int sig)
{
	resized = sig;
}

static void on_child(int sig)
{
	child_changed = sig;
}

static void catch_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGWINCH, on_resize);
	signal(SIGCHLD, on_child);
}

/*
 * The command stopped (^Z typed into its pty stops it, not run): run
 * stops as well, the caller's terminal as it was, so that the shell it
 * was started from has it back; continued, it continues the command.
 */
static void stop_with_command(pid_t pid, const struct run_pty *pty)
{
	siginfo_t info = { 0 };

	if (pty->master < 0 || waitid(P_PID, (id_t)pid, &info, WSTOPPED | WNOHANG) ||
	    info.si_pid != pid)
		return;
	run_pty_suspend(pty);
	raise(SIGTSTP);
	run_pty_resume(pty);
	kill(pid, SIGCONT);
}

static int add_env(struct run_opts *o, const char *entry)
{
	size_t name_len = strcspn(entry, "=");

	for (size_t i = 0; i < o->n_env; i++)
		if (!strncmp(o->env[i], entry, name_len) && o->env[i][name_len] == '=') {
			o->env[i] = (char *)entry;
			return 0;
		}
	if (o->n_env == MAX_ENV)
		return p_err(EXIT_USAGE, "run: more than %d environment variables", MAX_ENV);
	o->env[o->n_env++] = (char *)entry;
	return 0;
}

/* What passes by default, and what --env NAME passes or NAME=VALUE sets. */
static int build_env(struct run_opts *o, char **extra, size_t n_extra)
{
	extern char **environ;
	int err = 0;

	for (char **e = environ; *e && !err; e++) {
		bool keep = isolate_env_passes(*e);

		for (size_t i = 0; i < n_extra && !keep; i++)
			keep = !strchr(extra[i], '=') && !strncmp(*e, extra[i], strlen(extra[i])) &&
			       (*e)[strlen(extra[i])] == '=';
		if (keep)
			err = add_env(o, *e);
	}
	/* Before what --env sets, which replaces it. */
	if (!err && !getenv("PATH"))
		err = add_env(o, ISOLATE_DEFAULT_PATH);
	for (size_t i = 0; i < n_extra && !err; i++)
		if (strchr(extra[i], '='))
			err = add_env(o, extra[i]);
	o->env[o->n_env] = NULL;
	o->spawn.envp = o->env;
	return err;
}

/*
 * A uid or gid: 0 to 4294967294. (uid_t)-1 is "no change" to setresuid():
 * taking it would leave the command root.
 */
static int parse_id(const char *text, size_t len, __u32 *id)
{
	unsigned long long v;

	if (parse_number(text, len, 0, 0xfffffffeULL, &v))
		return -1;
	*id = (__u32)v;
	return 0;
}

/* --user NAME, UID or UID:GID */
static int parse_user(const char *spec, struct isolate_spawn_opts *s)
{
	const char *colon = strchr(spec, ':');
	struct passwd *pw;
	__u32 uid, gid;

	s->set_ids = true;
	if (*spec == '-' || *spec == '+' || (*spec >= '0' && *spec <= '9')) {
		if (parse_id(spec, colon ? (size_t)(colon - spec) : strlen(spec), &uid) ||
		    (colon && parse_id(colon + 1, strlen(colon + 1), &gid)))
			return p_err(EXIT_USAGE, "run: --user %s: expected NAME, UID or UID:GID, ids 0 to 4294967294",
				     spec);
		s->uid = uid;
		s->gid = colon ? gid : uid;
		return 0;
	}
	pw = getpwnam(spec);
	if (!pw)
		return p_err(EXIT_USAGE, "run: --user %s: no such user", spec);
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	return 0;
}

static int load_policy(const char *file, struct isolate_policy **pol)
{
	struct isolate_diag diag = { 0 };
	int err;

	if (file)
		err = isolate_policy_load(file, pol, &diag);
	else
		err = isolate_policy_builtin(pol, &diag);
	return err ? p_diag(EXIT_RUN_FAILED, &diag) : 0;
}

/* The document's last cell: the one its author wrote for this command. */
static int pick_cell(const struct isolate_policy *pol,
		     const struct isolate_cell_policy **cell)
{
	size_t n = isolate_policy_cell_count(pol);

	*cell = n ? isolate_policy_cell(pol, n - 1) : NULL;
	if (!*cell)
		return p_err(EXIT_RUN_FAILED, "the policy defines no cell");
	return 0;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* What the Landlock command left: killed and reaped, unless a signal to run stops the wait. */
static void reap_leftovers(void)
{
	int left = run_reap_leftovers(&forward_sig);

	if (left)
		p_info("run: stopped waiting for %d process%s the command left: killed, not gone yet",
		       left, left == 1 ? "" : "es");
}

/*
 * Waits for pid, up to timeout seconds (0: no limit), passing keystrokes
 * and output through its pty; forwards SIGINT, SIGTERM and SIGHUP to it
 * (the second SIGTERM or SIGHUP as SIGKILL).
 * Returns its exit status (128 + signal), or EXIT_RUN_TIMEOUT after
 * killing every process of the cell. Without a cell (iso NULL: the
 * Landlock backend, run its subreaper), what the command left running is
 * killed and reaped once it is done. The pty is closed when it returns.
 */
static int wait_command(struct isolate *iso, const char *cell, pid_t pid, double timeout,
			struct run_pty *pty)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), status;
	long long deadline_ms = timeout > 0 ? now_ms() + (long long)(timeout * 1000) : -1;
	bool timed_out = false, asked_to_end = false;

	run_pty_started(pty);
	while (pidfd >= 0) {
		long long left_ms = deadline_ms < 0 ? 100 : deadline_ms - now_ms();
		int step = left_ms > 100 ? 100 : left_ms < 0 ? 0 : (int)left_ms;
		struct pollfd fds[3] = { { .fd = pidfd, .events = POLLIN } };
		int n_pty = run_pty_poll_fds(pty, fds + 1);
		int n = poll(fds, 1 + (nfds_t)n_pty, step);

		/*
		 * A command that ignores them would hold run, and the
		 * terminal in raw mode, for as long as it likes: the second
		 * SIGTERM or SIGHUP kills it.
		 */
		if (forward_sig) {
			bool ending = forward_sig == SIGTERM || forward_sig == SIGHUP;

			kill(pid, ending && asked_to_end ? SIGKILL : forward_sig);
			asked_to_end |= ending;
			forward_sig = 0;
		}
		if (resized) {
			run_pty_resize(pty);
			resized = 0;
		}
		if (child_changed) {
			child_changed = 0;
			stop_with_command(pid, pty);
		}
		run_pty_relay(pty, fds + 1, n > 0 ? n_pty : 0);
		if (fds[0].revents)
			break;
		if (deadline_ms >= 0 && now_ms() >= deadline_ms) {
			if (iso)
				isolate_cell_kill(iso, cell);
			else
				kill(pid, SIGKILL);
			timed_out = true;
			break;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			if (!iso)
				reap_leftovers();
			run_pty_close(pty);
			return EXIT_RUN_FAILED;
		}
	if (!iso)
		reap_leftovers();
	run_pty_close(pty);
	if (timed_out) {
		p_info("run: --timeout reached: killed every process of %s%s",
		       iso ? "cell " : "the command", iso ? cell : "");
		return EXIT_RUN_TIMEOUT;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "cell", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "timeout", required_argument, NULL, 't' },
		{ "env", required_argument, NULL, 'e' },
		{ "allow-unenforced", no_argument, NULL, 'U' },
		{ "backend", required_argument, NULL, 'B' },
		{ "cap", required_argument, NULL, 'C' },
		{ "base", required_argument, NULL, 'b' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "audit", no_argument, NULL, 'a' },
		{ "no-pty", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	char *extra[MAX_ENV];
	size_t n_extra = 0;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:", opts, NULL)) >= 0) {
		switch (opt) {
		case 'P':
			o->policy_file = optarg;
			break;
		case 'c':
			if (cell_name_arg("run: --cell", optarg))
				return EXIT_USAGE;
			o->cell = optarg;
			break;
		case 'u':
			err = parse_user(optarg, &o->spawn);
			if (err)
				return err;
			break;
		case 't':
			if (parse_seconds(optarg, &o->timeout))
				return p_err(EXIT_USAGE, "run: --timeout %s: expected seconds, 0.001 to %d",
					     optarg, SECONDS_MAX);
			break;
		case 'U':
			o->allow_unenforced = true;
			break;
		case 'C':
			if (o->n_caps == MAX_CAPS)
				return p_err(EXIT_USAGE, "run: more than %d --cap", MAX_CAPS);
			o->caps[o->n_caps++] = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "runtime") && strcmp(optarg, "none"))
				return p_err(EXIT_USAGE, "run: --base %s: expected runtime or none", optarg);
			o->no_base = !strcmp(optarg, "none");
			break;
		case 'w':
			o->spawn.cwd = optarg;
			break;
		case 'a':
			o->audit = true;
			break;
		case 'T':
			o->no_pty = true;
			break;
		case 'B':
			if (!strcmp(optarg, "bpf"))
				o->backend = ISOLATE_BACKEND_BPF;
			else if (!strcmp(optarg, "landlock"))
				o->backend = ISOLATE_BACKEND_LANDLOCK;
			else if (!strcmp(optarg, "auto"))
				o->backend = ISOLATE_BACKEND_AUTO;
			else
				return p_err(EXIT_USAGE, "run: --backend %s: expected bpf, landlock or auto",
					     optarg);
			break;
		case 'e':
			if (n_extra == MAX_ENV)
				return p_err(EXIT_USAGE, "run: too many --env");
			extra[n_extra++] = optarg;
			break;
		default:
			return usage_error(opt, argv);
		}
	}
	if (o->cell && o->policy_file)
		return p_err(EXIT_USAGE, "run: --cell and --policy exclude each other");
	if (o->audit && o->cell)
		return p_err(EXIT_USAGE, "run: --audit makes a new cell: not with --cell");
	if (o->n_caps && (o->cell || o->policy_file))
		return p_err(EXIT_USAGE, "run: --cap makes the policy: not with --%s",
			     o->cell ? "cell" : "policy");
	if (o->cell && o->backend == ISOLATE_BACKEND_LANDLOCK)
		return p_err(EXIT_USAGE, "run: --cell names a BPF LSM cell: the Landlock backend runs a policy (--policy)");
	if (optind >= argc)
		return p_err(EXIT_USAGE, "run: no command (run [--cell NAME | --policy FILE] -- CMD ARGS...)");
	return build_env(o, extra, n_extra);
}

/*
 * Unless --no-pty, a command started from a terminal gets a pty of its
 * own in the terminal's place (a session of its own, led by it). 0, or
 * an exit code after a message.
 */
static int give_pty(struct run_opts *o, struct run_pty *pty, int stdio[3])
{
	int err;

	if (o->no_pty)
		return 0;
	err = run_pty_open(pty, stdio, o->spawn.set_ids ? o->spawn.uid : (uid_t)-1);
	if (err || pty->master < 0)
		return err;
	o->spawn.stdio = stdio;
	o->spawn.new_session = true;
	return 0;
}

int do_run(int argc, char **argv)
{
	const struct isolate_cell_policy *cell_pol = NULL;
	struct isolate_cell_policy *caps_pol = NULL;
	struct isolate_policy *pol = NULL;
	struct run_opts o = { .spawn.sz = sizeof(o.spawn) };
	struct run_pty pty = { .master = -1, .slave = -1 };
	struct isolate *iso = NULL;
	int stdio[3];
	char name[64];
	int err, ret = EXIT_RUN_FAILED;
	bool ephemeral;
	pid_t pid;

	err = parse_args(argc, argv, &o);
	if (err)
		return err == EXIT_USAGE ? EXIT_USAGE : err;
	ephemeral = !o.cell;
	if (o.n_caps) {
		ret = caps_policy("run", o.caps, o.n_caps, o.no_base, &caps_pol);
		if (ret)
			goto out;
		ret = EXIT_RUN_FAILED;
		cell_pol = caps_pol;
	} else if (ephemeral && (load_policy(o.policy_file, &pol) || pick_cell(pol, &cell_pol))) {
		goto out;
	}
	/* --audit: the same cell, in audit mode (a copy: pol owns cell_pol). */
	if (o.audit) {
		struct isolate_cell_policy *audited = isolate_cell_policy_dup_named(
			cell_pol, isolate_cell_policy_name(cell_pol));

		if (!audited || isolate_cell_policy_set_mode(audited, ISOLATE_MODE_AUDIT)) {
			isolate_cell_policy_free(audited);
			p_err(EXIT_RUN_FAILED, "run: out of memory");
			goto out;
		}
		isolate_cell_policy_free(caps_pol);
		caps_pol = audited;
		cell_pol = audited;
	}
	err = o.backend == ISOLATE_BACKEND_LANDLOCK ? ISOLATE_ENOTLOADED : isolate_open(&iso);
	/*
	 * auto: BPF LSM when isolate is loaded and the caller may use it (the
	 * pinned objects are root's), else Landlock.
	 */
	if (geteuid() != 0 && (err == -EACCES || err == -EPERM))
		err = ISOLATE_ENOTLOADED;
	if (err == ISOLATE_ENOTLOADED && ephemeral && o.backend != ISOLATE_BACKEND_BPF) {
		catch_signals();
		ret = give_pty(&o, &pty, stdio);
		if (ret)
			goto out;
		err = run_reap_begin();
		if (err) {
			ret = p_err(EXIT_RUN_FAILED, "run: cannot become the reaper of what the command leaves: %s",
				    strerror(-err));
			goto out;
		}
		err = run_landlock(cell_pol, o.allow_unenforced, argv + optind, &o.spawn, &pid);
		ret = err ? err : wait_command(NULL, NULL, pid, o.timeout, &pty);
		goto out;
	}
	if (err) {
		p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
		goto out;
	}
	p_info("isolate-loader: run: backend bpf");
	if (ephemeral) {
		isolate_allow_unenforced(iso, o.allow_unenforced);
		snprintf(name, sizeof(name), "run-%d", (int)getpid());
		if (isolate_cell_create(iso, name, cell_pol, NULL)) {
			p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
			goto out;
		}
	} else {
		snprintf(name, sizeof(name), "%s", o.cell);
	}
	catch_signals();
	if (give_pty(&o, &pty, stdio))
		goto destroy;
	err = isolate_cell_spawn(iso, name, argv + optind, &o.spawn, &pid);
	/*
	 * A child that could not exec exits 126, or 127 for a missing
	 * command: the error, said after it is reaped (and the terminal
	 * restored), gives run's own exit code.
	 */
	if (pid > 0)
		ret = wait_command(iso, name, pid, o.timeout, &pty);
	/* With --cwd, EACCES may be the directory's: the error says which. */
	if (err == -EACCES && pid > 0 && !o.spawn.cwd)
		explain_exec_refusal(iso, name, argv[optind], o.spawn.envp, ret);
	else if (err)
		p_err(ret, "run: %s", isolate_last_error());
destroy:
	run_pty_close(&pty);
	/* Whatever the command left behind in its own cell dies with it. */
	if (ephemeral && isolate_cell_destroy(iso, name))
		ret = p_err(EXIT_FAIL, "run: removing cell %s: %s", name, isolate_last_error());
out:
	run_pty_close(&pty);
	isolate_cell_policy_free(caps_pol);
	isolate_close(iso);
	isolate_policy_free(pol);
	return ret;
}
