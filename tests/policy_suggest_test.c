// SPDX-License-Identifier: GPL-2.0
/*
 * policy suggest on a recorded run: the events file (JSON lines, as
 * `supervise --out` writes them) of a cell that read every file of one
 * directory and one file of another, executed a program, made a file, and
 * connected once; plus events of another cell and of other classes, which
 * must not count. The exact YAML expected, and explain on it agreeing:
 * what the run did is allowed, one more file is not. A path counts only
 * where it leads to the object its event names (dev, ino) still.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "tree_util.h"
#include "loader_run.h"

FIXTURE(suggest) {
	char dir[64];
	char events[128];
};

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	return !f || fputs(text, f) < 0 || fclose(f) ? -1 : 0;
}

/*
 * Appends to f an event line of cell job: class audit, op, the path
 * shown (a format, with dir's path for %1$s), and the dev and ino of the
 * file at object (in dir; as the kernel encodes dev), or none when NULL.
 */
/* Directories, then files holding "x", below d. */
static int make_tree(const char *d, const char *const dirs[], size_t n_dirs,
		     const char *const files[], size_t n_files)
{
	char path[256];

	for (size_t i = 0; i < n_dirs; i++) {
		snprintf(path, sizeof(path), "%s/%s", d, dirs[i]);
		if (mkdir(path, 0755))
			return -errno;
	}
	for (size_t i = 0; i < n_files; i++) {
		snprintf(path, sizeof(path), "%s/%s", d, files[i]);
		if (put(path, "x\n"))
			return -1;
	}
	return 0;
}

static int event(FILE *f, const char *dir, const char *op, const char *object,
		 const char *path, ...)
{
	char shown[512], at[512];
	struct stat st;
	va_list ap;

	va_start(ap, path);
	vsnprintf(shown, sizeof(shown), path, ap);
	va_end(ap);
	fprintf(f, "{\"class\":\"audit\",\"cell\":\"job\",\"op\":\"%s\",\"path\":\"%s\"", op,
		shown);
	if (object) {
		snprintf(at, sizeof(at), "%s/%s", dir, object);
		if (lstat(at, &st))
			return -1;
		fprintf(f, ",\"dev\":%u,\"ino\":%llu",
			(major(st.st_dev) << 20) | minor(st.st_dev), (unsigned long long)st.st_ino);
	}
	return fputs("}\n", f) < 0 ? -1 : 0;
}

FIXTURE_SETUP(suggest)
{
	static const char *const files[] = { "docs/a", "docs/b", "some/one", "some/two", "bin/tool" };
	const char *d = self->dir;
	char path[256];
	FILE *f;

	strcpy(self->dir, "/tmp/isolate-sg-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (const char *sub = "docs\0some\0bin\0out\0"; *sub; sub += strlen(sub) + 1) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, sub);
		ASSERT_EQ(0, mkdir(path, 0755));
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->dir, files[i]);
		ASSERT_EQ(0, put(path, "x\n"));
	}
	snprintf(self->events, sizeof(self->events), "%s/events.jsonl", self->dir);
	f = fopen(self->events, "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, event(f, d, "read", "docs/a", "%s/docs/a", d));
	ASSERT_EQ(0, event(f, d, "read", "docs/b", "%s/docs/b", d));
	ASSERT_EQ(0, event(f, d, "read", "docs/a", "%s/docs/a", d));
	ASSERT_EQ(0, event(f, d, "read", "some/one", "%s/some/one", d));
	ASSERT_EQ(0, event(f, d, "exec", "bin/tool", "%s/bin/tool", d));
	/* A name made: the event's object is the directory. */
	ASSERT_EQ(0, event(f, d, "create", "out", "%s/out/new", d));
	fputs("{\"class\":\"audit\",\"cell\":\"job\",\"op\":\"connect\",\"proto\":\"tcp\",\"address\":\"203.0.113.7\",\"port\":443,\"seq\":7}\n"
	      "{\"class\":\"audit\",\"cell\":\"job\",\"op\":\"signal\",\"target_pid\":1,\"arg\":9,\"seq\":8}\n", f);
	fprintf(f, "{\"class\":\"deny\",\"cell\":\"other\",\"op\":\"read\",\"path\":\"%s/some/two\",\"seq\":9}\n"
		"{\"class\":\"log\",\"cell\":\"job\",\"level\":6,\"message\":\"read %s/some/two\",\"seq\":10}\n"
		"not json at all\n", d, d);
	ASSERT_EQ(0, fclose(f));
}

