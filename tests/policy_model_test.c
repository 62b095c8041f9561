// SPDX-License-Identifier: GPL-2.0
/*
 * The object model as C callers use it: building cells, granting and
 * revoking, what equality means, diagnostics, JSON, and documents built
 * without YAML.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "policy_test_util.h"

static struct isolate_cap *cap(const char *text)
{
	struct isolate_cap *c = NULL;

	isolate_cap_parse(text, &c, NULL);
	return c;
}

static int add_cap(struct isolate_cell_policy *c, const char *text)
{
	struct isolate_cap *k = cap(text);
	int err = k ? isolate_cell_policy_add(c, k) : -EINVAL;

	isolate_cap_free(k);
	return err;
}

static int revoke_cap(struct isolate_cell_policy *c, const char *text)
{
	struct isolate_cap *k = cap(text);
	int err = k ? isolate_cell_policy_remove(c, k) : -EINVAL;

	isolate_cap_free(k);
	return err;
}

TEST(cell_names)
{
	EXPECT_TRUE(isolate_cell_name_valid("agent-1_x"));
	EXPECT_TRUE(isolate_cell_name_valid("123"));
	EXPECT_FALSE(isolate_cell_name_valid(""));
	EXPECT_FALSE(isolate_cell_name_valid("a b"));
	EXPECT_FALSE(isolate_cell_name_valid("a.b"));
	EXPECT_FALSE(isolate_cell_name_valid("a/b"));
	EXPECT_TRUE(isolate_cell_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	EXPECT_FALSE(isolate_cell_name_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	errno = 0;
	EXPECT_EQ(NULL, isolate_cell_policy_new("no spaces"));
	EXPECT_EQ(EINVAL, errno);
}

TEST(grant_and_revoke)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("c");
	char got[512];

	ASSERT_EQ(0, add_cap(c, "read:/work"));
	ASSERT_EQ(0, add_cap(c, "read:/work"));
	ASSERT_EQ(0, add_cap(c, "read?:/work"));
	ASSERT_EQ(0, add_cap(c, "deny-read:/work"));
	ASSERT_EQ(0, add_cap(c, "write:/tmp"));
	ASSERT_EQ(0, add_cap(c, "write?:/tmp"));
	EXPECT_EQ(6U, isolate_cell_policy_cap_count(c));
	/*
	 * Revoking removes every capability of the same right: a path's
	 * optional twin grants it too (a cell extending runtime's read?:/etc
	 * and writing read:/etc) and would keep it. A deny is another right.
	 */
	EXPECT_EQ(0, revoke_cap(c, "read:/work"));
	EXPECT_STREQ("deny-read:/work, write:/tmp, write?:/tmp", cell_texts(c, got, sizeof(got)));
	EXPECT_EQ(-ENOENT, revoke_cap(c, "read:/work"));
	EXPECT_EQ(-ENOENT, revoke_cap(c, "read?:/work"));
	EXPECT_EQ(0, revoke_cap(c, "write?:/tmp"));
	EXPECT_STREQ("deny-read:/work", cell_texts(c, got, sizeof(got)));
	EXPECT_EQ(-ENOENT, revoke_cap(c, "exec:/tmp"));
	isolate_cell_policy_free(c);
}

TEST(a_budget_granted_again_replaces_the_old_one)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("c");
	char got[512];

	ASSERT_EQ(0, add_cap(c, "memory:512M"));
	ASSERT_EQ(0, add_cap(c, "pids:10"));
	ASSERT_EQ(0, add_cap(c, "memory:2G"));
	EXPECT_STREQ("memory:2G, pids:10", cell_texts(c, got, sizeof(got)));
	isolate_cell_policy_free(c);
}

