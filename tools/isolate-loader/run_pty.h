/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run's terminal: a command started from a terminal gets a pty of its own,
 * and run passes keystrokes and output between the two, so that nothing of
 * the cell holds the caller's terminal once the command is gone.
 */
#ifndef ISOLATE_LOADER_RUN_PTY_H
#define ISOLATE_LOADER_RUN_PTY_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>
#include <sys/types.h>

struct run_pty {
	int master;		/* -1: no pty (no terminal among fds 0-2) */
	int slave;		/* run's copy, closed once the command holds it */
	int term;		/* the caller's terminal whose modes and size the pty has */
	int in;			/* the caller's terminal keystrokes come from, or -1 */
	int out;		/* the caller's terminal output goes to */
	bool hung_up;		/* nothing holds the slave any more: the master only reads EIO */
	bool raw;		/* `in` is in raw mode until run_pty_close */
	struct termios saved;	/* term's modes before */
	size_t off, len;	/* keystrokes read, not yet taken by the pty */
	char keys[4096];
};

/*
 * When any of fds 0, 1 and 2 is a terminal, opens a pty whose slave takes
 * that fd's place in stdio (others stay -1: inherited), with the
 * terminal's modes and size, owned by owner (-1: root). 0 (p->master -1:
 * no terminal), or an exit code after a message.
 */
int run_pty_open(struct run_pty *p, int stdio[3], uid_t owner);

/* Once the command runs: run's slave closed, the caller's terminal raw. */
void run_pty_started(struct run_pty *p);

/* The command stopped: the caller's terminal as it was, while run stops too. */
void run_pty_suspend(const struct run_pty *p);

/* Continued: raw again, and the size it may have changed to meanwhile. */
void run_pty_resume(const struct run_pty *p);

/* The descriptors to wait on (at most 2) into fds; how many. */
int run_pty_poll_fds(const struct run_pty *p, struct pollfd *fds);

/*
 * Moves what fds (from run_pty_poll_fds, after poll) say is ready; called
 * at every turn, poll's timeouts too.
 */
void run_pty_relay(struct run_pty *p, const struct pollfd *fds, int n);

/* The caller's terminal changed size: so does the pty (SIGWINCH inside). */
void run_pty_resize(const struct run_pty *p);

/*
 * After the command: its last output passed on, the master closed (what
 * of the cell still holds the slave reads EIO and gets SIGHUP), the
 * caller's terminal as it was, with what came in unread discarded.
 */
void run_pty_close(struct run_pty *p);

#endif /* ISOLATE_LOADER_RUN_PTY_H */
