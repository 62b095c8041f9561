// SPDX-License-Identifier: GPL-2.0
/*
 * run's terminal. A command handed the caller's terminal keeps it for as
 * long as any of its processes lives: one that outlives run (an existing
 * cell, a process that left the session) reads what is typed there next,
 * and changes the terminal's modes. Given a pty of its own instead, it
 * holds only that; run passes keystrokes in and output out, and closes
 * the master when the command is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tools/isolate-loader/main.h"
#include "tools/isolate-loader/run_pty.h"

/* The pty multiplexer's device numbers (Documentation/admin-guide/devices.txt). */
#define PTMX_MAJOR 5
#define PTMX_MINOR 2

/* Output passed on after the command is gone, at most (others of the cell may still write). */
#define DRAIN_READS 64

/*
 * The multiplexer, by object: devpts's own node first (no process can
 * put anything in a devpts), then /dev's; never through a link, and
 * nothing kept that is not the pty multiplexer.
 */
static int open_ptmx(void)
{
	static const char *const paths[] = { "/dev/pts/ptmx", "/dev/ptmx" };
	int err = ENOENT;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
		struct stat st;

		if (fd < 0) {
			err = errno;
			continue;
		}
		if (!fstat(fd, &st) && S_ISCHR(st.st_mode) &&
		    st.st_rdev == makedev(PTMX_MAJOR, PTMX_MINOR))
			return fd;
		close(fd);
		err = ENODEV;
	}
	errno = err;
	return -1;
}

int run_pty_open(struct run_pty *p, int stdio[3], uid_t owner)
{
	int term = -1;
	struct winsize ws;

	*p = (struct run_pty){ .master = -1, .slave = -1, .term = -1, .in = -1, .out = -1 };
	for (int fd = 2; fd >= 0; fd--)
		if (isatty(fd))
			term = fd;
	if (term < 0)
		return 0;
	p->term = term;
	if (tcgetattr(term, &p->saved))
		return p_err(EXIT_RUN_FAILED, "run: reading the terminal's modes (fd %d): %s",
			     term, strerror(errno));
	p->master = open_ptmx();
	if (p->master < 0 || unlockpt(p->master))
		goto fail;
	p->slave = ioctl(p->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0 || (owner != (uid_t)-1 && fchown(p->slave, owner, (gid_t)-1)) ||
	    tcsetattr(p->slave, TCSANOW, &p->saved))
		goto fail;
	if (!ioctl(term, TIOCGWINSZ, &ws))
		ioctl(p->slave, TIOCSWINSZ, &ws);
	p->in = isatty(0) ? 0 : -1;
	p->out = isatty(1) ? 1 : isatty(2) ? 2 : 0;
	for (int fd = 0; fd < 3; fd++)
		stdio[fd] = isatty(fd) ? p->slave : -1;
	return 0;
fail:
	p_err(EXIT_RUN_FAILED, "run: making a terminal for the command (/dev/pts/ptmx): %s "
	      "(--no-pty hands it this one)", strerror(errno));
	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	p->master = p->slave = -1;
	return EXIT_RUN_FAILED;
}

/* Every byte to the pty, whose own modes are the ones the terminal had. */
static bool make_raw(const struct run_pty *p)
{
	struct termios raw = p->saved;

	cfmakeraw(&raw);
	return !tcsetattr(p->term, TCSADRAIN, &raw);
}

void run_pty_started(struct run_pty *p)
{
	if (p->master < 0)
		return;
	close(p->slave);
	p->slave = -1;
	if (p->in >= 0)
		p->raw = make_raw(p);
}

void run_pty_suspend(const struct run_pty *p)
{
	if (p->raw)
		tcsetattr(p->term, TCSADRAIN, &p->saved);
}

void run_pty_resume(const struct run_pty *p)
{
	if (p->raw)
		make_raw(p);
	run_pty_resize(p);
}

int run_pty_poll_fds(const struct run_pty *p, struct pollfd *fds)
{
	int n = 0;

	if (p->master < 0 || p->hung_up)
		return 0;
	fds[n++] = (struct pollfd){ .fd = p->master,
				    .events = POLLIN | (p->off < p->len ? POLLOUT : 0) };
	if (p->in >= 0 && p->off == p->len)
		fds[n++] = (struct pollfd){ .fd = p->in, .events = POLLIN };
	return n;
}

/* All of it, or as much as the caller's terminal takes: it may be gone. */
static void write_out(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * What the pty has for the terminal. False when it has nothing now; then
 * hung_up tells whether it ever will (EIO: no slave is open).
 */
static bool pass_output(struct run_pty *p)
{
	char buf[4096];
	ssize_t n = read(p->master, buf, sizeof(buf));

	if (n > 0) {
		write_out(p->out, buf, (size_t)n);
		p->hung_up = false;
		return true;
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
		p->hung_up = true;
	return false;
}

static void pass_keys(struct run_pty *p)
{
	ssize_t n = write(p->master, p->keys + p->off, p->len - p->off);

	if (n > 0)
		p->off += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		p->off = p->len;
}

void run_pty_relay(struct run_pty *p, const struct pollfd *fds, int n)
{
	/*
	 * With no slave open the master only says so (POLLHUP), so it is not
	 * waited on; the command may open its terminal again (/dev/tty):
	 * asked again at each turn.
	 */
	if (p->master >= 0 && p->hung_up)
		pass_output(p);
	for (int i = 0; i < n; i++) {
		if (fds[i].fd == p->master) {
			if (fds[i].revents & POLLOUT)
				pass_keys(p);
			if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
				pass_output(p);
		} else if (fds[i].revents) {
			ssize_t got = read(p->in, p->keys, sizeof(p->keys));

			if (got <= 0 && !(got < 0 && (errno == EAGAIN || errno == EINTR))) {
				p->in = -1;	/* the caller's terminal hung up */
				continue;
			}
			p->off = 0;
			p->len = got > 0 ? (size_t)got : 0;
			pass_keys(p);
		}
	}
}

void run_pty_resize(const struct run_pty *p)
{
	struct winsize ws;

	if (p->master >= 0 && !ioctl(p->term, TIOCGWINSZ, &ws))
		ioctl(p->master, TIOCSWINSZ, &ws);
}

void run_pty_close(struct run_pty *p)
{
	if (p->master < 0)
		return;
	for (int i = 0; i < DRAIN_READS && pass_output(p); i++)
		;
	close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->master = p->slave = -1;
	/*
	 * Input not passed on is discarded: a terminal's answer to a query
	 * the command printed last (DA, DECRQSS) comes in now, and the shell
	 * would read it as typed.
	 */
	if (p->raw)
		tcsetattr(p->term, TCSAFLUSH, &p->saved);
	p->raw = false;
}
