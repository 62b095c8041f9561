// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Loading, pinning and adopting (on the handle of handle.c). Programs, links and maps are pinned under
 * <bpffs>/isolate/{progs,links,maps}/ so enforcement outlives the loader;
 * a second load finds them and adopts them instead of loading twice.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "isolate_bpf.skel.h"
#include "user/internal.h"

static bool is_abi_map(const char *name)
{
	for (int i = 0; i < MAP_COUNT; i++)
		if (!strcmp(name, isolate_map_names[i]))
			return true;
	return false;
}

static const char *dirname_of(const char *path, char *buf, size_t len)
{
	char *slash;

	snprintf(buf, len, "%s", path);
	slash = strrchr(buf, '/');
	if (slash && slash != buf)
		*slash = 0;
	return buf;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return set_error(-errno, "cannot create %s: %s", path, strerror(errno));
	return 0;
}

static int make_pin_dirs(const char *root)
{
	const char *subs[] = { ISOLATE_PIN_MAPS, ISOLATE_PIN_PROGS, ISOLATE_PIN_LINKS };
	char path[PATH_MAX + 16];
	int err = make_dir(root);

	for (size_t i = 0; !err && i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, subs[i]);
		err = make_dir(path);
	}
	return err;
}

static int refused_reason(int err, enum isolate_kernel_support *support)
{
	if (err != -EPERM)
		return set_error(err, "loading the BPF programs failed: %s (set ISOLATE_DEBUG=1 for libbpf's log)",
				 strerror(-err));
	if (geteuid() != 0)
		return set_error(-EPERM, "loading BPF programs needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN)");
	*support = ISOLATE_SUPPORT_LSM_REFUSED;
	return set_error(-EOPNOTSUPP,
			 "this kernel refuses BPF LSM programs (EPERM on load, although bpf is an active LSM and we are root): "
			 "nothing can be enforced here. Use a kernel that accepts trampoline-attached programs "
			 "(e.g. Debian's 6.1 cloud kernel; `tools/vmtest` boots one)");
}

/* LSM programs are attached; the others are run by libisolate. */
static bool is_hook(const struct bpf_program *prog)
{
	return !strncmp(bpf_program__section_name(prog), "lsm", 3);
}

/* Attaches and pins every program whose link is not pinned yet. */
static int attach_and_pin(struct isolate_bpf *skel, const char *root)
{
	char path[PATH_MAX + 128];
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);

		if (!bpf_program__autoload(prog))
			continue;
		if (!is_hook(prog)) {
			/*
			 * Not hooks: pinned, not attached here. The lifecycle
			 * programs run on demand; the egress filter is attached
			 * to the cells root by attach_egress().
			 */
			snprintf(path, sizeof(path), "%s/%s/%s", root, ISOLATE_PIN_PROGS, name);
			unlink(path);
			err = bpf_program__pin(prog, path);
			if (err)
				return set_error(err, "pinning %s failed: %s", path, strerror(-err));
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s/%s", root, ISOLATE_PIN_LINKS, name);
		if (!access(path, F_OK))
			continue;
		link = bpf_program__attach(prog);
		if (!link)
			return set_error(-errno, "attaching %s failed: %s", name, strerror(errno));
		err = bpf_link__pin(link, path);
		bpf_link__destroy(link);
		if (err)
			return set_error(err, "pinning %s failed: %s", path, strerror(-err));
		snprintf(path, sizeof(path), "%s/%s/%s", root, ISOLATE_PIN_PROGS, name);
		unlink(path);
		err = bpf_program__pin(prog, path);
		if (err)
			return set_error(err, "pinning %s failed: %s", path, strerror(-err));
	}
	return 0;
}

/*
 * Opens the BPF object with its maps pinned under root and, for every
 * hook, only the program written for this kernel's prototype to load.
 */
