/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libisolate's private declarations, shared by the files of user/. */
#ifndef ISOLATE_INTERNAL_H
#define ISOLATE_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <isolate/events.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "common/mountinfo.h"
#include "policy/error.h"

/* The pinned maps, in the order of isolate_map_names[]. */
enum isolate_map_id {
	MAP_SETTINGS,
	MAP_CELLS,
	MAP_INODE_RULES,
	MAP_INODE_BLOOM,
	MAP_NET_RULES,
	MAP_UNIX_RULES,
	MAP_COUNTERS,
	MAP_EVENT_SEQ,
#define MAP_EV(C, number, name, bytes) MAP_EV_##C,
	ISOLATE_EVENT_CLASS_LIST(MAP_EV)
#undef MAP_EV
	MAP_RCU_SYNC,
	MAP_IPC_OWNERS,
	MAP_EVENT_WINDOWS,
	MAP_PATH_SCRATCH,
	MAP_FIFO_OWNERS,
	MAP_FIFO_MAKING,
	MAP_COUNT,
};
extern const char *const isolate_map_names[MAP_COUNT];
/* The ring buffer map of an event class. */
#define MAP_OF_CLASS(event_class) (MAP_EV_DENY + (event_class) - ISOLATE_EVENT_DENY)

/* A kept policy a handle read or wrote (user/policy_cache.c). */
#define POLICY_CACHE_SIZE 8
struct policy_binding;
struct policy_cache_entry {
	char name[64];
	__u64 cgid;
	__u32 generation;
	struct isolate_cell_policy *pol;	/* NULL: a free entry */
	struct policy_binding *bound;		/* the paths' objects; NULL: not known */
	size_t n_bound;
};

/* A cell's name, as a value. */
struct cell_name {
	char s[64];
};

struct isolate {
	char pin_root[PATH_MAX];	/* <bpffs>/isolate */
	char cells_cgroup[PATH_MAX];	/* <cgroup2>/isolate */
	int map_fd[MAP_COUNT];
	int lock_fd;			/* the pin root, flock()ed for changes */
	__u32 settings_id;		/* of map_fd[MAP_SETTINGS]: which load they are */
	/*
	 * The lock and the handle's own state (its caches, the state tree)
	 * are one thread's at a time, and of one process: see handle_enter().
	 */
	pthread_mutex_t mutex;		/* recursive */
	pid_t pid;			/* the process mutex and lock_fd are of */
	pid_t adopting;			/* a child of fork() taking them anew; 0: none */
	pid_t holder;			/* the thread holding the lock; 0: none */
	int lock_depth;			/* the holder's, under mutex */
	bool allow_unenforced;		/* see isolate_allow_unenforced() */
	struct policy_cache_entry policies[POLICY_CACHE_SIZE];
	unsigned int policies_next;	/* the entry a new cell takes */
	struct state_tree *state;	/* state_tree_get(); NULL until asked */
	unsigned int state_reads;	/* how many times it was read */
	/* isolate_state_mounts_follow(): what the last call saw */
	unsigned int state_followed;	/* state_reads then */
	struct isolate_image_inode *closed;	/* state_tree_rules() then, sorted */
	size_t n_closed;
	struct cell_name *reclose;	/* the cells it could not close again then */
	size_t n_reclose;
};

/* user/handle.c: the handle, its lock and the settings map. */
struct isolate *handle_alloc(void);
/* <bpffs>/isolate; with mount_if_missing, mounts a bpffs if there is none. */
int handle_find_pin_root(char *out, size_t len, bool mount_if_missing);
/* <cgroup2>/isolate: the cells cgroup unless load is told another. */
int handle_default_cells_cgroup(char *out, size_t len);
/* The path of the cells cgroup whose id the settings map records. */
int handle_cells_cgroup_of(__u64 cgid, char *out, size_t len);
int handle_open_maps(struct isolate *iso);
/* libbpf prints only with ISOLATE_DEBUG set in the environment. */
void quiet_libbpf(void);



/* mount_point_of(), the failure said (isolate_last_error()). */
int find_mount(const char *fstype, char *path, size_t len);


/* cgroup v2 */
int cgroup_id_of(const char *path, __u64 *id);
int cgroup_level_of(const char *path, unsigned int *level);
int cgroup_kill(const char *path);
int cgroup_kill_and_remove(const char *path);
/* Removes the System V objects the cell cgid made, once its processes are gone (ipc_sweep.c). */
int ipc_sweep(struct isolate *iso, __u64 cgid);
/* The budgets a cell's cgroup had before a change: cpu.max, memory.max, memory.swap.max, pids.max. */
#define CGROUP_BUDGETS 4
struct cgroup_budgets {
	char value[CGROUP_BUDGETS][64];	/* "" where the controller is absent */
};
/*
 * Writes cpu.max, memory.max, pids.max; -EOPNOTSUPP where unavailable.
 * *before (unless NULL) gets the budgets it replaced.
 */
