// SPDX-License-Identifier: GPL-2.0
/*
 * run: `isolate-loader run --cell` starts its command with the ids asked
 * for, no capability in any set, no_new_privs, and only the allow-listed
 * environment (Documentation/cli.md); --timeout kills everything the command started; the
 * command's exit status comes back; started from a terminal, the command
 * gets a pty of its own, which nothing of the cell holds after run.
 */
#include <libgen.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>

#include "kselftest_harness.h"
#include "lifecycle.h"

FIXTURE(run) {
	struct isolate *iso;
	char name[64];
};

FIXTURE_SETUP(run)
{
	const char *caps[] = { "read:/proc", "exec:/bin", "read:/dev/null", "write:/dev/null", NULL };

	ASSERT_EQ(0, test_load(&self->iso));
	snprintf(self->name, sizeof(self->name), "run%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));
}

FIXTURE_TEARDOWN(run)
{
	if (self->iso) {
		EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name));
		isolate_close(self->iso);
	}
}

/* The value of "Key:" in a /proc/PID/status text, up to the end of line. */
static const char *status_field(const char *status, const char *key, char *out, size_t len)
{
	char needle[64];
	const char *p;
	size_t n;

	snprintf(needle, sizeof(needle), "\n%s:\t", key);
	p = strstr(status, needle);
	if (!p && !strncmp(status, needle + 1, strlen(needle + 1)))
		p = status - 1;
	if (!p)
		return "(missing)";
	p += strlen(needle);
	n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = 0;
	return out;
}

static const char *const cap_sets[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };

static void check_status(struct __test_metadata *_metadata, const char *status,
			 const char *ids)
{
	char v[128];

	EXPECT_STREQ(ids, status_field(status, "Uid", v, sizeof(v)));
	EXPECT_STREQ(ids, status_field(status, "Gid", v, sizeof(v)));
	/* No supplementary group (the kernel ends the list with a space). */
	EXPECT_STREQ(" ", status_field(status, "Groups", v, sizeof(v)));
	for (size_t i = 0; i < sizeof(cap_sets) / sizeof(cap_sets[0]); i++) {
		EXPECT_STREQ("0000000000000000", status_field(status, cap_sets[i], v, sizeof(v))) {
			TH_LOG("%s", cap_sets[i]);
		}
	}
	EXPECT_STREQ("1", status_field(status, "NoNewPrivs", v, sizeof(v)));
}

TEST_F(run, user_child_has_dropped_ids_no_caps_and_nnp)
{
	char out[8192];

	ASSERT_EQ(0, cli(out, sizeof(out), "run", "--cell", self->name, "--user", "65534",
			 "--", "cat", "/proc/self/status", NULL));
	check_status(_metadata, out, "65534\t65534\t65534\t65534");
}

TEST_F(run, user_name_and_group)
{
	char out[8192], v[128];

	/* By name, from /etc/passwd; and UID:GID. */
	ASSERT_EQ(0, cli(out, sizeof(out), "run", "--cell", self->name, "--user", "nobody",
			 "--", "cat", "/proc/self/status", NULL));
	check_status(_metadata, out, "65534\t65534\t65534\t65534");
	ASSERT_EQ(0, cli(out, sizeof(out), "run", "--cell", self->name, "--user", "1000:2000",
			 "--", "cat", "/proc/self/status", NULL));
	EXPECT_STREQ("1000\t1000\t1000\t1000", status_field(out, "Uid", v, sizeof(v)));
	EXPECT_STREQ("2000\t2000\t2000\t2000", status_field(out, "Gid", v, sizeof(v)));
	EXPECT_STREQ("1", status_field(out, "NoNewPrivs", v, sizeof(v)));
}

TEST_F(run, root_child_has_no_caps_and_nnp)
{
	char out[8192];

	ASSERT_EQ(0, cli(out, sizeof(out), "run", "--cell", self->name,
			 "--", "cat", "/proc/self/status", NULL));
	check_status(_metadata, out, "0\t0\t0\t0");
}

/*
 * No real-time scheduling in a cell, which cpu.max does not hold, whatever
 * the caller's limit (pam_limits, LimitRTPRIO=) or policy (a service's
 * CPUSchedulingPolicy=): a SCHED_FIFO spinner took every cycle of a CPU
 * past a 10% budget.
 */
