// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What a cell leaves when its cgroup goes without `cell destroy` (systemd
 * removing a unit's delegated subtree with the cells in it, an rmdir, a
 * loader killed during destroy): its kept policies, timed grants, id and
 * channel in the state directory, all found by the cell's name, and its
 * entry in the cells map, keyed by a cgroup id no cgroup has any more.
 * A new cell of the same name (run-<pid> once the pid comes round) would
 * take the files over: its first change would compile the old timed
 * grants in, its channel would hold the old messages. So they go before
 * a name is used again, and whenever they are found.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common/cgroup.h"
#include "user/internal.h"

/* Whether dir (an fd or -errno) holds file, without following it. */
static bool holds(int dir, const char *file)
{
	bool there = dir >= 0 && !faccessat(dir, file, F_OK, AT_SYMLINK_NOFOLLOW);

	if (dir >= 0)
		close(dir);
	return there;
}

/*
 * Without listing every cell's files, which each create would then do:
 * create makes the channel before any other file of the cell's and
 * destroy removes it after all of them. The id (what finds the map
 * entry) and the timed grants are looked for as well.
 */
bool cell_files_kept(const char *name)
{
	char id[NAME_MAX + 1], timed[NAME_MAX + 1];

	snprintf(id, sizeof(id), "%s.id", name);
	snprintf(timed, sizeof(timed), "%s.timed", name);
	return holds(statefs_subdir_open("channels"), name) ||
	       holds(statefs_subdir_open("cells"), id) ||
	       holds(statefs_subdir_open("cells"), timed);
}

static void leftovers_remove(const char *name)
{
	spec_remove(name);
	timed_write(name, NULL, 0);
	channel_remove(name);
}

/*
 * Whether no cgroup has id cgid any more: not when that cannot be told.
 * Asked of the file system the cells cgroup is on, the cgroup v2 one.
 */
static bool cgroup_gone(const struct isolate *iso, __u64 cgid)
{
	char path[PATH_MAX];

	return cgroup_path_of_id(iso->cells_cgroup, cgid, path, sizeof(path)) == -ESTALE;
}

/* The map entry the id name kept points to, if its cgroup is gone (*cgid its key). */
static bool orphan_entry(struct isolate *iso, const char *name, __u64 *cgid,
			 struct isolate_cell *cell)
{
	__u32 id = spec_read_cell_id(name);
	int fd = iso->map_fd[MAP_CELLS];
	__u64 key, *prev = NULL;

	/* Ids are unique in the map; the id file may be older than the entry, the cgroup tells. */
	while (id && !bpf_map_get_next_key(fd, prev, &key)) {
		if (!bpf_map_lookup_elem(fd, &key, cell) && cell->cell_id == id &&
		    cgroup_gone(iso, key)) {
			*cgid = key;
			return true;
		}
		prev = &key;
	}
	return false;
}

int cell_leftovers_forget(struct isolate *iso, const char *name)
{
	struct isolate_cell_state st = { 0 };
	bool entry = orphan_entry(iso, name, &st.cgid, &st.cell);
	int err = 0;

	if (!entry && !cell_files_kept(name))
		return 0;
	if (entry)
		err = cell_release_entry(iso, name, &st, "its cgroup was gone");
	leftovers_remove(name);
	return err ?: 1;
}

/* Cell names: 1 to 63 bytes and a NUL. */
struct names {
	char (*name)[64];
	size_t n, cap;
};

/* The cell name file (in cells/ or channels/) is of, if any, added to *l. */
static int add_name(struct names *l, const char *file)
{
	size_t len = strcspn(file, ".");

	if (len >= sizeof(*l->name))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		void *more = realloc(l->name, cap * sizeof(*l->name));

		if (!more)
			return set_error(-ENOMEM, "out of memory");
		l->name = more;
		l->cap = cap;
	}
	memcpy(l->name[l->n], file, len);
	l->name[l->n][len] = 0;
	l->n += isolate_cell_name_valid(l->name[l->n]);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The names of the files of <state dir>/sub (dot files are ours, of no cell). */
static int list_names(const char *sub, mode_t mode, struct names *l)
{
	int dir = statefs_subdir(sub, mode), err = 0;
	DIR *d = dir < 0 ? NULL : fdopendir(dir);
	struct dirent *de;

	if (!d) {
		err = dir < 0 ? dir : set_error(-errno, "cannot list %s/%s: %s", state_dir(), sub,
						strerror(errno));
		if (dir >= 0)
			close(dir);
		return err;
	}
	while (!err && (de = readdir(d)))
		if (de->d_name[0] != '.')
			err = add_name(l, de->d_name);
	closedir(d);
	return err;
}

/* Map entries whose cgroup is gone, with no name left to find them by. */
static int sweep_entries(struct isolate *iso)
{
	struct isolate_cell_state st = { 0 };
	int fd = iso->map_fd[MAP_CELLS], err = 0;
	__u64 key, *prev = NULL, *gone = NULL;
	size_t n = 0, cap = 0;

	while (!err && !bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (!cgroup_gone(iso, key))
			continue;
		if (n == cap) {
			void *more = realloc(gone, (cap = cap ? 2 * cap : 16) * sizeof(*gone));

			if (!more)
				err = set_error(-ENOMEM, "out of memory");
			else
				gone = more;
		}
		if (!err)
			gone[n++] = key;
	}
	/* Deleted after the walk: a walk deleting as it goes may start over. */
	for (size_t i = 0; i < n; i++) {
		st.cgid = gone[i];
		if (!bpf_map_lookup_elem(fd, &st.cgid, &st.cell))
			cell_release_entry(iso, NULL, &st, NULL);
	}
	free(gone);
	return err;
}

/*
 * Names first: their id finds their entry, and the `destroyed` event
 * names the cell. A name with a cgroup is a cell's, live or to be
 * adopted, and keeps everything.
 */
int cell_leftovers_sweep(struct isolate *iso)
{
	struct names l = { 0 };
	int err = list_names("cells", 0700, &l);

	if (!err)
		err = list_names("channels", 0711, &l);
	if (!err && l.n)
		qsort(l.name, l.n, sizeof(*l.name), by_name);
	for (size_t i = 0; !err && i < l.n; i++) {
		char dir[PATH_MAX];

		if ((i && !strcmp(l.name[i], l.name[i - 1])) ||
		    (size_t)snprintf(dir, sizeof(dir), "%s/%s", iso->cells_cgroup, l.name[i]) >=
		    sizeof(dir) || !access(dir, F_OK) || errno != ENOENT)
			continue;
		cell_leftovers_forget(iso, l.name[i]);
	}
	free(l.name);
	return err ?: sweep_entries(iso);
}
