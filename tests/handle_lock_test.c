// SPDX-License-Identifier: GPL-2.0
/*
 * Changes through one handle from several threads, and through the copy a
 * child of fork() has, are made one at a time: each starts from the
 * generation the one before made, so none is lost. (The threads share the
 * handle's lock fd, and so do parent and child: a flock on one open file
 * keeps nobody out.) The child takes the lock anew even when a thread of
 * its parent was in a change as it forked. The pinned state is faked
 * (tests/fake_load.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

/* Grants each taker makes: enough for two unserialised takers to overlap. */
#define GRANTS 12

FIXTURE(lock) {
	struct fake_env f;
	struct isolate *iso;
	char name[64];
};

FIXTURE_SETUP(lock)
{
	int up;

	self->iso = NULL;
	self->name[0] = 0;
	up = fake_env_up(&self->f);
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	snprintf(self->name, sizeof(self->name), "lock-test-%d", getpid());
	ASSERT_EQ(0, create_empty_cell(self->iso, self->name)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(lock)
{
	fake_env_close(&self->f, self->iso, self->name);
}

struct taker {
	struct isolate *iso;
	const char *cell;
	char who;		/* names its grants apart from the other taker's */
	atomic_int done;	/* grants made */
	int failed;
};

/* GRANTS grants of paths of its own (optional: they need not exist). */
static void *grant_some(void *arg)
{
	struct taker *t = arg;

	for (int i = 0; i < GRANTS; i++) {
		struct isolate_cap *cap = NULL;
		char text[96];

		snprintf(text, sizeof(text), "read?:/nonexistent-isolate-lock-test/%c%d", t->who, i);
		if (isolate_cap_parse(text, &cap, NULL) ||
		    isolate_cell_grant(t->iso, t->cell, &cap, 1))
			t->failed++;
		isolate_cap_free(cap);
		atomic_fetch_add(&t->done, 1);
	}
	return NULL;
}

/* Every grant of both takers kept, each in a generation of its own. */
static void expect_all_kept(struct __test_metadata *_metadata, struct isolate *iso,
			    const char *name)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state st;

	ASSERT_EQ(0, isolate_cell_get(iso, name, &st));
	EXPECT_EQ(1U + 2 * GRANTS, st.cell.generation);
	ASSERT_EQ(0, isolate_cell_policy_get(iso, name, &pol));
	EXPECT_EQ((size_t)2 * GRANTS, isolate_cell_policy_cap_count(pol));
	isolate_cell_policy_free(pol);
}

TEST_F(lock, changes_from_two_threads_are_all_kept)
{
	struct taker a = { .iso = self->iso, .cell = self->name, .who = 'a' };
	struct taker b = { .iso = self->iso, .cell = self->name, .who = 'b' };
	pthread_t ta, tb;

	ASSERT_EQ(0, pthread_create(&ta, NULL, grant_some, &a));
	ASSERT_EQ(0, pthread_create(&tb, NULL, grant_some, &b));
	ASSERT_EQ(0, pthread_join(ta, NULL));
	ASSERT_EQ(0, pthread_join(tb, NULL));
	EXPECT_EQ(0, a.failed);
	EXPECT_EQ(0, b.failed);
	expect_all_kept(_metadata, self->iso, self->name);
}

/* Forked while a thread of the parent is in its changes, most likely in one. */
TEST_F(lock, changes_from_a_child_of_fork_and_its_parent_are_all_kept)
{
	struct taker parent = { .iso = self->iso, .cell = self->name, .who = 'p' };
	int status;
	pthread_t t;
	pid_t pid;

	ASSERT_EQ(0, pthread_create(&t, NULL, grant_some, &parent));
	while (!atomic_load(&parent.done))
		sched_yield();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct taker child = { .iso = self->iso, .cell = self->name, .who = 'c' };

		grant_some(&child);
		_exit(child.failed);
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, parent.failed);
	expect_all_kept(_metadata, self->iso, self->name);
}

TEST_HARNESS_MAIN
