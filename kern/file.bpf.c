// SPDX-License-Identifier: GPL-2.0
/*
 * Opening files: read, write and exec rights on files and directory trees;
 * reading symlinks and watching need READ too. Writing a process's memory
 * through /proc needs exec memory besides. Also keeps cells off the
 * cgroup filesystems, whatever their rules say:
 * writing there (cgroup.procs, memory.max, ...) would move a process out of
 * its cell or lift its budgets.
 */
#include "fifo.bpf.h"
#include "task_cell.bpf.h"
#include "tty.bpf.h"

/* include/linux/fs.h and uapi fcntl: not in BTF */
#define __FMODE_EXEC		0x20	/* in f_flags: an exec open (open_exec) */
#define O_TRUNC			00001000

char LICENSE[] SEC("license") = "GPL";

static __always_inline __u32 open_access(const struct file *file)
{
	/* Read once each: every read of a kernel field costs a checked load. */
	unsigned int flags = file->f_flags;
	fmode_t mode = file->f_mode;
	__u32 access = 0;

	if (flags & __FMODE_EXEC)
		access |= ISOLATE_ACCESS_EXEC;
	else if (mode & FMODE_READ)
		access |= ISOLATE_ACCESS_READ;
	if ((mode & FMODE_WRITE) || (flags & O_TRUNC))
		access |= ISOLATE_ACCESS_WRITE;
	/*
	 * Access mode 3 (O_RDWR|O_WRONLY) opens for ioctls only, neither for
	 * reading nor writing; the kernel's own permission check asks for both,
	 * and so does isolate: a device's ioctls are what it is opened for.
	 */
	return access ?: ISOLATE_ACCESS_READ | ISOLATE_ACCESS_WRITE;
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
 * What a cell may not even open, whatever its rules grant (the op to
 * report; 0: nothing of the kind). A block device holds a file system
 * whole: read or written raw, every file rule on it is moot. A cgroup
 * directory could be handed to clone3(CLONE_INTO_CGROUP). A bpffs
 * directory, isolate's pins, could be flock()ed, and every change of
 * every cell waits for that lock. (Writing the files of either is refused
 * with the other machine controls; a pinned object is not opened by
 * open(2).) sb is the mount's, which the walk reads next: every dentry of
 * a mount, the opened one too, is of the mount's superblock.
 */
/* fs/char_dev.c: the registered ranges of character device numbers, by major % 255 */
extern const void chrdevs __ksym __weak;
#define CHRDEV_MAJOR_HASH_SIZE	255
#define CHRDEV_CHAIN_MAX	8
/* fs/char_dev.c: majors handed out at boot, from the start down to the end */
#define CHRDEV_MAJOR_DYN_START		254
#define CHRDEV_MAJOR_DYN_END		234
#define CHRDEV_MAJOR_DYN_EXT_START	511
#define CHRDEV_MAJOR_DYN_EXT_END	384
#define SCSI_GENERIC_MAJOR	21
#define MTD_CHAR_MAJOR		90

/* Whether n, a driver's name, is one that passes commands to a disk. */
static __always_inline bool disk_driver_name(const char n[16])
{
	/*
	 * Compared a byte at a time, each test left at the first miss: the
	 * verifier follows one path per way of failing, not per byte.
	 * "nvme" is the controller: I/O commands to its namespace pass from
	 * 6.2 on; "nvme-generic" the namespaces.
	 */
	if (n[0] == 'n' && n[1] == 'v' && n[2] == 'm' && n[3] == 'e')
		return !n[4] || (n[4] == '-' && n[5] == 'g' && n[6] == 'e' && n[7] == 'n' &&
				 n[8] == 'e' && n[9] == 'r' && n[10] == 'i' && n[11] == 'c' && !n[12]);
	return (n[0] == 's' && n[1] == 'g' && !n[2]) ||
	       (n[0] == 'b' && n[1] == 's' && n[2] == 'g' && !n[3]) ||
	       (n[0] == 'm' && n[1] == 't' && n[2] == 'd' && !n[3]) ||
	       (n[0] == 'u' && n[1] == 'b' && n[2] == 'i');
}

/*
 * The character devices that read and write a disk's blocks: SCSI generic
 * (sg), bsg, NVMe's controllers and per-namespace generic devices, raw flash (mtd,
 * ubi). READ and WRITE commands pass for whoever may open them, so the
 * disk, with every file on it, is as open as a block device. Known by the
 * name their driver registered the major under (most majors are handed
 * out at boot), where kallsyms shows the table; else by the fixed majors.
 * A global function, verified once on its own: inline, its walk of the
 * table multiplied the states of file_open past the verifier's limit.
 */
__attribute__((noinline)) int isolate_passes_disk_commands(__u32 rdev)
{
	unsigned int major = rdev >> 20;
	struct char_device_struct *cd = NULL;
	char name[16];

	/*
	 * No table (kallsyms hides addresses, or lists no data without
	 * CONFIG_KALLSYMS_ALL): the fixed majors, and every major handed out
	 * at boot, where nvme, bsg and ubi land.
	 */
	if (!&chrdevs)
		return major == SCSI_GENERIC_MAJOR || major == MTD_CHAR_MAJOR ||
		       (major >= CHRDEV_MAJOR_DYN_END && major <= CHRDEV_MAJOR_DYN_START) ||
		       (major >= CHRDEV_MAJOR_DYN_EXT_END && major <= CHRDEV_MAJOR_DYN_EXT_START);
	bpf_probe_read_kernel(&cd, sizeof(cd),
			      (const char *)&chrdevs + (major % CHRDEV_MAJOR_HASH_SIZE) * sizeof(cd));
	for (int i = 0; i < CHRDEV_CHAIN_MAX && cd; i++) {
		if (BPF_CORE_READ(cd, major) == major) {
			if (bpf_probe_read_kernel_str(name, sizeof(name), &cd->name) > 0 &&
			    disk_driver_name(name))
				return true;
		}
		cd = BPF_CORE_READ(cd, next);
	}
	/* A chain longer than looked at: not known not to be one (fail closed). */
	return cd != NULL;
}

/* include/uapi/linux/magic.h */
#define DEVPTS_SUPER_MAGIC	0x1cd1

/* How many descriptors holds_master() looks at, at most. */
#define PTY_MASTER_FDS 4096

struct master_search {
	struct file **fds;
	struct tty_struct *master;
	bool found;
};

/* Whether descriptor i is the pty master (its private data names the file itself). */
static long is_the_master(__u64 i, void *ctx)
{
	struct master_search *s = ctx;
	struct tty_file_priv priv = {};
	struct file *f = NULL;

	bpf_probe_read_kernel(&f, sizeof(f), s->fds + i);
	if (!f || !tty_file_priv(f, &priv))
		return 0;
	s->found = priv.tty == s->master && priv.file == f;
	return s->found;
}

/* Whether the caller holds the master of the pty whose slave is tty. */
static __always_inline bool holds_master(struct task_struct *me, struct tty_struct *tty)
{
	struct fdtable *fdt = BPF_CORE_READ(me, files, fdt);
	struct master_search s = {
		.fds = BPF_CORE_READ(fdt, fd),
		.master = BPF_CORE_READ(tty, link),
	};
	unsigned int n = BPF_CORE_READ(fdt, max_fds);

	if (!s.fds || !s.master)
		return false;
	bpf_loop(n < PTY_MASTER_FDS ? n : PTY_MASTER_FDS, is_the_master, &s, 0);
	return s.found;
}

/*
 * A pty slave that is the cell's own: the caller's controlling terminal,
 * one whose session the cell leads, or one no session has taken and whose
 * master the caller holds (a pty it just made with ptmx, as openpty does,
 * before the child's setsid). Another session's pty, a shell in another
 * window of the same user, would give whoever reads it the keys typed
 * there; so would one caught between its making and its session's taking
 * it (sshd, sudo, a terminal emulator), or left by a session that ended.
 * The tty is the devpts dentry's (pts_unix98_lookup reads it there too);
 * a node with a pty's numbers elsewhere is no pty of devpts.
 */
static __always_inline bool own_pty(const struct cell_ctx *cc, const struct file *file,
				    const struct super_block *sb)
{
	struct task_struct *me = bpf_get_current_task_btf();
	struct tty_struct *tty;
	struct pid *session;

	if (sb->s_magic != DEVPTS_SUPER_MAGIC)
		return false;
	tty = BPF_CORE_READ(file, f_path.dentry, d_fsdata);
	if (!tty)
		return false;
	if (tty == BPF_CORE_READ(me, signal, tty))
		return true;
	session = tty_session(tty);
	if (!session)
		return holds_master(me, tty);
	return session_of_cell(session, cc->cgid);
}

/*
 * Character devices are drivers, not files: a grant of a tree (`/dev`, `/`)
 * would reach every one (watchdogs that reboot the machine when opened,
 * input devices that type into the console, rtc alarms, kmsg...). Opened
 * in a cell only by a rule on the node itself, but for these few that give
 * nothing: null, zero, full, random, urandom, the caller's terminal
 * (/dev/tty), ptmx, and the pty slaves that are the cell's own.
 */
static __always_inline bool harmless_char_device(const struct cell_ctx *cc, const struct file *file,
						 const struct super_block *sb)
{
	dev_t rdev = file->f_inode->i_rdev;
	unsigned int major = rdev >> 20, minor = rdev & 0xfffff;

	if (major == ISOLATE_HARMLESS_MEM_MAJOR)
		return minor < 32 && ((ISOLATE_HARMLESS_MEM_MINORS >> minor) & 1);
	if (major == ISOLATE_HARMLESS_TTYAUX_MAJOR)
		return minor < 32 && ((ISOLATE_HARMLESS_TTYAUX_MINORS >> minor) & 1);
	return major >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && major <= ISOLATE_PTY_SLAVE_MAJOR_LAST &&
	       own_pty(cc, file, sb);
}

/*
 * The kernel's own state, not the machine's files: trace buffers and
 * probes (tracefs; reading trace_pipe takes the events from whoever
 * traces), debugfs, the security modules' files (securityfs: IMA's list
 * of every program run), crash records of earlier boots (pstore),
 * firmware variables (efivarfs). A grant of a tree above where they are
 * mounted (`read:/sys`, `read:/`) does not reach into them: a rule inside
 * the file system does, on its root (`read:/sys/kernel/tracing`) or below.
 */
static __always_inline bool kernel_state_fs(unsigned long magic)
{
	return magic == TRACEFS_MAGIC || magic == DEBUGFS_MAGIC || magic == SECURITYFS_MAGIC ||
	       magic == PSTOREFS_MAGIC || magic == EFIVARFS_MAGIC;
}

static __always_inline __u32 root_only_open(const struct file *file, umode_t type,
					    const struct super_block *sb)
{
	unsigned long magic = sb->s_magic;

	if (type == S_IFBLK ||
	    (type == S_IFCHR && isolate_passes_disk_commands(file->f_inode->i_rdev)))
		return ISOLATE_OP_SYSTEM_FILE;
	if (magic == BPF_FS_MAGIC)
		return ISOLATE_OP_BPF;
	/* Xen's control files (/proc/xen): privcmd makes any hypercall, its mode the one guard. */
	if (magic == XENFS_SUPER_MAGIC)
		return ISOLATE_OP_SYSTEM_FILE;
	if (magic != CGROUP2_SUPER_MAGIC && magic != CGROUP_SUPER_MAGIC)
		return 0;
	return type == S_IFDIR ? ISOLATE_OP_CGROUP : 0;
}

/*
 * /proc/PID/mem (and /proc/PID/task/TID/mem) opened for writing: it writes
 * the process's memory as a debugger does, into its executable mappings
 * too, and for the caller's own process no ptrace check runs. Only procfs
 * names its files, and "mem" only these.
 */
static __always_inline bool writes_process_memory(const struct file *file,
						  const struct super_block *sb, __u32 access)
{
	const struct dentry *d = file->f_path.dentry;
	char name[3];	/* filled by the helper: zeroing it would cost every open */

	if (!(access & ISOLATE_ACCESS_WRITE) || sb->s_magic != PROC_SUPER_MAGIC ||
	    d->d_name.len != 3)
		return false;
	/* Unread, the name is not known not to be "mem". */
	if (bpf_probe_read_kernel(name, 3, d->d_name.name))
		return true;
	return name[0] == 'm' && name[1] == 'e' && name[2] == 'm';
}

/* Whether the process of owner is another cell's or the host's (gone: not known to be ours). */
static __always_inline bool outsider_owner(struct pid *owner, __u64 cgid)
{
	struct task_struct *task = task_of_pid(owner);

	return !task || cell_of_task(task) != cgid;
}

/*
 * How many directories up from a procfs entry that names no process the
 * one that does is looked for: the deepest entries of a process are those
 * of its network namespace (/proc/PID/net/rpc/nfsd.fh/content), the
 * deepest of none the sysctls (/proc/sys/dev/parport/P/devices/D/timeslice).
 */
#define PROC_ENTRY_DEPTH 8

/*
 * Whether the procfs entry at dentry (an address: a global function takes
 * no kernel pointer), whose inode names no process, is below the /proc/PID
 * directory of a process outside cell cgid: the files of /proc/PID/net
 * (the sockets, unix socket paths and routes of its network namespace)
 * are the namespace's, with no pid of their own. Up to the nearest
 * directory that names a process, or to /proc itself: then an entry of no
 * process (/proc/meminfo, the sysctls). Past the bound, not known to be
 * none. A global function, verified once: inline, its loop would multiply
 * the states of file_open.
 */
__attribute__((noinline)) int isolate_in_another_process_dir(__u64 dentry, __u64 cgid)
{
	struct dentry *d = (struct dentry *)dentry;

	for (int i = 0; i < PROC_ENTRY_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		struct pid *owner;

		if (!parent || parent == d)
			return false;
		d = parent;
		owner = proc_owner(BPF_CORE_READ(d, d_inode));
		if (owner)
			return outsider_owner(owner, cgid);
	}
	return true;
}

/*
 * Another cell's or the host's process, seen in procfs (/proc/PID/...):
 * what it runs and with which arguments, its state, limits, mounts,
 * cgroup and network namespace. A cell reads the entries of its own
 * processes only, as in a pid namespace of its own (the ones a debugger
 * reads, environ or maps, are the ptrace check's already). Entries of no
 * process (/proc/meminfo, the sysctls) are the rules'.
 */
static __always_inline bool another_process_entry(const struct cell_ctx *cc,
						  const struct file *file,
						  const struct super_block *sb)
{
	struct pid *owner;

	if (sb->s_magic != PROC_SUPER_MAGIC)
		return false;
	owner = proc_owner(file->f_inode);
	/* The dentry as a number: read by the helper, not loaded as a pointer the call would refuse. */
	if (!owner)
		return isolate_in_another_process_dir((__u64)BPF_CORE_READ(file, f_path.dentry),
						      cc->cgid);
	return outsider_owner(owner, cc->cgid);
}

/*
 * A process's own /proc entries that reach outside it: loginuid, which an
 * unset one lets anyone set (audit records and the journal would then
 * blame that user), and autogroup, whose nice value is the whole
 * session's (the shell that started the cell included).
 */
__attribute__((noinline)) int isolate_session_record_name(__u64 name_ptr, __u32 len)
{
	char name[9];

	if (bpf_probe_read_kernel(name, sizeof(name), (const void *)name_ptr))
		return 1;	/* unread, not known not to be one */
	if (len == 8)
		return name[0] == 'l' && name[1] == 'o' && name[2] == 'g' && name[3] == 'i' &&
		       name[4] == 'n' && name[5] == 'u' && name[6] == 'i' && name[7] == 'd';
	return len == 9 && name[0] == 'a' && name[1] == 'u' && name[2] == 't' && name[3] == 'o' &&
	       name[4] == 'g' && name[5] == 'r' && name[6] == 'o' && name[7] == 'u' && name[8] == 'p';
}

static __always_inline bool writes_session_record(const struct file *file,
						  const struct super_block *sb, __u32 access)
{
	const struct dentry *d = file->f_path.dentry;
	__u32 len = d->d_name.len;

	if (!(access & ISOLATE_ACCESS_WRITE) || sb->s_magic != PROC_SUPER_MAGIC ||
	    (len != 8 && len != 9))
		return false;
	/* A global function, verified once: inline, it doubled file_open's states. */
	return isolate_session_record_name((__u64)d->d_name.name, len);
}

ISOLATE_HOOK(file_open, isolate_file_open, struct file *file, int ret)
{
	const struct path *path = &file->f_path;
	struct vfsmount *mnt;
	struct super_block *sb;
	struct cell_ctx cc;
	__u32 access, root_only;
	umode_t type;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	access = open_access(file);
	mnt = path->mnt;
	sb = mnt->mnt_sb;
	type = file->f_inode->i_mode & S_IFMT;
	root_only = root_only_open(file, type, sb);
	if (root_only) {
		int verdict = refuse(&cc, EACCES);

		report_file(&cc, root_only, access, ISOLATE_RULE_NONE,
			    verdict, EACCES, path->dentry, path, DISPLAY_D_PATH);
		return verdict;
	}
	/* Services, not files: devices, and FIFOs that outsiders read from (fifo.bpf.h). */
	if (((type == S_IFCHR && !harmless_char_device(&cc, file, sb)) ||
	     (type == S_IFIFO && others_fifo(&cc, file->f_inode, sb))) &&
	    !granted_on_node(&cc, sb->s_dev, file->f_inode->i_ino, access)) {
		int verdict = refuse(&cc, EACCES);

		report_file(&cc, ISOLATE_OP_SYSTEM_FILE, access, ISOLATE_RULE_NONE,
			    verdict, EACCES, path->dentry, path, DISPLAY_D_PATH);
		return verdict;
	}
	if (writes_session_record(file, sb, access)) {
		int verdict = refuse(&cc, EACCES);

		report_file(&cc, ISOLATE_OP_SYSTEM_FILE, access, ISOLATE_RULE_NONE,
			    verdict, EACCES, path->dentry, path, DISPLAY_D_PATH);
		return verdict;
	}
	if (another_process_entry(&cc, file, sb)) {
		int verdict = refuse(&cc, EACCES);

		report_file(&cc, ISOLATE_OP_PTRACE, access, ISOLATE_RULE_NONE, verdict, EACCES,
			    path->dentry, path, DISPLAY_D_PATH);
		return verdict;
	}
	if (writes_process_memory(file, sb, access)) {
		int err = refuse_exec_memory(&cc, EACCES, 0, 0);

		if (err)
			return err;
	}
	/* Writes there are the machine's controls: decide_walk() refuses them. */
	if (!(access & ISOLATE_ACCESS_WRITE) && kernel_state_fs(sb->s_magic)) {
		struct walk_result res;

		walk_in_fs(cc.cell.ruleset, path->dentry, &res);
		return decide_walked(&cc, &res, path->dentry, access, access_op(access), EACCES,
				     path, DISPLAY_D_PATH);
	}
	/* decide_path(), with the mount and superblock read once */
	return decide_walk(&cc, path->dentry, mnt, sb, access, access_op(access), EACCES, path,
			   DISPLAY_D_PATH, true);
}

/*
 * Reading a symlink tells where it points: a name inside a tree the cell
 * may not read. The hook has no mount: decided inside the link's file
 * system, as setattr is (see walk_in_fs).
 */
ISOLATE_HOOK(inode_readlink, isolate_inode_readlink, struct dentry *dentry, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_in_fs(&cc, dentry, ISOLATE_ACCESS_READ, ISOLATE_OP_READ);
}

/* A watch (inotify, fanotify, dnotify) reports what happens to its object. */
ISOLATE_HOOK(path_notify, isolate_path_notify, const struct path *path, u64 mask,
	     unsigned int obj_type, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	/* What happens in the kernel's state is read, as open reads it. */
	if (kernel_state_fs(BPF_CORE_READ(path, mnt, mnt_sb, s_magic)))
		return decide_in_fs(&cc, path->dentry, ISOLATE_ACCESS_READ, ISOLATE_OP_READ);
	return decide_path(&cc, path, ISOLATE_ACCESS_READ, ISOLATE_OP_READ, DISPLAY_D_PATH);
}
