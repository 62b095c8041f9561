// SPDX-License-Identifier: GPL-2.0
/*
 * The ways out of a cell that are not files or sockets: reaching processes
 * outside it, changing the mount tree, new namespaces, loading code into
 * the kernel (BPF, modules, kexec), kernel keyrings, perf, and the
 * capabilities that administer the whole machine. Each is refused for
 * tasks in a cell; Documentation/security.md lists them with their hooks.
 */
#include "file_owner.bpf.h"
#include "file_rules.bpf.h"
#include "task_cell.bpf.h"
#include "tty.bpf.h"

extern const void tty_ioctl __ksym __weak;

#define CAP_DAC_READ_SEARCH 2
#define CAP_LINUX_IMMUTABLE 9
#define CAP_NET_ADMIN	12
#define CAP_SYS_MODULE	16
#define CAP_SYS_RAWIO	17
#define CAP_SYS_ADMIN	21
#define CAP_SYS_PACCT	20
#define CAP_SYS_BOOT	22
#define CAP_SYS_TIME	25
#define CAP_SYS_TTY_CONFIG 26
#define CAP_AUDIT_WRITE	29
#define CAP_AUDIT_CONTROL 30
#define CAP_AUDIT_READ	37
#define CAP_MAC_OVERRIDE 32
#define CAP_MAC_ADMIN	33
#define CAP_SYSLOG	34
#define CAP_WAKE_ALARM	35
#define CAP_PERFMON	38
#define CAP_BPF		39
#define CAP_CHECKPOINT_RESTORE 40
#define CLONE_PARENT	0x00008000
#define CLONE_THREAD	0x00010000
#define CLONE_NEWNS	0x00020000
#define CLONE_INTO_CGROUP 0x200000000ULL
#define PTRACE_MODE_ATTACH 0x02
#define F_SETFL		4
#define F_SETOWN	8
#define F_SETSIG	10
#define F_SETOWN_EX	15
#define F_SETLEASE	1024
#define F_SETDELEG	1040	/* Linux 6.19 */
#define F_WRLCK		1
#define F_UNLCK		2
#define O_ASYNC		020000
#define FIOSETOWN	0x8901
#define SIOCSPGRP	0x8902
#define TIOCSPGRP	0x5410
#define TIOCSWINSZ	0x5414
#define TIOCSTI		0x5412
#define TIOCLINUX	0x541C
#define FIOASYNC	0x5452
#define FS_IOC_SETFLAGS	0x40086602
#define FS_IOC32_SETFLAGS 0x40046602
#define FS_IOC_FSSETXATTR 0x401c5820
#define FS_IOC_SETVERSION 0x40087602
#define FS_IOC32_SETVERSION 0x40047602
#define FS_IOC_ENABLE_VERITY 0x40806685
#define FS_IOC_SET_ENCRYPTION_POLICY 0x800c6613
#define EXT4_IOC_SETVERSION 0x40086604
#define EXT4_IOC32_SETVERSION 0x40046604
#define EXT4_IOC_MIGRATE 0x6609
#define BTRFS_IOC_SUBVOL_SETFLAGS 0x4008941a
#define BTRFS_IOC_SNAP_CREATE	0x50009401
#define BTRFS_IOC_SUBVOL_CREATE	0x5000940e
#define BTRFS_IOC_SNAP_DESTROY	0x5000940f
#define BTRFS_IOC_SNAP_CREATE_V2 0x50009417
#define BTRFS_IOC_SUBVOL_CREATE_V2 0x50009418
#define BTRFS_IOC_SNAP_DESTROY_V2 0x5000943f
/*
 * PIDFD_GET_INFO: _IOWR(0xFF, 11, struct pidfd_info), a size per version;
 * 6.13.0 took any command of number 11 on a pidfd for it.
 */
#define PIDFD_GET_INFO_NR 11
#define PID_FS_MAGIC 0x50494446
#define ESRCH 3

