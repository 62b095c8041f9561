// SPDX-License-Identifier: GPL-2.0
/*
 * The authority set: exact tables of what normalization makes of a set of
 * capabilities, checked to be independent of the order the capabilities
 * come in and to be a fixed point; then random sets, checked point by
 * point to grant exactly what the capabilities they came from grant.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "policy_test_util.h"

#define MAX_CAPS 32
#define SHUFFLES 50

struct norm_case {
	const char *name;
	const char *in[MAX_CAPS];
	const char *out[MAX_CAPS];
};

static const struct norm_case cases[] = {
	{ "repeats go",
	  { "read:/a", "read:/a", "write:/a", "write:/a" },
	  { "read:/a", "write:/a" } },
	{ "a tree absorbs the grants below it, not its name's siblings",
	  { "read:/a/b", "read:/a", "read:/a/b/c", "read:/ab", "read:/a-b" },
	  { "read:/a", "read:/a-b", "read:/ab" } },
	{ "the root absorbs everything of its kind",
	  { "exec:/usr/bin", "exec:/", "exec:/x/y" },
	  { "exec:/" } },
	{ "kinds are independent",
	  { "read:/a", "write:/a/b", "exec:/a/b/c" },
	  { "read:/a", "write:/a/b", "exec:/a/b/c" } },
	{ "a deny carves out grants of its kind below it",
	  { "read:/w", "deny-read:/w/.git", "read:/w/.git/config" },
	  { "read:/w", "deny-read:/w/.git" } },
	{ "a deny above a grant removes it",
	  { "read:/w/x", "read:/w/y", "deny-read:/w" },
	  { "deny-read:/w" } },
	{ "a deny on the very path removes the grant",
	  { "write:/w", "deny-write:/w" },
	  { "deny-write:/w" } },
	{ "a deny of another kind carves nothing",
	  { "read:/w/x", "deny-write:/w" },
	  { "read:/w/x", "deny-write:/w" } },
	{ "denies below denies stay: by object, they may be reached otherwise",
	  { "deny-read:/a/b", "deny-read:/a" },
	  { "deny-read:/a", "deny-read:/a/b" } },
	{ "a deny no grant covers stays",
	  { "deny-exec:/tmp" },
	  { "deny-exec:/tmp" } },
	{ "a required path beats the same path marked optional",
	  { "read?:/a", "read:/a", "deny-write?:/b", "deny-write:/b" },
	  { "read:/a", "deny-write:/b" } },
	{ "an optional tree still absorbs what is below it",
	  { "read?:/opt", "read:/opt/x" },
	  { "read?:/opt" } },
	{ "overlapping port ranges merge",
	  { "connect:tcp:10.0.0.0/8:1-100", "connect:tcp:10.0.0.0/8:50-200" },
	  { "connect:tcp:10.0.0.0/8:1-200" } },
	{ "touching port ranges merge",
	  { "connect:tcp:10.0.0.0/8:443", "connect:tcp:10.0.0.0/8:444" },
	  { "connect:tcp:10.0.0.0/8:443-444" } },
	{ "sibling blocks merge into their parent",
	  { "connect:tcp:10.0.0.0/9:443", "connect:tcp:10.128.0.0/9:443" },
	  { "connect:tcp:10.0.0.0/8:443" } },
	{ "a block inside another goes",
	  { "connect:tcp:10.1.0.0/16:443", "connect:tcp:10.0.0.0/8:443", "connect:tcp:10.1.2.3/32:443" },
	  { "connect:tcp:10.0.0.0/8:443" } },
	{ "ports split only where the addresses change",
	  { "connect:tcp:10.0.0.0/9:1-10", "connect:tcp:10.0.0.0/9:5-20", "connect:tcp:10.128.0.0/9:1-10" },
	  { "connect:tcp:10.0.0.0/8:1-10", "connect:tcp:10.0.0.0/9:11-20" } },
	{ "a deny carves a block out of a grant",
	  { "connect:tcp:10.0.0.0/8:443", "deny-connect:tcp:10.0.0.0/9:443" },
	  { "connect:tcp:10.128.0.0/9:443", "deny-connect:tcp:10.0.0.0/9:443" } },
	{ "a deny carves ports out of a grant",
	  { "connect:tcp:10.0.0.0/8:1-1000", "deny-connect:tcp:10.0.0.0/8:443" },
	  { "connect:tcp:10.0.0.0/8:1-442", "connect:tcp:10.0.0.0/8:444-1000",
	    "deny-connect:tcp:10.0.0.0/8:443" } },
	{ "a denied host leaves the fewest blocks around it",
	  { "connect:tcp:10.0.0.0/8:443", "deny-connect:tcp:10.1.2.3/32:443" },
	  { "connect:tcp:10.0.0.0/16:443", "connect:tcp:10.1.0.0/23:443",
	    "connect:tcp:10.1.2.0/31:443", "connect:tcp:10.1.2.2/32:443",
	    "connect:tcp:10.1.2.4/30:443", "connect:tcp:10.1.2.8/29:443",
	    "connect:tcp:10.1.2.16/28:443", "connect:tcp:10.1.2.32/27:443",
	    "connect:tcp:10.1.2.64/26:443", "connect:tcp:10.1.2.128/25:443",
	    "connect:tcp:10.1.3.0/24:443", "connect:tcp:10.1.4.0/22:443",
	    "connect:tcp:10.1.8.0/21:443", "connect:tcp:10.1.16.0/20:443",
	    "connect:tcp:10.1.32.0/19:443", "connect:tcp:10.1.64.0/18:443",
	    "connect:tcp:10.1.128.0/17:443", "connect:tcp:10.2.0.0/15:443",
	    "connect:tcp:10.4.0.0/14:443", "connect:tcp:10.8.0.0/13:443",
	    "connect:tcp:10.16.0.0/12:443", "connect:tcp:10.32.0.0/11:443",
	    "connect:tcp:10.64.0.0/10:443", "connect:tcp:10.128.0.0/9:443",
	    "deny-connect:tcp:10.1.2.3/32:443" } },
	{ "protocols, families and kinds stay apart",
	  { "connect:tcp:10.0.0.0/8:53", "connect:udp:10.0.0.0/8:53", "bind:tcp:10.0.0.0/8:53",
	    "connect:tcp:[::]/0:53" },
	  { "connect:tcp:10.0.0.0/8:53", "connect:tcp:[::]/0:53", "connect:udp:10.0.0.0/8:53",
	    "bind:tcp:10.0.0.0/8:53" } },
	{ "IPv6 siblings merge",
	  { "connect:tcp:[2001:db8::]/33:443", "connect:tcp:[2001:db8:8000::]/33:443" },
	  { "connect:tcp:[2001:db8::]/32:443" } },
	{ "the two halves of each address space are the whole",
	  { "connect:udp:0.0.0.0/1:53", "connect:udp:128.0.0.0/1:53",
	    "connect:udp:[::]/1:53", "connect:udp:[8000::]/1:53" },
	  { "connect:udp:0.0.0.0/0:53", "connect:udp:[::]/0:53" } },
	{ "bind port 0 (any ephemeral port) joins the range above it",
	  { "bind:tcp:0.0.0.0/0:1-65535", "bind:tcp:0.0.0.0/0:0" },
	  { "bind:tcp:0.0.0.0/0:0-65535" } },
	{ "denies are kept canonical too",
	  { "deny-connect:udp:10.0.0.0/9:53", "deny-connect:udp:10.128.0.0/9:53" },
	  { "deny-connect:udp:10.0.0.0/8:53" } },
	{ "broker rights once each",
	  { "broker:bind", "broker:read", "broker:bind" },
	  { "broker:read", "broker:bind" } },
	{ "one budget stays",
	  { "pids:64", "memory:512M", "cpu:50000/100000" },
	  { "cpu:50000/100000", "memory:512M", "pids:64" } },
	{ "namespaces once each",
	  { "namespace:mount", "namespace:user", "namespace:mount", "namespace:user" },
	  { "namespace:user", "namespace:mount" } },
	{ "abstract names once each, connect and bind of one name apart",
	  { "unix-bind:@b", "unix-connect:@b", "unix-connect:@a", "unix-bind:@b", "unix-connect:@a" },
	  { "unix-connect:@a", "unix-connect:@b", "unix-bind:@b" } },
	{ "abstract names are exact: no name absorbs another",
	  { "unix-connect:@a/b", "unix-connect:@ab", "unix-connect:@a", "unix-connect:@a/" },
	  { "unix-connect:@a", "unix-connect:@a/", "unix-connect:@a/b", "unix-connect:@ab" } },
	{ "everything at once, in canonical order",
	  { "pids:8", "unix-bind:@s", "broker:exec", "deny-read:/w/s", "namespace:mount",
	    "connect:tcp:10.0.0.0/8:22", "read:/w", "unix-connect:@s", "exec:/bin", "write:/w/o",
	    "bind:udp:[::1]/128:5353", "namespace:user" },
	  { "read:/w", "deny-read:/w/s", "write:/w/o", "exec:/bin", "connect:tcp:10.0.0.0/8:22",
	    "bind:udp:[::1]/128:5353", "pids:8", "broker:exec", "namespace:user", "namespace:mount",
	    "unix-connect:@s", "unix-bind:@s" } },
};

static size_t count(const char *const *list)
{
	size_t n = 0;

	while (n < MAX_CAPS && list[n])
		n++;
	return n;
}

static void shuffle(const char **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rnd_below((unsigned int)i);
		const char *t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

TEST(tables)
{
	char got[4096], want[4096];

	TH_LOG("seed %llu", (unsigned long long)test_seed(20240601));
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct norm_case *tc = &cases[k];
		size_t n_in = count(tc->in), n_out = count(tc->out);
		struct isolate_cell_policy *expected = cell_of("want", tc->out, n_out);
		struct isolate_cell_policy *first = NULL;
		const char *order[MAX_CAPS];

		ASSERT_NE(NULL, expected);
		memcpy(order, tc->in, n_in * sizeof(*order));
		for (int s = 0; s < SHUFFLES; s++) {
			struct isolate_cell_policy *in = cell_of("c", order, n_in), *out = NULL, *again = NULL;

			ASSERT_NE(NULL, in);
			ASSERT_EQ(0, isolate_cell_policy_normalize(in, &out));
			ASSERT_TRUE(same_sequence(expected, out))
				TH_LOG("%s:\n  want %s\n  got  %s", tc->name,
				       cell_texts(expected, want, sizeof(want)),
				       cell_texts(out, got, sizeof(got)));
			/* A fixed point: normalizing the authority set changes nothing. */
			ASSERT_EQ(0, isolate_cell_policy_normalize(out, &again));
			ASSERT_TRUE(same_sequence(out, again)) TH_LOG("%s: not idempotent", tc->name);
			if (!first)
				first = isolate_cell_policy_dup(out);
			ASSERT_TRUE(same_sequence(first, out)) TH_LOG("%s: order matters", tc->name);
			isolate_cell_policy_free(in);
			isolate_cell_policy_free(out);
			isolate_cell_policy_free(again);
			shuffle(order, n_in);
		}
		isolate_cell_policy_free(first);
		isolate_cell_policy_free(expected);
	}
}

