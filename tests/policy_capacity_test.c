// SPDX-License-Identifier: GPL-2.0
/*
 * Limits of what one cell compiles to (port ranges per address block, the
 * net_rules and unix_rules maps, the network sets normalizing makes) are
 * refused at the place the capability that went over was written,
 * file:line:column as every refusal, in isolate-loader's -j output too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "loader_run.h"

/* 18 separate ports on one block, one a line from line 5; an entry holds 16 ranges. */
static const char ports_doc[] =
	"version: 1\n"
	"cells:\n"
	"  c:\n"
	"    connect:\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 1}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 3}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 5}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 7}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 9}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 11}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 13}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 15}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 17}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 19}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 21}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 23}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 25}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 27}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 29}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 31}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 33}\n"
	"      - {protocol: tcp, address: 10.0.0.0/8, port: 35}\n";

/*
 * A document of cell c whose key (connect, unix: {connect: ...}) lists n
 * entries, one a line after the key, entry(i) the text of the i-th; NULL if
 * out of memory.
 */
static char *doc_of(const char *key, unsigned int n, void (*entry)(unsigned int, char *, size_t))
{
	size_t len = 0, alloc = 4096;
	char *doc = malloc(alloc), line[128];

	if (doc)
		len = (size_t)snprintf(doc, alloc, "version: 1\ncells:\n  c:\n    %s:\n", key);
	for (unsigned int i = 0; doc && i < n; i++) {
		size_t add;

		entry(i, line, sizeof(line));
		add = strlen(line);
		if (len + add + 1 > alloc) {
			char *grown = realloc(doc, alloc * 2);

			if (!grown) {
				free(doc);
				return NULL;
			}
			doc = grown;
			alloc *= 2;
		}
		memcpy(doc + len, line, add + 1);
		len += add;
	}
	return doc;
}

/* Parses doc as caps.yaml and compiles its cell c: the error, diag set. */
static int compile_doc(const char *doc, struct isolate_diag *diag)
{
	struct isolate_policy *p = NULL;
	struct isolate_image *img = NULL;
	int err = isolate_policy_parse("caps.yaml", doc, strlen(doc), &p, diag);

	if (!err)
		err = isolate_compile(isolate_policy_find(p, "c"), &img, diag);
	isolate_image_free(img);
	isolate_policy_free(p);
	return err;
}

/* The 17th range by port (33, line 21) is the one that went over, not the last written. */
TEST(too_many_port_ranges_name_the_range_that_went_over)
{
	struct isolate_policy *p = NULL;
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	ASSERT_EQ(0, isolate_policy_parse("ports.yaml", ports_doc, strlen(ports_doc), &p, &diag))
		TH_LOG("%s", diag.msg);
	EXPECT_EQ(-E2BIG, isolate_compile(isolate_policy_find(p, "c"), &img, &diag));
	EXPECT_EQ(NULL, img);
	EXPECT_STREQ("ports.yaml", diag.file);
	EXPECT_EQ(21U, diag.line);
	EXPECT_EQ(9U, diag.column);
	EXPECT_STREQ("expected at most 16 port ranges for one address block, cell c needs more for 10.0.0.0/8",
		     diag.msg);
	isolate_policy_free(p);
}

TEST(the_loader_names_the_place_in_json)
{
	char tmpl[] = "/tmp/isolate-ports.XXXXXX", args[128], out[2048], want[1024];
	int fd = mkstemp(tmpl);

	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)strlen(ports_doc), write(fd, ports_doc, strlen(ports_doc)));
	close(fd);
	snprintf(args, sizeof(args), "-j policy check %s 2>/dev/null", tmpl);
	EXPECT_EQ(1, loader_run(args, out, sizeof(out)));
	snprintf(want, sizeof(want),
		 "{\"error\":\"%s:21:9: expected at most 16 port ranges for one address block, cell c needs more for 10.0.0.0/8\","
		 "\"file\":\"%s\",\"line\":21,\"column\":9,"
		 "\"message\":\"expected at most 16 port ranges for one address block, cell c needs more for 10.0.0.0/8\",\"exit_code\":1}\n",
		 tmpl, tmpl);
	EXPECT_STREQ(want, out);
	unlink(tmpl);
}

