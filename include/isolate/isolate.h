/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libisolate: load the enforcement programs, manage cells, read events.
 * Every function returns 0 or a negative errno, and says why in a message
 * readable with isolate_last_error(). Callers decide by the number, never
 * by the message: -EOPNOTSUPP, this kernel cannot enforce what was asked;
 * ISOLATE_ENOTLOADED, nothing is loaded; -ENOENT, no such cell (or file).
 */
#ifndef ISOLATE_ISOLATE_H
#define ISOLATE_ISOLATE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <isolate/abi.h>
#include <isolate/events.h>

/* What this header declares is libisolate's API, exported; nothing else is. */
#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {
#endif

struct isolate_cell_policy;

/* isolate is not loaded: no pinned state to open (run `isolate-loader load`). */
#define ISOLATE_ENOTLOADED (-ENOPKG)

/* The release of libisolate, e.g. "0.1.0". */
const char *isolate_version(void);

/* The reason for the last failure in this thread, or "". */
const char *isolate_last_error(void);

/*
 * The exit status isolate-loader gives for a libisolate error err (a
 * negative errno): 3 for -EOPNOTSUPP (this kernel cannot enforce it), 4
 * for ISOLATE_ENOTLOADED, 1 otherwise (Documentation/cli.md). Bindings use
 * it so their errors carry the CLI's codes.
 */
int isolate_error_exit_code(int err);

/* Why enforcement is possible or not on this kernel. */
enum isolate_kernel_support {
	ISOLATE_SUPPORT_OK = 0,
	ISOLATE_SUPPORT_NO_BPF_LSM,	/* "bpf" absent from the active LSMs */
	ISOLATE_SUPPORT_LSM_REFUSED,	/* LSM programs rejected at load (EPERM) */
	ISOLATE_SUPPORT_UNKNOWN,	/* the LSM list could not be read */
	ISOLATE_SUPPORT_HOOK_MISMATCH,	/* a hook's prototype matches none of our programs */
};

/*
 * Reads the active LSM list (mounting securityfs if needed). Returns 0 and
 * sets *bpf_active when it could be read.
 */
int isolate_lsm_active(bool *bpf_active);

/*
 * The program of ours that attaches to one LSM hook on a kernel: the one
 * written for the prototype the kernel declares for it (hook prototypes
 * change between releases, and a program reading another prototype's
 * arguments would misread them).
 */
struct isolate_hook_choice {
	char hook[48];		/* e.g. "inode_setattr" */
	char program[64];	/* e.g. "isolate_inode_setattr_idmap"; "" if none is loaded */
	bool kernel_has_hook;	/* bpf_lsm_<hook> is in the kernel's BTF */
	bool optional;		/* newer kernels' hook: where it is missing, others decide */
	char prototype[256];	/* the kernel's parameters, e.g. "struct dentry *, struct iattr *" */
};
#define ISOLATE_HOOKS_MAX 96

/*
 * Chooses a program for every hook isolate attaches to, on the kernel
 * whose BTF is the file btf_path (a vmlinux or raw BTF; NULL: the running
 * kernel's). Fills out[0..*n) in all cases; returns -EOPNOTSUPP, naming
 * the first hook no program matches, when there is one. isolate_load()
 * makes the same choice and refuses the same way.
 */
int isolate_hook_choices(const char *btf_path, struct isolate_hook_choice *out, size_t max,
			 size_t *n);

/*
 * A handle on the pinned isolate state under <bpffs>/isolate/. Threads may
 * share one: its changes are made one at a time, as those of different
 * processes are, and what it keeps (the policies it read) one thread at a
 * time. A child of fork() may use its copy: it takes the lock that
 * serialises changes anew, its own, at its first call. Closing it is the
 * caller's, once no call through it is under way in any thread.
 */
struct isolate;

/*
 * Loads, attaches and pins the programs and maps, or adopts what is pinned
 * already. Refuses with -EOPNOTSUPP on a kernel that cannot enforce, and
 * sets *support to the reason when support is not NULL.
 */
