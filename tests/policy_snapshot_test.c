// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots read back exactly: what a snapshot writes reads back equal;
 * an unknown key, a version in quotes or of another number, extends, a bad
 * capability text, a mode record, a budget twice are errors placed at
 * file:line:column of the input, named as the caller names it (restore:
 * the file), like policy errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "policy_test_util.h"

/* A valid snapshot, one member a line; each case changes one line. */
#define HEAD "{\n  \"isolate_snapshot\": 1,\n  \"cell\": {\n    \"name\": \"agent\",\n"
#define MODE "    \"mode\": \"enforce\",\n"
#define CAPS "    \"capabilities\": [\n" \
	"      {\"kind\": \"pids\", \"text\": \"pids:64\", \"max\": 64}\n    ]\n"
#define TAIL "  }\n}\n"

/* read_snapshot of json named snap.json: its error, the policy freed. */
static int read_snap(const char *json, const char *new_name, struct isolate_diag *d)
{
	struct isolate_cell_policy *pol = NULL;
	int err;

	memset(d, 0, sizeof(*d));
	err = isolate_cell_policy_read_snapshot("snap.json", json, strlen(json), new_name, &pol,
						d);
	if (!err != !!pol)
		return -EIO;	/* a policy exactly when it succeeded */
	isolate_cell_policy_free(pol);
	return err;
}

TEST(what_a_snapshot_writes_reads_back_equal)
{
	static const char *const texts[] = {
		"read:/srv", "deny-write:/srv/secret", "read?:/opt/x", "connect:tcp:10.0.0.0/8:443",
		"memory:512M", "pids:64", "broker:read", "namespace:user", "mode:audit",
	};
	struct isolate_cell_policy *c = cell_of("agent", texts, sizeof(texts) / sizeof(texts[0]));
	struct isolate_cell_policy *back = NULL;
	struct isolate_diag d = { 0 };
	char *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&json, &len);

	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, isolate_cell_policy_write_snapshot(c, f, true));
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, isolate_cell_policy_read_snapshot("snap.json", json, len, NULL, &back, &d)) {
		TH_LOG("%s:%u:%u: %s\n%s", d.file, d.line, d.column, d.msg, json);
	}
	EXPECT_TRUE(isolate_cell_policy_equal(c, back));
	isolate_cell_policy_free(back);
	isolate_cell_policy_free(c);
	free(json);

	EXPECT_EQ(0, read_snap(HEAD MODE CAPS TAIL, NULL, &d)) TH_LOG("%s", d.msg);
	EXPECT_EQ(0, read_snap(HEAD MODE "    \"extends\": [],\n" CAPS TAIL, NULL, &d))
		TH_LOG("%s", d.msg);
}

TEST(unknown_keys_are_errors_at_their_place)
{
	struct isolate_diag d;

	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE CAPS "  },\n  \"signed_by\": \"me\"\n}\n", NULL, &d));
	EXPECT_STREQ("snap.json", d.file);
	EXPECT_EQ(10U, d.line);
	EXPECT_EQ(3U, d.column);
	EXPECT_STREQ("expected a snapshot key isolate_snapshot or cell, got 'signed_by'", d.msg);

	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"capabilites\": []\n" TAIL, NULL, &d));
	EXPECT_STREQ("snap.json", d.file);
	EXPECT_EQ(6U, d.line);
	EXPECT_EQ(5U, d.column);
	EXPECT_STREQ("expected a cell key name, mode, extends or capabilities, got 'capabilites' (did you mean 'capabilities'?)",
		     d.msg);

	/* A member twice is no more read than an unknown one. */
	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE MODE CAPS TAIL, NULL, &d));
	EXPECT_EQ(6U, d.line);
	EXPECT_NE(NULL, strstr(d.msg, "got 'mode' again")) TH_LOG("%s", d.msg);
}

TEST(the_version_is_the_number_1)
{
	struct isolate_diag d;

	EXPECT_EQ(-EINVAL, read_snap("{\n  \"isolate_snapshot\": \"1\",\n  \"cell\": {\n"
				     "    \"name\": \"agent\",\n" MODE CAPS TAIL, NULL, &d));
	EXPECT_STREQ("snap.json", d.file);
	EXPECT_EQ(2U, d.line);
	EXPECT_EQ(23U, d.column);
	EXPECT_STREQ("expected a snapshot version written without quotes, got '1'", d.msg);

	EXPECT_EQ(-EINVAL, read_snap("{\n  \"isolate_snapshot\": 2,\n  \"cell\": {\n"
				     "    \"name\": \"agent\",\n" MODE CAPS TAIL, NULL, &d));
	EXPECT_EQ(2U, d.line);
	EXPECT_STREQ("expected an isolate snapshot of version 1, got 2", d.msg);

	EXPECT_EQ(-EINVAL, read_snap("{\"cell\": {}}", NULL, &d));
	EXPECT_STREQ("expected keys isolate_snapshot and cell in a snapshot", d.msg);
}

