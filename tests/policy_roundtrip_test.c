// SPDX-License-Identifier: GPL-2.0
/*
 * parse(emit(x)) == x for generated documents x: every kind of capability,
 * deny and optional flags, modes, extends, includes, and names, paths and
 * abstract socket names that YAML would misread if not quoted right. Emitting the
 * parsed document gives the same bytes (fmt is idempotent), and the
 * resolved cells match too. The seed is printed; ISOLATE_TEST_SEED and
 * ISOLATE_ROUNDTRIP_COUNT change the seed and the number of documents.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "policy_test_util.h"

#define DEFAULT_COUNT 10000

/* Path components YAML and our text form must both carry unchanged. */
static const char *const segments[] = {
	"work", "a b", "x:y", "a: b", "#hash", "a #b", "'q'", "\"dq\"", "é", "日本", "-dash",
	"- x", "[br]", "{c}", "&amp", "*star", "!bang", "%pct", "@at", "`tick", "? q", "...",
	".hidden", "..x", "x..", "true", "123", "null", "~", "sp ", " lead", "0x1F", "1e3",
	"yes", "a,b", "a|b", ">gt", "tab\\t", "deny-read:", "read?:",
	/*
	 * Plain up to a point, and the characters YAML reads as breaks or marks
	 * (but NEL and the other C1 controls, which a path may not hold).
	 */
	"a#b", "a #b", "x:", ":x", "a  b", "'", "\"", "\\", "%", "@", "`", "\u00a0", "\u2028",
	"\u2029", "\ufeff", "\ufffe", "\uffff", "\U0001f600",
};

/* Pieces of abstract socket names (after '@'): printable, no ':' or space. */
static const char *const name_pieces[] = {
	"x", "@", "'", "\"", "#", "[br]", "{c}", "&amp", "*star", "!bang", "%pct", "`tick",
	"?", "-", "true", "null", "~", "123", "0x1F", "/tmp/.X11-unix/X0", "a,b", "a|b",
	">gt", "\\", "dbus-1", "...",
};

/* Cell names that read as other types when written bare. */
static const char *const names[] = {
	"agent", "true", "null", "123", "0x1f", "1e3", "yes", "No", "-dash", "_under",
	"a-b_c", "Off", "y", "web", "db", "x9",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char inc_a[] =
	"version: 1\n"
	"cells:\n"
	"  base_a: {read: [/usr]}\n"
	"  base_b: {mode: audit, exec: [/bin]}\n";
static const char inc_c[] =
	"version: 1\n"
	"include: [../inc_a.yaml]\n"
	"cells:\n"
	"  base_c: {extends: [base_a], write: [/tmp]}\n";

FIXTURE(roundtrip) {
	char dir[64];
	char doc[128];
};

static void write_file(struct __test_metadata *_metadata, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f);
	ASSERT_EQ(strlen(text), fwrite(text, 1, strlen(text), f));
	ASSERT_EQ(0, fclose(f));
}

