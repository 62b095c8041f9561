// SPDX-License-Identifier: GPL-2.0
/*
 * bypass (what root does with what a cell can touch): the supervisor's
 * writes into a cell's channel (a planted symlink); broker grants through
 * a symlink the cell made (below the rule's directory or in its path), or
 * on an object the cell put at a path its
 * rules are bound elsewhere; grants that outlive a supervisor restart or
 * kill, or their own end. The fixture is in bypass.h.
 */
#include "bypass.h"

#include <isolate/cell.h>
#include <signal.h>
#include <sys/wait.h>

#define LOADER "/usr/bin/isolate-loader"

/* ---- The supervisor's side of the channel ---------------------------------- */

struct link_args {
	const char *target;
	char link[PATH_MAX + 64];
};

static int symlink_errno(void *arg)
{
	const struct link_args *a = arg;

	return symlink(a->target, a->link) ? errno : 0;
}

/*
 * Root writes a cell's messages into its channel; a link or FIFO the cell
 * put there under a name root uses would have root write (or hang) where
 * the cell says. The channel is the cell's to read only: it can put
 * nothing there, and posting goes on whatever it tried.
 */
TEST_F(bypass, channel_symlink_cannot_redirect_the_supervisor)
{
	struct isolate_channel_msg msg = { .reply_to = 1 };
	const char *victim = test_path(&self->env, "denied/victim");
	struct link_args a = { victim, "" };
	char channel[PATH_MAX];

	ASSERT_EQ(0, isolate_channel_path(self->env.cells[self->ro].name, channel, sizeof(channel)));
	snprintf(a.link, sizeof(a.link), "%s/.tmp.%d", channel, getpid());
	EXPECT_EQ(EACCES, IN_RO(symlink_errno, &a));
	snprintf(a.link, sizeof(a.link), "%s/0000000000000001.msg", channel);
	EXPECT_EQ(EACCES, IN_RO(symlink_errno, &a));
	EXPECT_EQ(0, isolate_channel_post(self->env.cells[self->ro].name, &msg,
					  "owned by the cell\n", 18));
	EXPECT_STREQ("victim\n", contents(victim));
}

/* ---- Broker grants through a symlink ------------------------------------- */

struct broker_args {
	const char *channel;
	const char *link;	/* made in rw/, pointing at denied/ */
	const char *target;	/* denied/ */
	const char *secret;	/* denied/file */
	const char *asked;	/* the path requested */
};

static int broker_errno(void *arg)
{
	const struct broker_args *a = arg;
	struct incell_message reply;
	struct open_args o = { a->secret, O_RDONLY };
	int id;

	setenv("ISOLATE_CHANNEL", a->channel, 1);
	if (open_errno(&o) != EACCES)
		return 201;
	if (symlink(a->target, a->link))
		return 202;
	id = incell_request(ISOLATE_BROKER_READ, a->asked);
	if (id <= 0)
		return 203;
	if (incell_wait_reply((__u64)id, &reply, 20000))
		return 204;
	return open_errno(&o);
}

/* `isolate-loader supervise --broker-rules RULES`, started in the background. */
static pid_t start_supervisor(const char *rules)
{
	char *args[] = { LOADER, "supervise", "--broker-rules", (char *)rules, "--out",
			 "/dev/null", NULL };
	pid_t pid = fork();

	if (pid == 0) {
		execv(LOADER, args);
		_exit(127);
	}
	/* Time to open the ring buffers before requests come. */
	usleep(500 * 1000);
	return pid;
}

