// SPDX-License-Identifier: GPL-2.0
/* Opening files: read, write and exec rights on files and directory trees. */
#include "inode_walk.bpf.h"

/* include/linux/fs.h and uapi fcntl: not in BTF */
#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define O_TRUNC		00001000
#define __FMODE_EXEC	0x20

char LICENSE[] SEC("license") = "GPL";

static __always_inline __u32 open_access(const struct file *file)
{
	__u32 access = 0;

	if (file->f_flags & __FMODE_EXEC)
		access |= ISOLATE_ACCESS_EXEC;
	else if (file->f_mode & FMODE_READ)
		access |= ISOLATE_ACCESS_READ;
	if ((file->f_mode & FMODE_WRITE) || (file->f_flags & O_TRUNC))
		access |= ISOLATE_ACCESS_WRITE;
	return access;
}

static __always_inline __u32 access_op(__u32 access)
{
	if (access & ISOLATE_ACCESS_WRITE)
		return ISOLATE_OP_WRITE;
	if (access & ISOLATE_ACCESS_EXEC)
		return ISOLATE_OP_EXEC;
	return ISOLATE_OP_READ;
}

/*
 * Decides an access to an opened path for the current cell: 0 or the
 * negative errno. Shared by every hook that has a struct file.
 */
static __always_inline int decide_file(const struct cell_ctx *cc,
				       struct file *file, __u32 access)
{
	struct walk_result res = { .status = WALK_NO_RULE };
	struct isolate_event_access *e;
	__u32 rule_id = ISOLATE_RULE_NONE;
	int verdict;

	walk_path(cc->cell.ruleset, &file->f_path, &res);
	switch (res.status) {
	case WALK_RULE:
		rule_id = res.rule.rule_id;
		if ((res.rule.allow & access) == access) {
			count_allowed(cc);
			return 0;
		}
		break;
	case WALK_NO_RULE:
		break;
	case WALK_BOUND:
		count_fail(cc, ISOLATE_FAIL_WALK_BOUND);
		break;
	default:
		count_fail(cc, ISOLATE_FAIL_READ);
		break;
	}

	verdict = refuse(cc, EACCES);
	e = reserve_access_event(cc, access_op(access), access, rule_id,
				 verdict ? EACCES : 0);
	if (e) {
		struct inode *inode = file->f_inode;

		e->dev = inode->i_sb->s_dev;
		e->ino = inode->i_ino;
		bpf_d_path(&file->f_path, e->path, sizeof(e->path));
		bpf_ringbuf_submit(e, 0);
	}
	return verdict;
}

SEC("lsm/file_open")
int BPF_PROG(isolate_file_open, struct file *file, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_file(&cc, file, open_access(file));
}
