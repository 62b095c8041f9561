// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Rules file, one rule a line, the first that matches decides:
 *     CELL RIGHT TARGET allow SECONDS | CELL RIGHT TARGET deny
 * CELL and RIGHT may be "*"; TARGET is a path, a network block as
 * requests write it ("tcp:10.0.0.0/8:443", ports as a range too), or "*".
 * No rule matching: deny.
 *
 * An allow matches a request it contains: a path below its directory,
 * reached from it without a symlink, or a block and ports inside its own.
 * A deny matches a request it touches: a block or ports that overlap, or
 * a path whose object lies at or below the deny's, by object (the deny's
 * directory renamed, or reached by another name, still holds), or a file
 * with other names on the deny's file system (one may be in the denied
 * tree). Anything that cannot be told (an ancestor that cannot be opened,
 * a tree too deep) is not granted.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <isolate/policy.h>

#include "policy/units.h"
#include "user/broker_rules.h"
#include "user/internal.h"

#define LINE_MAX_BYTES 1024
/* Ancestors walked up from a requested path: as many as a path may have. */
#define ANCESTORS_MAX (PATH_MAX / 2)

struct object_id {
	dev_t dev;
	ino_t ino;
};

/* What a path request names: the object, and it and its ancestors by "..". */
struct requested {
	int fd;
	struct stat st;
	struct object_id *up;
	size_t n_up;
};

static int open_no_symlinks(int dir, const char *path, __u64 resolve)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | resolve,
	};

	return (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
}

/* Whether path, as far as it exists, has a symlink in it. */
static bool through_symlink(const char *path)
{
	int fd = open_no_symlinks(AT_FDCWD, path, 0);

	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == ELOOP;
}

int broker_reach_by_object(const char *rule, const char *req)
{
	const char *base = strcmp(rule, "*") ? rule : "/";
	const char *rel = req + (strcmp(rule, "*") ? strlen(rule) : 0);
	int dir, fd;

	/* The request as the policy would write it: absolute and clean. */
	if (req[0] != '/' || strstr(req, "//") || strstr(req, "/./") || strstr(req, "/../") ||
	    (strlen(req) >= 3 && !strcmp(req + strlen(req) - 3, "/..")))
		return -1;
	while (*rel == '/')
		rel++;
	/*
	 * The rule's directory without a symlink either: the cell may be able
	 * to write on the way to it (a directory not made yet, below one it
	 * may write) and put one there.
	 */
	dir = open_no_symlinks(AT_FDCWD, base, 0);
	if (dir < 0)
		return -1;
	fd = *rel ? open_no_symlinks(dir, rel, strcmp(rule, "*") ? RESOLVE_BENEATH : 0) :
		    fcntl(dir, F_DUPFD_CLOEXEC, 0);
	close(dir);
	return fd < 0 ? -1 : fd;
}

/* A network target ("tcp:10.0.0.0/8:443") as a block of ports; 0 or -EINVAL. */
static int net_target(const char *target, __u8 *proto, __u8 *family, struct net_rect *rect,
		      struct isolate_diag *diag)
{
	char text[ISOLATE_BROKER_TARGET_MAX + 8];
	struct isolate_cap *cap = NULL;
	const struct isolate_net_cap *net;
	int err;

	/* bind: ports may start at 0; the right is the rule's, not the text's. */
	if ((size_t)snprintf(text, sizeof(text), "bind:%s", target) >= sizeof(text))
		return -EINVAL;
	err = isolate_cap_parse(text, &cap, diag);
	net = err ? NULL : isolate_cap_get_net(cap);
	if (net) {
		*proto = net->proto;
		*family = net->family;
		*rect = net_rect_of(net);
	} else if (!err) {
		err = -EINVAL;
	}
	isolate_cap_free(cap);
	return err;
}

/* SECONDS: 1 to ISOLATE_GRANT_SECONDS_MAX, decimal, nothing else. */
static bool rule_seconds(const char *text, unsigned int *seconds)
{
	__u64 v;

	if (parse_decimal(text, &v) || !v || v > ISOLATE_GRANT_SECONDS_MAX)
		return false;
	*seconds = (unsigned int)v;
	return true;
}

/* One line's words, at most max; how many there were (max + 1: more). */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;

	for (char *save = NULL, *w = strtok_r(line, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		words[n++] = w;
	}
	return n;
}

