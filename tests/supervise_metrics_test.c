// SPDX-License-Identifier: GPL-2.0
/*
 * The supervisor's metrics name every cell, not the first 256 it finds:
 * on a fake load (tests/fake_load.h), more cells than that, and the
 * metrics file it leaves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "loader_run.h"

#define CELLS 300

FIXTURE(loaded) {
	struct fake_env env;
	struct isolate *iso;
	int made;
};

static void cell_name(int i, char *out, size_t len)
{
	snprintf(out, len, "cell-%03d", i);
}

FIXTURE_SETUP(loaded)
{
	int err = fake_env_up(&self->env);

	self->iso = NULL;
	self->made = 0;
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(loaded)
{
	char name[32];

	for (int i = 0; i < self->made; i++) {
		cell_name(i, name, sizeof(name));
		isolate_cell_destroy(self->iso, name);
	}
	isolate_close(self->iso);
	fake_env_down(&self->env);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

TEST_F(loaded, every_cell_has_its_counters)
{
	char name[32], metrics[PATH_MAX], args[PATH_MAX + 64], sample[96];
	size_t len = 0;
	char *text = NULL;
	FILE *f;

	for (; self->made < CELLS; self->made++) {
		struct isolate_cell_policy *pol;

		cell_name(self->made, name, sizeof(name));
		pol = isolate_cell_policy_new(name);
		ASSERT_NE(NULL, pol);
		ASSERT_EQ(0, isolate_cell_create(self->iso, name, pol, NULL)) {
			TH_LOG("%s", isolate_last_error());
		}
		isolate_cell_policy_free(pol);
	}
	snprintf(metrics, sizeof(metrics), "%s/metrics.prom", self->env.state);
	snprintf(args, sizeof(args), "supervise --out /dev/null --metrics-file %s --timeout 0.01",
		 metrics);
	ASSERT_EQ(0, loader_run(args, sample, sizeof(sample)));
	f = fopen(metrics, "r");
	ASSERT_NE(NULL, f);
	text = malloc(1 << 24);
	ASSERT_NE(NULL, text);
	len = fread(text, 1, (1 << 24) - 1, f);
	text[len] = '\0';
	fclose(f);

	EXPECT_EQ((size_t)CELLS, count(text, ",outcome=\"allowed\"} ")) {
		TH_LOG("%zu bytes of metrics", len);
	}
	cell_name(CELLS - 1, name, sizeof(name));
	snprintf(sample, sizeof(sample), "isolate_decisions_total{cell=\"%s\",outcome=\"denied\"} 0\n",
		 name);
	EXPECT_NE(NULL, strstr(text, sample));
	free(text);
}

TEST_HARNESS_MAIN
