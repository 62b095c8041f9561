// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The handle every call takes: where isolate's pins and cells are, the
 * pinned maps opened, the lock that serialises changes between processes
 * and threads, and the settings map. Loading (load.c), cells (cell.c) and
 * rulesets (ruleset.c) build on it; it knows none of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "common/cgroup.h"
#include "user/internal.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"

const char *const isolate_map_names[MAP_COUNT] = {
	[MAP_SETTINGS] = "settings",
	[MAP_CELLS] = "cells",
	[MAP_INODE_RULES] = "inode_rules",
	[MAP_INODE_BLOOM] = "inode_bloom",
	[MAP_NET_RULES] = "net_rules",
	[MAP_UNIX_RULES] = "unix_rules",
	[MAP_COUNTERS] = "counters",
	[MAP_EVENT_SEQ] = "event_seq",
#define MAP_EV_NAME(C, number, name, bytes) [MAP_EV_##C] = "ev_" #name,
	ISOLATE_EVENT_CLASS_LIST(MAP_EV_NAME)
#undef MAP_EV_NAME
	[MAP_RCU_SYNC] = "rcu_sync",
	[MAP_IPC_OWNERS] = "ipc_owners",
	[MAP_EVENT_WINDOWS] = "event_windows",
	[MAP_PATH_SCRATCH] = "path_scratch",
	[MAP_FIFO_OWNERS] = "fifo_owners",
	[MAP_FIFO_MAKING] = "fifo_making",
};

/* libbpf's own messages only matter when something is being debugged. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("ISOLATE_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

void quiet_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}

static void mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
}

struct isolate *handle_alloc(void)
{
	struct isolate *iso = calloc(1, sizeof(*iso));

	if (!iso)
		return NULL;
	for (int i = 0; i < MAP_COUNT; i++)
		iso->map_fd[i] = -1;
	iso->lock_fd = -1;
	mutex_init(&iso->mutex);
	iso->pid = getpid();
	return iso;
}

/*
 * A child of fork() has a copy of the handle: a mutex that another thread
 * of the parent may have held (for good, here), the caches it guards, and
 * the parent's lock fd, whose flock it would share: taken while the parent
 * holds it, released for both by either. It takes them anew at its first
 * call: one of its threads does, any other waits for it.
 */