static int open_for_this_kernel(struct isolate_bpf **out, const char *root,
				const struct btf *kernel, enum isolate_kernel_support *support)
{
	char path[PATH_MAX + 128];
	struct isolate_hook_choice choices[ISOLATE_HOOKS_MAX];
	struct isolate_bpf *skel;
	struct bpf_map *map;
	size_t n;
	int err;

	skel = isolate_bpf__open();
	if (!skel)
		return set_error(-errno, "cannot open the BPF object: %s", strerror(errno));
	err = hooks_choose(skel->obj, kernel, choices, ISOLATE_HOOKS_MAX, &n);
	if (err == -EOPNOTSUPP && support)
		*support = ISOLATE_SUPPORT_HOOK_MISMATCH;
	if (err)
		goto fail;
	bpf_object__for_each_map(map, skel->obj) {
		if (!is_abi_map(bpf_map__name(map))) {
			err = set_error(-EPROTO, "the BPF object has a map %s that is not in the pinned ABI",
					bpf_map__name(map));
			goto fail;
		}
		snprintf(path, sizeof(path), "%s/%s/%s", root, ISOLATE_PIN_MAPS,
			 bpf_map__name(map));
		err = bpf_map__set_pin_path(map, path);
		if (err) {
			set_error(err, "cannot prepare map %s of the BPF object", bpf_map__name(map));
			goto fail;
		}
	}
	*out = skel;
	return 0;
fail:
	isolate_bpf__destroy(skel);
	return err;
}

static bool all_links_pinned(const char *root, const struct btf *kernel)
{
	char path[PATH_MAX + 128];
	struct isolate_bpf *skel;
	struct bpf_program *prog;
	bool all = true;

	if (open_for_this_kernel(&skel, root, kernel, NULL))
		return false;
	bpf_object__for_each_program(prog, skel->obj) {
		/* Left out on kernels that refuse it (see load_programs). */
		if (!bpf_program__autoload(prog) || prog == skel->progs.isolate_task_prctl)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", root,
			 is_hook(prog) ? ISOLATE_PIN_LINKS : ISOLATE_PIN_PROGS,
			 bpf_program__name(prog));
		if (access(path, F_OK))
			all = false;
	}
	isolate_bpf__destroy(skel);
	return all;
}

/*
 * Loads every program, or — on a kernel that refuses the cell ABI's
 * positive prctl return values (newer kernels range-check LSM returns) —
 * every program but that one. *features says which.
 */
static int load_programs(const char *root, const struct btf *kernel,
			 enum isolate_kernel_support *support, __u32 *features)
{
	struct isolate_bpf *skel;
	int err = open_for_this_kernel(&skel, root, kernel, support);

	if (err)
		return err;
	*features = ISOLATE_FEATURE_CELL_ABI;
	err = isolate_bpf__load(skel);
	if (err && err != -EPERM) {
		isolate_bpf__destroy(skel);
		err = open_for_this_kernel(&skel, root, kernel, support);
		if (err)
			return err;
		bpf_program__set_autoload(skel->progs.isolate_task_prctl, false);
		*features = 0;
		err = isolate_bpf__load(skel);
	}
	if (err)
		err = refused_reason(err, support);
	else
		err = attach_and_pin(skel, root);
	isolate_bpf__destroy(skel);
	return err;
}

/* Adopting what is pinned keeps the features found when it was loaded. */
#define KEEP_FEATURES (~0U)

