// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics programs in cells report, as the supervisor keeps them: a
 * cell's series are its own, bounded per cell, gone with the cell (its
 * reports read after its end too); a counter saturates; a name keeps its
 * kind in a cell, and cells that disagree on a name's kind make its family
 * untyped, not one another's; the supervisor's own family is no cell's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/app_metrics.h"
#include "kselftest_harness.h"

static struct isolate_event_metric metric(const char *name, __u32 kind, __s64 value)
{
	struct isolate_event_metric e = { .kind = kind, .value = value };

	snprintf(e.name, sizeof(e.name), "%s", name);
	return e;
}

/* A report made at ts_ns (CLOCK_MONOTONIC). */
static bool add_at(struct app_metrics *m, __u64 cgid, const char *cell, const char *name,
		   __u32 kind, __s64 value, __u64 ts_ns)
{
	struct isolate_event_metric e = metric(name, kind, value);

	e.hdr.ts_ns = ts_ns;
	return app_metrics_add(m, cgid, cell, &e);
}

static bool add(struct app_metrics *m, __u64 cgid, const char *cell, const char *name,
		__u32 kind, __s64 value)
{
	return add_at(m, cgid, cell, name, kind, value, 0);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* The Prometheus text, in a buffer to free. */
static char *text(const struct app_metrics *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	app_metrics_write(m, f);
	fclose(f);
	return buf;
}

TEST(a_cell_full_of_series_leaves_the_others_theirs)
{
	struct app_metrics *m = app_metrics_new();
	char name[32], *t;
	int kept = 0;

	ASSERT_NE(NULL, m);
	for (int i = 0; i < 4096; i++) {
		snprintf(name, sizeof(name), "flood_%d", i);
		kept += add(m, 1, "flood", name, ISOLATE_METRIC_COUNTER, 1);
	}
	EXPECT_EQ(APP_METRICS_PER_CELL, kept);
	EXPECT_TRUE(add(m, 2, "quiet", "files", ISOLATE_METRIC_COUNTER, 3));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "isolate_app_files{cell=\"quiet\"} 3\n"));
	EXPECT_NE(NULL, strstr(t, "isolate_app_metrics_dropped_total{cell=\"flood\"} 4032\n"));
	EXPECT_NE(NULL, strstr(t, "isolate_app_metrics_dropped_total{cell=\"quiet\"} 0\n"));
	free(t);
	app_metrics_free(m);
}

TEST(a_destroyed_cell_takes_its_series)
{
	struct app_metrics *m = app_metrics_new();
	char *t;

	ASSERT_NE(NULL, m);
	EXPECT_TRUE(add(m, 1, "gone", "files", ISOLATE_METRIC_COUNTER, 3));
	EXPECT_TRUE(add(m, 2, "kept", "files", ISOLATE_METRIC_COUNTER, 4));
	app_metrics_forget(m, 1, 10);
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(NULL, strstr(t, "cell=\"gone\""));
	EXPECT_NE(NULL, strstr(t, "isolate_app_files{cell=\"kept\"} 4\n"));
	free(t);
	/* A new cell of the same name starts from nothing. */
	EXPECT_TRUE(add(m, 3, "gone", "files", ISOLATE_METRIC_COUNTER, 1));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "isolate_app_files{cell=\"gone\"} 1\n"));
	free(t);
	app_metrics_free(m);
}

/*
 * A cell flooding reports before its end has some read after its destroyed
 * event (a poll reads 256 of a class): they must not make its entry again,
 * for good, nor a second series of its name beside a new cell's.
 */
TEST(reports_read_after_a_cells_end_are_ignored)
{
	struct app_metrics *m = app_metrics_new();
	char *t;

	ASSERT_NE(NULL, m);
	EXPECT_TRUE(add_at(m, 1, "agent", "files", ISOLATE_METRIC_COUNTER, 3, 100));
	app_metrics_forget(m, 1, 200);
	EXPECT_FALSE(add_at(m, 1, "agent", "files", ISOLATE_METRIC_COUNTER, 5, 150));
	EXPECT_FALSE(add_at(m, 1, "agent", "late", ISOLATE_METRIC_GAUGE, 7, 199));
	/* A new cell of the name, after: its own series alone. */
	EXPECT_TRUE(add_at(m, 2, "agent", "files", ISOLATE_METRIC_COUNTER, 1, 300));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1U, count(t, "isolate_app_metrics_dropped_total{cell=\"agent\"} 0\n")) {
		TH_LOG("%s", t);
	}
	EXPECT_EQ(1U, count(t, "isolate_app_files{"));
	EXPECT_NE(NULL, strstr(t, "isolate_app_files{cell=\"agent\"} 1\n"));
	EXPECT_EQ(NULL, strstr(t, "isolate_app_late"));
	free(t);
	app_metrics_free(m);
}