static void adopt_after_fork(struct isolate *iso, pid_t me)
{
	pid_t seen;

	for (;;) {
		if (__atomic_load_n(&iso->pid, __ATOMIC_ACQUIRE) == me)
			return;
		seen = __atomic_load_n(&iso->adopting, __ATOMIC_ACQUIRE);
		/* Another process's value (0, or a parent forked while adopting) is ours to take. */
		if (seen != me && __atomic_compare_exchange_n(&iso->adopting, &seen, me, false,
							      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			break;
		sched_yield();
	}
	mutex_init(&iso->mutex);
	iso->lock_depth = 0;
	iso->holder = 0;
	/*
	 * What such a thread was changing may be half done (an entry freed,
	 * its pointer not yet cleared): forgotten, not freed, and read again.
	 */
	memset(iso->policies, 0, sizeof(iso->policies));
	iso->state = NULL;
	iso->closed = NULL;
	iso->n_closed = 0;
	iso->reclose = NULL;
	iso->n_reclose = 0;
	if (iso->lock_fd >= 0)
		close(iso->lock_fd);
	iso->lock_fd = -1;
	/* pid first: a thread that sees adopting 0 with the old pid would adopt again. */
	__atomic_store_n(&iso->pid, me, __ATOMIC_RELEASE);
	__atomic_store_n(&iso->adopting, 0, __ATOMIC_RELEASE);
}

void handle_enter(struct isolate *iso)
{
	pid_t me = getpid();

	if (__atomic_load_n(&iso->pid, __ATOMIC_ACQUIRE) != me)
		adopt_after_fork(iso, me);
	pthread_mutex_lock(&iso->mutex);
}

void handle_leave(struct isolate *iso)
{
	pthread_mutex_unlock(&iso->mutex);
}

bool isolate_locked(struct isolate *iso)
{
	/* Only the holder stores its own id there: no other thread can see it. */
	return __atomic_load_n(&iso->pid, __ATOMIC_ACQUIRE) == getpid() &&
	       __atomic_load_n(&iso->holder, __ATOMIC_ACQUIRE) == gettid();
}

void isolate_close(struct isolate *iso)
{
	if (!iso)
		return;
	for (int i = 0; i < MAP_COUNT; i++)
		if (iso->map_fd[i] >= 0)
			close(iso->map_fd[i]);
	if (iso->lock_fd >= 0)
		close(iso->lock_fd);
	pthread_mutex_destroy(&iso->mutex);
	policy_cache_free(iso);
	state_tree_free(iso->state);
	free(iso->closed);
	free(iso->reclose);
	free(iso);
}

const char *isolate_pin_root(const struct isolate *iso)
{
	return iso->pin_root;
}

const char *isolate_cells_cgroup(const struct isolate *iso)
{
	return iso->cells_cgroup;
}

int handle_find_pin_root(char *out, size_t len, bool mount_if_missing)
{
	char bpffs[PATH_MAX];

	if (find_mount("bpf", bpffs, sizeof(bpffs))) {
		if (!mount_if_missing)
			return set_error(ISOLATE_ENOTLOADED,
					 "isolate is not loaded (no bpf filesystem is mounted): run `isolate-loader load`");
		if (mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700"))
			return set_error(-errno, "no bpf filesystem is mounted and mounting one on %s failed: %s",
					 BPFFS_DEFAULT, strerror(errno));
		strcpy(bpffs, BPFFS_DEFAULT);
	}
	if ((size_t)snprintf(out, len, "%s/%s", bpffs, ISOLATE_PIN_DIR) >= len)
		return set_error(-ENAMETOOLONG, "bpffs path too long");
	return 0;
}

int handle_default_cells_cgroup(char *out, size_t len)
{
	char cg[PATH_MAX];
	int err = find_mount("cgroup2", cg, sizeof(cg));

	if (err)
		return set_error(err, "no cgroup v2 hierarchy is mounted: cells need one");
	if ((size_t)snprintf(out, len, "%s/isolate", cg) >= len)
		return set_error(-ENAMETOOLONG, "cgroup path too long");
	return 0;
}

int handle_cells_cgroup_of(__u64 cgid, char *out, size_t len)
{
	char cg[PATH_MAX];
	int err = find_mount("cgroup2", cg, sizeof(cg));

	if (err)
		return set_error(err, "no cgroup v2 hierarchy is mounted: cells need one");
	err = cgroup_path_of_id(cg, cgid, out, len);
	if (err == -ESTALE)
		return set_error(-ESTALE, "the cells cgroup isolate was loaded with is gone: run `isolate-loader load` again");
	if (err)
		return set_error(err, "cannot find the cells cgroup (id %llu): %s",
				 (unsigned long long)cgid, strerror(-err));
	return 0;
}

static int map_id_of(int fd, __u32 *id)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

static int stale(const char *why)
{
	return set_error(-ESTALE, "%s since this handle was opened: reopen it", why);
}

int isolate_check_current(struct isolate *iso)
{
	char settings[PATH_MAX + 64];
	struct stat now, held;
	__u32 id = 0;
	int fd, err;

	if (stat(iso->pin_root, &now))
		return errno == ENOENT ? stale("isolate was unloaded") :
			set_error(-errno, "cannot read %s: %s", iso->pin_root, strerror(errno));
	/* A lock on the directory unload removed serialises nothing. */
	if (iso->lock_fd >= 0 && (fstat(iso->lock_fd, &held) || held.st_dev != now.st_dev ||
				  held.st_ino != now.st_ino))
		return stale("the loader was unloaded and loaded again");
	/* load before its maps are open: nothing to compare yet. */
	if (iso->map_fd[MAP_SETTINGS] < 0)
		return 0;
	snprintf(settings, sizeof(settings), "%s/%s/%s", iso->pin_root, ISOLATE_PIN_MAPS,
		 isolate_map_names[MAP_SETTINGS]);
	fd = bpf_obj_get(settings);
	if (fd < 0)
		return errno == ENOENT ? stale("isolate was unloaded") :
			set_error(-errno, "cannot open %s: %s", settings, strerror(errno));
	err = map_id_of(fd, &id);
	close(fd);
	if (err)
		return set_error(err, "cannot read %s: %s", settings, strerror(-err));
	return id == iso->settings_id ? 0 : stale("the loader was unloaded and loaded again");
}

/*
 * The maps and the lock a handle opened are those of one load: after
 * another, changes through them would land in maps no program reads.
 * Threads sharing the handle share its lock fd, whose flock does not keep
 * one from another: the mutex does.
 */
int isolate_lock(struct isolate *iso)
{
	int err;

	handle_enter(iso);
	if (iso->lock_depth++)
		return 0;
	if (iso->lock_fd < 0) {
		iso->lock_fd = open(iso->pin_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (iso->lock_fd < 0) {
			err = errno == ENOENT ? stale("isolate was unloaded") :
				set_error(-errno, "cannot open %s: %s", iso->pin_root, strerror(errno));
			goto fail;
		}
	}
	if (flock(iso->lock_fd, LOCK_EX)) {
		err = set_error(-errno, "cannot lock %s: %s", iso->pin_root, strerror(errno));
		goto fail;
	}
	err = isolate_check_current(iso);
	if (err) {
		flock(iso->lock_fd, LOCK_UN);
		goto fail;
	}
	__atomic_store_n(&iso->holder, gettid(), __ATOMIC_RELEASE);
	return 0;
fail:
	iso->lock_depth = 0;
	handle_leave(iso);
	return err;
}

void isolate_unlock(struct isolate *iso)
{
	/* Some callers unlock on every way out, the lock taken or not. */
	if (!isolate_locked(iso))
		return;
	if (!--iso->lock_depth) {
		__atomic_store_n(&iso->holder, 0, __ATOMIC_RELEASE);
		flock(iso->lock_fd, LOCK_UN);
	}
	handle_leave(iso);
}

int read_config(struct isolate *iso, struct isolate_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(iso->map_fd[MAP_SETTINGS], &zero, cfg))
		return set_error(-errno, "cannot read the settings map: %s", strerror(errno));
	return 0;
}

int write_config(struct isolate *iso, const struct isolate_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(iso->map_fd[MAP_SETTINGS], &zero, cfg, BPF_ANY))
		return set_error(-errno, "cannot write the settings map: %s", strerror(errno));
	return 0;
}

int handle_open_maps(struct isolate *iso)
{
	char path[PATH_MAX + 64];
	int err;

	for (int i = 0; i < MAP_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", iso->pin_root,
			 ISOLATE_PIN_MAPS, isolate_map_names[i]);
		iso->map_fd[i] = bpf_obj_get(path);
		if (iso->map_fd[i] < 0 && errno == ENOENT)
			return set_error(ISOLATE_ENOTLOADED,
					 "isolate is not loaded (%s is missing): run `isolate-loader load`",
					 path);
		if (iso->map_fd[i] < 0)
			return set_error(-errno, "cannot open %s: %s", path, strerror(errno));
	}
	err = map_id_of(iso->map_fd[MAP_SETTINGS], &iso->settings_id);
	if (err)
		return set_error(err, "cannot read the settings map: %s", strerror(-err));
	return 0;
}

/*
 * The pinned state must speak our ABI; the cells cgroup is where it says,
 * found by its id (a directory recreated under the same name is not it).
 */
static int check_config(struct isolate *iso)
{
	struct isolate_config cfg;
	int err = read_config(iso, &cfg);

	if (err)
		return err;
	if (cfg.abi_version != ISOLATE_ABI_VERSION)
		return set_error(-EPROTO, "the pinned state speaks ABI v%u, this library v%u: unload it first",
				 cfg.abi_version, ISOLATE_ABI_VERSION);
	return handle_cells_cgroup_of(cfg.cells_root_cgid, iso->cells_cgroup,
				      sizeof(iso->cells_cgroup));
}

int isolate_open(struct isolate **out)
{
	struct isolate *iso = handle_alloc();
	int err;

	if (!iso)
		return set_error(-ENOMEM, "out of memory");
	err = handle_find_pin_root(iso->pin_root, sizeof(iso->pin_root), false);
	if (!err)
		err = handle_open_maps(iso);
	if (!err)
		err = check_config(iso);
	if (err) {
		isolate_close(iso);
		return err;
	}
	*out = iso;
	return 0;
}