int isolate_load(struct isolate **out, enum isolate_kernel_support *support);
/*
 * isolate_load with the cells in cells_cgroup (a cgroup v2 directory,
 * created if missing: a subtree delegated to the caller, say) instead of
 * <cgroup2>/isolate. NULL: where they are when loaded, else the default.
 * -EBUSY when isolate is loaded with its cells elsewhere.
 */
int isolate_load_at(const char *cells_cgroup, struct isolate **out,
		    enum isolate_kernel_support *support);

/* Opens what `isolate_load` pinned; -ENOENT when nothing is loaded. */
int isolate_open(struct isolate **out);
void isolate_close(struct isolate *iso);
/*
 * 0 while what iso opened is still what is loaded; -ESTALE once isolate
 * was unloaded (and perhaps loaded again) since: its maps, event rings and
 * lock are then of a load no program uses, and every change through iso
 * fails with -ESTALE. A long-lived holder (the supervisor) asks this now
 * and then, and reopens. A stat, an fstat and one map lookup by path.
 */
int isolate_check_current(struct isolate *iso);

/* Unpins everything; -EBUSY while cells exist unless force. */
int isolate_unload(bool force);

/* Path of the pinned-state directory, e.g. "/sys/fs/bpf/isolate". */
const char *isolate_pin_root(const struct isolate *iso);
/* Path of the cgroup directory the cells live below. */
const char *isolate_cells_cgroup(const struct isolate *iso);

/* Budgets a cell asks for that this system does not enforce. */
#define ISOLATE_UNENFORCED_CPU		(1U << 0)
#define ISOLATE_UNENFORCED_MEMORY	(1U << 1)
#define ISOLATE_UNENFORCED_PIDS		(1U << 2)

/* One cell as the kernel sees it. */
struct isolate_cell_state {
	char name[64];
	__u64 cgid;
	struct isolate_cell cell;
	struct isolate_cell_counters counters;	/* summed over CPUs */
	__u32 unenforced;	/* ISOLATE_UNENFORCED_*: accepted, not enforced */
};

/*
 * By default a cell whose policy asks for something this system cannot
 * enforce is refused (-EOPNOTSUPP). With allow set, cells created or
 * changed through iso are created anyway: what is not enforced is kept in
 * isolate_cell_state.unenforced and reported in a lifecycle event.
 */
void isolate_allow_unenforced(struct isolate *iso, bool allow);

/*
 * Creates cell NAME (a cgroup below the cells root) confined to policy,
 * at generation 1. -EEXIST if it exists, -EINVAL for a bad name or a
 * policy that does not compile, -EOPNOTSUPP for budgets this system can
 * not enforce. The policy is kept (see isolate_cell_policy_get).
 */
int isolate_cell_create(struct isolate *iso, const char *name,
			const struct isolate_cell_policy *policy,
			struct isolate_cell_state *out);

/*
 * Replaces the cell's policy, live: the next generation is written beside
 * the current one and switched to with one map update. On failure the
 * current generation stays in force, untouched, unless the error says the
 * cell is at the new one: then the switch was made and only keeping its
 * timed grants failed (they end at the next change, and never come back).
 * Paths the cell already holds stay on the objects they were bound to;
 * only paths new to the cell are resolved now (Documentation/policy.md,
 * "Path entries").
 */
int isolate_cell_update(struct isolate *iso, const char *name,
			const struct isolate_cell_policy *policy);

/* The policy in force in the cell (caller frees it). */
int isolate_cell_policy_get(struct isolate *iso, const char *name,
			    struct isolate_cell_policy **out);

/*
 * What a path the cell holds is bound to: the object its rules are on,
 * since the path entered the cell (Documentation/policy.md, "Path
 * entries").
 */
struct isolate_path_binding {
	const char *path;	/* as the policy writes it */
	const char *real;	/* what it resolved to then; NULL: it did not exist (optional) */
	__u64 dev, ino;		/* st_dev and st_ino of that object */
	bool moved;		/* the path leads to another object now, or to none */
	/*
	 * An object the path was bound to before a rebind bound it afresh:
	 * the path's denies hold on it too (the cell may have put what the
	 * path leads to now there), for as long as the policy denies on it.
	 */
	bool superseded;
};

