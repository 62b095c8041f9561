// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Cells: a cgroup directory below the cells root plus an entry in the
 * cells map. The map entry is written last on creation and removed first
 * on destruction, after the processes are dead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <isolate/policy.h>

#include "common/cgroup.h"
#include "policy/model.h"
#include "user/internal.h"

static int check_name(const char *name)
{
	if (!isolate_cell_name_valid(name))
		return set_error(-EINVAL, "cell name \"%.80s\": expected 1 to 63 letters, digits, '_' or '-'",
				 name);
	return 0;
}

static int cell_dir(const struct isolate *iso, const char *name, char *out, size_t len)
{
	int err = check_name(name);

	if (err)
		return err;
	if ((size_t)snprintf(out, len, "%s/%s", iso->cells_cgroup, name) >= len)
		return set_error(-ENAMETOOLONG, "cgroup path too long");
	return 0;
}

static int reset_counters(struct isolate *iso, uint32_t cell_id)
{
	int ncpu = libbpf_num_possible_cpus();
	struct isolate_cell_counters *zero;
	int err = 0;

	if (ncpu < 0)
		return set_error(ncpu, "cannot count the possible CPUs");
	zero = calloc(ncpu, sizeof(*zero));
	if (!zero)
		return set_error(-ENOMEM, "out of memory");
	if (bpf_map_update_elem(iso->map_fd[MAP_COUNTERS], &cell_id, zero, BPF_ANY))
		err = set_error(-errno, "cannot reset the counters of cell %u: %s",
				cell_id, strerror(errno));
	free(zero);
	return err;
}

static int sum_counters(struct isolate *iso, uint32_t cell_id,
			struct isolate_cell_counters *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct isolate_cell_counters *per_cpu;

	memset(sum, 0, sizeof(*sum));
	if (ncpu < 0)
		return set_error(ncpu, "cannot count the possible CPUs");
	per_cpu = calloc(ncpu, sizeof(*per_cpu));
	if (!per_cpu)
		return set_error(-ENOMEM, "out of memory");
	if (bpf_map_lookup_elem(iso->map_fd[MAP_COUNTERS], &cell_id, per_cpu)) {
		free(per_cpu);
		return set_error(-errno, "cannot read the counters of cell %u", cell_id);
	}
	for (int c = 0; c < ncpu; c++) {
		sum->allowed += per_cpu[c].allowed;
		sum->denied += per_cpu[c].denied;
		sum->audited += per_cpu[c].audited;
		for (int f = 0; f < ISOLATE_FAIL_MAX; f++)
			sum->fail_closed[f] += per_cpu[c].fail_closed[f];
		sum->requests_refused += per_cpu[c].requests_refused;
		for (int k = 0; k < ISOLATE_EVENT_CLASSES; k++) {
			sum->events_sent[k] += per_cpu[c].events_sent[k];
			sum->events_lost[k] += per_cpu[c].events_lost[k];
			sum->events_over_share[k] += per_cpu[c].events_over_share[k];
		}
	}
	free(per_cpu);
	return 0;
}

/*
 * isolate_cell_get() once a change killed before its switch is settled: it
 * may have written the next generation's budgets already. Under the lock,
 * so that the next generation seen is not one a live change is making.
 */
static int get_recovered(struct isolate *iso, const char *name,
			 struct isolate_cell_state *out)
{
	int err = isolate_lock(iso);

	if (err)
		return err;
	/* What cannot be settled here (an unreadable kept policy) load reports. */
	cell_recover(iso, name);
	err = isolate_cell_get(iso, name, out);
	isolate_unlock(iso);
	return err;
}

int isolate_cell_get(struct isolate *iso, const char *name,
		     struct isolate_cell_state *out)
{
	char dir[PATH_MAX];
	int err = cell_dir(iso, name, dir, sizeof(dir));

	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	err = cgroup_id_of(dir, &out->cgid);
	if (err)
		return err == -ENOENT ? set_error(-ENOENT, "no cell named %s", name) : err;
	if (bpf_map_lookup_elem(iso->map_fd[MAP_CELLS], &out->cgid, &out->cell))
		return set_error(-ENOENT, "cgroup %s exists but is not a cell in the kernel's map", dir);
	if (!isolate_locked(iso) && spec_pending(name, out->cell.generation + 1))
		return get_recovered(iso, name, out);
	strcpy(out->name, name);
	out->unenforced = spec_read_unenforced(name);
	return sum_counters(iso, out->cell.cell_id, &out->counters);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct isolate_cell_state *)a)->name,
		      ((const struct isolate_cell_state *)b)->name);
}

int isolate_cells_list(struct isolate *iso, struct isolate_cell_state **cells, size_t *n)
{
	struct isolate_cell_state *all = NULL, *more;
	size_t count = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(iso->cells_cgroup);

	*cells = NULL;
	*n = 0;
	if (!d)
		return set_error(-errno, "cannot list %s: %s", iso->cells_cgroup, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || !isolate_cell_name_valid(de->d_name))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			more = realloc(all, cap * sizeof(*all));
			if (!more) {
				closedir(d);
				free(all);
				return set_error(-ENOMEM, "out of memory");
			}
			all = more;
		}
		/* A directory that is not (or no longer) a cell is no cell. */
		if (!isolate_cell_get(iso, de->d_name, &all[count]))
			count++;
	}
	closedir(d);
	qsort(all, count, sizeof(*all), by_name);
	*cells = all;
	*n = count;
	return 0;
}

