// SPDX-License-Identifier: GPL-2.0
/*
 * bypass (files): a deny on a mount point and the mounts below it (the walk
 * looks up the root of every mount it climbs into); reading what a symlink
 * in an unreadable tree points to; changing a file's flags through an
 * ioctl on a descriptor opened for reading; watching directories the cell
 * may not read (inotify, fanotify); a granted path replaced by a link to
 * what the cell may not read, then a change to the cell; a file linked out
 * of a denied tree whose directory the cell moves away, then a change to
 * the cell; a grant below a denied directory (or a parent of it) the cell
 * renamed, and a granted file it renamed, then a change; a path granted
 * where the cell moved a denied directory from, then a change; a denied tree
 * too deep to scan, then a revoke. The fixture is in bypass.h.
 */
#include "bypass.h"

#include <poll.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>

/* linux/fs.h clashes with sys/mount.h: the few ioctls used here. */
#define T_FS_IOC_GETFLAGS	0x80086601
#define T_FS_IOC_SETFLAGS	0x40086602
#define T_FS_APPEND_FL		0x00000020
#define T_FS_IMMUTABLE_FL	0x00000010

/* ---- Denies on mount points ----------------------------------------------- */

static int open_ro_errno(void *arg)
{
	struct open_args o = { arg, O_RDONLY };

	return open_errno(&o);
}

/*
 * pub/ is granted, pub/secret/ denied, and pub/secret is a mount point
 * (its rule is on the root of the file system mounted there), with another
 * file system mounted at pub/secret/inner. The walk from inner/file climbs
 * into pub/secret's file system and reaches its root: its rule, the deny,
 * decides, as for any directory. (It once crossed to the mount point
 * without looking the root up, and met the grant on pub/.)
 */
TEST_F(bypass, deny_on_a_mount_point_covers_the_mounts_below_it)
{
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "pub/file", "pub\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "pub/secret"));
	ASSERT_EQ(0, mount("tmpfs", test_path(&self->env, "pub/secret"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, test_file(&self->env, "pub/secret/file", "secret\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "pub/secret/inner"));
	ASSERT_EQ(0, mount("tmpfs", test_path(&self->env, "pub/secret/inner"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, test_file(&self->env, "pub/secret/inner/file", "inner secret\n"));
	cell = test_env_cell(&self->env, "mnt", "read:%s/pub", "deny-read:%s/pub/secret", NULL);
	ASSERT_LE(0, cell);

	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno,
			      (void *)test_path(&self->env, "pub/file")));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "pub/secret/file")));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "pub/secret/inner/file")));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "pub/secret/inner")));
}

/* ---- Reading symlinks ----------------------------------------------------- */

static int readlink_errno(void *arg)
{
	char buf[64];

	return readlink(arg, buf, sizeof(buf)) < 0 ? errno : 0;
}

/* A symlink's target is a name inside its tree: READ there, like a listing. */
TEST_F(bypass, reading_a_symlink_needs_read)
{
	EXPECT_EQ(0, IN_RO(readlink_errno, (void *)test_path(&self->env, "ro/link")));
	EXPECT_EQ(EACCES, IN_RO(readlink_errno, (void *)test_path(&self->env, "denied/link")));
	EXPECT_EQ(0, run_outside(readlink_errno, (void *)test_path(&self->env, "denied/link")));
}

/* ---- Changing a file through ioctl on a read-only descriptor -------------- */

struct flags_args {
	const char *path;
	int flag;
};

static int setflags_errno(void *arg)
{
	const struct flags_args *a = arg;
	int fd = open(a->path, O_RDONLY | O_CLOEXEC), flags = 0, r;

	if (fd < 0)
		return 100 + errno;
	if (ioctl(fd, T_FS_IOC_GETFLAGS, &flags)) {
		r = 150 + errno;
		close(fd);
		return r;
	}
	flags |= a->flag;
	r = ioctl(fd, T_FS_IOC_SETFLAGS, &flags) ? errno : 0;
	close(fd);
	return r;
}

static int getflags(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = -1;

	if (fd >= 0) {
		if (ioctl(fd, T_FS_IOC_GETFLAGS, &flags))
			flags = -1;
		close(fd);
	}
	return flags;
}

static void clearflags(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = 0;

	if (fd >= 0) {
		ioctl(fd, T_FS_IOC_SETFLAGS, &flags);
		close(fd);
	}
}