/*
 * Calls fn for each path of the generation in force, sorted by path, then
 * for each object a path's denies hold on besides (superseded), until fn
 * returns non-zero (which is returned). -ENOENT for a cell that keeps
 * no bindings (made by an older libisolate: its next change binds its
 * paths). Finding where a path leads now stats it, following symlinks.
 */
int isolate_cell_bindings(struct isolate *iso, const char *name,
			  int (*fn)(const struct isolate_path_binding *b, void *ctx), void *ctx);

/*
 * The same policy as a new generation with every path bound afresh, to
 * what it leads to now (symlinks followed): for paths replaced since they
 * were bound (isolate_cell_bindings() says which). Whatever is at a path
 * now is what its grants will be on, links a cell made there included.
 * A deny holds on what it leads to now and on every object it was bound
 * to before (superseded): the cell may have moved that away and put a
 * link to something else in its place.
 */
int isolate_cell_rebind(struct isolate *iso, const char *name);

/* Adds or removes capabilities, live: isolate_cell_update() semantics. */
struct isolate_cap;
int isolate_cell_grant(struct isolate *iso, const char *name,
		       struct isolate_cap *const caps[], size_t n);
int isolate_cell_revoke(struct isolate *iso, const char *name,
			struct isolate_cap *const caps[], size_t n);

/*
 * Grants capabilities for seconds (1 to ISOLATE_GRANT_SECONDS_MAX), live.
 * They are kept beside the cell's policy, not in it, and ended by the
 * kernel itself: the generation carries the time, and from then on the
 * hooks use its rules without the timed grants, whether or not any process
 * is there to revoke them. A cell holding several timed grants loses them
 * all when the first ends; isolate_cell_expire() (the supervisor calls it)
 * then gives back those whose time is not up. A revoke removes a timed
 * grant too.
 */
#define ISOLATE_GRANT_SECONDS_MAX (365 * 24 * 3600)
int isolate_cell_grant_timed(struct isolate *iso, const char *name,
			     struct isolate_cap *const caps[], size_t n, unsigned int seconds);
/*
 * Grants cap, a capability with a path, with its path bound to the object
 * fd refers to (an O_PATH fd will do) instead of resolved again: what the
 * caller checked by object is what is granted, whatever was renamed or
 * linked over the path meanwhile. seconds 0: until revoked; else as
 * isolate_cell_grant_timed(). -ENOENT when the object has been removed;
 * -EBUSY when the cell holds the path already, bound to another object
 * (every capability on a path shares its binding: isolate_cell_rebind()
 * first, if that is meant).
 */
int isolate_cell_grant_at(struct isolate *iso, const char *name, struct isolate_cap *cap, int fd,
			  unsigned int seconds);
/*
 * Removes the timed grants that have ended, in a new generation; 0 if none
 * had. It gives back, over the fallback the kernel enforces since the
 * first ended, those not ended: so its scan of denied trees keeps the size
 * limit of a change that gives rights (-E2BIG past it; the fallback stays
 * in force). isolate_cell_revoke() has none.
 */
int isolate_cell_expire(struct isolate *iso, const char *name);

/* Every capability of the cell as a JSON document (see Documentation/cli.md). */
int isolate_cell_snapshot(struct isolate *iso, const char *name, FILE *out, bool pretty);
/*
 * A new cell from a snapshot read from source (its name in errors):
 * see isolate_cell_policy_read_snapshot().
 */
int isolate_cell_restore(struct isolate *iso, const char *source, const char *json, size_t len,
			 const char *new_name, struct isolate_cell_state *out);
/*
 * Destroys the cell and creates it again with the same capabilities, every
 * path on the object it is bound to (isolate_cell_bindings()), as any
 * change keeps it; when its policy no longer compiles, the cell is left as
 * it is.
 */
int isolate_cell_recycle(struct isolate *iso, const char *name);

/* Kills every process of the cell (the cell stays, empty). */
int isolate_cell_kill(struct isolate *iso, const char *name);

