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

/*
 * Mode, owner and size changes are decided by path_chmod, path_chown and
 * path_truncate, with the mount known; times only here.
 */
SEC("lsm/inode_setattr")
int BPF_PROG(isolate_inode_setattr, struct dentry *dentry, struct iattr *attr, int ret)
{
	unsigned int valid;
	struct cell_ctx cc;

	if (ret)
		return ret;
	valid = attr->ia_valid;
	if (!(valid & ATTR_TIMES) || (valid & ATTR_SIZE))
		return 0;
	if (!current_cell(&cc))
		return 0;
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR);
}

SEC("lsm/inode_setxattr")
int BPF_PROG(isolate_inode_setxattr, struct user_namespace *mnt_userns,
	     struct dentry *dentry, const char *name, const void *value,
	     size_t size, int flags, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR);
}

SEC("lsm/inode_removexattr")
int BPF_PROG(isolate_inode_removexattr, struct user_namespace *mnt_userns,
	     struct dentry *dentry, const char *name, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR);
}