/*
 * FS_IOC_SETFLAGS works on a descriptor opened for reading: with only READ
 * a cell could make a file append-only or immutable (chattr +a/+i), a
 * change chmod and chown need WRITE for.
 */
TEST_F(bypass, setflags_ioctl_needs_write)
{
	const char *file = test_path(&self->env, "ro/file");
	struct flags_args a = { file, T_FS_IMMUTABLE_FL };
	int before = getflags(file);

	if (before < 0)
		SKIP(return, "FS_IOC_GETFLAGS unsupported here");
	EXPECT_EQ(EACCES, IN_RO(setflags_errno, &a));
	EXPECT_EQ(before, getflags(file));
	clearflags(file);
	a.flag = T_FS_APPEND_FL;
	EXPECT_EQ(EACCES, IN_RO(setflags_errno, &a));
	EXPECT_EQ(before, getflags(file));
	clearflags(file);
	/* A file that can be changed so still can be written to outside. */
	EXPECT_EQ(0, write_file(file, "ro\n"));
}

/* ioctl a->flag with a zeroed argument on path opened for reading. */
static int ioctl_errno(void *arg)
{
	const struct flags_args *a = arg;
	int fd = open(a->path, O_RDONLY | O_CLOEXEC), r;
	char zero[256] = { 0 };

	if (fd < 0)
		return 100 + errno;
	r = ioctl(fd, (unsigned long)(unsigned int)a->flag, zero) ? errno : 0;
	close(fd);
	return r;
}

/*
 * Other ioctls that change a file through a read-only descriptor need
 * WRITE too. tmpfs implements none of them: with WRITE the file system
 * answers ENOTTY, without it the hook refuses first.
 */
TEST_F(bypass, other_changing_ioctls_need_write)
{
	static const unsigned int cmds[] = {
		0x40087602,	/* FS_IOC_SETVERSION */
		0x40047602,	/* FS_IOC32_SETVERSION */
		0x40086604,	/* EXT4_IOC_SETVERSION */
		0x40046604,	/* EXT4_IOC32_SETVERSION */
		0x40806685,	/* FS_IOC_ENABLE_VERITY */
		0x800c6613,	/* FS_IOC_SET_ENCRYPTION_POLICY */
		0x6609,		/* EXT4_IOC_MIGRATE */
		0x4008941a,	/* BTRFS_IOC_SUBVOL_SETFLAGS */
	};
	const char *file = test_path(&self->env, "ro/file");
	int rw = test_env_cell(&self->env, "rw", "read:%s/ro", "write:%s/ro", NULL);

	ASSERT_LE(0, rw);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct flags_args a = { file, (int)cmds[i] };

		EXPECT_EQ(EACCES, IN_RO(ioctl_errno, &a)) {
			TH_LOG("ioctl %#x", cmds[i]);
		}
		EXPECT_EQ(ENOTTY, test_run(&self->env, rw, ioctl_errno, &a)) {
			TH_LOG("ioctl %#x with WRITE", cmds[i]);
		}
	}
}

/* ---- Watching what may not be read ---------------------------------------- */

struct watch_args {
	const char *dir;
	bool fan;
	int ready;		/* write end: one byte when the watch is set */
};

/* 0 if an event naming "secret-name" arrived, else the errno or 200. */
static int watch_errno(void *arg)
{
	const struct watch_args *a = arg;
	char buf[4096] __attribute__((aligned(8)));
	struct pollfd pfd;
	int fd, r = 0;
	ssize_t n;

	if (a->fan) {
		fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_NONBLOCK,
				   O_RDONLY);
		if (fd < 0)
			r = 150 + errno;
		else if (fanotify_mark(fd, FAN_MARK_ADD, FAN_CREATE, AT_FDCWD, a->dir))
			r = errno;
	} else {
		fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (fd < 0)
			r = 150 + errno;
		else if (inotify_add_watch(fd, a->dir, IN_CREATE) < 0)
			r = errno;
	}
	if (write(a->ready, "x", 1) != 1 || r)
		return r ?: 250;
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&pfd, 1, 3000) != 1)
		return 200;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return 201;
	return memmem(buf, (size_t)n, "secret-name", 11) ? 0 : 202;
}

