// SPDX-License-Identifier: GPL-2.0
/*
 * fs: what a cell may do to files and directories, decided by object (the
 * inode and its parents, crossing mounts), whatever name it is reached by:
 * read, write and the changes of the tree (create, unlink, rename, link,
 * mkdir, truncate, chmod, chown) that need WRITE where they happen; links
 * and renames that would give a file more rights (EXDEV); symlinks, hard
 * links made before and after the policy, dirfds and "..", /proc/self/fd,
 * file handles, bind mounts both ways, mount crossings, and paths deeper
 * than the walk bound (fail closed, counted).
 *
 * Every check also asks isolate_explain, compiled from the same policy,
 * and fails when explain disagrees with the kernel (see test_run_file).
 *
 *   $ROOT/                 a tmpfs of its own, in a private mount namespace
 *   ├── ro/                read
 *   │   ├── file
 *   │   ├── empty/
 *   │   └── sub/file
 *   ├── rw/                read, write
 *   │   ├── file
 *   │   ├── keep           deny-write: readable, not changeable
 *   │   ├── secret         deny-read: writable, not readable
 *   │   ├── sub/
 *   │   ├── mnt/           bind mount targets
 *   │   └── mnt2/
 *   ├── wo/                write only
 *   │   ├── file
 *   │   └── dir/file
 *   ├── denied/            no rule (default deny)
 *   │   ├── file
 *   │   └── mnt/
 *   ├── fenced/            deny-read (denied explicitly)
 *   │   ├── file
 *   │   └── mnt/
 *   └── deep/ ...          built by the walk bound tests
 */
#include "kselftest_harness.h"
#include "isolate_test.h"

#include <endian.h>
#include <sys/mman.h>
#include <sys/xattr.h>

FIXTURE(fs) {
	struct test_env env;
	int cell;		/* the main cell: the rules drawn above */
};

static const char *const tree_files[] = {
	"ro/file", "ro/sub/file", "rw/file", "rw/keep", "rw/secret", "wo/file",
	"wo/dir/file", "denied/file", "fenced/file", NULL,
};

static const char *const tree_dirs[] = {
	"ro/empty", "rw/sub", "rw/mnt", "rw/mnt2", "denied/mnt", "fenced/mnt", NULL,
};

FIXTURE_SETUP(fs)
{
	ASSERT_EQ(0, test_env_setup(&self->env, true));
	for (int i = 0; tree_files[i]; i++)
		ASSERT_EQ(0, test_file(&self->env, tree_files[i], tree_files[i]));
	for (int i = 0; tree_dirs[i]; i++)
		ASSERT_EQ(0, test_mkdir(&self->env, tree_dirs[i]));
	self->cell = test_env_cell(&self->env, "main",
				   "read:%s/ro", "read:%s/rw", "write:%s/rw",
				   "deny-write:%s/rw/keep", "deny-read:%s/rw/secret",
				   "write:%s/wo", "deny-read:%s/fenced", NULL);
	ASSERT_LE(0, self->cell);
}