/* Its reports all read before, a cell's end is forgotten (the memory is bounded). */
TEST(cells_ended_long_ago_are_forgotten)
{
	struct app_metrics *m = app_metrics_new();

	ASSERT_NE(NULL, m);
	for (__u64 cgid = 1; cgid <= 100000; cgid++)
		app_metrics_forget(m, cgid, cgid);
	/* The last ends are remembered, whatever came before. */
	EXPECT_FALSE(add_at(m, 100000, "c", "files", ISOLATE_METRIC_COUNTER, 1, 50000));
	/* A report made after an end says every report before it was read. */
	EXPECT_TRUE(add_at(m, 100001, "d", "files", ISOLATE_METRIC_COUNTER, 1, 100001));
	EXPECT_TRUE(add_at(m, 99999, "c", "files", ISOLATE_METRIC_COUNTER, 1, 100002));
	app_metrics_free(m);
}

/*
 * The supervisor writes isolate_app_metrics_dropped_total itself: a cell
 * reporting metrics_dropped_total would add a second TYPE line of the
 * family, and a strict reader (Prometheus' own) would refuse all of it.
 */
TEST(the_supervisors_family_is_no_cells)
{
	struct app_metrics *m = app_metrics_new();
	char *t;

	ASSERT_NE(NULL, m);
	EXPECT_FALSE(add(m, 1, "agent", "metrics_dropped_total", ISOLATE_METRIC_GAUGE, 0));
	EXPECT_TRUE(add(m, 1, "agent", "metrics_dropped", ISOLATE_METRIC_COUNTER, 2));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_EQ(1U, count(t, "# TYPE isolate_app_metrics_dropped_total ")) {
		TH_LOG("%s", t);
	}
	EXPECT_EQ(1U, count(t, "isolate_app_metrics_dropped_total{"));
	EXPECT_NE(NULL, strstr(t, "isolate_app_metrics_dropped_total{cell=\"agent\"} 1\n"));
	free(t);
	app_metrics_free(m);
}

TEST(a_counter_saturates)
{
	struct app_metrics *m = app_metrics_new();
	char *t;

	ASSERT_NE(NULL, m);
	EXPECT_TRUE(add(m, 1, "c", "up", ISOLATE_METRIC_COUNTER, INT64_MAX));
	EXPECT_TRUE(add(m, 1, "c", "up", ISOLATE_METRIC_COUNTER, 1));
	EXPECT_TRUE(add(m, 1, "c", "down", ISOLATE_METRIC_COUNTER, INT64_MIN));
	EXPECT_TRUE(add(m, 1, "c", "down", ISOLATE_METRIC_COUNTER, -1));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "isolate_app_up{cell=\"c\"} 9223372036854775807\n"));
	EXPECT_NE(NULL, strstr(t, "isolate_app_down{cell=\"c\"} -9223372036854775808\n"));
	free(t);
	app_metrics_free(m);
}

TEST(a_name_keeps_its_kind)
{
	struct app_metrics *m = app_metrics_new();
	char *t;

	ASSERT_NE(NULL, m);
	EXPECT_TRUE(add(m, 1, "a", "load", ISOLATE_METRIC_GAUGE, 5));
	EXPECT_FALSE(add(m, 1, "a", "load", ISOLATE_METRIC_COUNTER, 7));
	EXPECT_FALSE(add(m, 1, "a", "load", 2, 7));
	EXPECT_FALSE(add(m, 1, "a", "9lives", ISOLATE_METRIC_GAUGE, 7));
	EXPECT_TRUE(add(m, 2, "b", "done", ISOLATE_METRIC_COUNTER, 1));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "# TYPE isolate_app_load gauge\nisolate_app_load{cell=\"a\"} 5\n"));
	EXPECT_NE(NULL, strstr(t, "isolate_app_metrics_dropped_total{cell=\"a\"} 3\n"));
	EXPECT_NE(NULL, strstr(t, "# TYPE isolate_app_done counter\n"));
	free(t);
	app_metrics_free(m);
}

TEST(cells_that_disagree_on_a_kind_make_it_untyped)
{
	struct app_metrics *m = app_metrics_new();
	char *t;

	ASSERT_NE(NULL, m);
	EXPECT_TRUE(add(m, 1, "a", "jobs", ISOLATE_METRIC_GAUGE, 5));
	EXPECT_TRUE(add(m, 2, "b", "jobs", ISOLATE_METRIC_COUNTER, 2));
	t = text(m);
	ASSERT_NE(NULL, t);
	EXPECT_NE(NULL, strstr(t, "# TYPE isolate_app_jobs untyped\n"
				  "isolate_app_jobs{cell=\"a\"} 5\nisolate_app_jobs{cell=\"b\"} 2\n"));
	free(t);
	app_metrics_free(m);
}

TEST_HARNESS_MAIN
