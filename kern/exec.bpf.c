// SPDX-License-Identifier: GPL-2.0
/*
 * Running code from files. execve of a binary or script (and of the
 * script's interpreter: the kernel checks each one), and mapping a file
 * executable — which is how ld.so runs a program it was handed, and how a
 * memfd would be run — all need the EXEC right on that file.
 *
 * Code that is not a file: memory that is anonymous, or that was (or is)
 * writable in a private mapping, made executable. Without it a file
 * granted only READ could be copied into memory and run. Refused unless
 * the cell is granted exec memory (JIT runtimes need it).
 */
#include "file_rules.bpf.h"

#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define MAP_SHARED	0x01
#define VM_WRITE	0x2
#define VM_EXEC		0x4
#define VM_SHARED	0x8
#define READ_IMPLIES_EXEC 0x0400000
#define PAGE_MASK_LOW	4095UL

char LICENSE[] SEC("license") = "GPL";

ISOLATE_HOOK(bprm_check_security, isolate_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, &bprm->file->f_path, ISOLATE_ACCESS_EXEC,
			   ISOLATE_OP_EXEC, DISPLAY_D_PATH);
}

static long stack_vma_flags(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	*(unsigned long *)ctx = vma->vm_flags;
	return 0;
}

/*
 * Whether the task's stack is executable: the kernel makes it so at
 * execve when the ELF asks (PT_GNU_STACK with PF_X), on no hook's say.
 * Asked at every executable mapping, so at the first one the ELF loader
 * makes after setting up the stack: a program that asked is not run.
 * Unknown (the mm's lock taken, which at execve nobody else can hold)
 * counts as not executable: the check at execve has decided already.
 */
static __always_inline bool stack_executable(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	unsigned long flags = 0;
	struct mm_struct *mm = task->mm;

	if (!mm || bpf_find_vma(task, mm->start_stack, stack_vma_flags, &flags, 0))
		return false;
	return flags & VM_EXEC;
}

/*
 * Pages of an object of the kernel's internal mounts (a memfd, shared
 * memory), which no rule could grant EXEC on, with exec memory granted:
 * code the cell could as well have copied into anonymous memory. JITs map
 * one memfd twice, writable and executable. Running it stays refused.
 */
static __always_inline bool internal_exec_memory(const struct cell_ctx *cc, struct file *file)
{
	return (cc->cell.flags & ISOLATE_CELL_EXEC_MEMORY) &&
	       on_internal_mount((__u64)file->f_path.mnt);
}

ISOLATE_HOOK(mmap_file, isolate_mmap_file, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags, int ret)
{
	struct cell_ctx cc;
	bool anonymous;
	int err;

	if (ret || !(prot & PROT_EXEC))
		return ret;
	if (!current_cell(&cc))
		return 0;
	anonymous = hook_arg_is_null(ctx, 0);
	/* Anonymous, or private and writable: code that is no file's. */
	if (anonymous || (!(flags & MAP_SHARED) && (prot & PROT_WRITE))) {
		err = refuse_exec_memory(&cc, EACCES, 0, 0);
		if (err || anonymous)
			return err;
	}
	if (!(cc.cell.flags & ISOLATE_CELL_EXEC_MEMORY) && stack_executable())
		return refuse_exec_memory(&cc, EACCES, 0, 0);
	if (internal_exec_memory(&cc, file))
		return 0;
	return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_EXEC,
			   ISOLATE_OP_MAP_EXEC, DISPLAY_D_PATH);
}

ISOLATE_HOOK(file_mprotect, isolate_file_mprotect, struct vm_area_struct *vma,
	     unsigned long reqprot, unsigned long prot, int ret)
{
	unsigned long vm_flags;
	struct file *file;
	struct cell_ctx cc;
	int err;

	if (ret || !(prot & PROT_EXEC))
		return ret;
	vm_flags = vma->vm_flags;
	file = vma->vm_file;
	if (!current_cell(&cc))
		return 0;
	/*
	 * Anonymous memory; a private mapping writable now or asked to be;
	 * one whose pages were written (copied on write: they hold an
	 * anon_vma), whatever its file says.
	 */
	if (!file || (!(vm_flags & VM_SHARED) &&
		      ((vm_flags & VM_WRITE) || (prot & PROT_WRITE) || vma->anon_vma))) {
		err = refuse_exec_memory(&cc, EACCES, 0, 0);
		if (err || !file)
			return err;
	}
	if (vm_flags & VM_EXEC || internal_exec_memory(&cc, file))
		return 0;
	return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_EXEC,
			   ISOLATE_OP_MAP_EXEC, DISPLAY_NAME);
}

/*
 * Growing the heap with brk() asks no mmap_file: the kernel adds VM_EXEC
 * to the new pages by itself when the task's personality has
 * READ_IMPLIES_EXEC, which any process may set. The one hook on the way
 * is mmap_addr, with the address alone: the heap's end (page-aligned) is
 * where brk() maps. Other mappings under that personality pass mmap_file,
 * which decides their PROT_EXEC.
 */
ISOLATE_HOOK(mmap_addr, isolate_mmap_addr, unsigned long addr, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mm_struct *mm;
	struct cell_ctx cc;

	if (ret || !(task->personality & READ_IMPLIES_EXEC))
		return ret;
	mm = task->mm;
	if (!mm || addr != ((mm->brk + PAGE_MASK_LOW) & ~PAGE_MASK_LOW))
		return 0;
	if (!current_cell(&cc))
		return 0;
	return refuse_exec_memory(&cc, EACCES, 0, 0);
}

/*
 * A userfaultfd fills the missing pages of a mapping with bytes of the
 * caller's choosing, a private executable mapping of a tmpfs file's too:
 * code that is no file's, so only with exec memory. The kernel names the
 * descriptor's anonymous inode; that name is the object here.
 */
static const char userfaultfd_name[] = "[userfaultfd]";

ISOLATE_HOOK(inode_init_security_anon, isolate_inode_init_security_anon, struct inode *inode,
	     const struct qstr *name, void *context_inode, int ret)
{
	char seen[sizeof(userfaultfd_name)] = {};
	struct cell_ctx cc;

	if (ret || name->len != sizeof(userfaultfd_name) - 1)
		return ret;
	if (!current_cell(&cc))
		return 0;
	/* Unread, the name is not "[userfaultfd]": it cannot be decided. */
	if (bpf_probe_read_kernel(seen, sizeof(seen) - 1, name->name))
		return refuse_exec_memory(&cc, EPERM, 0, 0);
	for (int i = 0; i < (int)sizeof(seen) - 1; i++)
		if (seen[i] != userfaultfd_name[i])
			return 0;
	return refuse_exec_memory(&cc, EPERM, 0, 0);
}
