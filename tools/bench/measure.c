// SPDX-License-Identifier: GPL-2.0
/*
 * Timing a loop of one operation in a child process: the child is created
 * directly in the cgroup it is measured in (a cell's, or the reference
 * cgroup), warms up, runs BENCH_ROUNDS timed rounds and sends back the
 * median through a pipe. Every configuration is measured this same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "tools/bench/bench.h"

struct bench_iters bench_iters = {
	.open = 10000, .open_warmup = 500,
	/*
	 * Fits half the 1 MiB deny ring buffer (~360-byte records), drained
	 * before: past half, a cell may add only its share (2,000 lost 705).
	 */
	.deny = 1200, .deny_warmup = 100,
	.connect = 2000, .connect_warmup = 100,
	.exec = 300, .exec_warmup = 20,
};

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Jiffies of CPU time the whole machine was busy, from /proc/stat. */
static long long busy_jiffies(void)
{
	long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");
	int n = f ? fscanf(f, "cpu %lld %lld %lld %lld %lld %lld %lld %lld", &v[0], &v[1],
			   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) : 0;

	if (f)
		fclose(f);
	/* All but idle (3) and iowait (4). */
	return n == 8 ? v[0] + v[1] + v[2] + v[5] + v[6] + v[7] : -1;
}

/* Jiffies of CPU time this process used. */
static long long own_jiffies(void)
{
	struct tms t;

	times(&t);
	return t.tms_utime + t.tms_stime;
}

/*
 * Waits until the machine is quiet: guest time under -icount counts every
 * instruction of every task, and a freshly booted kernel works on in the
 * background for seconds (6.12's kworkers for about three and a half,
 * doubling an open's cost meanwhile, steadily enough to look settled). So:
 * until, for three rounds of opens in a row, no other task ran at all.
 * Returns the guest ns waited, or 0 if it never got quiet within max_ns.
 */
uint64_t bench_settle(const char *path, uint64_t max_ns)
{
	uint64_t start = now_ns();
	int quiet = 0;

	while (now_ns() - start < max_ns) {
		long long busy = busy_jiffies(), own = own_jiffies();

		for (int i = 0; i < 10000; i++)
			close(open(path, O_RDONLY | O_CLOEXEC));
		quiet = busy >= 0 && busy_jiffies() - busy <= own_jiffies() - own ? quiet + 1 : 0;
		if (quiet == 3)
			return now_ns() - start;
	}
	return 0;
}

/* The loop itself, in the child. */
static void run_loop(const struct bench_loop *l, struct bench_sample *s)
{
	unsigned int per = l->iters / BENCH_ROUNDS;
	double round[BENCH_ROUNDS], total = 0;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (!per)
		per = 1;
	if (l->setup && (err = l->setup(l->setup_arg)))
		goto out;
	for (unsigned int i = 0; i < l->warmup; i++)
		if ((err = l->op(l->arg)))
			goto out;
	for (int r = 0; r < BENCH_ROUNDS; r++) {
		uint64_t t0 = now_ns(), t1;

		for (unsigned int i = 0; i < per; i++)
			if ((err = l->op(l->arg)))
				goto out;
		t1 = now_ns();
		round[r] = (double)(t1 - t0) / per;
		total += (double)(t1 - t0);
	}
	qsort(round, BENCH_ROUNDS, sizeof(round[0]), cmp_double);
	s->ns = round[BENCH_ROUNDS / 2];
	s->min = round[0];
	s->max = round[BENCH_ROUNDS - 1];
	s->iters = per * BENCH_ROUNDS;
	s->mean = total / s->iters;
out:
	s->err = err;
}

/*
 * In the child: stdin, stdout, stderr, the report pipe at 3 and the kept
 * descriptor at 4; nothing else. Returns the pipe, or -1.
 */
static int narrow_fds(int report, int *keep)
{
	int r = fcntl(report, F_DUPFD_CLOEXEC, 64), k = -1;

	if (r < 0)
		return -1;
	if (keep && (k = fcntl(*keep, F_DUPFD_CLOEXEC, 64)) < 0)
		return -1;
	if (dup3(r, 3, O_CLOEXEC) != 3)
		return -1;
	if (keep) {
		if (dup3(k, 4, O_CLOEXEC) != 4)
			return -1;
		*keep = 4;
	}
	if (close_range(keep ? 5 : 4, ~0U, 0))
		return -1;
	return 3;
}

int bench_run(int cgroup_fd, const struct bench_loop *loop, struct bench_sample *out)
{
	struct bench_sample s;
	size_t got = 0;
	int p[2], status;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	pid = clone_into_cgroup(cgroup_fd);
	if (pid == 0) {
		int w = narrow_fds(p[1], loop->keep_fd);

		if (w < 0)
			_exit(1);
		run_loop(loop, &s);
		_exit(write(w, &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		out->err = -err;
		return err;
	}
	while (got < sizeof(s)) {
		ssize_t n = read(p[0], (char *)&s + got, sizeof(s) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) ||
	    got != sizeof(s)) {
		out->err = ECHILD;
		return -ECHILD;
	}
	*out = s;
	return s.err ? -EIO : 0;
}
