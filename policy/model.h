/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The policy objects behind the opaque types of <isolate/policy.h>, shared
 * by the files of policy/.
 */
#ifndef ISOLATE_POLICY_MODEL_H
#define ISOLATE_POLICY_MODEL_H

#include <stdarg.h>
#include <sys/types.h>

#include <isolate/policy.h>

#include "common/kernel_dev.h"

/* Room for the text form of any capability (a path and its verb). */
#define POLICY_TEXT_MAX 4200

/* Where an object was written; file is NULL for objects built in C. */
struct src_pos {
	char *file;
	unsigned int line, column;
};

/*
 * The compiler's mark on a resolved path that is a service node (a socket,
 * a FIFO, a character device but the harmless few: device_kind.h): the kernel
 * reaches one only by a rule on the node itself, so its grant is kept
 * below a grant of its tree.
 */
#define CAP_NAMES_SERVICE	(1U << 31)

struct isolate_cap {
	enum isolate_cap_kind kind;
	unsigned int flags;		/* ISOLATE_CAP_*, CAP_NAMES_SERVICE */
	struct src_pos pos;		/* not part of the value */
	union {
		char *path;		/* READ, WRITE, EXEC */
		struct isolate_net_cap net;	/* CONNECT, BIND */
		struct {
			__u64 quota_us, period_us;
		} cpu;
		__u64 value;		/* MEMORY, PIDS, BROKER, MODE, NAMESPACE */
		struct {
			__u32 right;	/* ISOLATE_NET_CONNECT or _BIND */
			char *name;	/* "@NAME" */
		} abstract;		/* UNIX ("unix" is a macro in GNU C) */
	} u;
};

/* A name with the place it was written: includes and extends. */
struct named_ref {
	char *name;
	struct src_pos pos;
};

int named_ref_append(struct named_ref **list, size_t *n, const char *name,
		     const struct src_pos *pos);

struct isolate_cell_policy {
	char *name;
	struct src_pos pos;
	__u32 mode;
	size_t n_caps, caps_alloc;
	struct isolate_cap *caps;
	size_t n_extends;
	struct named_ref *extends;
	/*
	 * The strings of its capabilities belong to what it was made from,
	 * which outlives it: the compiler's working sets, which would
	 * otherwise copy and free every path twice per compile.
	 */
	bool borrows;
};

struct isolate_policy {
	char *name;
	size_t n_includes;
	struct named_ref *includes;
	size_t n_cells;
	struct isolate_cell_policy **cells;	/* document form */
	size_t n_resolved;
	struct isolate_cell_policy **resolved;
};

static inline bool cap_is_path(enum isolate_cap_kind kind)
{
	return kind == ISOLATE_CAP_READ || kind == ISOLATE_CAP_WRITE ||
	       kind == ISOLATE_CAP_EXEC;
}

static inline bool cap_is_net(enum isolate_cap_kind kind)
{
	return kind == ISOLATE_CAP_CONNECT || kind == ISOLATE_CAP_BIND;
}

static inline bool cap_is_budget(enum isolate_cap_kind kind)
{
	return kind == ISOLATE_CAP_CPU || kind == ISOLATE_CAP_MEMORY || kind == ISOLATE_CAP_PIDS;
}

/* The string a capability owns (a path, an abstract name), or NULL. */
static inline char *cap_string(const struct isolate_cap *cap)
{
	if (cap_is_path(cap->kind))
		return cap->u.path;
	return cap->kind == ISOLATE_CAP_UNIX ? cap->u.abstract.name : NULL;
}

/* The ISOLATE_ACCESS_* bit of a path kind. */
static inline __u32 cap_access_bit(enum isolate_cap_kind kind)
{
	return 1U << (kind - ISOLATE_CAP_READ);
}

/* cap.c: value copies (deep) and releases of embedded capabilities. */
int cap_copy(struct isolate_cap *dst, const struct isolate_cap *src);
void cap_clear(struct isolate_cap *cap);
int cap_set_pos(struct isolate_cap *cap, const char *file, unsigned int line,
		unsigned int column);
/* Whether a and b are the same right: equal, but a path's optional mark. */
bool cap_same_right(const struct isolate_cap *a, const struct isolate_cap *b);

/* cell_policy.c */
int cell_append(struct isolate_cell_policy *c, const struct isolate_cap *cap);
int cell_add_extends_at(struct isolate_cell_policy *c, const char *name,
			const struct src_pos *pos);
/* Sorts c's capabilities and drops repeats, keeping the first written. */
void cell_dedupe(struct isolate_cell_policy *c);
/* A new policy whose capabilities borrow their strings (see borrows). */
struct isolate_cell_policy *cell_policy_new_borrowing(const char *name);
/*
 * normalize.c: isolate_cell_policy_normalize(), *out borrowing c's strings;
 * diag says why not (-E2BIG: more network rules than can ever compile).
 */
int cell_policy_normalize_borrowing(const struct isolate_cell_policy *c,
				    struct isolate_cell_policy **out, struct isolate_diag *diag);
/* The capabilities sorted and without repeats (canonical order). */
int cell_sorted_caps(const struct isolate_cell_policy *c, struct isolate_cap **out,
		     size_t *n);

/* policy.c */
int policy_add_include_at(struct isolate_policy *p, const char *path,
			  const struct src_pos *pos);
/* Takes ownership of c. */
int policy_adopt_cell(struct isolate_policy *p, struct isolate_cell_policy *c);
void named_refs_free(struct named_ref *refs, size_t n);
/* Sorted names without repeats, pointing into refs. */
int named_refs_sorted(const struct named_ref *refs, size_t n, const char ***out,
		      size_t *n_out);

