// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A cell's capabilities as a JSON snapshot, and back. The snapshot holds
 * every capability as an object (kind, path or address, flags, and its
 * text form); reading takes the text forms, which say everything, and
 * refuses a record whose other members say something else.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "json_out.h"
#include "yaml_tree.h"

#define SNAPSHOT_VERSION "1"
#define SNAPSHOT_FILE "<snapshot>"

void cell_policy_forget_sources(struct isolate_cell_policy *c)
{
	for (size_t i = 0; i < c->n_caps; i++) {
		free(c->caps[i].pos.file);
		memset(&c->caps[i].pos, 0, sizeof(c->caps[i].pos));
	}
	free(c->pos.file);
	memset(&c->pos, 0, sizeof(c->pos));
}

int isolate_cell_policy_write_snapshot(const struct isolate_cell_policy *c, FILE *out,
				       bool pretty)
{
	struct isolate_cell_policy *plain = isolate_cell_policy_dup(c);
	struct json_writer jw;

	if (!plain)
		return -ENOMEM;
	cell_policy_forget_sources(plain);
	jw_init(&jw, out, pretty);
	jw_object_start(&jw);
	jw_kv_uint(&jw, "isolate_snapshot", 1);
	jw_key(&jw, "cell");
	json_cell_policy(&jw, plain);
	jw_object_end(&jw);
	jw_finish(&jw);
	isolate_cell_policy_free(plain);
	return ferror(out) ? -EIO : 0;
}

/* The value of key in mapping map, NULL when map is none or lacks it. */
static const struct ynode *member(const struct ynode *map, const char *key)
{
	if (!map || map->type != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (ymap_key(map, i)->type == YNODE_SCALAR && !strcmp(ymap_key(map, i)->text, key))
			return ymap_value(map, i);
	return NULL;
}

static const char *scalar(const struct ynode *n)
{
	return n && n->type == YNODE_SCALAR ? n->text : NULL;
}

/*
 * Whether every scalar member of a capability's record says what its text
 * says (a record "kind: read, text: write:/" is refused, not restored as
 * either): the parsed text, written as a record again, must have each
 * member the record has, with the same value, and no other.
 */
static bool record_agrees(const struct ynode *record, const struct isolate_cap *cap)
{
	struct ynode *mine = NULL;
	struct json_writer jw;
	size_t len = 0, theirs = 0, ours = 0;
	char *json = NULL;
	bool agrees = false;
	FILE *f = open_memstream(&json, &len);

	if (!f)
		return false;
	jw_init(&jw, f, false);
	json_cap(&jw, cap);
	jw_finish(&jw);
	fclose(f);
	if (!ytree_parse(SNAPSHOT_FILE, json, len, &mine, NULL) && mine &&
	    record->type == YNODE_MAP) {
		agrees = true;
		for (size_t i = 0; agrees && i < record->n; i++) {
			const char *key = scalar(ymap_key(record, i));
			const char *value = scalar(ymap_value(record, i));

			if (key && !strcmp(key, "source"))
				continue;	/* where it was read from: not the capability */
			theirs++;
			agrees = key && value && scalar(member(mine, key)) &&
				 !strcmp(value, scalar(member(mine, key)));
		}
		ours = mine->n;
		agrees = agrees && theirs == ours;
	}
	ytree_free(mine);
	free(json);
	return agrees;
}

static int from_tree(const struct ynode *root, const char *new_name,
		     struct isolate_cell_policy **out, struct isolate_diag *diag)
{
	const struct ynode *cell = member(root, "cell"), *caps = member(cell, "capabilities");
	const char *version = scalar(member(root, "isolate_snapshot"));
	const char *name = new_name ?: scalar(member(cell, "name"));
	const char *mode = scalar(member(cell, "mode"));
	struct isolate_cell_policy *pol;

	if (!version || strcmp(version, SNAPSHOT_VERSION)) {
		diag_set(diag, SNAPSHOT_FILE, 0, 0, "expected an isolate snapshot of version 1");
		return -EINVAL;
	}
	if (!name || !mode || !caps || caps->type != YNODE_SEQ) {
		diag_set(diag, SNAPSHOT_FILE, 0, 0,
			 "expected the cell's name, mode and capabilities");
		return -EINVAL;
	}
	if (strcmp(mode, "enforce") && strcmp(mode, "audit")) {
		diag_set(diag, SNAPSHOT_FILE, member(cell, "mode")->line,
			 member(cell, "mode")->column, "expected mode enforce or audit");
		return -EINVAL;
	}
	pol = isolate_cell_policy_new(name);
	if (!pol) {
		diag_set(diag, SNAPSHOT_FILE, 0, 0, "invalid cell name \"%.64s\"", name);
		return -EINVAL;
	}
	if (isolate_cell_policy_set_mode(pol, strcmp(mode, "audit") ? ISOLATE_MODE_ENFORCE :
					 ISOLATE_MODE_AUDIT))
		goto nomem;
	for (size_t i = 0; i < caps->n; i++) {
		const struct ynode *record = caps->items[i];
		const char *text = scalar(member(record, "text"));
		struct isolate_cap *cap = NULL;
		int err;

		if (!text) {
			diag_set(diag, SNAPSHOT_FILE, record->line, record->column,
				 "expected a capability with a \"text\"");
			isolate_cell_policy_free(pol);
			return -EINVAL;
		}
		err = isolate_cap_parse(text, &cap, diag);
		if (!err && !record_agrees(record, cap)) {
			diag_set(diag, SNAPSHOT_FILE, record->line, record->column,
				 "the record of \"%.160s\" has members its text does not say", text);
			err = -EINVAL;
		}
		if (!err)
			err = isolate_cell_policy_add(pol, cap);
		isolate_cap_free(cap);
		if (err) {
			isolate_cell_policy_free(pol);
			return err;
		}
	}
	*out = pol;
	return 0;
nomem:
	isolate_cell_policy_free(pol);
	return -ENOMEM;
}

int isolate_cell_policy_read_snapshot(const char *json, size_t len, const char *new_name,
				      struct isolate_cell_policy **out, struct isolate_diag *diag)
{
	struct ynode *root = NULL;
	int err;

	*out = NULL;
	if (len > ISOLATE_SNAPSHOT_MAX) {
		diag_set(diag, SNAPSHOT_FILE, 0, 0, "a snapshot is at most %d bytes, this one %zu",
			 ISOLATE_SNAPSHOT_MAX, len);
		return -EFBIG;
	}
	err = ytree_parse(SNAPSHOT_FILE, json, len, &root, diag);
	if (!err)
		err = from_tree(root, new_name, out, diag);
	ytree_free(root);
	return err;
}
