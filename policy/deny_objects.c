/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The denied directories a path's object lies in (see deny_objects.h).
 * The walk goes from directory fd to its "..", never by a path string the
 * cell could change under it, and crosses mount points as the kernel's
 * walk does (".." of a mount's root is the parent of where it is mounted).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deny_objects.h"
#include "model.h"
#include "path_util.h"

struct deny_dir {
	__u32 dev;
	__u64 ino;
	int right;
	__u32 rule;
};

/* The most parents a path can have: the walk of anything deeper is refused. */
#define PARENTS_MAX (POLICY_PATH_MAX / 2)

int deny_objects_add(struct deny_objects *d, const struct stat *dir, int right, __u32 rule)
{
	if (d->n == d->alloc) {
		size_t n = d->alloc ? d->alloc * 2 : 16;
		struct deny_dir *grown = realloc(d->dirs, n * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		d->dirs = grown;
		d->alloc = n;
	}
	d->dirs[d->n++] = (struct deny_dir){ kernel_dev(dir->st_dev), dir->st_ino, right, rule };
	return 0;
}

static int dir_cmp(const void *a, const void *b)
{
	const struct deny_dir *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return 0;
}

void deny_objects_sort(struct deny_objects *d)
{
	for (int r = 0; r < ISOLATE_RIGHTS; r++)
		d->first[r] = ISOLATE_RULE_NONE;
	if (d->n)
		qsort(d->dirs, d->n, sizeof(*d->dirs), dir_cmp);
	for (size_t i = 0; i < d->n; i++)
		if (d->dirs[i].rule < d->first[d->dirs[i].right])
			d->first[d->dirs[i].right] = d->dirs[i].rule;
	d->memo_set = false;
}

/* The denies on the directory st into above[], for each right no nearer one took. */
static void note_denies(const struct deny_objects *d, const struct stat *st,
			__u32 above[ISOLATE_RIGHTS])
{
	__u32 dev = kernel_dev(st->st_dev);
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct deny_dir *x = &d->dirs[mid];

		if (x->dev < dev || (x->dev == dev && x->ino < st->st_ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	/* A run by rule: the lowest of each right first. */
	for (; lo < d->n && d->dirs[lo].dev == dev && d->dirs[lo].ino == st->st_ino; lo++)
		if (above[d->dirs[lo].right] == ISOLATE_RULE_NONE)
			above[d->dirs[lo].right] = d->dirs[lo].rule;
}

static bool same_object(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * The directory path's object is in, opened, once path is checked to lead
 * to the object (dev, ino); -ESTALE when it does not. The root has none:
 * -ENOENT.
 */
static int open_parent(const char *path, __u32 dev, __u64 ino)
{
	size_t len = path_parent_len(path, strlen(path));
	char dir[POLICY_PATH_MAX];
	struct stat st;
	int fd;

	if (!len)
		return -ENOENT;
	if (len >= sizeof(dir))
		return -ESTALE;
	memcpy(dir, path, len);
	dir[len] = '\0';
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -ESTALE;
	if (fstatat(fd, strrchr(path, '/') + 1, &st, AT_SYMLINK_NOFOLLOW) ||
	    kernel_dev(st.st_dev) != dev || st.st_ino != ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

int deny_objects_above(struct deny_objects *d, const char *path, __u32 dev, __u64 ino,
		       __u32 above[ISOLATE_RIGHTS])
{
	struct stat start, at, up;
	int fd = open_parent(path, dev, ino), err = 0;

	for (int r = 0; r < ISOLATE_RIGHTS; r++)
		above[r] = ISOLATE_RULE_NONE;
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	if (fstat(fd, &at)) {
		close(fd);
		return -ESTALE;
	}
	start = at;
	for (size_t parents = 0;; parents++) {
		int parent;

		if (d->memo_set && d->memo_dev == at.st_dev && d->memo_ino == at.st_ino) {
			for (int r = 0; r < ISOLATE_RIGHTS; r++)
				if (above[r] == ISOLATE_RULE_NONE)
					above[r] = d->memo_above[r];
			break;
		}
		note_denies(d, &at, above);
		parent = parents < PARENTS_MAX ? openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
		if (parent < 0 || fstat(parent, &up)) {
			if (parent >= 0)
				close(parent);
			err = -ESTALE;
			break;
		}
		close(fd);
		fd = parent;
		if (same_object(&up, &at))
			break;	/* the root */
		at = up;
	}
	close(fd);
	if (err)
		return err;
	d->memo_set = true;
	d->memo_dev = start.st_dev;
	d->memo_ino = start.st_ino;
	memcpy(d->memo_above, above, sizeof(d->memo_above));
	return 0;
}

void deny_objects_free(struct deny_objects *d)
{
	free(d->dirs);
	memset(d, 0, sizeof(*d));
}