static void stop_supervisor(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/*
 * A cell that may read and write rw/ and ask for reads, a supervisor whose
 * rule lets it read below rule_dir: the cell makes link (below rw/) a
 * symlink to denied/ and asks for asked. The errno of its read of
 * denied/file then, or -1 when the scene could not be set.
 */
static int broker_through_a_link(struct test_env *env, const char *rule_dir, const char *link,
				 const char *asked)
{
	int cell = test_env_cell(env, "broker", "read:%s/rw", "write:%s/rw", "broker:read", NULL);
	char rules[PATH_MAX], rule[PATH_MAX + 64], channel[PATH_MAX];
	char link_path[PATH_MAX], target[PATH_MAX], secret[PATH_MAX], asked_path[PATH_MAX];
	struct broker_args a = { channel, link_path, target, secret, asked_path };
	int err;
	pid_t sup;

	if (cell < 0)
		return -1;
	snprintf(link_path, sizeof(link_path), "%s", test_path(env, "%s", link));
	snprintf(target, sizeof(target), "%s", test_path(env, "denied"));
	snprintf(secret, sizeof(secret), "%s", test_path(env, "denied/file"));
	snprintf(asked_path, sizeof(asked_path), "%s", test_path(env, "%s", asked));
	snprintf(rules, sizeof(rules), "%s/rules", env->root);
	snprintf(rule, sizeof(rule), "%s read %s/%s allow 30\n", env->cells[cell].name,
		 env->root, rule_dir);
	if (write_file(rules, rule) ||
	    isolate_channel_path(env->cells[cell].name, channel, sizeof(channel)))
		return -1;
	sup = start_supervisor(rules);
	if (sup <= 0)
		return -1;
	err = test_run(env, cell, broker_errno, &a);
	stop_supervisor(sup);
	return err;
}

/*
 * The broker may grant reads below rw/. The cell makes rw/link -> denied/
 * and asks for rw/link: the rule matches the text, the grant is compiled
 * by resolving it, and the cell reads denied/.
 */
TEST_F_TIMEOUT(bypass, broker_grant_does_not_follow_a_symlink_out, 60)
{
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	EXPECT_EQ(EACCES, broker_through_a_link(&self->env, "rw", "rw/link", "rw/link"));
}

/*
 * The broker may grant reads below rw/brk, which does not exist yet. The
 * cell makes rw/brk a symlink to denied/ and asks for rw/brk/file: the
 * rule's own directory was opened by name, the link followed, and
 * denied/file granted. Rule directories are resolved with no symlink
 * followed, as the rest of the request is.
 */
TEST_F_TIMEOUT(bypass, broker_rule_directory_is_not_reached_through_a_symlink, 60)
{
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	EXPECT_EQ(EACCES, broker_through_a_link(&self->env, "rw/brk", "rw/brk", "rw/brk/file"));
}

struct lease_args {
	const char *channel;
	const char *spaced;	/* rw/"a b", made by the cell */
	const char *secret;	/* denied/file, granted for 2 s */
};

/* Gets both grants; 0 when the secret is readable with them. */
static int lease_errno(void *arg)
{
	const struct lease_args *a = arg;
	struct incell_message reply;
	struct open_args o = { a->secret, O_RDONLY };
	int id;

	setenv("ISOLATE_CHANNEL", a->channel, 1);
	if (write_file(a->spaced, ""))
		return 201;
	id = incell_request(ISOLATE_BROKER_READ, a->spaced);
	if (id <= 0 || incell_wait_reply((__u64)id, &reply, 20000) || !reply.granted)
		return 202;
	id = incell_request(ISOLATE_BROKER_READ, a->secret);
	if (id <= 0 || incell_wait_reply((__u64)id, &reply, 20000) || !reply.granted)
		return 203;
	return open_errno(&o);
}

static int read_errno(void *arg)
{
	struct open_args o = { arg, O_RDONLY };

	return open_errno(&o);
}

/*
 * A grant on an object (isolate_cell_grant_at(), what the broker does with
 * what it checked): whatever is renamed or linked over the path between
 * the check and the grant, the grant stays on the object checked. Here
 * rw/asked is opened, then moved to rw/moved and replaced by a symlink to
 * denied/file, before read:rw/asked is granted on the open object.
 */
TEST_F(bypass, a_grant_on_an_object_stays_on_it)
{
	char asked[PATH_MAX], moved[PATH_MAX], secret[PATH_MAX], text[PATH_MAX + 8];
	struct isolate_diag diag = { 0 };
	struct isolate_cap *cap = NULL;
	int fd;

	snprintf(asked, sizeof(asked), "%s", test_path(&self->env, "rw/asked"));
	snprintf(moved, sizeof(moved), "%s", test_path(&self->env, "rw/moved"));
	snprintf(secret, sizeof(secret), "%s", test_path(&self->env, "denied/file"));
	ASSERT_EQ(0, write_file(asked, "asked\n"));
	fd = open(asked, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rename(asked, moved));
	ASSERT_EQ(0, symlink(secret, asked));
	snprintf(text, sizeof(text), "read:%s", asked);
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, &diag));

	EXPECT_EQ(0, isolate_cell_grant_at(self->env.iso, self->env.cells[self->ro].name, cap, fd,
					   0)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(EACCES, IN_RO(read_errno, secret));
	EXPECT_EQ(EACCES, IN_RO(read_errno, asked));
	EXPECT_EQ(0, IN_RO(read_errno, moved));
	/* Timed, the same; and a removed object is refused, not resolved by name. */
	EXPECT_EQ(0, isolate_cell_grant_at(self->env.iso, self->env.cells[self->ro].name, cap, fd,
					   30)) TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(EACCES, IN_RO(read_errno, secret));
	ASSERT_EQ(0, unlink(moved));
	EXPECT_EQ(-ENOENT, isolate_cell_grant_at(self->env.iso, self->env.cells[self->ro].name, cap,
						 fd, 0));
	isolate_cap_free(cap);
	close(fd);
}

