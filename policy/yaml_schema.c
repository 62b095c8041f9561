/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Typed values out of YAML nodes. YAML 1.1 guesses types from spelling
 * ("yes" is a boolean, "0443" octal); we do not guess: each key has one
 * type, and a value of another type is an error at that value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* node is a mapping and its keys are strings. */
static int string_keys(const struct yctx *x, const struct ynode *node, const char *what)
{
	char got[64];
	const char *name;

	if (node->type != YNODE_MAP)
		return y_fail(x, node, "expected %s, got %s", what, describe(node, got, sizeof(got)));
	for (size_t i = 0; i < node->n; i++)
		if (y_string(x, ymap_key(node, i), "a key", &name))
			return -EINVAL;
	return 0;
}

static bool written_before(const struct ynode *a, const struct ynode *b)
{
	return a->line != b->line ? a->line < b->line : a->column < b->column;
}

static int key_cmp(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	int c = strcmp(x->text, y->text);

	if (c)
		return c;
	return written_before(x, y) ? -1 : written_before(y, x);
}

/*
 * Sorted by text, then position, each key written again follows the first
 * of its text: the repeat written first is refused, as a scan in document
 * order would, in n log n steps for the largest mapping.
 */
static int no_repeated_key(const struct yctx *x, const struct ynode *node)
{
	const struct ynode **keys, *first = NULL, *again = NULL;

	if (node->n < 2)
		return 0;
	keys = malloc(node->n * sizeof(*keys));
	if (!keys) {
		diag_set(x->diag, x->file, 0, 0, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < node->n; i++)
		keys[i] = ymap_key(node, i);
	qsort(keys, node->n, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < node->n; i++) {
		bool second = !strcmp(keys[i - 1]->text, keys[i]->text) &&
			      (i == 1 || strcmp(keys[i - 2]->text, keys[i]->text));

		if (second && (!again || written_before(keys[i], again))) {
			first = keys[i - 1];
			again = keys[i];
		}
	}
	free(keys);
	if (again)
		return y_fail(x, again, "expected each key once, got '%s' again (first on line %u)",
			      again->text, first->line);
	return 0;
}

int y_unique_keys(const struct yctx *x, const struct ynode *node, const char *what)
{
	return string_keys(x, node, what) ?: no_repeated_key(x, node);
}

static const struct y_key *find_key(const struct y_key *keys, const char *name)
{
	while (keys->name && strcmp(keys->name, name))
		keys++;
	return keys->name ? keys : NULL;
}

static int unknown_key(const struct yctx *x, const struct ynode *key, const char *what,
		       const struct y_key *keys)
{
	char expected[256];
	const char *near = NULL;
	size_t used = 0;

	for (const struct y_key *k = keys; k->name && used < sizeof(expected); k++) {
		used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s",
					 k == keys ? "" : k[1].name ? ", " : " or ", k->name);
		if (!near && spelling_near(key->text, strlen(key->text), k->name))
			near = k->name;
	}
	if (near)
		return y_fail(x, key, "expected %s %s, got '%s' (did you mean '%s'?)", what,
			      expected, key->text, near);
	return y_fail(x, key, "expected %s %s, got '%s'", what, expected, key->text);
}

/* An unknown key is refused before repeats are looked for: it is found in one pass. */
int y_walk_map(const struct yctx *x, const struct ynode *node, const char *what,
	       const struct y_key *keys, void *obj)
{
	int err = string_keys(x, node, what);

	for (size_t i = 0; i < node->n && !err; i++)
		if (!find_key(keys, ymap_key(node, i)->text))
			err = unknown_key(x, ymap_key(node, i), what, keys);
	if (!err)
		err = no_repeated_key(x, node);
	for (size_t i = 0; i < node->n && !err; i++) {
		const struct y_key *k = find_key(keys, ymap_key(node, i)->text);

		err = k->parse(x, ymap_value(node, i), obj, k->arg);
	}
	return err;
}

const struct ynode *y_find(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (ymap_key(map, i)->type == YNODE_SCALAR && !strcmp(ymap_key(map, i)->text, key))
			return ymap_value(map, i);
	return NULL;
}
