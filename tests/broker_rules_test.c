// SPDX-License-Identifier: GPL-2.0
/*
 * The broker's rules file: a deny line holds on every request it touches,
 * not only on one written as it is (a narrower block, the denied directory
 * renamed, a file linked out of it), an allow line only on what it
 * contains; lines too long, seconds out of range and words after a rule
 * are refused naming the line. On a fake load (tests/fake_load.h), through
 * isolate_broker_request() as the supervisor calls it; what was granted is
 * read from the cell's channel, as the cell reads it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "fake_ring.h"
#include "policy_test_util.h"
#include "text_file.h"

#define CELL "asker"

/* How many answers in the cell's channel say granted. */
static int grants_answered(void)
{
	char path[PATH_MAX], file[PATH_MAX * 2], line[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (isolate_channel_path(CELL, path, sizeof(path)))
		return -1;
	d = opendir(path);
	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		f = fopen(file, "re");
		while (f && fgets(line, sizeof(line), f))
			n += !strcmp(line, "granted: 1\n");
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

FIXTURE(broker) {
	struct fake_env env;
	struct isolate *iso;
	struct isolate_cell_state st;
	char dir[64];
	char rules[96];
	__u64 id;
	char cell[sizeof(CELL)];	/* destroyed at teardown when made */
};

FIXTURE_SETUP(broker)
{
	static const char *const rights[] = { "broker:read", "broker:connect" };
	struct isolate_cell_policy *pol;
	int err = fake_env_up(&self->env);

	self->iso = NULL;
	self->cell[0] = '\0';
	self->id = 1;
	snprintf(self->dir, sizeof(self->dir), "/tmp/broker_rules_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->rules, sizeof(self->rules), "%s.rules", self->dir);
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	pol = cell_of(CELL, rights, sizeof(rights) / sizeof(rights[0]));
	ASSERT_NE(NULL, pol);
	err = isolate_cell_create(self->iso, CELL, pol, &self->st);
	isolate_cell_policy_free(pol);
	ASSERT_EQ(0, err) TH_LOG("%s", isolate_last_error());
	strcpy(self->cell, CELL);
}

FIXTURE_TEARDOWN(broker)
{
	char cmd[160];

	unlink(self->rules);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
	fake_env_close(&self->env, self->iso, self->cell);
}

/* Whether the broker of rules grants the request (right, target): 1, 0, or -1 on error. */
static int ask(struct __test_metadata *_metadata, FIXTURE_DATA(broker) *self,
	       struct isolate_broker *b, __u32 right, const char *target)
{
	struct isolate_event_broker e = fake_read_request(self->st.cgid, self->id++, target);
	int before = grants_answered();

	e.right = right;
	if (isolate_broker_request(b, self->iso, CELL, &e)) {
		TH_LOG("%s", isolate_last_error());
		return -1;
	}
	return grants_answered() - before;
}

/* The rules file of text, opened: the broker, or NULL with the error kept. */
static struct isolate_broker *broker_of(FIXTURE_DATA(broker) *self, const char *text)
{
	struct isolate_broker *b = NULL;

	if (write_text_file(self->rules, text, 0600) || isolate_broker_open(&b, self->rules, NULL))
		return NULL;
	return b;
}

TEST_F(broker, a_network_deny_holds_on_every_request_it_overlaps)
{
	char text[256];
	struct isolate_broker *b;

	snprintf(text, sizeof(text), CELL " connect tcp:10.0.0.0/8:443 deny\n" CELL
		 " connect tcp:0.0.0.0/0:1-1000 allow 30\n");
	b = broker_of(self, text);
	ASSERT_NE(NULL, b) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "tcp:10.0.0.0/8:443"));
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "tcp:10.1.2.3/32:443"));
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "tcp:0.0.0.0/0:443"));
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "tcp:10.1.2.3/32:400-500"));
	/* Not contained in the allow: a port past its range, another protocol. */
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "tcp:192.168.1.1/32:999-1001"));
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "udp:192.168.1.1/32:443"));
	EXPECT_EQ(1, ask(_metadata, self, b, ISOLATE_BROKER_CONNECT, "tcp:192.168.1.1/32:443"));
	isolate_broker_close(b);
}