/* Runs watch_errno in the cell; creates denied/secret-name once it watches. */
static int watch_run(struct test_env *env, int cell, bool fan)
{
	struct watch_args a = { test_path(env, "denied"), fan, -1 };
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	a.ready = p[1];
	pid = start_in_cgroup(isolate_cell_cgroup_fd(env->iso, env->cells[cell].name),
			      watch_errno, &a);
	close(p[1]);
	if (read(p[0], &c, 1) == 1) {
		fd = open(test_path(env, "denied/secret-name"), O_CREAT | O_WRONLY | O_CLOEXEC,
			  0600);
		if (fd >= 0)
			close(fd);
	}
	close(p[0]);
	return wait_exit_code(pid);
}

/*
 * inotify_add_watch() and fanotify_mark() take a path, open nothing, and
 * report the names made in a directory: the listing of a directory the
 * cell may not read (security_path_notify).
 */
TEST_F(bypass, watching_an_unreadable_directory_is_eacces)
{
	int r;

	EXPECT_EQ(EACCES, watch_run(&self->env, self->ro, false));
	unlink(test_path(&self->env, "denied/secret-name"));
	r = watch_run(&self->env, self->ro, true);
	if (r == 150 + EPERM)
		TH_LOG("fanotify_init refused in the cell: fanotify not tried");
	else
		EXPECT_EQ(EACCES, r);
}

/* ---- Paths keep their objects across changes ---------------------------- */

struct link_args {
	const char *target, *path;
};

/* path replaced by a symlink to target (a missing path: made one). */
static int link_over_errno(void *arg)
{
	const struct link_args *a = arg;

	if (unlink(a->path) && errno != ENOENT)
		return errno;
	return symlink(a->target, a->path) ? errno : 0;
}

/* What isolate_cell_bindings() says of one path. */
struct binding_seen {
	const char *path;
	bool found, moved, had_real;
	__u64 ino;
};

static int find_binding(const struct isolate_path_binding *b, void *ctx)
{
	struct binding_seen *seen = ctx;

	if (strcmp(b->path, seen->path))
		return 0;
	seen->found = true;
	seen->moved = b->moved;
	seen->had_real = b->real != NULL;
	seen->ino = b->ino;
	return 0;
}

/* Grants (or revokes) the capability "text" with its "%s" standing for the root. */
static int change(struct test_env *env, struct isolate *iso, int cell, bool grant,
		  const char *text)
{
	char buf[PATH_MAX + 32];
	struct isolate_cap *cap = NULL;
	int err;

	snprintf(buf, sizeof(buf), text, env->root);
	err = isolate_cap_parse(buf, &cap, NULL);
	if (!err)
		err = grant ? isolate_cell_grant(iso, env->cells[cell].name, &cap, 1) :
			      isolate_cell_revoke(iso, env->cells[cell].name, &cap, 1);
	if (err)
		fprintf(stderr, "# %s %s: %s\n", grant ? "grant" : "revoke", buf,
			isolate_last_error());
	isolate_cap_free(cap);
	return err;
}

/*
 * The cell may write in rw/ and read rw/f. It puts a symlink to
 * denied/file in rw/f's place. A later change names neither path, from
 * the handle that made the cell and from a new one (which reads what the
 * paths are bound to from the state directory): rw/f's rule stays on the
 * file it was granted on, and denied/file stays unreadable. (A change
 * resolved every path of the policy again, and moved rw/f's rule onto
 * denied/file.) Revoking rw/f and granting it again binds it afresh.
 */