FIXTURE_TEARDOWN(fs)
{
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

#define P(...) test_path(&self->env, __VA_ARGS__)
#define OPEN(path, flags) test_open(&self->env, self->cell, (path), (flags))

/* ---- Operations run in the cell, each returning its errno -------------- */

struct path_args {
	const char *path, *path2;
	int flags;
	int fd;
};

static int mkdir_errno(void *arg)
{
	const struct path_args *a = arg;

	return mkdir(a->path, 0755) ? errno : 0;
}

static int mknod_errno(void *arg)
{
	const struct path_args *a = arg;

	return mknod(a->path, (mode_t)a->flags | 0644, a->flags == S_IFCHR ? makedev(1, 3) : 0) ?
	       errno : 0;
}

static int symlink_errno(void *arg)
{
	const struct path_args *a = arg;

	return symlink(a->path2, a->path) ? errno : 0;
}

static int unlink_errno(void *arg)
{
	const struct path_args *a = arg;

	return unlink(a->path) ? errno : 0;
}

static int rmdir_errno(void *arg)
{
	const struct path_args *a = arg;

	return rmdir(a->path) ? errno : 0;
}

static int rename_errno(void *arg)
{
	const struct path_args *a = arg;

	return syscall(SYS_renameat2, AT_FDCWD, a->path, AT_FDCWD, a->path2, a->flags) ?
	       errno : 0;
}

static int link_errno(void *arg)
{
	const struct path_args *a = arg;

	return link(a->path, a->path2) ? errno : 0;
}

/* linkat(fd, "", path2, AT_EMPTY_PATH) of an O_PATH fd of path (opens nothing). */
/*
 * A second name for what an O_PATH fd holds, through /proc/self/fd (no
 * capability asked: AT_EMPTY_PATH wants CAP_DAC_READ_SEARCH before 6.10,
 * which no cell has).
 */
static int linkat_fd_errno(void *arg)
{
	const struct path_args *a = arg;
	int fd = open(a->path, O_PATH | O_CLOEXEC), r;
	char by_fd[64];

	if (fd < 0)
		return 100 + errno;
	snprintf(by_fd, sizeof(by_fd), "/proc/self/fd/%d", fd);
	r = linkat(AT_FDCWD, by_fd, AT_FDCWD, a->path2, AT_SYMLINK_FOLLOW) ? errno : 0;
	close(fd);
	return r;
}

static int truncate_errno(void *arg)
{
	const struct path_args *a = arg;

	return truncate(a->path, 1) ? errno : 0;
}

/* ftruncate on a descriptor the cell did not open: a->fd, opened before. */
static int ftruncate_errno(void *arg)
{
	const struct path_args *a = arg;

	return ftruncate(a->fd, 1) ? errno : 0;
}

static int chmod_errno(void *arg)
{
	const struct path_args *a = arg;

	return chmod(a->path, 0600) ? errno : 0;
}

/* chmod to a->flags, or with a->fd == 1 fchmod through an O_RDONLY descriptor. */
static int chmod_to_errno(void *arg)
{
	const struct path_args *a = arg;
	int fd, ret;

	if (a->fd != 1)
		return chmod(a->path, (mode_t)a->flags) ? errno : 0;
	fd = open(a->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ret = fchmod(fd, (mode_t)a->flags) ? errno : 0;
	close(fd);
	return ret;
}

/*
 * An access ACL of user::rw- group::r-x other::r-x on a->path: the file
 * system rewrites the mode's permission bits from it, and keeps setgid.
 */
static int group_exec_acl_errno(void *arg)
{
	const struct path_args *a = arg;
	struct {
		__u32 version;
		struct { __u16 tag, perm; __u32 id; } e[3];
	} acl = { htole32(2), {
		{ htole16(0x01), htole16(6), htole32(~0U) },	/* ACL_USER_OBJ */
		{ htole16(0x04), htole16(5), htole32(~0U) },	/* ACL_GROUP_OBJ */
		{ htole16(0x20), htole16(5), htole32(~0U) },	/* ACL_OTHER */
	} };

	return setxattr(a->path, "system.posix_acl_access", &acl, sizeof(acl), 0) ? errno : 0;
}

/* open(O_CREAT | O_EXCL) with mode a->flags. */
static int create_mode_errno(void *arg)
{
	const struct path_args *a = arg;
	int fd = open(a->path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, (mode_t)a->flags);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* An O_TMPFILE file of mode a->flags in a->path, linked in as a->path2. */
static int tmpfile_link_errno(void *arg)
{
	const struct path_args *a = arg;
	int fd = open(a->path, O_TMPFILE | O_WRONLY | O_CLOEXEC, (mode_t)a->flags);
	char proc[64];
	int ret;

	if (fd < 0)
		return 100 + errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ret = linkat(AT_FDCWD, proc, AT_FDCWD, a->path2, AT_SYMLINK_FOLLOW) ? errno : 0;
	close(fd);
	return ret;
}

static int fchmod_errno(void *arg)
{
	const struct path_args *a = arg;
	int fd = open(a->path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return errno;
	ret = fchmod(fd, 0600) ? errno : 0;
	close(fd);
	return ret;
}

static int chown_errno(void *arg)
{
	const struct path_args *a = arg;

	return chown(a->path, 0, 0) ? errno : 0;
}

/*
 * An extended attribute the file system takes from the cell: user.* (tmpfs
 * has them from 6.6 on), else security.* (which 6.1 lets a cell's root
 * set, but 6.12 refuses without CAP_SYS_ADMIN, which cells lack).
 */
static const char *settable_xattr(const char *path)
{
	static const char *const names[] = { "user.isolate-test", "security.isolate-test" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!setxattr(path, names[i], "x", 1, 0))
			return names[i];
	return NULL;
}

static int setxattr_errno(void *arg)
{
	const struct path_args *a = arg;

	return setxattr(a->path, a->path2, "x", 1, 0) ? errno : 0;
}

/*
 * An access ACL (a->flags: the others' permissions) set, or with
 * a->fd == 1 removed. Set, it rewrites the file's mode as chmod would.
 */
static int acl_errno(void *arg)
{
	const struct path_args *a = arg;
	/* posix_acl_xattr_header, then user::rw- group::r-- other::<flags> */
	const uint32_t acl[] = {
		htole32(2),
		htole16(0x01) | (uint32_t)htole16(6) << 16, 0,
		htole16(0x04) | (uint32_t)htole16(4) << 16, 0,
		htole16(0x20) | (uint32_t)htole16(a->flags) << 16, 0,
	};

	if (a->fd == 1)
		return removexattr(a->path, "system.posix_acl_access") ? errno : 0;
	return setxattr(a->path, "system.posix_acl_access", acl, sizeof(acl), 0) ? errno : 0;
}

static int utimes_errno(void *arg)
{
	const struct path_args *a = arg;
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

	return utimensat(AT_FDCWD, a->path, ts, 0) ? errno : 0;
}

/* open(path2) relative to a dirfd: opened as path with flags, or a->fd. */
static int openat_errno(void *arg)
{
	const struct path_args *a = arg;
	int dirfd = a->fd >= 0 ? a->fd : open(a->path, a->flags | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (dirfd < 0)
		return 100 + errno;	/* the dirfd itself failed: tell apart */
	fd = openat(dirfd, a->path2, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Re-opens through /proc/self/fd/N with a->flags: a fd of path opened
 * with O_RDONLY or O_PATH (a->fd: 1 for O_PATH), or inherited (a->fd > 2).
 */
static int reopen_errno(void *arg)
{
	const struct path_args *a = arg;
	char proc[64];
	int fd = a->fd > 2 ? a->fd :
		 open(a->path, (a->fd == 1 ? O_PATH : O_RDONLY) | O_CLOEXEC), again;

	if (fd < 0)
		return 100 + errno;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	again = open(proc, a->flags | O_CLOEXEC);
	if (again < 0)
		return errno;
	close(again);
	return 0;
}

/* A read through an inherited fd (fds handed in are not re-decided). */
static int read_fd_errno(void *arg)
{
	const struct path_args *a = arg;
	char c;

	return pread(a->fd, &c, 1, 0) == 1 ? 0 : errno;
}

struct handle_args {
	const char *dir;		/* a directory of the mount the cell may read */
	struct file_handle *fh;
};

static int open_by_handle_errno(void *arg)
{
	const struct handle_args *a = arg;
	int mfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd;

	if (mfd < 0)
		return 100 + errno;
	fd = open_by_handle_at(mfd, a->fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Runs op in the cell and checks explain agrees: the operation needs
 * WRITE at need1 (and need2): the directory where a name is made, the
 * object removed or moved.
 */
static int run_fs(struct test_env *env, int cell, const char *need1, const char *need2,
		  cell_op_fn op, void *arg)
{
	int result = test_run(env, cell, op, arg), e1, e2 = 1;

	e1 = test_explain_file(env->cells[cell].img, ISOLATE_ACCESS_WRITE, need1);
	if (need2)
		e2 = test_explain_file(env->cells[cell].img, ISOLATE_ACCESS_WRITE, need2);
	if (e1 < 0 || e2 < 0)
		return EXPLAIN_FAILED;
	return test_agree(e1 && e2, result, need2 && e1 ? need2 : need1);
}

/* ---- Read, write ---------------------------------------------------------- */

TEST_F(fs, read_granted_tree)
{
	EXPECT_EQ(0, OPEN(P("ro/file"), O_RDONLY));
	EXPECT_EQ(0, OPEN(P("ro/sub/file"), O_RDONLY));
	EXPECT_EQ(0, OPEN(P("ro"), O_RDONLY | O_DIRECTORY));
	EXPECT_EQ(0, OPEN(P("rw/file"), O_RDONLY));
	EXPECT_EQ(0, OPEN(P("rw/keep"), O_RDONLY));
}

TEST_F(fs, read_ungranted_is_eacces)
{
	EXPECT_EQ(EACCES, OPEN(P("denied/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("denied"), O_RDONLY | O_DIRECTORY));
	EXPECT_EQ(EACCES, OPEN(P("fenced/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("wo/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("rw/secret"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(self->env.root, O_RDONLY | O_DIRECTORY));
	EXPECT_EQ(EACCES, OPEN("/etc/passwd", O_RDONLY));
}

TEST_F(fs, write_granted)
{
	EXPECT_EQ(0, OPEN(P("rw/file"), O_RDWR));
	EXPECT_EQ(0, OPEN(P("rw/file"), O_WRONLY | O_APPEND));
	EXPECT_EQ(0, OPEN(P("rw/file"), O_WRONLY | O_TRUNC));
	EXPECT_EQ(0, OPEN(P("wo/file"), O_WRONLY));
	EXPECT_EQ(0, OPEN(P("rw/secret"), O_WRONLY));
}

TEST_F(fs, write_ungranted_is_eacces)
{
	EXPECT_EQ(EACCES, OPEN(P("ro/file"), O_WRONLY));
	EXPECT_EQ(EACCES, OPEN(P("ro/file"), O_RDWR));
	EXPECT_EQ(EACCES, OPEN(P("ro/file"), O_RDONLY | O_TRUNC));
	EXPECT_EQ(EACCES, OPEN(P("ro/file"), O_WRONLY | O_APPEND));
	EXPECT_EQ(EACCES, OPEN(P("rw/keep"), O_WRONLY));
	EXPECT_EQ(EACCES, OPEN(P("wo/file"), O_RDWR));
	EXPECT_EQ(EACCES, OPEN(P("denied/file"), O_WRONLY));
	EXPECT_EQ(EACCES, OPEN(P("fenced/file"), O_WRONLY));
}

/* ---- Changing the tree: WRITE on the directory ------------------------- */

TEST_F(fs, create_needs_write_on_dir)
{
	struct path_args a = { 0 };

	EXPECT_EQ(0, OPEN(P("rw/new"), O_WRONLY | O_CREAT));
	EXPECT_EQ(0, OPEN(P("wo/new"), O_WRONLY | O_CREAT));
	EXPECT_EQ(EACCES, OPEN(P("ro/new"), O_WRONLY | O_CREAT));
	EXPECT_EQ(EACCES, OPEN(P("denied/new"), O_WRONLY | O_CREAT));
	EXPECT_EQ(-1, access(P("ro/new"), F_OK));
	/* O_CREAT of a file that exists creates nothing: read is enough. */
	EXPECT_EQ(0, OPEN(P("ro/file"), O_RDONLY | O_CREAT));

	a.path = P("rw/newdir");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), NULL, mkdir_errno, &a));
	a.path = P("ro/newdir");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("ro"), NULL, mkdir_errno, &a));
	a.path = P("denied/newdir");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("denied"), NULL, mkdir_errno, &a));

	a.path = P("rw/fifo");
	a.flags = S_IFIFO;
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), NULL, mknod_errno, &a));
	a.path = P("ro/fifo");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("ro"), NULL, mknod_errno, &a));

	a.path = P("rw/symlink");
	a.path2 = "file";
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), NULL, symlink_errno, &a));
	a.path = P("ro/symlink");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("ro"), NULL, symlink_errno, &a));
}

/*
 * A FIFO a process outside the cell made is a service, not a file (a
 * daemon reads commands from it: systemd's /run/initctl powers the machine
 * off): a grant of the tree it sits in does not open it, for reading or
 * writing; a rule on its node does, with that rule's rights only. The
 * cell's own FIFOs go by the tree, for every process of the cell (make's
 * jobserver); to another cell they are an outsider's.
 */