/* rw/agent moved to rw/agent.old, and rw/agent/.git made anew in its place. */
static int replace_agent_errno(void *arg)
{
	const char *rw = arg;
	char from[PATH_MAX + 32], to[PATH_MAX + 32];

	snprintf(from, sizeof(from), "%s/agent", rw);
	snprintf(to, sizeof(to), "%s/agent.old", rw);
	if (rename(from, to) || mkdir(from, 0755))
		return errno;
	snprintf(to, sizeof(to), "%s/agent/.git", rw);
	return mkdir(to, 0755) ? errno : 0;
}

static int create_errno(void *arg)
{
	int fd = open(arg, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * A path binds every capability on it. The cell holds deny-write on
 * rw/agent/.git, moves rw/agent away and makes another rw/agent/.git; a
 * grant on the new one (what a broker rule on the path would give) would
 * have carried the deny with it, leaving the real .git writable. It is
 * refused (-EBUSY), the deny stays where it was; a grant on the object
 * the path is bound to still works.
 */
TEST_F(bypass, a_grant_on_an_object_does_not_move_the_rules_of_its_path)
{
	char rw[PATH_MAX], git[PATH_MAX], old_hook[PATH_MAX], text[PATH_MAX + 16];
	struct isolate_cap *cap = NULL;
	char name[sizeof(self->env.cells[0].name)];
	int cell, fd;

	snprintf(rw, sizeof(rw), "%s", test_path(&self->env, "rw"));
	snprintf(git, sizeof(git), "%s", test_path(&self->env, "rw/agent/.git"));
	snprintf(old_hook, sizeof(old_hook), "%s", test_path(&self->env, "rw/agent.old/.git/hook"));
	ASSERT_EQ(0, test_mkdir(&self->env, "rw/agent/.git"));
	cell = test_env_cell(&self->env, "agent", "read:%s/rw", "write:%s/rw",
			     "deny-write:%s/rw/agent/.git", NULL);
	ASSERT_LE(0, cell);
	snprintf(name, sizeof(name), "%s", self->env.cells[cell].name);
	ASSERT_EQ(0, test_run(&self->env, cell, replace_agent_errno, rw));

	snprintf(text, sizeof(text), "read:%s", git);
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, NULL));
	fd = open(git, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBUSY, isolate_cell_grant_at(self->env.iso, name, cap, fd, 30));
	EXPECT_NE(NULL, strstr(isolate_last_error(), "rebind the cell first"))
		TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(EACCES, test_run(&self->env, cell, create_errno, old_hook));
	close(fd);

	fd = open(test_path(&self->env, "rw/agent.old/.git"), O_PATH | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, isolate_cell_grant_at(self->env.iso, name, cap, fd, 30))
		TH_LOG("%s", isolate_last_error());
	EXPECT_EQ(EACCES, test_run(&self->env, cell, create_errno, old_hook));
	close(fd);
	isolate_cap_free(cap);
}