TEST(mode_as_a_capability)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("c");

	EXPECT_EQ((__u32)ISOLATE_MODE_ENFORCE, isolate_cell_policy_mode(c));
	ASSERT_EQ(0, add_cap(c, "mode:audit"));
	EXPECT_EQ((__u32)ISOLATE_MODE_AUDIT, isolate_cell_policy_mode(c));
	EXPECT_EQ(0U, isolate_cell_policy_cap_count(c));
	EXPECT_EQ(-ENOENT, revoke_cap(c, "mode:enforce"));
	EXPECT_EQ(0, revoke_cap(c, "mode:audit"));
	EXPECT_EQ((__u32)ISOLATE_MODE_ENFORCE, isolate_cell_policy_mode(c));
	EXPECT_EQ(-EINVAL, isolate_cell_policy_set_mode(c, 7));
	isolate_cell_policy_free(c);
}

TEST(adding_an_unenforceable_capability_changes_nothing)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("c");
	struct isolate_cap *bad = isolate_cap_path(ISOLATE_CAP_READ, "relative/path", 0);
	struct isolate_cap *small = isolate_cap_memory(4096);

	ASSERT_EQ(0, add_cap(c, "read:/ok"));
	EXPECT_EQ(-EINVAL, isolate_cell_policy_add(c, bad));
	EXPECT_EQ(-EINVAL, isolate_cell_policy_add(c, small));
	EXPECT_EQ(1U, isolate_cell_policy_cap_count(c));
	isolate_cap_free(bad);
	isolate_cap_free(small);
	isolate_cell_policy_free(c);
}

TEST(equality_is_set_equality)
{
	struct isolate_cell_policy *a = isolate_cell_policy_new("c"), *b = isolate_cell_policy_new("c");

	add_cap(a, "read:/x");
	add_cap(a, "write:/y");
	add_cap(a, "read:/x");
	add_cap(b, "write:/y");
	add_cap(b, "read:/x");
	EXPECT_TRUE(isolate_cell_policy_equal(a, b));
	add_cap(b, "read?:/x");
	EXPECT_FALSE(isolate_cell_policy_equal(a, b));
	/* The revoke takes read:/x too: the same right. */
	revoke_cap(b, "read?:/x");
	add_cap(b, "read:/x");
	isolate_cell_policy_set_mode(b, ISOLATE_MODE_AUDIT);
	EXPECT_FALSE(isolate_cell_policy_equal(a, b));
	isolate_cell_policy_set_mode(b, ISOLATE_MODE_ENFORCE);
	isolate_cell_policy_add_extends(b, "base");
	EXPECT_FALSE(isolate_cell_policy_equal(a, b));
	isolate_cell_policy_add_extends(a, "base");
	isolate_cell_policy_add_extends(a, "base");
	EXPECT_TRUE(isolate_cell_policy_equal(a, b));
	EXPECT_EQ(-EINVAL, isolate_cell_policy_add_extends(a, "not a name"));
	isolate_cell_policy_free(a);
	isolate_cell_policy_free(b);
}

TEST(diagnostic_formats)
{
	struct isolate_diag d = { .line = 3, .column = 7 };
	char buf[300];

	strcpy(d.msg, "expected x");
	EXPECT_EQ(10, isolate_diag_format(&d, buf, sizeof(buf)));
	EXPECT_STREQ("expected x", buf);
	strcpy(d.file, "p.yaml");
	isolate_diag_format(&d, buf, sizeof(buf));
	EXPECT_STREQ("p.yaml:3:7: expected x", buf);
	d.line = 0;
	isolate_diag_format(&d, buf, sizeof(buf));
	EXPECT_STREQ("p.yaml: expected x", buf);
}