TEST_F(bypass, a_link_put_over_a_granted_path_is_not_followed_by_a_later_change)
{
	struct link_args swap = { test_path(&self->env, "denied/file"), NULL };
	const char *secret = swap.target;
	struct binding_seen seen = { 0 };
	struct isolate *other = NULL;
	struct stat was;
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "rw/f", "f\n"));
	swap.path = test_path(&self->env, "rw/f");
	ASSERT_EQ(0, stat(swap.path, &was));
	cell = test_env_cell(&self->env, "swap", "write:%s/rw", "read:%s/rw/f", NULL);
	ASSERT_LE(0, cell);
	seen.path = swap.path;
	ASSERT_EQ(0, isolate_cell_bindings(self->env.iso, self->env.cells[cell].name,
					   find_binding, &seen));
	EXPECT_TRUE(seen.found);
	EXPECT_TRUE(seen.had_real);
	EXPECT_FALSE(seen.moved);
	ASSERT_EQ(0, test_run(&self->env, cell, link_over_errno, &swap));
	ASSERT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)secret));
	/* Shown as it is: the rule stays on the file; the path leads elsewhere. */
	memset(&seen, 0, sizeof(seen));
	seen.path = swap.path;
	ASSERT_EQ(0, isolate_cell_bindings(self->env.iso, self->env.cells[cell].name,
					   find_binding, &seen));
	EXPECT_TRUE(seen.found);
	EXPECT_TRUE(seen.moved);
	EXPECT_EQ((__u64)was.st_ino, seen.ino);

	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)secret));
	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno,
			      (void *)test_path(&self->env, "ro/file")));

	ASSERT_EQ(0, isolate_open(&other));
	ASSERT_EQ(0, change(&self->env, other, cell, false, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)secret));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno,
				   (void *)test_path(&self->env, "ro/file")));

	/* Named again by a change of its own: the path is bound to what it is now. */
	ASSERT_EQ(0, change(&self->env, other, cell, false, "read:%s/rw/f"));
	ASSERT_EQ(0, change(&self->env, other, cell, true, "read:%s/rw/f"));
	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)secret));
	isolate_close(other);
}

/*
 * An optional path missing when the cell was made stays missing for the
 * cell until a change names it: the cell cannot make it a link to
 * denied/file and have a later change grant that. A rebind, asked for,
 * binds it to what it leads to now.
 */
TEST_F(bypass, a_link_made_at_a_missing_optional_path_is_not_followed_by_a_later_change)
{
	struct link_args made = { test_path(&self->env, "denied/file"),
				  test_path(&self->env, "rw/later") };
	const char *secret = made.target;
	int cell;

	ASSERT_EQ(0, test_mkdir(&self->env, "rw"));
	cell = test_env_cell(&self->env, "later", "write:%s/rw", "read?:%s/rw/later", NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_run(&self->env, cell, link_over_errno, &made));

	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)secret));

	ASSERT_EQ(0, isolate_cell_rebind(self->env.iso, self->env.cells[cell].name));
	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)secret));
}

/* ---- Linked files of a denied tree stay denied ---------------------------- */

/* The denied directory a->target moved to a->path, and a new one in its place. */
static int move_away_errno(void *arg)
{
	const struct link_args *a = arg;

	if (rename(a->target, a->path))
		return errno;
	return mkdir(a->target, 0755) ? errno : 0;
}

static int unlink_errno(void *arg)
{
	return unlink(arg) ? errno : 0;
}

static int open_wo_errno(void *arg)
{
	struct open_args o = { arg, O_WRONLY };

	return open_errno(&o);
}

/*
 * home/ is the cell's to read and write, home/secret/ denied for reading
 * only, and home/secret/key and key2 are also linked in home/pub/ (made
 * outside the cell, before it): each file gets the deny of its own. The cell may
 * rename home/secret (it may write it) and make another directory in its
 * place, or unlink the key's name in it; the next change of the cell, of
 * anything, scanned the new directory, found no link and dropped the key's
 * deny. The file stays denied for as long as a deny covers where it was
 * found, from the handle that made the cell and from a new one (which
 * reads the linked files from the state directory), and keeps no grant
 * (its inode number could be another file's by now): writing it, allowed
 * while it was in the denied tree, is refused too. Revoking the deny lets
 * it go.
 */