TEST_F(fs, others_fifos_open_only_by_a_rule_on_their_node)
{
	struct path_args a = { .path = P("rw/own.fifo"), .flags = S_IFIFO };
	struct open_args own = { P("rw/own.fifo"), O_RDONLY | O_NONBLOCK };
	int named;

	ASSERT_EQ(0, mkfifo(P("rw/outsider.fifo"), 0666));
	named = test_env_cell(&self->env, "fifonode", "read:%s/rw", "write:%s/rw",
			      "read:%s/rw/outsider.fifo", NULL);
	ASSERT_LE(0, named);
	EXPECT_EQ(EACCES, OPEN(P("rw/outsider.fifo"), O_RDONLY | O_NONBLOCK));
	EXPECT_EQ(EACCES, OPEN(P("rw/outsider.fifo"), O_WRONLY | O_NONBLOCK));
	EXPECT_EQ(EACCES, OPEN(P("rw/outsider.fifo"), O_RDWR));
	EXPECT_EQ(0, test_open(&self->env, named, P("rw/outsider.fifo"), O_RDONLY | O_NONBLOCK));
	EXPECT_EQ(EACCES, test_open(&self->env, named, P("rw/outsider.fifo"), O_WRONLY | O_NONBLOCK));

	/*
	 * Made in the cell, opened by another of its processes. explain,
	 * which takes every FIFO there is for an outsider's, is asked about
	 * the directory.
	 */
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), NULL, mknod_errno, &a));
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ, P("rw"),
				   open_errno, &own));
	own.flags = O_RDWR;
	EXPECT_EQ(0, test_run_file(&self->env, self->cell,
				   ISOLATE_ACCESS_READ | ISOLATE_ACCESS_WRITE, P("rw"), open_errno,
				   &own));
	EXPECT_EQ(EACCES, test_run(&self->env, named, open_errno, &own));
	/* Moved, it is still the cell's. */
	ASSERT_EQ(0, rename(P("rw/own.fifo"), P("rw/sub/own.fifo")));
	own.path = P("rw/sub/own.fifo");
	EXPECT_EQ(0, test_run(&self->env, self->cell, open_errno, &own));
}

TEST_F(fs, tmpfile_needs_write_on_dir)
{
	EXPECT_EQ(0, OPEN(P("rw"), O_TMPFILE | O_RDWR));
	EXPECT_EQ(0, OPEN(P("wo"), O_TMPFILE | O_WRONLY));
	EXPECT_EQ(EACCES, OPEN(P("ro"), O_TMPFILE | O_RDWR));
	EXPECT_EQ(EACCES, OPEN(P("denied"), O_TMPFILE | O_WRONLY));
}

TEST_F(fs, device_node_is_eperm)
{
	struct path_args a = { .path = P("rw/null"), .flags = S_IFCHR };

	/*
	 * Refused wherever it would be made (it would open the device):
	 * explain answers for rules only, so the kernel alone is asked.
	 */
	EXPECT_EQ(EPERM, test_run(&self->env, self->cell, mknod_errno, &a));
	a.flags = S_IFBLK;
	EXPECT_EQ(EPERM, test_run(&self->env, self->cell, mknod_errno, &a));
	EXPECT_EQ(-1, access(P("rw/null"), F_OK));
}

/*
 * No setuid program, nor setgid one, is made in a cell, whatever the rules
 * grant: run outside, it would run the cell's code with the cell's ids.
 * The kernel alone is asked (explain answers for rules only).
 */
TEST_F(fs, setuid_programs_are_eperm)
{
	static const mode_t refused[] = { 04755, 04644, 02755, 06711, 02644 };
	struct path_args a = { .fd = -1 };
	struct stat st;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		a = (struct path_args){ .path = P("rw/file"), .flags = (int)refused[i], .fd = -1 };
		EXPECT_EQ(EPERM, test_run(&self->env, self->cell, chmod_to_errno, &a)) {
			TH_LOG("chmod %o", refused[i]);
		}
		a.fd = 1;
		EXPECT_EQ(EPERM, test_run(&self->env, self->cell, chmod_to_errno, &a)) {
			TH_LOG("fchmod %o", refused[i]);
		}
		a = (struct path_args){ .path = P("rw/new"), .flags = (int)refused[i], .fd = -1 };
		EXPECT_EQ(EPERM, test_run(&self->env, self->cell, create_mode_errno, &a)) {
			TH_LOG("open(O_CREAT, %o)", refused[i]);
		}
		a.flags = S_IFREG | (int)refused[i];
		EXPECT_EQ(EPERM, test_run(&self->env, self->cell, mknod_errno, &a)) {
			TH_LOG("mknod %o", refused[i]);
		}
		a = (struct path_args){ .path = P("rw"), .path2 = P("rw/linked"),
					.flags = (int)refused[i], .fd = -1 };
		EXPECT_EQ(EPERM, test_run(&self->env, self->cell, tmpfile_link_errno, &a)) {
			TH_LOG("O_TMPFILE %o, linked", refused[i]);
		}
	}
	ASSERT_EQ(0, stat(P("rw/file"), &st));
	EXPECT_EQ(0U, st.st_mode & (S_ISUID | S_ISGID));
	EXPECT_EQ(-1, access(P("rw/new"), F_OK));
	EXPECT_EQ(-1, access(P("rw/linked"), F_OK));
	/* What stays allowed: plain modes, and setgid on a directory. */
	a = (struct path_args){ .path = P("rw/file"), .flags = 0755, .fd = -1 };
	EXPECT_EQ(0, test_run(&self->env, self->cell, chmod_to_errno, &a));
	a = (struct path_args){ .path = P("rw"), .flags = 02775, .fd = -1 };
	EXPECT_EQ(0, test_run(&self->env, self->cell, chmod_to_errno, &a));
	a = (struct path_args){ .path = P("rw"), .path2 = P("rw/linked"), .flags = 0755, .fd = -1 };
	EXPECT_EQ(0, test_run(&self->env, self->cell, tmpfile_link_errno, &a));
	/* Outside every cell nothing changes. */
	a = (struct path_args){ .path = P("rw/file"), .flags = 04755, .fd = -1 };
	EXPECT_EQ(0, run_outside(chmod_to_errno, &a));
}

/*
 * Setgid without the group's execute bit means nothing until an ACL gives
 * the group execute: the file system then rewrites the permission bits
 * and keeps setgid, with no chmod to refuse. Extended attributes (ACLs
 * among them) of a setuid or setgid file are not changed in a cell.
 */
TEST_F(fs, an_acl_makes_no_setgid_program)
{
	struct path_args a = { .path = P("rw/sgid"), .fd = -1 };
	struct stat st;

	ASSERT_EQ(0, test_file(&self->env, "rw/sgid", "#!/bin/sh\n"));
	ASSERT_EQ(0, chmod(P("rw/sgid"), 02644));
	EXPECT_EQ(EPERM, test_run(&self->env, self->cell, group_exec_acl_errno, &a));
	ASSERT_EQ(0, stat(P("rw/sgid"), &st));
	EXPECT_EQ(02644U, st.st_mode & 07777);
	/* What the cell was kept from: outside, the ACL makes it a setgid program. */
	if (run_outside(group_exec_acl_errno, &a) == EOPNOTSUPP)
		SKIP(return, "no POSIX ACLs on this file system");
	ASSERT_EQ(0, stat(P("rw/sgid"), &st));
	EXPECT_EQ(02655U, st.st_mode & 07777);
	/* A plain file's ACL stays the rules' to decide. */
	ASSERT_EQ(0, test_file(&self->env, "rw/plain", "x\n"));
	a.path = P("rw/plain");
	EXPECT_EQ(0, test_run(&self->env, self->cell, group_exec_acl_errno, &a));
}