FIXTURE_TEARDOWN(suggest)
{
	EXPECT_EQ(0, remove_tree(self->dir));
}

TEST_F(suggest, the_smallest_policy_of_the_run)
{
	char args[512], out[8192], want[4096], policy[160];
	const char *d = self->dir;

	snprintf(args, sizeof(args), "policy suggest --from-events %s --cell job", self->events);
	ASSERT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want),
		 "# Suggested by isolate-loader policy suggest from %s: the grants\n"
		 "# 8 events of the run asked for, beyond the policy it ran under.\n"
		 "version: 1\n"
		 "cells:\n"
		 "  job:\n"
		 "    read:\n"
		 "      - \"%s/docs\"    # 3 events\n"
		 "      - \"%s/some/one\"    # 1 event\n"
		 "    write:\n"
		 "      - \"%s/out\"    # 1 event\n"
		 "    exec:\n"
		 "      - \"%s/bin/tool\"    # 1 event\n"
		 "    connect:\n"
		 "      - {protocol: tcp, address: \"203.0.113.7\", port: 443}    # 1 event\n"
		 "# 1 event asked for what no capability above grants (other\n"
		 "# operations, or objects shown without a whole path): see them with\n"
		 "# isolate-loader events.\n",
		 self->events, d, d, d, d);
	EXPECT_STREQ(want, out);

	/* explain agrees with the run: what it did is allowed, more is not. */
	snprintf(policy, sizeof(policy), "%s/suggested.yaml", d);
	ASSERT_EQ(0, put(policy, out));
	snprintf(args, sizeof(args), "policy check %s", policy);
	EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "policy explain %s --op read %s/docs/b", policy, d);
	EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "allowed", 7)) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "policy explain %s --op read %s/some/two", policy, d);
	EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "denied", 6)) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "policy explain %s --op read %s/bin/tool", policy, d);
	EXPECT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, strncmp(out, "denied", 6)) TH_LOG("exec only, not read: %s", out);
}

TEST_F(suggest, usage_and_unreadable_input)
{
	char out[2048];

	EXPECT_EQ(2, loader_run("policy suggest 2>&1", out, sizeof(out)));
	EXPECT_EQ(1, loader_run("policy suggest --from-events /nonexistent 2>&1", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "cannot read /nonexistent")) TH_LOG("%s", out);
}

/* Root reads the events where others may write: no link followed, no FIFO waited on. */
TEST_F(suggest, a_link_or_a_fifo_is_not_read)
{
	char fifo[300], link[300], args[700], out[2048];

	snprintf(fifo, sizeof(fifo), "%s/fifo", self->dir);
	snprintf(link, sizeof(link), "%s/link", self->dir);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	ASSERT_EQ(0, symlink(self->events, link));
	snprintf(args, sizeof(args), "policy suggest --from-events %s 2>&1", fifo);
	EXPECT_EQ(1, loader_run(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "not a regular file")) TH_LOG("%s", out);
	snprintf(args, sizeof(args), "policy suggest --from-events %s 2>&1", link);
	EXPECT_EQ(1, loader_run(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, strerror(ELOOP))) TH_LOG("%s", out);
}

/*
 * An abstract AF_UNIX name is the cell's: quoted and escaped in the
 * suggestion, spaces kept, so it neither ends the YAML scalar nor reaches
 * the terminal raw.
 */
