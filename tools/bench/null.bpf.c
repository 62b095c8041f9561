// SPDX-License-Identifier: GPL-2.0
/*
 * Calibration for isolate-bench: an empty BPF LSM program on every hook
 * isolate attaches to (but task_prctl, whose default is not 0). Measured
 * against no programs at all, it is the cost of the trampolines alone;
 * isolate's own "task in no cell" check is what it adds on top.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define NULL_HOOK(hook) \
	SEC("lsm/" #hook) int BPF_PROG(null_##hook) { return 0; }

NULL_HOOK(ptrace_access_check)
NULL_HOOK(task_kill)
NULL_HOOK(task_setpgid)
NULL_HOOK(task_setnice)
NULL_HOOK(task_setioprio)
NULL_HOOK(task_setscheduler)
NULL_HOOK(sb_mount)
NULL_HOOK(sb_umount)
NULL_HOOK(sb_pivotroot)
NULL_HOOK(move_mount)
NULL_HOOK(bpf)
NULL_HOOK(perf_event_open)
NULL_HOOK(userns_create)
NULL_HOOK(task_alloc)
NULL_HOOK(capable)
NULL_HOOK(key_alloc)
NULL_HOOK(key_permission)
NULL_HOOK(kernel_module_request)
NULL_HOOK(kernel_read_file)
NULL_HOOK(kernel_load_data)
NULL_HOOK(bprm_check_security)
NULL_HOOK(mmap_file)
NULL_HOOK(mmap_addr)
NULL_HOOK(file_mprotect)
NULL_HOOK(file_open)
NULL_HOOK(socket_create)
NULL_HOOK(socket_connect)
NULL_HOOK(socket_bind)
NULL_HOOK(socket_sendmsg)
NULL_HOOK(socket_listen)
NULL_HOOK(unix_stream_connect)
NULL_HOOK(unix_may_send)
NULL_HOOK(path_mknod)
NULL_HOOK(path_mkdir)
NULL_HOOK(path_symlink)
NULL_HOOK(path_unlink)
NULL_HOOK(path_rmdir)
NULL_HOOK(path_link)
NULL_HOOK(path_rename)
NULL_HOOK(path_truncate)
NULL_HOOK(path_chmod)
NULL_HOOK(path_chown)

/*
 * Single steps of what isolate's hooks do, one program at a time on
 * file_open (attached alone, not by the skeleton): each against the
 * empty program gives the instructions of that one step in this kernel.
 * The maps have the sizes and flags of isolate's cells and inode_rules.
 */
struct cal_rule_key {
	__u32 ruleset;
	__u32 dev;
	__u64 ino;
};

struct cal_cell {
	__u32 v[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct cal_cell);
} cal_cells SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct cal_rule_key);
	__type(value, __u64);
} cal_rules SEC(".maps");

/*
 * BPF_MAP_TYPE_CGRP_STORAGE (Linux 6.2): the cell kept on the cgroup itself.
 * By number, as this vmlinux.h may come from an older kernel; created and
 * loaded only where the kernel has it.
 */
struct {
	__uint(type, 32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cal_cell);
} cal_cgrp_cells SEC(".maps");

__u64 cal_sink;

SEC("lsm/file_open")
int BPF_PROG(cal_ancestor, struct file *file, int ret)
{
	cal_sink += bpf_get_current_ancestor_cgroup_id(1);
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(cal_cell_lookup, struct file *file, int ret)
{
	__u64 id = bpf_get_current_cgroup_id();

	if (bpf_map_lookup_elem(&cal_cells, &id))
		cal_sink++;
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(cal_rule_lookup, struct file *file, int ret)
{
	struct cal_rule_key k = {
		.ruleset = 1,
		.dev = file->f_inode->i_sb->s_dev,
		.ino = file->f_inode->i_ino,
	};

	if (bpf_map_lookup_elem(&cal_rules, &k))
		cal_sink++;
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(cal_cgrp_storage, struct file *file, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (bpf_cgrp_storage_get(&cal_cgrp_cells, task->cgroups->dfl_cgrp, 0, 0))
		cal_sink++;
	return 0;
}

/*
 * The floor of cgroup-attached programs: an empty BPF_LSM_CGROUP program on
 * file_open, attached to a cgroup the measured task is not in. The kernel
 * runs a shim on the hook for every task, which finds no program for the
 * task's own cgroup: what tasks outside the cells would pay if isolate's
 * programs were attached to the cells root instead of globally.
 */
SEC("lsm_cgroup/file_open")
int BPF_PROG(cgnull_file_open, struct file *file)
{
	return 1;	/* allow */
}
