// SPDX-License-Identifier: GPL-2.0
/*
 * Events carry names a cell chose: a file it made, its command name, its
 * log messages. Printed, they must not forge a line of their own, and the
 * JSON form must stay valid UTF-8 (json.loads raised on byte 0xff).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include <isolate/isolate.h>

/* Well-formed UTF-8, checked here as a consumer would (no overlongs). */
static bool valid_utf8(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned int c = p[i], len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
					     (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (!len || i + len > n || (len == 2 && c < 0xc2))
			return false;
		for (unsigned int k = 1; k < len; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

static size_t lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static char *print(bool json, const struct isolate_event_hdr *h, size_t size)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (json)
		isolate_event_write_json(f, "cell-a", h, size);
	else
		isolate_event_write_text(f, "cell-a", h, size);
	fclose(f);
	return buf;
}

static const char hostile_path[] = "/tmp/evil\nlifecycle cell=9 what=destroyed \xff\xfe name";

static void deny_event(struct isolate_event_access *e)
{
	memset(e, 0, sizeof(*e));
	e->hdr.event_class = ISOLATE_EVENT_DENY;
	e->hdr.rule_id = ISOLATE_RULE_NONE;
	e->op = ISOLATE_OP_READ;
	e->error = 13;
	e->object_kind = ISOLATE_OBJECT_FILE;
	memcpy(e->comm, "ev\til\n\xc3", 7);
	memcpy(e->path, hostile_path, sizeof(hostile_path));
}

TEST(text_lines_cannot_be_forged)
{
	struct isolate_event_access e;
	char *out;

	deny_event(&e);
	out = print(false, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1U, lines(out)) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "path=/tmp/evil\\x0alifecycle\\x20cell=9")) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\\xff\\xfe"));
	EXPECT_NE(NULL, strstr(out, "comm=ev\\x09il\\x0a\\xc3 "));
	EXPECT_TRUE(valid_utf8((const unsigned char *)out, strlen(out)));
	free(out);
}

TEST(json_lines_are_valid_utf8_with_the_raw_bytes)
{
	struct isolate_event_access e;
	char *out, hex[2 * sizeof(hostile_path)] = "";

	deny_event(&e);
	out = print(true, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1U, lines(out));
	EXPECT_TRUE(valid_utf8((const unsigned char *)out, strlen(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\"path\":\"/tmp/evil\\nlifecycle cell=9 what=destroyed \\ufffd\\ufffd name\""));
	for (size_t i = 0; i + 1 < sizeof(hostile_path); i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)hostile_path[i]);
	EXPECT_NE(NULL, strstr(out, hex)) {
		TH_LOG("no path_hex %s in %s", hex, out);
	}
	EXPECT_NE(NULL, strstr(out, "\"comm_hex\":\"657609696c0ac3\""));
	free(out);
}

/* Valid UTF-8 passes as it is, with no _hex member. */
TEST(utf8_names_stay_as_they_are)
{
	struct isolate_event_access e;
	char *out;

	deny_event(&e);
	strcpy(e.path, "/srv/données/ファイル");
	strcpy(e.comm, "café");
	out = print(true, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\"path\":\"/srv/données/ファイル\""));
	EXPECT_EQ(NULL, strstr(out, "_hex"));
	free(out);
	out = print(false, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "path=/srv/données/ファイル "));
	free(out);
}

/* A log message is the cell's too. */
TEST(log_messages_cannot_be_forged)
{
	struct isolate_event_log l;
	static const char msg[] = "ok\ndeny cell=2 op=read \xff";
	char *out;

	memset(&l, 0, sizeof(l));
	l.hdr.event_class = ISOLATE_EVENT_LOG;
	l.hdr.rule_id = ISOLATE_RULE_NONE;
	l.len = sizeof(msg) - 1;
	memcpy(l.msg, msg, sizeof(msg));
	for (int json = 0; json < 2; json++) {
		out = print(json, &l.hdr, sizeof(l));
		ASSERT_NE(NULL, out);
		EXPECT_EQ(1U, lines(out)) {
			TH_LOG("%s", out);
		}
		EXPECT_TRUE(valid_utf8((const unsigned char *)out, strlen(out)));
		free(out);
	}
}

