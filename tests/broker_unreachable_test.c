// SPDX-License-Identifier: GPL-2.0
/*
 * The broker's program (--broker-exec) is not run for a path request no
 * grant could be made on (a path that does not exist, or that leads
 * through a symbolic link): its answer would change nothing, and a cell
 * asking for such paths in a loop would have it run 8 times a second for
 * ever, no backoff started. On a fake load (tests/fake_load.h), through
 * isolate_broker_request() as the supervisor calls it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "broker_program_util.h"
#include "fake_load.h"
#include "fake_ring.h"

#define CELL "asker"

FIXTURE(broker) {
	struct fake_env env;
	struct isolate *iso;
	struct isolate_cell_state st;
	char dir[64];
	char program[128];
	char runs[128];
	char cell[sizeof(CELL)];	/* destroyed at teardown when made */
};

FIXTURE_SETUP(broker)
{
	struct isolate_cell_policy *pol;
	struct isolate_cap *cap = NULL;
	int err = fake_env_up(&self->env);

	self->iso = NULL;
	self->cell[0] = '\0';
	snprintf(self->dir, sizeof(self->dir), "/tmp/broker_unreachable_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->program, sizeof(self->program), "%s/program", self->dir);
	snprintf(self->runs, sizeof(self->runs), "%s/runs", self->dir);
	ASSERT_EQ(0, write_program(self->program, "echo run >> \"$BROKER_TEST_RUNS\"; echo allow 30"));
	ASSERT_EQ(0, setenv("BROKER_TEST_RUNS", self->runs, 1));
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	pol = isolate_cell_policy_new(CELL);
	ASSERT_NE(NULL, pol);
	ASSERT_EQ(0, isolate_cap_parse("broker:read", &cap, NULL));
	ASSERT_EQ(0, isolate_cell_policy_add(pol, cap));
	isolate_cap_free(cap);
	err = isolate_cell_create(self->iso, CELL, pol, &self->st);
	isolate_cell_policy_free(pol);
	ASSERT_EQ(0, err) TH_LOG("%s", isolate_last_error());
	strcpy(self->cell, CELL);
}

FIXTURE_TEARDOWN(broker)
{
	unlink(self->program);
	unlink(self->runs);
	rmdir(self->dir);
	fake_env_close(&self->env, self->iso, self->cell);
}

/*
 * Requests for a path that does not exist and for one through a link are
 * answered, not granted, without the program; a path that can be reached
 * is still the program's to decide.
 */
TEST_F(broker, the_program_is_not_asked_about_a_path_it_could_not_be_granted)
{
	char missing[PATH_MAX], link[PATH_MAX], through[PATH_MAX + 8];
	struct isolate_broker *b = NULL;
	struct isolate_event_broker e;
	__u64 id = 1;

	snprintf(missing, sizeof(missing), "%s/missing", self->dir);
	snprintf(link, sizeof(link), "%s/link", self->dir);
	snprintf(through, sizeof(through), "%s/program", link);
	ASSERT_EQ(0, symlink(self->dir, link));
	ASSERT_EQ(0, isolate_broker_open(&b, NULL, self->program));
	for (int i = 0; i < 3; i++) {
		e = fake_read_request(self->st.cgid, id++, missing);
		EXPECT_EQ(0, isolate_broker_request(b, self->iso, CELL, &e)) {
			TH_LOG("%s", isolate_last_error());
		}
	}
	e = fake_read_request(self->st.cgid, id++, through);
	EXPECT_EQ(0, isolate_broker_request(b, self->iso, CELL, &e)) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_EQ(0, runs(self->runs));

	e = fake_read_request(self->st.cgid, id++, self->dir);
	isolate_broker_request(b, self->iso, CELL, &e);
	EXPECT_EQ(1, runs(self->runs));
	isolate_broker_close(b);
	unlink(link);
}

TEST_HARNESS_MAIN