int isolate_cell_name_of(struct isolate *iso, __u64 cgid, char *name, size_t len)
{
	struct isolate_cell_state *all;
	size_t n;
	int err = isolate_cells_list(iso, &all, &n);

	for (size_t i = 0; !err && i < n; i++) {
		if (all[i].cgid == cgid) {
			snprintf(name, len, "%s", all[i].name);
			free(all);
			return 0;
		}
	}
	free(all);
	return err ? err : set_error(-ENOENT, "no cell has cgroup id %llu",
				     (unsigned long long)cgid);
}

void isolate_allow_unenforced(struct isolate *iso, bool allow)
{
	iso->allow_unenforced = allow;
}

/* What is accepted but not enforced is said, in an event, every time. */
static void report_unenforced(struct isolate *iso, const char *name, __u64 cgid,
			      const struct isolate_cell *cell, __u32 unenforced)
{
	char text[64];

	if (!unenforced)
		return;
	unenforced_text(unenforced, text, sizeof(text));
	emit_lifecycle(iso, name, cgid, cell, ISOLATE_LIFECYCLE_UNENFORCED, text);
}

/*
 * Compiles pol with its paths in bound kept on their objects (what else it
 * names is resolved now, and every path's binding goes to bound_out when
 * asked for; a failure sets the error message; scan_all: see
 * policy_compile_bound()), then closes the state
 * directory outright: a rule the policy has inside it (say
 * read:/run/isolate/cells, or the same directory through a bind mount)
 * allows nothing, as an explicit deny would, so that no grant below wins
 * over the rule on the directory itself. The
 * cell's own channel is opened again, read only, by ruleset_write().
 */
static int compile(struct isolate *iso, const struct isolate_cell_policy *pol,
		   const struct policy_binding *bound, size_t n_bound, bool scan_all,
		   struct policy_binding **bound_out, size_t *n_out, struct isolate_image **img)
{
	struct isolate_diag diag = { 0 };
	const struct state_tree *tree;
	char msg[768];
	int err = state_tree_get(iso, &tree);

	if (err)
		return err;
	err = policy_compile_bound(pol, bound, n_bound, scan_all, bound_out, n_out, img, &diag);
	if (err) {
		isolate_diag_format(&diag, msg, sizeof(msg));
		return set_error(err, "%s", msg);
	}
	for (size_t i = 0; i < (*img)->n_inodes; i++) {
		struct isolate_image_inode *e = &(*img)->inodes[i];

		if (e->path && state_tree_holds(tree, e->dev, e->path))
			e->rule.allow = 0;
	}
	return 0;
}

/* How create_locked() makes a cell. */
struct create_as {
	__u32 generation;
	bool allow_unenforced;	/* see isolate_allow_unenforced() */
	/*
	 * Of a cell whose cgroup outlived its kernel state (readopt): its
	 * cgroup, its channel and its kept files are left as they are on a
	 * failure, for its processes and the next load.
	 */
	bool survivor;
	const char *detail;	/* of the created event */
};

/*
 * Writes a cell's state in the order that keeps every intermediate state
 * safe: rules, kept policy, bindings and budgets first, the cells map
 * entry (which makes them live) last. On success the handle keeps *bound.
 */