TEST_F(fs, unlink_needs_write_on_dir_and_object)
{
	struct path_args a = { 0 };

	a.path = P("rw/file");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), a.path, unlink_errno, &a));
	a.path = P("wo/file");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("wo"), a.path, unlink_errno, &a));
	a.path = P("ro/file");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("ro"), a.path, unlink_errno, &a));
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("denied"), a.path, unlink_errno, &a));
	/* A write-denied file in a writable directory stays. */
	a.path = P("rw/keep");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("rw"), a.path, unlink_errno, &a));
	EXPECT_EQ(0, access(P("rw/keep"), F_OK));

	a.path = P("rw/sub");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), a.path, rmdir_errno, &a));
	a.path = P("ro/empty");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("ro"), a.path, rmdir_errno, &a));
}

TEST_F(fs, rename_needs_write_on_both_dirs_and_object)
{
	struct path_args a = { 0 };

	/* Within a writable directory. */
	a.path = P("rw/file");
	a.path2 = P("rw/renamed");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	/* Into a subdirectory with the same rights. */
	a.path = P("rw/renamed");
	a.path2 = P("rw/mnt/renamed");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	/* To where it has fewer rights. */
	a.path = P("rw/mnt/renamed");
	a.path2 = P("wo/renamed");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));

	/* Out of a read-only directory, into one, out of a denied one. */
	a.path = P("ro/file");
	a.path2 = P("rw/from-ro");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	a.path = P("rw/keep");
	a.path2 = P("ro/from-rw");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	a.path = P("denied/file");
	a.path2 = P("rw/from-denied");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	/* A write-denied file can not be moved, even next door. */
	a.path = P("rw/keep");
	a.path2 = P("rw/kept");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	/* Nor replaced. */
	ASSERT_EQ(0, write_file(P("rw/other"), "other\n"));
	a.path = P("rw/other");
	a.path2 = P("rw/keep");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, a.path, a.path2, rename_errno, &a));
	EXPECT_EQ(0, access(P("rw/keep"), F_OK));
}

/*
 * A rename that would give the file rights it does not have where it is:
 * EXDEV. explain answers per path, not for a move between two, so the
 * kernel alone is asked here.
 */
TEST_F(fs, rename_gaining_rights_is_exdev)
{
	struct path_args a = { 0 };

	/* Write-only (inherited from wo/) into read-write: gains READ. */
	a.path = P("wo/file");
	a.path2 = P("rw/from-wo");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, rename_errno, &a));
	/* A directory, with what it holds. */
	a.path = P("wo/dir");
	a.path2 = P("rw/dir-from-wo");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, rename_errno, &a));
	/* The denied file of a writable directory into a subdirectory. */
	a.path = P("rw/secret");
	a.path2 = P("rw/sub/secret");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, rename_errno, &a));
	/* An exchange is two moves: the write-only file would gain READ. */
	a.path = P("rw/file");
	a.path2 = P("wo/file");
	a.flags = RENAME_EXCHANGE;
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, rename_errno, &a));
	EXPECT_EQ(0, access(P("wo/file"), F_OK));
	EXPECT_EQ(0, access(P("wo/dir/file"), F_OK));
	EXPECT_EQ(0, access(P("rw/secret"), F_OK));
	/* Still unreadable where it is. */
	EXPECT_EQ(EACCES, OPEN(P("wo/file"), O_RDONLY));
}

/* ---- Links ------------------------------------------------------------------ */

TEST_F(fs, link_after_load)
{
	struct path_args a = { 0 };

	/* Same rights: allowed. */
	a.path = P("rw/file");
	a.path2 = P("rw/sub/link");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw/sub"), NULL, link_errno, &a));
	/* Fewer rights: allowed. */
	a.path2 = P("wo/link");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("wo"), NULL, link_errno, &a));
	/* No WRITE where the name would be made. */
	a.path2 = P("ro/link");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("ro"), NULL, link_errno, &a));
	a.path = P("denied/file");
	a.path2 = P("denied/link");
	EXPECT_EQ(EACCES, run_fs(&self->env, self->cell, P("denied"), NULL, link_errno, &a));

	/*
	 * Gaining rights (EXDEV): explain answers per path, not for a link
	 * between two, so the kernel alone is asked.
	 */
	a.path = P("ro/file");		/* gains WRITE */
	a.path2 = P("rw/from-ro");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, link_errno, &a));
	a.path = P("wo/file");		/* gains READ */
	a.path2 = P("rw/from-wo");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, link_errno, &a));
	a.path = P("denied/file");	/* gains everything */
	a.path2 = P("rw/from-denied");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, link_errno, &a));
	a.path = P("fenced/file");
	a.path2 = P("rw/from-fenced");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, link_errno, &a));
	a.path = P("rw/secret");	/* its own deny-read */
	a.path2 = P("rw/sub/secret");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, link_errno, &a));
	/* From an O_PATH fd: the same check. */
	a.path = P("denied/file");
	a.path2 = P("rw/from-fd");
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, linkat_fd_errno, &a));
	a.path = P("rw/file");
	a.path2 = P("rw/sub/from-fd");
	EXPECT_EQ(0, test_run(&self->env, self->cell, linkat_fd_errno, &a));
	EXPECT_EQ(-1, access(P("rw/from-denied"), F_OK));
	EXPECT_EQ(-1, access(P("rw/from-fenced"), F_OK));
	EXPECT_EQ(-1, access(P("rw/from-fd"), F_OK));
}

/*
 * A tree denied for reading that the cell may write in: each file with
 * another name there gets a deny entry of its own at the cell's next
 * change, in the map all cells share. So the cell makes no link from,
 * into or within it, not even an O_TMPFILE's first name (two links of
 * one racing would each see none), and moves nothing into it from
 * outside (EXDEV: mv then copies, a file of one name). New files and
 * moves within stay free.
 */
TEST_F(fs, no_second_names_in_a_denied_tree)
{
	struct path_args a = { 0 };
	int c;

	ASSERT_EQ(0, test_mkdir(&self->env, "wo/dir/sub"));
	ASSERT_EQ(0, test_mkdir(&self->env, "wo/away"));
	ASSERT_EQ(0, test_file(&self->env, "wo/single", "single"));
	c = test_env_cell(&self->env, "drop", "write:%s/wo", "deny-read:%s/wo/dir", NULL);
	ASSERT_LE(0, c);

	a.path = P("wo/file");		/* into: the same rights, WRITE */
	a.path2 = P("wo/dir/link");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, link_errno, &a));
	a.path = P("wo/dir/file");	/* out of */
	a.path2 = P("wo/link");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, link_errno, &a));
	a.path2 = P("wo/dir/sub/link");	/* within */
	EXPECT_EQ(EXDEV, test_run(&self->env, c, linkat_fd_errno, &a));
	a.path = P("wo/dir");		/* an O_TMPFILE's first name */
	a.path2 = P("wo/dir/made");
	a.flags = 0600;
	EXPECT_EQ(EXDEV, test_run(&self->env, c, tmpfile_link_errno, &a));
	a.flags = 0;
	a.path = P("wo/single");	/* a file of one name, moved in */
	a.path2 = P("wo/dir/single");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
	a.path = P("wo/away");		/* a directory */
	a.path2 = P("wo/dir/away");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
	a.path = P("wo/single");	/* an exchange moves both ways */
	a.path2 = P("wo/dir/file");
	a.flags = RENAME_EXCHANGE;
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
	a.flags = 0;
	EXPECT_EQ(-1, access(P("wo/dir/link"), F_OK));
	EXPECT_EQ(-1, access(P("wo/link"), F_OK));
	EXPECT_EQ(-1, access(P("wo/dir/sub/link"), F_OK));
	EXPECT_EQ(-1, access(P("wo/dir/made"), F_OK));
	EXPECT_EQ(0, access(P("wo/away"), F_OK));

	a.path = P("wo/file");		/* outside the denied tree: as before */
	a.path2 = P("wo/second");
	EXPECT_EQ(0, test_run(&self->env, c, link_errno, &a));
	a.path = P("wo/dir/new");	/* a new file */
	a.flags = 0600;
	EXPECT_EQ(0, test_run(&self->env, c, create_mode_errno, &a));
	a.flags = 0;
	a.path = P("wo/dir/sub");	/* a directory within */
	a.path2 = P("wo/dir/made-sub");
	EXPECT_EQ(0, test_run(&self->env, c, rename_errno, &a));

	/* Outside any cell, the refused ones are made. */
	EXPECT_EQ(0, link(P("wo/dir/file"), P("wo/link")));
	EXPECT_EQ(0, rename(P("wo/away"), P("wo/dir/away")));
	/* Within: a file with another name (made outside) does not move. */
	a.path = P("wo/dir/file");
	a.path2 = P("wo/dir/made-sub/file");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
}