int cgroup_set_limits(const char *dir, const struct isolate_image_limits *limits,
		      bool allow_unenforced, __u32 *unenforced, struct cgroup_budgets *before);
/* The budgets dir's files hold now (0: none), as a policy gives them. */
void cgroup_limits_in_force(const char *dir, struct isolate_image_limits *limits);
/* Writes back what cgroup_set_limits found in force after a change failed
 * with err; returns err, its message naming a budget it could not write. */
int cgroup_restore_limits(const char *dir, const struct cgroup_budgets *before, int err);
/* Enables the controllers budgets need, where the kernel offers them. */
void cgroup_enable_controllers(const char *dir);

/*
 * Rebuilds a surviving cell's kernel state from its kept policy. When that
 * cannot be read or compiled (a path it names is gone), the cell comes back
 * closed, with a policy of its budgets alone as a new generation, instead
 * of keeping every other cell from getting its rules back at load: fail
 * closed.
 */
int cell_readopt(struct isolate *iso, const char *name);

/*
 * Destroys cell name and creates it again from pol, as a new cell. pol is
 * compiled first (every path resolved afresh): when it no longer compiles
 * (a path it grants is gone), the cell stays as it is. Under the lock.
 */
int cell_recreate(struct isolate *iso, const char *name, const struct isolate_cell_policy *pol);

/*
 * The kernel's entry of a cell whose processes are gone (st: its cgroup
 * id and entry), with its rules, its id and its System V objects; detail
 * says why in the `destroyed` event, sent unless name is NULL
 * (user/cell_release.c).
 */
int cell_release_entry(struct isolate *iso, const char *name,
		       const struct isolate_cell_state *st, const char *detail);

/*
 * What cells whose cgroup went without a destroy left (user/cell_leftovers.c).
 * forget: whatever a cell of name left, its files and, found by the id it
 * kept, its map entry; 1 if there was any, 0 if none, or -errno. sweep:
 * the same for every name with files and no cgroup under the cells
 * cgroup, then every map entry whose cgroup is gone; -errno when the
 * state directory cannot be listed.
 */
int cell_leftovers_forget(struct isolate *iso, const char *name);
int cell_leftovers_sweep(struct isolate *iso);
/*
 * Whether the state directory holds files of a cell of name (its channel,
 * which create makes first, its id or its timed grants): a cell isolate
 * made. Creates nothing.
 */
bool cell_files_kept(const char *name);

/*
 * 0 when the cgroup v2 directory dir may hold the cells (user/cells_root_check.c):
 * not the root cgroup, not holding the caller's own cgroup, and every
 * cgroup in it a cell isolate made or empty. -EINVAL or -ENOTEMPTY naming
 * what was found otherwise. Reads only.
 */
int cells_root_check(const char *dir);

/*
 * Settles what a change killed halfway left for a cell the kernel knows:
 * the kept policy of the generation in force, and its budgets.
 */
int cell_recover(struct isolate *iso, const char *name);

/*
 * Sets the autoload flag of every LSM program of obj: on for the one per
 * hook written for the prototype the kernel (its BTF) declares, off for
 * the others; see isolate_hook_choices() (user/hooks.c).
 */
struct bpf_object;
struct btf;
int hooks_choose(struct bpf_object *obj, const struct btf *kernel,
		 struct isolate_hook_choice *out, size_t max, size_t *n);

/*
 * Serialises changes to the pinned state between processes and between
 * threads (handle.c); -ESTALE, not taken, when the handle's maps are no
 * longer the pinned ones (isolate_check_current()). Taken again by its
 * holder, it nests. isolate_unlock() by a thread that does not hold it
 * does nothing.
 */
int isolate_lock(struct isolate *iso);
void isolate_unlock(struct isolate *iso);
/* Whether the calling thread holds the lock. */
bool isolate_locked(struct isolate *iso);
/*
 * The handle's own state, one thread at a time (its mutex, recursive,
 * which isolate_lock() takes too): for calls that read or fill its caches
 * without changing the pinned state.
 */
void handle_enter(struct isolate *iso);
void handle_leave(struct isolate *iso);

int read_config(struct isolate *iso, struct isolate_config *cfg);
int write_config(struct isolate *iso, const struct isolate_config *cfg);