/* Creates the cells cgroup if needed and records where it is. */
static int setup_cells_root(struct isolate *iso, __u32 features)
{
	char parent[PATH_MAX];
	struct isolate_config cfg;
	unsigned int level;
	__u64 cgid;
	int err;

	err = make_dir(iso->cells_cgroup);
	if (!err)
		err = cgroup_id_of(iso->cells_cgroup, &cgid);
	if (!err)
		err = cgroup_level_of(iso->cells_cgroup, &level);
	if (!err)
		err = read_config(iso, &cfg);
	if (err)
		return err;
	if (cfg.abi_version && cfg.abi_version != ISOLATE_ABI_VERSION)
		return set_error(-EPROTO, "the pinned state speaks ABI v%u, this library v%u: unload it first",
				 cfg.abi_version, ISOLATE_ABI_VERSION);
	cfg.abi_version = ISOLATE_ABI_VERSION;
	if (features != KEEP_FEATURES)
		cfg.features = features;
	cfg.cells_root_cgid = cgid;
	cfg.cells_root_level = level;
	if (!cfg.next_ruleset)
		cfg.next_ruleset = 1;	/* 0 stands for "no rules" */
	err = write_config(iso, &cfg);
	if (err)
		return err;
	/* Budgets need the controllers handed down to the cells. */
	cgroup_enable_controllers(dirname_of(iso->cells_cgroup, parent, sizeof(parent)));
	cgroup_enable_controllers(iso->cells_cgroup);
	return 0;
}

#define EGRESS_PROGRAM "isolate_egress"

/*
 * The cells' egress filter (kern/egress.bpf.c), loaded and pinned with the
 * programs that run on demand, is attached to the cells root once; its
 * link is pinned with the hooks' and, like theirs, lasts until unload.
 */
static int attach_egress(struct isolate *iso)
{
	char prog_path[PATH_MAX + 128], link_path[PATH_MAX + 128];
	int prog, cgroup, link, err = 0;

	snprintf(link_path, sizeof(link_path), "%s/%s/%s", iso->pin_root, ISOLATE_PIN_LINKS,
		 EGRESS_PROGRAM);
	if (!access(link_path, F_OK))
		return 0;
	snprintf(prog_path, sizeof(prog_path), "%s/%s/%s", iso->pin_root, ISOLATE_PIN_PROGS,
		 EGRESS_PROGRAM);
	prog = bpf_obj_get(prog_path);
	if (prog < 0)
		return set_error(-errno, "cannot open %s: %s", prog_path, strerror(errno));
	cgroup = open(iso->cells_cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup < 0) {
		err = set_error(-errno, "cannot open %s: %s", iso->cells_cgroup, strerror(errno));
		close(prog);
		return err;
	}
	link = bpf_link_create(prog, cgroup, BPF_CGROUP_INET_EGRESS, NULL);
	if (link < 0)
		err = set_error(-errno, "attaching the cells' egress filter to %s failed: %s",
				iso->cells_cgroup, strerror(errno));
	else if (bpf_obj_pin(link, link_path))
		err = set_error(-errno, "pinning %s failed: %s", link_path, strerror(errno));
	if (link >= 0)
		close(link);
	close(cgroup);
	close(prog);
	return err;
}

/* cell_recover() for every cell the kernel knows. */
static void recover_cells(struct isolate *iso)
{
	DIR *d = opendir(iso->cells_cgroup);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			cell_recover(iso, de->d_name);
	if (d)
		closedir(d);
}

/*
 * A cell that could not be made again, not even closed: no entry, so the
 * programs give its processes nothing (no rules); said in a created
 * event, as the closed ones are, since no cell list shows it.
 */
static void adopt_failed(struct isolate *iso, const char *name, __u64 cgid)
{
	const struct isolate_cell none = { 0 };
	char detail[128];

	snprintf(detail, sizeof(detail), "closed, with no entry: it could not be made again: %s",
		 isolate_last_error());
	emit_lifecycle(iso, name, cgid, &none, ISOLATE_LIFECYCLE_CREATED, detail);
}

/*
 * Cells whose cgroup outlived their kernel state (an `unload --force`)
 * get it back from their kept policy; what cells whose cgroup went
 * without a destroy left (files, map entries, their ids) is removed
 * first, rules nobody uses are dropped last. One cell that fails holds
 * back no other: only what stops them all fails the load. Directories
 * whose names no cell can have are none of ours.
 */
