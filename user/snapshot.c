// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A cell's capabilities as JSON, and back. The snapshot holds every
 * capability as an object (kind, path or address, flags, and its text
 * form); restoring reads the text forms, which say everything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "policy/json_out.h"
#include "user/internal.h"

#define SNAPSHOT_VERSION 1

/*
 * The same capabilities without the places they were read from: what a
 * cell holds does not depend on which file said it.
 */
struct isolate_cell_policy *policy_plain(const struct isolate_cell_policy *pol)
{
	struct isolate_cell_policy *out = isolate_cell_policy_new(isolate_cell_policy_name(pol));
	char text[4400];

	if (!out || isolate_cell_policy_set_mode(out, isolate_cell_policy_mode(pol)))
		goto fail;
	for (size_t i = 0; i < isolate_cell_policy_cap_count(pol); i++) {
		struct isolate_cap *cap = NULL;
		int err;

		isolate_cap_format(isolate_cell_policy_cap(pol, i), text, sizeof(text));
		err = isolate_cap_parse(text, &cap, NULL);
		if (!err)
			err = isolate_cell_policy_add(out, cap);
		isolate_cap_free(cap);
		if (err)
			goto fail;
	}
	return out;
fail:
	isolate_cell_policy_free(out);
	return NULL;
}

void write_cell_policy_json(struct json_writer *jw, const struct isolate_cell_policy *pol)
{
	struct isolate_cell_policy *plain = policy_plain(pol);

	json_cell_policy(jw, plain ? plain : pol);
	isolate_cell_policy_free(plain);
}

int isolate_cell_snapshot(struct isolate *iso, const char *name, FILE *out, bool pretty)
{
	struct isolate_cell_policy *pol = NULL;
	struct json_writer jw;
	int err = isolate_cell_policy_get(iso, name, &pol);

	if (err)
		return err;
	jw_init(&jw, out, pretty);
	jw_object_start(&jw);
	jw_kv_uint(&jw, "isolate_snapshot", SNAPSHOT_VERSION);
	jw_key(&jw, "cell");
	write_cell_policy_json(&jw, pol);
	jw_object_end(&jw);
	jw_finish(&jw);
	isolate_cell_policy_free(pol);
	return ferror(out) ? set_error(-EIO, "cannot write the snapshot") : 0;
}

static yaml_node_t *member(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(doc, p->value);
	}
	return NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/*
 * Whether every scalar member of a snapshot's capability record says what
 * its text says (a record "kind: read, text: write:/" is refused, not
 * restored as either): the parsed text, written as a record again, must
 * have each member the record has, with the same value, and no other.
 */
static bool record_agrees(yaml_document_t *doc, yaml_node_t *record,
			  const struct isolate_cap *cap)
{
	yaml_document_t mine;
	yaml_parser_t parser;
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
	if (!yaml_parser_initialize(&parser)) {
		free(json);
		return false;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)json, len);
	if (yaml_parser_load(&parser, &mine)) {
		yaml_node_t *root = yaml_document_get_root_node(&mine);

		agrees = record->type == YAML_MAPPING_NODE;
		for (yaml_node_pair_t *p = record->data.mapping.pairs.start;
		     agrees && p < record->data.mapping.pairs.top; p++) {
			const char *key = scalar(yaml_document_get_node(doc, p->key));
			const char *value = scalar(yaml_document_get_node(doc, p->value));
			const char *expected = key ? scalar(member(&mine, root, key)) : NULL;

			if (key && !strcmp(key, "source"))
				continue;	/* where it was read from: not the capability */
			theirs++;
			agrees = value && expected && !strcmp(value, expected);
		}
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
		     agrees && p < root->data.mapping.pairs.top; p++)
			ours++;
		agrees = agrees && theirs == ours;
		yaml_document_delete(&mine);
	}
	yaml_parser_delete(&parser);
	free(json);
	return agrees;
}

static int policy_from_snapshot(yaml_document_t *doc, const char *new_name,
				struct isolate_cell_policy **out)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	yaml_node_t *cell = member(doc, root, "cell");
	yaml_node_t *caps = member(doc, cell, "capabilities");
	const char *version = scalar(member(doc, root, "isolate_snapshot"));
	const char *name = new_name ?: scalar(member(doc, cell, "name"));
	const char *mode = scalar(member(doc, cell, "mode"));
	struct isolate_cell_policy *pol;
	struct isolate_diag diag = { 0 };

	if (!version || strcmp(version, "1"))
		return set_error(-EINVAL, "not an isolate snapshot of version 1");
	if (!name || !mode || !caps || caps->type != YAML_SEQUENCE_NODE)
		return set_error(-EINVAL, "the snapshot lacks the cell's name, mode or capabilities");
	if (strcmp(mode, "enforce") && strcmp(mode, "audit"))
		return set_error(-EINVAL, "bad snapshot: mode \"%.32s\": expected enforce or audit", mode);
	pol = isolate_cell_policy_new(name);
	if (!pol)
		return set_error(-errno, "invalid cell name \"%s\"", name);
	if (isolate_cell_policy_set_mode(pol, strcmp(mode, "audit") ? ISOLATE_MODE_ENFORCE :
					 ISOLATE_MODE_AUDIT))
		goto bad;
	for (yaml_node_item_t *i = caps->data.sequence.items.start;
	     i < caps->data.sequence.items.top; i++) {
		const char *text = scalar(member(doc, yaml_document_get_node(doc, *i), "text"));
		struct isolate_cap *cap = NULL;
		int err;

		if (!text) {
			snprintf(diag.msg, sizeof(diag.msg), "a capability has no \"text\"");
			goto bad;
		}
		err = isolate_cap_parse(text, &cap, &diag);
		if (!err && !record_agrees(doc, yaml_document_get_node(doc, *i), cap)) {
			snprintf(diag.msg, sizeof(diag.msg),
				 "the record of \"%.200s\" has members its text does not say", text);
			err = -EINVAL;
		}
		if (!err)
			err = isolate_cell_policy_add(pol, cap);
		isolate_cap_free(cap);
		if (err)
			goto bad;
	}
	*out = pol;
	return 0;