static int create_locked(struct isolate *iso, const char *name, const char *dir,
			 const struct isolate_cell_policy *pol,
			 const struct isolate_image *img, struct policy_binding **bound,
			 size_t n_bound, const struct create_as *as, struct isolate_cell_state *out)
{
	__u32 generation = as->generation;
	struct isolate_cell cell = {
		.generation = generation,
		.mode = img->mode,
		.flags = img->cell_flags,
		.broker_rights = img->broker_rights,
		.netlink_protocols = img->netlink_protocols,
		.socket_families = img->socket_families,
	};
	struct isolate_image_inode channel;
	/* A survivor's, put back on a failure: the next load readopts it as it was. */
	__u32 unenforced = 0, kept_id = spec_read_cell_id(name),
	      kept_unenforced = as->survivor ? spec_read_unenforced(name) : 0;
	__u64 cgid;
	int err;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return set_error(-errno, "cannot create cgroup %s: %s", dir, strerror(errno));
	err = cgroup_id_of(dir, &cgid);
	if (!err)
		err = cell_id_alloc(iso, kept_id, &cell.cell_id);
	if (!err)
		err = ruleset_alloc(iso, &cell.ruleset);
	if (!err)
		err = channel_create(name, &channel);
	if (!err)
		err = ruleset_write(iso, cell.ruleset, img, &channel);
	if (err) {
		if (cell.cell_id)
			cell_id_release(iso, cell.cell_id);
		goto fail;
	}
	err = spec_write(name, generation, pol, false);
	if (!err)
		err = spec_write_bindings(name, generation, *bound, n_bound);
	if (!err)
		err = spec_write_cell_id(name, cell.cell_id);
	if (!err)
		err = cgroup_set_limits(dir, &img->limits, as->allow_unenforced, &unenforced,
					NULL);
	if (!err)
		err = spec_write_unenforced(name, unenforced);
	if (!err)
		err = reset_counters(iso, cell.cell_id);
	if (!err && bpf_map_update_elem(iso->map_fd[MAP_CELLS], &cgid, &cell, BPF_NOEXIST))
		err = set_error(-errno, "cannot add cell %s to the cells map: %s", name, strerror(errno));
	if (err) {
		ruleset_delete(iso, cell.ruleset);
		if (!as->survivor) {
			spec_remove_at(name, generation);
		} else {
			spec_write_cell_id(name, kept_id);
			spec_write_unenforced(name, kept_unenforced);
		}
		cell_id_release(iso, cell.cell_id);
		goto fail;
	}
	policy_cache_put(iso, name, cgid, generation, pol, *bound, n_bound);
	*bound = NULL;
	emit_lifecycle(iso, name, cgid, &cell, ISOLATE_LIFECYCLE_CREATED, as->detail);
	report_unenforced(iso, name, cgid, &cell, unenforced);
	if (out) {
		memset(out, 0, sizeof(*out));
		strcpy(out->name, name);
		out->cgid = cgid;
		out->cell = cell;
	}
	return 0;
fail:
	if (!as->survivor) {
		channel_remove(name);
		rmdir(dir);
	}
	return err;
}

/*
 * A name without a cgroup holds nothing of a live cell: whatever a cell
 * of the name left goes first, or the new one would take it over. What
 * cannot be released of it (its rules, say) load collects; it keeps no
 * new cell from being made.
 */
static int create_fresh(struct isolate *iso, const char *name, const char *dir,
			const struct isolate_cell_policy *pol, const struct isolate_image *img,
			struct policy_binding **bound, size_t n_bound,
			struct isolate_cell_state *out)
{
	const struct create_as as = { .generation = 1, .allow_unenforced = iso->allow_unenforced };

	cell_leftovers_forget(iso, name);
	return create_locked(iso, name, dir, pol, img, bound, n_bound, &as, out);
}

static int create(struct isolate *iso, const char *name, const struct isolate_cell_policy *pol,
		  struct isolate_cell_state *out)
{
	struct policy_binding *bound = NULL;
	struct isolate_image *img = NULL;
	char dir[PATH_MAX];
	size_t n_bound = 0;
	int err = cell_dir(iso, name, dir, sizeof(dir));

	if (!err)
		err = compile(iso, pol, NULL, 0, false, &bound, &n_bound, &img);
	if (err)
		return err;
	err = isolate_lock(iso);
	if (!err) {
		if (!access(dir, F_OK))
			err = set_error(-EEXIST, "cell %s exists already", name);
		else
			err = create_fresh(iso, name, dir, pol, img, &bound, n_bound, out);
		isolate_unlock(iso);
	}
	policy_bindings_free(bound, n_bound);
	isolate_image_free(img);
	return err;
}

/* pol with the timed grants added: what is in force until the first ends. */
static int with_timed(struct isolate *iso, const struct isolate_cell_policy *pol,
		      const struct timed_cap *timed,
		      size_t n, const struct policy_binding *kept, size_t n_kept, bool narrows,
		      struct policy_binding **bound, size_t *n_bound, struct isolate_image **img)
{
	struct isolate_cell_policy *full = isolate_cell_policy_dup(pol);
	int err = full ? 0 : set_error(-ENOMEM, "out of memory");

	for (size_t i = 0; !err && i < n; i++)
		err = isolate_cell_policy_add(full, timed[i].cap);
	if (!err)
		err = compile(iso, full, kept, n_kept, narrows, bound, n_bound, img);
	isolate_cell_policy_free(full);
	return err;
}

/*
 * A generation of pol with its paths on kept's objects: img, and the
 * bindings to write in *bound. With timed grants, their paths are bound
 * too (and stay so while they are held) and *full, when asked for, is the
 * image with them: the same objects in both.
 */
static int compile_generation(struct isolate *iso, const struct isolate_cell_policy *pol,
			      const struct timed_cap *timed, size_t n_timed,
			      const struct policy_binding *kept, size_t n_kept, bool narrows,
			      struct policy_binding **bound, size_t *n_bound,
			      struct isolate_image **img, struct isolate_image **full)
{
	struct isolate_image *with = NULL;
	int err;

	if (!n_timed)
		return compile(iso, pol, kept, n_kept, narrows, bound, n_bound, img);
	err = with_timed(iso, pol, timed, n_timed, kept, n_kept, narrows, bound, n_bound, &with);
	if (!err)
		err = compile(iso, pol, *bound, *n_bound, narrows, NULL, NULL, img);
	if (!err && full) {
		*full = with;
		with = NULL;
	}
	isolate_image_free(with);
	return err;
}

