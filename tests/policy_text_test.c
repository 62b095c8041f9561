// SPDX-License-Identifier: GPL-2.0
/*
 * The one-line text form of capabilities: every canonical spelling parses
 * and formats back to itself, other accepted spellings format to their
 * canonical one, and every refusal says exactly what was expected.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"

/* Canonical texts: parse(text) formats to text. */
static const char *const canonical[] = {
	"read:/work",
	"write:/tmp/out",
	"exec:/usr/bin/python3",
	"deny-read:/work/.git",
	"read?:/opt/venv",
	"deny-exec?:/opt/venv/bin",
	"read:/",
	"read:/a:b/with space/#hash",
	"read:/café/日本/\xf0\x9f\x99\x82",
	"connect:tcp:10.0.0.0/8:443",
	"connect:udp:[2001:db8::]/32:1000-2000",
	"connect:tcp:0.0.0.0/0:1-65535",
	"connect:tcp:[::]/0:443",
	"deny-connect:tcp:10.1.0.0/16:443",
	"bind:tcp:127.0.0.1/32:8080",
	"bind:udp:[::1]/128:0",
	"deny-bind:tcp:0.0.0.0/0:22",
	"cpu:50000/100000",
	"cpu:1000/1000",
	"memory:512M",
	"memory:1G",
	"memory:1028K",
	"pids:64",
	"broker:read",
	"broker:bind",
	"mode:audit",
	"mode:enforce",
	"namespace:user",
	"namespace:mount",
	"allow:exec-memory",
	"allow:unix-autobind",
	"socket:unix",
	"socket:inet6",
	"socket:netlink-route",
	"socket:netlink-kobject-uevent",
	"unix-connect:@/tmp/.X11-unix/X0",
	"unix-bind:@x",
	"unix-connect:@@",
	"unix-bind:@'\"#[]{}&*!%`?|>\\~",
	"unix-connect:@true",
};

TEST(canonical_texts_round_trip)
{
	for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++) {
		struct isolate_cap *cap = NULL;
		struct isolate_diag diag = { 0 };
		char text[256];

		ASSERT_EQ(0, isolate_cap_parse(canonical[i], &cap, &diag))
			TH_LOG("%s: %s", canonical[i], diag.msg);
		ASSERT_EQ((int)strlen(canonical[i]), isolate_cap_format(cap, text, sizeof(text)));
		EXPECT_STREQ(canonical[i], text);
		isolate_cap_free(cap);
	}
}

/* Other spellings that mean the same: their canonical text. */
static const struct {
	const char *in, *out;
} spellings[] = {
	{ "read:/work/", "read:/work" },
	{ "read://work//./x/.", "read:/work/x" },
	{ "connect:tcp:10.1.2.3:443", "connect:tcp:10.1.2.3/32:443" },
	{ "connect:tcp:2001:db8::/32:443", "connect:tcp:[2001:db8::]/32:443" },
	{ "connect:tcp:[2001:DB8::1]:443-443", "connect:tcp:[2001:db8::1]/128:443" },
	{ "memory:1048576", "memory:1M" },
	{ "memory:1024M", "memory:1G" },
	{ "memory:4194304K", "memory:4G" },
};

TEST(other_spellings_format_canonically)
{
	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		struct isolate_cap *cap = NULL;
		struct isolate_diag diag = { 0 };
		char text[256];

		ASSERT_EQ(0, isolate_cap_parse(spellings[i].in, &cap, &diag))
			TH_LOG("%s: %s", spellings[i].in, diag.msg);
		isolate_cap_format(cap, text, sizeof(text));
		EXPECT_STREQ(spellings[i].out, text);
		isolate_cap_free(cap);
	}
}