/*
 * A file keeps its denies wherever the cell moves it: moved out of a
 * tree denied for reading, to where nothing grants reading either, it
 * would be open to the next grant there (a broker's, a live grant of the
 * directory). EXDEV, for a file and a directory; a copy would need READ.
 */
TEST_F(fs, a_move_keeps_a_files_denies)
{
	struct path_args a = { 0 };
	int c;

	ASSERT_EQ(0, test_mkdir(&self->env, "wo/dir/sub"));
	c = test_env_cell(&self->env, "drop", "write:%s/wo", "deny-read:%s/wo/dir", NULL);
	ASSERT_LE(0, c);
	a.path = P("wo/dir/file");
	a.path2 = P("wo/out");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
	a.path = P("wo/dir/sub");
	a.path2 = P("wo/sub-out");
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
	a.path = P("wo/file");		/* an exchange moves wo/dir/file out */
	a.path2 = P("wo/dir/file");
	a.flags = RENAME_EXCHANGE;
	EXPECT_EQ(EXDEV, test_run(&self->env, c, rename_errno, &a));
	a.flags = 0;
	a.path = P("wo/dir/file");	/* within the denied tree: kept */
	a.path2 = P("wo/dir/sub/file");
	EXPECT_EQ(0, test_run(&self->env, c, rename_errno, &a));
	EXPECT_EQ(-1, access(P("wo/out"), F_OK));
	EXPECT_EQ(-1, access(P("wo/sub-out"), F_OK));
	EXPECT_EQ(0, rename(P("wo/dir/sub"), P("wo/sub-out")));
}

/* The refusal is reported: op LINK, error EXDEV, the file linked. */
TEST_F(fs, exdev_is_reported)
{
	struct path_args a = { .path = P("denied/file"), .path2 = P("rw/from-denied") };
	const struct isolate_event_access *e = NULL;
	struct test_events ev = { 0 };
	struct stat st;

	ASSERT_EQ(0, stat(a.path, &st));
	ASSERT_EQ(0, test_events_start(self->env.iso, &ev));
	EXPECT_EQ(EXDEV, test_run(&self->env, self->cell, link_errno, &a));
	test_events_drain(&ev);
	EXPECT_EQ(1, test_events_count(&ev, ISOLATE_EVENT_DENY,
				       self->env.cells[self->cell].st.cgid, ISOLATE_OP_LINK, &e));
	if (e) {
		EXPECT_EQ(EXDEV, e->error);
		EXPECT_EQ((__u32)ISOLATE_OBJECT_FILE, e->object_kind);
		EXPECT_EQ(st.st_ino, e->file.ino);
		EXPECT_EQ(ISOLATE_ACCESS_READ | ISOLATE_ACCESS_WRITE, e->requested);
	}
	test_events_stop(&ev);
}

/*
 * An event's path cut on the left always begins with "...", even when
 * the room left before the part kept is less than the marker: there it
 * overwrites the first bytes. Here 251 + 1 bytes of name, then "x" and
 * its '/', leave 1 byte, too few for "denied/": unmarked, the event
 * showed "/x/AAA...", a whole path of another place.
 */
TEST_F(fs, a_cut_path_is_always_marked)
{
	const struct isolate_event_access *e = NULL;
	struct test_events ev = { 0 };
	char name[252], rel[300];
	struct path_args a = { .flags = 0600 };

	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ASSERT_EQ(0, test_mkdir(&self->env, "denied/x"));
	snprintf(rel, sizeof(rel), "denied/x/%s", name);
	a.path = P("%s", rel);
	ASSERT_EQ(0, test_events_start(self->env.iso, &ev));
	EXPECT_EQ(EACCES, test_run(&self->env, self->cell, create_mode_errno, &a));
	test_events_drain(&ev);
	EXPECT_EQ(1, test_events_count(&ev, ISOLATE_EVENT_DENY,
				       self->env.cells[self->cell].st.cgid, ISOLATE_OP_CREATE, &e));
	if (e) {
		EXPECT_EQ(0, strncmp(e->path, ".../", 4)) TH_LOG("path %.32s", e->path);
		EXPECT_STREQ(name, strrchr(e->path, '/') + 1);
	}
	test_events_stop(&ev);
}

/*
 * A hard link into an allowed directory of a file in an explicitly denied
 * one, made before the policy is loaded: the compiler finds it in the
 * denied tree and gives the file a rule of its own, so no name of it
 * reads. Not even WRITE: the rule holds the file's rights, and nothing
 * grants write at fenced/.
 */
TEST_F(fs, hard_link_before_load_into_allowed_dir_explicit_deny)
{
	int c;

	ASSERT_EQ(0, write_file(P("fenced/linked"), "secret\n"));
	ASSERT_EQ(0, link(P("fenced/linked"), P("rw/linked")));
	c = test_env_cell(&self->env, "prelink", "read:%s/rw", "write:%s/rw",
			  "deny-read:%s/fenced", NULL);
	ASSERT_LE(0, c);
	EXPECT_EQ(EACCES, test_open(&self->env, c, P("rw/linked"), O_RDONLY));
	EXPECT_EQ(EACCES, test_open(&self->env, c, P("rw/linked"), O_WRONLY));
	EXPECT_EQ(EACCES, test_open(&self->env, c, P("fenced/linked"), O_RDONLY));
	/* Its neighbours in rw/ are untouched. */
	EXPECT_EQ(0, test_open(&self->env, c, P("rw/file"), O_RDWR));
}

/*
 * The same with nothing naming the denied directory (default deny only):
 * no rule says anything about the file, and a hard link is the file
 * itself under a second name. The kernel reaches it through rw/linked,
 * whose parent is granted, so it is readable and writable there, as any
 * file of rw/ is; through its first name it stays denied. Policies that
 * must keep a tree's files out of reach name it with deny-read:.
 */
TEST_F(fs, hard_link_before_load_into_allowed_dir_default_deny)
{
	int c;

	ASSERT_EQ(0, write_file(P("denied/linked"), "secret\n"));
	ASSERT_EQ(0, link(P("denied/linked"), P("rw/linked")));
	c = test_env_cell(&self->env, "prelink", "read:%s/rw", "write:%s/rw", NULL);
	ASSERT_LE(0, c);
	EXPECT_EQ(0, test_open(&self->env, c, P("rw/linked"), O_RDONLY));
	EXPECT_EQ(0, test_open(&self->env, c, P("rw/linked"), O_RDWR));
	EXPECT_EQ(EACCES, test_open(&self->env, c, P("denied/linked"), O_RDONLY));
}

/* ---- Truncate, chmod, chown, other metadata ------------------------------ */

TEST_F(fs, truncate_needs_write)
{
	struct path_args a = { 0 };

	a.path = P("rw/file");
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   truncate_errno, &a));
	a.path = P("wo/file");
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   truncate_errno, &a));
	a.path = P("ro/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					truncate_errno, &a));
	a.path = P("rw/keep");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					truncate_errno, &a));
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					truncate_errno, &a));
}

/*
 * A descriptor opened for writing outside the cell (inherited, or passed
 * over a socket) still needs WRITE to truncate: path_truncate decides on
 * 6.1; from 6.2 on ftruncate reaches file_truncate instead.
 */
TEST_F(fs, ftruncate_of_a_descriptor_opened_before_needs_write)
{
	static const struct { const char *path; int err; } cases[] = {
		{ "rw/file", 0 }, { "ro/file", EACCES }, { "denied/file", EACCES },
	};
	struct path_args a = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a.path = P(cases[i].path);
		a.fd = open(a.path, O_RDWR | O_CLOEXEC);
		ASSERT_LE(0, a.fd);
		EXPECT_EQ(cases[i].err, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE,
						      a.path, ftruncate_errno, &a)) {
			TH_LOG("ftruncate of %s", cases[i].path);
		}
		close(a.fd);
	}
}