TEST_F(bypass, a_linked_file_stays_denied_when_the_cell_moves_its_denied_directory)
{
	struct link_args hide = { strdup(test_path(&self->env, "home/secret")),
				  strdup(test_path(&self->env, "home/hidden")) };
	const char *key = strdup(test_path(&self->env, "home/pub/key"));
	const char *key2 = strdup(test_path(&self->env, "home/pub/key2"));
	struct isolate *other = NULL;
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "home/secret/key", "key\n"));
	ASSERT_EQ(0, test_file(&self->env, "home/secret/key2", "key2\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "home/pub"));
	ASSERT_EQ(0, link(test_path(&self->env, "home/secret/key"), key));
	ASSERT_EQ(0, link(test_path(&self->env, "home/secret/key2"), key2));
	cell = test_env_cell(&self->env, "moves", "read:%s/home", "write:%s/home",
			     "deny-read:%s/home/secret", NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key));
	ASSERT_EQ(0, test_run(&self->env, cell, open_wo_errno, (void *)key));

	/* The denied name unlinked: the scan finds key2 no more. */
	ASSERT_EQ(0, test_run(&self->env, cell, unlink_errno,
			      (void *)test_path(&self->env, "home/secret/key2")));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key2));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_wo_errno, (void *)key2));

	/* The denied directory moved away, another in its place. */
	ASSERT_EQ(0, test_run(&self->env, cell, move_away_errno, &hide));
	ASSERT_EQ(0, isolate_open(&other));
	ASSERT_EQ(0, change(&self->env, other, cell, false, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_wo_errno, (void *)key));
	ASSERT_EQ(0, change(&self->env, other, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key2));

	ASSERT_EQ(0, change(&self->env, other, cell, false, "deny-read:%s/home/secret"));
	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)key));
	EXPECT_EQ(0, test_run(&self->env, cell, open_wo_errno, (void *)key));
	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)key2));
	isolate_close(other);
	free((void *)hide.target);
	free((void *)hide.path);
	free((void *)key);
	free((void *)key2);
}

/* a->target renamed to a->path. */
static int rename_errno(void *arg)
{
	const struct link_args *a = arg;

	return rename(a->target, a->path) ? errno : 0;
}

/*
 * home/ is the cell's to write, home/secret/ denied for reading. The cell
 * renames home/secret to home/build (within home/: no move the kernel
 * asks about) and makes another home/secret; then home/build/key is
 * granted for reading, as a broker's rule on home/ would. The deny is on
 * the directory's object wherever it is: the key stays unreadable (the
 * compiler took the path below the new name for outside the deny and gave
 * the key an entry of its own that read). The cell renames the key too,
 * and the next change, of anything, cannot find it where it was bound:
 * it keeps it unreadable rather than guess.
 */
TEST_F(bypass, a_grant_below_a_renamed_denied_directory_stays_denied)
{
	struct link_args hide = { strdup(test_path(&self->env, "home/secret")),
				  strdup(test_path(&self->env, "home/build")) };
	struct link_args again = { strdup(test_path(&self->env, "home/build/key")),
				   strdup(test_path(&self->env, "home/build/key2")) };
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "home/secret/key", "key\n"));
	cell = test_env_cell(&self->env, "renames", "write:%s/home", "deny-read:%s/home/secret",
			     NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_run(&self->env, cell, move_away_errno, &hide));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/home/build/key"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)again.target));
	EXPECT_EQ(0, test_run(&self->env, cell, open_wo_errno, (void *)again.target));

	ASSERT_EQ(0, test_run(&self->env, cell, rename_errno, &again));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)again.path));
	free((void *)hide.target);
	free((void *)hide.path);
	free((void *)again.target);
	free((void *)again.path);
}

/*
 * The cell renames its denied home/secret to home/old, makes another
 * home/secret and a symlink home/link to it; home/link is granted for
 * reading. The deny's binding keeps the string home/secret, which is where
 * the granted path leads now, to another object: a later change, of
 * anything, compiled the deny onto the new directory and left the moved
 * one, the real secret, open to read: home/. The deny holds on both.
 */
TEST_F(bypass, a_path_leading_where_a_denied_directory_was_does_not_take_its_deny)
{
	struct link_args hide = { strdup(test_path(&self->env, "home/secret")),
				  strdup(test_path(&self->env, "home/old")) };
	struct link_args link = { hide.target, strdup(test_path(&self->env, "home/link")) };
	const char *key = strdup(test_path(&self->env, "home/old/key"));
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "home/secret/key", "key\n"));
	cell = test_env_cell(&self->env, "oldname", "read:%s/home", "write:%s/home",
			     "deny-read:%s/home/secret", NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_run(&self->env, cell, move_away_errno, &hide));
	ASSERT_EQ(0, test_run(&self->env, cell, link_over_errno, &link));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/home/link"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key));
	free((void *)hide.target);
	free((void *)hide.path);
	free((void *)link.path);
	free((void *)key);
}

/*
 * The same with a directory above the denied one renamed (home/a to
 * home/c), none made in its place: the deny's path leads nowhere now, and
 * the grant below the new name is still refused, not failed on the scan
 * of a tree that is not there.
 */