/* Budgets of extended cells: the tightest of each kind wins. */
TEST(tightest_budget_wins_across_extends)
{
	static const char doc[] =
		"version: 1\n"
		"cells:\n"
		"  loose:\n"
		"    limits: {cpu: {quota_us: 50000, period_us: 100000}, memory: 1G, pids: 64}\n"
		"  tight:\n"
		"    limits: {cpu: {quota_us: 20000, period_us: 50000}, memory: 512M, pids: 128}\n"
		"  same_share:\n"
		"    limits: {cpu: {quota_us: 10000, period_us: 25000}}\n"
		"  both:\n"
		"    extends: [loose, tight]\n"
		"  all:\n"
		"    extends: [both, same_share]\n";
	static const char *const want_both[] = { "cpu:20000/50000", "memory:512M", "pids:64" };
	static const char *const want_all[] = { "cpu:10000/25000", "memory:512M", "pids:64" };
	struct isolate_cell_policy *out = NULL, *want;
	struct isolate_policy *p = NULL;
	struct isolate_diag diag = { 0 };
	char got[512];

	ASSERT_EQ(0, isolate_policy_parse("budgets.yaml", doc, strlen(doc), &p, &diag))
		TH_LOG("%s", diag.msg);
	ASSERT_EQ(6U, isolate_cell_policy_cap_count(isolate_policy_find(p, "both")));
	ASSERT_EQ(0, isolate_cell_policy_normalize(isolate_policy_find(p, "both"), &out));
	want = cell_of("want", want_both, 3);
	EXPECT_TRUE(same_sequence(want, out)) TH_LOG("got %s", cell_texts(out, got, sizeof(got)));
	isolate_cell_policy_free(want);
	isolate_cell_policy_free(out);
	/* The same share (0.4) at a shorter period is tighter: enforced in finer steps. */
	ASSERT_EQ(0, isolate_cell_policy_normalize(isolate_policy_find(p, "all"), &out));
	want = cell_of("want", want_all, 3);
	EXPECT_TRUE(same_sequence(want, out)) TH_LOG("got %s", cell_texts(out, got, sizeof(got)));
	isolate_cell_policy_free(want);
	isolate_cell_policy_free(out);
	isolate_policy_free(p);
}

