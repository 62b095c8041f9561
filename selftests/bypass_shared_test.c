// SPDX-License-Identifier: GPL-2.0
/*
 * bypass (shared resources): what one cell can fill that others need. The
 * event rings are shared by every cell: a cell that floods one must not
 * cost a quiet cell its events. The fixture is in bypass.h.
 */
#include "bypass.h"

#include <signal.h>
#include <sys/wait.h>

static int flood_errno(void *arg)
{
	for (;;)
		open((const char *)arg, O_RDONLY | O_CLOEXEC);
	return 0;
}

struct seen {
	__u64 cgid;		/* the quiet cell */
	int quiet;		/* its deny events */
	int other;		/* everyone else's */
};

static int count_deny(void *ctx, const struct isolate_event_hdr *hdr, size_t size)
{
	struct seen *s = ctx;

	if (hdr->event_class != ISOLATE_EVENT_DENY)
		return 0;
	if (hdr->cell_cgid == s->cgid)
		s->quiet++;
	else
		s->other++;
	return 0;
}

static __u64 over_share(struct isolate *iso, const char *cell)
{
	struct isolate_cell_state st;

	if (isolate_cell_get(iso, cell, &st))
		return 0;
	return st.counters.events_over_share[ISOLATE_EVENT_DENY];
}

/*
 * With no reader draining the deny ring, one cell opens a denied file in
 * a loop until the kernel holds its events back (or for 60 s); then a
 * quiet cell is refused once. Its event is there: the flood filled half
 * the ring, not all of it.
 */
TEST_F_TIMEOUT(bypass, a_flooding_cell_leaves_room_for_the_others, 120)
{
	int quiet = test_env_cell(&self->env, "quiet", "read:%s/ro", NULL);
	const char *noisy = self->env.cells[self->ro].name;
	struct open_args denied = { test_path(&self->env, "denied/file"), O_RDONLY };
	struct isolate_cell_state st, before;
	struct isolate_events *ev;
	struct seen s = { 0 };
	__u64 held = 0;
	pid_t pid;

	ASSERT_LE(0, quiet);
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[quiet].name, &before));
	s.cgid = before.cgid;
	ASSERT_EQ(0, isolate_events_open(self->env.iso, count_deny, &s, &ev));
	while (isolate_events_poll(ev, 0) > 0)
		;	/* start from an empty ring */

	pid = start_in_cgroup(isolate_cell_cgroup_fd(self->env.iso, noisy), flood_errno,
			      (void *)denied.path);
	ASSERT_LT(0, pid);
	for (int i = 0; i < 6000 && held < 200; i++) {
		usleep(10 * 1000);
		held = over_share(self->env.iso, noisy);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	TH_LOG("held back from the flooding cell: %llu", (unsigned long long)held);
	EXPECT_LE(200ULL, held);

	EXPECT_EQ(EACCES, test_run(&self->env, quiet, open_errno, &denied));
	while (isolate_events_poll(ev, 100) > 0)
		;
	isolate_events_close(ev);
	TH_LOG("deny events read: quiet cell %d, others %d", s.quiet, s.other);
	EXPECT_EQ(1, s.quiet);
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[quiet].name, &st));
	EXPECT_EQ(before.counters.events_lost[ISOLATE_EVENT_DENY],
		  st.counters.events_lost[ISOLATE_EVENT_DENY]);
}

TEST_HARNESS_MAIN