TEST_F(run, no_real_time_scheduling_whatever_the_callers)
{
	struct rlimit before, caller = { 5, 5 };
	char out[256];

	ASSERT_EQ(0, getrlimit(RLIMIT_RTPRIO, &before));
	ASSERT_EQ(0, setrlimit(RLIMIT_RTPRIO, &caller));
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ 1 }));
	EXPECT_EQ(0, cli(out, sizeof(out), "run", "--cell", self->name, "--", "sh", "-c",
			 "grep '^Max realtime priority' /proc/self/limits; cut -d' ' -f41 /proc/self/stat",
			 NULL));
	EXPECT_EQ(0, sched_setscheduler(0, SCHED_OTHER, &(struct sched_param){ 0 }));
	EXPECT_EQ(0, setrlimit(RLIMIT_RTPRIO, &before));
	/* Its limit 0 (soft and hard), its policy SCHED_OTHER (0). */
	EXPECT_NE(NULL, strstr(out, "priority     0                    0")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\n0\n")) TH_LOG("%s", out);
}

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text, sorted, joined by '\n' into out. */
static void sorted_lines(const char *text, char *out, size_t len)
{
	char copy[8192], *lines[128], *save = NULL;
	size_t n = 0, used = 0;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *l = strtok_r(copy, "\n", &save); l && n < 128; l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, n, sizeof(lines[0]), compare_lines);
	out[0] = 0;
	for (size_t i = 0; i < n && used < len; i++)
		used += snprintf(out + used, len - used, "%s\n", lines[i]);
}

TEST_F(run, environment_is_allow_listed)
{
	char *const env[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8",
		"LANGUAGE=en", "TERM=dumb", "TZ=UTC", "USER=root", "LOGNAME=root",
		"LC_ALL=C", "LC_TIME=POSIX", "SECRET_TOKEN=hunter2", "PYTHONPATH=/opt/x",
		"PASS_ME=passed", "LD_LIBRARY_PATH=/opt/lib", "EDITOR=vi", NULL,
	};
	const char *args[] = { "run", "--cell", self->name, "--env", "PASS_ME",
			       "--env", "NEWVAR=new value", "--env", "TERM=vt100",
			       "--env", "UNSET_VAR", "--", "env", NULL };
	char out[8192], got[8192], expected[8192], *since;

	/*
	 * Besides, isolate tells the command where its broker channel is
	 * (the loader's state directory is the default: env sets none), and
	 * from when on its messages are the command's (a time: cut out).
	 */
	snprintf(expected, sizeof(expected),
		 "HOME=/root\n"
		 "ISOLATE_CHANNEL=/run/isolate/channels/%s\n"
		 "ISOLATE_CHANNEL_SINCE=\n"
		 "LANG=C.UTF-8\n"
		 "LANGUAGE=en\n"
		 "LC_ALL=C\n"
		 "LC_TIME=POSIX\n"
		 "LOGNAME=root\n"
		 "NEWVAR=new value\n"
		 "PASS_ME=passed\n"
		 "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
		 "TERM=vt100\n"
		 "TZ=UTC\n"
		 "USER=root\n", self->name);
	ASSERT_EQ(0, cli_argv_env(out, sizeof(out), env, args));
	since = strstr(out, "ISOLATE_CHANNEL_SINCE=");
	ASSERT_NE(NULL, since);
	since += strlen("ISOLATE_CHANNEL_SINCE=");
	ASSERT_EQ(16U, strspn(since, "0123456789abcdef"));
	memmove(since, since + 16, strlen(since + 16) + 1);
	sorted_lines(out, got, sizeof(got));
	EXPECT_STREQ(expected, got);
}

/*
 * A command the cell may not execute: run names the object (resolved on
 * PATH), says the policy refused it and which grant would allow it; the
 * exit status is 126. The control: after that grant, the same (static)
 * program runs.
 */