TEST(cell_json_has_every_field)
{
	static const char doc[] =
		"version: 1\n"
		"cells:\n"
		"  web:\n"
		"    connect: [{protocol: tcp, address: 10.0.0.0/8, port: 443}]\n"
		"    limits: {cpu: {quota_us: 20000}}\n";
	struct isolate_policy *p = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, isolate_policy_parse("web.yaml", doc, strlen(doc), &p, NULL));
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, isolate_cell_policy_write_json(isolate_policy_find(p, "web"), f, false));
	fclose(f);
	EXPECT_STREQ("{\"name\":\"web\",\"mode\":\"enforce\",\"extends\":[],\"capabilities\":["
		     "{\"kind\":\"connect\",\"text\":\"connect:tcp:10.0.0.0/8:443\",\"deny\":false,"
		     "\"protocol\":\"tcp\",\"family\":\"ipv4\",\"address\":\"10.0.0.0/8\",\"prefix_len\":8,"
		     "\"port_min\":443,\"port_max\":443,"
		     "\"source\":{\"file\":\"web.yaml\",\"line\":4,\"column\":15}},"
		     "{\"kind\":\"cpu\",\"text\":\"cpu:20000/100000\",\"quota_us\":20000,\"period_us\":100000,"
		     "\"source\":{\"file\":\"web.yaml\",\"line\":5,\"column\":19}}]}\n", buf);
	free(buf);
	isolate_policy_free(p);
}

TEST(namespace_and_unix_json)
{
	static const char doc[] =
		"version: 1\n"
		"cells:\n"
		"  app:\n"
		"    namespaces: [user]\n"
		"    unix: {bind: ['@x']}\n";
	struct isolate_policy *p = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ASSERT_EQ(0, isolate_policy_parse("app.yaml", doc, strlen(doc), &p, NULL));
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, isolate_cell_policy_write_json(isolate_policy_find(p, "app"), f, false));
	fclose(f);
	EXPECT_STREQ("{\"name\":\"app\",\"mode\":\"enforce\",\"extends\":[],\"capabilities\":["
		     "{\"kind\":\"namespace\",\"text\":\"namespace:user\",\"name\":\"user\","
		     "\"source\":{\"file\":\"app.yaml\",\"line\":4,\"column\":18}},"
		     "{\"kind\":\"unix\",\"text\":\"unix-bind:@x\",\"right\":\"bind\",\"name\":\"@x\","
		     "\"source\":{\"file\":\"app.yaml\",\"line\":5,\"column\":19}}]}\n", buf);
	free(buf);
	isolate_policy_free(p);
}

TEST(documents_built_in_c)
{
	struct isolate_policy *p = isolate_policy_new("built.yaml"), *q = NULL;
	struct isolate_cell_policy *base = isolate_cell_policy_new("base");
	struct isolate_cell_policy *app = isolate_cell_policy_new("app");
	struct isolate_diag diag = { 0 };
	char *yaml = NULL;
	size_t len;

	add_cap(base, "read:/usr");
	add_cap(app, "write:/srv/app");
	isolate_cell_policy_add_extends(app, "base");
	ASSERT_EQ(0, isolate_policy_add_cell(p, base));
	ASSERT_EQ(0, isolate_policy_add_cell(p, app));
	EXPECT_EQ(-EEXIST, isolate_policy_add_cell(p, app));
	EXPECT_EQ(2U, isolate_policy_doc_cell_count(p));
	EXPECT_STREQ("app", isolate_cell_policy_name(isolate_policy_doc_cell(p, 1)));
	/* Nothing is resolved until asked. */
	EXPECT_EQ(0U, isolate_policy_cell_count(p));
	ASSERT_EQ(0, isolate_policy_resolve(p, &diag));
	ASSERT_EQ(2U, isolate_policy_cell_count(p));
	EXPECT_EQ(2U, isolate_cell_policy_cap_count(isolate_policy_find(p, "app")));
	EXPECT_EQ(0U, isolate_cell_policy_extends_count(isolate_policy_find(p, "app")));
	EXPECT_EQ(1U, isolate_cell_policy_extends_count(isolate_policy_doc_cell(p, 1)));
	EXPECT_STREQ("base", isolate_cell_policy_extends(isolate_policy_doc_cell(p, 1), 0));
	ASSERT_EQ(0, isolate_policy_emit(p, &yaml, &len));
	ASSERT_EQ(0, isolate_policy_parse("built.yaml", yaml, len, &q, &diag));
	EXPECT_TRUE(isolate_policy_equal(p, q));
	free(yaml);
	isolate_policy_free(p);
	isolate_policy_free(q);
	isolate_cell_policy_free(base);
	isolate_cell_policy_free(app);
}

