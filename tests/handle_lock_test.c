// SPDX-License-Identifier: GPL-2.0
/*
 * The lock that serialises changes, shared by threads and copied by
 * fork(): a second thread of the handle waits for the first (their flock
 * is on one open file, which would let both in), a child of fork() waits
 * for its parent (the same) and takes the lock anew even when another
 * thread of the parent held it as it forked. "released" is set by the
 * holder just before it unlocks: a waiter that got in before would see it
 * unset. The pinned state is faked (tests/fake_load.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "user/internal.h"

/* Long enough for a waiter that would not wait to get in first. */
#define LET_IT_TRY_US 200000

FIXTURE(lock) {
	struct fake_isolate f;
	struct isolate *iso;
	atomic_int *released;	/* shared with children */
};

FIXTURE_SETUP(lock)
{
	char why[256];
	int up;

	self->iso = NULL;
	self->released = mmap(NULL, sizeof(*self->released), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->released);
	*self->released = 0;
	up = fake_isolate_up(&self->f, why, sizeof(why));
	if (up > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, up) TH_LOG("%s", why);
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(lock)
{
	isolate_close(self->iso);
	fake_isolate_down(&self->f);
	munmap(self->released, sizeof(*self->released));
}

struct waiter {
	struct isolate *iso;
	atomic_int *released;
	atomic_int trying;
	int err;
	int saw_released;
};

static void *take_the_lock(void *arg)
{
	struct waiter *w = arg;

	atomic_store(&w->trying, 1);
	w->err = isolate_lock(w->iso);
	w->saw_released = atomic_load(w->released);
	if (!w->err)
		isolate_unlock(w->iso);
	return NULL;
}

TEST_F(lock, a_second_thread_waits_for_the_first)
{
	struct waiter w = { .iso = self->iso, .released = self->released };
	pthread_t t;

	ASSERT_EQ(0, isolate_lock(self->iso));
	ASSERT_EQ(0, pthread_create(&t, NULL, take_the_lock, &w));
	while (!atomic_load(&w.trying))
		sched_yield();
	usleep(LET_IT_TRY_US);
	atomic_store(self->released, 1);
	isolate_unlock(self->iso);
	ASSERT_EQ(0, pthread_join(t, NULL));

	EXPECT_EQ(0, w.err);
	EXPECT_EQ(1, w.saw_released);
}

static void *release_then_take(void *arg)
{
	struct waiter *w = arg;

	isolate_unlock(w->iso);
	return take_the_lock(w);
}

/* A thread that does not hold it cannot release it for the holder. */
TEST_F(lock, an_unlock_by_another_thread_does_nothing)
{
	struct waiter w = { .iso = self->iso, .released = self->released };
	pthread_t t;

	ASSERT_EQ(0, isolate_lock(self->iso));
	ASSERT_EQ(0, pthread_create(&t, NULL, release_then_take, &w));
	while (!atomic_load(&w.trying))
		sched_yield();
	usleep(LET_IT_TRY_US);
	atomic_store(self->released, 1);
	isolate_unlock(self->iso);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, w.err);
	EXPECT_EQ(1, w.saw_released);
}

/* 0: the child got the lock after its parent let it go; 1: before; 2: not at all. */
static int child_takes_the_lock(struct isolate *iso, atomic_int *released)
{
	int err = isolate_lock(iso), saw = atomic_load(released);

	if (err)
		return 2;
	isolate_unlock(iso);
	return saw ? 0 : 1;
}

TEST_F(lock, a_child_of_fork_waits_for_its_parent)
{
	int status;
	pid_t pid;

	ASSERT_EQ(0, isolate_lock(self->iso));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(child_takes_the_lock(self->iso, self->released));
	usleep(LET_IT_TRY_US);
	atomic_store(self->released, 1);
	isolate_unlock(self->iso);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The parent waits for its child the same way: the child's lock is its own. */
TEST_F(lock, a_parent_waits_for_its_child)
{
	int status, to_parent[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, isolate_lock(self->iso));
	isolate_unlock(self->iso);
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (isolate_lock(self->iso) || write(to_parent[1], "L", 1) != 1)
			_exit(2);
		usleep(LET_IT_TRY_US);
		atomic_store(self->released, 1);
		isolate_unlock(self->iso);
		_exit(0);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	ASSERT_EQ(0, isolate_lock(self->iso));
	EXPECT_EQ(1, atomic_load(self->released));
	isolate_unlock(self->iso);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(to_parent[0]);
	close(to_parent[1]);
}

struct holder {
	struct isolate *iso;
	int go[2];		/* a byte: let the lock go */
	atomic_int holding;
};

static void *hold_until_told(void *arg)
{
	struct holder *h = arg;
	char c;

	if (isolate_lock(h->iso))
		return NULL;
	atomic_store(&h->holding, 1);
	if (read(h->go[0], &c, 1) != 1)
		c = 0;
	isolate_unlock(h->iso);
	return NULL;
}

/*
 * Forked while another thread held it: the child's copy of the mutex is
 * held by a thread it does not have. It takes the lock all the same, once
 * the parent's thread let it go.
 */
TEST_F(lock, a_child_forked_while_another_thread_held_it_takes_it)
{
	struct holder h = { .iso = self->iso };
	int status;
	pthread_t t;
	pid_t pid;

	ASSERT_EQ(0, pipe(h.go));
	ASSERT_EQ(0, pthread_create(&t, NULL, hold_until_told, &h));
	while (!atomic_load(&h.holding))
		sched_yield();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(child_takes_the_lock(self->iso, self->released));
	usleep(LET_IT_TRY_US);
	atomic_store(self->released, 1);
	ASSERT_EQ(1, write(h.go[1], "G", 1));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(h.go[0]);
	close(h.go[1]);
}

TEST_HARNESS_MAIN