TEST_F(run, refused_exec_names_the_object_and_the_grant)
{
	char out[8192], want[512], copy[64], grant[80];

	ASSERT_EQ(126, cli(out, sizeof(out), "-j", "run", "--cell", self->name, "--",
			   "isolate-loader", "version", NULL)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"op\":\"exec\",\"object\":\"/usr/bin/isolate-loader\""))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"grant\":\"exec:/usr/bin/isolate-loader\"")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"exit_code\":126")) TH_LOG("%s", out);

	/* busybox is static: granted exec is all it needs (its name is its applet). */
	snprintf(copy, sizeof(copy), "/tmp/refused-%d/true", getpid());
	snprintf(want, sizeof(want), "mkdir -p %.*s && cp /bin/busybox %s",
		 (int)(strrchr(copy, '/') - copy), copy, copy);
	ASSERT_EQ(0, system(want));
	ASSERT_EQ(126, cli(out, sizeof(out), "-j", "run", "--cell", self->name, "--", copy,
			   NULL)) TH_LOG("%s", out);
	snprintf(want, sizeof(want), "\"grant\":\"exec:%s\"", copy);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	snprintf(grant, sizeof(grant), "exec:%s", copy);
	ASSERT_EQ(0, cli(NULL, 0, "grant", self->name, grant, NULL));
	EXPECT_EQ(0, cli(out, sizeof(out), "run", "--cell", self->name, "--", copy,
			 NULL)) TH_LOG("%s", out);
	unlink(copy);
	rmdir(dirname(copy));
}

/* The name of the cell whose events in the JSON lines at file mention needle. */
static int cell_of_events(const char *file, const char *needle, char *name, size_t len)
{
	char line[4096];
	const char *p;
	FILE *f = fopen(file, "r");
	int err = -1;

	while (f && err && fgets(line, sizeof(line), f)) {
		if (!strstr(line, needle) || !(p = strstr(line, "\"cell\":\"")))
			continue;
		p += strlen("\"cell\":\"");
		snprintf(name, len, "%.*s", (int)strcspn(p, "\""), p);
		err = 0;
	}
	if (f)
		fclose(f);
	return err;
}

/* Waits up to seconds for every event ring to be empty: 0, or -ETIMEDOUT. */
static int rings_drained(struct isolate *iso, int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		__u64 pending, size, total = 0;

		for (__u32 c = 1; c < ISOLATE_EVENT_CLASS_MAX; c++)
			if (!isolate_events_backlog(iso, c, &pending, &size))
				total += pending;
		if (!total)
			return 0;
		usleep(50 * 1000);
	}
	return -ETIMEDOUT;
}

/*
 * run --audit, then policy suggest from the supervisor's events and the
 * policy the run had: under the suggestion (enforced) the same script runs
 * without a refusal, and the same script reading one more file is refused.
 */
