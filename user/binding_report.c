// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * What the paths of a live cell are bound to, and whether each still leads
 * there: a path replaced since (a file renamed over it, a deploy's atomic
 * swap) keeps its rule on the object it was bound to, and an operator needs
 * to see that to revoke and grant it again; and the objects a rebind left
 * a path's denies on besides.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/model.h"
#include "user/internal.h"

static bool moved(const struct policy_binding *b)
{
	struct stat st;

	if (stat(b->path, &st))
		return b->real != NULL;
	return !b->real || st.st_dev != b->dev || st.st_ino != b->ino;
}

int isolate_cell_bindings(struct isolate *iso, const char *name,
			  int (*fn)(const struct isolate_path_binding *b, void *ctx), void *ctx)
{
	struct policy_binding *kept = NULL;
	struct isolate_cell_state st;
	size_t n = 0;
	int err = isolate_cell_get(iso, name, &st);

	if (err)
		return err;
	/* The kept file, not the handle's copy: fn may change the cell. */
	err = spec_read_bindings(name, st.cell.generation, &kept, &n);
	if (err == -ENOENT)
		return set_error(err, "cell %s keeps no bindings (made by an older libisolate): its next change binds its paths",
				 name);
	/*
	 * The linked files come after the paths and their superseded
	 * objects, and are none of the policy's.
	 */
	for (size_t i = 0; i < n && !kept[i].linked && !err; i++) {
		const struct isolate_path_binding b = {
			.path = kept[i].path, .real = kept[i].real,
			.dev = kept[i].dev, .ino = kept[i].ino, .moved = moved(&kept[i]),
			.superseded = kept[i].superseded,
		};

		err = fn(&b, ctx);
	}
	policy_bindings_free(kept, n);
	return err;
}
