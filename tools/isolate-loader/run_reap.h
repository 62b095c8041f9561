/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processes a command of the Landlock backend leaves behind. With no
 * cgroup of a cell to kill, run becomes a child subreaper before it
 * starts the command: whatever the command leaves running (a daemon, a
 * process that left its session) is reparented to run instead of init,
 * and is killed and reaped when the command is done.
 */
#ifndef ISOLATE_LOADER_RUN_REAP_H
#define ISOLATE_LOADER_RUN_REAP_H

#include <signal.h>

/* Makes run the reaper of its orphaned descendants: 0 or -errno. */
int run_reap_begin(void);

/*
 * SIGKILLs every child of run, reaps it, and again with those its death
 * reparented, until run has none (0), or until *stop is set (a signal to
 * run) while some are killed but not gone: then how many.
 */
int run_reap_leftovers(volatile sig_atomic_t *stop);

#endif /* ISOLATE_LOADER_RUN_REAP_H */