/*
 * Whether t is a timed grant held already whose path is bound to no
 * object in kept. Its binding was lost (a load after `unload --force` by
 * a libisolate that did not keep it): the path resolved now would follow
 * whatever the cell put there since, a symlink to a file it may not read
 * say, and carry the grant onto it.
 */
static bool timed_unbound(const struct timed_cap *t, const struct policy_binding *kept,
			  size_t n_kept)
{
	const char *path = isolate_cap_get_path(t->cap);
	const struct policy_binding *b;

	if (t->added || !path)
		return false;
	b = policy_binding_find(kept, n_kept, path);
	/* A missing optional path stays missing; any other is resolved again. */
	return !b || (!b->real && !(isolate_cap_get_flags(t->cap) & ISOLATE_CAP_OPTIONAL));
}

/*
 * The timed grants of timed that are not timed_unbound(), into *held
 * (sharing their capabilities: free() it only); how many are left out,
 * the first of them in *first, or -ENOMEM.
 */
static int timed_held_bound(const struct timed_cap *timed, size_t n,
			    const struct policy_binding *kept, size_t n_kept,
			    struct timed_cap **held, size_t *n_held,
			    const struct timed_cap **first)
{
	int left_out = 0;

	*n_held = 0;
	*first = NULL;
	*held = malloc((n ? n : 1) * sizeof(**held));
	if (!*held)
		return set_error(-ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!timed_unbound(&timed[i], kept, n_kept)) {
			(*held)[(*n_held)++] = timed[i];
			continue;
		}
		if (!left_out++)
			*first = &timed[i];
	}
	return left_out;
}

/* The compile outside the lock (it may scan trees), not outside the handle's mutex. */
int isolate_cell_create(struct isolate *iso, const char *name,
			const struct isolate_cell_policy *pol,
			struct isolate_cell_state *out)
{
	int err;

	handle_enter(iso);
	err = create(iso, name, pol, out);
	handle_leave(iso);
	return err;
}

/*
 * Creates the kernel state of surviving cell name from pol, as as says,
 * its paths on the objects kept for them, if any. The paths of its timed
 * grants stay bound too: they are not in force again until its next
 * change, which must find them on the objects they were granted on. A
 * timed grant whose binding was not kept is left for that change to drop.
 */
static int readopt_as(struct isolate *iso, const char *name,
		      const struct isolate_cell_policy *pol, const struct create_as *as,
		      const struct policy_binding *kept, size_t n_kept,
		      const struct timed_cap *timed, size_t n_timed)
{
	struct policy_binding *bound = NULL;
	struct isolate_image *img = NULL;
	const struct timed_cap *unbound;
	struct timed_cap *held = NULL;
	char dir[PATH_MAX];
	size_t n_bound = 0, n_held = 0;
	int err = cell_dir(iso, name, dir, sizeof(dir));

	if (!err)
		err = timed_held_bound(timed, n_timed, kept, n_kept, &held, &n_held, &unbound);
	if (err >= 0)
		err = compile_generation(iso, pol, held, n_held, kept, n_kept, false, &bound,
					 &n_bound, &img, NULL);
	if (!err)
		err = create_locked(iso, name, dir, pol, img, &bound, n_bound, as, NULL);
	if (!err)
		spec_prune(name, as->generation);
	free(held);
	policy_bindings_free(bound, n_bound);
	isolate_image_free(img);
	return err;
}

/*
 * What a survivor comes back closed with: nothing granted, and the budgets
 * it had, from its kept policy, else (unreadable) from its cgroup's files.
 * A cell can make its kept policy fail to compile (a denied tree it may
 * write, grown too deep to scan): that must not lift its budgets.
 */
static struct isolate_cell_policy *closed_policy(const char *name, const char *dir,
						 const struct isolate_cell_policy *kept)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	struct isolate_cap *budgets[3] = { NULL };
	struct isolate_image_limits l;
	int err = pol ? 0 : -ENOMEM;

	if (kept)
		cell_policy_limits(kept, &l);
	else
		cgroup_limits_in_force(dir, &l);
	if (l.cpu_quota_us)
		budgets[0] = isolate_cap_cpu(l.cpu_quota_us, l.cpu_period_us);
	if (l.memory_max)
		budgets[1] = isolate_cap_memory(l.memory_max);
	if (l.pids_max)
		budgets[2] = isolate_cap_pids(l.pids_max);
	for (int i = 0; i < 3; i++) {
		if (!err && budgets[i])
			err = isolate_cell_policy_add(pol, budgets[i]);
		isolate_cap_free(budgets[i]);
	}
	if (err) {
		isolate_cell_policy_free(pol);
		return NULL;
	}
	return pol;
}

/*
 * Re-creates the kernel state of a cell whose cgroup survived without it
 * (after `unload --force` and a new load), from its kept policy; when that
 * cannot be read or compiled, closed (see internal.h).
 */
