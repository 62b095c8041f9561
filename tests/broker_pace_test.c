// SPDX-License-Identifier: GPL-2.0
/*
 * The broker's pace per cell: a cell whose grants fail (a denied tree it
 * filled past the compiler's scan) is not compiled for again and again
 * while every other cell's requests and events wait on the one thread of
 * the supervisor; nor does one cell have more than a few requests decided
 * in a second; nor is its tidy after its grants end tried again at every
 * tick. The clock is the test's.
 */
#include <errno.h>
#include <stdlib.h>

#include "common/broker_pace.h"
#include "kselftest_harness.h"

/* Broker records one poll of the rings takes (ROUND_RECORDS, user/events.c). */
#define ROUND 256
#define CELL_A 1001
#define CELL_B 1002
#define T0 5000000ULL

FIXTURE(pace)
{
	struct broker_pace *p;
	char why[256];
};

FIXTURE_SETUP(pace)
{
	self->p = calloc(1, sizeof(*self->p));
	ASSERT_NE(NULL, self->p);
}

FIXTURE_TEARDOWN(pace)
{
	free(self->p);
}

/* A request of cgid at now as the broker makes it: admitted, then granted or not. */
static bool request(struct broker_pace *p, uint64_t cgid, uint64_t now, int grant_err,
		    char *why, size_t len)
{
	struct broker_pace_cell *c = broker_pace_admit(p, cgid, now, why, len);

	if (!c)
		return false;
	if (grant_err)
		broker_pace_failed(c, now, BROKER_PACE_GRANT_FAILED, grant_err, why, len);
	else
		broker_pace_granted(c);
	return true;
}

/*
 * Cell A posts 1,000 requests whose grants fail (E2BIG: its denied tree is
 * past the scan), then cell B one. Read as the supervisor reads them, 256
 * a round with the round ended after each, A's grant is tried once, every
 * other request of A is answered without one, and B's is decided in the
 * round that reads it.
 */
TEST_F(pace, a_cell_whose_grants_fail_is_compiled_for_once)
{
	int tried_a = 0, refused_a = 0, tried_b = 0, round_of_b = -1;
	char last_refusal[256] = "";

	for (int i = 0; i <= 1000; i++) {
		bool b = i == 1000;
		bool tried = request(self->p, b ? CELL_B : CELL_A, T0, b ? 0 : -E2BIG, self->why,
				     sizeof(self->why));

		if (b && tried) {
			tried_b++;
			round_of_b = i / ROUND;
		} else if (tried) {
			tried_a++;
			EXPECT_STREQ("grant failed (Argument list too long); no request of this cell is decided for 1 s",
				     self->why);
		} else {
			refused_a++;
			snprintf(last_refusal, sizeof(last_refusal), "%s", self->why);
		}
		if (i % ROUND == ROUND - 1)
			broker_pace_round(self->p, T0);
	}
	EXPECT_EQ(1, tried_a);
	EXPECT_EQ(999, refused_a);
	EXPECT_EQ(1, tried_b);
	EXPECT_EQ(1000 / ROUND, round_of_b);
	EXPECT_STREQ("not decided: a grant to this cell failed (Argument list too long); no request of it is decided for 1000 ms more",
		     last_refusal);
}

/*
 * Requests that are granted (or refused by the rules) still come 8 a
 * second, however often the supervisor ticks.
 */
TEST_F(pace, at_most_8_requests_of_a_cell_are_decided_in_a_second)
{
	int decided = 0;

	broker_pace_round(self->p, T0);
	for (int i = 0; i < 20; i++) {
		decided += request(self->p, CELL_A, T0 + i, 0, self->why, sizeof(self->why));
		broker_pace_round(self->p, T0 + i);
	}
	EXPECT_EQ(BROKER_PACE_PER_ROUND, decided);
	EXPECT_STREQ("not decided: more than 8 requests of this cell in 1000 ms; ask again later",
		     self->why);
	/* Another cell's are its own. */
	EXPECT_TRUE(request(self->p, CELL_B, T0, 0, self->why, sizeof(self->why)));
	broker_pace_round(self->p, T0 + 999);
	EXPECT_FALSE(request(self->p, CELL_A, T0 + 999, 0, self->why, sizeof(self->why)));
	broker_pace_round(self->p, T0 + 1000);
	decided = 0;
	for (int i = 0; i < 20; i++)
		decided += request(self->p, CELL_A, T0 + 1000, 0, self->why, sizeof(self->why));
	EXPECT_EQ(BROKER_PACE_PER_ROUND, decided);
}

