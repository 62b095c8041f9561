// SPDX-License-Identifier: GPL-2.0
/*
 * What the supervisor keeps for a replay: the newest records of each class,
 * so that one cell writing logs in bulk does not push every cell's denials
 * out; replayed in the order they came, only of the classes asked for.
 */
#include <stdlib.h>

#include "common/event_keep.h"
#include "kselftest_harness.h"

#define CLASS_BIT(c) (1U << (c))

struct seen {
	int n, deny, log;
	__u64 first_seq, last_seq;
	unsigned long long last_ts;
	bool out_of_order;
};

static bool count(void *ctx, const void *record, size_t size)
{
	const struct isolate_event_hdr *h = record;
	struct seen *s = ctx;

	if (!s->n)
		s->first_seq = h->seq;
	s->out_of_order |= s->n && h->ts_ns < s->last_ts;
	s->last_ts = h->ts_ns;
	s->last_seq = h->seq;
	s->n++;
	s->deny += h->event_class == ISOLATE_EVENT_DENY;
	s->log += h->event_class == ISOLATE_EVENT_LOG;
	return true;
}

/* Records of class c, seq from first on, at ts_ns from *ts on. */
static void add(struct event_keep *keep, __u16 c, __u64 first, int n, __u64 *ts)
{
	for (int i = 0; i < n; i++) {
		struct isolate_event_hdr h = {
			.abi_version = ISOLATE_EVENT_ABI_VERSION,
			.event_class = c,
			.size = sizeof(h),
			.seq = first + (__u64)i,
			.ts_ns = (*ts)++,
		};

		event_keep_add(keep, &h, sizeof(h));
	}
}

TEST(a_flood_of_logs_keeps_the_denials)
{
	struct event_keep *keep = event_keep_new();
	struct seen denies = { 0 }, all = { 0 };
	__u64 ts = 1;

	ASSERT_NE(NULL, keep);
	add(keep, ISOLATE_EVENT_DENY, 1, 10, &ts);
	add(keep, ISOLATE_EVENT_LOG, 1, 5 * EVENT_KEEP_PER_CLASS, &ts);
	event_keep_each(keep, CLASS_BIT(ISOLATE_EVENT_DENY), count, &denies);
	EXPECT_EQ(10, denies.n);
	EXPECT_EQ(10, denies.deny);
	EXPECT_EQ(1ULL, denies.first_seq);
	EXPECT_EQ(10ULL, denies.last_seq);
	event_keep_each(keep, 0, count, &all);
	EXPECT_EQ(10 + EVENT_KEEP_PER_CLASS, all.n);
	EXPECT_EQ(10, all.deny);
	EXPECT_EQ(EVENT_KEEP_PER_CLASS, all.log);
	EXPECT_EQ(5ULL * EVENT_KEEP_PER_CLASS, all.last_seq);
	EXPECT_FALSE(all.out_of_order);
	event_keep_free(keep);
}

TEST(each_class_keeps_its_newest_in_the_order_they_came)
{
	struct event_keep *keep = event_keep_new();
	struct seen denies = { 0 }, both = { 0 };
	__u64 ts = 1;

	ASSERT_NE(NULL, keep);
	/* Interleaved: deny 1..2000 and log 1..2000 one after the other. */
	for (__u64 i = 1; i <= 2000; i++) {
		add(keep, ISOLATE_EVENT_DENY, i, 1, &ts);
		add(keep, ISOLATE_EVENT_LOG, i, 1, &ts);
	}
	event_keep_each(keep, CLASS_BIT(ISOLATE_EVENT_DENY), count, &denies);
	EXPECT_EQ(EVENT_KEEP_PER_CLASS, denies.n);
	EXPECT_EQ(2000ULL - EVENT_KEEP_PER_CLASS + 1, denies.first_seq);
	EXPECT_EQ(2000ULL, denies.last_seq);
	event_keep_each(keep, CLASS_BIT(ISOLATE_EVENT_DENY) | CLASS_BIT(ISOLATE_EVENT_LOG),
			count, &both);
	EXPECT_EQ(2 * EVENT_KEEP_PER_CLASS, both.n);
	EXPECT_FALSE(both.out_of_order);
	event_keep_free(keep);
}

static bool first_only(void *ctx, const void *record, size_t size)
{
	return !++*(int *)ctx;
}

TEST(a_replay_stops_when_asked)
{
	struct event_keep *keep = event_keep_new();
	__u64 ts = 1;
	int calls = 0;

	ASSERT_NE(NULL, keep);
	add(keep, ISOLATE_EVENT_DENY, 1, 5, &ts);
	event_keep_each(keep, 0, first_only, &calls);
	EXPECT_EQ(1, calls);
	event_keep_free(keep);
}

TEST_HARNESS_MAIN
