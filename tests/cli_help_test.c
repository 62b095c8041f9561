// SPDX-License-Identifier: GPL-2.0
/*
 * Every isolate-loader command and subcommand explains itself: `--help`
 * and `help COMMAND` exit 0 with its usage on stdout, and a bad option
 * under -j is one JSON object on stdout with the usage exit code. Runs
 * the loader at $ISOLATE_LOADER (default build/bin/isolate-loader);
 * none of it needs isolate loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <yaml.h>

#include "kselftest_harness.h"
#include "loader_run.h"

static const char *const commands[] = {
	"load", "unload", "status", "features", "run", "grant", "revoke",
	"snapshot", "restore", "recycle", "rebind", "events", "supervise", "version",
	"cell create", "cell list", "cell show", "cell destroy",
	"policy check", "policy fmt", "policy compile", "policy explain", "policy suggest",
};

/* The loader's exit status and stdout; stderr dropped. */
static int run(const char *args, char *out, size_t len)
{
	char quiet[1024];

	snprintf(quiet, sizeof(quiet), "%s 2>/dev/null", args);
	return loader_run(quiet, out, len);
}

/*
 * Parses text as one JSON object of scalars (libyaml reads JSON) and
 * copies the value of key into val. Returns 0, or -1 when text is not
 * exactly one such object or has no key.
 */
static int json_member(const char *text, const char *key, char *val, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, found = -1, docs = 0;
	bool is_key = true, want = false, ok = true;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	while (ok) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ok = false;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			docs++;
			break;
		case YAML_MAPPING_START_EVENT:
			ok = depth++ == 0 && ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			if (depth != 1) {
				ok = false;
			} else if (is_key) {
				want = !strcmp((const char *)ev.data.scalar.value, key);
			} else if (want) {
				snprintf(val, len, "%s", (const char *)ev.data.scalar.value);
				found = 0;
			}
			is_key = !is_key;
			break;
		case YAML_DOCUMENT_END_EVENT:
		case YAML_STREAM_START_EVENT:
			break;
		default:
			ok = false;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok && docs == 1 ? found : -1;
}

TEST(every_command_prints_its_usage)
{
	char out[8192], args[128], want[128];

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(want, sizeof(want), "Usage: isolate-loader %s ", commands[i]);
		snprintf(args, sizeof(args), "%s --help", commands[i]);
		EXPECT_EQ(0, run(args, out, sizeof(out))) TH_LOG("%s", args);
		EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("%s: %s", args, out);

		snprintf(args, sizeof(args), "help %s", commands[i]);
		if (strchr(commands[i], ' ')) {
			/* "help cell create" is asked of the group: "cell help create". */
			const char *sp = strchr(commands[i], ' ');

			snprintf(args, sizeof(args), "%.*s help %s", (int)(sp - commands[i]),
				 commands[i], sp + 1);
		}
		EXPECT_EQ(0, run(args, out, sizeof(out))) TH_LOG("%s", args);
		EXPECT_EQ(0, strncmp(out, want, strlen(want))) TH_LOG("%s: %s", args, out);
	}
}

TEST(groups_and_the_top_answer_help)
{
	static const char *const asks[] = { "--help", "help", "-h", "cell --help", "cell help",
					    "policy --help", "policy help", "help cell" };
	char out[8192];

	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		EXPECT_EQ(0, run(asks[i], out, sizeof(out))) TH_LOG("%s", asks[i]);
		EXPECT_EQ(0, strncmp(out, "Usage: isolate-loader ", 22)) TH_LOG("%s: %s", asks[i], out);
	}
}

TEST(help_under_json_is_json)
{
	char out[8192], val[256];

	ASSERT_EQ(0, run("-j cell create --help", out, sizeof(out)));
	ASSERT_EQ(0, json_member(out, "command", val, sizeof(val))) TH_LOG("%s", out);
	EXPECT_STREQ("cell create", val);
	EXPECT_EQ(0, json_member(out, "usage", val, sizeof(val))) TH_LOG("%s", out);
}