/* resolve.c: includes read, extends folded into p->resolved. */
int policy_resolve(struct isolate_policy *p, const struct isolate_policy_source *sources,
		   size_t n_sources, struct isolate_diag *diag);

/*
 * The budgets of a normalized set (compile.c): what the compiler puts in
 * the image, without resolving a path.
 */
void cell_policy_limits(const struct isolate_cell_policy *set, struct isolate_image_limits *out);
/*
 * binding.c: the object a path of a live cell's policy was resolved to
 * when the path entered the cell. A later change compiles the path to the
 * same object, whatever has been renamed or linked over it since: a
 * change binds only the paths that are new to the cell.
 *
 * Also kept: each multiply-linked file a scan found below a denied
 * directory (linked). Its deny stays for as long as a deny of the policy
 * covers the path it was found at, so that a cell that may rename or
 * unlink in the denied tree cannot hide the file from the next scan and
 * have a later change drop its deny.
 *
 * And each object a path was bound to before a rebind bound it afresh
 * (superseded): the path's denies hold on it too, for as long as the
 * policy denies on the path. A cell that may write beside a denied
 * directory can move it away and link another in its place; bound
 * afresh, the deny would follow the link and leave the directory.
 */
struct policy_binding {
	char *path;	/* as the policy writes it; linked: where the scan found it */
	char *real;	/* what it resolved to; NULL: it did not exist (optional) */
	dev_t dev;
	ino_t ino;
	mode_t mode;
	bool linked;	/* a file found linked below a denied directory, no path of the policy */
	bool superseded;	/* path's object before a rebind, not the one it is bound to */
};

/* b may be NULL (given away), whatever n says. */
void policy_bindings_free(struct policy_binding *b, size_t n);
/*
 * Arrays of bindings are sorted with the paths of the policy first, by
 * path, then the superseded objects by path, device and inode, then the
 * linked files by device, inode and path.
 *
 * b (sorted) with extra in place of the binding of its path, if
 * any: *n_out bindings in order, sharing the strings of b and extra
 * (free() the array only). NULL when out of memory.
 */
struct policy_binding *policy_bindings_with(const struct policy_binding *b, size_t n,
					    const struct policy_binding *extra, size_t *n_out);
/* Sorts b, one binding per path and one per linked file; returns how many are left. */
size_t policy_bindings_sort(struct policy_binding *b, size_t n);
/* Their text form (as kept beside a cell's policy), and back: -EINVAL if malformed. */
int policy_bindings_format(const struct policy_binding *b, size_t n, char **text, size_t *len);
int policy_bindings_parse(const char *text, size_t len, struct policy_binding **out, size_t *n);
/* The binding of the policy's path in b (sorted), or NULL. */
const struct policy_binding *policy_binding_find(const struct policy_binding *b, size_t n,
						 const char *path);
/* The superseded objects of path in b (sorted): *count of them from the one returned. */
const struct policy_binding *policy_bindings_superseded(const struct policy_binding *b, size_t n,
							const char *path, size_t *count);
/*
 * b (sorted) as a rebind starts from: each path's binding to an object
 * superseded, the superseded ones and the linked files as they are; *n_out
 * of them, sorted, sharing the strings of b (free() the array only). NULL
 * when out of memory.
 */
struct policy_binding *policy_bindings_for_rebind(const struct policy_binding *b, size_t n,
						  size_t *n_out);

/*
 * compile.c: isolate_compile() with the paths of bound (n_bound, sorted)
 * taken as bound there; the others are resolved now. With scan_all,
 * denied trees are scanned for hard links however many entries they hold
 * (else HARDLINK_SCAN_MAX at most): for a change that takes rights away,
 * which a cell able to fill a denied tree must not be able to block. The
 * linked files of bound found below a directory c still denies keep their
 * entries, found by the scan or not; a denied directory bound before that
 * its path no longer leads to is not scanned (the scan would look at what
 * the cell put there). Denies on directories hold by object too: a path
 * whose object lies in a denied directory now, whatever its string, is
 * denied there, and one whose object cannot be found where it was bound
 * loses every right such a deny takes. A deny also holds on the objects
 * bound lists as its path's superseded ones, but the one it is compiled on
 * (the first of them when its path, optional, leads nowhere now). With
 * bound_out, every path of c with its binding, those superseded objects
 * and the linked files of both (sorted, one each; never NULL) go there,
 * malloc'ed.
 */
int policy_compile_bound(const struct isolate_cell_policy *c, const struct policy_binding *bound,
			 size_t n_bound, bool scan_all, struct policy_binding **bound_out,
			 size_t *n_out, struct isolate_image **out, struct isolate_diag *diag);

/* Positions in the authority set into rule ids, everywhere in img (rule_ids.c). */
int image_assign_rule_ids(struct isolate_image *img);

/*
 * yaml_emit.c: the document of c alone, under name (whatever c is called),
 * as isolate_policy_emit() writes it; c's extends are written as they are.
 */
int policy_emit_cell(const struct isolate_cell_policy *c, const char *name, char **out,
		     size_t *len);

/* Drops where c and its capabilities were read from (snapshot.c). */
void cell_policy_forget_sources(struct isolate_cell_policy *c);

/* read_file.c: a regular file of at most POLICY_FILE_MAX bytes, NUL-terminated. */
#define POLICY_FILE_MAX (1U << 20)
int policy_read_file(const char *path, char **buf, size_t *len, char *msg, size_t msg_len);

/* diag.c */
void diag_set(struct isolate_diag *d, const char *file, unsigned int line,
	      unsigned int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_vset(struct isolate_diag *d, const char *file, unsigned int line,
	       unsigned int column, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
void diag_at(struct isolate_diag *d, const struct src_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* ISOLATE_POLICY_MODEL_H */