/* An abstract AF_UNIX name is the cell's, like a path: "@" and the name. */
TEST(unix_addresses_cannot_be_forged)
{
	static const char name[] = "@x\ndeny cell=prod op=exec path=/x \xff";
	struct isolate_event_access e;
	char *out;

	deny_event(&e);
	e.object_kind = ISOLATE_OBJECT_NET;
	e.net.family = AF_UNIX;
	memset(e.path, 0, sizeof(e.path));
	memcpy(e.path, name, sizeof(name));
	out = print(false, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1U, lines(out)) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, " address=@x\\x0adeny\\x20cell=prod\\x20op=exec\\x20path=/x\\x20\\xff ")) {
		TH_LOG("%s", out);
	}
	free(out);
	out = print(true, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1U, lines(out));
	EXPECT_TRUE(valid_utf8((const unsigned char *)out, strlen(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\"address\":\"@x\\ndeny cell=prod op=exec path=/x \\ufffd\"")) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\"address_hex\":\"4078")) {
		TH_LOG("%s", out);
	}
	free(out);
}

/*
 * Characters a terminal obeys though they are valid UTF-8: CSI (U+009B,
 * the C1 control), the line separator, a right-to-left override and a
 * left-to-right isolate. Their neighbours are text: U+2027 everywhere,
 * the spaces U+00A0 and U+202F in JSON strings (in a text line's
 * key=value they would read as two words).
 */
static const char obeyed[] = "a\xc2\x9b" "2J\xe2\x80\xa8\xe2\x80\xae\xe2\x81\xa6"
			     "b\xc2\xa0\xe2\x80\xa7\xe2\x80\xaf";

TEST(text_lines_escape_what_a_terminal_obeys)
{
	struct isolate_event_access e;
	char *out;

	deny_event(&e);
	memcpy(e.path, obeyed, sizeof(obeyed));
	memcpy(e.comm, "x\xc2\x85y", 5);
	out = print(false, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, " path=a\\xc2\\x9b2J\\xe2\\x80\\xa8\\xe2\\x80\\xae\\xe2\\x81\\xa6"
				    "b\\xc2\\xa0\xe2\x80\xa7\\xe2\\x80\\xaf ")) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, " comm=x\\xc2\\x85y ")) {
		TH_LOG("%s", out);
	}
	free(out);
}

TEST(json_lines_escape_what_a_terminal_obeys)
{
	struct isolate_event_access e;
	char *out;

	deny_event(&e);
	memcpy(e.path, obeyed, sizeof(obeyed));
	memcpy(e.comm, "x\xc2\x85y", 5);
	out = print(true, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\"path\":\"a\\u009b2J\\u2028\\u202e\\u2066"
				    "b\xc2\xa0\xe2\x80\xa7\xe2\x80\xaf\"")) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "\"comm\":\"x\\u0085y\"")) {
		TH_LOG("%s", out);
	}
	/* Valid UTF-8: the string says it all. */
	EXPECT_EQ(NULL, strstr(out, "_hex"));
	free(out);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/*
 * A space that is not ASCII's (U+00A0: Python's str.split() splits at it)
 * or an invisible character (U+200B) in a name would let a text line read
 * as if it had a second key=value: "comm= cell=x". Their bytes are
 * escaped there; letters of other scripts are not.
 */
