// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Other names of a denied object. Landlock holds a deny only by granting
 * nothing at its path; the same object reached through another path (a
 * hard link, another mount of its file system) is decided there. BPF LSM
 * decides by object and needs none of this.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/hardlinks.h"
#include "user/internal.h"

struct first_link {
	char *out;
	size_t len;
	nlink_t links;
};

static int note_first(void *ctx, const char *path, const struct stat *st)
{
	struct first_link *f = ctx;

	snprintf(f->out, f->len, "%s", path);
	f->links = st->st_nlink;
	return 1;
}

int deny_first_link(const char *real, char *out, size_t len, nlink_t *links,
		    size_t *unreadable)
{
	struct first_link f = { out, len, 0 };
	size_t budget = HARDLINK_SCAN_MAX;
	struct stat st;
	char msg[256];
	int err;

	if (lstat(real, &st))
		return errno == ENOENT ? 0 : -errno;
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		note_first(&f, real, &st);
		*links = f.links;
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	err = hardlinks_scan(real, &st, &budget, unreadable, note_first, &f, msg, sizeof(msg));
	if (err < 0)
		return err;
	*links = f.links;
	return f.links ? 1 : 0;
}

/*
 * Where the object at path fs_path of m's file system shows through
 * another mount a of it: a's point, plus what lies between a's root and
 * fs_path when a shows a directory above it.
 */
static int alias_through(const struct mount_entry *a, const char *fs_path, char *out,
			 size_t len)
{
	const char *below = fs_path + (strcmp(a->root, "/") ? strlen(a->root) : 0);
	int n;

	if (path_within(fs_path, a->root))
		n = snprintf(out, len, "%s%s", strcmp(a->point, "/") ? a->point : "",
			     *below ? below : (strcmp(a->point, "/") ? "" : "/"));
	else if (path_within(a->root, fs_path))
		n = snprintf(out, len, "%s", a->point);
	else
		return 0;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 1;
}

int deny_mount_aliases(const char *real, int (*fn)(void *ctx, const char *alias), void *ctx)
{
	struct mount_table t = { 0 };
	const struct mount_entry *on;
	char fs_path[PATH_MAX], alias[PATH_MAX];
	int err = mount_table_read(&t);

	if (!err)
		err = mount_fs_path(&t, real, fs_path, sizeof(fs_path), &on);
	for (size_t i = 0; !err && i < t.n; i++) {
		const struct mount_entry *a = &t.mounts[i];

		if (a->major != on->major || a->minor != on->minor)
			continue;
		err = alias_through(a, fs_path, alias, sizeof(alias));
		if (err == 1)
			err = strcmp(alias, real) ? fn(ctx, alias) : 0;
	}
	mount_table_free(&t);
	return err;
}
