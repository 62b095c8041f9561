/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The broker's program (isolate-loader supervise --broker-exec): asked
 * about each request it is to decide, on the supervisor's one thread,
 * about what a cell chose. So it has a deadline.
 */
#ifndef ISOLATE_COMMON_BROKER_PROGRAM_H
#define ISOLATE_COMMON_BROKER_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "common/broker_pace.h"

/* What the supervisor gives the program to answer and exit in. */
#define BROKER_PROGRAM_DEADLINE_MS 10000

/* A request, as the program is told it (ISOLATE_REQUEST_* in its environment). */
struct broker_program_request {
	const char *cell;
	const char *right;
	const char *target;
	unsigned long long id;
};

enum broker_program_answer {
	BROKER_PROGRAM_ALLOW,		/* its first line is "allow SECONDS", 1 to the maximum */
	BROKER_PROGRAM_DENY,		/* anything else */
	BROKER_PROGRAM_NO_ANSWER,	/* not started, or not exited by the deadline: killed */
};

/*
 * Runs program (a file, found on PATH when it has no slash; no shell, no
 * arguments) with the request in its environment besides the caller's,
 * its output on a pipe; waits for it to exit, deadline_ms at most, then
 * kills its process group. Its first line of output is the answer; its
 * exit status is not looked at. *seconds is set on BROKER_PROGRAM_ALLOW.
 */
enum broker_program_answer broker_program_ask(const char *program,
					      const struct broker_program_request *req,
					      int deadline_ms, unsigned int *seconds);

/*
 * The program's answer to a request of the cell paced by pace: 1 allowed
 * (for *seconds), 0 refused, -ETIMEDOUT no answer in time (refused). One that is no grant starts the cell's backoff, told in
 * why, by now_ms() read after the program ran: else a cell could have it
 * run, and waited for, 8 times a round for ever.
 */
int broker_program_decide(const char *program, const struct broker_program_request *req,
			  int deadline_ms, struct broker_pace_cell *pace, uint64_t (*now_ms)(void),
			  unsigned int *seconds, char *why, size_t why_len);

#endif /* ISOLATE_COMMON_BROKER_PROGRAM_H */
