// SPDX-License-Identifier: GPL-2.0
/*
 * The policies we ship: each parses, formats canonically (fmt twice is fmt
 * once) and round-trips; the base runtime profile, compiled on this host,
 * lets a dynamically linked program map its loader and every library ldd
 * names; the default policy works when built into a program, with the
 * base profile given as an in-memory source. Run from the repository root.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "loader_run.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		char *grown = realloc(buf, cap + 4096);

		if (!grown)
			break;
		buf = grown;
		cap += 4096;
		*len += fread(buf + *len, 1, cap - *len - 1, f);
		if (*len < cap - 1)
			break;
	}
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

TEST(every_shipped_policy_parses_and_formats_canonically)
{
	glob_t g;

	ASSERT_EQ(0, glob("policy/*.yaml", 0, NULL, &g));
	ASSERT_EQ(0, glob("policy/examples/*.yaml", GLOB_APPEND, NULL, &g));
	ASSERT_LE(5U, g.gl_pathc);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct isolate_policy *p = NULL, *q = NULL;
		struct isolate_diag diag = { 0 };
		char *once = NULL, *twice = NULL, line[600];
		size_t len;

		ASSERT_EQ(0, isolate_policy_load(g.gl_pathv[i], &p, &diag)) {
			isolate_diag_format(&diag, line, sizeof(line));
			TH_LOG("%s", line);
		}
		ASSERT_EQ(0, isolate_policy_emit(p, &once, &len));
		ASSERT_EQ(0, isolate_policy_parse(g.gl_pathv[i], once, len, &q, &diag))
			TH_LOG("%s: %s", g.gl_pathv[i], diag.msg);
		EXPECT_TRUE(isolate_policy_equal(p, q)) TH_LOG("%s", g.gl_pathv[i]);
		ASSERT_EQ(0, isolate_policy_emit(q, &twice, &len));
		EXPECT_STREQ(once, twice);
		free(once);
		free(twice);
		isolate_policy_free(p);
		isolate_policy_free(q);
	}
	globfree(&g);
}

/*
 * `policy check` of every shipped policy succeeds on this machine: a path
 * that is the user's to choose is optional, so a fresh Debian machine
 * (and the CI's) compiles every cell.
 */
TEST(every_shipped_policy_checks_on_this_machine)
{
	char args[512], out[4096];
	glob_t g;

	ASSERT_EQ(0, glob("policy/*.yaml", 0, NULL, &g));
	ASSERT_EQ(0, glob("policy/examples/*.yaml", GLOB_APPEND, NULL, &g));
	for (size_t i = 0; i < g.gl_pathc; i++) {
		snprintf(args, sizeof(args), "policy check %s 2>&1", g.gl_pathv[i]);
		EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	}
	globfree(&g);
}

/* fmt's exact output: fixed key order, sorted lists without repeats, quotes where YAML would misread. */
TEST(fmt_writes_the_canonical_form)
{
	static const char messy[] =
		"cells:\n"
		"  \"no\":\n"
		"    broker: [connect, read, read]\n"
		"    limits: {pids: 8, memory: 1048576}\n"
		"    deny: {write: [/w/.git]}\n"
		"    write: [/w]\n"
		"    read: [/w/, '/a b', {optional: true, path: /opt}]\n"
		"    connect: [{port: 443, address: \"2001:db8::/32\", protocol: tcp}]\n"
		"    extends: [z, base]\n"
		"    mode: audit\n"
		"  base: {read: [/usr]}\n"
		"  z: {}\n"
		"version: 1\n";
	static const char canonical[] =
		"version: 1\n"
		"cells:\n"
		"  'no':\n"
		"    mode: audit\n"
		"    extends:\n"
		"    - base\n"
		"    - z\n"
		"    read:\n"
		"    - /a b\n"
		"    - {path: /opt, optional: true}\n"
		"    - /w\n"
		"    write:\n"
		"    - /w\n"
		"    connect:\n"
		"    - {protocol: tcp, address: '2001:db8::/32', port: 443}\n"
		"    deny:\n"
		"      write:\n"
		"      - /w/.git\n"
		"    limits:\n"
		"      memory: 1M\n"
		"      pids: 8\n"
		"    broker:\n"
		"    - read\n"
		"    - connect\n"
		"  base:\n"
		"    mode: enforce\n"
		"    read:\n"
		"    - /usr\n"
		"  z:\n"
		"    mode: enforce\n";
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };
	char *out = NULL;
	size_t len;

	ASSERT_EQ(0, isolate_policy_parse("messy.yaml", messy, strlen(messy), &p, &diag))
		TH_LOG("%s", diag.msg);
	ASSERT_EQ(0, isolate_policy_emit(p, &out, &len));
	EXPECT_STREQ(canonical, out);
	free(out);
	isolate_policy_free(p);
}

