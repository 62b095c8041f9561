// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * isolate_outside_writes(): which write grants of a cell reach a place of
 * outside_places.c. Paths are compared as the compiler resolves them
 * (realpath), so a grant reaches a place through the symlinks on either
 * side; a place is looked at both where its entry is (a cell that may
 * write the directory replaces the entry, a symlink too) and where it
 * leads. Nothing below a grant is scanned: a repository is found by its
 * .git in the grant's directory or in one of its parents.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "outside_places.h"
#include "path_util.h"
#include "real_path.h"

struct reach_check {
	struct real_path_cache cache;
	char **denies;		/* the cell's deny-write paths, resolved */
	size_t n_denies;
	struct isolate_outside_write *out;
	size_t n_out, out_alloc;
};

static bool denied(const struct reach_check *rc, const char *path)
{
	for (size_t i = 0; i < rc->n_denies; i++)
		if (path_at_or_below(path, rc->denies[i]))
			return true;
	return false;
}

/*
 * Whether a write grant on grant reaches loc: one holds the other, and no
 * deny covers the deeper of the two (what the grant leaves writable there).
 */
static bool reaches_at(const struct reach_check *rc, const char *grant, const char *loc)
{
	if (path_at_or_below(loc, grant))
		return !denied(rc, loc);
	if (path_at_or_below(grant, loc))
		return !denied(rc, grant);
	return false;
}

/* Where the entry of path is: its directory resolved, and its own name. */
static char *entry_location(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = strndup(path, slash > path ? (size_t)(slash - path) : 1);
	char *real = dir ? realpath(dir, NULL) : NULL;
	char *loc = NULL;

	if (real && asprintf(&loc, "%s%s", strcmp(real, "/") ? real : "", slash) < 0)
		loc = NULL;
	free(real);
	free(dir);
	return loc;
}

/* Whether grant (resolved) reaches the place at path: one that does not exist is not. */
static int place_reached(struct reach_check *rc, const char *grant, const char *path,
			 bool *reached)
{
	struct stat st;
	char *target = real_path(&rc->cache, path, &st);
	char *loc;

	*reached = false;
	if (!target)
		return errno == ENOMEM ? -ENOMEM : 0;
	loc = entry_location(path);
	*reached = reaches_at(rc, grant, target) || (loc && reaches_at(rc, grant, loc));
	free(loc);
	free(target);
	return 0;
}

/* The top of the nearest git work tree at or above dir, malloc'ed, or NULL. */
static char *repo_top(const char *dir, size_t len)
{
	for (;;) {
		char *git;
		struct stat st;
		bool found;

		if (asprintf(&git, "%.*s/.git", (int)len, len > 1 ? dir : "") < 0)
			return NULL;
		found = !lstat(git, &st);
		free(git);
		if (found)
			return strndup(dir, len);
		if (len <= 1)
			return NULL;
		len = path_parent_len(dir, len);
	}
}

static int add_reach(struct reach_check *rc, const struct isolate_cap *grant, const char *place,
		     const char *why)
{
	struct isolate_outside_write *w;

	if (rc->n_out == rc->out_alloc) {
		size_t alloc = rc->out_alloc ? rc->out_alloc * 2 : 8;

		w = reallocarray(rc->out, alloc, sizeof(*w));
		if (!w)
			return -ENOMEM;
		rc->out = w;
		rc->out_alloc = alloc;
	}
	w = &rc->out[rc->n_out];
	*w = (struct isolate_outside_write){
		.file = grant->pos.file, .line = grant->pos.line, .column = grant->pos.column,
		.grant = grant->u.path, .why = why, .place = strdup(place),
	};
	if (!w->place)
		return -ENOMEM;
	rc->n_out++;
	return 0;
}

/* The places of the table one write grant reaches. */
static int check_grant(struct reach_check *rc, const struct isolate_cap *cap, const char *home)
{
	struct stat st;
	char *grant = real_path(&rc->cache, cap->u.path, &st);
	char *repo = NULL;
	int err = 0;

	/* What does not resolve is skipped (optional) or refused by compiling. */
	if (!grant)
		return errno == ENOMEM ? -ENOMEM : 0;
	repo = repo_top(grant, S_ISDIR(st.st_mode) ? strlen(grant) :
			       path_parent_len(grant, strlen(grant)));
	for (size_t i = 0; i < n_outside_places && !err; i++) {
		const struct outside_place *p = &outside_places[i];
		const char *base = p->base == OUTSIDE_HOME ? home :
				   p->base == OUTSIDE_REPO ? repo : "";
		char *path;
		bool reached;

		if (!base)
			continue;
		/* A base of "/" is joined as "": the table's paths are clean. */
		if (asprintf(&path, "%s%s%s", strcmp(base, "/") ? base : "", *base ? "/" : "",
			     p->path) < 0) {
			err = -ENOMEM;
			break;
		}
		err = place_reached(rc, grant, path, &reached);
		if (!err && reached)
			err = add_reach(rc, cap, path, p->why);
		free(path);
	}
	free(repo);
	free(grant);
	return err;
}

/* home clean and absolute, malloc'ed; NULL when there is none. */
static char *home_of(const char *home)
{
	if (!home)
		home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || home[0] != '/')
		return NULL;
	return path_clean(home);
}

static int resolve_denies(struct reach_check *rc, const struct isolate_cell_policy *c)
{
	rc->denies = calloc(c->n_caps ? c->n_caps : 1, sizeof(*rc->denies));
	if (!rc->denies)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_caps; i++) {
		const struct isolate_cap *cap = &c->caps[i];
		struct stat st;

		if (cap->kind != ISOLATE_CAP_WRITE || !(cap->flags & ISOLATE_CAP_DENY))
			continue;
		rc->denies[rc->n_denies] = real_path(&rc->cache, cap->u.path, &st);
		if (rc->denies[rc->n_denies])
			rc->n_denies++;
		else if (errno == ENOMEM)
			return -ENOMEM;
	}
	return 0;
}

int isolate_outside_writes(const struct isolate_cell_policy *c, const char *home,
			   struct isolate_outside_write **out, size_t *n)
{
	struct reach_check rc = { 0 };
	char *clean_home = home_of(home);
	int err = resolve_denies(&rc, c);

	for (size_t i = 0; i < c->n_caps && !err; i++) {
		const struct isolate_cap *cap = &c->caps[i];

		if (cap->kind == ISOLATE_CAP_WRITE && !(cap->flags & ISOLATE_CAP_DENY))
			err = check_grant(&rc, cap, clean_home);
	}
	for (size_t i = 0; i < rc.n_denies; i++)
		free(rc.denies[i]);
	free(rc.denies);
	real_path_cache_free(&rc.cache);
	free(clean_home);
	if (err) {
		isolate_outside_writes_free(rc.out, rc.n_out);
		return err;
	}
	*out = rc.out;
	*n = rc.n_out;
	return 0;
}

void isolate_outside_writes_free(struct isolate_outside_write *w, size_t n)
{
	for (size_t i = 0; w && i < n; i++)
		free(w[i].place);
	free(w);
}
