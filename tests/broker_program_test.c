// SPDX-License-Identifier: GPL-2.0
/*
 * The broker's program (--broker-exec): run without a shell, the request
 * in its environment, killed at its deadline; and a cell whose requests
 * it refuses has it run once a backoff, not 8 times a round. Programs are
 * shell scripts written here; the pace's clock is the test's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/broker_program.h"
#include "kselftest_harness.h"
#include "broker_program_util.h"

#define ROUND 256
#define CELL_A 1001
#define T0 5000000ULL
/* Enough for a shell script on a loaded machine; no test waits for it. */
#define DEADLINE_MS 10000

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static const struct broker_program_request req = {
	.cell = "agent", .right = "read", .target = "/srv/data", .id = 42,
};

FIXTURE(program)
{
	char dir[64];
	char path[128];
	char runs[128];
	struct broker_pace *p;
	char why[256];
};

FIXTURE_SETUP(program)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/broker_program_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/program", self->dir);
	snprintf(self->runs, sizeof(self->runs), "%s/runs", self->dir);
	ASSERT_EQ(0, setenv("BROKER_TEST_RUNS", self->runs, 1));
	self->p = calloc(1, sizeof(*self->p));
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(program)
{
	unlink(self->path);
	unlink(self->runs);
	rmdir(self->dir);
	free(self->p);
}

/* A request at now as the broker makes it with a program: admitted, then the program asked. */
static bool request(struct broker_pace *p, const char *program, uint64_t now, char *why,
		    size_t len)
{
	struct broker_pace_cell *c = broker_pace_admit(p, CELL_A, now, why, len);
	unsigned int seconds = 0;

	if (!c)
		return false;
	fake_now = now;
	return broker_program_decide(program, &req, DEADLINE_MS, c, fake_clock, &seconds, why,
				     len) > 0;
}

TEST_F(program, it_is_told_the_request_in_its_environment)
{
	unsigned int seconds = 0;

	ASSERT_EQ(0, write_program(self->path,
		"[ \"$ISOLATE_REQUEST_CELL $ISOLATE_REQUEST_RIGHT $ISOLATE_REQUEST_TARGET\" = \"agent read /srv/data\" ] &&\n"
		"echo \"allow $ISOLATE_REQUEST_ID\" || echo deny"));
	EXPECT_EQ(BROKER_PROGRAM_ALLOW, (int)broker_program_ask(self->path, &req, DEADLINE_MS, &seconds));
	EXPECT_EQ(42U, seconds);
}

/* Not "allow SECONDS" with SECONDS > 0, or no program at all: refused. */
TEST_F(program, anything_but_allow_is_a_refusal)
{
	const char *bodies[] = { "echo deny", "true", "echo allow 0", "echo 'allow  x'",
				 "echo; echo allow 5" };
	unsigned int seconds = 0;

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		ASSERT_EQ(0, write_program(self->path, bodies[i]));
		EXPECT_EQ(BROKER_PROGRAM_DENY,
			  (int)broker_program_ask(self->path, &req, DEADLINE_MS, &seconds)) {
			TH_LOG("%s", bodies[i]);
		}
	}
	EXPECT_EQ(BROKER_PROGRAM_DENY,
		  (int)broker_program_ask("/nonexistent/program", &req, DEADLINE_MS, &seconds));
}

/* Its output is drained: a program that writes much still exits and is heard. */
TEST_F(program, a_long_output_does_not_stop_it)
{
	unsigned int seconds = 0;

	ASSERT_EQ(0, write_program(self->path, "echo 'allow 7'; head -c 1000000 /dev/zero"));
	EXPECT_EQ(BROKER_PROGRAM_ALLOW, (int)broker_program_ask(self->path, &req, DEADLINE_MS, &seconds));
	EXPECT_EQ(7U, seconds);
}

/*
 * A program that has not exited by the deadline is killed, and its
 * answer, if any, not taken: the request is refused, with its reason,
 * and the cell's backoff starts.
 */
TEST_F(program, a_program_past_its_deadline_is_killed_and_refuses)
{
	struct broker_pace_cell *c = broker_pace_admit(self->p, CELL_A, T0, self->why,
						       sizeof(self->why));
	unsigned int seconds = 0;

	ASSERT_EQ(0, write_program(self->path, "echo 'allow 5'; exec sleep 1000"));
	EXPECT_EQ(BROKER_PROGRAM_NO_ANSWER, (int)broker_program_ask(self->path, &req, 100, &seconds));
	ASSERT_EQ(0, write_program(self->path, "sleep 1000; echo 'allow 5'"));
	ASSERT_NE(NULL, c);
	fake_now = T0;
	EXPECT_EQ(-ETIMEDOUT, broker_program_decide(self->path, &req, 100, c, fake_clock, &seconds,
						    self->why, sizeof(self->why)));
	EXPECT_STREQ("the program gave no answer in time; no request of this cell is decided for 1 s",
		     self->why);
	EXPECT_FALSE(request(self->p, self->path, T0 + 999, self->why, sizeof(self->why)));
	EXPECT_STREQ("not decided: the program gave no answer to a request of this cell in time; no request of it is decided for 1 ms more",
		     self->why);
}

/*
 * 1,000 requests posted at once that the program refuses, read 256 a
 * round: it runs once, the other 999 answered by the pace.
 */
TEST_F(program, a_refused_burst_runs_the_program_once)
{
	int decided = 0;

	ASSERT_EQ(0, write_program(self->path, "echo run >> \"$BROKER_TEST_RUNS\"; echo deny"));
	for (int i = 0; i < 1000; i++) {
		decided += request(self->p, self->path, T0, self->why, sizeof(self->why));
		if (i % ROUND == ROUND - 1)
			broker_pace_round(self->p, T0);
	}
	EXPECT_EQ(0, decided);
	EXPECT_EQ(1, runs(self->runs));
	EXPECT_STREQ("not decided: the program refused a request of this cell; no request of it is decided for 1000 ms more",
		     self->why);
}

/*
 * 1,000 requests refused by the program, one a second: it runs once a
 * backoff step (0, 1, 3, 7, 15, 31, 63 s, then every 60 s to 963 s): 22
 * times, not 1,000.
 */
TEST_F(program, refused_requests_run_the_program_once_a_backoff)
{
	int decided = 0;

	ASSERT_EQ(0, write_program(self->path, "echo run >> \"$BROKER_TEST_RUNS\"; echo deny"));
	for (uint64_t s = 0; s < 1000; s++) {
		decided += request(self->p, self->path, T0 + s * 1000, self->why, sizeof(self->why));
		broker_pace_round(self->p, T0 + s * 1000);
	}
	EXPECT_EQ(0, decided);
	EXPECT_EQ(22, runs(self->runs));
}

TEST_HARNESS_MAIN
