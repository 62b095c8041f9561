// SPDX-License-Identifier: GPL-2.0
/*
 * Changing the tree: creating, removing, renaming, linking, truncating and
 * changing attributes all need the WRITE right where they happen. Linking
 * and renaming must also not move a file to where it would gain rights or
 * lose a deny (EXDEV, as Landlock does, so that tools fall back to a copy
 * the rules then govern).
 */
#include "fifo.bpf.h"

#define RENAME_EXCHANGE	(1 << 1)
#define EXDEV		18

char LICENSE[] SEC("license") = "GPL";

/* WRITE in directory dir, where a new name is made; the event shows it whole. */
static __always_inline int may_make(const struct cell_ctx *cc, __u32 op,
				    const struct path *dir, struct dentry *dentry)
{
	struct path shown = { .mnt = dir->mnt, .dentry = dentry };

	return decide_dentry(cc, dir->dentry, dir->mnt, ISOLATE_ACCESS_WRITE,
			     op, EACCES, &shown, DISPLAY_BUILT);
}

static __always_inline int may_create(const struct cell_ctx *cc,
				      const struct path *dir, struct dentry *dentry)
{
	return may_make(cc, ISOLATE_OP_CREATE, dir, dentry);
}

/*
 * Removing or moving away needs WRITE on the directory and on the object
 * itself, so that a write-denied subtree can not be deleted from above.
 */
static __always_inline int may_remove(const struct cell_ctx *cc, __u32 op,
				      const struct path *dir, struct dentry *dentry)
{
	struct path shown = { .mnt = dir->mnt, .dentry = dentry };
	int err = decide_dentry(cc, dir->dentry, dir->mnt, ISOLATE_ACCESS_WRITE,
				op, EACCES, &shown, DISPLAY_BUILT);

	if (err)
		return err;
	return decide_dentry(cc, dentry, dir->mnt, ISOLATE_ACCESS_WRITE, op,
			     EACCES, &shown, DISPLAY_BUILT);
}

static __always_inline int refuse_new_name(const struct cell_ctx *cc, __u32 op, __u32 access,
					   __u32 rule_id, struct dentry *from)
{
	int verdict = refuse(cc, EXDEV);

	report_file(cc, op, access, rule_id, verdict, EXDEV, from, NULL, DISPLAY_NAME);
	return verdict;
}

/*
 * The object at from, given a name below to_dir by link or rename, keeps
 * its rules: no right it lacks where it is, no deny it has there lost (a
 * file moved out of a denied tree would be open to the next grant where
 * it lands, a broker's). And no file gets a second name in or out of a
 * denied tree: the compiler keeps a deny entry of its own for each file
 * there with another name, in a map all cells share, which a cell making
 * links by the thousand would fill. So no link from or into a denied
 * tree, and nothing moved into one from outside (a copy makes a file of
 * one name); within them, no file with other names moves. Not by link
 * counts where a race could change them: the hooks run before the inode
 * is locked, and two links of one O_TMPFILE file, or a link racing a
 * move, would each see a single name.
 */
static __always_inline int keeps_its_rules(const struct cell_ctx *cc, __u32 op,
					   struct dentry *from, const struct path *to_dir)
{
	struct inode *inode = from->d_inode;
	struct place before, after;

	place_at(cc, from, to_dir->mnt, &before);
	place_at(cc, to_dir->dentry, to_dir->mnt, &after);
	if (after.allow & ~before.allow)
		return refuse_new_name(cc, op, after.allow & ~before.allow, ISOLATE_RULE_NONE,
				       from);
	if (before.denied & ~after.denied)
		return refuse_new_name(cc, op, before.denied & ~after.denied, before.rule_id,
				       from);
	if (!after.denied && !before.denied)
		return 0;
	/*
	 * Left: a link in, out of or within denied trees; a move into one,
	 * from outside or within. Within, a file of one name keeps one: every
	 * link of it is refused (it is in a denied tree).
	 */
	if (op == ISOLATE_OP_RENAME && before.denied && inode &&
	    ((inode->i_mode & S_IFMT) == S_IFDIR || inode->i_nlink < 2))
		return 0;
	return refuse_new_name(cc, op, ISOLATE_ACCESS_WRITE,
			       after.denied ? after.rule_id : before.rule_id, from);
}

/*
 * A symlink or FIFO put in a shared sticky directory (/tmp): the kernel's
 * guards there (protected_symlinks, protected_fifos) trust what a user
 * makes to that user's processes and what the directory's owner makes to
 * everyone's, so the host's processes of the cell's user (root's, for a
 * cell run as root) would follow the cell's link (to /etc/cron.d/x,
 * written through) or open its FIFO where they meant to make a file of
 * their own. Made there, or moved or linked in from a directory below.
 */
static __always_inline bool shared_sticky(const struct path *dir)
{
	umode_t mode = BPF_CORE_READ(dir, dentry, d_inode, i_mode);

	return (mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH);
}

static __always_inline bool planted(struct dentry *object, const struct path *dir)
{
	umode_t type = BPF_CORE_READ(object, d_inode, i_mode) & S_IFMT;

	return (type == S_IFLNK || type == S_IFIFO) && shared_sticky(dir);
}