TEST_F(bypass, a_grant_below_a_renamed_parent_of_a_denied_directory_stays_denied)
{
	struct link_args up = { strdup(test_path(&self->env, "home/a")),
				strdup(test_path(&self->env, "home/c")) };
	const char *key = strdup(test_path(&self->env, "home/c/secret/key"));
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "home/a/secret/key", "key\n"));
	cell = test_env_cell(&self->env, "parent", "write:%s/home", "deny-read:%s/home/a/secret",
			     NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_run(&self->env, cell, rename_errno, &up));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/home/c/secret/key"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)key));
	free((void *)up.target);
	free((void *)up.path);
	free((void *)key);
}

/*
 * A granted file the cell renames cannot be placed at the next change (its
 * path leads nowhere): it could lie in a denied directory, so it loses the
 * right a deny on a directory takes (read), and keeps the others.
 */
TEST_F(bypass, a_granted_file_renamed_loses_what_a_denied_directory_takes)
{
	struct link_args away = { strdup(test_path(&self->env, "home/notes")),
				  strdup(test_path(&self->env, "home/notes.old")) };
	int cell;

	ASSERT_EQ(0, test_file(&self->env, "home/notes", "notes\n"));
	ASSERT_EQ(0, test_mkdir(&self->env, "home/secret"));
	cell = test_env_cell(&self->env, "notes", "write:%s/home", "deny-read:%s/home/secret",
			     "read:%s/home/notes", NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)away.target));
	ASSERT_EQ(0, test_run(&self->env, cell, rename_errno, &away));
	ASSERT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)away.path));
	EXPECT_EQ(0, test_run(&self->env, cell, open_wo_errno, (void *)away.path));
	free((void *)away.target);
	free((void *)away.path);
}

#define DEEP_NAME_LEN 200
#define DEEP_LEVELS 25		/* 25 * 201 bytes: more than PATH_MAX */

static void deep_name(char name[DEEP_NAME_LEN + 1])
{
	memset(name, 'd', DEEP_NAME_LEN);
	name[DEEP_NAME_LEN] = '\0';
}