int cell_readopt(struct isolate *iso, const char *name)
{
	struct create_as as = {
		/* What the cell was made with: what it asks and is not enforced was accepted. */
		.allow_unenforced = spec_read_unenforced(name) != 0,
		.survivor = true,
	};
	struct isolate_cell_policy *pol = NULL;
	struct policy_binding *kept = NULL;
	struct timed_cap *timed = NULL;
	size_t n_kept = 0, n_timed = 0;
	char closed[64], dir[PATH_MAX];
	int err = spec_latest(name, &as.generation);

	if (!err)
		err = spec_read(name, as.generation, &pol);
	if (!err && (err = spec_read_bindings(name, as.generation, &kept, &n_kept)) == -ENOENT)
		err = 0;
	/*
	 * Unreadable, they are not in the bindings written: no change is made
	 * (none binds them afresh) until they are readable again.
	 */
	if (!err && timed_read(name, boot_ns(), &timed, &n_timed) == -ENOMEM)
		err = -ENOMEM;
	if (!err)
		err = readopt_as(iso, name, pol, &as, kept, n_kept, timed, n_timed);
	timed_free(timed, n_timed);
	policy_bindings_free(kept, n_kept);
	if (!err || err == -ENOMEM) {
		isolate_cell_policy_free(pol);
		return err;
	}
	/* A generation after every kept one: the closed policy is the one in force. */
	if (as.generation)
		snprintf(closed, sizeof(closed), "closed: generation %u could not be made again",
			 as.generation);
	else
		snprintf(closed, sizeof(closed), "closed: no policy was kept");
	as.generation++;
	as.detail = closed;
	/* Closed it must come back: its budgets where this system enforces them, the rest reported. */
	as.allow_unenforced = true;
	err = cell_dir(iso, name, dir, sizeof(dir));
	if (!err) {
		struct isolate_cell_policy *shut = closed_policy(name, dir, pol);

		err = shut ? readopt_as(iso, name, shut, &as, NULL, 0, NULL, 0) :
			     set_error(-ENOMEM, "out of memory");
		isolate_cell_policy_free(shut);
	}
	isolate_cell_policy_free(pol);
	/* Not made: the next load tries the kept generation again. */
	if (err)
		spec_drop(name, as.generation);
	return err;
}

/*
 * The budgets come from the kept policy without compiling it: a path it
 * names may be gone since, and the rules in force are the kernel's anyway.
 */
int cell_recover(struct isolate *iso, const char *name)
{
	struct isolate_cell_policy *pol = NULL, *set = NULL;
	struct isolate_image_limits limits;
	struct isolate_cell_state st;
	char dir[PATH_MAX];
	__u32 unenforced;
	int err = isolate_cell_get(iso, name, &st);

	if (err || !spec_leftovers(name, st.cell.generation))
		return err;
	err = cell_dir(iso, name, dir, sizeof(dir));
	if (!err)
		err = spec_read(name, st.cell.generation, &pol);
	if (!err && isolate_cell_policy_normalize(pol, &set))
		err = set_error(-ENOMEM, "out of memory");
	/* Budgets may have been written for a generation never switched to. */
	if (!err) {
		cell_policy_limits(set, &limits);
		err = cgroup_set_limits(dir, &limits, true, &unenforced, NULL);
	}
	if (!err)
		err = spec_write_unenforced(name, unenforced);
	if (!err)
		spec_prune(name, st.cell.generation);
	isolate_cell_policy_free(set);
	isolate_cell_policy_free(pol);
	return err;
}

/*
 * The timed grants of the generation just switched to, kept for the next
 * change, which starts from them. Not written, the last generation's must
 * not stay: they would grant again what this change revoked. Without
 * them, the grants in force end at the next change instead.
 */
static int keep_timed(const char *name, __u32 generation, const struct timed_cap *timed,
		      size_t n_timed)
{
	char why[512];
	int err = timed_write(name, timed, n_timed);

	if (!err)
		return 0;
	snprintf(why, sizeof(why), "%s", isolate_last_error());
	if (n_timed && !timed_write(name, NULL, 0))
		return set_error(err, "cell %s is at generation %u, but its timed grants were not kept (%s): they end at its next change",
				 name, generation, why);
	return set_error(err, "cell %s is at generation %u, but the timed grants of the last one could not be removed (%s): its next change may grant them again",
			 name, generation, why);
}

/*
 * The next generation: written beside the current one, in the cell's spare
 * ruleset (only what differs from it) or, the first time, a new one;
 * switched to with one update of the cells map, the current one kept as
 * the next change's spare. Any failure before the switch leaves the
 * current one. With timed grants (full: img with them), a second ruleset:
 * the rules without them, for the kernel to fall back to when the first
 * ends. On success the handle keeps *bound.
 */
static int update_locked(struct isolate *iso, const char *name, const char *dir,
			 const struct isolate_cell_state *st,
			 const struct isolate_cell_policy *pol, const struct isolate_image *img,
			 const struct isolate_image *full, const struct timed_cap *timed,
			 size_t n_timed, struct policy_binding **bound, size_t n_bound,
			 struct isolate_cell_policy **give)
{
	struct isolate_image_inode channel;
	struct cgroup_budgets before;
	bool budgets_written = false;
	struct isolate_cell next;
	char timed_why[768];
	__u32 unenforced = 0;
	int timed_err, err = channel_create(name, &channel);