/* Kills the cell's processes, removes its cgroup and every map entry. */
int isolate_cell_destroy(struct isolate *iso, const char *name);

int isolate_cell_get(struct isolate *iso, const char *name,
		     struct isolate_cell_state *out);

/*
 * Every cell, sorted by name, in a malloc'd array the caller frees; *n
 * is its length (0 and NULL when there are none).
 */
int isolate_cells_list(struct isolate *iso, struct isolate_cell_state **cells, size_t *n);
/*
 * Every cell is closed to isolate's state directory, also through bind
 * mounts of parts of it, as the mounts were at the cell's last change.
 * This closes it again in every cell (a new generation of the same policy
 * each) when such a mount has appeared or gone since the handle last
 * looked, and at the first call when there is any. The supervisor calls
 * it as it runs. The number of cells changed, or -errno naming the first
 * cell that could not be (the others are changed all the same); those that
 * could not be are tried again at every later call, until they are or are
 * gone.
 */
int isolate_state_mounts_follow(struct isolate *iso);

/*
 * The name of the cell whose cgroup id is cgid (every event carries it:
 * unlike cell ids, cgroup ids are not reused). -ENOENT if no cell has it.
 */
int isolate_cell_name_of(struct isolate *iso, __u64 cgid, char *name, size_t len);

/*
 * An O_DIRECTORY fd of the cell's cgroup, for clone3(CLONE_INTO_CGROUP):
 * only while iso is of the load in force (-ESTALE, see
 * isolate_check_current()) and the cgroup the fd holds is a cell, with an
 * entry in the kernel's map (-ENOENT for a cgroup whose create is still
 * under way, or failed).
 */
int isolate_cell_cgroup_fd(struct isolate *iso, const char *name);

/*
 * How isolate_cell_spawn starts the process. Sized, so that fields can be
 * added: sz is sizeof(struct isolate_spawn_opts) as the caller was built
 * (ISOLATE_SPAWN_OPTS sets it); fields past it read as zero, and a caller
 * built with fields this library does not have must leave them zero
 * (-E2BIG otherwise). sz 0 is refused (-EINVAL).
 */
struct isolate_spawn_opts {
	size_t sz;
	bool set_ids;		/* switch to uid/gid (supplementary groups dropped); -1 is refused */
	uid_t uid;
	gid_t gid;
	/*
	 * The environment; NULL: what isolate_env_passes. argv[0] without
	 * a '/' is looked for on its PATH (execvpe(3): without one,
	 * confstr(_CS_PATH)), not on the caller's.
	 */
	char *const *envp;
	/*
	 * The child's working directory (entered after the ids are
	 * switched, inside the confinement); NULL: the caller's.
	 */
	const char *cwd;
	/* Three fds that become the child's 0, 1 and 2 (-1: inherit); NULL: inherit. */
	const int *stdio;
	/*
	 * The child leads a session of its own (setsid), and the first of
	 * its fds 0, 1 and 2 that is a terminal becomes that session's
	 * controlling terminal. Give it a terminal of its own (a pty) in
	 * stdio: one shared with the caller's session stays readable, and
	 * its modes changeable, by whatever of the cell holds it. A child
	 * given no terminal at 0, 1 and 2 leads a session of its own
	 * anyway: in the caller's, /dev/tty would be the caller's terminal.
	 */
	bool new_session;
};

/* A struct isolate_spawn_opts called name, sized, with the fields given: ISOLATE_SPAWN_OPTS(o, .cwd = "/"). */
#define ISOLATE_SPAWN_OPTS(name, ...) \
	struct isolate_spawn_opts name = { .sz = sizeof(struct isolate_spawn_opts), __VA_ARGS__ }

/*
 * Whether "NAME=VALUE" of the caller's environment passes into a cell when
 * isolate_spawn_opts.envp is NULL (and in `isolate-loader run`): PATH,
 * HOME, LANG, LANGUAGE, TERM, TZ, USER, LOGNAME and LC_*. Everything else
 * (tokens, proxies, LD_PRELOAD, ...) stays out unless passed explicitly.
 * Without PATH the cell gets ISOLATE_DEFAULT_PATH.
 */
