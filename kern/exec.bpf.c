// SPDX-License-Identifier: GPL-2.0
/*
 * Running code from files. execve of a binary or script (and of the
 * script's interpreter: the kernel checks each one), and mapping a file
 * executable — which is how ld.so runs a program it was handed, and how a
 * memfd would be run — all need the EXEC right on that file.
 */
#include "file_rules.bpf.h"

#define PROT_EXEC	0x4
#define VM_EXEC		0x4

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

ISOLATE_HOOK(mmap_file, isolate_mmap_file, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags, int ret)
{
	struct cell_ctx cc;

	if (ret)
		return ret;
	/* Anonymous executable memory (JITs) is not a file to govern. */
	if (!file || !(prot & PROT_EXEC))
		return 0;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_EXEC,
			   ISOLATE_OP_MAP_EXEC, DISPLAY_D_PATH);
}

ISOLATE_HOOK(file_mprotect, isolate_file_mprotect, struct vm_area_struct *vma,
	     unsigned long reqprot, unsigned long prot, int ret)
{
	struct file *file;
	struct cell_ctx cc;

	if (ret)
		return ret;
	file = vma->vm_file;
	if (!file || !(prot & PROT_EXEC) || (vma->vm_flags & VM_EXEC))
		return 0;
	if (!current_cell(&cc))
		return 0;
	return decide_path(&cc, &file->f_path, ISOLATE_ACCESS_EXEC,
			   ISOLATE_OP_MAP_EXEC, DISPLAY_NAME);
}
