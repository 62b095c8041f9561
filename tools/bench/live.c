// SPDX-License-Identifier: GPL-2.0
/*
 * Phases e and f: changes while a cell runs. How long a grant takes to be
 * enforced, and how many events per second the supervisor drains while a
 * cell floods them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "tools/bench/bench.h"

/* Give up spinning after this much guest time. */
#define SPIN_LIMIT_NS	(120ULL * 1000000000ULL)

/* What the spinning child reports, twice: ready, then done. */
struct spin_msg {
	int err;
	__u64 t_ns;		/* done: when the first open succeeded */
	__u64 attempts;
};

static void put_msg(int fd, const struct spin_msg *m)
{
	if (write(fd, m, sizeof(*m)) != sizeof(*m))
		_exit(1);
}

/*
 * In the cell: open path until it succeeds. At the lowest priority, so
 * the grant call in the parent runs at (nearly) full speed and the time
 * after it returns is how long the child takes to get the CPU back and see
 * the change.
 */
static void __attribute__((noreturn)) spinner(const char *path, int wfd)
{
	struct spin_msg m = { 0 };
	uint64_t start;
	int fd;

	setpriority(PRIO_PROCESS, 0, 19);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES) {
		m.err = fd >= 0 ? BENCH_EUNEXPECTED : errno;
		put_msg(wfd, &m);
		_exit(0);
	}
	put_msg(wfd, &m);	/* ready: denied before the grant */
	start = now_ns();
	for (;;) {
		m.attempts++;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			m.t_ns = now_ns();
			close(fd);
			break;
		}
		if (errno != EACCES) {
			m.err = errno;
			break;
		}
		if (now_ns() - start > SPIN_LIMIT_NS) {
			m.err = ETIMEDOUT;
			break;
		}
	}
	put_msg(wfd, &m);
	_exit(0);
}