char LICENSE[] SEC("license") = "GPL";

/* Refuses op on task (EPERM) unless it is in cc's cell. */
static __always_inline int in_own_cell_only(const struct cell_ctx *cc, struct task_struct *task,
					    __u32 op, __u32 arg)
{
	if (cell_of_task(task) == cc->cgid)
		return 0;
	return refuse_op(cc, op, EPERM, BPF_CORE_READ(task, tgid), arg);
}

/* Refuses op on task unless it is in the current task's own cell. */
static __always_inline int same_cell_only(struct task_struct *task, __u32 op,
					  __u32 arg)
{
	struct cell_ctx cc;

	if (!current_cell(&cc))
		return 0;
	return in_own_cell_only(&cc, task, op, arg);
}

/* Refuses op for every task in a cell. */
static __always_inline int refused_in_cells(__u32 op, int err, __u32 arg)
{
	struct cell_ctx cc;

	if (!current_cell(&cc))
		return 0;
	return refuse_op(&cc, op, err, 0, arg);
}

/*
 * Attaching (ptrace, /proc/PID/mem, process_vm_*, pidfd_getfd) writes
 * another process's memory, executable mappings included, as a debugger
 * sets breakpoints: within the cell, code that is no file's, so only with
 * exec memory. Reading (/proc/PID/maps and the like) stays within the cell.
 */
ISOLATE_HOOK(ptrace_access_check, isolate_ptrace_access_check, struct task_struct *child,
	     unsigned int mode, int ret)
{
	struct cell_ctx cc;
	int err;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	err = in_own_cell_only(&cc, child, ISOLATE_OP_PTRACE, mode);
	if (err || !(mode & PTRACE_MODE_ATTACH))
		return err;
	return refuse_exec_memory(&cc, EPERM, BPF_CORE_READ(child, tgid), mode);
}

/*
 * PTRACE_TRACEME makes the parent the tracer, with no check of it on
 * either side afterwards: refused when the parent is in another cell, or
 * in this one without exec memory (as its attaching would be). A parent
 * in no cell is not confined by isolate, whose tracee it becomes.
 */
ISOLATE_HOOK(ptrace_traceme, isolate_ptrace_traceme, struct task_struct *parent, int ret)
{
	struct cell_ctx cc;
	__u64 tracer_cell;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	tracer_cell = cell_of_task(parent);
	if (!tracer_cell)
		return 0;
	if (tracer_cell != cc.cgid)
		return refuse_op(&cc, ISOLATE_OP_PTRACE, EPERM, BPF_CORE_READ(parent, tgid), 0);
	return refuse_exec_memory(&cc, EPERM, BPF_CORE_READ(parent, tgid), 0);
}

ISOLATE_HOOK(task_kill, isolate_task_kill, struct task_struct *p, struct kernel_siginfo *info,
	     int sig, const struct cred *cred, int ret)
{
	/*
	 * Credentials of its own: usbfs signals the process that made an
	 * asynchronous request when it completes, from interrupt context
	 * (kill_pid_usb_asyncio), where current is whatever task was
	 * interrupted, not the sender. Every other sender passes none.
	 */
	if (ret || !hook_arg_is_null(ctx, 3))
		return ret;
	return same_cell_only(p, ISOLATE_OP_SIGNAL, sig);
}

/* p's pid as the caller's pid namespace numbers it (what setpgid takes). */
static __always_inline pid_t pid_seen_here(struct task_struct *p)
{
	struct task_struct *me = bpf_get_current_task_btf();
	unsigned int level = BPF_CORE_READ(me, thread_pid, level);
	struct pid *pid = BPF_CORE_READ(p, thread_pid);
	struct upid up = {};

	if (!pid || level > 32)
		return 0;
	bpf_probe_read_kernel(&up, sizeof(up), (void *)pid +
			      bpf_core_field_offset(struct pid, numbers) +
			      level * bpf_core_type_size(struct upid));
	return up.nr;
}

