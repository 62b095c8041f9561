// SPDX-License-Identifier: GPL-2.0
/*
 * Metadata the path hooks do not see: times (utimes, touch) and extended
 * attributes (including ACLs and file capabilities) need WRITE. These
 * inode hooks carry no mount, so the walk stays inside the file's own file
 * system (see walk_in_fs): a grant above that file system's root does not
 * reach them, and they are refused.
 */
#include "file_rules.bpf.h"

/* include/linux/fs.h */
#define ATTR_SIZE	(1 << 3)
#define ATTR_ATIME	(1 << 4)
#define ATTR_MTIME	(1 << 5)
#define ATTR_ATIME_SET	(1 << 7)
#define ATTR_MTIME_SET	(1 << 8)
#define ATTR_TIMES_SET	(1 << 16)
#define ATTR_TOUCH	(1 << 17)
#define ATTR_TIMES	(ATTR_ATIME | ATTR_MTIME | ATTR_ATIME_SET | ATTR_MTIME_SET | \
			 ATTR_TIMES_SET | ATTR_TOUCH)

char LICENSE[] SEC("license") = "GPL";

static __always_inline int decide_setattr(struct dentry *dentry, struct iattr *attr)
{
	unsigned int valid = attr->ia_valid;
	struct cell_ctx cc;

	if (!(valid & ATTR_TIMES) || (valid & ATTR_SIZE))
		return 0;
	if (!current_cell(&cc))
		return 0;
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR);
}

/*
 * Mode, owner and size changes are decided by path_chmod, path_chown and
 * path_truncate, with the mount known; times only here. Kernels from 6.3
 * on pass the mount's idmapping first (a later release made it a
 * parameter of this hook too): one program per prototype.
 */
ISOLATE_HOOK(inode_setattr, isolate_inode_setattr, struct dentry *dentry, struct iattr *attr,
	     int ret)
{
	return ret ?: decide_setattr(dentry, attr);
}

ISOLATE_HOOK(inode_setattr, isolate_inode_setattr_idmap, void *idmap, struct dentry *dentry,
	     struct iattr *attr, int ret)
{
	return ret ?: decide_setattr(dentry, attr);
}

/*
 * file_setattr(2) (6.17 on) sets a file's attribute flags and project id
 * by path, reaching neither the ioctl hooks nor inode_setattr: WRITE, as
 * for the FS_IOC_FSSETXATTR ioctl (which reaches this hook too there).
 */
ISOLATE_HOOK_IF_PRESENT(inode_file_setattr, isolate_inode_file_setattr, struct dentry *dentry,
			void *fa, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR);
}

/*
 * The attributes of a setuid or setgid file are not changed in a cell: an
 * access ACL rewrites the permission bits (and keeps setgid) with no
 * chmod to refuse.
 */
static __always_inline int decide_xattr(struct dentry *dentry)
{
	struct inode *inode = dentry->d_inode;
	struct cell_ctx cc;

	if (!current_cell(&cc))
		return 0;
	if (inode && raises_privilege(inode->i_mode))
		return refuse_outright(&cc, ISOLATE_OP_SETATTR, dentry, NULL);
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR);
}

/* The first parameter is a user namespace before 6.3, an idmapping since. */
ISOLATE_HOOK(inode_setxattr, isolate_inode_setxattr, void *mnt_userns, struct dentry *dentry,
	     const char *name, const void *value, size_t size, int flags, int ret)
{
	return ret ?: decide_xattr(dentry);
}

ISOLATE_HOOK(inode_removexattr, isolate_inode_removexattr, void *mnt_userns,
	     struct dentry *dentry, const char *name, int ret)
{
	return ret ?: decide_xattr(dentry);
}

/*
 * POSIX ACLs: from 6.2 on, setting or removing one (setfacl, setxattr of
 * system.posix_acl_*) reaches these hooks instead of the two above, and
 * the file system's set_acl may rewrite the mode as well. Before 6.2,
 * inode_setxattr and inode_removexattr decide them.
 */
ISOLATE_HOOK_IF_PRESENT(inode_set_acl, isolate_inode_set_acl, void *idmap,
			struct dentry *dentry, const char *acl_name, void *kacl, int ret)
{
	return ret ?: decide_xattr(dentry);
}

ISOLATE_HOOK_IF_PRESENT(inode_remove_acl, isolate_inode_remove_acl, void *idmap,
			struct dentry *dentry, const char *acl_name, int ret)
{
	return ret ?: decide_xattr(dentry);
}
