// SPDX-License-Identifier: GPL-2.0
/*
 * What the supervisor writes to --out is paced per cell (--out-rate N a
 * second, 5 s of them at once): a cell that floods gets its burst
 * written and the rest summed up in one "dropped" line, other cells lose
 * nothing. On a fake load (tests/fake_load.h), records written into its
 * rings by tests/fake_ring.h, all there before the supervisor starts: it
 * reads them in far less than the second one more record takes to earn.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "fake_ring.h"
#include "loader_run.h"

#define FLOODER "flooder"
/* A cell that is none of the fake load's: the lookup of its name finds nothing. */
#define QUIET_CGID (1ULL << 40)
#define FLOOD 20
#define QUIET 3

FIXTURE(supervised) {
	struct fake_env env;
	struct isolate *iso;
	struct isolate_cell_state flooder;
	int writer;
	__u64 seq;
	char out[PATH_MAX];
	char metrics[PATH_MAX];
	char *text;		/* what the supervisor wrote to out */
	char cell[sizeof(FLOODER)];	/* destroyed at teardown when made */
};

FIXTURE_SETUP(supervised)
{
	int err = fake_env_up(&self->env);

	self->iso = NULL;
	self->writer = -1;
	self->seq = 0;
	self->text = NULL;
	self->cell[0] = '\0';
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	snprintf(self->out, sizeof(self->out), "%s/events.jsonl", self->env.state);
	snprintf(self->metrics, sizeof(self->metrics), "%s/metrics.prom", self->env.state);
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, create_empty_cell(self->iso, FLOODER)) TH_LOG("%s", isolate_last_error());
	strcpy(self->cell, FLOODER);
	ASSERT_EQ(0, isolate_cell_get(self->iso, FLOODER, &self->flooder));
	self->writer = fake_ring_writer(self->env.bpffs, "log", sizeof(struct isolate_event_log));
	ASSERT_LE(0, self->writer) TH_LOG("%s", strerror(-self->writer));
}

FIXTURE_TEARDOWN(supervised)
{
	free(self->text);
	if (self->writer >= 0)
		close(self->writer);
	fake_env_close(&self->env, self->iso, self->cell);
}

static int logs_of(FIXTURE_DATA(supervised) *self, __u64 cgid, int n)
{
	for (int i = 0; i < n; i++) {
		struct isolate_event_log e = fake_log_record(cgid, self->seq++, "flood");
		int err = fake_ring_write(self->writer, &e.hdr);

		if (err)
			return err;
	}
	return 0;
}

/* A whole file, in a buffer to free; NULL if unreadable. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t len;
	char *text;

	if (!f)
		return NULL;
	text = malloc(1 << 20);
	if (text) {
		len = fread(text, 1, (1 << 20) - 1, f);
		text[len] = '\0';
	}
	fclose(f);
	return text;
}

/* The supervisor at --out-rate rate, until the records are read; its output read in. */
static int supervise(FIXTURE_DATA(supervised) *self, const char *rate)
{
	char args[3 * PATH_MAX], sample[96];
	int status;

	snprintf(args, sizeof(args),
		 "supervise --out %s --out-rate %s --metrics-file %s --timeout 0.5", self->out, rate,
		 self->metrics);
	status = loader_run(args, sample, sizeof(sample));
	self->text = slurp(self->out);
	return self->text ? status : -1;
}

/* The lines of the output that have both what1 and what2. */
static int lines_with(const char *text, const char *what1, const char *what2)
{
	int n = 0;

	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *a = memmem(line, len, what1, strlen(what1));
		const char *b = memmem(line, len, what2, strlen(what2));

		n += a && b;
		line += len + (end != NULL);
	}
	return n;
}

static void cgroup_member(char *out, size_t len, __u64 cgid)
{
	snprintf(out, len, "\"cgroup_id\":%llu,", (unsigned long long)cgid);
}

