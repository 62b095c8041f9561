// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A cell's capabilities as a JSON snapshot, and back. The snapshot holds
 * every capability as an object (kind, path or address, flags, and its
 * text form); reading takes the text forms, which say everything, and
 * refuses a record whose other members say something else, and any key
 * it does not know, at its line and column.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "json_out.h"
#include "yaml_schema.h"
#include "yaml_tree.h"

#define SNAPSHOT_VERSION 1
/* The input's name in errors when the caller gives none. */
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
	jw_kv_uint(&jw, "isolate_snapshot", SNAPSHOT_VERSION);
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

/* The members of a snapshot, each the node it was found at (NULL: missing). */
enum { SNAP_VERSION, SNAP_CELL, SNAP_NAME, SNAP_MODE, SNAP_EXTENDS, SNAP_CAPS, SNAP_MEMBERS };

static int take_member(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	((const struct ynode **)obj)[arg] = v;
	return 0;
}

static const struct y_key snapshot_keys[] = {
	{ "isolate_snapshot", take_member, SNAP_VERSION },
	{ "cell", take_member, SNAP_CELL },
	{ NULL, NULL, 0 },
};

static const struct y_key cell_keys[] = {
	{ "name", take_member, SNAP_NAME },
	{ "mode", take_member, SNAP_MODE },
	{ "extends", take_member, SNAP_EXTENDS },
	{ "capabilities", take_member, SNAP_CAPS },
	{ NULL, NULL, 0 },
};

/* Every member known and of its type: nothing in a snapshot goes unread. */
static int check_members(const struct yctx *x, const struct ynode *root,
			 const struct ynode *m[SNAP_MEMBERS], const char *new_name)
{
	const char *text;
	__u64 version;

	if (y_walk_map(x, root, "a snapshot key", snapshot_keys, m))
		return -EINVAL;
	if (!m[SNAP_VERSION] || !m[SNAP_CELL])
		return y_fail(x, root, "expected keys isolate_snapshot and cell in a snapshot");
	if (y_uint(x, m[SNAP_VERSION], "a snapshot version", &version))
		return -EINVAL;
	if (version != SNAPSHOT_VERSION)
		return y_fail(x, m[SNAP_VERSION], "expected an isolate snapshot of version %d, got %llu",
			      SNAPSHOT_VERSION, (unsigned long long)version);
	if (y_walk_map(x, m[SNAP_CELL], "a cell key", cell_keys, m))
		return -EINVAL;
	if ((!m[SNAP_NAME] && !new_name) || !m[SNAP_MODE] || !m[SNAP_CAPS])
		return y_fail(x, m[SNAP_CELL], "expected the cell's name, mode and capabilities");
	if (m[SNAP_NAME] && y_string(x, m[SNAP_NAME], "a cell name", &text))
		return -EINVAL;
	if (y_string(x, m[SNAP_MODE], "mode enforce or audit", &text))
		return -EINVAL;
	if (strcmp(text, "enforce") && strcmp(text, "audit"))
		return y_fail(x, m[SNAP_MODE], "expected mode enforce or audit, got '%.64s'", text);
	/* A running cell's policy has its extends folded in: a snapshot names none. */
	if (m[SNAP_EXTENDS] && (y_seq(x, m[SNAP_EXTENDS], "a list") || m[SNAP_EXTENDS]->n))
		return y_fail(x, m[SNAP_EXTENDS],
			      "expected extends empty: a snapshot holds the capabilities of the cells it extends");
	return y_seq(x, m[SNAP_CAPS], "a list of capabilities");
}

static int from_tree(const struct yctx *x, const struct ynode *root, const char *new_name,
		     struct isolate_cell_policy **out)
{
	const struct ynode *m[SNAP_MEMBERS] = { NULL };
	struct isolate_cell_policy *pol;
	const struct ynode *caps;
	unsigned int budgets = 0;	/* bit k: a record of budget kind k was read */
	int err = check_members(x, root, m, new_name);

	if (err)
		return err;
	caps = m[SNAP_CAPS];
	pol = isolate_cell_policy_new(new_name ?: m[SNAP_NAME]->text);
	if (!pol && new_name) {
		diag_set(x->diag, NULL, 0, 0, "invalid cell name \"%.64s\"", new_name);
		return -EINVAL;
	}
	if (!pol)
		return y_fail(x, m[SNAP_NAME], "invalid cell name \"%.64s\"", m[SNAP_NAME]->text);
	if (isolate_cell_policy_set_mode(pol, strcmp(m[SNAP_MODE]->text, "audit") ?
					 ISOLATE_MODE_ENFORCE : ISOLATE_MODE_AUDIT))
		goto nomem;
	for (size_t i = 0; i < caps->n; i++) {
		const struct ynode *record = caps->items[i], *text_node = member(record, "text");
		struct isolate_diag cap_diag = { 0 };
		struct isolate_cap *cap = NULL;
		const char *text;

		if (!text_node)
			err = y_fail(x, record, "expected a capability with a \"text\"");
		else if (y_string(x, text_node, "a capability's text", &text))
			err = -EINVAL;
		else if ((err = isolate_cap_parse(text, &cap, &cap_diag)))
			y_fail(x, text_node, "%s", cap_diag.msg);
		else if (!record_agrees(record, cap))
			err = y_fail(x, record, "the record of \"%.160s\" has members its text does not say",
				     text);
		/*
		 * The writer never puts these: adding them would change the mode
		 * read above, or replace the budget read before.
		 */
		else if (cap->kind == ISOLATE_CAP_MODE)
			err = y_fail(x, record, "expected the mode in \"mode\", got a capability %.64s",
				     text);
		else if (cap_is_budget(cap->kind) && budgets & 1U << cap->kind)
			err = y_fail(x, record, "expected one %s capability in a snapshot, got another",
				     isolate_cap_kind_name(cap->kind));
		if (!err && cap_is_budget(cap->kind))
			budgets |= 1U << cap->kind;
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

int isolate_cell_policy_read_snapshot(const char *source, const char *json, size_t len,
				      const char *new_name, struct isolate_cell_policy **out,
				      struct isolate_diag *diag)
{
	const struct yctx x = { .file = source ?: SNAPSHOT_FILE, .diag = diag };
	struct ynode *root = NULL;
	int err;

	*out = NULL;
	if (len > ISOLATE_SNAPSHOT_MAX) {
		diag_set(diag, x.file, 0, 0, "a snapshot is at most %d bytes, this one %zu",
			 ISOLATE_SNAPSHOT_MAX, len);
		return -EFBIG;
	}
	err = ytree_parse(x.file, json, len, &root, diag);
	if (!err && !root) {
		diag_set(diag, x.file, 0, 0, "expected a snapshot, got an empty document");
		err = -EINVAL;
	}
	if (!err)
		err = from_tree(&x, root, new_name, out);
	ytree_free(root);
	return err;
}