/*
 * Joining another process group: one of outsiders on the same terminal,
 * whom the terminal driver then stops (SIGTTOU, SIGTTIN) when the group
 * reads or changes it from the background, signals task_kill never sees.
 * In a cell a process may make a group of its own (pgid its own pid), or
 * join one in a session whose leader is in the cell, the cell's own.
 */
ISOLATE_HOOK(task_setpgid, isolate_task_setpgid, struct task_struct *p, pid_t pgid, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	if (pgid == pid_seen_here(p))
		return 0;
	if (session_of_cell(BPF_CORE_READ(p, signal, pids[PIDTYPE_SID]), cc.cgid))
		return 0;
	return refuse_op(&cc, ISOLATE_OP_SIGNAL, EPERM, pgid, 0);
}

ISOLATE_HOOK(task_setnice, isolate_task_setnice, struct task_struct *p, int nice, int ret)
{
	return ret ?: same_cell_only(p, ISOLATE_OP_SETSCHED, 0);
}

ISOLATE_HOOK(task_setioprio, isolate_task_setioprio, struct task_struct *p, int ioprio, int ret)
{
	return ret ?: same_cell_only(p, ISOLATE_OP_SETSCHED, 0);
}

ISOLATE_HOOK(task_setscheduler, isolate_task_setscheduler, struct task_struct *p, int ret)
{
	return ret ?: same_cell_only(p, ISOLATE_OP_SETSCHED, 0);
}

ISOLATE_HOOK(task_setrlimit, isolate_task_setrlimit, struct task_struct *p,
	     unsigned int resource, struct rlimit *new_rlim, int ret)
{
	return ret ?: same_cell_only(p, ISOLATE_OP_SETSCHED, resource);
}

/*
 * Signal owners: SIGIO and SIGURG (or any signal F_SETSIG names) go to the
 * owner of a file. In a cell only the caller itself (thread or process)
 * may be made the owner, and only by F_SETOWN, whose pid is the call's
 * argument: F_SETOWN_EX, FIOSETOWN and SIOCSPGRP pass it in memory the
 * kernel reads again after this hook (another thread could change it in
 * between), so they are refused in a cell.
 */
static __always_inline bool owner_is_self(long pid)
{
	struct task_struct *me = bpf_get_current_task_btf();

	/* The kernel finds it in the caller's pid namespace (f_setown). */
	return pid == 0 || pid == pid_seen_here(me) ||
	       pid == pid_seen_here(BPF_CORE_READ(me, group_leader));
}

static __always_inline int refuse_owner(long pid)
{
	struct cell_ctx cc;

	if (!current_cell(&cc))
		return 0;
	return refuse_op(&cc, ISOLATE_OP_SIGNAL, EPERM, pid < 0 ? -pid : pid, 0);
}

/*
 * A terminal's SIGIO goes to its foreground process group, not to the
 * caller: O_ASYNC on a terminal shared with the shell outside signals it.
 */
static __always_inline bool is_tty(const struct file *file)
{
	struct inode *inode = file->f_inode;
	unsigned int major = inode->i_rdev >> 20;

	if ((inode->i_mode & S_IFMT) != S_IFCHR)
		return false;
	/*
	 * Every terminal driver's descriptors (serial, pty, vt, console,
	 * hvc, USB serial, ...) take their ioctls through tty_ioctl();
	 * without kallsyms to find it, the majors of the usual ones.
	 */
	if (&tty_ioctl)
		return (unsigned long)file->f_op->unlocked_ioctl == (unsigned long)&tty_ioctl;
	return major == 4 || major == 5 ||
	       (major >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && major <= ISOLATE_PTY_SLAVE_MAJOR_LAST);
}

/*
 * A terminal whose session the cell leads (a pty it made, or the one `run`
 * gives its command) is the cell's: its foreground group, whom its
 * signals reach, is of that session. Any other is refused.
 */