TEST(text_names_hold_no_other_space_nor_hidden_character)
{
	struct isolate_event_access e;
	char *out;

	deny_event(&e);
	strcpy(e.comm, "\xc2\xa0" "cell=x");
	strcpy(e.path, "/tmp/a\xe2\x80\x8b" "cell=y/\xe3\x80\x80" "b\xef\xbb\xbf/é日本");
	out = print(false, &e.hdr, sizeof(e));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, " comm=\\xc2\\xa0cell=x ")) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, " path=/tmp/a\\xe2\\x80\\x8bcell=y/\\xe3\\x80\\x80b"
				    "\\xef\\xbb\\xbf/é日本 ")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(1U, count(out, " cell=")) {
		TH_LOG("%s", out);
	}
	free(out);
}

/*
 * Letters and symbols drawn as blank (the Hangul fillers U+3164, U+115F,
 * U+1160, U+FFA0, the blank Braille pattern U+2800) are no space to
 * str.split(), but a reader sees "comm=cat cell=root": escaped in names.
 */
TEST(text_names_hold_no_blank_letter)
{
	static const char *const blank[] = {
		"\xe3\x85\xa4", "\xe1\x85\x9f", "\xe1\x85\xa0", "\xef\xbe\xa0", "\xe2\xa0\x80",
	};
	static const char *const escaped[] = {
		"\\xe3\\x85\\xa4", "\\xe1\\x85\\x9f", "\\xe1\\x85\\xa0", "\\xef\\xbe\\xa0",
		"\\xe2\\xa0\\x80",
	};
	struct isolate_event_access e;
	char want[64], *out;

	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		deny_event(&e);
		snprintf(e.comm, sizeof(e.comm), "cat%scell=root", blank[i]);
		out = print(false, &e.hdr, sizeof(e));
		ASSERT_NE(NULL, out);
		snprintf(want, sizeof(want), " comm=cat%scell=root ", escaped[i]);
		EXPECT_NE(NULL, strstr(out, want)) {
			TH_LOG("%s", out);
		}
		free(out);
	}
}

/* A field with a length shows every byte of it, those after a NUL too. */
TEST(bytes_after_a_nul_are_shown)
{
	static const char msg[] = "shown\0hidden\n";
	struct isolate_event_message m;
	struct isolate_event_log l;
	char *out;

	memset(&l, 0, sizeof(l));
	l.hdr.event_class = ISOLATE_EVENT_LOG;
	l.hdr.rule_id = ISOLATE_RULE_NONE;
	l.len = sizeof(msg) - 1;
	memcpy(l.msg, msg, sizeof(msg));
	out = print(false, &l.hdr, sizeof(l));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, " message=shown\\x00hidden\\x0a\n")) {
		TH_LOG("%s", out);
	}
	free(out);
	out = print(true, &l.hdr, sizeof(l));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\"message\":\"shown\\u0000hidden\\n\"}")) {
		TH_LOG("%s", out);
	}
	free(out);

	memset(&m, 0, sizeof(m));
	m.hdr.event_class = ISOLATE_EVENT_MESSAGE;
	m.hdr.rule_id = ISOLATE_RULE_NONE;
	m.len = 3;
	memcpy(m.data, "\0\xff" "a", 3);
	out = print(false, &m.hdr, sizeof(m));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, " data=\\x00\\xffa\n")) {
		TH_LOG("%s", out);
	}
	free(out);
	out = print(true, &m.hdr, sizeof(m));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "\"data\":\"\\u0000\\ufffda\",\"data_hex\":\"00ff61\"}")) {
		TH_LOG("%s", out);
	}
	free(out);
}

/* A character cut by the field's length is not one: its bytes are escaped. */
TEST(a_character_cut_by_the_length_is_escaped)
{
	struct isolate_event_broker b;
	char *out;

	memset(&b, 0, sizeof(b));
	b.hdr.event_class = ISOLATE_EVENT_BROKER;
	b.hdr.rule_id = ISOLATE_RULE_NONE;
	b.right = 1;
	memcpy(b.target, "/x\xc3\xa9", 4);
	b.len = 3;
	out = print(false, &b.hdr, sizeof(b));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, " target=/x\\xc3\n")) {
		TH_LOG("%s", out);
	}
	free(out);
}

TEST_HARNESS_MAIN