/*
 * The entries of one ruleset, as the maps hold them: keys with the
 * ruleset's id, each array sorted by key bytes (user/ruleset.c).
 */
struct ruleset_inode {
	struct isolate_inode_key key;
	struct isolate_inode_rule rule;
};
struct ruleset_net {
	struct isolate_net_key key;
	struct isolate_net_rule rule;
};
struct ruleset_unix {
	struct isolate_unix_key key;
	struct isolate_unix_rule rule;
};
struct ruleset_entries {
	size_t n_inode, n_net, n_unix;
	struct ruleset_inode *inode;
	struct ruleset_net *net;
	struct ruleset_unix *unix_names;
};
void ruleset_entries_free(struct ruleset_entries *e);

/* A copy of the policy cell name holds at generation, or NULL. */
struct isolate_cell_policy *policy_cache_get(struct isolate *iso, const char *name,
					     __u64 cgid, __u32 generation);
/* pol copied; bound (the bindings of its paths, or NULL) taken over. */
void policy_cache_put(struct isolate *iso, const char *name, __u64 cgid, __u32 generation,
		      const struct isolate_cell_policy *pol, struct policy_binding *bound,
		      size_t n_bound);
/*
 * The same with pol (named name, as the cache and the kept file give
 * policies back) taken over too; NULL: nothing kept.
 */
void policy_cache_put_owned(struct isolate *iso, const char *name, __u64 cgid,
			    __u32 generation, struct isolate_cell_policy *pol,
			    struct policy_binding *bound, size_t n_bound);
void policy_cache_free(struct isolate *iso);
/* The bindings the handle keeps for the generation, valid until its entry changes. */
bool policy_cache_bindings(struct isolate *iso, const char *name, __u64 cgid, __u32 generation,
			   const struct policy_binding **b, size_t *n);

/* Rules of one generation (user/ruleset.c). */
int ruleset_alloc(struct isolate *iso, uint32_t *ruleset);
/* img, the state directory closed and the cell's channel open, in a new ruleset. */
int ruleset_write(struct isolate *iso, uint32_t ruleset,
		  const struct isolate_image *img, const struct isolate_image_inode *channel);
/*
 * The same in a cell's spare, writing only what differs from what its
 * record says it holds, after a grace period unless the record says quiet;
 * on failure it holds no known state, and its record says so.
 */
int ruleset_rewrite(struct isolate *iso, uint32_t ruleset,
		    const struct isolate_image *img, const struct isolate_image_inode *channel);
int ruleset_delete(struct isolate *iso, uint32_t ruleset);
int ruleset_gc(struct isolate *iso);

/* Cell ids in use (user/cell_ids.c); see there. */
int cell_id_alloc(struct isolate *iso, uint32_t want, uint32_t *id);
void cell_id_release(struct isolate *iso, uint32_t id);
int cell_ids_rebuild(struct isolate *iso);

/*
 * What each ruleset holds, kept beside the state (user/ruleset_record.c):
 * written before its entries (writing; also: the keys it held before) and
 * after them (done). Quiet: done, switched away from, and a grace period
 * old since, so that no hook still reads it. Read: -ENOENT when there is
 * none, -EBADMSG when it is not ours. Delete: the keys listed (-ENOENT: no
 * record to trust, scan). Kept: whether the id has a record, readable or
 * not (one written, its entries maybe in the maps). The records of
 * rulesets not in live dropped.
 */
enum record_state {
	RECORD_WRITING,
	RECORD_DONE,
	RECORD_QUIET,
};
int ruleset_record_write(uint32_t ruleset, const struct ruleset_entries *e,
			 const struct ruleset_entries *also, bool done);
int ruleset_record_read(uint32_t ruleset, struct ruleset_entries *e,
			enum record_state *state);
void ruleset_record_quiet(uint32_t ruleset);
int ruleset_record_delete(struct isolate *iso, uint32_t ruleset);
bool ruleset_record_kept(uint32_t ruleset);
void ruleset_record_forget(uint32_t ruleset);
void ruleset_record_prune(const uint32_t *live, size_t n_live);

/*
 * Kept cell policies (user/spec.c); gen 0 is never used. A new generation
 * is written pending, and committed once the kernel switched to it.
 */
int spec_write(const char *name, __u32 gen, const struct isolate_cell_policy *pol,
	       bool pending);