static __always_inline int refuse_unless_cells_terminal(struct file *file)
{
	struct cell_ctx cc;

	if (!current_cell(&cc))
		return 0;
	if (session_of_cell(file_tty_session(file), cc.cgid))
		return 0;
	return refuse_op(&cc, ISOLATE_OP_SIGNAL, EPERM, 0, 0);
}

/*
 * Which signal a file's owner gets, or whether it gets one: the owner may
 * be an outsider that set itself on a description it shares with the
 * cell (a pipe, a socket, the caller's terminal without a pty of the
 * command's own). Refused unless the owner is the cell's; sig is the
 * signal asked for (F_SETSIG's 0 too is SIGIO, whose default ends the
 * process).
 */
static __always_inline int refuse_unless_owner_of_cell(struct file *file, __u32 sig)
{
	struct cell_ctx cc;

	if (!current_cell(&cc) || owner_of_cell(file, cc.cgid))
		return 0;
	return refuse_op(&cc, ISOLATE_OP_SIGNAL, EPERM, 0, sig);
}

/*
 * Whether the owner is signalled at all (O_ASYNC, FIOASYNC), turned on
 * or off: off too, as another thread turning it off between this hook
 * and the change would make a request that keeps it on turn it on. A
 * terminal makes its foreground group the owner when it is turned on.
 */
static __always_inline int refuse_async_unless_cells(struct file *file)
{
	if (is_tty(file))
		return refuse_unless_cells_terminal(file);
	return refuse_unless_owner_of_cell(file, 0);
}

ISOLATE_HOOK(file_fcntl, isolate_file_fcntl, struct file *file, unsigned int cmd,
	     unsigned long arg, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	/*
	 * A lease makes every other open of the file for writing or
	 * truncating wait for its holder (lease-break-time, 45 s by default),
	 * the host's too: taken only on files the cell may write. So does a
	 * delegation, and on a directory every change of its entries; its
	 * type is in memory the kernel reads after the hook: WRITE whatever
	 * it is.
	 */
	if ((cmd == F_SETLEASE && arg != F_UNLCK) || cmd == F_SETDELEG) {
		if (!current_cell(&cc))
			return 0;
		return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_WRITE,
				   DISPLAY_NAME);
	}
	if (cmd == F_SETOWN)
		return owner_is_self((int)arg) ? 0 : refuse_owner((int)arg);
	if (cmd == F_SETOWN_EX)
		return refuse_owner(0);
	if (cmd == F_SETSIG)
		return refuse_unless_owner_of_cell(file, (__u32)arg);
	if (cmd == F_SETFL && ((arg ^ file->f_flags) & O_ASYNC))
		return refuse_async_unless_cells(file);
	return 0;
}

/*
 * An exclusive lock makes every other locker of the file wait, the host's
 * tools too (dpkg's lock-frontend, xtables.lock): taken only on files the
 * cell may write, as leases. fcntl(2) asks for a descriptor open for
 * writing itself (EBADF otherwise); flock(2) takes one on any descriptor.
 * Shared locks stay (sqlite's readers take them).
 */
ISOLATE_HOOK(file_lock, isolate_file_lock, struct file *file, unsigned int cmd, int ret)
{
	struct cell_ctx cc;

	if (ret || cmd != F_WRLCK || (file->f_mode & FMODE_WRITE))
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_WRITE, DISPLAY_NAME);
}

/*
 * PIDFD_GET_INFO (6.13 on) tells a process's ids, parent and cgroup,
 * which /proc/PID shows a cell for its own processes only; a pidfd of any
 * process is had without a right (pidfd_open, pidfs file handles). A
 * process gone is not known to have been the cell's: ESRCH, what kernels
 * without its exit information answer.
 */