/* The overviews too, each one JSON object naming its group ("" at the top). */
TEST(overviews_under_json_are_json)
{
	static const struct {
		const char *args, *group;
	} asks[] = { { "-j --help", "" }, { "-j -h", "" }, { "-j help", "" }, { "-j help help", "" },
		     { "-j cell --help", "cell" }, { "-j help cell", "cell" },
		     { "-j policy help", "policy" } };
	char out[8192], val[2048];

	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		EXPECT_EQ(0, run(asks[i].args, out, sizeof(out))) TH_LOG("%s", asks[i].args);
		ASSERT_EQ(0, json_member(out, "command", val, sizeof(val)))
			TH_LOG("%s: %s", asks[i].args, out);
		EXPECT_STREQ(asks[i].group, val) TH_LOG("%s", asks[i].args);
		ASSERT_EQ(0, json_member(out, "usage", val, sizeof(val))) TH_LOG("%s", out);
		EXPECT_EQ(0, strncmp(val, "Usage: isolate-loader ", 22)) TH_LOG("%s", val);
	}
}

/* No command is a usage error, as an unknown one is; JSON under -j. */
TEST(no_command_is_a_usage_error)
{
	static const char *const asks[] = { "", "-j", "cell", "-j policy" };
	char out[8192], val[256];

	for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		EXPECT_EQ(2, run(asks[i], out, sizeof(out))) TH_LOG("[%s]: %s", asks[i], out);
	}
	EXPECT_EQ(2, run("-j cell", out, sizeof(out)));
	ASSERT_EQ(0, json_member(out, "error", val, sizeof(val))) TH_LOG("%s", out);
	EXPECT_STREQ("cell: no command given (try cell --help)", val);
}

TEST(a_bad_option_is_a_json_usage_error)
{
	char out[8192], args[128], val[1024];

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		snprintf(args, sizeof(args), "-j %s --no-such-option", commands[i]);
		EXPECT_EQ(2, run(args, out, sizeof(out))) TH_LOG("%s: %s", args, out);
		ASSERT_EQ(0, json_member(out, "exit_code", val, sizeof(val))) TH_LOG("%s: %s", args, out);
		EXPECT_STREQ("2", val) TH_LOG("%s", args);
		EXPECT_EQ(0, json_member(out, "error", val, sizeof(val))) TH_LOG("%s: %s", args, out);
		/* One object, one line. */
		EXPECT_EQ(strlen(out) - 1, strcspn(out, "\n")) TH_LOG("%s: %s", args, out);
	}
}

TEST(usage_errors_of_every_kind_are_json)
{
	static const char *const bad[] = {
		"-j --no-such-global", "-j no-such-command", "-j run --timeout",
		"-j cell no-such-sub", "-j policy no-such-sub", "-j r",	/* run or revoke or ... */
		"-j run --timeout soon -- true", "-j features --btf x",
	};
	char out[8192], val[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(2, run(bad[i], out, sizeof(out))) TH_LOG("%s: %s", bad[i], out);
		ASSERT_EQ(0, json_member(out, "exit_code", val, sizeof(val))) TH_LOG("%s: %s", bad[i], out);
		EXPECT_STREQ("2", val);
	}
}

TEST(policy_errors_carry_their_position)
{
	char out[8192], val[256];

	ASSERT_EQ(1, run("-j policy check tests/golden/port_out_of_range.yaml", out, sizeof(out)));
	ASSERT_EQ(0, json_member(out, "file", val, sizeof(val))) TH_LOG("%s", out);
	EXPECT_STREQ("tests/golden/port_out_of_range.yaml", val);
	ASSERT_EQ(0, json_member(out, "line", val, sizeof(val)));
	EXPECT_STREQ("6", val);
	ASSERT_EQ(0, json_member(out, "column", val, sizeof(val)));
	EXPECT_STREQ("52", val);
	ASSERT_EQ(0, json_member(out, "message", val, sizeof(val)));
	EXPECT_STREQ("expected a port 1..65535, got 70000", val);
}

TEST(version_names_the_abis)
{
	char out[1024], val[64];

	ASSERT_EQ(0, run("-j version", out, sizeof(out)));
	ASSERT_EQ(0, json_member(out, "version", val, sizeof(val))) TH_LOG("%s", out);
	EXPECT_STREQ(ISOLATE_VERSION, val);
	ASSERT_EQ(0, json_member(out, "abi", val, sizeof(val)));
	ASSERT_EQ(0, run("version", out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, "isolate-loader " ISOLATE_VERSION " ", 16 + strlen(ISOLATE_VERSION)));
	ASSERT_EQ(0, run("-V", out, sizeof(out)));
	EXPECT_EQ(0, strncmp(out, "isolate-loader " ISOLATE_VERSION " ", 16 + strlen(ISOLATE_VERSION)));
}

TEST_HARNESS_MAIN