FIXTURE_SETUP(roundtrip)
{
	char path[256];

	strcpy(self->dir, "/tmp/isolate-roundtrip.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(path, sizeof(path), "%s/sub", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/inc_a.yaml", self->dir);
	write_file(_metadata, path, inc_a);
	snprintf(path, sizeof(path), "%s/sub/inc_c.yaml", self->dir);
	write_file(_metadata, path, inc_c);
	snprintf(self->doc, sizeof(self->doc), "%s/gen.yaml", self->dir);
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

FIXTURE_TEARDOWN(roundtrip)
{
	nftw(self->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static struct isolate_cap *random_path_cap(void)
{
	char path[256] = "";
	unsigned int depth = rnd_below(4);
	unsigned int flags = (rnd_below(4) ? 0 : ISOLATE_CAP_DENY) |
			     (rnd_below(4) ? 0 : ISOLATE_CAP_OPTIONAL);
	size_t used = 0;

	for (unsigned int i = 0; i < depth; i++)
		used += (size_t)snprintf(path + used, sizeof(path) - used, "/%s",
					 segments[rnd_below(N(segments))]);
	if (!depth)
		strcpy(path, "/");
	return isolate_cap_path(ISOLATE_CAP_READ + rnd_below(3), path, flags);
}

static struct isolate_cap *random_net_cap(void)
{
	enum isolate_cap_kind kind = rnd_below(2) ? ISOLATE_CAP_CONNECT : ISOLATE_CAP_BIND;
	struct isolate_net_cap n = { .proto = rnd_below(2) ? IPPROTO_TCP : IPPROTO_UDP };
	unsigned int bits, lowest = kind == ISOLATE_CAP_BIND ? 0 : 1;

	n.family = rnd_below(2) ? AF_INET : AF_INET6;
	bits = n.family == AF_INET ? 32 : 128;
	n.prefix_len = (__u8)rnd_below(bits + 1);
	for (unsigned int i = 0; i < bits / 8; i++)
		n.addr[i] = (__u8)rnd();
	/* Clear host bits. */
	for (unsigned int i = n.prefix_len; i < bits; i++)
		n.addr[i / 8] &= (__u8)~(0x80 >> (i % 8));
	/* An IPv4-mapped block must be written as IPv4: move off ::ffff:0:0/96. */
	if (n.family == AF_INET6 && n.prefix_len >= 96 && !n.addr[0])
		n.addr[0] = 0x20;
	n.port_min = (__u16)(lowest + rnd_below(65536 - lowest));
	n.port_max = rnd_below(2) ? n.port_min : (__u16)(n.port_min + rnd_below(65536 - n.port_min));
	return isolate_cap_net(kind, &n, rnd_below(4) ? 0 : ISOLATE_CAP_DENY);
}

static struct isolate_cap *random_budget_cap(void)
{
	switch (rnd_below(4)) {
	case 0: {
		__u64 quota = 1000 + (rnd() >> (20 + rnd_below(44)));

		return isolate_cap_cpu(quota, 1000 + rnd_below(999001));
	}
	case 1:
		/* 256 pages (1M) up to 2^48 pages (1E). */
		return isolate_cap_memory((256ULL + (rnd() >> (16 + rnd_below(48)))) * 4096ULL);
	case 2:
		return isolate_cap_pids(1 + rnd_below(ISOLATE_PIDS_MAX));
	default:
		return isolate_cap_broker(1U << rnd_below(5));
	}
}

static struct isolate_cap *random_namespace_cap(void)
{
	return isolate_cap_namespace(rnd_below(2) ? ISOLATE_CELL_USERNS : ISOLATE_CELL_MOUNTNS);
}

/* "@" and 1..107 bytes: a few pieces, or random printable bytes up to the limit. */
static struct isolate_cap *random_unix_cap(void)
{
	__u32 right = rnd_below(2) ? ISOLATE_NET_CONNECT : ISOLATE_NET_BIND;
	char name[ISOLATE_UNIX_NAME_MAX + 2] = "@";
	size_t used = 1;

	if (rnd_below(4)) {
		for (unsigned int i = 1 + rnd_below(3); i; i--)
			used += (size_t)snprintf(name + used, sizeof(name) - used, "%s",
						 name_pieces[rnd_below(N(name_pieces))]);
	} else {
		for (unsigned int n = 1 + rnd_below(ISOLATE_UNIX_NAME_MAX); n; n--) {
			char ch = (char)('!' + rnd_below('~' - '!' + 1));

			name[used++] = ch == ':' ? ';' : ch;
		}
		name[used] = '\0';
	}
	return isolate_cap_unix(right, name);
}

/* Names of cells a generated cell may extend, given what is included. */
static size_t extendable(bool with_a, bool with_c, const char **out)
{
	size_t n = 0;

	if (with_a || with_c) {
		out[n++] = "base_a";
		out[n++] = "base_b";
	}
	if (with_c)
		out[n++] = "base_c";
	return n;
}

static struct isolate_policy *random_document(struct __test_metadata *_metadata,
					      const char *name)
{
	struct isolate_policy *p = isolate_policy_new(name);
	bool with_a = rnd_below(3) == 0, with_c = rnd_below(3) == 0;
	const char *bases[3 + N(names)], *used[N(names)];
	size_t n_bases = extendable(with_a, with_c, bases), n_cells = 1 + rnd_below(4), n_used = 0;

	if (with_a)
		ASSERT_EQ(0, isolate_policy_add_include(p, "inc_a.yaml"));
	if (with_c)
		ASSERT_EQ(0, isolate_policy_add_include(p, "sub/inc_c.yaml"));
	while (n_used < n_cells) {
		const char *cell_name = names[rnd_below(N(names))];
		struct isolate_cell_policy *c;
		unsigned int n_caps = rnd_below(12);
		bool taken = false;

		for (size_t i = 0; i < n_used; i++)
			taken |= !strcmp(used[i], cell_name);
		if (taken)
			continue;
		c = isolate_cell_policy_new(cell_name);
		ASSERT_NE(NULL, c);
		ASSERT_EQ(0, isolate_cell_policy_set_mode(c, rnd_below(2)));
		/* Earlier cells and included ones only: extends stay acyclic. */
		for (size_t i = 0; i < n_bases; i++)
			if (!rnd_below(3))
				ASSERT_EQ(0, isolate_cell_policy_add_extends(c, bases[i]));
		for (unsigned int i = 0; i < n_caps; i++) {
			unsigned int pick = rnd_below(12);
			struct isolate_cap *cap = pick < 5 ? random_path_cap() :
						  pick < 8 ? random_net_cap() :
						  pick < 10 ? random_budget_cap() :
						  pick < 11 ? random_namespace_cap() : random_unix_cap();
			struct isolate_diag diag = { 0 };

			ASSERT_NE(NULL, cap);
			ASSERT_EQ(0, isolate_cap_check(cap, &diag)) TH_LOG("%s", diag.msg);
			ASSERT_EQ(0, isolate_cell_policy_add(c, cap));
			isolate_cap_free(cap);
		}
		ASSERT_EQ(0, isolate_policy_add_cell(p, c));
		isolate_cell_policy_free(c);
		used[n_used++] = cell_name;
		bases[n_bases++] = cell_name;
	}
	return p;
}

static unsigned long roundtrip_count(void)
{
	const char *env = getenv("ISOLATE_ROUNDTRIP_COUNT");

	return env ? strtoul(env, NULL, 0) : DEFAULT_COUNT;
}

/* About 20 s for the default count under ASan; more documents, more time. */
TEST_F_TIMEOUT(roundtrip, parse_of_emit_is_identity, 600)
{
	unsigned long n = roundtrip_count();
	uint64_t seed = test_seed(0x15017a7e);

	TH_LOG("seed %llu (ISOLATE_TEST_SEED), %lu documents", (unsigned long long)seed, n);
	for (unsigned long iter = 0; iter < n; iter++) {
		struct isolate_policy *x = random_document(_metadata, self->doc), *y = NULL;
		struct isolate_diag diag = { 0 };
		char *text = NULL, *again = NULL, line[600];
		size_t len, len2;

		ASSERT_EQ(0, isolate_policy_emit(x, &text, &len));
		ASSERT_EQ(strlen(text), len);
		ASSERT_EQ(0, isolate_policy_parse(self->doc, text, len, &y, &diag)) {
			isolate_diag_format(&diag, line, sizeof(line));
			TH_LOG("document %lu: %s\n%s", iter, line, text);
		}
		ASSERT_TRUE(isolate_policy_equal(x, y)) TH_LOG("document %lu:\n%s", iter, text);
		ASSERT_EQ(0, isolate_policy_emit(y, &again, &len2));
		ASSERT_STREQ(text, again);
		/* The resolved view agrees too. */
		ASSERT_EQ(0, isolate_policy_resolve(x, &diag)) TH_LOG("%s", diag.msg);
		ASSERT_EQ(isolate_policy_cell_count(x), isolate_policy_cell_count(y));
		for (size_t i = 0; i < isolate_policy_cell_count(x); i++) {
			ASSERT_TRUE(isolate_cell_policy_equal(isolate_policy_cell(x, i),
							      isolate_policy_cell(y, i)))
				TH_LOG("document %lu, resolved cell %zu", iter, i);
		}
		free(text);
		free(again);
		isolate_policy_free(x);
		isolate_policy_free(y);
	}
}

/* The generator reaches what it should: a test of the test. */
TEST_F(roundtrip, generator_covers_every_kind)
{
	unsigned int seen[ISOLATE_CAP_UNIX + 1] = { 0 }, deny = 0, optional = 0, includes = 0;
	unsigned int unix_rights = 0, namespaces = 0, longest = 0;

	test_seed(0x15017a7e);
	for (int iter = 0; iter < 200; iter++) {
		struct isolate_policy *x = random_document(_metadata, self->doc);

		includes += isolate_policy_include_count(x) > 0;
		for (size_t i = 0; i < isolate_policy_doc_cell_count(x); i++) {
			const struct isolate_cell_policy *c = isolate_policy_doc_cell(x, i);

			for (size_t k = 0; k < isolate_cell_policy_cap_count(c); k++) {
				const struct isolate_cap *cap = isolate_cell_policy_cap(c, k);

				seen[isolate_cap_get_kind(cap)]++;
				if (isolate_cap_get_kind(cap) == ISOLATE_CAP_UNIX) {
					unix_rights |= (unsigned int)isolate_cap_get_value(cap);
					if (strlen(isolate_cap_get_unix_name(cap)) > longest)
						longest = (unsigned int)strlen(isolate_cap_get_unix_name(cap));
				}
				if (isolate_cap_get_kind(cap) == ISOLATE_CAP_NAMESPACE)
					namespaces |= (unsigned int)isolate_cap_get_value(cap);
				deny += !!(isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY);
				optional += !!(isolate_cap_get_flags(cap) & ISOLATE_CAP_OPTIONAL);
			}
		}
		isolate_policy_free(x);
	}
	/* Every kind but mode, which is the cell's and no capability of it. */
	for (int k = ISOLATE_CAP_READ; k <= ISOLATE_CAP_UNIX; k++) {
		if (k != ISOLATE_CAP_MODE)
			EXPECT_LT(0U, seen[k]) TH_LOG("kind %d never generated", k);
	}
	EXPECT_EQ((unsigned int)(ISOLATE_NET_CONNECT | ISOLATE_NET_BIND), unix_rights);
	EXPECT_EQ(ISOLATE_CELL_USERNS | ISOLATE_CELL_MOUNTNS, namespaces);
	EXPECT_LT(100U, longest);
	EXPECT_LT(0U, deny);
	EXPECT_LT(0U, optional);
	EXPECT_LT(0U, includes);
}

/* The new keys' place and spelling in the canonical form, exactly. */
TEST(namespaces_and_unix_in_canonical_form)
{
	static const char doc[] =
		"version: 1\n"
		"cells:\n"
		"  app:\n"
		"    unix: {bind: ['@b', \"@a\"], connect: ['@true', '@b', '@b']}\n"
		"    namespaces: [mount, user, mount]\n"
		"    broker: [read]\n";
	static const char want[] =
		"version: 1\n"
		"cells:\n"
		"  app:\n"
		"    mode: enforce\n"
		"    broker:\n"
		"    - read\n"
		"    namespaces:\n"
		"    - user\n"
		"    - mount\n"
		"    unix:\n"
		"      connect:\n"
		"      - '@b'\n"
		"      - '@true'\n"
		"      bind:\n"
		"      - '@a'\n"
		"      - '@b'\n";
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };
	char *text = NULL;
	size_t len;

	ASSERT_EQ(0, isolate_policy_parse("app.yaml", doc, strlen(doc), &p, &diag))
		TH_LOG("%s", diag.msg);
	ASSERT_EQ(0, isolate_policy_emit(p, &text, &len));
	EXPECT_STREQ(want, text);
	free(text);
	isolate_policy_free(p);
}

/*
 * '?' is quoted: YAML 1.1 readers (PyYAML) end a plain scalar at it inside
 * a flow mapping, and would refuse the optional entry's path.
 */
TEST(question_mark_is_quoted)
{
	static const char doc[] =
		"version: 1\n"
		"cells:\n"
		"  app:\n"
		"    read: [{path: /?, optional: true}, '/a?b']\n";
	static const char want[] =
		"version: 1\n"
		"cells:\n"
		"  app:\n"
		"    mode: enforce\n"
		"    read:\n"
		"    - {path: '/?', optional: true}\n"
		"    - '/a?b'\n";
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };
	char *text = NULL;
	size_t len;

	ASSERT_EQ(0, isolate_policy_parse("app.yaml", doc, strlen(doc), &p, &diag))
		TH_LOG("%s", diag.msg);
	ASSERT_EQ(0, isolate_policy_emit(p, &text, &len));
	EXPECT_STREQ(want, text);
	free(text);
	isolate_policy_free(p);
}

TEST_HARNESS_MAIN