static __always_inline int decide_pidfd_info(struct file *file, unsigned int cmd)
{
	struct task_struct *task;
	struct cell_ctx cc;

	if (BPF_CORE_READ(file, f_inode, i_sb, s_magic) != PID_FS_MAGIC || !current_cell(&cc))
		return 0;
	task = task_of_pid(BPF_CORE_READ(file, f_inode, i_private));
	if (!task)
		return refuse_op(&cc, ISOLATE_OP_PTRACE, ESRCH, 0, cmd);
	return in_own_cell_only(&cc, task, ISOLATE_OP_PTRACE, cmd);
}

/*
 * The ioctl forms of the same (FIOSETOWN, SIOCSPGRP, FIOASYNC: on or
 * off alike, its value read by the kernel after the hook); making another
 * process group the terminal's foreground (TIOCSPGRP: its signals then
 * reach it); resizing a terminal, whose
 * foreground group (an outsider's, perhaps) gets SIGWINCH from the
 * driver (TIOCSWINSZ) — on a terminal of the cell's own, job control and
 * resizing are its business; typing into the controlling
 * terminal (TIOCSTI, TIOCLINUX's paste), input the shell that started the
 * cell would read and run; and the file's attribute flags (immutable,
 * append-only, ...), changed through any descriptor: WRITE, like chmod.
 */
static __always_inline int decide_ioctl(struct file *file, unsigned int cmd)
{
	struct cell_ctx cc;

	switch (cmd) {
	case FIOASYNC:
		return refuse_async_unless_cells(file);
	case TIOCSWINSZ:
		if (!is_tty(file))
			return 0;
		return refuse_unless_cells_terminal(file);
	case TIOCSPGRP:
		if (!is_tty(file))
			return refuse_owner(0);
		return refuse_unless_cells_terminal(file);
	case FIOSETOWN:
	case SIOCSPGRP:
		return refuse_owner(0);
	case TIOCSTI:
	case TIOCLINUX:
		if (!current_cell(&cc))
			return 0;
		return refuse_op(&cc, ISOLATE_OP_SIGNAL, EPERM, 0, cmd);
	/*
	 * Changes to a file a descriptor opened for reading reaches: its
	 * flags, its generation (ext4 has a number of its own for it), verity
	 * (read-only for good), encryption of an empty directory, ext4's
	 * block map, a btrfs subvolume's read-only flag; and btrfs's
	 * subvolumes and snapshots, made or removed in the directory the
	 * descriptor is (opened for reading) with no path hook asked.
	 */
	case FS_IOC_SETFLAGS:
	case FS_IOC32_SETFLAGS:
	case FS_IOC_FSSETXATTR:
	case FS_IOC_SETVERSION:
	case FS_IOC32_SETVERSION:
	case EXT4_IOC_SETVERSION:
	case EXT4_IOC32_SETVERSION:
	case FS_IOC_ENABLE_VERITY:
	case FS_IOC_SET_ENCRYPTION_POLICY:
	case EXT4_IOC_MIGRATE:
	case BTRFS_IOC_SUBVOL_SETFLAGS:
	case BTRFS_IOC_SNAP_CREATE:
	case BTRFS_IOC_SUBVOL_CREATE:
	case BTRFS_IOC_SNAP_DESTROY:
	case BTRFS_IOC_SNAP_CREATE_V2:
	case BTRFS_IOC_SUBVOL_CREATE_V2:
	case BTRFS_IOC_SNAP_DESTROY_V2:
		if (!current_cell(&cc))
			return 0;
		/* bpf_d_path() is not allowed in these hooks: the name alone. */
		return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_WRITE, ISOLATE_OP_SETATTR,
				   DISPLAY_NAME);
	default:
		if ((cmd & 0xff) == PIDFD_GET_INFO_NR)
			return decide_pidfd_info(file, cmd);
		return 0;
	}
}

ISOLATE_HOOK(file_ioctl, isolate_file_ioctl, struct file *file, unsigned int cmd,
	     unsigned long arg, int ret)
{
	return ret ?: decide_ioctl(file, cmd);
}

