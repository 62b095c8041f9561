/* SPDX-License-Identifier: GPL-2.0 */
/*
 * isolate's pinned state as `load` leaves it, but for the hooks: the maps
 * of the BPF object and the programs libisolate runs itself (lifecycle
 * events), in a bpffs of the test's own, in a mount namespace of its own.
 * The host refuses BPF LSM programs, not these: cells are made, changed,
 * listed and read as on a loaded kernel (and adopted by isolate_load()),
 * and nothing enforces their rules.
 */
#ifndef ISOLATE_TESTS_FAKE_LOAD_H
#define ISOLATE_TESTS_FAKE_LOAD_H

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "common/cgroup.h"
#include "common/mountinfo.h"
#include "isolate_bpf.skel.h"

/*
 * Mounts a bpffs at bpffs (a mkdtemp() template) in a mount namespace of
 * the caller's own, the only one there: isolate's pin root is under the
 * first bpffs mounted. 0 or -errno.
 */
static inline int fake_bpffs(char *bpffs)
{
	char path[PATH_MAX];

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	while (!mount_point_of("bpf", path, sizeof(path)))
		if (umount2(path, MNT_DETACH))
			return -errno;
	if (!mkdtemp(bpffs))
		return -errno;
	return mount("bpf", bpffs, "bpf", 0, "mode=0700") ? -errno : 0;
}

static inline void fake_pin_path(const char *bpffs, const char *sub, const char *name,
				 char *out, size_t len)
{
	snprintf(out, len, "%s/%s%s%s%s%s", bpffs, ISOLATE_PIN_DIR, sub ? "/" : "", sub ?: "",
		 name ? "/" : "", name ?: "");
}

/*
 * What isolate_load pins, but for the hooks and the egress filter: in
 * their place, stand-ins (the settings map, pinned under their names), so
 * that isolate_load() takes it for a load to adopt, as after `unload
 * --force` and `load`, and loads no program. The cells are under
 * cells_root_cgid.
 */
static inline int fake_load(const char *bpffs, uint64_t cells_root_cgid)
{
	static const char *const subs[] = { ISOLATE_PIN_MAPS, ISOLATE_PIN_PROGS,
					    ISOLATE_PIN_LINKS };
	struct isolate_config cfg = { .cells_root_cgid = cells_root_cgid,
				      .abi_version = ISOLATE_ABI_VERSION };
	struct isolate_bpf *skel = isolate_bpf__open();
	char path[PATH_MAX];
	struct bpf_program *prog;
	struct bpf_map *map;
	__u32 zero = 0;
	int err = 0;

	if (!skel)
		return -errno;
	fake_pin_path(bpffs, NULL, NULL, path, sizeof(path));
	mkdir(path, 0700);
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		fake_pin_path(bpffs, subs[i], NULL, path, sizeof(path));
		mkdir(path, 0700);
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__section_name(prog),
							"syscall"));
	bpf_object__for_each_map(map, skel->obj) {
		fake_pin_path(bpffs, ISOLATE_PIN_MAPS, bpf_map__name(map), path, sizeof(path));
		err = err ?: bpf_map__set_pin_path(map, path);
	}
	err = err ?: isolate_bpf__load(skel);
	bpf_object__for_each_program(prog, skel->obj) {
		int stand_in = bpf_map__fd(skel->maps.settings);

		if (err)
			break;
		fake_pin_path(bpffs, ISOLATE_PIN_PROGS, bpf_program__name(prog), path,
			      sizeof(path));
		if (bpf_program__autoload(prog)) {
			err = bpf_program__pin(prog, path);
			continue;
		}
		err = bpf_obj_pin(stand_in, path) ? -errno : 0;
		fake_pin_path(bpffs, ISOLATE_PIN_LINKS, bpf_program__name(prog), path,
			      sizeof(path));
		if (!err && bpf_obj_pin(stand_in, path))
			err = -errno;
	}
	if (!err && bpf_map_update_elem(bpf_map__fd(skel->maps.settings), &zero, &cfg, BPF_ANY))
		err = -errno;
	isolate_bpf__destroy(skel);
	return err;
}

/* What `unload` leaves: nothing pinned, no pin directory. */
static inline int fake_unload(const char *bpffs)
{
	static const char *const subs[] = { ISOLATE_PIN_MAPS, ISOLATE_PIN_PROGS,
					    ISOLATE_PIN_LINKS };
	char dir[PATH_MAX], path[PATH_MAX + NAME_MAX + 2];

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		struct dirent *de;
		DIR *d;

		fake_pin_path(bpffs, subs[i], NULL, dir, sizeof(dir));
		d = opendir(dir);
		if (!d)
			return -errno;
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				unlink(path);
			}
		closedir(d);
		if (rmdir(dir))
			return -errno;
	}
	fake_pin_path(bpffs, NULL, NULL, dir, sizeof(dir));
	return rmdir(dir) ? -errno : 0;
}