static int parse_rule(struct broker_rule *r, char *line, const char *file, unsigned int lineno)
{
	struct isolate_diag diag = { 0 };
	char *w[5];
	size_t n = split_words(line, w, 5);
	int fd;

	if ((n != 4 || strcmp(w[3], "deny")) &&
	    (n != 5 || strcmp(w[3], "allow") || !rule_seconds(w[4], &r->seconds)))
		return set_error(-EINVAL, "%s:%u: expected \"CELL RIGHT TARGET allow SECONDS\" (1 to %d seconds) or \"CELL RIGHT TARGET deny\"",
				 file, lineno, ISOLATE_GRANT_SECONDS_MAX);
	r->allow = n == 5;
	if (strlen(w[0]) >= sizeof(r->cell) || strlen(w[2]) >= sizeof(r->target))
		return set_error(-EINVAL, "%s:%u: a cell name of at most %zu bytes and a target of at most %zu expected",
				 file, lineno, sizeof(r->cell) - 1, sizeof(r->target) - 1);
	strcpy(r->cell, w[0]);
	strcpy(r->target, w[2]);
	r->rights = strcmp(w[1], "*") ? isolate_broker_right_parse(w[1]) : ISOLATE_BROKER_ALL;
	if (!r->rights)
		return set_error(-EINVAL, "%s:%u: unknown right \"%s\" (read, write, exec, connect, bind or *)",
				 file, lineno, w[1]);
	if (!strcmp(r->target, "*"))
		return 0;
	if (r->target[0] != '/') {
		r->net = true;
		if (net_target(r->target, &r->proto, &r->family, &r->rect, &diag))
			return set_error(-EINVAL, "%s:%u: expected a path, \"*\" or a network target (tcp:10.0.0.0/8:443), got \"%s\": %s",
					 file, lineno, r->target, diag.msg);
		return 0;
	}
	if (through_symlink(r->target))
		return set_error(-EINVAL, "%s:%u: %s leads through a symlink: write the path it leads to (requests are resolved without following any)",
				 file, lineno, r->target);
	fd = r->allow ? -1 : open_no_symlinks(AT_FDCWD, r->target, 0);
	if (fd >= 0) {
		struct stat st;

		if (!fstat(fd, &st)) {
			r->bound = true;
			r->dev = st.st_dev;
			r->ino = st.st_ino;
		}
		close(fd);
	}
	return 0;
}

int broker_rules_read(struct broker_rules *r, const char *file)
{
	char line[LINE_MAX_BYTES + 1];
	unsigned int lineno = 0;
	FILE *f = fopen(file, "re");
	int err = 0;

	if (!f)
		return set_error(-errno, "cannot read %s: %s", file, strerror(errno));
	/* A line's bytes and its newline fit, or it is refused: no read unbounded. */
	while (!err && fgets(line, sizeof(line), f)) {
		lineno++;
		if (strlen(line) >= LINE_MAX_BYTES && line[LINE_MAX_BYTES - 1] != '\n') {
			err = set_error(-EINVAL, "%s:%u: a line of at most %d bytes expected",
					file, lineno, LINE_MAX_BYTES - 1);
			break;
		}
		line[strcspn(line, "#\n")] = 0;
		if (!line[strspn(line, " \t")])
			continue;
		if (r->n == BROKER_RULES_MAX)
			err = set_error(-E2BIG, "%s:%u: more than %d rules", file, lineno,
					BROKER_RULES_MAX);
		else
			err = parse_rule(&r->v[r->n], line, file, lineno);
		if (!err)
			r->n++;
	}
	fclose(f);
	return err;
}

static bool same_object(const struct stat *st, dev_t dev, ino_t ino)
{
	return st->st_dev == dev && st->st_ino == ino;
}

/*
 * The object target names and its ancestors, from its directory up by
 * ".." (across mounts, to the root): 0, or -1 when any of it cannot be
 * told (the caller grants nothing).
 */