/* 32-bit processes' ioctls reach this hook instead, where the kernel has it. */
ISOLATE_HOOK_IF_PRESENT(file_ioctl_compat, isolate_file_ioctl_compat, struct file *file,
			unsigned int cmd, unsigned long arg, int ret)
{
	return ret ?: decide_ioctl(file, cmd);
}

ISOLATE_HOOK(sb_mount, isolate_sb_mount, const char *dev_name, const struct path *path,
	     const char *type, unsigned long flags, void *data, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MOUNT, EPERM, 0);
}

ISOLATE_HOOK(sb_umount, isolate_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MOUNT, EPERM, 0);
}

ISOLATE_HOOK(sb_pivotroot, isolate_sb_pivotroot, const struct path *old_path,
	     const struct path *new_path, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MOUNT, EPERM, 0);
}

ISOLATE_HOOK(move_mount, isolate_move_mount, const struct path *from_path,
	     const struct path *to_path, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MOUNT, EPERM, 0);
}

/*
 * The parameters of a file system being made with the new mount API
 * (fsopen, fsconfig) or reconfigured (fspick): making one is work done on
 * the host's files before any mount is attached (an overlay empties and
 * makes its workdir with the caller's credentials, through no path hook).
 * Refused in a cell but for the submounts the kernel makes when a cell
 * walks into one (NFS). 0 outside: the file system then parses the
 * parameter (the hook's default, -ENOPARAM, is what lets it).
 */
ISOLATE_HOOK(fs_context_parse_param, isolate_fs_context_parse_param, struct fs_context *fc,
	     struct fs_parameter *param, int ret)
{
	if (ret || BPF_CORE_READ_BITFIELD_PROBED(fc, purpose) == FS_CONTEXT_FOR_SUBMOUNT)
		return ret;
	return refused_in_cells(ISOLATE_OP_MOUNT, EPERM, 0);
}

ISOLATE_HOOK(bpf, isolate_bpf, int cmd, void *attr, unsigned int size, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_BPF, EPERM, cmd);
}

/*
 * Later kernels (6.15) also say whether the kernel itself issues the
 * command (a loader program); in a cell it is the cell's all the same.
 */
ISOLATE_HOOK(bpf, isolate_bpf_from, int cmd, void *attr, unsigned int size, bool kernel,
	     int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_BPF, EPERM, cmd);
}

/* Later kernels no longer pass the attributes: one program per prototype. */
ISOLATE_HOOK(perf_event_open, isolate_perf_event_open, void *attr, int type, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_PERF, EACCES, type);
}

ISOLATE_HOOK(perf_event_open, isolate_perf_event_open_type, int type, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_PERF, EACCES, type);
}

ISOLATE_HOOK(userns_create, isolate_userns_create, const struct cred *cred, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc) || (cc.cell.flags & ISOLATE_CELL_USERNS))
		return 0;
	return refuse_op(&cc, ISOLATE_OP_NAMESPACE, EPERM, 0, 0);
}

/*
 * clone3(CLONE_INTO_CGROUP) with a cgroup directory opened O_PATH (which
 * file_open never sees) would start a child outside the cell. A child made
 * with CLONE_PARENT is its parent's sibling: when the parent is the
 * process outside that started the cell, the child's exit signals it and
 * leaves it a zombie to reap, holding a pid of the cell's budget, each time.
 */