TEST(mode_survives_normalization)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new("c"), *out = NULL;

	ASSERT_EQ(0, isolate_cell_policy_set_mode(c, ISOLATE_MODE_AUDIT));
	ASSERT_EQ(0, isolate_cell_policy_normalize(c, &out));
	EXPECT_EQ((__u32)ISOLATE_MODE_AUDIT, isolate_cell_policy_mode(out));
	EXPECT_STREQ("c", isolate_cell_policy_name(out));
	EXPECT_EQ(0U, isolate_cell_policy_cap_count(out));
	isolate_cell_policy_free(c);
	isolate_cell_policy_free(out);
}

/* ---- random sets, checked point by point ---- */

static const char *const tree[] = {
	"/", "/a", "/a/b", "/a/b/c", "/a/d", "/a-b", "/e", "/e/f", "/e/f/g",
};
#define TREE_N (sizeof(tree) / sizeof(tree[0]))

static int is_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, path) || !strcmp(dir, "/"))
		return 1;
	return !strncmp(dir, path, n) && path[n] == '/';
}

/* Whether c grants kind on path: some grant covers it and no deny does. */
static int path_granted(const struct isolate_cell_policy *c, enum isolate_cap_kind kind,
			const char *path)
{
	int allow = 0;

	for (size_t i = 0; i < isolate_cell_policy_cap_count(c); i++) {
		const struct isolate_cap *cap = isolate_cell_policy_cap(c, i);

		if (isolate_cap_get_kind(cap) != kind || !is_under(isolate_cap_get_path(cap), path))
			continue;
		if (isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY)
			return 0;
		allow = 1;
	}
	return allow;
}