struct dir_args {
	const char *dir;
};

static int open_dir_errno(void *arg)
{
	const struct dir_args *a = arg;
	struct open_args o = { a->dir, O_RDONLY | O_DIRECTORY };

	return open_errno(&o);
}

/*
 * A bind mount of a part of the state directory made after a cell's last
 * change: the walk from below it passes the mount, not the state
 * directory, so the cell's rules must be made again. The supervisor does
 * it when the mounts change.
 */
TEST_F_TIMEOUT(bypass, a_later_bind_mount_of_the_state_directory_is_closed, 60)
{
	int cell = test_env_cell(&self->env, "later", "read:%s/rw", NULL);
	struct dir_args a = { test_path(&self->env, "rw/cells") };
	char cells[PATH_MAX], rules[PATH_MAX];
	int err = 0;
	pid_t sup;

	ASSERT_LE(0, cell);
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	snprintf(cells, sizeof(cells), "%s", a.dir);
	a.dir = cells;
	ASSERT_EQ(0, mkdir(cells, 0755));
	snprintf(rules, sizeof(rules), "%s/rules", self->env.root);
	ASSERT_EQ(0, write_file(rules, ""));
	EXPECT_EQ(0, test_run(&self->env, cell, open_dir_errno, &a));
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	ASSERT_EQ(0, mount("/run/isolate/cells", cells, NULL, MS_BIND, NULL));
	/* Within a few tenths of a second of the mount. */
	for (int i = 0; i < 50 && (err = test_run(&self->env, cell, open_dir_errno, &a)) != EACCES;
	     i++)
		usleep(100 * 1000);
	EXPECT_EQ(EACCES, err);
	EXPECT_EQ(0, umount2(cells, MNT_DETACH));
	stop_supervisor(sup);
}

/*
 * Grants are kept in <state>/broker/grants, read back by the next
 * supervisor; a path with a space (a file the cell made, granted first)
 * stopped that reading once, and every grant after it stayed. Here
 * denied/file, granted for 2 s, is refused after a supervisor restart.
 */
TEST_F_TIMEOUT(bypass, broker_grants_expire_across_a_supervisor_restart, 60)
{
	int cell = test_env_cell(&self->env, "lease", "read:%s/rw", "write:%s/rw",
				 "broker:read", NULL);
	char rules[PATH_MAX], rule[2 * PATH_MAX + 128], channel[PATH_MAX];
	struct lease_args a = { channel, test_path(&self->env, "rw/a b"),
				test_path(&self->env, "denied/file") };
	pid_t sup;

	ASSERT_LE(0, cell);
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	snprintf(rules, sizeof(rules), "%s/rules", self->env.root);
	snprintf(rule, sizeof(rule), "%s read %s/rw allow 60\n%s read %s allow 2\n",
		 self->env.cells[cell].name, self->env.root, self->env.cells[cell].name,
		 a.secret);
	ASSERT_EQ(0, write_file(rules, rule));
	ASSERT_EQ(0, isolate_channel_path(self->env.cells[cell].name, channel, sizeof(channel)));
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	ASSERT_EQ(0, test_run(&self->env, cell, lease_errno, &a));
	stop_supervisor(sup);
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	sleep(4);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, read_errno, (void *)a.secret));
	stop_supervisor(sup);
}

/*
 * The kernel ends a timed grant: killed, the supervisor revokes nothing,
 * and the grant ends all the same.
 */