ISOLATE_HOOK(task_alloc, isolate_task_alloc, struct task_struct *task,
	     unsigned long clone_flags, int ret)
{
	struct task_struct *me;
	struct cell_ctx cc;

	if (ret || !(clone_flags & (CLONE_NEWNS | CLONE_INTO_CGROUP | CLONE_PARENT)))
		return ret;
	if (!current_cell(&cc))
		return 0;
	if (clone_flags & CLONE_INTO_CGROUP)
		return refuse_op(&cc, ISOLATE_OP_CGROUP, EPERM, 0, 0);
	if ((clone_flags & CLONE_PARENT) && !(clone_flags & CLONE_THREAD)) {
		me = bpf_get_current_task_btf();
		if (cell_of_task(me->real_parent) != cc.cgid)
			return refuse_op(&cc, ISOLATE_OP_SIGNAL, EPERM, 0, CLONE_PARENT);
	}
	if (!(clone_flags & CLONE_NEWNS))
		return 0;
	if (cc.cell.flags & ISOLATE_CELL_MOUNTNS)
		return 0;
	return refuse_op(&cc, ISOLATE_OP_NAMESPACE, EPERM, 0, CLONE_NEWNS);
}

/*
 * Capabilities that administer the machine rather than the cell's own
 * objects. With user namespaces granted, a cell keeps them inside the
 * namespaces it made (they reach nothing of the host there).
 * CAP_DAC_READ_SEARCH opens any file by a handle (open_by_handle_at: the
 * memfds and shared memory of other processes, on the kernel's internal
 * mounts), CAP_CHECKPOINT_RESTORE any mapped file by /proc/PID/map_files
 * (an overlay's upper file, on its private mount).
 */
static __always_inline bool machine_capability(int cap)
{
	const __u64 machine = 1ULL << CAP_NET_ADMIN | 1ULL << CAP_SYS_MODULE |
		1ULL << CAP_SYS_RAWIO | 1ULL << CAP_SYS_ADMIN | 1ULL << CAP_SYS_BOOT |
		1ULL << CAP_SYS_TIME | 1ULL << CAP_MAC_OVERRIDE | 1ULL << CAP_MAC_ADMIN |
		1ULL << CAP_SYSLOG | 1ULL << CAP_WAKE_ALARM | 1ULL << CAP_PERFMON |
		1ULL << CAP_BPF | 1ULL << CAP_SYS_PACCT | 1ULL << CAP_AUDIT_CONTROL |
		1ULL << CAP_AUDIT_WRITE | 1ULL << CAP_AUDIT_READ | 1ULL << CAP_SYS_TTY_CONFIG |
		1ULL << CAP_LINUX_IMMUTABLE | 1ULL << CAP_DAC_READ_SEARCH |
		1ULL << CAP_CHECKPOINT_RESTORE;

	return cap >= 0 && cap < 64 && (machine & (1ULL << cap));
}

ISOLATE_HOOK(capable, isolate_capable, const struct cred *cred, struct user_namespace *ns,
	     int cap, unsigned int opts, int ret)
{
	struct cell_ctx cc;

	if (ret || !machine_capability(cap))
		return ret;
	if (!current_cell(&cc))
		return 0;
	if ((cc.cell.flags & ISOLATE_CELL_USERNS) && ns->level > 0)
		return 0;
	return refuse_op(&cc, ISOLATE_OP_CAPABILITY, EPERM, 0, cap);
}

ISOLATE_HOOK(key_alloc, isolate_key_alloc, struct key *key, const struct cred *cred,
	     unsigned long flags, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_KEYRING, EACCES, 0);
}

ISOLATE_HOOK(key_permission, isolate_key_permission, key_ref_t key_ref, const struct cred *cred,
	     enum key_need_perm need_perm, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_KEYRING, EACCES, need_perm);
}

ISOLATE_HOOK(kernel_module_request, isolate_kernel_module_request, char *kmod_name, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MODULE, EPERM, 0);
}

ISOLATE_HOOK(kernel_read_file, isolate_kernel_read_file, struct file *file,
	     enum kernel_read_file_id id, bool contents, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MODULE, EPERM, id);
}

ISOLATE_HOOK(kernel_load_data, isolate_kernel_load_data, enum kernel_load_data_id id,
	     bool contents, int ret)
{
	return ret ?: refused_in_cells(ISOLATE_OP_MODULE, EPERM, id);
}