/* 1, 2, 4 ... 32, then 60 s; a grant made starts again at 1 s. */
TEST_F(pace, the_backoff_doubles_to_a_minute_and_a_grant_resets_it)
{
	const uint64_t backoffs[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 };
	uint64_t now = T0;

	for (size_t i = 0; i < sizeof(backoffs) / sizeof(backoffs[0]); i++) {
		ASSERT_TRUE(request(self->p, CELL_A, now, -ENOSPC, self->why, sizeof(self->why)));
		EXPECT_FALSE(request(self->p, CELL_A, now + backoffs[i] - 1, 0, self->why,
				     sizeof(self->why)));
		now += backoffs[i];
		broker_pace_round(self->p, now);
	}
	EXPECT_STREQ("not decided: a grant to this cell failed (No space left on device); no request of it is decided for 1 ms more",
		     self->why);
	ASSERT_TRUE(request(self->p, CELL_A, now, 0, self->why, sizeof(self->why)));
	ASSERT_TRUE(request(self->p, CELL_A, now, -E2BIG, self->why, sizeof(self->why)));
	EXPECT_STREQ("grant failed (Argument list too long); no request of this cell is decided for 1 s",
		     self->why);
	EXPECT_TRUE(request(self->p, CELL_A, now + 1000, 0, self->why, sizeof(self->why)));
}

/*
 * A cell is kept while its backoff runs and a whole longest backoff
 * after (a failure then doubles it); then forgotten, as are cells that
 * never failed, so that cells gone do not fill the table.
 */
TEST_F(pace, a_cell_quiet_for_a_minute_after_its_backoff_is_forgotten)
{
	uint64_t until = T0 + 1000;

	ASSERT_TRUE(request(self->p, CELL_A, T0, -E2BIG, self->why, sizeof(self->why)));
	ASSERT_TRUE(request(self->p, CELL_B, T0, 0, self->why, sizeof(self->why)));
	broker_pace_round(self->p, T0);
	EXPECT_EQ(1U, self->p->n);
	broker_pace_round(self->p, until + BROKER_PACE_BACKOFF_MAX_MS - 1);
	EXPECT_EQ(1U, self->p->n);
	broker_pace_round(self->p, until + BROKER_PACE_BACKOFF_MAX_MS);
	EXPECT_EQ(0U, self->p->n);
	ASSERT_TRUE(request(self->p, CELL_A, until + BROKER_PACE_BACKOFF_MAX_MS, -E2BIG,
			    self->why, sizeof(self->why)));
	EXPECT_STREQ("grant failed (Argument list too long); no request of this cell is decided for 1 s",
		     self->why);
}

/* A full table refuses cells it does not hold, never lets them through. */
TEST_F(pace, a_full_table_refuses_new_cells)
{
	for (size_t i = 0; i < BROKER_PACE_CELLS; i++)
		self->p->cells[i] = (struct broker_pace_cell){ .cgid = i + 1, .decided = 1 };
	self->p->n = BROKER_PACE_CELLS;
	EXPECT_FALSE(request(self->p, BROKER_PACE_CELLS + 1, T0, 0, self->why, sizeof(self->why)));
	EXPECT_STREQ("not decided: the supervisor paces too many cells; ask again later", self->why);
	EXPECT_TRUE(request(self->p, BROKER_PACE_CELLS, T0, 0, self->why, sizeof(self->why)));
	broker_pace_round(self->p, T0);
	EXPECT_EQ(0U, self->p->n);
}

/* A timed grant in the broker's ledger: its cell and end. */
struct ledger_grant {
	uint64_t cgid;
	uint64_t expires_ms;
};

/* The times (s after T0) cell A's tidies were tried at, and how many. */
struct tries {
	uint64_t at_s[64];
	size_t n;
};

