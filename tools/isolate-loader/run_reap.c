// SPDX-License-Identifier: GPL-2.0
/* The processes a Landlock command leaves behind (see run_reap.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/isolate-loader/run_reap.h"

int run_reap_begin(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) ? -errno : 0;
}

/*
 * The parent of process pid, from /proc/PID/stat, after the name: read
 * whole, as the name is the process's to set and may hold ')' and '\n'.
 * -1 if gone.
 */
static pid_t parent_of(const char *pid)
{
	char path[64], stat[512], *end;
	int ppid = -1, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, stat, sizeof(stat) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	stat[n] = '\0';
	end = strrchr(stat, ')');
	if (!end || sscanf(end + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/*
 * A process and its parent, as /proc listed them, and the pidfd it is
 * held and killed by once it is known to be ours (or why it is not held).
 */
struct proc_link {
	pid_t pid, parent;
	int pidfd;
};

enum { PIDFD_UNTRIED = -1, PIDFD_NONE = -2 };

/* The pidfds a pass holds at most: more are killed by the next passes. */
#define PIDFDS_PER_PASS 256

static int by_pid(const void *a, const void *b)
{
	const struct proc_link *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

enum { UNKNOWN, OURS, NOT_OURS };

/*
 * Whether all[i] descends from us, into mine[i], with its ancestors on the
 * way: up the chain to us, to a process known either way, or to one not
 * listed (init, or gone meanwhile).
 */
static void mark_if_ours(const struct proc_link *all, size_t n, char *mine, size_t i)
{
	size_t at = i, chain = 0;
	char verdict = NOT_OURS;

	while (mine[at] == UNKNOWN && chain++ < n) {
		const struct proc_link key = { .pid = all[at].parent };
		const struct proc_link *up;

		if (all[at].parent == getpid()) {
			verdict = OURS;
			break;
		}
		up = bsearch(&key, all, n, sizeof(*all), by_pid);
		if (!up)
			break;
		at = (size_t)(up - all);
	}
	if (mine[at] != UNKNOWN)
		verdict = mine[at];
	/* The chain again, each on it as its end is. */
	for (at = i, chain = 0; mine[at] == UNKNOWN && chain++ < n;) {
		const struct proc_link key = { .pid = all[at].parent };
		const struct proc_link *up = bsearch(&key, all, n, sizeof(*all), by_pid);

		mine[at] = verdict;
		if (!up || all[at].parent == getpid())
			break;
		at = (size_t)(up - all);
	}
}

static bool pidfd_alive(int pidfd)
{
	return !syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0);
}

/*
 * The parent all[i] may be taken by: us for a child of ours, the entry
 * of a parent taken already, or NULL (not ours, taken or tried already,
 * or its parent not taken yet).
 */
static const struct proc_link *taken_parent(const struct proc_link *all, size_t n,
					    const char *ours, size_t i, const struct proc_link *us)
{
	const struct proc_link key = { .pid = all[i].parent };
	const struct proc_link *up;

	if (ours[i] != OURS || all[i].pidfd != PIDFD_UNTRIED)
		return NULL;
	if (all[i].parent == us->pid)
		return us;
	up = bsearch(&key, all, n, sizeof(*all), by_pid);
	return up && up->pidfd >= 0 ? up : NULL;
}

/*
 * Takes all[i] by a pidfd and SIGKILLs it through that, if it is still
 * the process listed, the child of up: the pid a kill names may be a
 * host process's by then. Its stat, read once the pidfd is held, names
 * up, and it and up (held by a pidfd too, unless it is us) are alive
 * after the read, so neither pid was another process's in between.
 */
static bool take_and_kill(struct proc_link *all, size_t i, const struct proc_link *up)
{
	int fd = (int)syscall(SYS_pidfd_open, all[i].pid, 0);
	char pid[24];

	all[i].pidfd = PIDFD_NONE;
	if (fd < 0)
		return false;
	snprintf(pid, sizeof(pid), "%d", (int)all[i].pid);
	if (parent_of(pid) != up->pid || !pidfd_alive(fd) ||
	    (up->pid != getpid() && !pidfd_alive(up->pidfd)) ||
	    syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0)) {
		close(fd);
		return false;
	}
	all[i].pidfd = fd;
	return true;
}

/*
 * SIGKILLs every descendant of ours (children first reparented to us or
 * not, and theirs), parents before their children: how many there were.
 * A process with SIGKILL pending forks no more, so one pass catches all
 * but those forked between the listing and the kill, those whose parent
 * could not be taken, and those past PIDFDS_PER_PASS, which the next
 * passes find.
 */
static int kill_descendants(void)
{
	DIR *proc = opendir("/proc");
	struct proc_link *all = NULL, *more;
	size_t n = 0, cap = 0;
	struct dirent *de;
	const struct proc_link us = { .pid = getpid(), .pidfd = PIDFD_NONE };
	bool progress = true;
	int killed = 0;
	char *ours;

	while (proc && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		pid_t parent;

		if (*end || pid <= 0 || (parent = parent_of(de->d_name)) <= 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			more = realloc(all, cap * sizeof(*all));
			if (!more)
				break;
			all = more;
		}
		all[n++] = (struct proc_link){ .pid = (pid_t)pid, .parent = parent, .pidfd = PIDFD_UNTRIED };
	}
	if (proc)
		closedir(proc);
	qsort(all, n, sizeof(*all), by_pid);
	ours = calloc(n ? n : 1, 1);
	for (size_t i = 0; ours && i < n; i++)
		mark_if_ours(all, n, ours, i);
	/* Until a round takes none: each takes the children of the last. */
	while (ours && progress && killed < PIDFDS_PER_PASS) {
		progress = false;
		for (size_t i = 0; i < n && killed < PIDFDS_PER_PASS; i++) {
			const struct proc_link *up = taken_parent(all, n, ours, i, &us);

			if (up) {
				progress = true;
				killed += take_and_kill(all, i, up);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (all[i].pidfd >= 0)
			close(all[i].pidfd);
	free(ours);
	free(all);
	return killed;
}

int run_reap_leftovers(volatile sig_atomic_t *stop)
{
	struct timespec pause = { .tv_nsec = 1000000 };
	int before = -1;

	for (;;) {
		int listed = kill_descendants();
		pid_t reaped = waitpid(-1, NULL, WNOHANG);

		if (reaped < 0 && errno == ECHILD)
			return 0;
		if (reaped > 0) {
			before = -1;
			continue;
		}
		/*
		 * Killed, not gone yet (in an uninterruptible wait, say): up
		 * to 100 ms between looks. A signal to run ends the wait, once
		 * two passes found the same ones: none forked meanwhile
		 * (a process with SIGKILL pending forks no more), and none
		 * was left for a later pass.
		 */
		if (*stop && listed == before && listed < PIDFDS_PER_PASS)
			return listed;
		before = listed;
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 100000000)
			pause.tv_nsec *= 2;
	}
}