/* Every other address of 10.0.0.0/15 from 10.0.0.0: no two merge into a wider block. */
static void separate_address(unsigned int i, char *line, size_t len)
{
	snprintf(line, len, "      - {protocol: tcp, address: 10.%u.%u.%u/32, port: 443}\n",
		 (2 * i) >> 16 & 255, (2 * i) >> 8 & 255, (2 * i) & 255);
}

/*
 * One more separate address than net_rules holds: the entries are made in
 * address order, and the last address is the block past the map's size.
 */
TEST(a_full_net_rules_map_names_the_block_that_went_over)
{
	char *doc = doc_of("connect", ISOLATE_MAX_NET_RULES + 1, separate_address);
	struct isolate_diag diag = { 0 };

	ASSERT_NE(NULL, doc);
	EXPECT_EQ(-E2BIG, compile_doc(doc, &diag));
	EXPECT_STREQ("caps.yaml", diag.file);
	EXPECT_EQ(4U + ISOLATE_MAX_NET_RULES + 1, diag.line);
	EXPECT_EQ(9U, diag.column);
	EXPECT_STREQ("expected at most 65536 network rules (the size of the net_rules map), cell c needs 65537",
		     diag.msg);
	free(doc);
}

/* The UDP grant first, then nested TCP port ranges on separate addresses. */
static void nested_range(unsigned int i, char *line, size_t len)
{
	if (!i)
		snprintf(line, len, "      - {protocol: udp, address: 10.0.0.1/32, port: 53}\n");
	else
		snprintf(line, len, "      - {protocol: tcp, address: 10.%u.%u.%u/32, port: %u-%u}\n",
			 i / 16384, i / 64 % 256, i % 64 * 4, i, 65535 - i);
}

/*
 * Nested port ranges on separate addresses outgrow the map while
 * normalizing: named by the group's grant written last (the TCP one on
 * the last line, not the UDP one).
 */
TEST(network_sets_beyond_the_map_name_the_grant_written_last)
{
	char *doc = doc_of("connect", 3001, nested_range);
	struct isolate_diag diag = { 0 };

	ASSERT_NE(NULL, doc);
	EXPECT_EQ(-E2BIG, compile_doc(doc, &diag));
	EXPECT_STREQ("caps.yaml", diag.file);
	EXPECT_EQ(3005U, diag.line);
	EXPECT_EQ(9U, diag.column);
	EXPECT_STREQ("expected at most 65536 network rules (the size of the net_rules map), cell c needs more",
		     diag.msg);
	free(doc);
}

/* Names written in reverse order: the last by name on the first line. */
static void reversed_name(unsigned int i, char *line, size_t len)
{
	snprintf(line, len, "        - '@s%05u'\n", ISOLATE_MAX_UNIX_RULES - i);
}

/* Entries are made in name order: the first name past the map's size went over. */
TEST(a_full_unix_rules_map_names_the_name_that_went_over)
{
	char *doc = doc_of("unix:\n      connect", ISOLATE_MAX_UNIX_RULES + 1, reversed_name);
	struct isolate_diag diag = { 0 };

	ASSERT_NE(NULL, doc);
	EXPECT_EQ(-E2BIG, compile_doc(doc, &diag));
	EXPECT_STREQ("caps.yaml", diag.file);
	/* @s04096, the last by name, written first: line 6 after unix: and connect:. */
	EXPECT_EQ(6U, diag.line);
	EXPECT_EQ(11U, diag.column);
	EXPECT_STREQ("expected at most 4096 abstract unix names (the size of the unix_rules map), cell c needs 4097",
		     diag.msg);
	free(doc);
}

TEST_HARNESS_MAIN
