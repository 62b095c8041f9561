// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A cell's policy changed while it runs: grants and revokes (timed or
 * not), their end, recycling, the snapshot that carries a cell's
 * capabilities to a new one, and every cell's rules made again when the
 * mounts of the state directory change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/model.h"
#include "policy/sb_device.h"
#include "user/internal.h"

int isolate_cell_snapshot(struct isolate *iso, const char *name, FILE *out, bool pretty)
{
	struct isolate_cell_policy *pol = NULL;
	int err = isolate_cell_policy_get(iso, name, &pol);

	if (err)
		return err;
	err = isolate_cell_policy_write_snapshot(pol, out, pretty);
	isolate_cell_policy_free(pol);
	return err ? set_error(err, "cannot write the snapshot: %s", strerror(-err)) : 0;
}

int isolate_cell_restore(struct isolate *iso, const char *source, const char *json, size_t len,
			 const char *new_name, struct isolate_cell_state *out)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_diag diag = { 0 };
	char msg[768];
	int err = isolate_cell_policy_read_snapshot(source, json, len, new_name, &pol, &diag);

	if (err) {
		isolate_diag_format(&diag, msg, sizeof(msg));
		return set_error(err, "bad snapshot: %s", msg);
	}
	err = isolate_cell_create(iso, isolate_cell_policy_name(pol), pol, out);
	isolate_cell_policy_free(pol);
	return err;
}

int isolate_cell_recycle(struct isolate *iso, const char *name)
{
	struct isolate_cell_policy *pol = NULL;
	int err = isolate_lock(iso);

	/* Under one hold of the lock: a change in between would be undone. */
	if (err)
		return err;
	err = isolate_cell_policy_get(iso, name, &pol);
	if (!err)
		err = cell_recreate(iso, name, pol);
	isolate_cell_policy_free(pol);
	isolate_unlock(iso);
	return err;
}

/* Takes every timed grant of cap's right out of the list; whether there was one. */
static bool timed_remove(struct timed_cap *t, size_t *n, const struct isolate_cap *cap)
{
	size_t kept = 0, was = *n;

	for (size_t i = 0; i < was; i++) {
		if (cap_same_right(t[i].cap, cap))
			isolate_cap_free(t[i].cap);
		else
			t[kept++] = t[i];
	}
	*n = kept;
	return kept != was;
}

/*
 * Whether a change gives no rights, only takes them away: a deny granted,
 * a grant revoked, the same policy made again (rebinding aside: a path
 * may name another object by now; an expiry's tidy aside: it gives back,
 * over the fallback the kernel enforces, the timed grants not ended). Such a change scans
 * denied trees for hard links however big they are: a cell that may
 * write in one must not be able to block it by filling it; one that gives
 * rights, if the cell blocks it, only keeps them from the cell.
 * A budget counts as taken away: lowering one must not be blockable, and
 * raising one costs a longer scan at worst.
 */
static bool narrows(struct isolate_cap *const caps[], size_t n, bool grant,
		    unsigned int seconds, bool rebind)
{
	if (seconds || rebind)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!cap_is_budget(caps[i]->kind) && grant != !!(caps[i]->flags & ISOLATE_CAP_DENY))
			return false;
	return true;
}

/*
 * grant and revoke: the policy in force, changed, as the next generation;
 * seconds > 0 grants for that long (kept beside the policy, ended by the
 * kernel). A revoke takes a capability out of the policy and out of the
 * timed grants. Under the lock from the read on: two changes at once must
 * not both start from the same generation, each losing the other's. No
 * capability at all: the same policy again (a rebind, new mounts of the
 * state directory).
 */
static int change_caps(struct isolate *iso, const char *name,
		       struct isolate_cap *const caps[], size_t n, bool grant,
		       unsigned int seconds, bool rebind, const struct policy_binding *checked)
{
	struct isolate_cell_policy *pol = NULL;
	struct timed_cap *timed = NULL;
	size_t n_timed = 0;
	char text[4400];
	__u64 now = boot_ns();
	int err = isolate_lock(iso);

	if (err)
		return err;
	err = isolate_cell_policy_get(iso, name, &pol);
	if (!err)
		err = timed_read(name, now, &timed, &n_timed);
	if (!err && seconds)
		err = timed_add(&timed, &n_timed, caps, n, now + seconds * 1000000000ULL);
	for (size_t i = 0; !err && !seconds && i < n; i++) {
		if (grant) {
			err = isolate_cell_policy_add(pol, caps[i]);
		} else {
			err = isolate_cell_policy_remove(pol, caps[i]);
			if (timed_remove(timed, &n_timed, caps[i]) && err == -ENOENT)
				err = 0;
		}
		if (err) {
			isolate_cap_format(caps[i], text, sizeof(text));
			if (err == -ENOENT)
				err = set_error(err, "cell %s does not hold %s", name, text);
			else
				err = set_error(err, "%s can not be %s", text,
						grant ? "granted" : "revoked");
		}
	}
	if (!err)
		err = cell_update_timed(iso, name, pol, timed, n_timed, rebind,
					narrows(caps, n, grant, seconds, rebind), checked, &pol);
	isolate_unlock(iso);
	timed_free(timed, n_timed);
	isolate_cell_policy_free(pol);
	return err;
}

