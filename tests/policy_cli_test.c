// SPDX-License-Identifier: GPL-2.0
/*
 * isolate-loader policy check | fmt | compile | explain, as a user runs
 * them: exit codes, the one-line error, canonical output, JSON. Runs the
 * loader at $ISOLATE_LOADER (default build/bin/isolate-loader) from the
 * repository root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "loader_run.h"

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

TEST(check_accepts_the_shipped_default)
{
	char out[8192];

	ASSERT_EQ(0, loader_run("policy check policy/default.yaml", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_TRUE(starts_with(out, "policy/default.yaml: ok, 2 cells\n")) TH_LOG("%s", out);
	ASSERT_EQ(0, loader_run("policy check --default", out, sizeof(out))) TH_LOG("%s", out);
}

TEST(check_prints_the_position_and_fails)
{
	char out[4096];

	EXPECT_EQ(1, loader_run("policy check tests/golden/port_out_of_range.yaml 2>&1", out, sizeof(out)));
	EXPECT_STREQ("isolate-loader: tests/golden/port_out_of_range.yaml:6:52: expected a port 1..65535, got 70000\n",
		     out);
	EXPECT_EQ(1, loader_run("-j policy check tests/golden/extends_cycle.yaml 2>/dev/null", out, sizeof(out)));
	EXPECT_STREQ("{\"error\":\"tests/golden/extends_cycle.yaml:9:15: expected extends without a cycle, got a -> b -> c -> a\","
		     "\"file\":\"tests/golden/extends_cycle.yaml\",\"line\":9,\"column\":15,"
		     "\"message\":\"expected extends without a cycle, got a -> b -> c -> a\",\"exit_code\":1}\n",
		     out);
}

TEST(fmt_is_idempotent)
{
	char once[8192], twice[8192], args[256];
	char tmpl[] = "/tmp/isolate-fmt.XXXXXX";
	int fd = mkstemp(tmpl);
	FILE *f;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, loader_run("policy fmt policy/base.yaml", once, sizeof(once)));
	EXPECT_TRUE(starts_with(once, "version: 1\ncells:\n  runtime:\n    mode: enforce\n"));
	f = fdopen(fd, "w");
	ASSERT_NE(NULL, f);
	fputs(once, f);
	fclose(f);
	snprintf(args, sizeof(args), "policy fmt %s", tmpl);
	EXPECT_EQ(0, loader_run(args, twice, sizeof(twice)));
	EXPECT_STREQ(once, twice);
	unlink(tmpl);
}

TEST(compile_reports_capacity)
{
	char out[65536];

	ASSERT_EQ(0, loader_run("-j policy compile --default --cell demo", out, sizeof(out)));
	EXPECT_TRUE(starts_with(out, "{\"file\":\"<built-in>/default.yaml\",\"cells\":[{\"name\":\"demo\",\"image\":{"))
		TH_LOG("%.200s", out);
	EXPECT_NE(NULL, strstr(out, "\"capacity\":[{\"map\":\"inode_rules\",\"used\":"));
	EXPECT_EQ(1, loader_run("policy compile --default --cell nobody 2>&1", out, sizeof(out)));
	EXPECT_STREQ("isolate-loader: <built-in>/default.yaml: no cell named nobody\n", out);
}

TEST(explain_answers_from_the_image)
{
	char out[4096];

	ASSERT_EQ(0, loader_run("policy explain --default --op read /etc/passwd", out, sizeof(out)));
	EXPECT_STREQ("denied: read /etc/passwd in cell demo\n  no rule grants it: denied by default\n", out);
	ASSERT_EQ(0, loader_run("-j policy explain --default --op write /dev/null", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "\"allowed\":true,\"audit\":false,"));
	EXPECT_NE(NULL, strstr(out, "\"rule\":\"write:/dev/null\""));
	EXPECT_EQ(2, loader_run("policy explain --default --op delete /x 2>&1", out, sizeof(out)));
	EXPECT_EQ(2, loader_run("policy explain --default /x 2>/dev/null", out, sizeof(out)));
}

TEST_HARNESS_MAIN