/*
 * dir/secret is denied, dir allowed. The cell (which may write in dir)
 * renames secret, or links its key into dir: the key under its new name
 * is still refused. A file of dir with one name is granted.
 */
TEST_F(broker, a_path_deny_holds_on_its_directory_renamed_and_on_links_out_of_it)
{
	char text[512], path[PATH_MAX], moved[PATH_MAX], link_name[PATH_MAX];
	struct isolate_broker *b;

	snprintf(path, sizeof(path), "%s/secret", self->dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/notes", self->dir);
	ASSERT_EQ(0, write_text_file(path, "notes\n", 0644));
	snprintf(path, sizeof(path), "%s/secret/key", self->dir);
	ASSERT_EQ(0, write_text_file(path, "key\n", 0644));
	snprintf(text, sizeof(text), CELL " read %s/secret deny\n" CELL " read %s allow 30\n",
		 self->dir, self->dir);
	b = broker_of(self, text);
	ASSERT_NE(NULL, b) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_READ, path));

	snprintf(link_name, sizeof(link_name), "%s/key", self->dir);
	ASSERT_EQ(0, link(path, link_name));
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_READ, link_name));
	ASSERT_EQ(0, unlink(link_name));

	snprintf(path, sizeof(path), "%s/secret", self->dir);
	snprintf(moved, sizeof(moved), "%s/build", self->dir);
	ASSERT_EQ(0, rename(path, moved));
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_READ, moved));
	snprintf(moved, sizeof(moved), "%s/build/key", self->dir);
	EXPECT_EQ(0, ask(_metadata, self, b, ISOLATE_BROKER_READ, moved));

	snprintf(path, sizeof(path), "%s/notes", self->dir);
	EXPECT_EQ(1, ask(_metadata, self, b, ISOLATE_BROKER_READ, path));
	isolate_broker_close(b);
}

/* Each bad line is refused naming the file and the line, and what was expected. */
TEST_F(broker, bad_lines_are_refused_naming_them)
{
	static const struct {
		const char *text, *error;
	} bad[] = {
		{ "# fine\n" CELL " read / allow 4294967297\n",
		  ":2: expected \"CELL RIGHT TARGET allow SECONDS\" (1 to 31536000 seconds) or \"CELL RIGHT TARGET deny\"" },
		{ CELL " read / allow 31536001\n", ":1: expected" },
		{ CELL " read / allow 0\n", ":1: expected" },
		{ CELL " read / allow 30s\n", ":1: expected" },
		{ CELL " read / deny now\n", ":1: expected" },
		{ CELL " connect tcp:nowhere:443 deny\n", ":1: expected a path, \"*\" or a network target" },
	};
	char text[1200], want[PATH_MAX];
	struct isolate_broker *b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = broker_of(self, bad[i].text);
		EXPECT_EQ(NULL, b) TH_LOG("%s", bad[i].text);
		snprintf(want, sizeof(want), "%s%s", self->rules, bad[i].error);
		EXPECT_EQ(0, strncmp(isolate_last_error(), want, strlen(want)))
			TH_LOG("%s: %s", bad[i].text, isolate_last_error());
		if (b)
			isolate_broker_close(b);
	}

	/* A comment longer than a line may be: refused, not read on as a rule. */
	memset(text, 'x', sizeof(text));
	memcpy(text, "# ", 2);
	snprintf(text + 1030, sizeof(text) - 1030, CELL " read / allow 30\n");
	b = broker_of(self, text);
	EXPECT_EQ(NULL, b);
	snprintf(want, sizeof(want), "%s:1: a line of at most 1023 bytes expected", self->rules);
	EXPECT_STREQ(want, isolate_last_error());
	if (b)
		isolate_broker_close(b);

	/* One of 1,023 bytes is read whole, and the rule after it. */
	memset(text, 'x', 1023);
	memcpy(text, "# ", 2);
	snprintf(text + 1023, sizeof(text) - 1023, "\n" CELL " read / allow 30\n");
	b = broker_of(self, text);
	EXPECT_NE(NULL, b) TH_LOG("%s", isolate_last_error());
	if (b)
		isolate_broker_close(b);
}

TEST_HARNESS_MAIN