ISOLATE_HOOK(path_mknod, isolate_path_mknod, const struct path *dir, struct dentry *dentry,
	     umode_t mode, unsigned int dev, int ret)
{
	struct cell_ctx cc;
	umode_t type = mode & S_IFMT;
	int err;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	/*
	 * A device node in a writable tree would open the device itself.
	 * (open(O_CREAT) asks here too, with its mode.)
	 */
	if (type == S_IFCHR || type == S_IFBLK || raises_privilege(mode) ||
	    (type == S_IFIFO && shared_sticky(dir)))
		return refuse_outright(&cc, ISOLATE_OP_CREATE, dentry, NULL);
	err = may_create(&cc, dir, dentry);
	/* The cell's own FIFO: opened by the tree's rules (see fifo.bpf.h). */
	if (!err && type == S_IFIFO)
		note_fifo_making(dentry);
	return err;
}

ISOLATE_HOOK(path_mkdir, isolate_path_mkdir, const struct path *dir, struct dentry *dentry,
	     umode_t mode, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return may_create(&cc, dir, dentry);
}

ISOLATE_HOOK(path_symlink, isolate_path_symlink, const struct path *dir, struct dentry *dentry,
	     const char *old_name, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	if (shared_sticky(dir))
		return refuse_outright(&cc, ISOLATE_OP_CREATE, dentry, NULL);
	return may_create(&cc, dir, dentry);
}

ISOLATE_HOOK(path_unlink, isolate_path_unlink, const struct path *dir, struct dentry *dentry,
	     int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return may_remove(&cc, ISOLATE_OP_REMOVE, dir, dentry);
}

ISOLATE_HOOK(path_rmdir, isolate_path_rmdir, const struct path *dir, struct dentry *dentry,
	     int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return may_remove(&cc, ISOLATE_OP_REMOVE, dir, dentry);
}

ISOLATE_HOOK(path_link, isolate_path_link, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, int ret)
{
	struct cell_ctx cc;
	int err;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	/*
	 * A new name for a setuid program: one made with O_TMPFILE (whose
	 * mode no hook sees) or one of the system's, kept past its update.
	 */
	if (!old_dentry->d_inode || raises_privilege(old_dentry->d_inode->i_mode) ||
	    planted(old_dentry, new_dir))
		return refuse_outright(&cc, ISOLATE_OP_LINK, old_dentry, NULL);
	err = may_make(&cc, ISOLATE_OP_LINK, new_dir, new_dentry);
	if (err)
		return err;
	return keeps_its_rules(&cc, ISOLATE_OP_LINK, old_dentry, new_dir);
}

ISOLATE_HOOK(path_rename, isolate_path_rename, const struct path *old_dir,
	     struct dentry *old_dentry, const struct path *new_dir, struct dentry *new_dentry,
	     unsigned int flags, int ret)
{
	struct cell_ctx cc;
	int err;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	if (planted(old_dentry, new_dir))
		return refuse_outright(&cc, ISOLATE_OP_RENAME, old_dentry, NULL);
	err = may_remove(&cc, ISOLATE_OP_RENAME, old_dir, old_dentry);
	if (err)
		return err;
	/*
	 * The target is replaced (or, exchanged, moved): the same rights. A
	 * new name is asked the same: its negative dentry holds no rule, so
	 * the walk from it decides as its directory does, and one way for
	 * both keeps the verifier's work at one (6.1 explores every branch).
	 */
	err = may_remove(&cc, ISOLATE_OP_RENAME, new_dir, new_dentry);
	if (err)
		return err;
	if (old_dir->dentry == new_dir->dentry)
		return 0;
	err = keeps_its_rules(&cc, ISOLATE_OP_RENAME, old_dentry, new_dir);
	/* flags tested once, here: a branch on it earlier doubles what 6.12 verifies */
	if (err || !(flags & RENAME_EXCHANGE))
		return err;
	if (planted(new_dentry, old_dir))
		return refuse_outright(&cc, ISOLATE_OP_RENAME, new_dentry, NULL);
	return keeps_its_rules(&cc, ISOLATE_OP_RENAME, new_dentry, old_dir);
}

ISOLATE_HOOK(path_truncate, isolate_path_truncate, const struct path *path, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_TRUNCATE,
			   DISPLAY_NAME);
}

/*
 * ftruncate: from 6.2 on it reaches this hook instead of path_truncate. A
 * descriptor opened for writing before (or outside) the cell still needs
 * WRITE where the file is now.
 */
ISOLATE_HOOK_IF_PRESENT(file_truncate, isolate_file_truncate, struct file *file, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_TRUNCATE,
			   DISPLAY_NAME);
}

ISOLATE_HOOK(path_chmod, isolate_path_chmod, const struct path *path, umode_t mode, int ret)
{
	struct cell_ctx cc;
	struct inode *inode;
	umode_t type;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	/* mode has the permission bits only: the type is the inode's. */
	inode = path->dentry->d_inode;
	type = inode ? inode->i_mode & S_IFMT : 0;
	if (raises_privilege((mode & ~S_IFMT) | type))
		return refuse_outright(&cc, ISOLATE_OP_SETATTR, path->dentry, path);
	return decide_path(&cc, path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR,
			   DISPLAY_NAME);
}

/* kuid_t and kgid_t travel as one register each */
ISOLATE_HOOK(path_chown, isolate_path_chown, const struct path *path, void *uid, void *gid,
	     int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR,
			   DISPLAY_NAME);
}
