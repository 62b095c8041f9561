// SPDX-License-Identifier: GPL-2.0
/*
 * policy check warns of write grants that reach what programs outside the
 * cell run or obey (policy/outside_places.c): the exact line, its JSON,
 * denies and places elsewhere silencing it, and the exit status unchanged.
 * Home places are looked for in $HOME, which each test points into its
 * own temporary directory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "tree_util.h"
#include "loader_run.h"

FIXTURE(outside) {
	char dir[64];
	char policy[128];
	char out[8192];
	char expect[2048];
};

FIXTURE_SETUP(outside)
{
	char home[128];

	strcpy(self->dir, "/tmp/isolate-outside.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->policy, sizeof(self->policy), "%s/policy.yaml", self->dir);
	snprintf(home, sizeof(home), "%s/home", self->dir);
	ASSERT_EQ(0, mkdir(home, 0700));
	ASSERT_EQ(0, setenv("HOME", home, 1));
}

FIXTURE_TEARDOWN(outside)
{
	EXPECT_EQ(0, remove_tree(self->dir));
}

/* Makes dir/rel: a directory when rel ends in '/', else an empty file. */
static int make_in(const char *dir, const char *rel)
{
	char path[256];
	size_t n = (size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	int fd;

	if (path[n - 1] == '/')
		return mkdir(path, 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	return fd < 0 ? -1 : close(fd);
}

/* Writes the policy: one cell "ci", its write list and deny-write list (may be NULL). */
static int write_policy(const char *file, const char *dir, const char *write_rel,
			const char *deny_rel)
{
	FILE *f = fopen(file, "w");

	if (!f)
		return -1;
	fprintf(f, "version: 1\ncells:\n  ci:\n    write:\n      - %s/%s\n", dir, write_rel);
	if (deny_rel)
		fprintf(f, "    deny:\n      write: [%s/%s]\n", dir, deny_rel);
	return fclose(f);
}

/* policy check's warnings (stderr); its exit status. */
static int check_warnings(const char *policy, bool json, char *out, size_t len)
{
	char args[256];

	snprintf(args, sizeof(args), json ? "-j policy check %s 2>/dev/null" :
		 "policy check %s 2>&1 >/dev/null", policy);
	return loader_run(args, out, len);
}

TEST_F(outside, write_on_home_reaches_bashrc)
{
	ASSERT_EQ(0, make_in(self->dir, "home/.bashrc"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "home", NULL));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	snprintf(self->expect, sizeof(self->expect),
		 "%s:5:9: warning: cell ci: write:%s/home reaches %s/home/.bashrc: your shells outside the cell run it\n",
		 self->policy, self->dir, self->dir);
	EXPECT_STREQ(self->expect, self->out);
}

TEST_F(outside, json_lists_the_warning_in_its_cell)
{
	ASSERT_EQ(0, make_in(self->dir, "home/.bashrc"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "home", NULL));
	EXPECT_EQ(0, check_warnings(self->policy, true, self->out, sizeof(self->out)));
	snprintf(self->expect, sizeof(self->expect),
		 "\"skipped\":[],\"warnings\":[{\"file\":\"%s\",\"line\":5,\"column\":9,"
		 "\"grant\":\"%s/home\",\"place\":\"%s/home/.bashrc\","
		 "\"why\":\"your shells outside the cell run it\"}]}]}\n",
		 self->policy, self->dir, self->dir);
	EXPECT_NE(NULL, strstr(self->out, self->expect)) TH_LOG("%s", self->out);
}

TEST_F(outside, deny_write_on_the_place_silences_it)
{
	ASSERT_EQ(0, make_in(self->dir, "home/.bashrc"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "home", "home/.bashrc"));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	EXPECT_STREQ("", self->out);
}

TEST_F(outside, missing_place_is_not_reported)
{
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "home", NULL));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	EXPECT_STREQ("", self->out);
}

TEST_F(outside, write_on_a_repository_reaches_its_hooks)
{
	ASSERT_EQ(0, make_in(self->dir, "repo/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/hooks/"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "repo", NULL));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	snprintf(self->expect, sizeof(self->expect),
		 "%s:5:9: warning: cell ci: write:%s/repo reaches %s/repo/.git/hooks: git commands run outside the cell run its hooks\n",
		 self->policy, self->dir, self->dir);
	EXPECT_STREQ(self->expect, self->out);
}