bool isolate_env_passes(const char *entry);
#define ISOLATE_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Runs argv in the cell: the child is created inside the cell's cgroup, so
 * the rules hold from its first instruction. It drops every capability
 * and sets no_new_privs before exec. Sets *pid, also when exec fails: the
 * child then exits (126, or 127 for a missing command) and the returned
 * error says why; *pid is -1 when no child was started. No child is
 * started (-EPERM) while a descriptor it would inherit (not close-on-exec,
 * or in opts->stdio) is open for writing on a cgroup file system, on
 * bpffs, or a BPF object: the kernel checks those at open, and the cell
 * could leave its cgroup or change its rules through it. Nor (-EINVAL)
 * with opts->set_ids and a uid or gid of -1, which setresuid(2) reads as
 * "no change", or opts->sz 0. Nor where isolate_cell_cgroup_fd() refuses.
 */
int isolate_cell_spawn(struct isolate *iso, const char *name,
		       char *const argv[], const struct isolate_spawn_opts *opts,
		       pid_t *pid);

/*
 * Events. Each class's ring buffer has exactly one consumer: the
 * supervisor (the one holding the consumer lock in the state directory),
 * which hands every record to subscribers through a local socket; a
 * record read from a ring is gone for every other reader. The callback
 * gets each record as the kernel wrote it and returns non-zero to stop
 * the current poll after this record.
 */
typedef int (*isolate_event_fn)(void *ctx, const struct isolate_event_hdr *hdr,
				size_t size);
struct isolate_events;
/*
 * Takes the rings: the consumer lock, then every class's ring. -EBUSY when
 * a supervisor (or another taker) consumes them.
 */
int isolate_events_open(struct isolate *iso, isolate_event_fn fn, void *ctx,
			struct isolate_events **out);
/*
 * Subscribes to the supervisor's stream: the records of the classes in
 * class_mask (bit 1 << class; 0 for all), first (with replay) the most
 * recent ones it kept, then each as it arrives; the end of the replay is
 * a call with hdr NULL. ISOLATE_ENOSUPERVISOR when no supervisor runs.
 * Every subscriber sees every record of its classes; a subscriber too
 * slow to take them loses records (counted, see isolate_events_lost),
 * never the supervisor's time.
 */
#define ISOLATE_ENOSUPERVISOR (-ENOTCONN)
int isolate_events_subscribe(struct isolate *iso, __u32 class_mask, bool replay,
			     isolate_event_fn fn, void *ctx, struct isolate_events **out);
/* Waits up to timeout_ms (-1: forever) and dispatches; returns events seen. */
int isolate_events_poll(struct isolate_events *ev, int timeout_ms);
/*
 * Records this reader never saw, by the gaps in each class's sequence
 * numbers: lost in the kernel's rings (full), or by a subscription that
 * fell behind. Those lost after the last record read show at the next.
 */
__u64 isolate_events_lost(const struct isolate_events *ev);
/*
 * How much of event_class's ring buffer holds events not yet read, and its
 * size, in bytes (for monitoring: a reader falling behind).
 */
int isolate_events_backlog(struct isolate *iso, __u32 event_class, __u64 *pending,
			   __u64 *size);
/* An fd that polls readable when events wait (for the caller's own poll). */
int isolate_events_fd(struct isolate_events *ev);
void isolate_events_close(struct isolate_events *ev);

/*
 * The supervisor's side of the stream: a SOCK_SEQPACKET socket in the
 * state directory (Documentation/events.md). Opening it needs the
 * consumer lock held by the isolate_events of the rings (ev). Call
 * isolate_event_hub_serve when its fd polls readable (new subscribers,
 * their filters, their hang-ups) and publish every record read.
 */
struct isolate_event_hub;
int isolate_event_hub_open(struct isolate_events *ev, struct isolate_event_hub **out);
int isolate_event_hub_fd(const struct isolate_event_hub *hub);
void isolate_event_hub_serve(struct isolate_event_hub *hub);
void isolate_event_hub_publish(struct isolate_event_hub *hub,
			       const struct isolate_event_hdr *hdr, size_t size);