TEST(random_path_sets_grant_the_same)
{
	test_seed(7001);
	for (int iter = 0; iter < 2000; iter++) {
		struct isolate_cell_policy *c = isolate_cell_policy_new("r"), *out = NULL, *again = NULL;
		unsigned int n = 1 + rnd_below(12);

		for (unsigned int i = 0; i < n; i++) {
			struct isolate_cap *cap = isolate_cap_path(ISOLATE_CAP_READ + rnd_below(3),
								   tree[rnd_below(TREE_N)],
								   rnd_below(3) ? 0 : ISOLATE_CAP_DENY);

			ASSERT_EQ(0, isolate_cell_policy_add(c, cap));
			isolate_cap_free(cap);
		}
		ASSERT_EQ(0, isolate_cell_policy_normalize(c, &out));
		for (size_t p = 0; p < TREE_N; p++) {
			for (int k = ISOLATE_CAP_READ; k <= ISOLATE_CAP_EXEC; k++) {
				ASSERT_EQ(path_granted(c, k, tree[p]), path_granted(out, k, tree[p]))
					TH_LOG("iteration %d, %s kind %d", iter, tree[p], k);
			}
		}
		ASSERT_EQ(0, isolate_cell_policy_normalize(out, &again));
		ASSERT_TRUE(same_sequence(out, again));
		isolate_cell_policy_free(c);
		isolate_cell_policy_free(out);
		isolate_cell_policy_free(again);
	}
}