/*
 * Each string written plain, in single or in double quotes by the rule
 * policy.md gives, and read back the same.
 */
TEST(emit_quotes_what_a_yaml_reader_could_misread)
{
	static const char *const paths[] = {
		"/a #b", "/a b", "/a#b", "/plain/path", "/q'uote", "/trail ", "/x:y",
		"/x[1]", "/\xe2\x80\xa8ls",
	};
	static const char expected[] =
		"version: 1\n"
		"include:\n"
		"- '.inf'\n"
		"- \"\\x85nel\"\n"
		"cells:\n"
		"  '-dash':\n"
		"    mode: enforce\n"
		"    read:\n"
		"    - '/a #b'\n"
		"    - /a b\n"
		"    - /a#b\n"
		"    - /plain/path\n"
		"    - /q'uote\n"
		"    - '/trail '\n"
		"    - '/x:y'\n"
		"    - '/x[1]'\n"
		"    - \"/\\u2028ls\"\n"
		"    unix:\n"
		"      connect:\n"
		"      - '@a''b'\n"
		"  'yes':\n"
		"    mode: enforce\n";
	struct isolate_cell_policy *dash = isolate_cell_policy_new("-dash");
	struct isolate_cell_policy *yes = isolate_cell_policy_new("yes");
	struct isolate_policy *p = isolate_policy_new("emit.yaml"), *q = NULL;
	struct isolate_diag diag = { 0 };
	char dir[] = "/tmp/isolate-emit.XXXXXX", path[64];
	struct isolate_cap *cap;
	FILE *included;
	char *out = NULL;
	size_t len;

	ASSERT_NE(NULL, dash);
	ASSERT_NE(NULL, yes);
	ASSERT_NE(NULL, p);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		cap = isolate_cap_path(ISOLATE_CAP_READ, paths[i], 0);
		ASSERT_NE(NULL, cap) TH_LOG("%s", paths[i]);
		ASSERT_EQ(0, isolate_cell_policy_add(dash, cap));
		isolate_cap_free(cap);
	}
	cap = isolate_cap_unix(ISOLATE_NET_CONNECT, "@a'b");
	ASSERT_NE(NULL, cap);
	ASSERT_EQ(0, isolate_cell_policy_add(dash, cap));
	isolate_cap_free(cap);
	ASSERT_EQ(0, isolate_policy_add_cell(p, dash));
	ASSERT_EQ(0, isolate_policy_add_cell(p, yes));
	/* YAML 1.1 reads .inf bare as a float; NEL, a C1 control, breaks a line. */
	ASSERT_EQ(0, isolate_policy_add_include(p, ".inf"));
	ASSERT_EQ(0, isolate_policy_add_include(p, "\xc2\x85nel"));
	ASSERT_EQ(0, isolate_policy_emit(p, &out, &len));
	EXPECT_STREQ(expected, out);
	/* Read back beside the files it includes. */
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/.inf", dir);
	included = fopen(path, "w");
	ASSERT_NE(NULL, included);
	fputs("version: 1\ncells:\n  inc: {read: [/]}\n", included);
	ASSERT_EQ(0, fclose(included));
	snprintf(path, sizeof(path), "%s/\xc2\x85nel", dir);
	included = fopen(path, "w");
	ASSERT_NE(NULL, included);
	fputs("version: 1\ncells:\n  nel: {}\n", included);
	ASSERT_EQ(0, fclose(included));
	snprintf(path, sizeof(path), "%s/emit.yaml", dir);
	EXPECT_EQ(0, isolate_policy_parse(path, out, len, &q, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_TRUE(q && isolate_policy_equal(p, q));
	snprintf(path, sizeof(path), "%s/.inf", dir);
	EXPECT_EQ(0, unlink(path));
	snprintf(path, sizeof(path), "%s/\xc2\x85nel", dir);
	EXPECT_EQ(0, unlink(path));
	EXPECT_EQ(0, rmdir(dir));
	free(out);
	isolate_policy_free(p);
	isolate_policy_free(q);
	isolate_cell_policy_free(dash);
	isolate_cell_policy_free(yes);
}

static const struct isolate_cell_policy *find(struct __test_metadata *_metadata,
					      const struct isolate_policy *p, const char *name)
{
	const struct isolate_cell_policy *c = isolate_policy_find(p, name);

	EXPECT_NE(NULL, c) TH_LOG("no cell %s", name);
	return c;
}

static bool allows(const struct isolate_image *img, enum isolate_cap_kind op, const char *path)
{
	struct isolate_verdict v;

	return !isolate_explain(img, op, path, &v, NULL) && v.allowed;
}

/* The loader and libraries of program, as ldd lists them. */
static size_t ldd_paths(const char *program, char paths[][256], size_t max)
{
	char cmd[300], line[512];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ldd %s 2>/dev/null", program);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	while (n < max && fgets(line, sizeof(line), p)) {
		char *arrow = strstr(line, "=> "), *start = arrow ? arrow + 3 : line;

		start += strspn(start, " \t");
		if (*start != '/')
			continue;
		start[strcspn(start, " \t(")] = '\0';
		snprintf(paths[n++], 256, "%s", start);
	}
	pclose(p);
	return n;
}

