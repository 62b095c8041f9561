// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Each cell's capabilities, kept outside the kernel so that they survive
 * the loader and an `unload --force`: <state dir>/cells/NAME.GEN.yaml, a
 * policy document with the one cell, and NAME.GEN.bind, the objects its
 * paths are bound to, for each generation GEN. The kernel's
 * cells map says which generation is in force; a file of another
 * generation is left over from an interrupted change and is removed. All
 * through user/statefs.c: no name here is opened or followed as such.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/model.h"
#include "policy/units.h"
#include "user/internal.h"

/* Kept policies are small; anything larger was not written by us. */
#define SPEC_MAX (16 << 20)
/* Three times a policy's paths at most, each encoded in up to three bytes. */
#define BINDINGS_MAX (9 * SPEC_MAX)

static int cells_dir(void)
{
	return statefs_subdir("cells", 0700);
}

/* <state dir>/cells/file holding text, written whole. */
static int cells_write(const char *file, const char *text, size_t len)
{
	int dir = cells_dir(), err;

	if (dir < 0)
		return dir;
	err = statefs_write(dir, file, text, len, 0600);
	close(dir);
	return err;
}

/*
 * NAME.GEN.yaml is a generation that was in force, NAME.GEN.pending one
 * being made; NAME.GEN.bind what the paths of generation GEN are bound to.
 */
static int spec_file(const char *name, __u32 gen, const char *what, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s.%u.%s", name, gen, what) >= len)
		return set_error(-ENAMETOOLONG, "state file name too long");
	return 0;
}

static int spec_name(const char *name, __u32 gen, bool pending, char *out, size_t len)
{
	return spec_file(name, gen, pending ? "pending" : "yaml", out, len);
}

int spec_commit(const char *name, __u32 gen)
{
	char pending[NAME_MAX + 1], kept[NAME_MAX + 1];
	int dir = cells_dir(), err;

	if (dir < 0)
		return dir;
	err = spec_name(name, gen, true, pending, sizeof(pending));
	if (!err)
		err = spec_name(name, gen, false, kept, sizeof(kept));
	if (!err && renameat(dir, pending, dir, kept))
		err = set_error(-errno, "cannot commit %s: %s", pending, strerror(errno));
	close(dir);
	return err;
}

/*
 * A policy still naming cells it extends cannot be kept: resolving would
 * fold them in, and fails here, with nothing to fold from. Its message.
 */
static int refuse_extends(const struct isolate_cell_policy *pol, const char *name,
			  const char *file)
{
	struct isolate_cell_policy *named = isolate_cell_policy_dup_named(pol, name);
	struct isolate_policy *doc = isolate_policy_new(file);
	struct isolate_diag diag = { 0 };
	int err = -ENOMEM;

	if (doc && named && !(err = policy_adopt_cell(doc, named))) {
		named = NULL;
		err = isolate_policy_resolve(doc, &diag) ?: -EINVAL;
	}
	isolate_policy_free(doc);
	isolate_cell_policy_free(named);
	return set_error(err, "cannot serialize the policy of cell %s: %s", name,
			 diag.msg[0] ? diag.msg : strerror(-err));
}

int spec_write(const char *name, __u32 gen, const struct isolate_cell_policy *pol,
	       bool pending)
{
	char file[NAME_MAX + 1], *text = NULL;
	size_t len = 0;
	int err = spec_name(name, gen, pending, file, sizeof(file));

	if (err)
		return err;
	if (pol->n_extends)
		return refuse_extends(pol, name, file);
	/* Kept under the cell's name, whatever the policy's cell was called. */
	err = policy_emit_cell(pol, name, &text, &len);
	if (err)
		return set_error(err, "cannot serialize the policy of cell %s: %s", name,
				 strerror(-err));
	err = cells_write(file, text, len);
	free(text);
	return err;
}

int spec_read(const char *name, __u32 gen, struct isolate_cell_policy **out)
{
	const struct isolate_cell_policy *cell;
	struct isolate_diag diag = { 0 };
	struct isolate_policy *doc;
	char file[NAME_MAX + 1], msg[768], *text = NULL;
	size_t len;
	int dir, err = spec_name(name, gen, false, file, sizeof(file));

	*out = NULL;
	if (err)
		return err;
	dir = cells_dir();
	if (dir < 0)
		return dir;
	/* The kernel says gen is in force: a change killed before its commit. */
	if (faccessat(dir, file, F_OK, AT_SYMLINK_NOFOLLOW) && !spec_commit(name, gen))
		spec_prune(name, gen);
	err = statefs_read(dir, file, SPEC_MAX, &text, &len);
	close(dir);
	if (err)
		return set_error(err, "the kept policy of cell %s is unreadable: %s", name,
				 err == -ENOENT ? "missing" : isolate_last_error());
	err = isolate_policy_parse(file, text, len, &doc, &diag);
	free(text);
	if (err) {
		isolate_diag_format(&diag, msg, sizeof(msg));
		return set_error(err, "the kept policy of cell %s is unreadable: %s", name, msg);
	}
	cell = isolate_policy_find(doc, name);
	*out = cell ? isolate_cell_policy_dup(cell) : NULL;
	/* What a cell holds does not depend on the file that kept it. */
	if (*out)
		cell_policy_forget_sources(*out);
	isolate_policy_free(doc);
	if (!*out)
		return set_error(-ENOENT, "%s does not hold cell %s", file, name);
	return 0;
}