	if (err)
		return err;
	next = st->cell;
	next.generation++;
	next.mode = img->mode;
	next.flags = img->cell_flags;
	next.broker_rights = img->broker_rights;
	/*
	 * The sockets timed grants need come with them, as with any grant.
	 * Kept past their end, until the next change: a kind of socket alone
	 * reaches nothing, the rules that end with the grants do.
	 */
	next.netlink_protocols = (full ? full : img)->netlink_protocols;
	next.socket_families = (full ? full : img)->socket_families;
	next.fallback_ruleset = 0;
	next.expires_ns = 0;
	next.spare_ruleset = st->cell.ruleset;
	next.ruleset = 0;
	for (size_t i = 0; i < n_timed; i++)
		if (!next.expires_ns || timed[i].expires_ns < next.expires_ns)
			next.expires_ns = timed[i].expires_ns;
	if (st->cell.spare_ruleset) {
		next.ruleset = st->cell.spare_ruleset;
		err = ruleset_rewrite(iso, next.ruleset, full ? full : img, &channel);
	} else {
		err = ruleset_alloc(iso, &next.ruleset);
		if (!err)
			err = ruleset_write(iso, next.ruleset, full ? full : img, &channel);
	}
	if (!err && n_timed) {
		err = ruleset_alloc(iso, &next.fallback_ruleset);
		if (!err)
			err = ruleset_write(iso, next.fallback_ruleset, img, &channel);
	}
	if (!err)
		err = spec_write(name, next.generation, pol, true);
	if (!err)
		err = spec_write_bindings(name, next.generation, *bound, n_bound);
	if (!err) {
		err = cgroup_set_limits(dir, &img->limits, iso->allow_unenforced, &unenforced,
					&before);
		budgets_written = !err;
	}
	if (!err)
		err = spec_write_unenforced(name, unenforced);
	if (!err && bpf_map_update_elem(iso->map_fd[MAP_CELLS], &st->cgid, &next, BPF_EXIST))
		err = set_error(-errno, "cannot switch cell %s to generation %u: %s",
				name, next.generation, strerror(errno));
	if (err) {
		char why[512];

		/* The generation in force keeps its budgets too. */
		if (budgets_written)
			err = cgroup_restore_limits(dir, &before, err);
		snprintf(why, sizeof(why), "%s", isolate_last_error());
		/*
		 * Nothing of the new generation stays, not even in the spare
		 * (written whole next time): the room a failed change took,
		 * the map full say, is other cells' changes' too.
		 */
		if (next.ruleset)
			ruleset_delete(iso, next.ruleset);
		if (next.fallback_ruleset)
			ruleset_delete(iso, next.fallback_ruleset);
		spec_drop(name, next.generation);
		return set_error(err, "%s", why);
	}
	spec_commit(name, next.generation);
	spec_drop(name, st->cell.generation);
	if (give) {
		policy_cache_put_owned(iso, name, st->cgid, next.generation, *give, *bound,
				       n_bound);
		*give = NULL;
	} else {
		policy_cache_put(iso, name, st->cgid, next.generation, pol, *bound, n_bound);
	}
	*bound = NULL;
	timed_err = keep_timed(name, next.generation, timed, n_timed);
	if (timed_err)
		snprintf(timed_why, sizeof(timed_why), "%s", isolate_last_error());
	emit_lifecycle(iso, name, st->cgid, &next, ISOLATE_LIFECYCLE_GENERATION, NULL);
	report_unenforced(iso, name, st->cgid, &next, unenforced);
	/*
	 * The grace period the next change would wait for, waited for now,
	 * with the new rules already in force: the ruleset switched away from
	 * is the next spare, and its record says no hook reads it any more.
	 */
	err = rcu_sync(iso);
	if (!err)
		ruleset_record_quiet(st->cell.ruleset);
	if (!err && st->cell.fallback_ruleset)
		err = ruleset_delete(iso, st->cell.fallback_ruleset);
	if (timed_err)
		return set_error(timed_err, "%s", timed_why);
	return st->cell.fallback_ruleset ? err : 0;
}

/*
 * The objects the paths of the generation in force are bound to: the
 * handle's, else the kept ones (*owned: to free); none for a cell made by
 * a libisolate that kept none, whose paths are bound now.
 */
static int bindings_in_force(struct isolate *iso, const char *name,
			     const struct isolate_cell_state *st,
			     const struct policy_binding **kept, size_t *n_kept,
			     struct policy_binding **owned)
{
	int err;

	*owned = NULL;
	if (policy_cache_bindings(iso, name, st->cgid, st->cell.generation, kept, n_kept))
		return 0;
	err = spec_read_bindings(name, st->cell.generation, owned, n_kept);
	*kept = *owned;
	return err == -ENOENT ? 0 : err;
}

/*
 * The cell made again from pol, its paths on the objects they are bound to,
 * as a change keeps them: a recycle takes away what the cell holds open,
 * and a path the cell replaced since (a link to what it may not read over
 * a denied directory it moved away) must not carry the path's rules
 * elsewhere. Compiled before the cell is destroyed: a policy that does not
 * compile leaves it as it is.
 */