TEST_F(run, audit_then_suggest_gives_the_policy_of_the_run)
{
	char dir[64], base[96], events[96], sug[96], script[256], more[256], name[64];
	char out[16384], args[512];
	char *sup_args[] = { (char *)loader_path(), "supervise", "--out", events, NULL };
	pid_t sup;

	snprintf(dir, sizeof(dir), "/tmp/suggest-%d", getpid());
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(base, sizeof(base), "%s/base.yaml", dir);
	snprintf(events, sizeof(events), "%s/events.jsonl", dir);
	snprintf(sug, sizeof(sug), "%s/suggested.yaml", dir);
	snprintf(args, sizeof(args), "%s/a", dir);
	ASSERT_EQ(0, write_file(args, "a\n"));
	snprintf(args, sizeof(args), "%s/b", dir);
	ASSERT_EQ(0, write_file(args, "b\n"));
	snprintf(args, sizeof(args), "%s/c", dir);
	ASSERT_EQ(0, write_file(args, "c\n"));
	ASSERT_EQ(0, write_file(base, "version: 1\ncells:\n  base:\n    exec: [/bin]\n"));
	snprintf(script, sizeof(script), "cat %s/a %s/b", dir, dir);
	snprintf(more, sizeof(more), "cat %s/a %s/b %s/c", dir, dir, dir);

	sup = fork();
	if (sup == 0) {
		execv(sup_args[0], sup_args);
		_exit(127);
	}
	/*
	 * Earlier tests leave their events in the rings: once a ring is half
	 * full, a cell over its share loses its events. Start the run when
	 * the supervisor has drained them.
	 */
	ASSERT_EQ(0, rings_drained(self->iso, 60));
	EXPECT_EQ(0, cli(out, sizeof(out), "run", "--audit", "--policy", base, "--", "sh", "-c",
			 script, NULL)) TH_LOG("%s", out);
	/* The supervisor reads the rings every 100 ms: wait for it, boundedly. */
	snprintf(args, sizeof(args), "%s/b", dir);
	for (int i = 0; i < 300 && cell_of_events(events, args, name, sizeof(name)); i++)
		usleep(50 * 1000);
	kill(sup, SIGTERM);
	waitpid(sup, NULL, 0);
	ASSERT_EQ(0, cell_of_events(events, args, name, sizeof(name)));

	ASSERT_EQ(0, cli(out, sizeof(out), "policy", "suggest", "--from-events", events, "--cell",
			 name, "--policy", base, NULL)) TH_LOG("%s", out);
	TH_LOG("suggested:\n%s", out);
	ASSERT_EQ(0, write_file(sug, out));
	EXPECT_EQ(0, cli(out, sizeof(out), "run", "--policy", sug, "--", "sh", "-c", script, NULL))
		TH_LOG("%s", out);
	EXPECT_EQ(1, cli(out, sizeof(out), "run", "--policy", sug, "--", "sh", "-c", more, NULL))
		TH_LOG("%s", out);
	snprintf(args, sizeof(args), "rm -rf %s", dir);
	EXPECT_EQ(0, system(args));
}

TEST_F(run, exit_status_comes_back)
{
	EXPECT_EQ(7, cli(NULL, 0, "run", "--cell", self->name, "--", "sh", "-c", "exit 7", NULL));
	EXPECT_EQ(0, cli(NULL, 0, "run", "--cell", self->name, "--", "true", NULL));
	EXPECT_EQ(127, cli(NULL, 0, "run", "--cell", self->name, "--",
			   "/bin/no-such-command", NULL));
	EXPECT_EQ(128 + SIGKILL, cli(NULL, 0, "run", "--cell", self->name, "--",
				     "sh", "-c", "kill -9 $$", NULL));
}