/* The directory the cells cgroup (path cells) is made in, into buf. */
static inline const char *dirname_of_cells(const char *cells, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)(strrchr(cells, '/') - cells), cells);
	return buf;
}

/* A fake load to make cells in, with its state directory and cells cgroup. */
struct fake_env {
	char bpffs[64];
	char state[64];		/* ISOLATE_STATE_DIR */
	bool state_made;
	char cells[PATH_MAX];	/* the cells cgroup: .../isolate-test.PID/cells, below the caller's */
	uint64_t cells_cgid;
};

/*
 * 0, or -errno when the host cannot have one: no mount namespace, bpffs,
 * cgroup v2 or BPF maps for the caller. fake_env_down() either way.
 */
static inline int fake_env_up(struct fake_env *f)
{
	char cg[PATH_MAX], own[PATH_MAX];
	int err;

	strcpy(f->bpffs, "/tmp/isolate-bpffs.XXXXXX");
	strcpy(f->state, "/tmp/isolate-state.XXXXXX");
	f->cells[0] = '\0';
	f->state_made = false;
	err = fake_bpffs(f->bpffs);
	if (!err)
		err = mount_point_of("cgroup2", cg, sizeof(cg));
	if (!err)
		err = cgroup_own(cg, own, sizeof(own));
	if (!err) {
		/* Below one of its own: load hands the controllers down to it. */
		if ((size_t)snprintf(f->cells, sizeof(f->cells), "%s/isolate-test.%d/cells", own,
				     getpid()) >= sizeof(f->cells))
			err = -ENAMETOOLONG;
		else if (mkdir(dirname_of_cells(f->cells, cg, sizeof(cg)), 0755) ||
			 mkdir(f->cells, 0755))
			err = -errno;
		if (err)
			f->cells[0] = '\0';
	}
	if (!err)
		err = cgroup_id(f->cells, &f->cells_cgid);
	/* A tmpfs of its own: state files are synced, and many cells make many. */
	if (!err && !mkdtemp(f->state))
		err = -errno;
	f->state_made = !err;
	if (!err && mount("tmpfs", f->state, "tmpfs", 0, "mode=0700"))
		err = -errno;
	if (!err)
		err = setenv("ISOLATE_STATE_DIR", f->state, 1) ? -errno : 0;
	return err ?: fake_load(f->bpffs, f->cells_cgid);
}

/* Removes what fake_env_up() made, the cells' cgroups left too. */
static inline void fake_env_down(struct fake_env *f)
{
	char path[PATH_MAX + NAME_MAX + 2];
	struct dirent *de;
	DIR *d = f->cells[0] ? opendir(f->cells) : NULL;

	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", f->cells, de->d_name);
			rmdir(path);
		}
	if (d)
		closedir(d);
	if (f->cells[0]) {
		rmdir(f->cells);
		rmdir(dirname_of_cells(f->cells, path, sizeof(path)));
	}
	umount2(f->bpffs, MNT_DETACH);
	rmdir(f->bpffs);
	if (!f->state_made)
		return;
	umount2(f->state, MNT_DETACH);
	rmdir(f->state);
}

/* Destroys the cell named cell (none when it is empty), closes iso and takes f down. */
static inline void fake_env_close(struct fake_env *f, struct isolate *iso, const char *cell)
{
	if (iso && cell[0])
		isolate_cell_destroy(iso, cell);
	isolate_close(iso);
	fake_env_down(f);
}

/* A cell of the name with no capabilities, made by the library: 0 or -errno. */
static inline int create_empty_cell(struct isolate *iso, const char *name)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	int err;

	if (!pol)
		return -ENOMEM;
	err = isolate_cell_create(iso, name, pol, NULL);
	isolate_cell_policy_free(pol);
	return err;
}

/*
 * Makes cgroup name in the cells cgroup a cell, as the map says (nothing
 * else of one): its entry, with generation 1 and cell id 0 (the one the
 * fake counters map has). cgid (unless NULL) gets its id.
 */
static inline int fake_cell_entry(struct isolate *iso, const char *name, uint64_t *cgid)
{
	struct isolate_cell cell = { .cell_id = 0, .generation = 1, .ruleset = 1,
				     .mode = ISOLATE_MODE_ENFORCE };
	char path[PATH_MAX];
	uint64_t id;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", isolate_cells_cgroup(iso), name);
	err = cgroup_id(path, &id);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s/%s", isolate_pin_root(iso), ISOLATE_PIN_MAPS, "cells");
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_map_update_elem(fd, &id, &cell, BPF_ANY) ? -errno : 0;
	close(fd);
	if (cgid)
		*cgid = id;
	return err;
}

/* A cell of the name made whole, as far as the fake goes: its cgroup, then its entry. */
static inline int fake_cell(struct isolate *iso, const char *name, uint64_t *cgid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", isolate_cells_cgroup(iso), name);
	if (mkdir(path, 0755))
		return -errno;
	return fake_cell_entry(iso, name, cgid);
}

#endif /* ISOLATE_TESTS_FAKE_LOAD_H */
