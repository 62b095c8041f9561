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
#include "self_path.h"
#include "common/utf8.h"

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

int path_check(const char *path, char *msg, size_t len)
{
	size_t n = strlen(path);

	if (path[0] != '/') {
		snprintf(msg, len, "expected an absolute path, got '%s'", path);
		return -EINVAL;
	}
	if (n >= POLICY_PATH_MAX) {
		snprintf(msg, len, "expected a path shorter than %d bytes, got %zu bytes",
			 POLICY_PATH_MAX, n);
		return -EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(msg, len, "expected a path without control characters, got byte 0x%02x",
				 *p);
			return -EINVAL;
		}
		/* The C1 controls, U+0080..U+009F: 0xc2, then the code point. */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			snprintf(msg, len, "expected a path without control characters, got U+%04X",
				 p[1]);
			return -EINVAL;
		}
	}
	/* A policy must be writable as YAML, which is UTF-8. */
	if (!utf8_valid(path)) {
		snprintf(msg, len, "expected a path in UTF-8");
		return -EINVAL;
	}
	/* ".." means different things lexically and through symlinks. */
	for (const char *p = path; (p = strstr(p, "/..")); p += 3) {
		if (p[3] == '\0' || p[3] == '/') {
			snprintf(msg, len, "expected a path without '..', got '%s'", path);
			return -EINVAL;
		}
	}
	return self_path_check(path, msg, len);
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
