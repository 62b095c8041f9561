// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The broker's program, asked with a deadline: see broker_program.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <isolate/events.h>
#include <isolate/isolate.h>

#include "common/broker_program.h"

extern char **environ;

#define REQUEST_PREFIX "ISOLATE_REQUEST_"
#define N_REQUEST_VARS 4
#define VAR_MAX (ISOLATE_BROKER_TARGET_MAX + 64)

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The caller's environment, without any ISOLATE_REQUEST_* of its own, and
 * the request's, written in vars: to free (not its strings); NULL when out
 * of memory. Made before fork, so the child only execs.
 */
static char **request_env(const struct broker_program_request *req,
			  char vars[N_REQUEST_VARS][VAR_MAX])
{
	size_t n = 0, kept = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + N_REQUEST_VARS + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], REQUEST_PREFIX, strlen(REQUEST_PREFIX)))
			env[kept++] = environ[i];
	snprintf(vars[0], VAR_MAX, REQUEST_PREFIX "CELL=%s", req->cell);
	snprintf(vars[1], VAR_MAX, REQUEST_PREFIX "RIGHT=%s", req->right);
	snprintf(vars[2], VAR_MAX, REQUEST_PREFIX "TARGET=%s", req->target);
	snprintf(vars[3], VAR_MAX, REQUEST_PREFIX "ID=%llu", req->id);
	for (size_t i = 0; i < N_REQUEST_VARS; i++)
		env[kept++] = vars[i];
	return env;
}

/* What is readable on fd, its first size - 1 bytes kept in answer; false at its end. */
static bool read_answer(int fd, char *answer, size_t size, size_t *len)
{
	char buf[512];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t take = (size_t)n < size - 1 - *len ? (size_t)n : size - 1 - *len;

		memcpy(answer + *len, buf, take);
		*len += take;
		answer[*len] = 0;
	}
	return n < 0 && (errno == EAGAIN || errno == EINTR);
}

/*
 * Reads the program's output until it exits or the deadline passes;
 * whether it exited. The pipe is drained all along, so that a program
 * that writes much is not stopped on a full pipe.
 */
static bool wait_exit(pid_t pid, int out, int64_t deadline, char *answer, size_t size)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd fds[2] = {
		{ .fd = pidfd, .events = POLLIN },
		{ .fd = out, .events = POLLIN },
	};
	size_t len = 0;
	bool exited = false;

	while (pidfd >= 0 && !exited) {
		int64_t left = deadline - monotonic_ms();
		int n;

		if (left <= 0)
			break;
		n = poll(fds, fds[1].fd >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && fds[1].revents && !read_answer(out, answer, size, &len))
			fds[1].fd = -1;
		exited = n > 0 && fds[0].revents;
	}
	if (exited && fds[1].fd >= 0)
		read_answer(out, answer, size, &len);
	if (pidfd >= 0)
		close(pidfd);
	return exited;
}

/*
 * "allow SECONDS", SECONDS decimal from 1 to ISOLATE_GRANT_SECONDS_MAX and
 * nothing after it: anything else is no grant (a number past the maximum
 * would only make the grant fail and start the cell's backoff).
 */
static bool allow_seconds(const char *answer, unsigned int *seconds)
{
	unsigned long v = 0;
	const char *p;

	if (strncmp(answer, "allow ", 6) || answer[6] < '1' || answer[6] > '9')
		return false;
	for (p = answer + 6; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > ISOLATE_GRANT_SECONDS_MAX)
			return false;
	}
	if (*p)
		return false;
	*seconds = (unsigned int)v;
	return true;
}

enum broker_program_answer broker_program_ask(const char *program,
					      const struct broker_program_request *req,
					      int deadline_ms, unsigned int *seconds)
{
	char vars[N_REQUEST_VARS][VAR_MAX], answer[64] = "";
	char *const argv[] = { (char *)program, NULL };
	int64_t deadline = monotonic_ms() + deadline_ms;
	char **env = request_env(req, vars);
	int p[2], status;
	bool exited;
	pid_t pid;

	if (!env)
		return BROKER_PROGRAM_NO_ANSWER;
	if (pipe2(p, O_CLOEXEC)) {
		free(env);
		return BROKER_PROGRAM_NO_ANSWER;
	}
	pid = fork();
	if (pid == 0) {
		/* Its own group: killed at the deadline with whatever it started. */
		setpgid(0, 0);
		if (dup2(p[1], STDOUT_FILENO) == STDOUT_FILENO)
			execvpe(program, argv, env);
		_exit(127);
	}
	free(env);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return BROKER_PROGRAM_NO_ANSWER;
	}
	/* Also in the parent: the group exists before it may be killed. */
	setpgid(pid, pid);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	exited = wait_exit(pid, p[0], deadline, answer, sizeof(answer));
	close(p[0]);
	if (!exited && kill(-pid, SIGKILL))
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!exited)
		return BROKER_PROGRAM_NO_ANSWER;
	answer[strcspn(answer, "\n")] = 0;
	return allow_seconds(answer, seconds) ? BROKER_PROGRAM_ALLOW : BROKER_PROGRAM_DENY;
}

int broker_program_decide(const char *program, const struct broker_program_request *req,
			  int deadline_ms, struct broker_pace_cell *pace, uint64_t (*now_ms)(void),
			  unsigned int *seconds, char *why, size_t why_len)
{
	enum broker_program_answer answer = broker_program_ask(program, req, deadline_ms, seconds);

	if (answer == BROKER_PROGRAM_ALLOW)
		return 1;
	broker_pace_failed(pace, now_ms(),
			   answer == BROKER_PROGRAM_DENY ? BROKER_PACE_PROGRAM_REFUSED :
							   BROKER_PACE_PROGRAM_SILENT,
			   0, why, why_len);
	return answer == BROKER_PROGRAM_DENY ? 0 : -ETIMEDOUT;
}
