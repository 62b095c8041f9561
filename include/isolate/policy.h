/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Policies as objects: capabilities handed to cells, built from C, parsed
 * from text or YAML, normalized into an authority set and compiled into the
 * map images the loader writes. YAML is one serialization of this model,
 * not a second model. Documentation/policy.md is the reference.
 *
 * Functions returning int return 0 or a negative errno. Those taking a
 * struct isolate_diag fill it with the reason on failure (diag may be NULL).
 */
#ifndef ISOLATE_POLICY_H
#define ISOLATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <isolate/abi.h>
#include <isolate/events.h>	/* ISOLATE_RULE_NONE */

/* What this header declares is libisolate's API, exported; nothing else is. */
#pragma GCC visibility push(default)
#ifdef __cplusplus
extern "C" {
#endif

/* ---- Diagnostics ---------------------------------------------------- */

/* Where and why. line/column are 1-based; 0 when not about a position. */
struct isolate_diag {
	char file[256];
	unsigned int line, column;
	char msg[256];
};

/* Formats "file:line:column: msg" (or "file: msg", or "msg") like snprintf. */
int isolate_diag_format(const struct isolate_diag *d, char *buf, size_t len);

/* ---- Capabilities ---------------------------------------------------- */

enum isolate_cap_kind {
	ISOLATE_CAP_READ = 1,	/* path: read a file or a tree */
	ISOLATE_CAP_WRITE,	/* path: write (create, modify) */
	ISOLATE_CAP_EXEC,	/* path: run or map executable */
	ISOLATE_CAP_CONNECT,	/* network: connect to address:port */
	ISOLATE_CAP_BIND,	/* network: bind to address:port */
	ISOLATE_CAP_CPU,	/* budget: cpu.max quota/period */
	ISOLATE_CAP_MEMORY,	/* budget: memory.max */
	ISOLATE_CAP_PIDS,	/* budget: pids.max */
	ISOLATE_CAP_BROKER,	/* a kind of request the cell may make */
	ISOLATE_CAP_MODE,	/* the cell's mode; not kept as a capability */
	ISOLATE_CAP_NAMESPACE,	/* create a user or a mount namespace */
	ISOLATE_CAP_UNIX,	/* connect or bind to an abstract AF_UNIX name */
	ISOLATE_CAP_ALLOW,	/* exec memory, unix autobind (ISOLATE_CELL_*) */
	ISOLATE_CAP_SOCKET,	/* sockets of an address family or netlink protocol */
};

/* The word of a kind, as the text form writes it ("read", ...); NULL if none. */
const char *isolate_cap_kind_name(enum isolate_cap_kind kind);
/* The kind a word names, 0 if none. */
enum isolate_cap_kind isolate_cap_kind_parse(const char *word);

/* Capability flags. */
#define ISOLATE_CAP_DENY	(1U << 0)	/* paths, network: beats every allow */
#define ISOLATE_CAP_OPTIONAL	(1U << 1)	/* paths: skipped when missing */

/* Broker rights (ISOLATE_BROKER_*) are defined in <isolate/abi.h>. */

/* Budget bounds the kernel enforces (cpu.max, memory.max, pids.max). */
#define ISOLATE_CPU_QUOTA_MIN_US	1000ULL
#define ISOLATE_CPU_QUOTA_MAX_US	((1ULL << 44) - 1)
#define ISOLATE_CPU_PERIOD_MIN_US	1000ULL
#define ISOLATE_CPU_PERIOD_MAX_US	1000000ULL
#define ISOLATE_CPU_PERIOD_DEFAULT_US	100000ULL
#define ISOLATE_MEMORY_MIN		(1ULL << 20)
#define ISOLATE_MEMORY_MAX		(1ULL << 60)
#define ISOLATE_MEMORY_UNIT		4096ULL	/* the kernel counts pages */
#define ISOLATE_PIDS_MAX		4194304U	/* PID_MAX_LIMIT */

/* Bytes of an abstract AF_UNIX name: sun_path after its leading NUL. */
#define ISOLATE_UNIX_NAME_MAX		107

/* An address block and port range, for connect and bind. */
struct isolate_net_cap {
	__u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 prefix_len;	/* 0..32 or 0..128 */
	__u8 _pad;
	__u16 port_min;		/* inclusive, host byte order */
	__u16 port_max;
	__u8 addr[16];		/* network byte order; IPv4 uses addr[0..3] */
};

struct isolate_cap;	/* opaque: build with the constructors below */

/*
 * Constructors. They copy their arguments and return NULL with errno set
 * (EINVAL for a kind that does not fit, ENOMEM). Paths are cleaned
 * lexically ("//", "/./" and a trailing '/' removed). Whether the values
 * are acceptable is isolate_cap_check's business.
 */
struct isolate_cap *isolate_cap_path(enum isolate_cap_kind kind, const char *path,
				     unsigned int flags);
struct isolate_cap *isolate_cap_net(enum isolate_cap_kind kind,
				    const struct isolate_net_cap *net, unsigned int flags);
struct isolate_cap *isolate_cap_cpu(__u64 quota_us, __u64 period_us);
struct isolate_cap *isolate_cap_memory(__u64 bytes);
struct isolate_cap *isolate_cap_pids(__u32 max);
struct isolate_cap *isolate_cap_broker(__u32 right);	/* one ISOLATE_BROKER_* */
struct isolate_cap *isolate_cap_mode(__u32 mode);	/* ISOLATE_MODE_* */
/* One of ISOLATE_CELL_USERNS, ISOLATE_CELL_MOUNTNS (abi.h). */
struct isolate_cap *isolate_cap_namespace(__u32 flag);
/* One of ISOLATE_CELL_EXEC_MEMORY, ISOLATE_CELL_UNIX_AUTOBIND (abi.h). */
struct isolate_cap *isolate_cap_allow(__u32 flag);
/*
 * Sockets of an address family (AF_UNIX, AF_INET, ...: below 64), or of
 * netlink protocol P: ISOLATE_SOCKET_NETLINK + P (NETLINK_ROUTE, ...).
 * Only the families and protocols with a name in Documentation/policy.md.
 */
#define ISOLATE_SOCKET_NETLINK	64
struct isolate_cap *isolate_cap_socket(__u32 socket);
/*
 * right: ISOLATE_NET_CONNECT or ISOLATE_NET_BIND. name as written: '@' for
 * the leading NUL, then 1..ISOLATE_UNIX_NAME_MAX printable ASCII bytes
 * other than ':' ("@/tmp/.X11-unix/X0").
 */
struct isolate_cap *isolate_cap_unix(__u32 right, const char *name);
struct isolate_cap *isolate_cap_dup(const struct isolate_cap *cap);
void isolate_cap_free(struct isolate_cap *cap);

/* -EINVAL with diag->msg saying what was expected, when cap cannot be enforced. */
int isolate_cap_check(const struct isolate_cap *cap, struct isolate_diag *diag);

enum isolate_cap_kind isolate_cap_get_kind(const struct isolate_cap *cap);
unsigned int isolate_cap_get_flags(const struct isolate_cap *cap);
const char *isolate_cap_get_path(const struct isolate_cap *cap);	/* NULL unless a path */
const struct isolate_net_cap *isolate_cap_get_net(const struct isolate_cap *cap);
/*
 * The value of a budget, broker, mode or namespace capability (cpu: the
 * quota), the ISOLATE_NET_* right of a unix one.
 */
__u64 isolate_cap_get_value(const struct isolate_cap *cap);
/* "@NAME"; NULL unless a unix capability. */
const char *isolate_cap_get_unix_name(const struct isolate_cap *cap);
__u64 isolate_cap_get_cpu_period(const struct isolate_cap *cap);

/* A total order (kind, flags, value); 0 means the same capability. */
int isolate_cap_compare(const struct isolate_cap *a, const struct isolate_cap *b);

/*
 * The one-line text form, e.g. "read:/work", "deny-write:/work/.git",
 * "read?:/opt/venv" (optional), "connect:tcp:10.0.0.0/8:443",
 * "bind:udp:[2001:db8::]/32:1000-2000", "cpu:50000/100000", "memory:512M",
 * "pids:64", "broker:read", "mode:audit", "namespace:user",
 * "unix-connect:@/tmp/.X11-unix/X0". Parsing checks the capability.
 */
int isolate_cap_parse(const char *text, struct isolate_cap **out, struct isolate_diag *diag);
/* Like snprintf: the length of the whole text, even when truncated. */
int isolate_cap_format(const struct isolate_cap *cap, char *buf, size_t len);

/* ---- Cells ---------------------------------------------------------- */

struct isolate_cell_policy;	/* one cell: a name, a mode, capabilities */

/* Names: 1..63 of [A-Za-z0-9_-], the same as cell cgroup names. */
bool isolate_cell_name_valid(const char *name);

/* NULL with errno EINVAL for an invalid name, ENOMEM. Mode: enforce. */
struct isolate_cell_policy *isolate_cell_policy_new(const char *name);
struct isolate_cell_policy *isolate_cell_policy_dup(const struct isolate_cell_policy *c);
/* A copy under another name (NULL with errno EINVAL for an invalid one). */
struct isolate_cell_policy *isolate_cell_policy_dup_named(const struct isolate_cell_policy *c,
							  const char *name);
void isolate_cell_policy_free(struct isolate_cell_policy *c);

const char *isolate_cell_policy_name(const struct isolate_cell_policy *c);
__u32 isolate_cell_policy_mode(const struct isolate_cell_policy *c);
int isolate_cell_policy_set_mode(struct isolate_cell_policy *c, __u32 mode);

/*
 * Adds a copy of cap after isolate_cap_check (-EINVAL if it fails: call
 * the check yourself for the message). A mode capability sets the mode; a
 * budget replaces the cell's budget of the same kind (a cell has one; the
 * tightest wins only between cells it extends).
 */
int isolate_cell_policy_add(struct isolate_cell_policy *c, const struct isolate_cap *cap);
/*
 * Removes every capability equal to cap, a path's whether or not either
 * is marked optional (both grant the right: read:/etc and read?:/etc go
 * together); a mode capability equal to the current mode resets it to
 * enforce. -ENOENT when there was none.
 */
int isolate_cell_policy_remove(struct isolate_cell_policy *c, const struct isolate_cap *cap);

size_t isolate_cell_policy_cap_count(const struct isolate_cell_policy *c);
/* Valid until the cell is changed. */
const struct isolate_cap *isolate_cell_policy_cap(const struct isolate_cell_policy *c, size_t i);

/* Cells this one extends (document form; empty once resolved). */
int isolate_cell_policy_add_extends(struct isolate_cell_policy *c, const char *name);
size_t isolate_cell_policy_extends_count(const struct isolate_cell_policy *c);
const char *isolate_cell_policy_extends(const struct isolate_cell_policy *c, size_t i);

/*
 * Same name, mode, extends and capabilities; capability and extends lists
 * are sets: order and repetition do not matter.
 */
bool isolate_cell_policy_equal(const struct isolate_cell_policy *a,
			       const struct isolate_cell_policy *b);

/*
 * The authority set: the union of c's capabilities normalized. Duplicates
 * go, a tree grant absorbs grants below it, address and port ranges are
 * merged, the tightest budget wins, denies are carved out of grants. Pure
 * (touches no file), idempotent and independent of the order of c.
 */
int isolate_cell_policy_normalize(const struct isolate_cell_policy *c,
				  struct isolate_cell_policy **out);

/* Every object of c as a JSON object on out; pretty indents it. */
int isolate_cell_policy_write_json(const struct isolate_cell_policy *c, FILE *out,
				   bool pretty);

/*
 * Snapshots: a cell's capabilities as one JSON document, {"isolate_snapshot":
 * 1, "cell": {"name", "mode", "extends": [], "capabilities": [...]}}, every
 * capability an object whose "text" says all of it; no source positions.
 */
int isolate_cell_policy_write_snapshot(const struct isolate_cell_policy *c, FILE *out,
				       bool pretty);
/*
 * A cell policy from a snapshot (at most ISOLATE_SNAPSHOT_MAX bytes, else
 * -EFBIG), named new_name or as in the snapshot. Read exactly: an unknown
 * key, a version in quotes or of another number, a capability record that
 * says more or other than its text are errors, which diag places in source
 * (the input's name, e.g. its file; NULL: "<snapshot>") by line and column.
 */
#define ISOLATE_SNAPSHOT_MAX (16 << 20)
int isolate_cell_policy_read_snapshot(const char *source, const char *json, size_t len,
				      const char *new_name, struct isolate_cell_policy **out,
				      struct isolate_diag *diag);

/* The word of one ISOLATE_BROKER_* right ("read" ... "bind"), NULL if none. */
const char *isolate_broker_right_name(__u32 right);
/* The ISOLATE_BROKER_* bit a word names, 0 if none. */
__u32 isolate_broker_right_parse(const char *word);

/* ---- Documents ------------------------------------------------------- */

/*
 * A parsed document: its includes and own cells as written ("document
 * form", what fmt prints), and the resolved cells: those of every included
 * document first, then its own in the order written, each with the
 * capabilities of the cells it extends folded in.
 */
struct isolate_policy;

int isolate_policy_load(const char *path, struct isolate_policy **out,
			struct isolate_diag *diag);
/* Includes are resolved relative to the directory of name. */
int isolate_policy_parse(const char *name, const char *buf, size_t len,
			 struct isolate_policy **out, struct isolate_diag *diag);

/* A document held in memory, e.g. built into a program. */
struct isolate_policy_source {
	const char *name;
	const char *text;
	size_t len;
};
/*
 * Like isolate_policy_parse, but an include whose path, as written, equals
 * the name of one of sources is read from it instead of from the disk.
 */
int isolate_policy_parse_with(const char *name, const char *buf, size_t len,
			      const struct isolate_policy_source *sources, size_t n_sources,
			      struct isolate_policy **out, struct isolate_diag *diag);
void isolate_policy_free(struct isolate_policy *p);

/*
 * The built-in document (policy/default.yaml with the policy/base.yaml it
 * includes, linked into the library), named ISOLATE_POLICY_BUILTIN_NAME.
 */
#define ISOLATE_POLICY_BUILTIN_NAME "<built-in>/default.yaml"
int isolate_policy_builtin(struct isolate_policy **out, struct isolate_diag *diag);
/*
 * A new cell policy NAME holding the built-in cell `runtime` (what a
 * dynamically linked program needs to start) when base is true, else
 * nothing: the start of a one-shot policy made of capabilities. NULL with
 * errno set (EINVAL for an invalid name).
 */
struct isolate_cell_policy *isolate_cell_policy_from_base(const char *name, bool base,
							  struct isolate_diag *diag);

/* Resolved cells. */
size_t isolate_policy_cell_count(const struct isolate_policy *p);
const struct isolate_cell_policy *isolate_policy_cell(const struct isolate_policy *p, size_t i);
const struct isolate_cell_policy *isolate_policy_find(const struct isolate_policy *p,
							const char *name);

/*
 * Building a document in C. name places it: includes are resolved relative
 * to its directory. Add cells (copied; -EEXIST for a name taken) and
 * includes, then isolate_policy_resolve to compute the resolved cells.
 */
struct isolate_policy *isolate_policy_new(const char *name);
int isolate_policy_add_include(struct isolate_policy *p, const char *path);
int isolate_policy_add_cell(struct isolate_policy *p, const struct isolate_cell_policy *c);
int isolate_policy_resolve(struct isolate_policy *p, struct isolate_diag *diag);

/* The document form. */
const char *isolate_policy_name(const struct isolate_policy *p);
size_t isolate_policy_include_count(const struct isolate_policy *p);
const char *isolate_policy_include(const struct isolate_policy *p, size_t i);
size_t isolate_policy_doc_cell_count(const struct isolate_policy *p);
const struct isolate_cell_policy *isolate_policy_doc_cell(const struct isolate_policy *p,
							   size_t i);

/* Same includes (a set) and the same own cells in the same order. */
bool isolate_policy_equal(const struct isolate_policy *a, const struct isolate_policy *b);

/*
 * The canonical YAML of the document form (malloc'ed, NUL-terminated):
 * fixed key order, sorted lists without repeats. Emitting what was parsed
 * from canonical YAML gives the same bytes.
 */
int isolate_policy_emit(const struct isolate_policy *p, char **out, size_t *len);

/* ---- Compiled images -------------------------------------------------- */

#define ISOLATE_RIGHTS 3	/* read, write, exec: bit i of ISOLATE_ACCESS_* */

/* One entry of the inode_rules map, plus what explain and events need. */
struct isolate_image_inode {
	__u32 dev;			/* kernel encoding: major << 20 | minor */
	__u64 ino;
	struct isolate_inode_rule rule;	/* what the kernel reads, rule ids per right included */
	char *path;			/* the path it was compiled from */
};

/*
 * One entry of the net_rules LPM trie. key.ruleset is 0: the loader puts
 * the ruleset of the generation it writes.
 */
struct isolate_image_net {
	struct isolate_net_key key;
	struct isolate_net_rule rule;
};

/* A network capability of the authority set: grants already carved by denies. */
struct isolate_image_net_cap {
	__u32 kind;			/* ISOLATE_CAP_CONNECT or ISOLATE_CAP_BIND */
	__u32 deny;			/* 1 for a deny */
	__u32 rule_id;
	struct isolate_net_cap net;
};

/*
 * One entry of the unix_rules map: an abstract name and the rights granted
 * on it. key.ruleset is 0 (the loader fills it in); key.len counts the
 * bytes after '@', key.name holds them, zero-padded.
 */
struct isolate_image_unix {
	struct isolate_unix_key key;
	struct isolate_unix_rule rule;
};

/* Budgets; 0 means no limit. */
struct isolate_image_limits {
	__u64 cpu_quota_us;
	__u64 cpu_period_us;
	__u64 memory_max;
	__u32 pids_max;
};

struct isolate_image {
	__u32 mode;				/* ISOLATE_MODE_* */
	size_t n_inodes;
	struct isolate_image_inode *inodes;	/* sorted by (dev, ino), unique */
	size_t n_net;
	struct isolate_image_net *net;		/* sorted by key, unique */
	size_t n_net_caps;
	struct isolate_image_net_cap *net_caps;	/* in the authority set's order */
	struct isolate_image_limits limits;
	__u32 broker_rights;			/* ISOLATE_BROKER_* */
	__u32 cell_flags;			/* ISOLATE_CELL_*: namespaces, allows */
	__u64 socket_families;			/* bit f: address family f */
	__u32 netlink_protocols;		/* bit p: netlink protocol p */
	size_t n_unix;
	struct isolate_image_unix *unix_names;	/* sorted by name, unique */
	/*
	 * The authority set in its order: each rule's canonical text and its
	 * id, the number entries and events carry. An id is derived from the
	 * text (unique in the set): a rule keeps it in every generation.
	 */
	size_t n_rules;
	char **rule_text;
	__u32 *rule_ids;
	/* Optional paths that did not exist, as "read?:/path". */
	size_t n_skipped;
	char **skipped;
};

/*
 * Compiles c: stats every path (following symlinks), skips missing optional
 * ones, normalizes, folds ancestors and denies into each inode's effective
 * rights, scans denied trees for hard links, and folds each address
 * block's shorter prefixes into its port ranges, and merges the rights on
 * each abstract unix name into one entry. Refuses (-E2BIG) an image
 * that would not fit the maps.
 */
int isolate_compile(const struct isolate_cell_policy *c, struct isolate_image **out,
		    struct isolate_diag *diag);
void isolate_image_free(struct isolate_image *img);
/* The text of the rule with this id, or NULL when img has none. */
const char *isolate_image_rule_text(const struct isolate_image *img, __u32 id);

/* Entries per map against the size of the map. */
struct isolate_capacity {
	const char *map;
	size_t used;
	size_t size;
};
/* Fills up to n entries; returns how many maps there are. */
size_t isolate_image_capacity(const struct isolate_image *img, struct isolate_capacity *out,
			      size_t n);

/* The image as JSON: every entry, rule texts, limits, capacity. */
int isolate_image_write_json(const struct isolate_image *img, FILE *out, bool pretty);

/* ---- Explain ---------------------------------------------------------- */

struct isolate_verdict {
	bool allowed;		/* what the kernel decides in enforce mode */
	bool audit;		/* the cell is in audit mode: a denial is only logged */
	__u32 rule_id;		/* the deciding rule, or ISOLATE_RULE_NONE */
	const char *rule_text;	/* its text (in the image), or NULL */
	/* Paths: the image entry the walk stopped at, if any. */
	const struct isolate_image_inode *entry;
	/* Paths refused whatever the rules say, and why. */
	enum {
		ISOLATE_VERDICT_BY_RULES = 0,
		ISOLATE_VERDICT_WALK_BOUND,	/* deeper than the kernel walks: fail closed */
		ISOLATE_VERDICT_CGROUPFS,	/* writing or listing a cgroup filesystem */
		ISOLATE_VERDICT_BPFFS,		/* opening anything on bpffs (the pins) */
		ISOLATE_VERDICT_BLOCK_DEVICE,	/* opening a block device, or a disk's command device */
		ISOLATE_VERDICT_UNSPECIFIED_ADDRESS, /* connecting or sending to 0.0.0.0 or :: */
		ISOLATE_VERDICT_DEVICE_NOT_NAMED, /* a character device granted only by a rule above its node */
		ISOLATE_VERDICT_KERNEL_STATE_NOT_NAMED, /* tracefs, debugfs...: granted only by a rule above their mount */
		ISOLATE_VERDICT_SOCKET_NOT_NAMED, /* another's unix socket granted only by a rule above its node */
		ISOLATE_VERDICT_DUAL_STACK,	/* bind to :: without the IPv4 rule (IPV6_V6ONLY unset) */
		ISOLATE_VERDICT_FIFO_NOT_NAMED, /* another's FIFO granted only by a rule above its node */
		ISOLATE_VERDICT_EVERY_ADDRESS,	/* bind to 0.0.0.0 or :: where not every address is granted */
	} refused_because;
	char object[4096];	/* the object the answer is about */
};

/*
 * Answers whether the cell compiled into img may do op (ISOLATE_CAP_READ,
 * _WRITE, _EXEC on a path; _CONNECT, _BIND on "tcp:ADDR:PORT") to target,
 * by the walk the kernel does over the same image: from the object (a path
 * that does not exist yet is looked up from its nearest existing parent)
 * through its parents to the nearest entry.
 */
int isolate_explain(const struct isolate_image *img, enum isolate_cap_kind op,
		    const char *target, struct isolate_verdict *v, struct isolate_diag *diag);

/* ---- Writes that reach outside the cell ------------------------------ */

/*
 * A write grant of a cell that reaches a place whose contents programs
 * outside the cell run or obey: shell startup files, ~/.ssh, a
 * repository's .git/hooks, /etc/cron.d ... (Documentation/policy.md,
 * "What writes reach outside the cell"). The kernel cannot tell these
 * writes from others: this is for the policy's author to read.
 */
struct isolate_outside_write {
	const char *file;		/* the grant's entry; NULL when built in C */
	unsigned int line, column;
	const char *grant;		/* its path, as written */
	char *place;			/* the place it reaches */
	const char *why;		/* who runs or obeys it */
};

/*
 * The places each write grant of c reaches, on this machine now: the path
 * of the grant and of each place resolved as the compiler resolves them
 * (symlinks followed); a place that does not exist, or that a deny-write
 * of c covers, is not reached. Home places are looked for in home (NULL:
 * $HOME, else the caller's passwd entry); a repository's .git in the
 * grant's directory and its parents (the nearest). *out is malloc'ed, in
 * the order of c's capabilities and of the places' table; 0 or -ENOMEM.
 */
int isolate_outside_writes(const struct isolate_cell_policy *c, const char *home,
			   struct isolate_outside_write **out, size_t *n);
void isolate_outside_writes_free(struct isolate_outside_write *w, size_t n);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop

#endif /* ISOLATE_POLICY_H */