/* The repository is found above the grant, not by scanning below it. */
TEST_F(outside, write_below_the_hooks_reaches_them)
{
	ASSERT_EQ(0, make_in(self->dir, "repo/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/hooks/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/hooks/sub/"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "repo/.git/hooks/sub", NULL));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	snprintf(self->expect, sizeof(self->expect),
		 "%s:5:9: warning: cell ci: write:%s/repo/.git/hooks/sub reaches %s/repo/.git/hooks: git commands run outside the cell run its hooks\n",
		 self->policy, self->dir, self->dir);
	EXPECT_STREQ(self->expect, self->out);
}

/* ~/.bashrc a link to dotfiles/bashrc, and a cell granted write on grant: its warning. */
static void expect_linked_bashrc_reached(struct __test_metadata *_metadata,
					 FIXTURE_DATA(outside) *self, const char *grant)
{
	char link[256], target[256];

	ASSERT_EQ(0, make_in(self->dir, "dotfiles/"));
	ASSERT_EQ(0, make_in(self->dir, "dotfiles/bashrc"));
	snprintf(link, sizeof(link), "%s/home/.bashrc", self->dir);
	snprintf(target, sizeof(target), "%s/dotfiles/bashrc", self->dir);
	ASSERT_EQ(0, symlink(target, link));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, grant, NULL));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	snprintf(self->expect, sizeof(self->expect),
		 "%s:5:9: warning: cell ci: write:%s/%s reaches %s/home/.bashrc: your shells outside the cell run it\n",
		 self->policy, self->dir, grant, self->dir);
	EXPECT_STREQ(self->expect, self->out);
}

/* A startup file that is a link: the grant on where it leads reaches it. */
TEST_F(outside, write_on_the_target_of_a_linked_bashrc_reaches_it)
{
	expect_linked_bashrc_reached(_metadata, self, "dotfiles");
}

/* ... and the grant on where the link is: the cell may replace the link. */
TEST_F(outside, write_on_the_home_of_a_linked_bashrc_reaches_it)
{
	expect_linked_bashrc_reached(_metadata, self, "home");
}

TEST_F(outside, grant_elsewhere_reaches_nothing)
{
	ASSERT_EQ(0, make_in(self->dir, "home/.bashrc"));
	ASSERT_EQ(0, make_in(self->dir, "repo/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/"));
	ASSERT_EQ(0, make_in(self->dir, "repo/.git/hooks/"));
	ASSERT_EQ(0, make_in(self->dir, "elsewhere/"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "elsewhere", NULL));
	EXPECT_EQ(0, check_warnings(self->policy, false, self->out, sizeof(self->out)));
	EXPECT_STREQ("", self->out);
}

/* The library call, under the sanitizers: home given, not taken from $HOME. */
TEST_F(outside, library_reports_grant_place_and_position)
{
	struct isolate_outside_write *w = NULL;
	struct isolate_diag diag = { 0 };
	struct isolate_policy *p = NULL;
	char place[256], home[128];
	size_t n = 0;

	ASSERT_EQ(0, make_in(self->dir, "other/"));
	ASSERT_EQ(0, make_in(self->dir, "other/.ssh/"));
	ASSERT_EQ(0, write_policy(self->policy, self->dir, "other", NULL));
	ASSERT_EQ(0, isolate_policy_load(self->policy, &p, &diag)) TH_LOG("%s", diag.msg);
	snprintf(home, sizeof(home), "%s/other", self->dir);
	ASSERT_EQ(0, isolate_outside_writes(isolate_policy_cell(p, 0), home, &w, &n));
	ASSERT_EQ(1U, n);
	snprintf(place, sizeof(place), "%s/other/.ssh", self->dir);
	EXPECT_STREQ(place, w[0].place);
	EXPECT_STREQ(home, w[0].grant);
	EXPECT_STREQ(self->policy, w[0].file);
	EXPECT_EQ(5U, w[0].line);
	EXPECT_EQ(9U, w[0].column);
	EXPECT_STREQ("sshd obeys authorized_keys and runs rc; ssh runs config's ProxyCommand", w[0].why);
	isolate_outside_writes_free(w, n);
	isolate_policy_free(p);
}

TEST_HARNESS_MAIN
