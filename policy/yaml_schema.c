/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Typed values out of YAML nodes. YAML 1.1 guesses types from spelling
 * ("yes" is a boolean, "0443" octal); we do not guess: each key has one
 * type, and a value of another type is an error at that value.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/spelling.h"
#include "units.h"
#include "yaml_schema.h"

int y_fail(const struct yctx *x, const struct ynode *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset(x->diag, x->file, node->line, node->column, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

struct src_pos y_pos(const struct yctx *x, const struct ynode *node)
{
	return (struct src_pos){ .file = (char *)x->file, .line = node->line,
				 .column = node->column };
}

static bool is_null(const struct ynode *node)
{
	return node->type == YNODE_SCALAR && node->plain &&
	       (!node->len || !strcmp(node->text, "~") || !strcmp(node->text, "null"));
}

/* "a mapping", "a list", "null", or the scalar quoted (shortened). */
static const char *describe(const struct ynode *node, char *buf, size_t len)
{
	if (node->type == YNODE_MAP)
		return "a mapping";
	if (node->type == YNODE_SEQ)
		return "a list";
	if (is_null(node))
		return "null";
	if (node->len > 48)
		snprintf(buf, len, "'%.45s...'", node->text);
	else
		snprintf(buf, len, "'%s'", node->text);
	return buf;
}

int y_string(const struct yctx *x, const struct ynode *node, const char *what,
	     const char **out)
{
	char got[64];

	if (node->type != YNODE_SCALAR || is_null(node))
		return y_fail(x, node, "expected %s, got %s", what, describe(node, got, sizeof(got)));
	if (strlen(node->text) != node->len)
		return y_fail(x, node, "expected %s without NUL characters", what);
	*out = node->text;
	return 0;
}

int y_uint(const struct yctx *x, const struct ynode *node, const char *what, __u64 *out)
{
	char got[64];

	if (node->type != YNODE_SCALAR || is_null(node))
		return y_fail(x, node, "expected %s, got %s", what, describe(node, got, sizeof(got)));
	if (!node->plain)
		return y_fail(x, node, "expected %s written without quotes, got %s", what,
			      describe(node, got, sizeof(got)));
	if (parse_decimal(node->text, out))
		return y_fail(x, node, "expected %s, got %s", what, describe(node, got, sizeof(got)));
	return 0;
}

int y_bool(const struct yctx *x, const struct ynode *node, const char *what, bool *out)
{
	char got[64];

	if (node->type == YNODE_SCALAR && node->plain && !strcmp(node->text, "true"))
		*out = true;
	else if (node->type == YNODE_SCALAR && node->plain && !strcmp(node->text, "false"))
		*out = false;
	else
		return y_fail(x, node, "expected %s (true or false), got %s", what,
			      describe(node, got, sizeof(got)));
	return 0;
}

int y_seq(const struct yctx *x, const struct ynode *node, const char *what)
{
	char got[64];

	if (node->type != YNODE_SEQ)
		return y_fail(x, node, "expected %s, got %s", what, describe(node, got, sizeof(got)));
	return 0;
}

int y_unique_keys(const struct yctx *x, const struct ynode *node, const char *what)
{
	char got[64];

	if (node->type != YNODE_MAP)
		return y_fail(x, node, "expected %s, got %s", what, describe(node, got, sizeof(got)));
	for (size_t i = 0; i < node->n; i++) {
		const struct ynode *key = ymap_key(node, i);
		const char *name;

		if (y_string(x, key, "a key", &name))
			return -EINVAL;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(ymap_key(node, j)->text, name))
				return y_fail(x, key, "expected each key once, got '%s' again (first on line %u)",
					      name, ymap_key(node, j)->line);
		}
	}
	return 0;
}

int y_walk_map(const struct yctx *x, const struct ynode *node, const char *what,
	       const struct y_key *keys, void *obj)
{
	char expected[256];
	size_t used = 0;
	int err = y_unique_keys(x, node, what);

	if (err)
		return err;
	for (size_t i = 0; i < node->n; i++) {
		const struct ynode *key = ymap_key(node, i);
		const struct y_key *k;

		for (k = keys; k->name && strcmp(k->name, key->text); k++)
			;
		if (!k->name) {
			const char *near = NULL;

			for (k = keys; k->name && used < sizeof(expected); k++) {
				used += (size_t)snprintf(expected + used, sizeof(expected) - used,
							 "%s%s", k == keys ? "" :
							 k[1].name ? ", " : " or ", k->name);
				if (!near && spelling_near(key->text, strlen(key->text), k->name))
					near = k->name;
			}
			if (near)
				return y_fail(x, key, "expected %s %s, got '%s' (did you mean '%s'?)",
					      what, expected, key->text, near);
			return y_fail(x, key, "expected %s %s, got '%s'", what, expected,
				      key->text);
		}
		err = k->parse(x, ymap_value(node, i), obj, k->arg);
		if (err)
			return err;
	}
	return 0;
}

const struct ynode *y_find(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (ymap_key(map, i)->type == YNODE_SCALAR && !strcmp(ymap_key(map, i)->text, key))
			return ymap_value(map, i);
	return NULL;
}