TEST_F(supervised, a_flooding_cell_gets_its_burst_written_and_the_rest_counted)
{
	char flooder[48], quiet[48], dropped[128], metric[128];
	char *metrics;

	cgroup_member(flooder, sizeof(flooder), self->flooder.cgid);
	cgroup_member(quiet, sizeof(quiet), QUIET_CGID);
	ASSERT_EQ(0, logs_of(self, self->flooder.cgid, FLOOD));
	ASSERT_EQ(0, logs_of(self, QUIET_CGID, QUIET));

	/* 1 a second: a burst of 5. */
	ASSERT_EQ(0, supervise(self, "1"));
	EXPECT_EQ(5, lines_with(self->text, "{\"class\":\"log\",", flooder)) {
		TH_LOG("%s", self->text);
	}
	EXPECT_EQ(QUIET, lines_with(self->text, "{\"class\":\"log\",", quiet));
	/* Its lifecycle record is not the cell's to make: written, and counted nowhere. */
	EXPECT_EQ(1, lines_with(self->text, "{\"class\":\"lifecycle\",", flooder));
	snprintf(dropped, sizeof(dropped),
		 "{\"class\":\"dropped\",\"cell\":\"%s\",%s", FLOODER, flooder);
	EXPECT_EQ(1, lines_with(self->text, dropped, ",\"reason\":\"out-rate\",\"dropped\":{\"log\":15}}"));
	EXPECT_EQ(1, lines_with(self->text, "{\"class\":\"dropped\",", "")) {
		TH_LOG("%s", self->text);
	}
	metrics = slurp(self->metrics);
	ASSERT_NE(NULL, metrics);
	snprintf(metric, sizeof(metric), "\nisolate_events_out_dropped_total{class=\"log\"} %d\n",
		 FLOOD - 5);
	EXPECT_NE(NULL, strstr(metrics, metric));
	free(metrics);
}

TEST_F(supervised, out_rate_0_writes_everything)
{
	char flooder[48];

	cgroup_member(flooder, sizeof(flooder), self->flooder.cgid);
	ASSERT_EQ(0, logs_of(self, self->flooder.cgid, FLOOD));
	ASSERT_EQ(0, supervise(self, "0"));
	EXPECT_EQ(FLOOD, lines_with(self->text, "{\"class\":\"log\",", flooder));
	EXPECT_EQ(0, lines_with(self->text, "{\"class\":\"dropped\",", ""));
}

/*
 * Requests of a cell without the right to ask (answered, not granted, and
 * said on stderr) in a loop: one line said, the rest counted in one more.
 */
TEST_F(supervised, a_cells_refused_requests_are_said_once_a_second)
{
	char expected[160], out[1 << 14];
	int writer = fake_ring_writer(self->env.bpffs, "broker",
				      sizeof(struct isolate_event_broker));

	ASSERT_LE(0, writer) TH_LOG("%s", strerror(-writer));
	for (int i = 0; i < FLOOD; i++) {
		struct isolate_event_broker e = {
			.hdr = {
				.abi_version = ISOLATE_EVENT_ABI_VERSION,
				.event_class = ISOLATE_EVENT_BROKER,
				.size = sizeof(e),
				.cell_cgid = self->flooder.cgid,
				.seq = (__u64)i,
			},
			.request_id = (__u64)i + 1,
			.right = ISOLATE_BROKER_READ,
			.len = 2,
			.target = "/x",
		};

		ASSERT_EQ(0, fake_ring_write(writer, &e.hdr));
	}
	close(writer);
	ASSERT_EQ(0, loader_run("supervise --out /dev/null --timeout 0.5 2>&1", out, sizeof(out)));
	EXPECT_EQ(2, lines_with(out, "supervise: ", "")) TH_LOG("%s", out);
	EXPECT_EQ(1, lines_with(out, "supervise: request 1 of flooder refused: ", "")) {
		TH_LOG("%s", out);
	}
	snprintf(expected, sizeof(expected),
		 "supervise: %d more lines on broker requests of %s (cgroup %llu) not said (one a second)\n",
		 FLOOD - 1, FLOODER, (unsigned long long)self->flooder.cgid);
	EXPECT_NE(NULL, strstr(out, expected)) TH_LOG("%s", out);
}

TEST_HARNESS_MAIN