/* Lines of the cell's cgroup.procs: its processes. */
static int cell_procs(FIXTURE_DATA(run) *self)
{
	char buf[1024];
	int n = 0;

	if (cell_cgroup_read(self->iso, self->name, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	for (char *p = buf; (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/*
 * run --timeout SECONDS -- sh -c 'sleep 100 & sleep 100': 124 after the
 * timeout and well before the sleeps end, and nothing of the command left
 * in the cell, which stays. Returns the most processes seen in the cell
 * while it ran.
 */
static int timeout_run(struct __test_metadata *_metadata, FIXTURE_DATA(run) *self,
		       const char *seconds)
{
	const char *argv[] = { loader_path(), "run", "--cell", self->name, "--timeout", seconds,
			       "--", "sh", "-c", "sleep 100 & sleep 100", NULL };
	long limit_ms = atol(seconds) * 1000, ms;
	int most = 0, status, rc = -1;
	char buf[256];
	uint64_t t0;
	pid_t pid;

	t0 = now_ns();
	pid = spawn_argv(argv, NULL, -1, -1);
	EXPECT_LT(0, pid);
	while (pid > 0) {
		int n = cell_procs(self);

		most = n > most ? n : most;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		sleep_ms(10);
	}
	ms = (long)((now_ns() - t0) / 1000000);
	EXPECT_EQ(124, rc);
	EXPECT_LE(limit_ms, ms);
	EXPECT_GT(limit_ms + 5000, ms);
	EXPECT_EQ(0, cell_procs(self));
	EXPECT_LT(0, cell_cgroup_read(self->iso, self->name, "cgroup.events", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "populated 0\n")) {
		TH_LOG("cgroup.events: %s", buf);
	}
	EXPECT_EQ(0, cli(NULL, 0, "run", "--cell", self->name, "--", "true", NULL));
	return most;
}

/* The case of the issue, as it is: --timeout 1. */
TEST_F(run, timeout_kills_the_cell)
{
	TH_LOG("%d processes were seen in the cell", timeout_run(_metadata, self, "1"));
}

/*
 * Long enough for the shell to have started its background job on a slow
 * machine: both processes are seen, and both are gone after the timeout.
 */
TEST_F(run, timeout_kills_background_jobs)
{
	EXPECT_EQ(2, timeout_run(_metadata, self, "5"));
}

/*
 * run in cell refuses to start a command while fd is inherited (125, its
 * error naming want), and runs the same command once fd is close-on-exec.
 */
static void refused_until_close_on_exec(struct __test_metadata *_metadata, const char *cell,
					int fd, const char *want)
{
	char out[4096];

	EXPECT_EQ(125, cli(out, sizeof(out), "-j", "run", "--cell", cell, "--", "echo",
			   "started", NULL));
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "close it or mark it close-on-exec")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "started\n")) TH_LOG("the command ran: %s", out);
	ASSERT_EQ(0, fcntl(fd, F_SETFD, FD_CLOEXEC));
	EXPECT_EQ(0, cli(out, sizeof(out), "run", "--cell", cell, "--", "echo", "started", NULL));
	EXPECT_STREQ("started\n", out);
}

/*
 * A descriptor of a cgroup file open for writing, inherited from run's
 * caller, would let the command leave its cell (the kernel checks cgroup
 * files at open, not at write): run refuses to start the command, names
 * the descriptor and exits 125. The control: close-on-exec, the same
 * command runs.
 */
TEST_F(run, inherited_writable_cgroup_file_is_refused)
{
	char cell_dir[PATH_MAX], link[64], procs[PATH_MAX + 32], want[128];
	int cg = isolate_cell_cgroup_fd(self->iso, self->name), fd;
	ssize_t n;

	ASSERT_LE(0, cg);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", cg);
	n = readlink(link, cell_dir, sizeof(cell_dir) - 1);
	close(cg);
	ASSERT_LT(0, n);
	cell_dir[n] = 0;
	/* <cells root>/../cgroup.procs: a cgroup outside the cells. */
	*strrchr(cell_dir, '/') = 0;
	snprintf(procs, sizeof(procs), "%s/../cgroup.procs", cell_dir);
	fd = open(procs, O_WRONLY);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", procs, strerror(errno));

	snprintf(want, sizeof(want), "fd %d is open for writing on a cgroup file system", fd);
	refused_until_close_on_exec(_metadata, self->name, fd, want);
	close(fd);
}

/*
 * A terminal inherited beside 0, 1 and 2 (`exec 3<>/dev/tty`): a leftover
 * of the cell would read what is typed on it after run, past the pty run
 * gives the command. run refuses it, naming it (125); close-on-exec, the
 * same command runs.
 */
TEST_F(run, an_inherited_terminal_beside_the_standard_descriptors_is_refused)
{
	char want[64];
	int master, slave;

	ASSERT_EQ(0, openpty(&master, &slave, NULL, NULL, NULL));
	ASSERT_EQ(0, fcntl(master, F_SETFD, FD_CLOEXEC));
	snprintf(want, sizeof(want), "fd %d is a terminal", slave);
	refused_until_close_on_exec(_metadata, self->name, slave, want);
	close(slave);
	close(master);
}

/*
 * The caller's terminal: a session of its own whose controlling terminal
 * is a pty (as a login's), with run started in it on args; report_fd
 * is inherited. Returns run's pid; *master is the terminal's other side.
 */
static pid_t run_on_terminal(const char *const args[], int *master, int *slave)
{
	pid_t pid;

	if (openpty(master, slave, NULL, NULL, NULL))
		return -1;
	pid = fork();
	if (pid)
		return pid;
	if (setsid() < 0 || ioctl(*slave, TIOCSCTTY, 0) || dup2(*slave, 0) < 0 ||
	    dup2(*slave, 1) < 0 || dup2(*slave, 2) < 0)
		_exit(125);
	/* At 0, 1 and 2 only: run refuses a terminal beside them. */
	close(*slave);
	close(*master);
	execv(loader_path(), (char *const *)args);
	_exit(127);
}

/* What fd has within ms, appended to buf (NUL-terminated), until it holds want. */
static bool read_until(int fd, char *buf, size_t len, const char *want, int ms)
{
	size_t have = strlen(buf);
	uint64_t end = now_ns() + (uint64_t)ms * 1000000;

	while (!strstr(buf, want) && now_ns() < end && have + 1 < len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(fd, buf + have, len - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = 0;
	}
	return strstr(buf, want);
}

/*
 * A process of the cell that leaves the session, keeps the command's
 * terminal (fd 3) and outlives run reads what is typed there next: with
 * a pty of its own (run's default) it reads end of file once run is
 * done, and the line typed goes to the caller's shell; handed the
 * caller's terminal (--no-pty), it takes the line. What it read comes
 * back on fd 4 (a pipe). Inside, typed keys reach the command and its
 * output comes out; the caller's terminal modes are as they were.
 */
static void leftover_reads_after_run(struct __test_metadata *_metadata,
				     FIXTURE_DATA(run) *self, bool own_pty)
{
	const char *script =
		"/bin/busybox tty; read x; echo \"got $x\"; exec 3<&0; "
		"/bin/busybox setsid sh -c 'read y <&3; echo \"read=$? y=$y\" >&4' & "
		"sleep 1; exit 0";
	const char *with_pty[] = { loader_path(), "run", "--cell", self->name, "--",
				   "sh", "-c", script, NULL };
	const char *without_pty[] = { loader_path(), "run", "--no-pty", "--cell", self->name,
				      "--", "sh", "-c", script, NULL };
	char out[4096] = "", report[256] = "", line[64] = "", user_tty[64];
	struct termios before, after;
	int master, slave, report_pipe[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(report_pipe));
	ASSERT_EQ(4, dup2(report_pipe[1], 4));
	pid = run_on_terminal(own_pty ? with_pty : without_pty, &master, &slave);
	close(4);
	close(report_pipe[1]);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, ttyname_r(slave, user_tty, sizeof(user_tty)));
	ASSERT_EQ(0, tcgetattr(slave, &before));

	/* Its terminal, then a line typed and answered. */
	ASSERT_TRUE(read_until(master, out, sizeof(out), "/dev/pts/", 20000)) TH_LOG("%s", out);
	ASSERT_EQ(5, write(master, "abc\r", 5));
	EXPECT_TRUE(read_until(master, out, sizeof(out), "got abc", 20000)) TH_LOG("%s", out);
	EXPECT_EQ(0, wait_status(pid)) TH_LOG("%s", out);
	if (own_pty) {
		EXPECT_EQ(NULL, strstr(out, user_tty)) TH_LOG("%s is the caller's: %s", user_tty, out);
	} else {
		EXPECT_NE(NULL, strstr(out, user_tty)) TH_LOG("%s: %s", user_tty, out);
	}

	/* run is done; the caller types a line, which its shell should get. */
	ASSERT_EQ(0, tcgetattr(slave, &after));
	EXPECT_EQ(before.c_lflag, after.c_lflag);
	EXPECT_EQ(before.c_iflag, after.c_iflag);
	if (own_pty) {
		EXPECT_TRUE(read_until(report_pipe[0], report, sizeof(report), "\n", 20000));
		EXPECT_STREQ("read=1 y=\n", report);
	}
	ASSERT_EQ(7, write(master, "secret\r", 7));
	if (own_pty) {
		EXPECT_TRUE(read_until(slave, line, sizeof(line), "\n", 20000));
		EXPECT_STREQ("secret\n", line);
	} else {
		EXPECT_TRUE(read_until(report_pipe[0], report, sizeof(report), "\n", 20000));
		EXPECT_STREQ("read=0 y=secret\n", report);
	}
	close(report_pipe[0]);
	close(master);
	close(slave);
}

TEST_F(run, a_command_from_a_terminal_gets_one_of_its_own)
{
	leftover_reads_after_run(_metadata, self, true);
}

/* The control: the caller's terminal itself, as before. */
TEST_F(run, with_no_pty_a_leftover_reads_the_callers_terminal)
{
	leftover_reads_after_run(_metadata, self, false);
}

TEST_HARNESS_MAIN
