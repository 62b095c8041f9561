// SPDX-License-Identifier: GPL-2.0
/*
 * A reader of the rings (`events --take`) is told how many records it
 * never saw: those the kernel numbered and found no room for. Records are
 * written by libisolate's lifecycle program on a fake load
 * (tests/fake_load.h), as its lifecycle events are.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "loader_run.h"

#define ATTEMPTS_MAX 2000
#define TAKEN_FIRST 100

FIXTURE(loaded) {
	struct fake_env env;
	int emit;		/* the lifecycle program */
	bool refused[ATTEMPTS_MAX];	/* by sequence number: no room for it */
	unsigned int attempts;
};

FIXTURE_SETUP(loaded)
{
	char path[PATH_MAX];
	int err = fake_env_up(&self->env);

	self->emit = -1;
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	fake_pin_path(self->env.bpffs, ISOLATE_PIN_PROGS, "isolate_emit_lifecycle", path,
		      sizeof(path));
	self->emit = bpf_obj_get(path);
	ASSERT_LE(0, self->emit);
}

FIXTURE_TEARDOWN(loaded)
{
	if (self->emit >= 0)
		close(self->emit);
	fake_env_down(&self->env);
}

/*
 * One lifecycle record of the cell with id cell_id (each cell has its
 * share of a crowded ring), numbered in turn; whether it found room.
 */
static bool emit(FIXTURE_DATA(loaded) *self, __u32 cell_id)
{
	struct isolate_lifecycle_args args = {
		.cgid = 1000 + cell_id, .cell_id = cell_id, .generation = 1,
		.what = ISOLATE_LIFECYCLE_CREATED, .name = "flood",
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &args, .ctx_size_in = sizeof(args));
	bool room = !bpf_prog_test_run_opts(self->emit, &opts) && opts.retval == 0;

	self->refused[self->attempts++] = !room;
	return room;
}

static int stop_at(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	unsigned int *left = ctx;

	return --*left == 0;
}

/*
 * The ring fills and refuses records; a reader takes the first ones, which
 * makes room for one more; `events --take` then reads the rest, with the
 * refused ones between: a gap in the numbers, which it must report.
 */
TEST_F(loaded, events_take_reports_the_records_the_rings_had_no_room_for)
{
	struct isolate_events *ev = NULL;
	struct isolate *iso = NULL;
	unsigned int left = TAKEN_FIRST, refused = 0, lost = ~0U;
	char *out = malloc(1 << 20), *last;
	int status;

	ASSERT_NE(NULL, out);
	while (refused < 3 && self->attempts < ATTEMPTS_MAX)
		refused += !emit(self, 1);
	ASSERT_EQ(3U, refused);
	for (unsigned int seq = 0; seq < TAKEN_FIRST; seq++)
		ASSERT_FALSE(self->refused[seq]);
	ASSERT_EQ(0, isolate_open(&iso));
	ASSERT_EQ(0, isolate_events_open(iso, stop_at, &left, &ev));
	/* Stopped by the callback: 0. */
	ASSERT_EQ(0, isolate_events_poll(ev, 0));
	ASSERT_EQ(0U, left);
	isolate_events_close(ev);
	isolate_close(iso);
	/* Another cell, within its share: the room made is its. */
	ASSERT_TRUE(emit(self, 2));
	/* Between the first read and the last: the refused ones. */
	refused = 0;
	for (unsigned int seq = TAKEN_FIRST; seq < self->attempts; seq++)
		refused += self->refused[seq];

	status = loader_run("-j events --take 2>/dev/null", out, 1 << 20);
	EXPECT_EQ(0, status);
	last = strrchr(out, '{');
	ASSERT_NE(NULL, last);
	EXPECT_EQ(1, sscanf(last, "{\"lost\":%u}", &lost)) {
		TH_LOG("last line: %s", last);
	}
	EXPECT_EQ(refused, lost);
	free(out);
}

TEST_HARNESS_MAIN