TEST_F(suggest, a_unix_name_is_quoted)
{
	char args[512], out[2048], want[1024], events[160];

	snprintf(events, sizeof(events), "%s/unix.jsonl", self->dir);
	ASSERT_EQ(0, put(events, "{\"class\":\"audit\",\"cell\":\"job\",\"op\":\"connect\","
			 "\"proto\":\"tcp\",\"address\":\"@a\\\" b}\\n\\u001b]0;x\\u0007\\u009b\","
			 "\"port\":0,\"seq\":1}\n"));
	snprintf(args, sizeof(args), "policy suggest --from-events %s --cell job", events);
	ASSERT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want),
		 "# Suggested by isolate-loader policy suggest from %s: the grants\n"
		 "# 1 events of the run asked for, beyond the policy it ran under.\n"
		 "version: 1\n"
		 "cells:\n"
		 "  job:\n"
		 "    connect:\n"
		 "      - {protocol: tcp, address: \"@a\\\" b}\\x0a\\x1b]0;x\\x07\\x9b\", port: 0}    # 1 event\n",
		 events);
	EXPECT_STREQ(want, out);
}

/*
 * A directory the run listed is not its tree: a/ had both files read and
 * its subdirectory only listed, so a/sub/secret, never read, must not be
 * granted by "read: a". b/sub had every file read: folded, it counts, and
 * b with it. link is a symlink to c: a path through it leads to its
 * objects only through the link, and is left out.
 */
TEST_F(suggest, a_listed_directory_is_not_its_tree)
{
	static const char *const dirs[] = { "a", "a/sub", "b", "b/sub", "c" };
	static const char *const files[] = { "a/f1", "a/f2", "a/sub/secret", "b/f1", "b/sub/s1",
					     "b/sub/s2", "c/x", "c/y" };
	static const char *const reads[][2] = {
		{ "a/f1", "a/f1" }, { "a/f2", "a/f2" }, { "a/sub", "a/sub" }, { "b/f1", "b/f1" },
		{ "b/sub/s1", "b/sub/s1" }, { "b/sub/s2", "b/sub/s2" }, { "link/x", "c/x" },
		{ "link/y", "c/y" },
	};
	char args[512], out[4096], want[4096], path[256], events[160];
	const char *d = self->dir;
	FILE *f;

	ASSERT_EQ(0, make_tree(d, dirs, sizeof(dirs) / sizeof(dirs[0]), files,
			       sizeof(files) / sizeof(files[0])));
	snprintf(path, sizeof(path), "%s/link", d);
	ASSERT_EQ(0, symlink("c", path));
	snprintf(events, sizeof(events), "%s/tree.jsonl", d);
	f = fopen(events, "w");
	ASSERT_NE(NULL, f);
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		ASSERT_EQ(0, event(f, d, "read", reads[i][1], "%s/%s", d, reads[i][0]));
	ASSERT_EQ(0, fclose(f));
	snprintf(args, sizeof(args), "policy suggest --from-events %s --cell job", events);
	ASSERT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want),
		 "# Suggested by isolate-loader policy suggest from %s: the grants\n"
		 "# 8 events of the run asked for, beyond the policy it ran under.\n"
		 "version: 1\n"
		 "cells:\n"
		 "  job:\n"
		 "    read:\n"
		 "      - \"%s/a/f1\"    # 1 event\n"
		 "      - \"%s/a/f2\"    # 1 event\n"
		 "      - \"%s/a/sub\"    # 1 event\n"
		 "      - \"%s/b\"    # 3 events\n"
		 "# 2 events named a path that leads to another object now, or to\n"
		 "# none, or through a symbolic link: left out (a path is only shown; a\n"
		 "# cell that chroot()ed shows its own tree's). See them with\n"
		 "# isolate-loader events.\n",
		 events, d, d, d, d);
	EXPECT_STREQ(want, out);
}

/*
 * A path an event shows is not trusted to be its object. A cell that
 * chroot()ed into jail/ shows its jail/host/secret as host/secret, a file
 * of the host it never touched: both of host's entries forged so, host is
 * neither granted nor folded. Nor is a file replaced since the run, or
 * gone, or one reached through a symlink. A name made is the directory's
 * event (its dev and ino), one removed may be the entry's; a removed
 * entry gone since, with the directory's object missing too, is left out.
 */