TEST_F(fs, chmod_chown_need_write)
{
	struct path_args a = { 0 };

	a.path = P("rw/file");
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   chmod_errno, &a));
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   chown_errno, &a));
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   fchmod_errno, &a));
	a.path = P("ro/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					chmod_errno, &a));
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					chown_errno, &a));
	/* Through a descriptor opened for reading only. */
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					fchmod_errno, &a));
	a.path = P("rw/keep");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					chmod_errno, &a));
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					chmod_errno, &a));
}

/*
 * Extended attributes are part of the file (security.capability turns a
 * binary privileged): changing them on a file the cell may only read
 * must need WRITE, like chmod.
 */
TEST_F(fs, setxattr_needs_write)
{
	struct path_args a = { 0 };

	a.path = P("rw/file");
	a.path2 = settable_xattr(a.path);
	ASSERT_NE(NULL, a.path2) {
		TH_LOG("no extended attribute can be set on %s: %s", a.path, strerror(errno));
	}
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   setxattr_errno, &a));
	a.path = P("ro/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					setxattr_errno, &a));
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					setxattr_errno, &a));
}

/*
 * POSIX ACLs are extended attributes that also rewrite the mode: setting
 * or removing one needs WRITE on every kernel (from 6.2 on they reach
 * hooks of their own, not the extended attribute ones).
 */
TEST_F(fs, acl_needs_write)
{
	struct path_args a = { .fd = -1, .flags = 7 };
	struct stat before, after;

	a.path = P("rw/file");
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   acl_errno, &a));
	a.path = P("ro/file");
	ASSERT_EQ(0, stat(a.path, &before));
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					acl_errno, &a));
	ASSERT_EQ(0, stat(a.path, &after));
	EXPECT_EQ(before.st_mode, after.st_mode);
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					acl_errno, &a));
	/* One set from outside the cell: its removal inside is refused. */
	a.path = P("ro/file");
	ASSERT_EQ(0, acl_errno(&a));
	a.fd = 1;
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					acl_errno, &a));
	EXPECT_EQ(0, stat(a.path, &after));
	EXPECT_EQ((before.st_mode & ~07777) | 0647, after.st_mode);
}

/* Times are attributes like the mode: setting them needs WRITE. */
TEST_F(fs, utimes_need_write)
{
	struct path_args a = { 0 };

	a.path = P("rw/file");
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
				   utimes_errno, &a));
	a.path = P("ro/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					utimes_errno, &a));
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					utimes_errno, &a));
}

/* ---- Other names of the same object ------------------------------------ */

TEST_F(fs, symlinks_decide_by_target)
{
	struct path_args a = { 0 };

	/* Made outside the cell: a symlink to a denied file from an allowed dir. */
	ASSERT_EQ(0, symlink("../denied/file", P("rw/to-denied")));
	ASSERT_EQ(0, symlink(P("fenced/file"), P("ro/to-fenced")));
	ASSERT_EQ(0, symlink("../ro/file", P("denied/to-ro")));
	EXPECT_EQ(EACCES, OPEN(P("rw/to-denied"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("ro/to-fenced"), O_RDONLY));
	EXPECT_EQ(0, OPEN(P("denied/to-ro"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("denied/to-ro"), O_WRONLY));

	/* Made by the cell itself: allowed to make, not to follow. */
	a.path = P("rw/mine");
	a.path2 = P("denied/file");
	EXPECT_EQ(0, run_fs(&self->env, self->cell, P("rw"), NULL, symlink_errno, &a));
	EXPECT_EQ(EACCES, OPEN(P("rw/mine"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("rw/mine"), O_WRONLY));
}

/*
 * openat() relative to a directory fd, and "..": decided on the object
 * reached. explain takes absolute paths: it is asked about the path that
 * names the same object.
 */
TEST_F(fs, dirfd_and_dotdot)
{
	struct path_args a = { .fd = -1 };
	int dfd;

	a.path = P("rw");
	a.flags = O_RDONLY;
	a.path2 = "../denied/file";
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
					P("denied/file"), openat_errno, &a));
	a.path2 = "../fenced/file";
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
					P("fenced/file"), openat_errno, &a));
	a.path2 = "sub/../../ro/file";
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
				   P("ro/file"), openat_errno, &a));
	a.path2 = "file";
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
				   P("rw/file"), openat_errno, &a));

	/* An O_PATH fd of a denied directory opens nothing by itself. */
	a.path = P("denied");
	a.flags = O_PATH;
	a.path2 = "file";
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
					P("denied/file"), openat_errno, &a));
	a.path2 = "../ro/file";
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
				   P("ro/file"), openat_errno, &a));

	/* A directory fd handed in from outside the cell. */
	dfd = open(P("denied"), O_RDONLY | O_DIRECTORY);
	ASSERT_LE(0, dfd);
	a.fd = dfd;
	a.path2 = "file";
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
					P("denied/file"), openat_errno, &a));
	a.path2 = "../rw/file";
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ,
				   P("rw/file"), openat_errno, &a));
	close(dfd);
}

/*
 * Re-opening through /proc/self/fd/N decides again on the object, with
 * the new mode, also from an O_PATH fd (which itself opens nothing).
 * explain is asked about the path the fd was opened with.
 */
TEST_F(fs, proc_self_fd_reopen)
{
	struct path_args a = { 0 };
	int fd;

	a.path = P("ro/file");
	a.fd = 0;		/* opened O_RDONLY in the cell */
	a.flags = O_RDONLY;
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ, a.path,
				   reopen_errno, &a));
	a.flags = O_RDWR;
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell,
					ISOLATE_ACCESS_READ | ISOLATE_ACCESS_WRITE, a.path,
					reopen_errno, &a));

	a.fd = 1;		/* O_PATH */
	a.flags = O_WRONLY;
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_WRITE, a.path,
					reopen_errno, &a));
	a.flags = O_RDONLY;
	EXPECT_EQ(0, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ, a.path,
				   reopen_errno, &a));
	a.path = P("denied/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ, a.path,
					reopen_errno, &a));
	a.path = P("fenced/file");
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ, a.path,
					reopen_errno, &a));

	/*
	 * A fd opened outside the cell keeps what it was opened for (the
	 * supervisor handed it in), but re-opening it is a new open.
	 */
	fd = open(P("denied/file"), O_RDWR);
	ASSERT_LE(3, fd);
	a.path = P("denied/file");
	a.fd = fd;
	EXPECT_EQ(0, test_run(&self->env, self->cell, read_fd_errno, &a));
	EXPECT_EQ(EACCES, test_run_file(&self->env, self->cell, ISOLATE_ACCESS_READ, a.path,
					reopen_errno, &a));
	close(fd);
}

/*
 * open_by_handle_at(): another way to name a file, which opens any file
 * of the mount (the kernel's internal ones too: other processes' memfds)
 * with CAP_DAC_READ_SEARCH, a capability of the machine's: refused EPERM
 * in a cell, the file granted or not. The mount is named by a directory
 * the cell may open (an O_PATH fd is refused, EBADF).
 */
TEST_F(fs, open_by_handle)
{
	struct {
		struct file_handle fh;
		unsigned char data[MAX_HANDLE_SZ];
	} denied = { .fh.handle_bytes = MAX_HANDLE_SZ }, ro = { .fh.handle_bytes = MAX_HANDLE_SZ };
	struct handle_args a = { .dir = P("ro") };
	int mount_id;

	ASSERT_EQ(0, name_to_handle_at(AT_FDCWD, P("denied/file"), &denied.fh, &mount_id, 0));
	ASSERT_EQ(0, name_to_handle_at(AT_FDCWD, P("ro/file"), &ro.fh, &mount_id, 0));
	a.fh = &denied.fh;
	EXPECT_EQ(EPERM, test_run(&self->env, self->cell, open_by_handle_errno, &a));
	a.fh = &ro.fh;
	EXPECT_EQ(EPERM, test_run(&self->env, self->cell, open_by_handle_errno, &a));
	EXPECT_EQ(0, run_outside(open_by_handle_errno, &a));
}

/* ---- Mounts ------------------------------------------------------------------ */