static int get_msg(int fd, struct spin_msg *m)
{
	size_t got = 0;

	while (got < sizeof(*m)) {
		ssize_t n = read(fd, (char *)m + got, sizeof(*m) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		got += (size_t)n;
	}
	return m->err ? -m->err : 0;
}

/* One grant of path to a cell whose child spins on it. */
static int grant_once(struct bench_env *env, const char *cell, const char *path,
		      double *call_ns, double *after_start_ns, double *after_return_ns)
{
	int fd = isolate_cell_cgroup_fd(env->iso, cell), p[2], err, status;
	struct isolate_cap *cap;
	struct spin_msg m;
	uint64_t t0, t1;
	pid_t pid;

	if (fd < 0)
		return fd;
	if (pipe2(p, O_CLOEXEC)) {
		close(fd);
		return -errno;
	}
	fflush(NULL);
	pid = clone_into_cgroup(fd);
	if (pid == 0) {
		close(p[0]);
		spinner(path, p[1]);
	}
	close(fd);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -errno;
	}
	err = get_msg(p[0], &m);
	cap = isolate_cap_path(ISOLATE_CAP_READ, path, 0);
	if (!err && !cap)
		err = -ENOMEM;
	if (!err) {
		t0 = now_ns();
		err = isolate_cell_grant(env->iso, cell, &cap, 1);
		t1 = now_ns();
		if (err)
			say("isolate_cell_grant: %s", isolate_last_error());
	}
	if (!err)
		err = get_msg(p[0], &m);
	if (err)
		kill(pid, SIGKILL);
	close(p[0]);
	waitpid(pid, &status, 0);
	isolate_cap_free(cap);
	if (err)
		return err;
	*call_ns = (double)(t1 - t0);
	*after_start_ns = (double)m.t_ns - (double)t0;
	*after_return_ns = (double)m.t_ns - (double)t1;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

/* Frees the first n caps of caps. */
static void caps_free(struct isolate_cap **caps, int n)
{
	for (int i = 0; i < n; i++)
		isolate_cap_free(caps[i]);
}

/*
 * BENCH_BATCHES grants of size new files each, in one call each, with
 * nothing running in the cell: what the change itself costs. The files
 * are the grant files from first on.
 */
static void batch_rounds(struct bench_env *env, const char *cell, int rules, int size, int first)
{
	struct isolate_cap *caps[BENCH_BATCH];
	double call[BENCH_BATCHES];
	const char *failed = NULL;
	char key[96], what[200];
	int n = 0;

	for (int b = 0; !failed && b < BENCH_BATCHES; b++) {
		char path[PATH_MAX];
		int k = 0;
		uint64_t t0;

		for (; k < size; k++) {
			tree_grant_file(first + b * size + k, path, sizeof(path));
			caps[k] = isolate_cap_path(ISOLATE_CAP_READ, path, 0);
			if (!caps[k])
				break;
		}
		t0 = now_ns();
		if (k < size)
			failed = "out of memory";
		else if (isolate_cell_grant(env->iso, cell, caps, (size_t)size))
			failed = isolate_last_error();
		call[n] = (double)(now_ns() - t0);
		caps_free(caps, k);
		if (!failed)
			say("grant %d of %d rules to a cell of %d rules, nothing running: %.0f ns", b,
			    size, rules, call[n++]);
	}
	snprintf(key, sizeof(key), "grant.r%d.idle%d", rules, size);
	if (failed) {
		result_fail(key, "grant, nothing running", failed);
		return;
	}
	snprintf(what, sizeof(what), "isolate_cell_grant of %d rules in one call, cell of %d rules, nothing running (median of %d)",
		 size, rules, n);
	result_value(key, what, median(call, n), "ns");
}

/* rounds grants, each of a new file, to a cell of the given rule count. */
static void grant_rounds(struct bench_env *env, int rules, int first, int rounds)
{
	double call[BENCH_GRANTS], start[BENCH_GRANTS], ret[BENCH_GRANTS];
	struct isolate_cell_policy *pol;
	char name[64], key[96], what[200];
	int n = 0;

	snprintf(name, sizeof(name), "bench-grant-r%d", rules);
	pol = policy_files(name, 2, rules);
	if (!pol || cell_create_timed(env, name, pol, NULL)) {
		isolate_cell_policy_free(pol);
		snprintf(key, sizeof(key), "grant.r%d.call", rules);
		result_fail(key, "grant latency", "the cell could not be created");
		return;
	}
	isolate_cell_policy_free(pol);
	for (int k = first; k < first + rounds && k < BENCH_GRANTS; k++) {
		char path[PATH_MAX];
		int err;

		tree_grant_file(k, path, sizeof(path));
		err = grant_once(env, name, path, &call[n], &start[n], &ret[n]);
		if (err) {
			snprintf(key, sizeof(key), "grant.r%d.call", rules);
			result_fail(key, "grant latency", strerror(-err));
			break;
		}
		say("grant %d to a cell of %d rules: call %.0f ns, visible %.0f ns after the start, %.0f ns after the return",
		    k, rules, call[n], start[n], ret[n]);
		n++;
	}
	if (n) {
		snprintf(key, sizeof(key), "grant.r%d.call", rules);
		snprintf(what, sizeof(what), "isolate_cell_grant duration, cell of %d rules, one of its processes spinning on open (median of %d)",
			 rules, n);
		result_value(key, what, median(call, n), "ns");
		snprintf(key, sizeof(key), "grant.r%d.after_start", rules);
		snprintf(what, sizeof(what), "grant call started -> open in the cell succeeds, cell of %d rules",
			 rules);
		result_value(key, what, median(start, n), "ns");
		snprintf(key, sizeof(key), "grant.r%d.after_return", rules);
		snprintf(what, sizeof(what), "grant call returned -> open in the cell succeeds, cell of %d rules (negative: before the return)",
			 rules);
		result_value(key, what, median(ret, n), "ns");
	}
	batch_rounds(env, name, rules, 1, BENCH_GRANTS);
	batch_rounds(env, name, rules, BENCH_BATCH, BENCH_GRANTS + BENCH_BATCHES);
	cell_destroy_timed(env, name, NULL);
}

void phase_grant(struct bench_env *env)
{
	say("phase e: grant latency");
	grant_rounds(env, 10, 0, 5);
	grant_rounds(env, 10000, 5, 3);
}

/* ---- Events ------------------------------------------------------------------ */

struct drain_ctx {
	__u64 cgid;
	unsigned long received;
	uint64_t t_last;
};

static int drain_event(void *ctx, const struct isolate_event_hdr *hdr, size_t size)
{
	struct drain_ctx *d = ctx;

	if (hdr->event_class == ISOLATE_EVENT_DENY && hdr->cell_cgid == d->cgid) {
		d->received++;
		d->t_last = now_ns();
	}
	return 0;
}

static uint64_t rusage_ns(const struct rusage *ru)
{
	return (uint64_t)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000ULL +
	       (uint64_t)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000ULL;
}

static uint64_t self_cpu_ns(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : rusage_ns(&ru);
}

/* In the cell: n denied opens as fast as it can. */
static void __attribute__((noreturn)) flooder(unsigned int n)
{
	char path[PATH_MAX];

	tree_denied_file(path, sizeof(path));
	for (unsigned int i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			_exit(2);
	}
	_exit(0);
}

void phase_events(struct bench_env *env, unsigned int flood)
{
	const char *name = "bench-events";
	struct isolate_cell_policy *pol = policy_files(name, 2, 10);
	struct drain_ctx d = { 0 };
	struct isolate_cell_state st0, st1;
	struct isolate_events *ev = NULL;
	struct rusage child = { 0 };
	uint64_t cpu0 = 0;
	bool done = false;
	int fd, status = 0;
	uint64_t t0;
	pid_t pid;

	say("phase f: events (%u denied opens)", flood);
	if (!pol || cell_create_timed(env, name, pol, NULL)) {
		isolate_cell_policy_free(pol);
		result_fail("events.per_s", "events drained per second", "the cell could not be created");
		return;
	}
	isolate_cell_policy_free(pol);
	if (isolate_events_open(env->iso, drain_event, &d, &ev) ||
	    isolate_cell_get(env->iso, name, &st0)) {
		result_fail("events.per_s", "events drained per second", isolate_last_error());
		goto out;
	}
	while (isolate_events_poll(ev, 0) > 0)
		;
	d.cgid = st0.cgid;
	cpu0 = self_cpu_ns();
	fd = isolate_cell_cgroup_fd(env->iso, name);
	fflush(NULL);
	t0 = now_ns();
	pid = fd < 0 ? -1 : clone_into_cgroup(fd);
	if (pid == 0)
		flooder(flood);
	if (fd >= 0)
		close(fd);
	if (pid < 0) {
		result_fail("events.per_s", "events drained per second", "cannot start the flooding child");
		goto out;
	}
	/* The child's exit is only looked at between polls: keep reading until
	 * it is gone and the buffers are empty. */
	for (;;) {
		int n = isolate_events_poll(ev, done ? 0 : 50);

		if (!done && wait4(pid, &status, WNOHANG, &child) == pid)
			done = true;
		if (done && n <= 0)
			break;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) ||
	    isolate_cell_get(env->iso, name, &st1)) {
		result_fail("events.per_s", "events drained per second", "the flooding child failed");
		goto out;
	}
	{
		double sent = (double)(st1.counters.events_sent[ISOLATE_EVENT_DENY] -
				       st0.counters.events_sent[ISOLATE_EVENT_DENY]);
		double lost = (double)(st1.counters.events_lost[ISOLATE_EVENT_DENY] -
				       st0.counters.events_lost[ISOLATE_EVENT_DENY]);
		double secs = (double)(d.t_last - t0) / 1e9;
		double consumer = (double)(self_cpu_ns() - cpu0);

		result_value("events.sent", "deny events the flooding cell sent", sent, "events");
		result_value("events.received", "deny events the supervisor drained",
			     (double)d.received, "events");
		result_value("events.lost", "deny events lost (ring buffer full)", lost, "events");
		result_value("events.loss", "fraction of deny events lost", sent > 0 ? lost / sent : 0,
			     "fraction");
		result_value("events.duration", "first denied open -> last event drained",
			     (double)(d.t_last - t0), "ns");
		result_value("events.per_s", "events drained per second of guest time",
			     secs > 0 ? (double)d.received / secs : 0, "events/s");
		/* Under -icount a nanosecond of CPU time is one instruction. */
		if (d.received)
			result_value("events.consumer_ns", "supervisor CPU time per drained event (user + system)",
				     consumer / (double)d.received, "ns");
		if (sent > 0)
			result_value("events.producer_ns", "flooding cell's CPU time per denied open (user + system)",
				     (double)rusage_ns(&child) / sent, "ns");
	}
out:
	isolate_events_close(ev);
	cell_destroy_timed(env, name, NULL);
}