int spec_commit(const char *name, __u32 gen);
/* Anything kept for name but generation gen: an interrupted change. */
bool spec_leftovers(const char *name, __u32 gen);
/* Whether generation gen of name is written but not yet switched to. */
bool spec_pending(const char *name, __u32 gen);
int spec_read(const char *name, __u32 gen, struct isolate_cell_policy **out);
int spec_latest(const char *name, __u32 *gen);
/*
 * What the paths of generation gen are bound to (policy_binding):
 * -ENOENT without an error message when nothing is kept (a cell made by
 * an older libisolate), -EINVAL when the file is not one we wrote.
 */
int spec_write_bindings(const char *name, __u32 gen, const struct policy_binding *b, size_t n);
int spec_read_bindings(const char *name, __u32 gen, struct policy_binding **b, size_t *n);
/*
 * Other names of a denied object (user/deny_aliases.c). deny_first_link:
 * the first multiply-linked regular file at or below real into out, with
 * its link count: 1, 0 when there is none, -errno when the tree cannot be
 * scanned (directories below real the caller may not read are passed over
 * and counted in *unreadable). deny_mount_aliases: fn with each other path
 * a mount of its file system shows real or a part of it at (0 or fn's
 * non-zero stop), or -errno.
 */
int deny_first_link(const char *real, char *out, size_t len, nlink_t *links,
		    size_t *unreadable);
int deny_mount_aliases(const char *real, int (*fn)(void *ctx, const char *alias), void *ctx);

/* What the cell's policy asks and this system does not enforce. */
int spec_write_unenforced(const char *name, __u32 unenforced);
__u32 spec_read_unenforced(const char *name);
/* The cell's id, kept so that it outlives unload --force and load; 0 if none. */
int spec_write_cell_id(const char *name, __u32 cell_id);
__u32 spec_read_cell_id(const char *name);
void spec_prune(const char *name, __u32 keep);
void spec_remove(const char *name);
/*
 * The same without listing the directory of every cell's files (the hot
 * paths, where the generations are known): generation gen's files; all of
 * a cell whose generation in force is gen (and gen + 1 a change was making).
 */
void spec_drop(const char *name, __u32 gen);
void spec_remove_at(const char *name, __u32 gen);


/* The event stream (user/events.c): the consumer lock's fd, or -1. */
int events_lock_fd(const struct isolate_events *ev);
/* <state dir>/events/sock */
void events_socket_path(char *out, size_t len);

/*
 * The state directory as cells' rules see it (user/state_tree.c): where it
 * lies in its file system and the mounts, kept by the handle and read
 * again when the mounts change.
 */
struct state_tree {
	char dir[PATH_MAX];		/* the state_dir() it is of */
	int root;			/* statefs_root() */
	struct stat st;			/* of root */
	unsigned int major, minor;	/* of the mount it lies on, as mountinfo says */
	char fs_path[PATH_MAX];		/* where it lies in its file system */
	struct mount_table mounts;
	int mountinfo;			/* /proc/self/mountinfo, which polls POLLPRI on a change */
};
/* The handle's, read again if the mounts changed since it was read. */
int state_tree_get(struct isolate *iso, const struct state_tree **out);
void state_tree_free(struct state_tree *s);
/*
 * Whether the object at real (resolved; dev in kernel encoding) lies in the
 * state directory, whatever mount real names it through.
 */
bool state_tree_holds(const struct state_tree *s, __u32 dev, const char *real);
/*
 * The rules closing it to every cell (allow nothing): on it, and on the
 * root of every other mount of a directory or file inside it. *n of them,
 * with room for one more; free(*rules).
 */
int state_tree_rules(const struct state_tree *s, struct isolate_image_inode **rules, size_t *n);
/* A rule of the loader's own (no policy rule decided it) on the object of st. */
void inode_rule_of(const struct stat *st, __u32 allow, struct isolate_image_inode *rule);

/*
 * The state directory, root's own (user/statefs.c): every file in it is
 * reached through directory fds, without following links. Functions
 * returning an fd return it or a negative errno.
 */
const char *state_dir(void);
int statefs_root(void);
/* parent/name, created with mode if missing; must be ours and private. */
int statefs_dir(int parent, const char *name, mode_t mode);
/* statefs_dir() of one that exists: -ENOENT when it does not. */
int statefs_dir_open(int parent, const char *name);
/* statefs_dir() of <state dir>/sub. */
int statefs_subdir(const char *sub, mode_t mode);
/* statefs_subdir() of one that exists, creating nothing: -ENOENT when it or the state directory does not. */
int statefs_subdir_open(const char *sub);
/* Writes name whole: a fresh O_EXCL file, synced, renamed into place. */
int statefs_write(int dirfd, const char *name, const void *data, size_t len, mode_t mode);
/*
 * Reads the regular file name (no link, no FIFO, at most max bytes) into
 * *out, NUL-terminated (free it). -ENOENT when it is missing.
 */
