// SPDX-License-Identifier: GPL-2.0
/*
 * The broker's answer to a request, on the host: the rules decide, the
 * grant fails before it reaches the kernel (the target cannot be written
 * in a policy), and the reason is what the supervisor logs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/events.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"

/* A file name a cell may make: a line of its own, then a terminal's title. */
static const char hostile[] = "x\nsupervise: forged\x1b]0;x\x07";

FIXTURE(broker) {
	char dir[64];
	char state[80];
	char rules[80];
	char target[ISOLATE_BROKER_TARGET_MAX];
	struct isolate_broker *b;
};

FIXTURE_SETUP(broker)
{
	FILE *f;
	int fd;

	strcpy(self->dir, "/tmp/broker_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->state, sizeof(self->state), "%s/state", self->dir);
	ASSERT_EQ(0, mkdir(self->state, 0700));
	ASSERT_EQ(0, setenv("ISOLATE_STATE_DIR", self->state, 1));
	snprintf(self->rules, sizeof(self->rules), "%s/rules", self->dir);
	f = fopen(self->rules, "w");
	ASSERT_NE(NULL, f);
	fputs("* read * allow 60\n", f);
	fclose(f);
	snprintf(self->target, sizeof(self->target), "%s/%s", self->dir, hostile);
	fd = open(self->target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, isolate_broker_open(&self->b, self->rules, NULL)) {
		TH_LOG("%s", isolate_last_error());
	}
}

FIXTURE_TEARDOWN(broker)
{
	char cmd[128];

	isolate_broker_close(self->b);
	unsetenv("ISOLATE_STATE_DIR");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
}

/* The request for the hostile file, by cell "c"; the broker's return. */
static int request(struct isolate_broker *b, const char *target)
{
	struct isolate_event_broker e = {
		.hdr.event_class = ISOLATE_EVENT_BROKER,
		.request_id = 7,
		.right = ISOLATE_BROKER_READ,
		.len = (__u32)strlen(target),
	};

	memcpy(e.target, target, e.len);
	return isolate_broker_request(b, NULL, "c", &e);
}

/* The reason the grant failed is kept under the broker's own words. */
TEST_F(broker, a_failed_grant_says_why)
{
	ASSERT_EQ(-EINVAL, request(self->b, self->target));
	EXPECT_EQ(0, strncmp("granting read:", isolate_last_error(), 14)) {
		TH_LOG("%s", isolate_last_error());
	}
	EXPECT_NE(NULL, strstr(isolate_last_error(),
			       " to c failed: expected a path without control characters, got byte 0x0a")) {
		TH_LOG("%s", isolate_last_error());
	}
}

TEST_HARNESS_MAIN
