// SPDX-License-Identifier: GPL-2.0
/*
 * Preloaded into isolate-loader by run_pty_test: just before run gives
 * the caller's terminal its modes back (a tcsetattr(3) on fd 0, 1 or 2
 * to a canonical mode, after raw), the terminal answers a query the
 * command printed last: $ANSWER typed into it (TIOCSTI), as a terminal's
 * reply to a DA or DECRQSS request comes in after the output that asked.
 * What the terminal then holds unread goes to $ANSWER_LOG ("queued N").
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>

int tcsetattr(int fd, int act, const struct termios *t)
{
	static int (*real)(int, int, const struct termios *);
	static int answered;
	const char *answer = getenv("ANSWER"), *log = getenv("ANSWER_LOG");

	if (!real)
		real = (int (*)(int, int, const struct termios *))dlsym(RTLD_NEXT, "tcsetattr");
	if (fd <= 2 && (t->c_lflag & ICANON) && answer && log && !answered++) {
		FILE *f = fopen(log, "w");
		int queued = -1;

		for (const char *p = answer; *p; p++)
			ioctl(fd, TIOCSTI, p);
		ioctl(fd, FIONREAD, &queued);
		if (!f)
			abort();
		fprintf(f, "queued %d\n", queued);
		fclose(f);
	}
	return real(fd, act, t);
}