int spec_write_bindings(const char *name, __u32 gen, const struct policy_binding *b, size_t n)
{
	char file[NAME_MAX + 1], *text = NULL;
	size_t len = 0;
	int err = spec_file(name, gen, "bind", file, sizeof(file));

	if (err)
		return err;
	if (policy_bindings_format(b, n, &text, &len))
		return set_error(-ENOMEM, "out of memory");
	err = cells_write(file, text, len);
	free(text);
	return err;
}

int spec_read_bindings(const char *name, __u32 gen, struct policy_binding **b, size_t *n)
{
	char file[NAME_MAX + 1], *text = NULL;
	size_t len;
	int dir, err = spec_file(name, gen, "bind", file, sizeof(file));

	*b = NULL;
	*n = 0;
	if (err)
		return err;
	dir = cells_dir();
	if (dir < 0)
		return dir;
	err = statefs_read(dir, file, BINDINGS_MAX, &text, &len);
	close(dir);
	if (err == -ENOENT)
		return err;
	if (!err)
		err = policy_bindings_parse(text, len, b, n);
	free(text);
	if (err == -EINVAL)
		return set_error(err, "the bindings of cell %s (%s) are malformed", name, file);
	if (err)
		return set_error(err, "the bindings of cell %s are unreadable: %s", name,
				 err == -ENOMEM ? "out of memory" : isolate_last_error());
	return 0;
}

/*
 * Calls fn for each file NAME.GEN... of cell name in the cells directory
 * (tail: what follows "NAME.", starting with a digit) until fn returns
 * true; whether one did.
 */
static bool each_generation_file(const char *name,
				 bool (*fn)(int dir, const char *file, const char *tail, void *ctx),
				 void *ctx)
{
	size_t name_len = strlen(name);
	bool stopped = false;
	struct dirent *de;
	int dir = cells_dir();
	DIR *d = dir < 0 ? NULL : fdopendir(dir);

	if (!d) {
		if (dir >= 0)
			close(dir);
		return false;
	}
	while (!stopped && (de = readdir(d))) {
		const char *tail = de->d_name + name_len + 1;

		if (strncmp(de->d_name, name, name_len) || de->d_name[name_len] != '.' ||
		    tail[0] < '0' || tail[0] > '9')
			continue;
		stopped = fn(dirfd(d), de->d_name, tail, ctx);
	}
	closedir(d);
	return stopped;
}

/* GEN (decimal, 32 bits) and WHAT of a tail "GEN.WHAT"; false for any other. */
static bool split_tail(const char *tail, __u32 *gen, char *what, size_t len)
{
	const char *dot = strchr(tail, '.');
	char digits[sizeof("4294967295")];
	size_t n = dot ? (size_t)(dot - tail) : 0;
	__u64 g;

	if (!n || n >= sizeof(digits) || strlen(dot + 1) >= len)
		return false;
	memcpy(digits, tail, n);
	digits[n] = '\0';
	if (parse_decimal(digits, &g) || g > UINT32_MAX)
		return false;
	*gen = (__u32)g;
	strcpy(what, dot + 1);
	return true;
}

struct latest {
	__u32 gen;
	bool found;
};

static bool note_latest(int dir, const char *file, const char *tail, void *ctx)
{
	struct latest *l = ctx;
	char what[16];
	__u32 gen;

	if (split_tail(tail, &gen, what, sizeof(what)) && !strcmp(what, "yaml") &&
	    (!l->found || gen > l->gen)) {
		l->gen = gen;
		l->found = true;
	}
	return false;
}

int spec_latest(const char *name, __u32 *gen)
{
	struct latest l = { 0 };

	each_generation_file(name, note_latest, &l);
	if (!l.found)
		return set_error(-ENOENT, "no kept policy for cell %s", name);
	*gen = l.gen;
	return 0;
}

struct prune {
	char kept[32], bound[32];
};

static bool prune_one(int dir, const char *file, const char *tail, void *ctx)
{
	const struct prune *p = ctx;

	if (strcmp(tail, p->kept) && strcmp(tail, p->bound))
		unlinkat(dir, file, 0);
	return false;
}