TEST_F(suggest, a_path_counts_only_where_it_leads_to_its_object)
{
	static const char *const dirs[] = { "host", "jail", "jail/host", "real", "w" };
	static const char *const files[] = { "host/secret", "host/other", "jail/host/secret",
					     "jail/host/other", "real/f", "real/old", "w/victim" };
	char args[512], out[4096], want[4096], path[256], moved[256], events[160];
	const char *d = self->dir;
	FILE *f;

	ASSERT_EQ(0, make_tree(d, dirs, sizeof(dirs) / sizeof(dirs[0]), files,
			       sizeof(files) / sizeof(files[0])));
	snprintf(path, sizeof(path), "%s/hostlink", d);
	ASSERT_EQ(0, symlink("real", path));
	snprintf(events, sizeof(events), "%s/forged.jsonl", d);
	f = fopen(events, "w");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, event(f, d, "read", "jail/host/secret", "%s/host/secret", d));
	ASSERT_EQ(0, event(f, d, "read", "jail/host/other", "%s/host/other", d));
	ASSERT_EQ(0, event(f, d, "read", "real/f", "%s/hostlink/f", d));
	ASSERT_EQ(0, event(f, d, "read", "real/f", "%s/real/f", d));
	ASSERT_EQ(0, event(f, d, "write", "real/old", "%s/real/old", d));
	ASSERT_EQ(0, event(f, d, "exec", NULL, "%s/real/f", d));
	ASSERT_EQ(0, event(f, d, "create", "w", "%s/w/new", d));
	ASSERT_EQ(0, event(f, d, "remove", "w/victim", "%s/w/victim", d));
	ASSERT_EQ(0, event(f, d, "remove", "real/f", "%s/gone/f", d));
	ASSERT_EQ(0, fclose(f));
	/* real/old replaced since the run: another object under its name. */
	snprintf(path, sizeof(path), "%s/real/old", d);
	snprintf(moved, sizeof(moved), "%s/real/new", d);
	ASSERT_EQ(0, put(moved, "y\n"));
	ASSERT_EQ(0, rename(moved, path));

	snprintf(args, sizeof(args), "policy suggest --from-events %s --cell job", events);
	ASSERT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want),
		 "# Suggested by isolate-loader policy suggest from %s: the grants\n"
		 "# 9 events of the run asked for, beyond the policy it ran under.\n"
		 "version: 1\n"
		 "cells:\n"
		 "  job:\n"
		 "    read:\n"
		 "      - \"%s/real/f\"    # 1 event\n"
		 "    write:\n"
		 "      - \"%s/w\"    # 2 events\n"
		 "# 6 events named a path that leads to another object now, or to\n"
		 "# none, or through a symbolic link: left out (a path is only shown; a\n"
		 "# cell that chroot()ed shows its own tree's). See them with\n"
		 "# isolate-loader events.\n",
		 events, d, d);
	EXPECT_STREQ(want, out);
}

/*
 * The kernel cuts a path too long for an event and marks it with a
 * leading "..." (dev and ino 0): no directory can be told from it.
 */
TEST_F(suggest, a_cut_path_grants_nothing)
{
	char args[512], out[2048], want[1024], events[160];

	snprintf(events, sizeof(events), "%s/cut.jsonl", self->dir);
	ASSERT_EQ(0, put(events, "{\"class\":\"audit\",\"cell\":\"job\",\"op\":\"create\","
			 "\"path\":\".../deep/name\",\"dev\":0,\"ino\":0}\n"));
	snprintf(args, sizeof(args), "policy suggest --from-events %s --cell job", events);
	ASSERT_EQ(0, loader_run(args, out, sizeof(out))) TH_LOG("%s", out);
	snprintf(want, sizeof(want),
		 "# Suggested by isolate-loader policy suggest from %s: the grants\n"
		 "# 1 events of the run asked for, beyond the policy it ran under.\n"
		 "version: 1\n"
		 "cells:\n"
		 "  job:\n"
		 "# 1 event asked for what no capability above grants (other\n"
		 "# operations, or objects shown without a whole path): see them with\n"
		 "# isolate-loader events.\n",
		 events);
	EXPECT_STREQ(want, out);
}

TEST_HARNESS_MAIN