TEST(document_accessors)
{
	static const char doc[] =
		"version: 1\n"
		"include: [policy/base.yaml]\n"
		"cells:\n"
		"  app: {extends: [runtime]}\n";
	struct isolate_cell_policy *copy;
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };

	/* Named at the top of the repository: the include is relative to it. */
	ASSERT_EQ(0, isolate_policy_parse("doc.yaml", doc, strlen(doc), &p, &diag)) TH_LOG("%s", diag.msg);
	EXPECT_STREQ("doc.yaml", isolate_policy_name(p));
	ASSERT_EQ(1U, isolate_policy_include_count(p));
	EXPECT_STREQ("policy/base.yaml", isolate_policy_include(p, 0));
	EXPECT_EQ(NULL, isolate_policy_include(p, 1));
	EXPECT_EQ(1U, isolate_policy_doc_cell_count(p));
	EXPECT_EQ(2U, isolate_policy_cell_count(p));
	copy = isolate_cell_policy_dup_named(isolate_policy_find(p, "app"), "app2");
	ASSERT_NE(NULL, copy);
	EXPECT_STREQ("app2", isolate_cell_policy_name(copy));
	EXPECT_EQ(isolate_cell_policy_cap_count(isolate_policy_find(p, "app")),
		  isolate_cell_policy_cap_count(copy));
	EXPECT_EQ(NULL, isolate_cell_policy_dup_named(copy, "bad name"));
	isolate_cell_policy_free(copy);
	isolate_policy_free(p);
}

TEST(an_unresolvable_document_stays_unresolved)
{
	struct isolate_policy *p = isolate_policy_new("x.yaml");
	struct isolate_cell_policy *a = isolate_cell_policy_new("a");
	struct isolate_diag diag = { 0 };

	isolate_cell_policy_add_extends(a, "missing");
	ASSERT_EQ(0, isolate_policy_add_cell(p, a));
	EXPECT_EQ(-ENOENT, isolate_policy_resolve(p, &diag));
	EXPECT_STREQ("expected a cell defined in the document or an included one, got 'missing'",
		     diag.msg);
	EXPECT_EQ(0U, isolate_policy_cell_count(p));
	isolate_cell_policy_free(a);
	isolate_policy_free(p);
}

#define SOURCE(name, text) { name, text, sizeof(text) - 1 }

/* What parsing top (len bytes) with sources says: "" when it resolves, else the diagnostic. */
static const char *parse_len_refusal(const char *top, size_t len,
				     const struct isolate_policy_source *sources, size_t n,
				     char *buf, size_t size)
{
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };

	buf[0] = '\0';
	if (isolate_policy_parse_with("top.yaml", top, len, sources, n, &p, &diag))
		isolate_diag_format(&diag, buf, size);
	isolate_policy_free(p);
	return buf;
}

static const char *parse_refusal(const char *top, const struct isolate_policy_source *sources,
				 size_t n, char *buf, size_t size)
{
	return parse_len_refusal(top, strlen(top), sources, n, buf, size);
}

/* A library cannot take the rights of a cell of whoever includes it. */
TEST(extends_does_not_reach_the_includer)
{
	static const struct isolate_policy_source lib[] = {
		SOURCE("lib.yaml", "version: 1\ncells:\n  worker:\n    extends: [admin]\n    read: [/usr]\n"),
	};
	static const char top[] = "version: 1\ninclude: [lib.yaml]\ncells:\n"
				  "  admin: {write: [/]}\n  job: {extends: [worker]}\n";
	char got[512];

	EXPECT_STREQ("lib.yaml:4:15: expected a cell defined in the document or an included one, got 'admin'",
		     parse_refusal(top, lib, 1, got, sizeof(got)));
}