int isolate_cell_grant(struct isolate *iso, const char *name,
		       struct isolate_cap *const caps[], size_t n)
{
	return change_caps(iso, name, caps, n, true, 0, false, NULL);
}

int isolate_cell_revoke(struct isolate *iso, const char *name,
			struct isolate_cap *const caps[], size_t n)
{
	return change_caps(iso, name, caps, n, false, 0, false, NULL);
}

static int grant_timed(struct isolate *iso, const char *name, struct isolate_cap *const caps[],
		       size_t n, unsigned int seconds, const struct policy_binding *checked)
{
	if (!seconds || seconds > ISOLATE_GRANT_SECONDS_MAX)
		return set_error(-EINVAL, "a timed grant lasts 1 to %d seconds, not %u",
				 ISOLATE_GRANT_SECONDS_MAX, seconds);
	for (size_t i = 0; i < n; i++) {
		struct isolate_diag diag = { 0 };
		enum isolate_cap_kind kind = isolate_cap_get_kind(caps[i]);
		int err = isolate_cap_check(caps[i], &diag);

		if (err)
			return set_error(err, "%s", diag.msg);
		/*
		 * The kernel falls back to the policy without every timed grant
		 * at the first one's end: a timed deny would end early. And only
		 * rules are in what it falls back from: a timed mode, budget,
		 * socket family or broker right would be accepted and do nothing.
		 */
		if (isolate_cap_get_flags(caps[i]) & ISOLATE_CAP_DENY)
			return set_error(-EINVAL, "a deny cannot be timed: it would end with the first timed grant to end");
		if (kind != ISOLATE_CAP_READ && kind != ISOLATE_CAP_WRITE && kind != ISOLATE_CAP_EXEC &&
		    kind != ISOLATE_CAP_CONNECT && kind != ISOLATE_CAP_BIND && kind != ISOLATE_CAP_UNIX)
			return set_error(-EINVAL, "only path, network and unix rules can be timed, not %s",
					 isolate_cap_kind_name(kind) ?: "this capability");
	}
	return change_caps(iso, name, caps, n, true, seconds, false, checked);
}

int isolate_cell_grant_timed(struct isolate *iso, const char *name,
			     struct isolate_cap *const caps[], size_t n, unsigned int seconds)
{
	return grant_timed(iso, name, caps, n, seconds, NULL);
}

/*
 * Whether the kernel's rules can match the object fd holds (found at
 * real), as the compiler asks of a path it resolves: its file system
 * keeps its number and reports its superblock's device.
 */
static int object_matchable(int fd, const char *real, const struct stat *st)
{
	struct sb_device_check c = { 0 };
	dev_t sb_dev = 0;
	char why[PATH_MAX + 256];
	int err = sb_device_check_fd(&c, fd, real, st, &sb_dev);

	if (err && !sb_device_why(&c, err, real, st->st_dev, sb_dev, why, sizeof(why)))
		err = set_error(err, "%s", why);
	else if (err)
		err = set_error(err, "cannot tell the file system of %s: %s", real, strerror(-err));
	sb_device_check_free(&c);
	return err;
}

/*
 * The binding of cap's path to the object of fd: where it is now (the path
 * the kernel gives the fd, into real) and which it is.
 */
static int binding_of_fd(const struct isolate_cap *cap, int fd, char real[PATH_MAX],
			 struct policy_binding *b)
{
	char link[64];
	struct stat st;
	ssize_t n;
	int err;

	if (!isolate_cap_get_path(cap))
		return set_error(-EINVAL, "only a capability with a path can be granted on an object");
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, PATH_MAX);
	if (n < 0 || fstat(fd, &st))
		return set_error(-errno, "cannot read what fd %d refers to: %s", fd, strerror(errno));
	if (n >= PATH_MAX)
		return set_error(-ENAMETOOLONG, "the path of fd %d is too long", fd);
	real[n] = 0;
	if (!st.st_nlink || real[0] != '/')
		return set_error(-ENOENT, "fd %d refers to a removed file or no file (%s)", fd, real);
	err = object_matchable(fd, real, &st);
	if (err)
		return err;
	*b = (struct policy_binding){
		.path = (char *)isolate_cap_get_path(cap),
		.real = real, .dev = st.st_dev, .ino = st.st_ino, .mode = st.st_mode,
	};
	return 0;
}