int cell_recreate(struct isolate *iso, const char *name, const struct isolate_cell_policy *pol)
{
	struct policy_binding *owned = NULL, *bound = NULL;
	const struct policy_binding *kept = NULL;
	struct isolate_image *img = NULL;
	struct isolate_cell_state st;
	size_t n_kept = 0, n_bound = 0;
	char dir[PATH_MAX];
	int err = cell_dir(iso, name, dir, sizeof(dir));

	if (!err)
		err = isolate_cell_get(iso, name, &st);
	if (!err)
		err = bindings_in_force(iso, name, &st, &kept, &n_kept, &owned);
	if (!err)
		err = compile(iso, pol, kept, n_kept, false, &bound, &n_bound, &img);
	if (!err)
		err = isolate_cell_destroy(iso, name);
	if (!err)
		err = create_fresh(iso, name, dir, pol, img, &bound, n_bound, NULL);
	policy_bindings_free(owned, n_kept);
	policy_bindings_free(bound, n_bound);
	isolate_image_free(img);
	return err;
}

/*
 * A path binds every capability on it: the object checked must be the one
 * the path is bound to already, if any. Else the cell could move the
 * object its rules of that path are on (a deny) and have a grant on what
 * it put in its place carry them there.
 */
static int may_bind(const char *name, const struct policy_binding *kept, size_t n_kept,
		    const struct policy_binding *checked)
{
	const struct policy_binding *was = policy_binding_find(kept, n_kept, checked->path);

	if (!was || !was->real || (was->dev == checked->dev && was->ino == checked->ino))
		return 0;
	return set_error(-EBUSY, "%s is bound to another object in cell %s (the one at %s when it was bound): a grant on what is there now would move the cell's rules of that path onto it; rebind the cell first",
			 checked->path, name, was->real);
}

/*
 * Why the change just made left out n timed grants, first the first: their
 * paths had lost their bindings (see timed_unbound()).
 */
static int dropped_unbound(const char *name, const struct timed_cap *first, int n)
{
	char text[4400], more[32] = "";

	isolate_cap_format(first->cap, text, sizeof(text));
	if (n > 1)
		snprintf(more, sizeof(more), " (and %d more)", n - 1);
	return set_error(-ESTALE, "cell %s: the timed grant %s%s was dropped: its path is bound to no object any more (a `load` after `unload --force` by an earlier libisolate did not keep its binding), and bound afresh it would follow whatever is at the path now; grant it again",
			 name, text, more);
}

/*
 * The paths the cell holds stay on the objects they are bound to: a change
 * binds only the paths new to the cell, so that nothing renamed or linked
 * over a path since (by the cell itself, say) moves a rule the change does
 * not name.
 */
int cell_update_timed(struct isolate *iso, const char *name,
		      const struct isolate_cell_policy *pol, const struct timed_cap *timed,
		      size_t n_timed, bool rebind, bool narrows,
		      const struct policy_binding *checked, struct isolate_cell_policy **give)
{
	struct policy_binding *owned = NULL, *bound = NULL, *with_checked = NULL;
	struct policy_binding *superseding = NULL;
	const struct policy_binding *kept = NULL;
	struct isolate_image *img = NULL, *full = NULL;
	const struct timed_cap *unbound = NULL, *keep = timed;
	struct timed_cap *held = NULL;
	struct isolate_cell_state st;
	size_t n_kept = 0, n_owned = 0, n_bound = 0, n_keep = n_timed;
	char dir[PATH_MAX];
	int dropped = 0, err = cell_dir(iso, name, dir, sizeof(dir));

	if (!err)
		err = isolate_lock(iso);
	if (err)
		return err;
	err = isolate_cell_get(iso, name, &st);
	if (!err)
		err = bindings_in_force(iso, name, &st, &kept, &n_kept, &owned);
	if (owned)
		n_owned = n_kept;
	/*
	 * A rebind binds every path afresh, but its denies hold on what they
	 * were bound to as well: the cell may have moved a denied directory
	 * away and linked what a deny would then move to in its place.
	 */
	if (!err && rebind) {
		superseding = policy_bindings_for_rebind(kept, n_kept, &n_kept);
		kept = superseding;
		err = superseding ? 0 : set_error(-ENOMEM, "out of memory");
	}
	if (!err && checked)
		err = may_bind(name, kept, n_kept, checked);
	/* The object the caller checked, not what the path names by now. */
	if (!err && checked) {
		with_checked = policy_bindings_with(kept, n_kept, checked, &n_kept);
		kept = with_checked;
		err = with_checked ? 0 : set_error(-ENOMEM, "out of memory");
	}
	/* A rebind binds every path afresh, those of the timed grants too. */
	if (!err && !rebind) {
		dropped = timed_held_bound(timed, n_timed, kept, n_kept, &held, &n_keep, &unbound);
		err = dropped < 0 ? dropped : 0;
		keep = held;
	}
	if (!err)
		err = compile_generation(iso, pol, keep, n_keep, kept, n_kept, narrows, &bound,
					 &n_bound, &img, &full);
	if (!err)
		err = update_locked(iso, name, dir, &st, pol, img, full, keep, n_keep, &bound,
				    n_bound, give);
	if (!err && dropped > 0)
		err = dropped_unbound(name, unbound, dropped);
	isolate_unlock(iso);
	policy_bindings_free(bound, n_bound);
	policy_bindings_free(owned, n_owned);
	free(superseding);
	free(with_checked);
	free(held);
	isolate_image_free(full);
	isolate_image_free(img);
	return err;
}