int statefs_read(int dirfd, const char *name, size_t max, char **out, size_t *len);
/* Removes parent/name and what is below it, links not followed. */
int statefs_remove_tree(int parent, const char *name, int depth);

/*
 * Timed grants (user/timed.c): capabilities a cell holds until a time of
 * CLOCK_BOOTTIME, kept beside its policy.
 */
struct timed_cap {
	__u64 expires_ns;
	struct isolate_cap *cap;
	bool added;	/* by the change being made (timed_add): its path is bound now */
};
__u64 boot_ns(void);
/* The cell's timed grants that have not ended by now. */
int timed_read(const char *name, __u64 now, struct timed_cap **out, size_t *n);
int timed_write(const char *name, const struct timed_cap *t, size_t n);
int timed_add(struct timed_cap **list, size_t *n, struct isolate_cap *const caps[],
	      size_t n_caps, __u64 expires);
void timed_free(struct timed_cap *t, size_t n);

/*
 * isolate_cell_update() with the timed grants given: the generation holds
 * pol and them, and falls back in the kernel to pol alone when the first
 * of them ends. With rebind, every path is bound afresh. With narrows
 * (the change takes rights away, gives none), denied trees are scanned for
 * hard links however big: a cell must not be able to block that change by
 * filling a tree it may write in. With checked,
 * its path is bound to its object (one the caller has checked), whatever
 * the path names by now. With give
 * (pol itself), the handle's cache takes pol over when the change is made
 * and *give is set to NULL. A timed grant held already whose path is
 * bound to no object (unless rebind) is dropped, not bound afresh: the
 * change is made without it and then fails with -ESTALE, naming it.
 * Under the lock.
 */
int cell_update_timed(struct isolate *iso, const char *name,
		      const struct isolate_cell_policy *pol, const struct timed_cap *timed,
		      size_t n_timed, bool rebind, bool narrows,
		      const struct policy_binding *checked, struct isolate_cell_policy **give);

/* Empties the ambient, inheritable, permitted and effective sets (user/spawn.c). */
int drop_capabilities(void);

/* What a command of the Landlock backend enters before exec (user/landlock.c). */
struct sock_fprog;
struct landlock_entry {
	const struct sock_fprog *filter;	/* seccomp's; NULL: none for this architecture */
	int ruleset_fd;
	__u32 restrict_flags;			/* landlock_restrict_self()'s */
};

/*
 * Starts argv (user/spawn.c): inside cgroup_fd's cgroup from its first
 * instruction (-1: where we are), with what it gives up (ids if asked,
 * every capability, no_new_privs), then restricted by landlock's filter
 * and ruleset (NULL: neither), with the channel's variables when channel
 * is not NULL. where names it in errors ("in cell x").
 */
int spawn_confined(int cgroup_fd, const struct landlock_entry *landlock, const char *channel,
		   const char *where, char *const argv[], const struct isolate_spawn_opts *opts,
		   pid_t *pid);

/*
 * A caller's options (NULL: none) as this library's struct, in opts;
 * -EINVAL when they ask for ids that are none ((uid_t)-1) or have no size,
 * -E2BIG with fields set that this library does not know: nothing may run.
 */
int spawn_opts_read(const struct isolate_spawn_opts *given, struct isolate_spawn_opts *opts,
		    const char *where);
/* -EPERM naming the first descriptor the command would inherit that lets a cell out. */
int spawn_refuse_escaping_fds(char *const argv[], const char *where,
			      const struct isolate_spawn_opts *opts);

/* The cell's channel (user/channel.c). */
/* Creates it and fills the rule (read only) that opens it to the cell. */
int channel_create(const char *name, struct isolate_image_inode *rule);
/* Lets group gid (a cell's processes run with --user) read the channel. */
int channel_share_with(const char *name, gid_t gid);
void channel_remove(const char *name);

/* A lifecycle event for the supervisor (user/lifecycle.c). */
void emit_lifecycle(struct isolate *iso, const char *name, __u64 cgid,
		    const struct isolate_cell *cell, enum isolate_lifecycle what,
		    const char *detail);
/* "cpu memory pids" for ISOLATE_UNENFORCED_* bits. */
void unenforced_text(__u32 bits, char *buf, size_t len);

/* Returns once no BPF program still runs that started before the call. */
int rcu_sync(struct isolate *iso);


#endif /* ISOLATE_INTERNAL_H */