TEST(extends_does_not_reach_a_sibling_include)
{
	static const struct isolate_policy_source sources[] = {
		SOURCE("a.yaml", "version: 1\ncells:\n  tool:\n    extends: [secrets]\n"),
		SOURCE("b.yaml", "version: 1\ncells:\n  secrets:\n    read: [/root]\n"),
	};
	static const char top[] = "version: 1\ninclude: [a.yaml, b.yaml]\ncells:\n"
				  "  job: {extends: [tool]}\n";
	char got[512];

	EXPECT_STREQ("a.yaml:4:15: expected a cell defined in the document or an included one, got 'secrets'",
		     parse_refusal(top, sources, 2, got, sizeof(got)));
}

/* Through includes of includes, and a document included twice. */
TEST(extends_reaches_what_a_document_includes)
{
	static const struct isolate_policy_source sources[] = {
		SOURCE("base.yaml", "version: 1\ncells:\n  runtime: {read: [/usr]}\n"),
		SOURCE("mid.yaml", "version: 1\ninclude: [base.yaml]\ncells:\n"
				   "  tool: {extends: [runtime], exec: [/bin]}\n"),
	};
	static const char top[] = "version: 1\ninclude: [base.yaml, mid.yaml]\ncells:\n"
				  "  job: {extends: [tool], write: [/tmp]}\n"
				  "  plain: {extends: [runtime]}\n";
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };
	char got[512];

	ASSERT_EQ(0, isolate_policy_parse_with("top.yaml", top, strlen(top), sources, 2, &p, &diag))
		TH_LOG("%s", diag.msg);
	EXPECT_STREQ("read:/usr, write:/tmp, exec:/bin",
		     cell_texts(isolate_policy_find(p, "job"), got, sizeof(got)));
	EXPECT_STREQ("read:/usr", cell_texts(isolate_policy_find(p, "plain"), got, sizeof(got)));
	isolate_policy_free(p);
}

/* "version: 1\ncells: ...\n" then n keys NAME1: VALUE ... NAMEn: VALUE, one a line. */
static char *many_keys(const char *head, const char *indent, const char *value, int n)
{
	size_t len = strlen(head) + (size_t)n * (strlen(indent) + strlen(value) + 16) + 1, used;
	char *doc = malloc(len);

	if (!doc)
		return NULL;
	used = (size_t)snprintf(doc, len, "%s", head);
	for (int i = 1; i <= n; i++)
		used += (size_t)snprintf(doc + used, len - used, "%sk%d: %s\n", indent, i, value);
	return doc;
}

/*
 * An unknown key is found in one pass, before repeats are looked for.
 * (Comparing each key with every earlier one took seconds here; how long
 * it takes is measured, not asserted.)
 */
TEST(a_large_mapping_is_refused_at_its_first_unknown_key)
{
	char *doc = many_keys("version: 1\ncells: {a: {}}\n", "", "0", 30000), got[512];

	ASSERT_NE(NULL, doc);
	EXPECT_STREQ("top.yaml:3:1: expected a document key version, include or cells, got 'k1'",
		     parse_refusal(doc, NULL, 0, got, sizeof(got)));
	free(doc);
}

/* Repeats are found by sorting, not by comparing every pair: cell names too. */
TEST(a_key_repeated_in_a_large_mapping_is_found)
{
	char *doc = many_keys("version: 1\ncells:\n", "  ", "{}", 30000), got[512];

	ASSERT_NE(NULL, doc);
	strcat(doc, "  k99: {}\n");
	EXPECT_STREQ("top.yaml:30003:3: expected each key once, got 'k99' again (first on line 101)",
		     parse_refusal(doc, NULL, 0, got, sizeof(got)));
	free(doc);
}

/* Of several keys written again, the one whose repeat comes first. */
TEST(the_first_repeat_written_is_refused)
{
	static const char doc[] = "version: 1\ncells:\n  b: {}\n  a: {}\n  a: {}\n  b: {}\n  a: {}\n";
	char got[512];

	EXPECT_STREQ("top.yaml:5:3: expected each key once, got 'a' again (first on line 4)",
		     parse_refusal(doc, NULL, 0, got, sizeof(got)));
}