/* A small space: 10.0.0.0/24, ports 1..24, connect over TCP. */
static int net_in(const struct isolate_cap *cap, unsigned int host, unsigned int port)
{
	const struct isolate_net_cap *n = isolate_cap_get_net(cap);
	uint32_t base = ntohl(*(const uint32_t *)n->addr);
	uint32_t mask = n->prefix_len ? ~0U << (32 - n->prefix_len) : 0;
	uint32_t addr = 0x0a000000U | host;

	return (addr & mask) == base && port >= n->port_min && port <= n->port_max;
}

static int net_granted(const struct isolate_cell_policy *c, unsigned int host, unsigned int port,
		       unsigned int deny)
{
	int in = 0;

	for (size_t i = 0; i < isolate_cell_policy_cap_count(c); i++) {
		const struct isolate_cap *cap = isolate_cell_policy_cap(c, i);

		if ((isolate_cap_get_flags(cap) & ISOLATE_CAP_DENY) != deny || !net_in(cap, host, port))
			continue;
		in = 1;
	}
	return in;
}

static struct isolate_cap *random_net_cap(void)
{
	unsigned int prefix = 24 + rnd_below(9), lo = 1 + rnd_below(24), hi = lo + rnd_below(25 - lo);
	uint32_t host = rnd_below(256) & (prefix == 32 ? 0xff : (0xffU << (32 - prefix)) & 0xff);
	struct isolate_net_cap n = {
		.proto = IPPROTO_TCP, .family = AF_INET, .prefix_len = (__u8)prefix,
		.port_min = (__u16)lo, .port_max = (__u16)hi,
	};
	uint32_t be = htonl(0x0a000000U | host);

	memcpy(n.addr, &be, 4);
	return isolate_cap_net(ISOLATE_CAP_CONNECT, &n, rnd_below(3) ? 0 : ISOLATE_CAP_DENY);
}

TEST(random_network_sets_grant_the_same)
{
	test_seed(7002);
	for (int iter = 0; iter < 500; iter++) {
		struct isolate_cell_policy *c = isolate_cell_policy_new("r"), *out = NULL, *again = NULL;
		unsigned int n = 1 + rnd_below(10);

		for (unsigned int i = 0; i < n; i++) {
			struct isolate_cap *cap = random_net_cap();

			ASSERT_EQ(0, isolate_cell_policy_add(c, cap));
			isolate_cap_free(cap);
		}
		ASSERT_EQ(0, isolate_cell_policy_normalize(c, &out));
		for (unsigned int host = 0; host < 256; host++) {
			for (unsigned int port = 0; port <= 25; port++) {
				int want = net_granted(c, host, port, 0) && !net_granted(c, host, port, ISOLATE_CAP_DENY);

				ASSERT_EQ(want, net_granted(out, host, port, 0))
					TH_LOG("iteration %d: 10.0.0.%u port %u", iter, host, port);
				ASSERT_EQ(net_granted(c, host, port, ISOLATE_CAP_DENY),
					  net_granted(out, host, port, ISOLATE_CAP_DENY));
			}
		}
		ASSERT_EQ(0, isolate_cell_policy_normalize(out, &again));
		ASSERT_TRUE(same_sequence(out, again));
		isolate_cell_policy_free(c);
		isolate_cell_policy_free(out);
		isolate_cell_policy_free(again);
	}
}

TEST_HARNESS_MAIN
