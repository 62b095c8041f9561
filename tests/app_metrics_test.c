// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics programs in cells report, as the supervisor keeps them: a
 * cell's series are its own, bounded per cell, gone with the cell; a
 * counter saturates; a name keeps its kind in a cell, and cells that
 * disagree on a name's kind make its family untyped, not one another's;
 * the supervisor's own family is no cell's.
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

static bool add(struct app_metrics *m, __u64 cgid, const char *cell, const char *name,
		__u32 kind, __s64 value)
{
	struct isolate_event_metric e = metric(name, kind, value);

	return app_metrics_add(m, cgid, cell, &e);
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
	app_metrics_forget(m, 1);
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
