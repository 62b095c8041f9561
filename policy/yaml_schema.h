/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Reading typed values out of positioned YAML nodes: every mismatch becomes
 * "file:line:column: expected X, got Y" at the node that is wrong.
 */
#ifndef ISOLATE_POLICY_YAML_SCHEMA_H
#define ISOLATE_POLICY_YAML_SCHEMA_H

#include "model.h"
#include "yaml_tree.h"

struct yctx {
	const char *file;
	struct isolate_diag *diag;
};

/* Always -EINVAL, with the diagnostic at node. */
int y_fail(const struct yctx *x, const struct ynode *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Where node is, as a src_pos borrowing x->file. */
struct src_pos y_pos(const struct yctx *x, const struct ynode *node);

/* what names the expected thing: "a path", "a list of paths" ... */
int y_string(const struct yctx *x, const struct ynode *node, const char *what,
	     const char **out);
/* Numbers are written without quotes. */
int y_uint(const struct yctx *x, const struct ynode *node, const char *what, __u64 *out);
int y_bool(const struct yctx *x, const struct ynode *node, const char *what, bool *out);
int y_seq(const struct yctx *x, const struct ynode *node, const char *what);

/* A key of a mapping and what to do with its value. */
struct y_key {
	const char *name;
	int (*parse)(const struct yctx *x, const struct ynode *value, void *obj, int arg);
	int arg;
};

/*
 * Checks node is a mapping with string keys, each in keys (a
 * NULL-terminated table; what names the mapping, e.g. "a cell key"), then
 * each once, then calls the parse function of each in the order written.
 */
int y_walk_map(const struct yctx *x, const struct ynode *node, const char *what,
	       const struct y_key *keys, void *obj);
/* Checks node is a mapping whose keys are strings, each once. */
int y_unique_keys(const struct yctx *x, const struct ynode *node, const char *what);
/* The value of key in a mapping, or NULL. */
const struct ynode *y_find(const struct ynode *map, const char *key);

#endif /* ISOLATE_POLICY_YAML_SCHEMA_H */