/*
 * One tick as isolate_broker_tick() makes it: the round ends, then each
 * grant that has ended is tidied (isolate_cell_expire()) when its cell's
 * pace allows, else kept for a later tick. Cell A's tidies fail (E2BIG: a
 * denied tree past the scan), kept too, starting its backoff; the others'
 * are made. Cell A's tries are noted in t.
 */
static void tick(struct broker_pace *p, struct ledger_grant *g, size_t *n, uint64_t now,
		 struct tries *t)
{
	char why[256];

	broker_pace_round(p, now);
	for (size_t i = 0; i < *n;) {
		struct broker_pace_cell *c;

		if (g[i].expires_ms > now) {
			i++;
			continue;
		}
		c = broker_pace_may_tidy(p, g[i].cgid, now);
		if (c && g[i].cgid == CELL_A) {
			if (t->n < sizeof(t->at_s) / sizeof(t->at_s[0]))
				t->at_s[t->n] = (now - T0) / 1000;
			t->n++;
			broker_pace_failed(c, now, BROKER_PACE_TIDY_FAILED, -E2BIG, why, sizeof(why));
		}
		if (!c || g[i].cgid == CELL_A) {
			i++;
			continue;
		}
		g[i] = g[--*n];
	}
}

/*
 * Cell A holds 256 timed grants (the most a cell holds), ending one a
 * second, and has filled a denied tree past the scan. Ticked every 100 ms
 * for ten minutes, its tidy is tried once a backoff step (at 0, 1, 3, 7,
 * 15, 31, 63 s, then every 60 s), not once a grant ended; its grants are
 * kept, to be tidied when it may be, and its requests are not decided
 * meanwhile. Cell B's grant, ending among them, is tidied at its end.
 */
TEST_F(pace, a_tidy_that_fails_is_tried_again_once_a_backoff)
{
	const uint64_t tries_at[] = { 0, 1, 3, 7, 15, 31, 63, 123, 183, 243, 303, 363, 423, 483,
				      543 };
	struct ledger_grant g[257];
	struct tries t = { .n = 0 };
	size_t n = 0;

	for (int i = 0; i < 256; i++)
		g[n++] = (struct ledger_grant){ .cgid = CELL_A, .expires_ms = T0 + i * 1000ULL };
	g[n++] = (struct ledger_grant){ .cgid = CELL_B, .expires_ms = T0 + 5000 };
	for (uint64_t now = T0; now < T0 + 5000; now += 100)
		tick(self->p, g, &n, now, &t);
	EXPECT_EQ(257U, n);
	tick(self->p, g, &n, T0 + 5000, &t);
	EXPECT_EQ(256U, n);
	for (uint64_t now = T0 + 5100; now < T0 + 600000; now += 100)
		tick(self->p, g, &n, now, &t);
	ASSERT_EQ(sizeof(tries_at) / sizeof(tries_at[0]), t.n);
	for (size_t i = 0; i < t.n; i++)
		EXPECT_EQ(tries_at[i], t.at_s[i]);
	EXPECT_EQ(256U, n);
	EXPECT_FALSE(request(self->p, CELL_A, T0 + 600000, 0, self->why, sizeof(self->why)));
	EXPECT_STREQ("not decided: tidying this cell's ended grants failed (Argument list too long); no request of it is decided for 3000 ms more",
		     self->why);
}

/* A cell not held whose table is full is tidied at a later round, never at once. */
TEST_F(pace, a_full_table_defers_a_tidy)
{
	for (size_t i = 0; i < BROKER_PACE_CELLS; i++)
		self->p->cells[i] = (struct broker_pace_cell){ .cgid = i + 1, .decided = 1 };
	self->p->n = BROKER_PACE_CELLS;
	EXPECT_EQ(NULL, broker_pace_may_tidy(self->p, BROKER_PACE_CELLS + 1, T0));
	broker_pace_round(self->p, T0);
	EXPECT_NE(NULL, broker_pace_may_tidy(self->p, BROKER_PACE_CELLS + 1, T0));
}

TEST_HARNESS_MAIN