int isolate_cell_grant_at(struct isolate *iso, const char *name, struct isolate_cap *cap, int fd,
			  unsigned int seconds)
{
	struct policy_binding checked;
	char real[PATH_MAX];
	int err = binding_of_fd(cap, fd, real, &checked);

	if (err)
		return err;
	if (seconds)
		return grant_timed(iso, name, &cap, 1, seconds, &checked);
	return change_caps(iso, name, &cap, 1, true, 0, false, &checked);
}

int isolate_cell_rebind(struct isolate *iso, const char *name)
{
	return change_caps(iso, name, NULL, 0, true, 0, true, NULL);
}

int isolate_cell_expire(struct isolate *iso, const char *name)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state st;
	int err = isolate_lock(iso);

	if (err)
		return err;
	err = isolate_cell_get(iso, name, &st);
	/* Nothing has ended: nothing to do. */
	if (!err && st.cell.expires_ns && boot_ns() >= st.cell.expires_ns) {
		/*
		 * The kernel enforces the fallback already; this gives back,
		 * over it, the timed grants not ended: a change that gives
		 * rights, so the scan of denied trees keeps its size limit
		 * (a cell that filled one must not hold up its caller).
		 */
		err = isolate_cell_policy_get(iso, name, &pol);
		if (!err)
			err = isolate_cell_update(iso, name, pol);
		isolate_cell_policy_free(pol);
	}
	isolate_unlock(iso);
	return err;
}

static int inode_rule_cmp(const void *a, const void *b)
{
	const struct isolate_image_inode *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * The same policy again in each cell of names (taken over): its new
 * generation has the rules closing the state tree now. One cell failing
 * does not keep the others open; the error names the first that failed.
 * Those that failed are the handle's to retry (reclose), every call, until
 * they are closed or gone: until then they are open to what the mounts
 * show of the state directory.
 */
static int close_again(struct isolate *iso, struct cell_name *names, size_t n)
{
	struct cell_name *failed = calloc(n ?: 1, sizeof(*failed));
	size_t n_failed = 0;
	int err = 0, changed = 0;

	if (!failed) {
		free(names);
		return set_error(-ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		/* The same policy again. */
		int e = change_caps(iso, names[i].s, NULL, 0, true, 0, false, NULL);

		if (!e) {
			changed++;
		} else if (e != -ENOENT) {	/* -ENOENT: destroyed meanwhile */
			if (!err)
				err = set_error(e, "cell %s: %s", names[i].s, isolate_last_error());
			failed[n_failed++] = names[i];
		}
	}
	free(names);
	free(iso->reclose);
	iso->reclose = failed;
	iso->n_reclose = n_failed;
	return err ? err : changed;
}

/* The names of every cell; 0 or -errno. */
static int every_cell(struct isolate *iso, struct cell_name **names, size_t *n)
{
	struct isolate_cell_state *cells = NULL;
	int err = isolate_cells_list(iso, &cells, n);

	*names = err ? NULL : calloc(*n ?: 1, sizeof(**names));
	if (!err && !*names)
		err = set_error(-ENOMEM, "out of memory");
	for (size_t i = 0; !err && i < *n; i++)
		snprintf((*names)[i].s, sizeof((*names)[i].s), "%s", cells[i].name);
	free(cells);
	return err;
}

/* Those whose last re-close failed. */
static int close_again_failed(struct isolate *iso)
{
	struct cell_name *names = iso->reclose;
	size_t n = iso->n_reclose;

	if (!n)
		return 0;
	iso->reclose = NULL;
	iso->n_reclose = 0;
	return close_again(iso, names, n);
}

/*
 * What the handle saw last (the state tree's rules, state_followed) is
 * kept once every cell is known: a failure before leaves it, to compare
 * with the next call.
 */
static int mounts_follow(struct isolate *iso)
{
	const struct state_tree *tree;
	struct isolate_image_inode *closed = NULL;
	struct cell_name *names = NULL;
	size_t n = 0, n_names = 0;
	bool first = !iso->closed, same;
	int err = state_tree_get(iso, &tree);

	if (err)
		return err;
	if (!first && iso->state_followed == iso->state_reads)
		return close_again_failed(iso);
	err = state_tree_rules(tree, &closed, &n);
	if (err)
		return err;
	qsort(closed, n, sizeof(*closed), inode_rule_cmp);
	/* First: the cells' rules may be older than any such mount there is. */
	same = first ? n == 1 :
		       n == iso->n_closed && !memcmp(closed, iso->closed, n * sizeof(*closed));
	if (!same)
		err = every_cell(iso, &names, &n_names);
	if (err) {
		free(closed);
		return err;
	}
	iso->state_followed = iso->state_reads;
	free(iso->closed);
	iso->closed = closed;
	iso->n_closed = n;
	return same ? close_again_failed(iso) : close_again(iso, names, n_names);
}

/* What it compares with is the handle's, as is the state tree. */
int isolate_state_mounts_follow(struct isolate *iso)
{
	int err;

	handle_enter(iso);
	err = mounts_follow(iso);
	handle_leave(iso);
	return err;
}
