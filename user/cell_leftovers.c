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
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
bool cell_leftovers_exist(const char *name)
{
	char id[NAME_MAX + 1], timed[NAME_MAX + 1];

	snprintf(id, sizeof(id), "%s.id", name);
	snprintf(timed, sizeof(timed), "%s.timed", name);
	return holds(statefs_subdir("channels", 0711), name) ||
	       holds(statefs_subdir("cells", 0700), id) ||
	       holds(statefs_subdir("cells", 0700), timed);
}

void cell_leftovers_remove(const char *name)
{
	spec_remove(name);
	timed_write(name, NULL, 0);
	channel_remove(name);
}

/* Whether no cgroup has id cgid any more: not when that cannot be told. */
static bool cgroup_gone(__u64 cgid)
{
	char mount[PATH_MAX], path[PATH_MAX];

	return !mount_point_of("cgroup2", mount, sizeof(mount)) &&
	       cgroup_path_of_id(mount, cgid, path, sizeof(path)) == -ESTALE;
}

bool cell_orphan_entry(struct isolate *iso, const char *name, __u64 *cgid,
		       struct isolate_cell *cell)
{
	__u32 id = spec_read_cell_id(name);
	int fd = iso->map_fd[MAP_CELLS];
	__u64 key, *prev = NULL;

	/* Ids are unique in the map; the id file may be older than the entry, the cgroup tells. */
	while (id && !bpf_map_get_next_key(fd, prev, &key)) {
		if (!bpf_map_lookup_elem(fd, &key, cell) && cell->cell_id == id && cgroup_gone(key)) {
			*cgid = key;
			return true;
		}
		prev = &key;
	}
	return false;
}