static int adopt_cells(struct isolate *iso)
{
	int err = cell_leftovers_sweep(iso) ?: cell_ids_rebuild(iso);
	DIR *d = opendir(iso->cells_cgroup);
	struct dirent *de;

	if (err) {
		if (d)
			closedir(d);
		return err;
	}
	if (!d)
		return set_error(-errno, "cannot list %s: %s", iso->cells_cgroup, strerror(errno));
	while ((de = readdir(d))) {
		char dir[PATH_MAX + 256];
		struct isolate_cell cell;
		__u64 cgid;

		if (de->d_type != DT_DIR || !isolate_cell_name_valid(de->d_name))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", iso->cells_cgroup, de->d_name);
		if (cgroup_id_of(dir, &cgid))
			continue;
		/* Only a load that adopts has cells in the map: its failure unpins nothing. */
		if (!bpf_map_lookup_elem(iso->map_fd[MAP_CELLS], &cgid, &cell)) {
			int recovered = cell_recover(iso, de->d_name);

			err = err ?: recovered;
		} else if (cell_readopt(iso, de->d_name)) {
			adopt_failed(iso, de->d_name, cgid);
		}
	}
	closedir(d);
	return err ?: ruleset_gc(iso);
}

static void unpin_dir(const char *root, const char *sub)
{
	char dir[PATH_MAX + 16], path[PATH_MAX + 300];
	struct isolate_bpf *skel = isolate_bpf__open();
	struct bpf_program *prog;
	struct bpf_map *map;

	if (!skel)
		return;
	snprintf(dir, sizeof(dir), "%s/%s", root, sub);
	if (!strcmp(sub, ISOLATE_PIN_MAPS)) {
		bpf_object__for_each_map(map, skel->obj) {
			snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
			unlink(path);
		}
	} else {
		bpf_object__for_each_program(prog, skel->obj) {
			snprintf(path, sizeof(path), "%s/%s", dir, bpf_program__name(prog));
			unlink(path);
		}
	}
	isolate_bpf__destroy(skel);
	rmdir(dir);
}

/* Links first: enforcement stops before the maps it reads go away. */
static void unpin_all(const char *root)
{
	unpin_dir(root, ISOLATE_PIN_LINKS);
	unpin_dir(root, ISOLATE_PIN_PROGS);
	unpin_dir(root, ISOLATE_PIN_MAPS);
}

/*
 * Where the cells live: where they live already when isolate is loaded,
 * else the cgroup asked for (a cgroup v2 directory, created if missing),
 * else <cgroup2>/isolate. Moving them needs an unload first. A cgroup
 * taken anew must be fit to hold cells (cells_root_check()), before
 * anything is written there or in the settings.
 */
static int choose_cells_cgroup(struct isolate *iso, const char *asked)
{
	struct isolate_config cfg;
	struct statfs fs;
	__u64 cgid;
	int err = read_config(iso, &cfg);

	if (err)
		return err;
	if (cfg.cells_root_cgid &&
	    !handle_cells_cgroup_of(cfg.cells_root_cgid, iso->cells_cgroup, sizeof(iso->cells_cgroup))) {
		if (asked && (cgroup_id_of(asked, &cgid) || cgid != cfg.cells_root_cgid))
			return set_error(-EBUSY, "isolate is loaded with its cells in %s: unload it first to move them to %s",
					 iso->cells_cgroup, asked);
		return 0;
	}
	if (!asked)
		err = handle_default_cells_cgroup(iso->cells_cgroup, sizeof(iso->cells_cgroup));
	else if (asked[0] != '/' || (size_t)snprintf(iso->cells_cgroup, sizeof(iso->cells_cgroup),
						      "%s", asked) >= sizeof(iso->cells_cgroup))
		return set_error(-EINVAL, "the cells cgroup must be an absolute path, got %s", asked);
	if (!err)
		err = make_dir(iso->cells_cgroup);
	if (!err && (statfs(iso->cells_cgroup, &fs) || fs.f_type != CGROUP2_SUPER_MAGIC))
		err = set_error(-EINVAL, "%s is not a cgroup v2 directory", iso->cells_cgroup);
	return err ?: cells_root_check(iso->cells_cgroup);
}

