/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Policy paths as strings. The compiler matches by object (dev, ino); the
 * strings only need to be clean so that ancestry can be read from them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path_util.h"

char *path_clean(const char *path)
{
	size_t n = strlen(path);
	char *out = malloc(n + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		if (path[i] == '/') {
			/* One separator for a run of them and of "." components. */
			for (i++; i < n; i++) {
				if (path[i] == '/')
					continue;
				if (path[i] == '.' && (i + 1 == n || path[i + 1] == '/'))
					continue;
				break;
			}
			out[o++] = '/';
			continue;
		}
		out[o++] = path[i++];
	}
	if (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	return out;
}

size_t path_parent_len(const char *path, size_t len)
{
	if (len <= 1)
		return 0;
	while (len > 0 && path[len - 1] != '/')
		len--;
	/* Now just past the last '/': the parent ends before it, unless it is "/". */
	return len > 1 ? len - 1 : len;
}

bool path_at_or_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}