/*
 * Text libyaml cannot read is placed by line and column, counted as its
 * marks are: characters, not bytes (in UTF-16 too), a byte order mark
 * none, \r\n one break.
 */
TEST(unreadable_text_is_placed_by_line_and_column)
{
	static char utf8[] = "\xef\xbb\xbfversion: 1\r\ncells:\r\n  a:\r\n"
			     "    read: [/\xf0\x9f\x98\x80x\x01]\n";
	static const char want[] = "top.yaml:4:15: expected UTF-8 text: control characters are not allowed";
	char utf16[256], *in = utf8, *out = utf16, got[512];
	size_t in_left = sizeof(utf8) - 1, out_left = sizeof(utf16);
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");

	EXPECT_STREQ(want, parse_len_refusal(utf8, sizeof(utf8) - 1, NULL, 0, got, sizeof(got)));
	ASSERT_NE((iconv_t)-1, cd);
	ASSERT_EQ(0U, iconv(cd, &in, &in_left, &out, &out_left));
	iconv_close(cd);
	ASSERT_EQ(0, memcmp(utf16, "\xff\xfe", 2));
	EXPECT_STREQ(want, parse_len_refusal(utf16, sizeof(utf16) - out_left, NULL, 0, got,
					       sizeof(got)));
}

/* Every refusal of the builder API says why in isolate_last_error(). */
TEST(builder_refusals_say_why)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("agent");
	struct isolate_policy *p = isolate_policy_new("test");
	struct isolate_cap *rel = isolate_cap_path(ISOLATE_CAP_READ, "relative/path", 0);
	struct isolate_cap *abs = isolate_cap_path(ISOLATE_CAP_READ, "/srv", 0);

	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, rel);
	ASSERT_NE(NULL, abs);
	EXPECT_EQ(-EINVAL, isolate_cell_policy_add(c, rel));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "absolute")) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(-ENOENT, isolate_cell_policy_remove(c, abs));
	EXPECT_STREQ("cell agent has no such capability", isolate_last_error());
	EXPECT_EQ(-EINVAL, isolate_cell_policy_set_mode(c, 7));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "neither enforce")) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(-EINVAL, isolate_cell_policy_add_extends(c, "no/slash"));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "no cell name")) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(-EINVAL, isolate_policy_add_include(p, ""));
	EXPECT_NE(0, isolate_last_error()[0]);
	ASSERT_EQ(0, isolate_policy_add_cell(p, c));
	EXPECT_EQ(-EEXIST, isolate_policy_add_cell(p, c));
	EXPECT_STREQ("the policy has a cell named agent already", isolate_last_error());
	isolate_cap_free(rel);
	isolate_cap_free(abs);
	isolate_cell_policy_free(c);
	isolate_policy_free(p);
}

/* The environment a cell gets when the caller names none. */
TEST(default_environment_is_the_allow_list)
{
	static const char *const passes[] = { "PATH=/bin", "HOME=/root", "LANG=C", "LC_ALL=C",
					      "TERM=xterm", "TZ=UTC", "USER=a", "LOGNAME=a" };
	static const char *const stays[] = { "AWS_SECRET_ACCESS_KEY=x", "LD_PRELOAD=/x.so",
					     "http_proxy=x", "PATHX=/bin", "PATH", "SSH_AUTH_SOCK=/s",
					     "HOMEDIR=/x", "ISOLATE_CHANNEL=/x" };

	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++) {
		EXPECT_TRUE(isolate_env_passes(passes[i])) TH_LOG("%s", passes[i]);
	}
	for (size_t i = 0; i < sizeof(stays) / sizeof(stays[0]); i++) {
		EXPECT_FALSE(isolate_env_passes(stays[i])) TH_LOG("%s", stays[i]);
	}
}

TEST_HARNESS_MAIN
