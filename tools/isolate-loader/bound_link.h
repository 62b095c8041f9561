/* SPDX-License-Identifier: GPL-2.0 */
/* cell show: the link a bound path leads through now, which it did not when bound. */
#ifndef ISOLATE_LOADER_BOUND_LINK_H
#define ISOLATE_LOADER_BOUND_LINK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The first component of path (path itself, or a directory on the way)
 * that is a symbolic link now although path went through it to real,
 * what it resolved to when it was bound: into at, and the link's text into
 * to. false when there is none (or real is NULL: nothing was bound).
 */
bool bound_path_link(const char *path, const char *real, char *at, size_t at_len, char *to,
		     size_t to_len);

#endif /* ISOLATE_LOADER_BOUND_LINK_H */