static int requested_of(const char *target, struct requested *q)
{
	const char *slash = strrchr(target, '/');
	char *dir_path = slash && slash != target ? strndup(target, (size_t)(slash - target)) :
						   strdup("/");
	int dir = dir_path ? broker_reach_by_object("*", dir_path) : -1;
	struct stat st;

	free(dir_path);
	q->fd = broker_reach_by_object("*", target);
	q->up = calloc(ANCESTORS_MAX, sizeof(*q->up));
	q->n_up = 0;
	if (dir < 0 || q->fd < 0 || !q->up || fstat(q->fd, &q->st))
		goto fail;
	/* The object is the one in that directory, not another by now. */
	if (strcmp(target, "/") &&
	    (fstatat(dir, slash + 1, &st, AT_SYMLINK_NOFOLLOW) ||
	     !same_object(&st, q->st.st_dev, q->st.st_ino)))
		goto fail;
	q->up[q->n_up++] = (struct object_id){ q->st.st_dev, q->st.st_ino };
	for (;;) {
		int parent;

		if (fstat(dir, &st))
			goto fail;
		if (same_object(&st, q->up[q->n_up - 1].dev, q->up[q->n_up - 1].ino))
			break;	/* the root: its ".." is itself */
		if (q->n_up == ANCESTORS_MAX)
			goto fail;
		q->up[q->n_up++] = (struct object_id){ st.st_dev, st.st_ino };
		parent = openat(dir, "..", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		close(dir);
		dir = parent;
		if (dir < 0)
			goto fail;
	}
	close(dir);
	return 0;
fail:
	if (dir >= 0)
		close(dir);
	return -1;
}

static void requested_free(struct requested *q)
{
	if (q->fd >= 0)
		close(q->fd);
	free(q->up);
}

static bool is_above(const struct requested *q, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < q->n_up; i++)
		if (q->up[i].dev == dev && q->up[i].ino == ino)
			return true;
	return false;
}

/* Whether target is rule's path or below it, by name: component by component. */
static bool below_by_name(const char *rule, const char *target)
{
	size_t n = strlen(rule);

	return !strncmp(rule, target, n) &&
	       (target[n] == 0 || target[n] == '/' || (n && rule[n - 1] == '/'));
}

/* Whether the path deny r holds on the request q (written as target). */
static bool path_denied(const struct broker_rule *r, const struct requested *q,
			const char *target)
{
	struct stat st;
	bool denied;
	int fd;

	if (below_by_name(r->target, target))
		return true;
	if (r->bound && is_above(q, r->dev, r->ino))
		return true;
	fd = open_no_symlinks(AT_FDCWD, r->target, 0);
	if (fd < 0)
		return r->bound && !S_ISDIR(q->st.st_mode) && q->st.st_nlink > 1 &&
		       q->st.st_dev == r->dev;
	denied = fstat(fd, &st) || is_above(q, st.st_dev, st.st_ino) ||
		 (!S_ISDIR(q->st.st_mode) && q->st.st_nlink > 1 &&
		  (q->st.st_dev == st.st_dev || (r->bound && q->st.st_dev == r->dev)));
	close(fd);
	return denied;
}

/* Whether the path allow r holds on target: below it, reached from it. */
static int path_allowed(const struct broker_rule *r, const struct requested *q,
			const char *target)
{
	struct stat st;
	int fd;

	if (strcmp(r->target, "*") && !below_by_name(r->target, target))
		return -1;
	fd = broker_reach_by_object(r->target, target);
	/* Reached from the rule's directory: the object checked, not another by now. */
	if (fd >= 0 && (fstat(fd, &st) || !same_object(&st, q->st.st_dev, q->st.st_ino))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static bool net_matches(const struct broker_rule *r, __u8 proto, __u8 family,
			const struct net_rect *q)
{
	const struct net_rect *a = &r->rect;

	if (r->proto != proto || r->family != family)
		return false;
	if (r->allow)
		return a->lo <= q->lo && q->hi <= a->hi && a->port_min <= q->port_min &&
		       q->port_max <= a->port_max;
	return a->lo <= q->hi && q->lo <= a->hi && a->port_min <= q->port_max &&
	       q->port_min <= a->port_max;
}

int broker_rules_decide(const struct broker_rules *r, const char *cell, __u32 right,
			const char *target, unsigned int *seconds, int *object)
{
	bool path = !(right & (ISOLATE_BROKER_CONNECT | ISOLATE_BROKER_BIND));
	struct requested q = { .fd = -1 };
	struct net_rect rect;
	__u8 proto, family;
	int decided = 0;

	*object = -1;
	if (path ? requested_of(target, &q) : net_target(target, &proto, &family, &rect, NULL))
		goto out;
	for (size_t i = 0; i < r->n; i++) {
		const struct broker_rule *rule = &r->v[i];
		bool any = !strcmp(rule->target, "*");

		if ((strcmp(rule->cell, "*") && strcmp(rule->cell, cell)) ||
		    !(rule->rights & right) || (!any && rule->net == path))
			continue;
		if (!path && !any && !net_matches(rule, proto, family, &rect))
			continue;
		if (path && !rule->allow && !any && !path_denied(rule, &q, target))
			continue;
		if (path && rule->allow) {
			*object = path_allowed(rule, &q, target);
			if (*object < 0)
				continue;
		}
		*seconds = rule->seconds;
		decided = rule->allow;
		break;
	}
out:
	requested_free(&q);
	return decided;
}
