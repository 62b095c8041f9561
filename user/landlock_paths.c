// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The policy's paths as the Landlock backend enforces them. Landlock's
 * rules are on the objects the loader opens, symlinks followed, so a deny
 * is compared with the grants where the objects are, not where they were
 * named. Each path is opened once: its real path is the one the kernel
 * gives that descriptor, the checks are made on it and the rule is added
 * from it. Resolving a path again between the check and the rule would
 * let whoever may write one of its directories swap a symlink in, and the
 * rule land past the check (on / or the state directory). No link of
 * /proc to a process's files is followed: through /proc/PID/root a path
 * reaches another mount namespace's objects, which the kernel then names
 * as that namespace does, and every check would be made on a path that
 * names something else here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fd_path.h"
#include "policy/model.h"
#include "policy/path_check.h"
#include "user/internal.h"
#include "user/landlock.h"

/*
 * Where path, which does not exist, would be made: its longest existing
 * prefix's real path, the rest appended. NULL, errno set, when no prefix
 * resolves but for a missing component.
 */
static char *real_path_of_missing(const char *path)
{
	char *prefix = strdup(path), *slash, *real = NULL, *out = NULL;

	while (prefix && !real && (slash = strrchr(prefix, '/'))) {
		int fd;

		*slash = 0;
		fd = fd_path_open(AT_FDCWD, slash == prefix ? "/" : prefix, 0);

		real = fd >= 0 ? fd_path_real(fd) : NULL;
		if (fd >= 0)
			close(fd);
		else
			errno = -fd;
		if (!real && errno != ENOENT)
			break;
		if (real && asprintf(&out, "%s%s", strcmp(real, "/") ? real : "",
				     path + (slash - prefix)) < 0)
			out = NULL;
	}
	free(real);
	free(prefix);
	return out;
}

static int object_cmp(const void *a, const void *b)
{
	return strcmp(((const struct landlock_object *)a)->real,
		      ((const struct landlock_object *)b)->real);
}

int landlock_policy_fd(const struct landlock_policy *p, const char *real)
{
	struct landlock_object key = { .real = (char *)real };
	const struct landlock_object *o = p->n_objects ?
		bsearch(&key, p->objects, p->n_objects, sizeof(*o), object_cmp) : NULL;

	return !o ? -ENOENT : o->fd >= 0 ? o->fd : o->err;
}

/* real, the object of fd (or, fd < 0, the error -err), kept in p unless it is there. */
static int keep_object(struct landlock_policy *p, const char *real, int fd, int err)
{
	struct landlock_object *grown, *o;

	if (landlock_policy_fd(p, real) != -ENOENT)
		return 0;
	grown = realloc(p->objects, (p->n_objects + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->objects = grown;
	o = &grown[p->n_objects];
	*o = (struct landlock_object){ .real = strdup(real), .fd = fd, .err = err };
	if (!o->real)
		return -ENOMEM;
	p->n_objects++;
	qsort(p->objects, p->n_objects, sizeof(*grown), object_cmp);
	return 1;
}

/*
 * cap's path opened and replaced by its real path, a grant's descriptor
 * kept in p; one that does not exist yet resolved as far as it exists. One that
 * cannot be resolved otherwise stays as written, with the error kept: a
 * rule on it fails with it.
 */
static int resolve_cap(struct landlock_policy *p, struct isolate_cap *cap, char *msg, size_t len)
{
	int fd = fd_path_open(AT_FDCWD, cap->u.path, 0), open_err = fd < 0 ? fd : 0, err, kept;
	char *real = fd >= 0 ? fd_path_real(fd) :
		     open_err == -ENOENT ? real_path_of_missing(cap->u.path) : strdup(cap->u.path);

	if (!real && errno != ENOMEM) {
		/* Named by no path (removed), or past a component that cannot be resolved. */
		open_err = fd >= 0 ? -ENOENT : open_err;
		if (fd >= 0)
			close(fd);
		fd = -1;
		real = strdup(cap->u.path);
	}
	if (!real) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	err = self_path_check_real(cap->u.path, real, msg, len);
	/* A deny gets no rule: only its real path is needed, not a descriptor held. */
	kept = err || (cap->flags & ISOLATE_CAP_DENY) ? 0 : keep_object(p, real, fd, open_err);
	if (kept <= 0 && fd >= 0)
		close(fd);
	free(cap->u.path);
	cap->u.path = real;
	return kept < 0 ? kept : err;
}

void landlock_policy_free(struct landlock_policy *p)
{
	for (size_t i = 0; i < p->n_objects; i++) {
		if (p->objects[i].fd >= 0)
			close(p->objects[i].fd);
		free(p->objects[i].real);
	}
	free(p->objects);
	isolate_cell_policy_free(p->resolved);
	isolate_cell_policy_free(p->set);
	memset(p, 0, sizeof(*p));
}

int landlock_policy_make(const struct isolate_cell_policy *pol, struct landlock_policy *out)
{
	char msg[256];
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->resolved = isolate_cell_policy_dup(pol);
	if (!out->resolved)
		return set_error(-ENOMEM, "out of memory");
	for (size_t i = 0; !err && i < out->resolved->n_caps; i++)
		if (cap_is_path(out->resolved->caps[i].kind))
			err = resolve_cap(out, &out->resolved->caps[i], msg, sizeof(msg));
	if (err) {
		landlock_policy_free(out);
		if (err == -EINVAL)
			return set_error(err, "%s", msg);
		return set_error(err, "cannot resolve the policy's paths: %s", strerror(-err));
	}
	err = isolate_cell_policy_normalize(out->resolved, &out->set);
	if (err) {
		landlock_policy_free(out);
		return set_error(err, "cannot normalize the policy: %s", isolate_last_error());
	}
	return 0;
}