/*
 * A new policy keeps the timed grants that have not ended. It may give
 * rights, so its hard-link scan keeps the size limit; a revoke does not.
 */
int isolate_cell_update(struct isolate *iso, const char *name,
			const struct isolate_cell_policy *pol)
{
	struct timed_cap *timed = NULL;
	size_t n = 0;
	int err = isolate_lock(iso);

	if (err)
		return err;
	err = timed_read(name, boot_ns(), &timed, &n);
	if (!err)
		err = cell_update_timed(iso, name, pol, timed, n, false, false, NULL, NULL);
	timed_free(timed, n);
	isolate_unlock(iso);
	return err;
}

static int policy_get(struct isolate *iso, const char *name, struct isolate_cell_policy **out)
{
	struct isolate_cell_state st;
	int err = isolate_cell_get(iso, name, &st);

	*out = NULL;
	if (err)
		return err;
	*out = policy_cache_get(iso, name, st.cgid, st.cell.generation);
	if (*out)
		return 0;
	err = spec_read(name, st.cell.generation, out);
	if (err)
		return err;
	/* The order the cache keeps: a policy reads the same from either. */
	cell_dedupe(*out);
	policy_cache_put(iso, name, st.cgid, st.cell.generation, *out, NULL, 0);
	return 0;
}

/* The cache is the handle's: a change in another thread may replace its entry. */
int isolate_cell_policy_get(struct isolate *iso, const char *name,
			    struct isolate_cell_policy **out)
{
	int err;

	handle_enter(iso);
	err = policy_get(iso, name, out);
	handle_leave(iso);
	return err;
}

int isolate_cell_destroy(struct isolate *iso, const char *name)
{
	struct isolate_cell_state st;
	char dir[PATH_MAX];
	int err = cell_dir(iso, name, dir, sizeof(dir));

	if (err)
		return err;
	err = isolate_lock(iso);
	if (err)
		return err;
	err = isolate_cell_get(iso, name, &st);
	/* No cgroup: what it left still goes, or a new cell of the name takes it. */
	if (err == -ENOENT && !st.cgid) {
		err = cell_leftovers_forget(iso, name);
		if (!err)
			err = set_error(-ENOENT, "no cell named %s", name);
		goto out;
	}
	if (err && !st.cgid)
		goto out;
	/* Processes first: once dead, nothing reads the cell's entries. */
	err = cgroup_kill_and_remove(dir);
	if (err)
		goto out;
	if (st.cell.ruleset) {
		err = cell_release_entry(iso, name, &st, NULL);
		spec_remove_at(name, st.cell.generation);
	} else {
		err = ipc_sweep(iso, st.cgid);
		spec_remove(name);
	}
	timed_write(name, NULL, 0);
	channel_remove(name);
out:
	isolate_unlock(iso);
	return err < 0 ? err : 0;
}

int isolate_cell_kill(struct isolate *iso, const char *name)
{
	char dir[PATH_MAX];
	int err = cell_dir(iso, name, dir, sizeof(dir));

	if (!err && access(dir, F_OK))
		err = set_error(-ENOENT, "no cell named %s", name);
	return err ?: cgroup_kill(dir);
}

/*
 * A directory below the cells cgroup is a cell once its map entry is
 * written, last at creation (and at a recycle's creation again): before,
 * the kernel grants a process there nothing, and after an unload, with
 * no program left to ask, everything. The entry looked up is that of the
 * cgroup the fd holds, so that it is the one a process started through
 * the fd lands in, whatever is made under the name meanwhile.
 */
int isolate_cell_cgroup_fd(struct isolate *iso, const char *name)
{
	struct isolate_cell cell;
	char dir[PATH_MAX];
	uint64_t cgid;
	int fd, err = cell_dir(iso, name, dir, sizeof(dir));

	if (!err)
		err = isolate_check_current(iso);
	if (err)
		return err;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return set_error(-errno, errno == ENOENT ? "no cell named %s" : "cannot open %s",
				 errno == ENOENT ? name : dir);
	err = cgroup_fd_id(fd, &cgid);
	if (err)
		err = set_error(err, "cannot get the cgroup id of %s: %s", dir, strerror(-err));
	else if (bpf_map_lookup_elem(iso->map_fd[MAP_CELLS], &cgid, &cell))
		err = set_error(-ENOENT, "cgroup %s is not a cell yet (no entry in the kernel's map): a create of %s is under way, or failed",
				dir, name);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}