TEST(members_have_their_types)
{
	struct isolate_diag d;

	EXPECT_EQ(-EINVAL, read_snap(HEAD "    \"mode\": \"strict\",\n" CAPS TAIL, NULL, &d));
	EXPECT_EQ(5U, d.line);
	EXPECT_STREQ("expected mode enforce or audit, got 'strict'", d.msg);
	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"extends\": [\"base\"],\n" CAPS TAIL, NULL, &d));
	EXPECT_EQ(6U, d.line);
	EXPECT_NE(NULL, strstr(d.msg, "expected extends empty")) TH_LOG("%s", d.msg);
	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"capabilities\": {}\n" TAIL, NULL, &d));
	EXPECT_STREQ("expected a list of capabilities, got a mapping", d.msg);
	/* The capability's own error, at its text. */
	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"capabilities\": [\n"
				     "      {\"kind\": \"read\", \"text\": \"raed:/srv\"}\n    ]\n" TAIL,
				     NULL, &d));
	EXPECT_STREQ("snap.json", d.file);
	EXPECT_EQ(7U, d.line);
	EXPECT_EQ(32U, d.column);
	EXPECT_NE(NULL, strstr(d.msg, "(did you mean 'read:'?)")) TH_LOG("%s", d.msg);
	/* A record saying more than its text. */
	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"capabilities\": [\n"
				     "      {\"kind\": \"pids\", \"text\": \"pids:64\", \"max\": 65}\n"
				     "    ]\n" TAIL, NULL, &d));
	EXPECT_EQ(7U, d.line);
	EXPECT_STREQ("the record of \"pids:64\" has members its text does not say", d.msg);
}

/*
 * The writer puts the mode in "mode" and one record of each budget; a
 * record that would change the mode, or replace a budget, is refused.
 */
TEST(a_record_cannot_change_the_mode_or_a_budget)
{
	struct isolate_diag d;

	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"capabilities\": [\n"
				     "      {\"kind\": \"pids\", \"text\": \"pids:64\", \"max\": 64},\n"
				     "      {\"kind\": \"mode\", \"text\": \"mode:audit\"}\n"
				     "    ]\n" TAIL, NULL, &d));
	EXPECT_EQ(8U, d.line);
	EXPECT_EQ(7U, d.column);
	EXPECT_STREQ("expected the mode in \"mode\", got a capability mode:audit", d.msg);

	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE "    \"capabilities\": [\n"
				     "      {\"kind\": \"memory\", \"text\": \"memory:1G\", \"bytes\": 1073741824},\n"
				     "      {\"kind\": \"pids\", \"text\": \"pids:64\", \"max\": 64},\n"
				     "      {\"kind\": \"memory\", \"text\": \"memory:2G\", \"bytes\": 2147483648}\n"
				     "    ]\n" TAIL, NULL, &d));
	EXPECT_EQ(9U, d.line);
	EXPECT_EQ(7U, d.column);
	EXPECT_STREQ("expected one memory capability in a snapshot, got another", d.msg);
}

/* Without a name from the caller, the input is "<snapshot>". */
TEST(the_input_is_named_by_the_caller)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_diag d = { 0 };
	const char *json = HEAD "    \"mode\": \"strict\",\n" CAPS TAIL;

	EXPECT_EQ(-EINVAL, isolate_cell_policy_read_snapshot(NULL, json, strlen(json), NULL, &pol,
							     &d));
	EXPECT_STREQ("<snapshot>", d.file);
	EXPECT_EQ(-EINVAL, read_snap("", NULL, &d));
	EXPECT_STREQ("snap.json", d.file);
	EXPECT_STREQ("expected a snapshot, got an empty document", d.msg);
	/* A bad --name is the caller's, not the file's. */
	EXPECT_EQ(-EINVAL, read_snap(HEAD MODE CAPS TAIL, "bad/name", &d));
	EXPECT_STREQ("", d.file);
	EXPECT_EQ(0, read_snap(HEAD MODE CAPS TAIL, "other", &d));
}

TEST_HARNESS_MAIN
