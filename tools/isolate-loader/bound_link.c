// SPDX-License-Identifier: GPL-2.0
/*
 * A path of a live cell stays on the object it was bound to; a cell that
 * may write beside it can move that object away and put a symbolic link
 * in its place, and a rebind would follow the link. Found by the name
 * the path went through then: a link at a name that real, resolved when
 * the path was bound, lies at or below was put there since.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/isolate-loader/bound_link.h"

/* Whether real is name or lies below it. */
static bool at_or_below(const char *real, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(real, name, n) && (real[n] == '\0' || real[n] == '/');
}

/*
 * Whether the link at prefix (a component of a path, from "/") stands
 * where real went through: its directory as it resolves now, and its name.
 * Links the path went through when it was bound too (/var/run, say) do not.
 */
static bool stands_where_bound(const char *prefix, const char *real)
{
	const char *name = strrchr(prefix, '/') + 1;
	char dir[PATH_MAX], was[PATH_MAX + NAME_MAX + 1], *resolved;
	bool stands;

	snprintf(dir, sizeof(dir), "%.*s", (int)(name - prefix > 1 ? name - prefix - 1 : 1),
		 prefix);
	resolved = realpath(dir, NULL);
	if (!resolved)
		return false;
	snprintf(was, sizeof(was), "%s%s%s", resolved, strcmp(resolved, "/") ? "/" : "", name);
	stands = at_or_below(real, was);
	free(resolved);
	return stands;
}

bool bound_path_link(const char *path, const char *real, char *at, size_t at_len, char *to,
		     size_t to_len)
{
	size_t len = strlen(path);
	char prefix[PATH_MAX];

	if (!real || len >= sizeof(prefix) || path[0] != '/')
		return false;
	for (size_t end = 1; end <= len; end++) {
		struct stat st;
		ssize_t n;

		if (end < len && path[end] != '/')
			continue;
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (lstat(prefix, &st) || !S_ISLNK(st.st_mode) || !stands_where_bound(prefix, real))
			continue;
		n = readlink(prefix, to, to_len - 1);
		if (n < 0)
			continue;
		to[n] = '\0';
		snprintf(at, at_len, "%s", prefix);
		return true;
	}
	return false;
}