int isolate_load(struct isolate **out, enum isolate_kernel_support *support)
{
	return isolate_load_at(NULL, out, support);
}

int isolate_load_at(const char *cells_cgroup, struct isolate **out,
		    enum isolate_kernel_support *support)
{
	char settings[PATH_MAX + 64];
	enum isolate_kernel_support dummy;
	__u32 features = KEEP_FEATURES;
	struct btf *kernel;
	struct isolate *iso;
	bool bpf_active, fresh;
	int err;

	if (!support)
		support = &dummy;
	*support = ISOLATE_SUPPORT_OK;
	quiet_libbpf();

	err = isolate_lsm_active(&bpf_active);
	if (err) {
		*support = ISOLATE_SUPPORT_UNKNOWN;
		return set_error(-EOPNOTSUPP, "cannot tell whether BPF LSM is active (%s): refusing to run unconfined",
				 isolate_last_error());
	}
	if (!bpf_active) {
		*support = ISOLATE_SUPPORT_NO_BPF_LSM;
		return set_error(-EOPNOTSUPP,
				 "\"bpf\" is not an active LSM on this kernel (see /sys/kernel/security/lsm): "
				 "boot with lsm=...,bpf added to the kernel command line (CONFIG_BPF_LSM=y is needed)");
	}

	iso = handle_alloc();
	if (!iso)
		return set_error(-ENOMEM, "out of memory");
	err = handle_find_pin_root(iso->pin_root, sizeof(iso->pin_root), true);
	if (!err)
		err = make_pin_dirs(iso->pin_root);
	if (!err)
		err = isolate_lock(iso);
	if (err)
		goto fail;
	snprintf(settings, sizeof(settings), "%s/%s/%s", iso->pin_root,
		 ISOLATE_PIN_MAPS, isolate_map_names[MAP_SETTINGS]);
	fresh = access(settings, F_OK) != 0;
	kernel = btf__load_vmlinux_btf();
	if (!kernel)
		err = set_error(-EOPNOTSUPP, "cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s; "
				"isolate needs a kernel built with CONFIG_DEBUG_INFO_BTF", strerror(errno));
	else if (!all_links_pinned(iso->pin_root, kernel))
		err = load_programs(iso->pin_root, kernel, support, &features);
	btf__free(kernel);
	if (!err)
		err = handle_open_maps(iso);
	if (!err)
		err = choose_cells_cgroup(iso, cells_cgroup);
	if (!err)
		err = setup_cells_root(iso, features);
	if (!err)
		err = attach_egress(iso);
	if (!err)
		err = adopt_cells(iso);
	/* A refused first load leaves nothing behind. */
	if (err && fresh)
		unpin_all(iso->pin_root);
	isolate_unlock(iso);
	if (err && fresh)
		rmdir(iso->pin_root);
	if (err)
		goto fail;
	*out = iso;
	return 0;
fail:
	isolate_close(iso);
	return err;
}

int isolate_unload(bool force)
{
	struct isolate *iso;
	__u64 key;
	int err = isolate_open(&iso);

	if (err)
		return err;
	err = isolate_lock(iso);
	if (err)
		goto out;
	if (!bpf_map_get_next_key(iso->map_fd[MAP_CELLS], NULL, &key)) {
		if (!force) {
			err = set_error(-EBUSY, "cells exist: destroy them first, or unload with --force "
					"(their processes then run unconfined)");
			goto out;
		}
		/* The next load rebuilds them from their kept policies: settle those. */
		recover_cells(iso);
	}
	unpin_all(iso->pin_root);
	isolate_unlock(iso);
	close(iso->lock_fd);
	iso->lock_fd = -1;
	if (rmdir(iso->pin_root) && errno != ENOENT)
		err = set_error(-errno, "cannot remove %s: %s", iso->pin_root, strerror(errno));
out:
	isolate_unlock(iso);
	isolate_close(iso);
	return err;
}