/*
 * A denied directory bind-mounted over an allowed path. The walk goes from
 * the object up through the mount to where it is mounted: a directory
 * denied explicitly (fenced/, deny-read) carries its own rule and stays
 * denied; one that is merely not granted (denied/) is reached through the
 * granted rw/ and allowed there, as anything placed under rw/ would be.
 * explain stats each component, so it sees the mount as the kernel does.
 */
TEST_F(fs, bind_mount_denied_over_allowed)
{
	ASSERT_EQ(0, mount(P("fenced"), P("rw/mnt"), NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(P("denied"), P("rw/mnt2"), NULL, MS_BIND, NULL));
	EXPECT_EQ(EACCES, OPEN(P("rw/mnt/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("rw/mnt/file"), O_WRONLY));
	EXPECT_EQ(EACCES, OPEN(P("rw/mnt"), O_RDONLY | O_DIRECTORY));
	EXPECT_EQ(EACCES, OPEN(P("rw/mnt/new"), O_WRONLY | O_CREAT));
	EXPECT_EQ(0, OPEN(P("rw/mnt2/file"), O_RDWR));
	/* Through their own names, as before. */
	EXPECT_EQ(EACCES, OPEN(P("fenced/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("denied/file"), O_RDONLY));
}

/* An allowed directory bind-mounted over a denied path: its own rule decides. */
TEST_F(fs, bind_mount_allowed_over_denied)
{
	ASSERT_EQ(0, mount(P("ro"), P("denied/mnt"), NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(P("ro"), P("fenced/mnt"), NULL, MS_BIND, NULL));
	EXPECT_EQ(0, OPEN(P("denied/mnt/file"), O_RDONLY));
	EXPECT_EQ(0, OPEN(P("denied/mnt/sub/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("denied/mnt/file"), O_WRONLY));
	EXPECT_EQ(0, OPEN(P("fenced/mnt/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("fenced/mnt/new"), O_WRONLY | O_CREAT));
	/* A single file mounted over another: the file's own place decides. */
	ASSERT_EQ(0, mount(P("denied/file"), P("rw/file"), NULL, MS_BIND, NULL));
	EXPECT_EQ(0, OPEN(P("rw/file"), O_RDONLY));
	/*
	 * Only what carries a rule travels: fenced/file has none of its own
	 * (its directory has), so mounted over ro/file it is reached through
	 * ro/ and readable there, like any file placed in ro/.
	 */
	ASSERT_EQ(0, mount(P("fenced/file"), P("ro/file"), NULL, MS_BIND, NULL));
	EXPECT_EQ(0, OPEN(P("ro/file"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("fenced/file"), O_RDONLY));
}

/*
 * A deny below another deny whose directory is bind-mounted below a grant
 * (security.md's advice for a denied tree mounted elsewhere): the inner
 * deny has a rule of its own and holds there. The normalizer used to drop
 * it as covered by the outer one, and the mount was readable.
 */
TEST_F(fs, a_deny_below_a_deny_holds_where_it_is_mounted)
{
	int cell;

	ASSERT_EQ(0, test_mkdir(&self->env, "fenced/keys"));
	ASSERT_EQ(0, test_file(&self->env, "fenced/keys/id", "key\n"));
	cell = test_env_cell(&self->env, "nested", "read:%s/ro", "deny-read:%s/fenced",
			     "deny-read:%s/fenced/keys", NULL);
	ASSERT_LE(0, cell);
	ASSERT_EQ(0, mount(P("fenced/keys"), P("ro/empty"), NULL, MS_BIND, NULL));
	EXPECT_EQ(EACCES, test_open(&self->env, cell, P("ro/empty/id"), O_RDONLY));
	EXPECT_EQ(EACCES, test_open(&self->env, cell, P("fenced/keys/id"), O_RDONLY));
	EXPECT_EQ(0, test_open(&self->env, cell, P("ro/file"), O_RDONLY));
}

/* Another file system mounted below a grant: the walk crosses into it. */
TEST_F(fs, walk_crosses_mount_points)
{
	ASSERT_EQ(0, mount("tmpfs", P("rw/mnt"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, mount("tmpfs", P("denied/mnt"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, write_file(P("denied/mnt/file"), "x\n"));
	EXPECT_EQ(0, OPEN(P("rw/mnt/new"), O_RDWR | O_CREAT));
	EXPECT_EQ(0, OPEN(P("rw/mnt/new"), O_RDONLY));
	EXPECT_EQ(EACCES, OPEN(P("denied/mnt/new"), O_WRONLY | O_CREAT));
	EXPECT_EQ(EACCES, OPEN(P("denied/mnt/file"), O_RDONLY));
}

/* ---- The walk bound ----------------------------------------------------------- */

/* rel/d/d/... (n times) made below root; the path of the last in out. */
static int make_chain(const struct test_env *env, const char *rel, int n, char *out,
		      size_t len)
{
	size_t used = (size_t)snprintf(out, len, "%s", rel);

	for (int i = 0; i < n && used + 2 < len; i++)
		used += (size_t)snprintf(out + used, len - used, "/d");
	return test_mkdir(env, out);
}

static __u64 walk_bound_count(struct test_env *env, int cell)
{
	struct isolate_cell_state st;

	if (isolate_cell_get(env->iso, env->cells[cell].name, &st))
		return ~0ULL;
	return st.counters.fail_closed[ISOLATE_FAIL_WALK_BOUND];
}

/*
 * ISOLATE_WALK_MAX (64) dentries inside the object's mount are looked at
 * before the walk gives up. With the grant on deep/ and the file n
 * directories below it, the walk looks at the file, n directories, then
 * deep/: n = 62 puts deep/ at the 64th dentry (allowed), n = 63 at the
 * 65th: refused, fail closed, counted once.
 */
TEST_F(fs, walk_bound_is_exact)
{
	char rel[1024], file62[PATH_MAX], file63[PATH_MAX];
	struct open_args a = { NULL, O_RDONLY };
	__u64 before;
	int c;

	ASSERT_EQ(0, make_chain(&self->env, "deep", 63, rel, sizeof(rel)));
	snprintf(file63, sizeof(file63), "%s/%s/file", self->env.root, rel);
	ASSERT_EQ(0, write_file(file63, "63\n"));
	rel[strlen(rel) - 2] = '\0';
	snprintf(file62, sizeof(file62), "%s/%s/file", self->env.root, rel);
	ASSERT_EQ(0, write_file(file62, "62\n"));
	c = test_env_cell(&self->env, "deep", "read:%s/deep", NULL);
	ASSERT_LE(0, c);

	before = walk_bound_count(&self->env, c);
	a.path = file62;
	EXPECT_EQ(0, test_run(&self->env, c, open_errno, &a));
	EXPECT_EQ(before, walk_bound_count(&self->env, c));
	a.path = file63;
	EXPECT_EQ(EACCES, test_run(&self->env, c, open_errno, &a));
	EXPECT_EQ(before + 1, walk_bound_count(&self->env, c));
}

TEST_F(fs, path_deeper_than_bound_fails_closed)
{
	char rel[1024], file[PATH_MAX];
	struct open_args a = { file, O_RDONLY };
	__u64 before;
	int c;

	ASSERT_EQ(0, make_chain(&self->env, "deep", 100, rel, sizeof(rel)));
	snprintf(file, sizeof(file), "%s/%s/file", self->env.root, rel);
	ASSERT_EQ(0, write_file(file, "100\n"));
	c = test_env_cell(&self->env, "deep", "read:%s/deep", "read:%s/ro", NULL);
	ASSERT_LE(0, c);

	before = walk_bound_count(&self->env, c);
	EXPECT_EQ(EACCES, test_run(&self->env, c, open_errno, &a));
	EXPECT_EQ(before + 1, walk_bound_count(&self->env, c));
	a.flags = O_WRONLY | O_CREAT;
	snprintf(file + strlen(file) - 4, 5, "new");
	EXPECT_EQ(EACCES, test_run(&self->env, c, open_errno, &a));
	/* Shallow paths of the same cell are decided as usual, uncounted. */
	before = walk_bound_count(&self->env, c);
	EXPECT_EQ(0, test_open(&self->env, c, P("ro/file"), O_RDONLY));
	EXPECT_EQ(EACCES, test_open(&self->env, c, P("denied/file"), O_RDONLY));
	EXPECT_EQ(before, walk_bound_count(&self->env, c));
}

/* The walk stops at the nearest rule: depth below the mount does not matter. */
TEST_F(fs, deep_grant_is_found)
{
	char rel[1024], below[1024], grant[1100], file[PATH_MAX];
	struct open_args a = { file, O_RDONLY };
	int c;

	/* deep/ is depth 1: 59 more puts the grant at depth 60. */
	ASSERT_EQ(0, make_chain(&self->env, "deep", 59, rel, sizeof(rel)));
	snprintf(grant, sizeof(grant), "read:%%s/%s", rel);
	ASSERT_EQ(0, make_chain(&self->env, rel, 10, below, sizeof(below)));
	snprintf(file, sizeof(file), "%s/%s/file", self->env.root, below);
	ASSERT_EQ(0, write_file(file, "70\n"));
	c = test_env_cell(&self->env, "deep", grant, NULL);
	ASSERT_LE(0, c);

	EXPECT_EQ(0, test_run_file(&self->env, c, ISOLATE_ACCESS_READ, file, open_errno, &a));
	a.flags = O_WRONLY;
	EXPECT_EQ(EACCES, test_run_file(&self->env, c, ISOLATE_ACCESS_WRITE, file,
					open_errno, &a));
}

/*
 * Above the object's mount the walk has its own bound (components and
 * mount crossings): a file at the root of a tmpfs mounted 100 directories
 * below the grant is refused and counted too.
 */
TEST_F(fs, walk_bound_above_mounts_fails_closed)
{
	char rel[1024], dir[1200], file[PATH_MAX];
	struct open_args a = { file, O_RDONLY };
	__u64 before;
	int c;

	ASSERT_EQ(0, make_chain(&self->env, "deep", 100, rel, sizeof(rel)));
	snprintf(dir, sizeof(dir), "%s/%s", self->env.root, rel);
	ASSERT_EQ(0, mount("tmpfs", dir, "tmpfs", 0, NULL));
	snprintf(file, sizeof(file), "%s/file", dir);
	ASSERT_EQ(0, write_file(file, "x\n"));
	c = test_env_cell(&self->env, "deep", "read:%s/deep", NULL);
	ASSERT_LE(0, c);

	before = walk_bound_count(&self->env, c);
	EXPECT_EQ(EACCES, test_run(&self->env, c, open_errno, &a));
	EXPECT_EQ(before + 1, walk_bound_count(&self->env, c));
}

/*
 * explain answers "what the kernel decides": past the walk bound that is
 * a refusal, whatever grant lies further up.
 */
TEST_F(fs, explain_agrees_past_walk_bound)
{
	char rel[1024], file[PATH_MAX];
	struct open_args a = { file, O_RDONLY };
	int c;

	ASSERT_EQ(0, make_chain(&self->env, "deep", 63, rel, sizeof(rel)));
	snprintf(file, sizeof(file), "%s/%s/file", self->env.root, rel);
	ASSERT_EQ(0, write_file(file, "63\n"));
	c = test_env_cell(&self->env, "deep", "read:%s/deep", NULL);
	ASSERT_LE(0, c);
	EXPECT_EQ(EACCES, test_run_file(&self->env, c, ISOLATE_ACCESS_READ, file,
					open_errno, &a));
}

/* The filter's slot of the object at path (which other agents compute alike). */
static int filter_slot(const struct isolate_inode_bloom *bloom, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -1;
	return bloom->slots[isolate_bloom_slot(major(st.st_dev) << 20 | minor(st.st_dev),
					       st.st_ino)];
}

/*
 * The filter other agents read (Documentation/abi.md, ABI v7): an array
 * of one element, mappable, with the slot of every rule's object marked.
 */
TEST_F(fs, filter_is_one_mapped_element_with_each_rule)
{
	static const char *const ruled[] = {
		"ro", "rw", "rw/keep", "rw/secret", "wo", "fenced", NULL,
	};
	const struct isolate_inode_bloom *bloom;
	int fd = test_pinned_map(self->env.iso, "inode_bloom");
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	ASSERT_LE(0, fd);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info, &len));
	EXPECT_EQ((__u32)BPF_MAP_TYPE_ARRAY, info.type);
	EXPECT_EQ(1U, info.max_entries);
	EXPECT_EQ(sizeof(*bloom), info.value_size);
	EXPECT_EQ((__u32)BPF_F_MMAPABLE, info.map_flags & BPF_F_MMAPABLE);
	bloom = mmap(NULL, sizeof(*bloom), PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, bloom);
	for (int i = 0; ruled[i]; i++) {
		EXPECT_EQ(1, filter_slot(bloom, P("%s", ruled[i]))) TH_LOG("%s", ruled[i]);
	}
	munmap((void *)bloom, sizeof(*bloom));
	close(fd);
}

/*
 * A change that marks more of the filter's pages than the library maps
 * one at a time (16) maps the whole filter: every rule's slot is marked
 * all the same, and each granted file opens in the cell.
 */
TEST_F(fs, large_grant_marks_every_rule)
{
	enum { N = 64 };
	struct isolate_cap *caps[N] = { 0 };
	const struct isolate_inode_bloom *bloom;
	int fd = test_pinned_map(self->env.iso, "inode_bloom");
	char name[32], text[PATH_MAX + 16];

	ASSERT_LE(0, fd);
	for (int i = 0; i < N; i++) {
		struct isolate_diag diag = { 0 };

		snprintf(name, sizeof(name), "many/%d", i);
		ASSERT_EQ(0, test_file(&self->env, name, "x\n"));
		EXPECT_EQ(EACCES, OPEN(P("%s", name), O_RDONLY));
		snprintf(text, sizeof(text), "read:%s", P("%s", name));
		ASSERT_EQ(0, isolate_cap_parse(text, &caps[i], &diag)) TH_LOG("%s", diag.msg);
	}
	ASSERT_EQ(0, isolate_cell_grant(self->env.iso, self->env.cells[self->cell].name,
					caps, N))
		TH_LOG("%s", isolate_last_error());
	bloom = mmap(NULL, sizeof(*bloom), PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, bloom);
	for (int i = 0; i < N; i++) {
		struct open_args a = { P("many/%d", i), O_RDONLY };

		isolate_cap_free(caps[i]);
		EXPECT_EQ(1, filter_slot(bloom, a.path)) TH_LOG("%s", a.path);
		/* Explain knows the fixture's policy, not the grant: no OPEN(). */
		EXPECT_EQ(0, test_run(&self->env, self->cell, open_errno, &a)) TH_LOG("%s", a.path);
	}
	munmap((void *)bloom, sizeof(*bloom));
	close(fd);
}

/*
 * Whether this process maps the filter, or any part of it, writable (no
 * other BPF map is mapped by this test): the library maps it only while a
 * change writes it, so that a child forked from its caller (and then put
 * in a cell) can not clear a slot and hide a rule.
 */
static bool filter_mapped(void)
{
	unsigned long start, end;
	char line[512], perms[8];
	FILE *maps = fopen("/proc/self/maps", "re");
	bool found = false;

	while (maps && fgets(line, sizeof(line), maps))
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) == 3 &&
		    !strcmp(perms, "rw-s") && strstr(line, "bpf-map"))
			found = true;
	if (maps)
		fclose(maps);
	return found;
}

/* The fixture's cells wrote the filter; the grant here writes it again. */
TEST_F(fs, filter_is_not_left_mapped)
{
	struct isolate_cap *cap = NULL;
	struct isolate_diag diag = { 0 };
	char text[PATH_MAX + 16];

	EXPECT_FALSE(filter_mapped());
	snprintf(text, sizeof(text), "read:%s", P("denied/file"));
	ASSERT_EQ(0, isolate_cap_parse(text, &cap, &diag)) TH_LOG("%s", diag.msg);
	ASSERT_EQ(0, isolate_cell_grant(self->env.iso, self->env.cells[self->cell].name,
					&cap, 1))
		TH_LOG("%s", isolate_last_error());
	isolate_cap_free(cap);
	EXPECT_FALSE(filter_mapped());
}

TEST_HARNESS_MAIN
