// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What this kernel really enforces, capability by capability, probed from
 * the running system: the active LSMs, the hooks the kernel offers BPF
 * (bpf_lsm_* functions in its BTF), the links pinned when loaded, and the
 * cgroup controllers budgets need.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "isolate_bpf.skel.h"
#include "user/internal.h"

struct capability_hooks {
	const char *capability;
	const char *hooks[16];
};

static const struct capability_hooks table[] = {
	{ "file.read", { "file_open", "inode_readlink", "path_notify" } },
	{ "file.write", { "file_open", "path_truncate", "file_truncate", "path_chmod",
			  "path_chown", "inode_setattr", "inode_setxattr", "inode_removexattr",
			  "inode_file_setattr", "inode_set_acl", "inode_remove_acl" } },
	{ "file.create-remove-rename-link",
	  { "path_mknod", "path_mkdir", "path_symlink", "path_unlink", "path_rmdir",
	    "path_rename", "path_link", "inode_create", "inode_unlink", "d_instantiate" } },
	{ "exec", { "bprm_check_security", "mmap_file", "file_mprotect", "mmap_addr",
		    "inode_init_security_anon" } },
	{ "net.connect", { "socket_connect", "socket_sendmsg", "socket_create",
			   "socket_setsockopt" } },
	{ "net.bind", { "socket_bind", "socket_listen" } },
	{ "net.unix", { "unix_stream_connect", "unix_may_send" } },
	{ "escape.other-processes",
	  { "ptrace_access_check", "ptrace_traceme", "task_kill", "task_setpgid", "task_setnice",
	    "task_setioprio", "task_setscheduler", "task_setrlimit", "file_fcntl", "file_lock",
	    "file_ioctl", "file_ioctl_compat" } },
	{ "escape.cgroup", { "file_open", "task_alloc" } },
	{ "escape.mount", { "sb_mount", "sb_umount", "sb_pivotroot", "move_mount",
			    "fs_context_parse_param" } },
	{ "escape.namespaces", { "userns_create", "task_alloc" } },
	{ "escape.kernel-code", { "bpf", "kernel_module_request", "kernel_read_file",
				  "kernel_load_data", "perf_event_open" } },
	{ "escape.keyrings", { "key_alloc", "key_permission" } },
	{ "escape.capabilities", { "capable" } },
	{ "ipc.system-v", { "ipc_permission", "msg_queue_alloc_security", "msg_queue_msgctl",
			    "sem_alloc_security", "sem_semctl", "shm_alloc_security", "shm_shmctl" } },
	{ "cell-abi", { "task_prctl" } },
};

static const struct isolate_hook_choice *choice_of(const struct isolate_hook_choice *choices,
						   size_t n, const char *hook)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(choices[i].hook, hook))
			return &choices[i];
	return NULL;
}

/*
 * Whether the kernel accepts an LSM program at all (some refuse every
 * trampoline program with EPERM): loads our file_open program alone,
 * attached to nothing, then drops it.
 */
static int probe_lsm_load(void)
{
	struct isolate_bpf *skel = isolate_bpf__open();
	struct bpf_program *prog;
	int err;

	if (!skel)
		return -errno;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == skel->progs.isolate_file_open);
	err = isolate_bpf__load(skel);
	isolate_bpf__destroy(skel);
	return err;
}

static void probe_hooks(struct isolate_feature *f, const struct capability_hooks *c,
			const struct isolate_hook_choice *choices, size_t nchoices,
			const char *lsm_problem, const char *pin_root)
{
	char path[PATH_MAX + 256];

	f->state = ISOLATE_FEATURE_ENFORCED;
	for (int i = 0; c->hooks[i]; i++) {
		const struct isolate_hook_choice *choice = choice_of(choices, nchoices, c->hooks[i]);

		if (choice && choice->optional && !choice->kernel_has_hook)
			continue;	/* this kernel decides its case elsewhere */
		if (lsm_problem) {
			snprintf(f->detail, sizeof(f->detail), "%s", lsm_problem);
		} else if (!choice || !choice->kernel_has_hook) {
			snprintf(f->detail, sizeof(f->detail), "the kernel has no %s hook for BPF",
				 c->hooks[i]);
		} else if (!choice->program[0]) {
			snprintf(f->detail, sizeof(f->detail),
				 "no program of isolate's reads this kernel's %s hook (%.100s)",
				 c->hooks[i], choice->prototype);
		} else if (pin_root) {
			snprintf(path, sizeof(path), "%s/%s/%s", pin_root, ISOLATE_PIN_LINKS,
				 choice->program);
			if (!access(path, F_OK))
				continue;
			snprintf(f->detail, sizeof(f->detail), "%s is not attached (%.100s missing)",
				 c->hooks[i], path);
		} else {
			continue;
		}
		f->state = ISOLATE_FEATURE_UNAVAILABLE;
		return;
	}
}

static void probe_controller(struct isolate_feature *f, const char *name,
			     const char *cells_cgroup)
{
	char path[PATH_MAX + 32], line[512] = "";
	FILE *file;

	f->state = ISOLATE_FEATURE_UNAVAILABLE;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", cells_cgroup);
	file = fopen(path, "re");
	if (!file) {
		snprintf(f->detail, sizeof(f->detail), "cannot read %.120s", path);
		return;
	}
	if (fgets(line, sizeof(line), file)) {
		for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n"))
			if (!strcmp(tok, name))
				f->state = ISOLATE_FEATURE_ENFORCED;
	}
	fclose(file);
	if (f->state != ISOLATE_FEATURE_ENFORCED)
		snprintf(f->detail, sizeof(f->detail),
			 "the cgroup v2 %s controller is not available to cells", name);
}

int isolate_features(struct isolate *iso, struct isolate_feature *out, size_t max,
		     size_t *n)
{
	static const char *const budgets[] = { "cpu", "memory", "pids" };
	struct isolate_hook_choice choices[ISOLATE_HOOKS_MAX];
	const char *lsm_problem = NULL;
	bool lsm_active = false;
	char cells[PATH_MAX];
	size_t nchoices;

	*n = 0;
	quiet_libbpf();
	/* A hook without a program is reported below, capability by capability. */
	if (isolate_hook_choices(NULL, choices, ISOLATE_HOOKS_MAX, &nchoices) &&
	    !nchoices)
		return -EOPNOTSUPP;
	if (isolate_lsm_active(&lsm_active))
		lsm_problem = "the active LSM list can not be read";
	else if (!lsm_active)
		lsm_problem = "bpf is not an active LSM";
	else if (!iso && probe_lsm_load() == -EPERM)
		lsm_problem = "the kernel refuses BPF LSM programs (EPERM on load)";
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && *n < max; i++) {
		struct isolate_feature *f = &out[(*n)++];

		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", table[i].capability);
		probe_hooks(f, &table[i], choices, nchoices, lsm_problem,
			    iso ? isolate_pin_root(iso) : NULL);
	}
	if (iso)
		snprintf(cells, sizeof(cells), "%s", isolate_cells_cgroup(iso));
	else if (find_mount("cgroup2", cells, sizeof(cells)))
		cells[0] = 0;
	for (size_t i = 0; i < 3 && *n < max; i++) {
		struct isolate_feature *f = &out[(*n)++];

		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "budget.%s", budgets[i]);
		probe_controller(f, budgets[i], cells);
	}
	return 0;
}