bad:
	isolate_cell_policy_free(pol);
	return set_error(-EINVAL, "bad snapshot: %s", diag.msg[0] ? diag.msg : "invalid mode");
}

int isolate_cell_restore(struct isolate *iso, const char *json, size_t len,
			 const char *new_name, struct isolate_cell_state *out)
{
	struct isolate_cell_policy *pol = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	int err;

	if (len > ISOLATE_SNAPSHOT_MAX)
		return set_error(-EFBIG, "a snapshot is at most %d bytes, this one %zu",
				 ISOLATE_SNAPSHOT_MAX, len);
	if (!yaml_parser_initialize(&parser))
		return set_error(-ENOMEM, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)json, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = set_error(-EINVAL, "the snapshot is not valid JSON: %s at line %zu",
				parser.problem ?: "error", parser.problem_mark.line + 1);
		yaml_parser_delete(&parser);
		return err;
	}
	err = policy_from_snapshot(&doc, new_name, &pol);
	if (!err)
		err = isolate_cell_create(iso, isolate_cell_policy_name(pol), pol, out);
	isolate_cell_policy_free(pol);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return err;
}

int isolate_cell_recycle(struct isolate *iso, const char *name)
{
	struct isolate_cell_policy *pol = NULL;
	int err = isolate_cell_policy_get(iso, name, &pol);

	if (err)
		return err;
	err = isolate_cell_destroy(iso, name);
	if (!err)
		err = isolate_cell_create(iso, name, pol, NULL);
	isolate_cell_policy_free(pol);
	return err;
}

/* Takes every timed grant equal to cap out of the list; whether there was one. */
static bool timed_remove(struct timed_cap *t, size_t *n, const struct isolate_cap *cap)
{
	size_t kept = 0, was = *n;

	for (size_t i = 0; i < was; i++) {
		if (!isolate_cap_compare(t[i].cap, cap))
			isolate_cap_free(t[i].cap);
		else
			t[kept++] = t[i];
	}
	*n = kept;
	return kept != was;
}

/*
 * grant and revoke: the policy in force, changed, as the next generation;
 * seconds > 0 grants for that long (kept beside the policy, ended by the
 * kernel). A revoke takes a capability out of the policy and out of the
 * timed grants. Under the lock from the read on: two changes at once must
 * not both start from the same generation, each losing the other's.
 */
static int change_caps(struct isolate *iso, const char *name,
		       struct isolate_cap *const caps[], size_t n, bool grant,
		       unsigned int seconds)
{
	struct isolate_cell_policy *pol = NULL;
	struct timed_cap *timed = NULL;
	size_t n_timed = 0;
	char text[4400];
	__u64 now = boot_ns();
	int err = isolate_lock(iso);

	if (err)
		return err;
	err = isolate_cell_policy_get(iso, name, &pol);
	if (!err)
		err = timed_read(name, now, &timed, &n_timed);
	if (!err && seconds)
		err = timed_add(&timed, &n_timed, caps, n, now + seconds * 1000000000ULL);
	for (size_t i = 0; !err && !seconds && i < n; i++) {
		if (grant) {
			err = isolate_cell_policy_add(pol, caps[i]);
		} else {
			err = isolate_cell_policy_remove(pol, caps[i]);
			if (timed_remove(timed, &n_timed, caps[i]) && err == -ENOENT)
				err = 0;
		}
		if (err) {
			isolate_cap_format(caps[i], text, sizeof(text));
			if (err == -ENOENT)
				err = set_error(err, "cell %s does not hold %s", name, text);
			else
				err = set_error(err, "%s can not be %s", text,
						grant ? "granted" : "revoked");
		}
	}
	if (!err)
		err = cell_update_timed(iso, name, pol, timed, n_timed);
	isolate_unlock(iso);
	timed_free(timed, n_timed);
	isolate_cell_policy_free(pol);
	return err;
}

int isolate_cell_grant(struct isolate *iso, const char *name,
		       struct isolate_cap *const caps[], size_t n)
{
	return change_caps(iso, name, caps, n, true, 0);
}

int isolate_cell_revoke(struct isolate *iso, const char *name,
			struct isolate_cap *const caps[], size_t n)
{
	return change_caps(iso, name, caps, n, false, 0);
}

int isolate_cell_grant_timed(struct isolate *iso, const char *name,
			     struct isolate_cap *const caps[], size_t n, unsigned int seconds)
{
	if (!seconds || seconds > ISOLATE_GRANT_SECONDS_MAX)
		return set_error(-EINVAL, "a timed grant lasts 1 to %d seconds, not %u",
				 ISOLATE_GRANT_SECONDS_MAX, seconds);
	for (size_t i = 0; i < n; i++) {
		struct isolate_diag diag = { 0 };
		int err = isolate_cap_check(caps[i], &diag);

		if (err)
			return set_error(err, "%s", diag.msg);
	}
	return change_caps(iso, name, caps, n, true, seconds);
}

int isolate_cell_expire(struct isolate *iso, const char *name)
{
	struct isolate_cell_state st;
	int err = isolate_lock(iso);

	if (err)
		return err;
	err = isolate_cell_get(iso, name, &st);
	/* Nothing has ended: nothing to do. */
	if (!err && st.cell.expires_ns && boot_ns() >= st.cell.expires_ns)
		err = change_caps(iso, name, NULL, 0, true, 0);
	isolate_unlock(iso);
	return err;
}