TEST_F_TIMEOUT(bypass, timed_grant_ends_with_the_supervisor_killed, 60)
{
	int cell = test_env_cell(&self->env, "killed", "read:%s/rw", "write:%s/rw",
				 "broker:read", NULL);
	char rules[PATH_MAX], rule[2 * PATH_MAX + 128], channel[PATH_MAX];
	struct lease_args a = { channel, test_path(&self->env, "rw/other"),
				test_path(&self->env, "denied/file") };
	pid_t sup;

	ASSERT_LE(0, cell);
	if (access(LOADER, X_OK))
		SKIP(return, "%s not installed", LOADER);
	snprintf(rules, sizeof(rules), "%s/rules", self->env.root);
	snprintf(rule, sizeof(rule), "%s read %s/rw allow 60\n%s read %s allow 3\n",
		 self->env.cells[cell].name, self->env.root, self->env.cells[cell].name,
		 a.secret);
	ASSERT_EQ(0, write_file(rules, rule));
	ASSERT_EQ(0, isolate_channel_path(self->env.cells[cell].name, channel, sizeof(channel)));
	sup = start_supervisor(rules);
	ASSERT_LT(0, sup);
	ASSERT_EQ(0, test_run(&self->env, cell, lease_errno, &a));
	kill(sup, SIGKILL);
	waitpid(sup, NULL, 0);
	EXPECT_EQ(0, test_run(&self->env, cell, read_errno, (void *)a.secret));
	sleep(4);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, read_errno, (void *)a.secret));
}

/*
 * The kernel falls back to the policy without every timed grant when the
 * first one ends, so a timed deny would end early, and a timed mode,
 * budget, socket family or broker right is in no ruleset: each refused,
 * nothing changed, the cell's own rules in force.
 */
TEST_F(bypass, only_rules_that_may_end_together_are_timed)
{
	const char *refused[] = { "deny-read:/", "memory:64M", "mode:audit", "broker:read",
				  "socket:netlink-audit" };
	struct isolate_cell_state before, after;

	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->ro].name, &before));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct isolate_cap *cap = NULL;

		ASSERT_EQ(0, isolate_cap_parse(refused[i], &cap, NULL)) {
			TH_LOG("%s", refused[i]);
		}
		EXPECT_EQ(-EINVAL, isolate_cell_grant_timed(self->env.iso,
							    self->env.cells[self->ro].name,
							    &cap, 1, 60)) {
			TH_LOG("%s", refused[i]);
		}
		isolate_cap_free(cap);
	}
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->ro].name, &after));
	EXPECT_EQ(before.cell.generation, after.cell.generation);
	EXPECT_EQ(0, IN_RO(read_errno, (void *)test_path(&self->env, "ro/file")));
}

/* The library's timed grant, no supervisor at all: the same end. */
TEST_F(bypass, timed_grant_ends_in_the_kernel)
{
	struct isolate_cap *cap = NULL;
	char text[PATH_MAX + 16];
	struct isolate_cell_state st;

	snprintf(text, sizeof(text), "read:%s", test_path(&self->env, "denied/file"));
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, NULL));
	ASSERT_EQ(0, isolate_cell_grant_timed(self->env.iso, self->env.cells[self->ro].name,
					      &cap, 1, 2));
	isolate_cap_free(cap);
	EXPECT_EQ(0, IN_RO(read_errno, (void *)test_path(&self->env, "denied/file")));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->ro].name, &st));
	EXPECT_NE(0ULL, st.cell.expires_ns);
	sleep(3);
	EXPECT_EQ(EACCES, IN_RO(read_errno, (void *)test_path(&self->env, "denied/file")));
	/* The cell's own rules did not go with it; tidying drops the grant. */
	EXPECT_EQ(0, IN_RO(read_errno, (void *)test_path(&self->env, "ro/file")));
	EXPECT_EQ(0, isolate_cell_expire(self->env.iso, self->env.cells[self->ro].name));
	ASSERT_EQ(0, isolate_cell_get(self->env.iso, self->env.cells[self->ro].name, &st));
	EXPECT_EQ(0ULL, st.cell.expires_ns);
	EXPECT_EQ(EACCES, IN_RO(read_errno, (void *)test_path(&self->env, "denied/file")));
}

TEST_HARNESS_MAIN