/* Subscribers now, and records dropped because one fell behind. */
void isolate_event_hub_stats(const struct isolate_event_hub *hub, __u64 *subscribers,
			     __u64 *dropped);
void isolate_event_hub_close(struct isolate_event_hub *hub);

/* ---- Backends ---------------------------------------------------------- */

/*
 * Who enforces a policy. BPF LSM (cells, live changes, events: isolate
 * loaded) or Landlock (a domain the command enters before exec: no root,
 * no BPF LSM; only what this kernel's Landlock ABI can hold exactly).
 * auto: bpf when isolate is loaded, else landlock.
 */
enum isolate_backend {
	ISOLATE_BACKEND_AUTO,
	ISOLATE_BACKEND_BPF,
	ISOLATE_BACKEND_LANDLOCK,
};

/* One line of an enforcement report. */
struct isolate_enforcement {
	bool capability;	/* a capability of the policy; else a limit of the backend */
	bool enforced;
	char what[256];		/* the capability's text, or what is not governed */
	char why[160];
};

struct isolate_enforcement_report {
	int abi;		/* the backend's ABI (Landlock's) */
	size_t n;
	struct isolate_enforcement *items;
};

/* The Landlock ABI of this kernel, 0 when Landlock is not available. */
int isolate_landlock_abi(void);
/*
 * What the Landlock backend enforces of policy (its capabilities, each
 * enforced or not and why; NULL: none; paths that exist named by their
 * real paths, as they are compared) on ABI abi, for a command run as the
 * caller's user (its ids decide which devices a grant lets it open), and
 * what it leaves ungoverned whatever the policy says. Free with
 * isolate_enforcement_report_free.
 */
int isolate_landlock_report(const struct isolate_cell_policy *policy, int abi,
			    struct isolate_enforcement_report *out);
/* How many of the policy's capabilities are not enforced. */
size_t isolate_enforcement_unenforced(const struct isolate_enforcement_report *r);
void isolate_enforcement_report_free(struct isolate_enforcement_report *r);
/*
 * policy made into a Landlock ruleset for commands started with opts
 * (whose ids decide which devices they could open): each path resolved
 * once, opened, checked and given its rule from that same descriptor.
 * report says what is enforced, the policy as resolved, whatever the
 * result (free it). -EOPNOTSUPP, and no ruleset, when a capability is not
 * enforced exactly, unless allow_unenforced.
 */
struct isolate_landlock_ruleset;
int isolate_landlock_ruleset_new(const struct isolate_cell_policy *policy, bool allow_unenforced,
				 const struct isolate_spawn_opts *opts,
				 struct isolate_enforcement_report *report,
				 struct isolate_landlock_ruleset **out);
/*
 * Runs argv confined by rs, as isolate_cell_spawn does in a cell:
 * capabilities dropped, no_new_privs, the allow-listed environment when
 * opts->envp is NULL, the same descriptors refused. opts: with the ids rs
 * was made for (its report is theirs): -EINVAL for others.
 */
int isolate_landlock_ruleset_spawn(const struct isolate_landlock_ruleset *rs, char *const argv[],
				   const struct isolate_spawn_opts *opts, pid_t *pid);
void isolate_landlock_ruleset_free(struct isolate_landlock_ruleset *rs);
/* Both at once: the ruleset of policy, argv run in it. */
int isolate_landlock_spawn(const struct isolate_cell_policy *policy, bool allow_unenforced,
			   char *const argv[], const struct isolate_spawn_opts *opts,
			   struct isolate_enforcement_report *report, pid_t *pid);

/* ---- The broker ---------------------------------------------------------- */

/*
 * Decides cells' requests for capabilities (broker events) by a rules file
 * ("CELL RIGHT TARGET allow SECONDS" or "... deny" a line, the first that
 * matches decides) or by asking exec_program (no shell; killed after
 * 10 s, a refusal), grants what it allows for
 * that long (the kernel ends it) and answers in the cell's channel. Grants
 * not yet tidied are kept in the state directory across restarts.
 */