TEST(default_demo_cell_can_start_a_dynamic_program)
{
	const char *program = "/usr/bin/ls";
	struct isolate_policy *p = NULL;
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	char libs[32][256], line[600];
	size_t n;

	ASSERT_EQ(0, isolate_policy_load("policy/default.yaml", &p, &diag));
	ASSERT_EQ(2U, isolate_policy_cell_count(p));
	/* Included cells first, then the document's own: the last is demo. */
	EXPECT_STREQ("runtime", isolate_cell_policy_name(isolate_policy_cell(p, 0)));
	EXPECT_STREQ("demo", isolate_cell_policy_name(isolate_policy_cell(p, 1)));
	ASSERT_EQ(0, isolate_compile(find(_metadata, p, "demo"), &img, &diag)) {
		isolate_diag_format(&diag, line, sizeof(line));
		TH_LOG("%s", line);
	}
	n = ldd_paths(program, libs, 32);
	if (!n)
		SKIP(goto out, "ldd cannot list %s here", program);
	EXPECT_TRUE(allows(img, ISOLATE_CAP_EXEC, program));
	for (size_t i = 0; i < n; i++) {
		EXPECT_TRUE(allows(img, ISOLATE_CAP_READ, libs[i])) TH_LOG("read %s", libs[i]);
		EXPECT_TRUE(allows(img, ISOLATE_CAP_EXEC, libs[i])) TH_LOG("exec %s", libs[i]);
		EXPECT_FALSE(allows(img, ISOLATE_CAP_WRITE, libs[i])) TH_LOG("write %s", libs[i]);
	}
	EXPECT_TRUE(allows(img, ISOLATE_CAP_WRITE, "/dev/null"));
	EXPECT_FALSE(allows(img, ISOLATE_CAP_READ, "/etc/passwd"));
	EXPECT_FALSE(allows(img, ISOLATE_CAP_READ, program));
	EXPECT_FALSE(allows(img, ISOLATE_CAP_WRITE, "/tmp/isolate-anything"));
out:
	isolate_image_free(img);
	isolate_policy_free(p);
}

/* How a program embeds the default policy: the base profile as a source. */
TEST(built_in_documents_resolve_includes_from_sources)
{
	size_t base_len, default_len;
	char *base = slurp("policy/base.yaml", &base_len);
	char *dflt = slurp("policy/default.yaml", &default_len);
	struct isolate_policy_source sources[] = { { "base.yaml", base, base_len } };
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };

	ASSERT_NE(NULL, base);
	ASSERT_NE(NULL, dflt);
	/* Without the source, the include is looked for on disk, and is not there. */
	EXPECT_EQ(-ENOENT, isolate_policy_parse("<built-in>", dflt, default_len, &p, &diag));
	ASSERT_EQ(0, isolate_policy_parse_with("<built-in>", dflt, default_len, sources, 1, &p, &diag))
		TH_LOG("%s", diag.msg);
	EXPECT_NE(NULL, isolate_policy_find(p, "runtime"));
	EXPECT_NE(NULL, isolate_policy_find(p, "demo"));
	isolate_policy_free(p);
	free(base);
	free(dflt);
}

TEST(examples_extend_the_runtime)
{
	static const char *const files[] = {
		"policy/examples/readonly-tool.yaml", "policy/examples/python-agent.yaml",
		"policy/examples/https-client.yaml",
	};
	static const char *const cells[] = { "tool", "agent", "fetch" };

	for (int i = 0; i < 3; i++) {
		const struct isolate_cell_policy *runtime, *c;
		struct isolate_policy *p = NULL;

		ASSERT_EQ(0, isolate_policy_load(files[i], &p, NULL));
		runtime = find(_metadata, p, "runtime");
		c = find(_metadata, p, cells[i]);
		ASSERT_NE(NULL, c);
		/* Everything of the runtime is in the cell that extends it. */
		for (size_t k = 0; k < isolate_cell_policy_cap_count(runtime); k++) {
			bool found = false;

			for (size_t j = 0; j < isolate_cell_policy_cap_count(c) && !found; j++)
				found = !isolate_cap_compare(isolate_cell_policy_cap(runtime, k),
							     isolate_cell_policy_cap(c, j));
			EXPECT_TRUE(found) TH_LOG("%s: runtime capability %zu missing", files[i], k);
		}
		isolate_policy_free(p);
	}
}

TEST_HARNESS_MAIN