/*
 * Removes every file of cell name's generations but generation keep's
 * policy and bindings: other generations, pending ones. (The unenforced
 * list and the id belong to no generation.)
 */
void spec_prune(const char *name, __u32 keep)
{
	struct prune p;

	snprintf(p.kept, sizeof(p.kept), "%u.yaml", keep);
	snprintf(p.bound, sizeof(p.bound), "%u.bind", keep);
	each_generation_file(name, prune_one, &p);
}

/*
 * Unlinks NAME.GEN.bind, NAME.GEN.pending and NAME.GEN.yaml, the policy
 * last: a writer killed in between leaves a generation that still shows,
 * and spec_leftovers() has it removed.
 */
static void spec_unlink_generation(int dir, const char *name, __u32 gen)
{
	static const char *const what[] = { "bind", "pending", "yaml" };
	char file[NAME_MAX + 1];

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		if (!spec_file(name, gen, what[i], file, sizeof(file)))
			unlinkat(dir, file, 0);
}

void spec_drop(const char *name, __u32 gen)
{
	int dir = cells_dir();

	if (dir < 0)
		return;
	spec_unlink_generation(dir, name, gen);
	close(dir);
}

void spec_remove_at(const char *name, __u32 gen)
{
	spec_drop(name, gen);
	spec_drop(name, gen + 1);
	spec_write_unenforced(name, 0);
	spec_write_cell_id(name, 0);
}

bool spec_pending(const char *name, __u32 gen)
{
	char pending[NAME_MAX + 1];
	int dir;
	bool there;

	if (spec_name(name, gen, true, pending, sizeof(pending)))
		return false;
	dir = cells_dir();
	there = dir >= 0 && !faccessat(dir, pending, F_OK, AT_SYMLINK_NOFOLLOW);
	if (dir >= 0)
		close(dir);
	return there;
}

static bool is_leftover(int dir, const char *file, const char *tail, void *ctx)
{
	const __u32 *keep = ctx;
	char what[16];
	__u32 gen;

	return !split_tail(tail, &gen, what, sizeof(what)) || gen != *keep ||
	       (strcmp(what, "yaml") && strcmp(what, "bind"));
}

/*
 * Whether anything but generation gen's policy and bindings is kept for
 * name: another generation's files, or a pending one (switched to but not
 * committed, or written and never switched to).
 */
bool spec_leftovers(const char *name, __u32 gen)
{
	return each_generation_file(name, is_leftover, &gen);
}

void unenforced_text(__u32 bits, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", bits & ISOLATE_UNENFORCED_CPU ? "cpu " : "",
		 bits & ISOLATE_UNENFORCED_MEMORY ? "memory " : "",
		 bits & ISOLATE_UNENFORCED_PIDS ? "pids " : "");
	if (*buf)
		buf[strlen(buf) - 1] = 0;
}

/* <state>/cells/NAME.WHAT holding one number: present only when not 0. */
static int spec_write_number(const char *name, const char *what, __u32 value)
{
	char file[NAME_MAX + 1], text[16];
	int dir, n, err;

	if ((size_t)snprintf(file, sizeof(file), "%s.%s", name, what) >= sizeof(file))
		return set_error(-ENAMETOOLONG, "state file name too long");
	dir = cells_dir();
	if (dir < 0)
		return dir;
	if (!value) {
		unlinkat(dir, file, 0);
		close(dir);
		return 0;
	}
	n = snprintf(text, sizeof(text), "%u\n", value);
	err = statefs_write(dir, file, text, (size_t)n, 0600);
	close(dir);
	return err;
}

static __u32 spec_read_number(const char *name, const char *what)
{
	char file[NAME_MAX + 1], *text = NULL;
	unsigned int value = 0;
	size_t len;
	int dir;

	if ((size_t)snprintf(file, sizeof(file), "%s.%s", name, what) >= sizeof(file))
		return 0;
	dir = cells_dir();
	if (dir < 0)
		return 0;
	if (!statefs_read(dir, file, 64, &text, &len) && sscanf(text, "%u", &value) != 1)
		value = 0;
	free(text);
	close(dir);
	return value;
}

int spec_write_unenforced(const char *name, __u32 unenforced)
{
	return spec_write_number(name, "unenforced", unenforced);
}

__u32 spec_read_unenforced(const char *name)
{
	return spec_read_number(name, "unenforced");
}

int spec_write_cell_id(const char *name, __u32 cell_id)
{
	return spec_write_number(name, "id", cell_id);
}

__u32 spec_read_cell_id(const char *name)
{
	return spec_read_number(name, "id");
}

void spec_remove(const char *name)
{
	spec_prune(name, 0);
	spec_write_unenforced(name, 0);
	spec_write_cell_id(name, 0);
}
