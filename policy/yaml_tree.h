/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A YAML document as a tree of nodes that remember where they were written. */
#ifndef ISOLATE_POLICY_YAML_TREE_H
#define ISOLATE_POLICY_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include <isolate/policy.h>

enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_type type;
	unsigned int line, column;	/* 1-based */
	bool plain;			/* a scalar written without quotes */
	char *text;			/* scalar, NUL-terminated */
	size_t len;			/* scalar bytes (a NUL inside makes len > strlen) */
	size_t n;			/* sequence items, or mapping pairs */
	struct ynode **items;		/* sequence: n items; mapping: key, value, ... */
	size_t n_items;			/* entries of items (odd while a pair is read) */
};

/* Mapping pair i. */
static inline struct ynode *ymap_key(const struct ynode *map, size_t i)
{
	return map->items[2 * i];
}

static inline struct ynode *ymap_value(const struct ynode *map, size_t i)
{
	return map->items[2 * i + 1];
}

/*
 * Parses exactly one document. Anchors, aliases and tags are refused: a
 * policy says what it means in place. *root is NULL for an empty document.
 */
int ytree_parse(const char *file, const char *buf, size_t len, struct ynode **root,
		struct isolate_diag *diag);
void ytree_free(struct ynode *node);

#endif /* ISOLATE_POLICY_YAML_TREE_H */
