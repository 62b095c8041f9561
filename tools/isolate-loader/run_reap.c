// SPDX-License-Identifier: GPL-2.0
/* The processes a Landlock command leaves behind (see run_reap.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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

/* SIGKILLs every child of ours: how many there were. */
static int kill_children(void)
{
	DIR *proc = opendir("/proc");
	pid_t self = getpid();
	struct dirent *de;
	int n = 0;

	while (proc && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || parent_of(de->d_name) != self)
			continue;
		kill((pid_t)pid, SIGKILL);
		n++;
	}
	if (proc)
		closedir(proc);
	return n;
}

int run_reap_leftovers(volatile sig_atomic_t *stop)
{
	struct timespec pause = { .tv_nsec = 1000000 };

	for (;;) {
		int listed = kill_children();
		pid_t reaped = waitpid(-1, NULL, WNOHANG);

		if (reaped < 0 && errno == ECHILD)
			return 0;
		if (reaped > 0)
			continue;
		/* Killed, not gone yet (in an uninterruptible wait, say): up to 100 ms between looks. */
		if (*stop)
			return listed;
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 100000000)
			pause.tv_nsec *= 2;
	}
}