static const struct {
	const char *in, *msg;
} refused[] = {
	{ "read", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'read'" },
	{ "reed:/work", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'reed:/work' (did you mean 'read:'?)" },
	{ "deny-cpu:1000/1000", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'deny-cpu:1000/1000'" },
	{ "connect?:tcp:10.0.0.0/8:443", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'connect?:tcp:10.0.0.0/8:443'" },
	{ "read:work", "expected an absolute path, got 'work'" },
	{ "read:/work/../etc", "expected a path without '..', got '/work/../etc'" },
	{ "read:/work/..", "expected a path without '..', got '/work/..'" },
	{ "read:/proc/self", "'/proc/self' is the compiling process's, not the cell's: rules are bound to objects when the policy is compiled. A process of the cell reads its own /proc/self with read: /proc" },
	{ "write:/proc/thread-self/comm", "'/proc/thread-self' is the compiling process's, not the cell's: rules are bound to objects when the policy is compiled. A process of the cell reads its own /proc/self with read: /proc" },
	{ "read:/dev/fd/3", "'/dev/fd' is a descriptor of the compiling process, not of the cell: rules are bound to objects when the policy is compiled. The cell uses its own descriptors without a rule; one opened again by this name is decided on its file" },
	{ "write:/dev/stdout", "'/dev/stdout' is a descriptor of the compiling process, not of the cell: rules are bound to objects when the policy is compiled. The cell uses its own descriptors without a rule; one opened again by this name is decided on its file" },
	{ "write:/a\tb", "expected a path without control characters, got byte 0x09" },
	{ "read:/caf\xe9", "expected a path in UTF-8" },
	{ "read:/\xc0\xaf", "expected a path in UTF-8" },
	{ "read:/\xed\xa0\x80", "expected a path in UTF-8" },
	{ "connect:tcp:10.0.0.0/8", "expected PROTOCOL:ADDRESS/PREFIX:PORT[-PORT], got 'tcp:10.0.0.0/8'" },
	{ "connect:sctp:10.0.0.0/8:443", "expected a protocol tcp or udp, got 'sctp'" },
	{ "connect:tcp:10.0.0.1/8:443", "expected an address block without host bits like 10.0.0.0/8, got 10.0.0.1/8" },
	{ "connect:tcp:10.0.0.0/33:443", "expected a prefix length 0..32, got '33'" },
	{ "connect:tcp:10.0.0.300/32:443", "expected an IPv4 or IPv6 address block like 10.0.0.0/8, got '10.0.0.300/32'" },
	{ "connect:tcp:[::ffff:10.0.0.0]/104:443", "expected an IPv4-mapped block written as IPv4 like 10.0.0.0/8, got ::ffff:10.0.0.0/104" },
	{ "connect:tcp:10.0.0.0/8:0", "expected a port 1..65535, got 0" },
	{ "connect:tcp:10.0.0.0/8:70000", "expected a port 1..65535, got 70000" },
	{ "bind:tcp:10.0.0.0/8:2000-1000", "expected a port range LOW-HIGH with LOW <= HIGH, got 2000-1000" },
	{ "bind:tcp:10.0.0.0/8:http", "expected a port or a port range like 1000-2000, got 'http'" },
	{ "cpu:500/100000", "expected a cpu quota of 1000..17592186044415 us, got 500" },
	{ "cpu:50000/2000000", "expected a cpu period of 1000..1000000 us, got 2000000" },
	{ "cpu:50000", "expected cpu:QUOTA/PERIOD in microseconds, got 'cpu:50000'" },
	{ "memory:512K", "expected memory 1M..1E, got 512K" },
	{ "memory:1000000", "expected memory 1M..1E, got 1000000" },
	{ "memory:2000000", "expected memory in whole 4K pages, got 2000000" },
	{ "memory:2Q", "expected a size in bytes with an optional suffix K, M, G, T, P or E, got '2Q'" },
	{ "memory:16E", "expected memory 1M..1E, got 16E" },
	{ "pids:0", "expected pids 1..4194304, got 0" },
	{ "pids:4194305", "expected pids 1..4194304, got '4194305'" },
	{ "pids:064", "expected pids 1..4194304, got '064'" },
	{ "broker:mount", "expected a broker right read, write, exec, connect or bind, got 'mount'" },
	{ "mode:strict", "expected mode enforce or audit, got 'strict'" },
	{ "namespace:pid", "expected a namespace user or mount, got 'pid'" },
	{ "namespace:", "expected a namespace user or mount, got ''" },
	{ "allow:jit", "expected an allowance exec-memory or unix-autobind, got 'jit'" },
	{ "socket:packet", "expected a socket family unix, inet, inet6, alg, vsock, netlink-route, netlink-sock-diag, netlink-xfrm, netlink-audit, netlink-netfilter, netlink-kobject-uevent or netlink-generic, got 'packet'" },
	{ "deny-namespace:user", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'deny-namespace:user'" },
	{ "unix:@x", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'unix:@x'" },
	{ "unix-listen:@x", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'unix-listen:@x'" },
	{ "deny-unix-connect:@x", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'deny-unix-connect:@x'" },
	{ "unix-bind?:@x", "expected a capability like read:/path, deny-write:/path, connect:tcp:10.0.0.0/8:443, memory:512M, broker:read, namespace:user, allow:exec-memory, socket:inet, unix-connect:@name or mode:audit, got 'unix-bind?:@x'" },
	{ "unix-connect:x", "expected an abstract socket name starting with '@', got 'x'" },
	{ "unix-connect:/run/dbus/socket", "expected an abstract socket name starting with '@', got '/run/dbus/socket'" },
	{ "unix-connect:", "expected an abstract socket name starting with '@', got ''" },
	{ "unix-bind:@", "expected an abstract socket name of 1..107 bytes after '@', got 0" },
	{ "unix-connect:@a:b", "expected an abstract socket name of printable ASCII without spaces or ':', got ':'" },
	{ "unix-connect:@a b", "expected an abstract socket name of printable ASCII without spaces or ':', got byte 0x20" },
	{ "unix-connect:@a\tb", "expected an abstract socket name of printable ASCII without spaces or ':', got byte 0x09" },
	{ "unix-connect:@\x7f", "expected an abstract socket name of printable ASCII without spaces or ':', got byte 0x7f" },
	{ "unix-connect:@caf\xc3\xa9", "expected an abstract socket name of printable ASCII without spaces or ':', got byte 0xc3" },
};

TEST(refusals_say_what_was_expected)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct isolate_cap *cap = (struct isolate_cap *)1;
		struct isolate_diag diag = { 0 };
		char line[512];

		EXPECT_EQ(-EINVAL, isolate_cap_parse(refused[i].in, &cap, &diag))
			TH_LOG("%s", refused[i].in);
		EXPECT_EQ(NULL, cap);
		isolate_diag_format(&diag, line, sizeof(line));
		EXPECT_STREQ(refused[i].msg, line);
	}
}

TEST(misspelled_kinds_get_a_suggestion)
{
	static const struct {
		const char *in, *near;
	} cases[] = {
		{ "raed:/srv", "(did you mean 'read:'?)" },
		{ "deny-wirte:/srv", "(did you mean 'write:'?)" },
		{ "conect:tcp:10.0.0.0/8:443", "(did you mean 'connect:'?)" },
		{ "namespce:user", "(did you mean 'namespace:'?)" },
		{ "xyz:/srv", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct isolate_cap *cap = NULL;
		struct isolate_diag diag = { 0 };
		const char *tail;

		ASSERT_EQ(-EINVAL, isolate_cap_parse(cases[i].in, &cap, &diag));
		tail = strstr(diag.msg, "(did you mean");
		if (cases[i].near) {
			EXPECT_STREQ(cases[i].near, tail ? tail : "(none)") TH_LOG("%s", diag.msg);
		} else {
			EXPECT_EQ(NULL, tail) TH_LOG("%s", diag.msg);
		}
	}
}

TEST(builder_objects_match_their_text)
{
	struct isolate_net_cap net = {
		.proto = 17, .family = 10, .prefix_len = 32,
		.port_min = 1000, .port_max = 2000,
		.addr = { 0x20, 0x01, 0x0d, 0xb8 },
	};
	struct isolate_cap *built[] = {
		isolate_cap_path(ISOLATE_CAP_READ, "/work/", 0),
		isolate_cap_path(ISOLATE_CAP_WRITE, "/work/.git", ISOLATE_CAP_DENY | ISOLATE_CAP_OPTIONAL),
		isolate_cap_net(ISOLATE_CAP_CONNECT, &net, 0),
		isolate_cap_cpu(50000, 100000),
		isolate_cap_memory(512ULL << 20),
		isolate_cap_pids(64),
		isolate_cap_broker(ISOLATE_BROKER_CONNECT),
		isolate_cap_mode(ISOLATE_MODE_AUDIT),
		isolate_cap_namespace(ISOLATE_CELL_MOUNTNS),
		isolate_cap_unix(ISOLATE_NET_BIND, "@/tmp/.X11-unix/X0"),
	};
	const char *texts[] = {
		"read:/work", "deny-write?:/work/.git", "connect:udp:[2001:db8::]/32:1000-2000",
		"cpu:50000/100000", "memory:512M", "pids:64", "broker:connect", "mode:audit",
		"namespace:mount", "unix-bind:@/tmp/.X11-unix/X0",
	};

	for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
		struct isolate_cap *parsed = NULL;
		char text[128];

		ASSERT_NE(NULL, built[i]);
		ASSERT_EQ(0, isolate_cap_check(built[i], NULL));
		isolate_cap_format(built[i], text, sizeof(text));
		EXPECT_STREQ(texts[i], text);
		ASSERT_EQ(0, isolate_cap_parse(texts[i], &parsed, NULL));
		EXPECT_EQ(0, isolate_cap_compare(built[i], parsed));
		isolate_cap_free(parsed);
		isolate_cap_free(built[i]);
	}
}

TEST(constructors_refuse_kinds_that_do_not_fit)
{
	struct isolate_net_cap net = { 0 };

	errno = 0;
	EXPECT_EQ(NULL, isolate_cap_path(ISOLATE_CAP_CONNECT, "/x", 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(NULL, isolate_cap_net(ISOLATE_CAP_READ, &net, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(NULL, isolate_cap_unix(ISOLATE_NET_CONNECT, NULL));
	EXPECT_EQ(EINVAL, errno);
}

TEST(check_refuses_values_a_kind_cannot_take)
{
	struct {
		struct isolate_cap *cap;
		const char *msg;
	} bad[] = {
		{ isolate_cap_namespace(0), "expected a namespace user or mount, got 0x0" },
		{ isolate_cap_namespace(ISOLATE_CELL_USERNS | ISOLATE_CELL_MOUNTNS),
		  "expected a namespace user or mount, got 0x3" },
		{ isolate_cap_unix(0, "@x"), "expected a unix right connect or bind, got 0" },
		{ isolate_cap_unix(ISOLATE_NET_CONNECT | ISOLATE_NET_BIND, "@x"),
		  "expected a unix right connect or bind, got 3" },
		{ isolate_cap_unix(ISOLATE_NET_BIND, "x"),
		  "expected an abstract socket name starting with '@', got 'x'" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct isolate_diag diag = { 0 };

		ASSERT_NE(NULL, bad[i].cap);
		EXPECT_EQ(-EINVAL, isolate_cap_check(bad[i].cap, &diag));
		EXPECT_STREQ(bad[i].msg, diag.msg);
		isolate_cap_free(bad[i].cap);
	}
}

TEST(unix_capabilities_expose_their_right_and_name)
{
	struct isolate_cap *u = isolate_cap_unix(ISOLATE_NET_CONNECT, "@bus");
	struct isolate_cap *n = isolate_cap_namespace(ISOLATE_CELL_USERNS);
	struct isolate_cap *copy;

	ASSERT_NE(NULL, u);
	ASSERT_NE(NULL, n);
	EXPECT_EQ(ISOLATE_CAP_UNIX, (int)isolate_cap_get_kind(u));
	EXPECT_EQ((__u64)ISOLATE_NET_CONNECT, isolate_cap_get_value(u));
	EXPECT_STREQ("@bus", isolate_cap_get_unix_name(u));
	EXPECT_EQ(NULL, isolate_cap_get_path(u));
	EXPECT_EQ(ISOLATE_CAP_NAMESPACE, (int)isolate_cap_get_kind(n));
	EXPECT_EQ((__u64)ISOLATE_CELL_USERNS, isolate_cap_get_value(n));
	EXPECT_EQ(NULL, isolate_cap_get_unix_name(n));
	/* A copy owns its name. */
	copy = isolate_cap_dup(u);
	isolate_cap_free(u);
	ASSERT_NE(NULL, copy);
	EXPECT_STREQ("@bus", isolate_cap_get_unix_name(copy));
	isolate_cap_free(copy);
	isolate_cap_free(n);
}

/* sun_path is 108 bytes: the leading NUL and at most 107 of name. */
TEST(abstract_names_hold_at_most_107_bytes)
{
	struct isolate_cap *cap = NULL;
	struct isolate_diag diag = { 0 };
	char text[160], out[160];

	snprintf(text, sizeof(text), "unix-connect:@%0107d", 7);
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, &diag)) TH_LOG("%s", diag.msg);
	isolate_cap_format(cap, out, sizeof(out));
	EXPECT_STREQ(text, out);
	isolate_cap_free(cap);
	snprintf(text, sizeof(text), "unix-connect:@%0108d", 8);
	EXPECT_EQ(-EINVAL, isolate_cap_parse(text, &cap, &diag));
	EXPECT_EQ(NULL, cap);
	EXPECT_STREQ("expected an abstract socket name of 1..107 bytes after '@', got 108", diag.msg);
}

TEST(check_refuses_flags_a_kind_cannot_carry)
{
	struct isolate_net_cap net = { .proto = 6, .family = 2, .port_min = 1, .port_max = 1 };
	struct isolate_cap *cap = isolate_cap_net(ISOLATE_CAP_CONNECT, &net, ISOLATE_CAP_OPTIONAL);
	struct isolate_diag diag = { 0 };

	ASSERT_NE(NULL, cap);
	EXPECT_EQ(-EINVAL, isolate_cap_check(cap, &diag));
	EXPECT_STREQ("expected flags 0x1 for this kind of capability, got 0x2", diag.msg);
	isolate_cap_free(cap);
}

TEST(text_that_does_not_fit_reports_its_length)
{
	struct isolate_cap *cap = isolate_cap_path(ISOLATE_CAP_READ, "/a/long/path", 0);
	char small[8];

	ASSERT_NE(NULL, cap);
	EXPECT_EQ(17, isolate_cap_format(cap, small, sizeof(small)));
	EXPECT_STREQ("read:/a", small);
	isolate_cap_free(cap);
}

TEST_HARNESS_MAIN
