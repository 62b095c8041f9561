// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Whether a cgroup may become the cells root. The programs take every
 * process whose cgroup lies in one of the root's child cgroups for a
 * cell's, and one of a child without a cell's entry for a cell granted
 * nothing: a root holding the caller's own cgroup, or cgroups that other
 * software runs processes in (init.scope, system.slice, a container's),
 * would refuse them everything, bpf() and so the unload included, and a
 * child of a cell's name would be adopted as a closed cell. So load
 * refuses such a root before it writes anything. A child that is empty (no
 * process, no cgroup below it) may stay: it holds nothing to refuse, and
 * what is started there later is refused as a cell granted nothing.
 * Children are cell cgroups, which a cell's processes live in: each is
 * read through directory fds, no link followed, its files boundedly.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cgroup.h"
#include "common/file_read.h"
#include "user/internal.h"

/* cgroup.events is two short lines ("populated 0", "frozen 0"). */
#define EVENTS_MAX 4096

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Whether the cgroup dir_fd is open on is the calling process's own or
 * one above it: walked up from our own by "..", to the root of its mount.
 */
static int holds_own_cgroup(int dir_fd, const char *dir)
{
	char mount[PATH_MAX], own[PATH_MAX];
	struct stat target, here, above;
	int fd, up, err = find_mount("cgroup2", mount, sizeof(mount));

	if (err)
		return err;
	err = cgroup_own(mount, own, sizeof(own));
	if (err)
		return set_error(err, "cannot tell this process's cgroup: %s", strerror(-err));
	if (fstat(dir_fd, &target))
		return set_error(-errno, "cannot stat %s: %s", dir, strerror(errno));
	fd = open(own, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return set_error(-errno, "cannot open %s: %s", own, strerror(errno));
	for (;;) {
		if (fstat(fd, &here)) {
			err = set_error(-errno, "cannot stat a cgroup above %s: %s", own, strerror(errno));
			break;
		}
		if (same_file(&here, &target)) {
			err = set_error(-EINVAL, "%s holds this process's own cgroup (%s): it would be in a cell, refused everything, unload included; put the cells in a cgroup that does not hold it",
					dir, own);
			break;
		}
		up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (up < 0 || fstat(up, &above)) {
			err = set_error(-errno, "cannot open a cgroup above %s: %s", own, strerror(errno));
			if (up >= 0)
				close(up);
			break;
		}
		close(fd);
		fd = up;
		/* ".." of the mount's root is on another file system, or itself. */
		if (above.st_dev != here.st_dev || same_file(&above, &here))
			break;
	}
	close(fd);
	return err;
}

/* Whether the directory fd is open on holds a directory; closes fd. */
static bool holds_directory(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	bool found = false;

	if (!d) {
		close(fd);
		return true;	/* cannot tell: taken to hold one */
	}
	while (!found && (de = readdir(d)))
		found = de->d_type == DT_DIR && strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return found;
}

/*
 * What makes child cgroup name (of the cgroup parent is open on) more than
 * empty, NULL when it is empty or gone. What cannot be read counts as
 * something in it.
 */
static const char *not_empty(int parent, const char *name)
{
	int child = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	const char *why = NULL;
	char *events = NULL;
	size_t len;

	if (child < 0)
		return errno == ENOENT ? NULL : "cannot be opened";
	if (file_read_at(child, "cgroup.events", EVENTS_MAX, &events, &len))
		why = "has a cgroup.events that cannot be read";
	else if (strncmp(events, "populated 0\n", 12) && !strstr(events, "\npopulated 0\n"))
		why = "has processes in it";
	free(events);
	if (why) {
		close(child);
		return why;
	}
	return holds_directory(child) ? "has cgroups below it" : NULL;
}

/* A cgroup in the one fd is open on that is neither a cell isolate made nor empty. */
static int foreign_child(int fd, const char *dir)
{
	int listed = dup(fd), err = 0;
	DIR *d = listed < 0 ? NULL : fdopendir(listed);
	struct dirent *de;

	if (!d) {
		err = set_error(-errno, "cannot list %s: %s", dir, strerror(errno));
		if (listed >= 0)
			close(listed);
		return err;
	}
	while (!err && (de = readdir(d))) {
		const char *why;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (isolate_cell_name_valid(de->d_name) && cell_files_kept(de->d_name)))
			continue;
		why = not_empty(fd, de->d_name);
		if (why)
			err = set_error(-ENOTEMPTY, "%s holds the cgroup %s, which is no cell of isolate's (no cell of that name is kept in %s) and %s: every process in it would be taken for a cell's and refused everything; put the cells in a cgroup of their own, new or holding only isolate's cells",
					dir, de->d_name, state_dir(), why);
	}
	closedir(d);
	return err;
}

int cells_root_check(const char *dir)
{
	unsigned int level;
	int fd, err = cgroup_level_of(dir, &level);

	if (err)
		return err;
	if (!level)
		return set_error(-EINVAL, "%s is the root cgroup: every process would be in a cell; put the cells in a cgroup of their own below it",
				 dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return set_error(-errno, "cannot open %s: %s", dir, strerror(errno));
	err = holds_own_cgroup(fd, dir) ?: foreign_child(fd, dir);
	close(fd);
	return err;
}