/* A chain of DEEP_LEVELS directories below arg, made from directory fds. */
static int deep_tree_errno(void *arg)
{
	char name[DEEP_NAME_LEN + 1];
	int fd = open(arg, O_PATH | O_DIRECTORY | O_CLOEXEC), next;

	deep_name(name);
	for (int i = 0; i < DEEP_LEVELS && fd >= 0; i++) {
		if (mkdirat(fd, name, 0755))
			break;
		next = openat(fd, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Removes what deep_tree_errno made below dir (a path cannot name its bottom). */
static void remove_deep_tree(const char *dir)
{
	char name[DEEP_NAME_LEN + 1];
	int fds[DEEP_LEVELS + 1], n = 0;

	deep_name(name);
	fds[0] = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	while (fds[n] >= 0 && n < DEEP_LEVELS) {
		fds[n + 1] = openat(fds[n], name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		n++;
	}
	for (int i = n; i > 0; i--) {
		if (fds[i] >= 0)
			close(fds[i]);
		unlinkat(fds[i - 1], name, AT_REMOVEDIR);
	}
	if (fds[0] >= 0)
		close(fds[0]);
}

/*
 * The cell may write in home/secret, denied for reading. It builds a chain
 * of directories there deeper than a path can name, which the hard-link
 * scan cannot walk: a revoke (of anything) failed on it, so the cell kept
 * what the operator took away. A change that only takes rights away goes
 * on past it; one that may give rights still fails, the cell keeping its
 * own grant from itself.
 */
TEST_F(bypass, a_tree_too_deep_to_scan_does_not_block_a_revoke)
{
	const char *ro = strdup(test_path(&self->env, "ro/file"));
	char *secret = strdup(test_path(&self->env, "home/secret"));
	int cell;

	ASSERT_EQ(0, test_mkdir(&self->env, "home/secret"));
	cell = test_env_cell(&self->env, "deep", "read:%s/home", "write:%s/home",
			     "deny-read:%s/home/secret", "read:%s/ro/file", NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_run(&self->env, cell, deep_tree_errno, secret));
	ASSERT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)ro));

	EXPECT_EQ(0, change(&self->env, self->env.iso, cell, false, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)ro));
	EXPECT_EQ(-ENAMETOOLONG, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(EACCES, test_run(&self->env, cell, open_ro_errno, (void *)ro));

	remove_deep_tree(secret);
	EXPECT_EQ(0, change(&self->env, self->env.iso, cell, true, "read:%s/ro/file"));
	EXPECT_EQ(0, test_run(&self->env, cell, open_ro_errno, (void *)ro));
	free(secret);
	free((void *)ro);
}

enum plant { PLANT_SYMLINK, PLANT_FIFO, PLANT_FILE, PLANT_MOVED_LINK, PLANT_LINKED_FIFO };

struct plant_args {
	const char *path;
	const char *below;	/* a directory of the cell's own in it */
	enum plant what;
};

static int plant_errno(void *arg)
{
	const struct plant_args *a = arg;
	char made[PATH_MAX];
	int fd;

	snprintf(made, sizeof(made), "%s/made", a->below);
	switch (a->what) {
	case PLANT_SYMLINK:
		return symlink("/etc/passwd", a->path) ? errno : 0;
	case PLANT_FIFO:
		return mkfifo(a->path, 0644) ? errno : 0;
	case PLANT_MOVED_LINK:
		if (symlink("/etc/passwd", made))
			return 100 + errno;
		return rename(made, a->path) ? errno : 0;
	case PLANT_LINKED_FIFO:
		if (mkfifo(made, 0644))
			return 100 + errno;
		return link(made, a->path) ? errno : 0;
	default:
		fd = open(a->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return errno;
		close(fd);
		return 0;
	}
}

/*
 * No symlinks or FIFOs put in a shared sticky directory (/tmp), made there
 * or moved or linked in: the kernel's guards there (protected_symlinks,
 * protected_fifos) trust what a user makes to that user's processes and
 * what the directory's owner makes to everyone's, and the host's processes
 * would follow the cell's link where they meant to make a file. Files, and
 * links in a directory of the cell's own below, stay the rules'.
 */
TEST_F(bypass, no_links_planted_in_a_shared_sticky_directory)
{
	int cell = test_env_cell(&self->env, "sticky", "read:%s/rw", "write:%s/rw", NULL);
	struct plant_args a = { test_path(&self->env, "rw/tmp/link"),
				test_path(&self->env, "rw/tmp/own"), PLANT_SYMLINK };

	ASSERT_LE(0, cell);
	ASSERT_EQ(0, test_mkdir(&self->env, "rw/tmp"));
	ASSERT_EQ(0, test_mkdir(&self->env, "rw/tmp/own"));
	ASSERT_EQ(0, chmod(test_path(&self->env, "rw/tmp"), 01777));
	EXPECT_EQ(EPERM, test_run(&self->env, cell, plant_errno, &a));
	EXPECT_EQ(-1, access(a.path, F_OK));
	a.what = PLANT_FIFO;
	a.path = test_path(&self->env, "rw/tmp/fifo");
	EXPECT_EQ(EPERM, test_run(&self->env, cell, plant_errno, &a));
	a.what = PLANT_MOVED_LINK;
	a.path = test_path(&self->env, "rw/tmp/moved");
	EXPECT_EQ(EPERM, test_run(&self->env, cell, plant_errno, &a));
	EXPECT_EQ(-1, access(a.path, F_OK));
	ASSERT_EQ(0, unlink(test_path(&self->env, "rw/tmp/own/made")));
	a.what = PLANT_LINKED_FIFO;
	a.path = test_path(&self->env, "rw/tmp/linked");
	EXPECT_EQ(EPERM, test_run(&self->env, cell, plant_errno, &a));
	ASSERT_EQ(0, unlink(test_path(&self->env, "rw/tmp/own/made")));
	a.what = PLANT_FILE;
	a.path = test_path(&self->env, "rw/tmp/file");
	EXPECT_EQ(0, test_run(&self->env, cell, plant_errno, &a));
	a.what = PLANT_SYMLINK;
	a.path = test_path(&self->env, "rw/tmp/own/link");
	EXPECT_EQ(0, test_run(&self->env, cell, plant_errno, &a));
	a.path = test_path(&self->env, "rw/tmp/outside-link");
	EXPECT_EQ(0, run_outside(plant_errno, &a));
}

TEST_HARNESS_MAIN