struct isolate_broker;
int isolate_broker_open(struct isolate_broker **out, const char *rules_file,
			const char *exec_program);
void isolate_broker_close(struct isolate_broker *b);
/*
 * One request of cell (the name of e's cell as the reader knows it). Only
 * while the cell of that name is the one that asked (e->hdr.cell_cgid) and
 * its generation now may still ask for e->right: else -ESTALE, nothing
 * granted or answered (the cell is gone), or -EPERM, answered not granted.
 * The reply is posted even when granting fails (the error). A cell's
 * requests are paced: at most 8 decided between two ticks, and none for a
 * backoff (1 s, doubling to 60 s) after a grant to it failed or the
 * program refused one; -EAGAIN, answered not granted, with the reason in
 * the reply's data (-ETIMEDOUT: the program did not answer in time).
 */
int isolate_broker_request(struct isolate_broker *b, struct isolate *iso, const char *cell,
			   const struct isolate_event_broker *e);
/*
 * Tidies the cells whose grants have ended (isolate_cell_expire()), and
 * ends a round of requests; the first error. A cell whose tidy failed is
 * tried again when its backoff allows, not at every tick.
 */
int isolate_broker_tick(struct isolate_broker *b, struct isolate *iso);

/* Whether a capability is enforced on this system. */
enum isolate_feature_state {
	ISOLATE_FEATURE_ENFORCED,
	ISOLATE_FEATURE_UNAVAILABLE,
};

struct isolate_feature {
	char name[48];		/* e.g. "file.read", "net.connect", "budget.memory" */
	enum isolate_feature_state state;
	char detail[160];	/* why it is unavailable */
};

/*
 * Probes every capability: hooks the kernel offers and, when iso is not
 * NULL (isolate is loaded), that their programs are attached; cgroup
 * controllers for budgets.
 */
int isolate_features(struct isolate *iso, struct isolate_feature *out, size_t max,
		     size_t *n);

/* A message for a cell's channel: what incell_recv() returns there. */
struct isolate_channel_msg {
	__u64 call_id;		/* a call the program should answer, or 0 */
	__u64 reply_to;		/* the broker request answered, or 0 */
	bool granted;
	__u64 expires_ms;	/* CLOCK_REALTIME ms when a grant ends, 0 never */
};

/*
 * The directory of cell name's channel, as its processes find it in
 * $ISOLATE_CHANNEL (read only to them).
 */
int isolate_channel_path(const char *name, char *out, size_t len);
/* Leaves a message in the channel of cell name; -ENOENT when no such cell has one. */
int isolate_channel_post(const char *name, const struct isolate_channel_msg *m,
			 const void *data, size_t len);

/*
 * One event as a text line, or as a JSON object on a line (cell_name, when
 * known, is added as "cell"; NULL: "?" in text, absent in JSON). What a cell chose (file and command names,
 * log messages) cannot forge a line: control bytes, spaces and bytes that
 * are not UTF-8 are escaped in text; JSON is always valid UTF-8, and a
 * name that is not has its raw bytes hex-encoded in a *_hex member.
 * Documentation/events.md has both formats.
 */
void isolate_event_write_text(FILE *out, const char *cell_name,
			      const struct isolate_event_hdr *h, size_t size);
void isolate_event_write_json(FILE *out, const char *cell_name,
			      const struct isolate_event_hdr *h, size_t size);
/*
 * A name a cell may have chosen (at most max bytes of s), written as the
 * text lines above write one: "?" when empty; control bytes, spaces, '\',
 * bytes that are not UTF-8 and the bytes of the C1 controls (U+0080 to
 * U+009F), the line and paragraph separators and the bidirectional
 * controls (U+202A to U+202E, U+2066 to U+2069) as \xNN.
 */
void isolate_name_write_text(FILE *out, const char *s, size_t max);

/* Names for display and JSON. */
const char *isolate_op_name(__u32 op);
const char *isolate_event_class_name(__u32 event_class);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif /* ISOLATE_ISOLATE_H */
