/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * From the document form to resolved cells: read every included document
 * once (a cycle is an error naming it), give every cell a name unique
 * across all of them, and fold the capabilities of extended cells in
 * (again refusing cycles). A cell extends only cells its own document
 * sees: those of the document and of what it includes, recursively; a
 * library cannot take the rights of a cell defined by whoever includes it.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "yaml_parse.h"

#define MAX_INCLUDE_DEPTH 16
#define MAX_EXTENDS_DEPTH 64
#define SOURCE_ID_PREFIX "source:"

struct loaded_doc {
	char *id;	/* what makes two includes the same document */
	struct isolate_policy *doc;
	size_t *includes;	/* indices into docs, one per include of doc */
};

#define LONG_BITS (8 * sizeof(unsigned long))

struct resolver {
	const struct isolate_policy_source *sources;
	size_t n_sources;
	struct isolate_diag *diag;
	size_t n_docs;
	struct loaded_doc *docs;	/* included documents, each after its includes */
	size_t *top_includes;
	/*
	 * Row d (n_docs + 1 rows, the top document last) has bit e set when
	 * document d sees document e: it is d, or d includes it, recursively.
	 */
	size_t row_words;
	unsigned long *sees;
	size_t depth;
	const char *stack_id[MAX_INCLUDE_DEPTH + 1];
	const char *stack_name[MAX_INCLUDE_DEPTH + 1];
};

static const struct isolate_policy_source *find_source(const struct resolver *r,
							 const char *name)
{
	for (size_t i = 0; i < r->n_sources; i++)
		if (!strcmp(r->sources[i].name, name))
			return &r->sources[i];
	return NULL;
}

/* The include as a path: relative to the directory of the includer. */
static char *include_path(const char *includer, const char *include)
{
	char *copy, *dir, *path;

	if (include[0] == '/')
		return strdup(include);
	copy = strdup(includer);
	if (!copy)
		return NULL;
	dir = dirname(copy);
	if (!strcmp(dir, "."))
		path = strdup(include);
	else if (asprintf(&path, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", include) < 0)
		path = NULL;
	free(copy);
	return path;
}

static int cycle_error(struct resolver *r, const struct named_ref *ref, const char *kind,
		       const char *const *names, size_t n, const char *closing)
{
	char chain[sizeof(r->diag->msg)];
	size_t used = 0;

	for (size_t i = 0; i < n && used < sizeof(chain); i++)
		used += (size_t)snprintf(chain + used, sizeof(chain) - used, "%s -> ", names[i]);
	if (used < sizeof(chain))
		snprintf(chain + used, sizeof(chain) - used, "%s", closing);
	diag_at(r->diag, &ref->pos, "expected %s without a cycle, got %s", kind, chain);
	return -ELOOP;
}

static bool find_loaded(const struct resolver *r, const char *id, size_t *index)
{
	for (size_t i = 0; i < r->n_docs; i++) {
		if (!strcmp(r->docs[i].id, id)) {
			*index = i;
			return true;
		}
	}
	return false;
}

static int load_includes(struct resolver *r, struct isolate_policy *doc, const char *id,
			 size_t **includes);

/* Reads, parses and recursively loads one include; *index is where it is in docs. */
static int load_one(struct resolver *r, const struct named_ref *ref, const char *includer,
		    size_t *index)
{
	const struct isolate_policy_source *src = find_source(r, ref->name);
	char msg[sizeof(r->diag->msg)], *path = NULL, *id = NULL, *text = NULL;
	struct isolate_policy *sub = NULL;
	struct loaded_doc *grown;
	size_t len, *includes = NULL;
	int err = -ENOMEM;

	if (src) {
		path = strdup(src->name);
		if (asprintf(&id, SOURCE_ID_PREFIX "%s", src->name) < 0)
			id = NULL;
	} else {
		path = include_path(includer, ref->name);
		id = path ? realpath(path, NULL) : NULL;
		if (path && !id) {
			err = -errno;
			diag_at(r->diag, &ref->pos, "expected a readable policy file, got %s: %s",
				path, strerror(errno));
			goto out;
		}
	}
	if (!path || !id) {
		diag_set(r->diag, NULL, 0, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < r->depth; i++) {
		if (!strcmp(r->stack_id[i], id)) {
			err = cycle_error(r, ref, "includes", r->stack_name + i, r->depth - i, path);
			goto out;
		}
	}
	err = 0;
	if (find_loaded(r, id, index))
		goto out;
	if (r->depth == MAX_INCLUDE_DEPTH) {
		diag_at(r->diag, &ref->pos, "expected at most %d levels of includes",
			MAX_INCLUDE_DEPTH);
		err = -ELOOP;
		goto out;
	}
	if (src) {
		err = yaml_parse_document(path, src->text, src->len, &sub, r->diag);
	} else {
		err = policy_read_file(path, &text, &len, msg, sizeof(msg));
		if (err)
			diag_at(r->diag, &ref->pos, "%s", msg);
		else
			err = yaml_parse_document(path, text, len, &sub, r->diag);
	}
	if (!err)
		err = load_includes(r, sub, id, &includes);
	if (err)
		goto out;
	grown = realloc(r->docs, (r->n_docs + 1) * sizeof(*grown));
	if (!grown) {
		err = -ENOMEM;
		diag_set(r->diag, NULL, 0, 0, "out of memory");
		goto out;
	}
	r->docs = grown;
	*index = r->n_docs;
	r->docs[r->n_docs++] = (struct loaded_doc){ .id = id, .doc = sub, .includes = includes };
	id = NULL;
	sub = NULL;
	includes = NULL;
out:
	free(includes);
	isolate_policy_free(sub);
	free(text);
	free(path);
	free(id);
	return err;
}

static int load_includes(struct resolver *r, struct isolate_policy *doc, const char *id,
			 size_t **includes)
{
	int err = 0;

	*includes = calloc(doc->n_includes ? doc->n_includes : 1, sizeof(**includes));
	if (!*includes) {
		diag_set(r->diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	r->stack_id[r->depth] = id;
	r->stack_name[r->depth] = doc->name;
	r->depth++;
	for (size_t i = 0; i < doc->n_includes && !err; i++)
		err = load_one(r, &doc->includes[i], doc->name, &(*includes)[i]);
	r->depth--;
	if (err) {
		free(*includes);
		*includes = NULL;
	}
	return err;
}

static unsigned long *sees_row(const struct resolver *r, size_t doc)
{
	return r->sees + doc * r->row_words;
}

static bool doc_sees(const struct resolver *r, size_t doc, size_t other)
{
	return sees_row(r, doc)[other / LONG_BITS] & (1UL << (other % LONG_BITS));
}

/* Each document comes after its includes in docs, so their rows are complete. */
static void fill_sees_row(struct resolver *r, size_t doc, const size_t *includes, size_t n)
{
	unsigned long *row = sees_row(r, doc);

	row[doc / LONG_BITS] |= 1UL << (doc % LONG_BITS);
	for (size_t i = 0; i < n; i++)
		for (size_t w = 0; w < r->row_words; w++)
			row[w] |= sees_row(r, includes[i])[w];
}

static int compute_sees(struct resolver *r, const struct isolate_policy *top)
{
	size_t n = r->n_docs + 1;

	r->row_words = (n + LONG_BITS - 1) / LONG_BITS;
	r->sees = calloc(n * r->row_words, sizeof(*r->sees));
	if (!r->sees) {
		diag_set(r->diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n_docs; i++)
		fill_sees_row(r, i, r->docs[i].includes, r->docs[i].doc->n_includes);
	fill_sees_row(r, r->n_docs, r->top_includes, top->n_includes);
	return 0;
}

/* ---- cells and extends ---- */

enum visit { UNSEEN, RESOLVING, RESOLVED };

struct cell_entry {
	const struct isolate_cell_policy *cell;
	size_t doc;	/* index into docs; n_docs for the top document */
	enum visit state;
	struct isolate_cell_policy *resolved;
};

struct cell_table {
	size_t n;
	struct cell_entry *entries;	/* in resolved order */
	struct cell_entry **by_name;
	const char *chain[MAX_EXTENDS_DEPTH + 1];
};

static int entry_name_cmp(const void *a, const void *b)
{
	const struct cell_entry *x = *(struct cell_entry *const *)a;
	const struct cell_entry *y = *(struct cell_entry *const *)b;
	int c = strcmp(x->cell->name, y->cell->name);

	/* Equal names: the one defined first comes first. */
	return c ? c : x < y ? -1 : x > y;
}

static struct cell_entry *lookup(const struct cell_table *t, const char *name)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->by_name[mid]->cell->name, name);

		if (!c)
			return t->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void add_doc_cells(struct cell_table *t, const struct isolate_policy *doc, size_t index)
{
	for (size_t i = 0; i < doc->n_cells; i++)
		t->entries[t->n++] = (struct cell_entry){ .cell = doc->cells[i], .doc = index };
}

static int build_table(struct resolver *r, const struct isolate_policy *top, struct cell_table *t)
{
	size_t total = top->n_cells;

	for (size_t i = 0; i < r->n_docs; i++)
		total += r->docs[i].doc->n_cells;
	t->entries = calloc(total ? total : 1, sizeof(*t->entries));
	t->by_name = calloc(total ? total : 1, sizeof(*t->by_name));
	if (!t->entries || !t->by_name) {
		diag_set(r->diag, NULL, 0, 0, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n_docs; i++)
		add_doc_cells(t, r->docs[i].doc, i);
	add_doc_cells(t, top, r->n_docs);
	for (size_t i = 0; i < t->n; i++)
		t->by_name[i] = &t->entries[i];
	if (t->n > 1)
		qsort(t->by_name, t->n, sizeof(*t->by_name), entry_name_cmp);
	for (size_t i = 1; i < t->n; i++) {
		const struct isolate_cell_policy *first = t->by_name[i - 1]->cell;
		const struct isolate_cell_policy *again = t->by_name[i]->cell;

		if (strcmp(first->name, again->name))
			continue;
		diag_at(r->diag, &again->pos, "expected a cell name not defined yet, got '%s' (defined at %s:%u:%u)",
			again->name, first->pos.file ?: "?", first->pos.line, first->pos.column);
		return -EEXIST;
	}
	return 0;
}

static int resolve_cell(struct resolver *r, struct cell_table *t, struct cell_entry *e,
			size_t depth)
{
	const struct isolate_cell_policy *c = e->cell;
	struct isolate_cell_policy *out;
	int err = 0;

	if (e->state == RESOLVED)
		return 0;
	e->state = RESOLVING;
	t->chain[depth] = c->name;
	out = isolate_cell_policy_dup(c);
	if (!out)
		goto nomem;
	named_refs_free(out->extends, out->n_extends);
	out->extends = NULL;
	out->n_extends = 0;
	for (size_t i = 0; i < c->n_extends && !err; i++) {
		const struct named_ref *ref = &c->extends[i];
		struct cell_entry *base = lookup(t, ref->name);

		if (!base || !doc_sees(r, e->doc, base->doc)) {
			diag_at(r->diag, &ref->pos, "expected a cell defined in the document or an included one, got '%s'",
				ref->name);
			err = -ENOENT;
		} else if (base->state == RESOLVING) {
			size_t from = depth;

			while (strcmp(t->chain[from], ref->name))
				from--;
			err = cycle_error(r, ref, "extends", t->chain + from, depth - from + 1,
					  ref->name);
		} else if (depth == MAX_EXTENDS_DEPTH) {
			diag_at(r->diag, &ref->pos, "expected at most %d levels of extends",
				MAX_EXTENDS_DEPTH);
			err = -ELOOP;
		} else {
			err = resolve_cell(r, t, base, depth + 1);
			for (size_t k = 0; !err && k < base->resolved->n_caps; k++)
				if (cell_append(out, &base->resolved->caps[k]))
					goto nomem;
		}
	}
	if (err) {
		isolate_cell_policy_free(out);
		return err;
	}
	/* Repeats go now: a diamond of extends would otherwise multiply them. */
	cell_dedupe(out);
	e->resolved = out;
	e->state = RESOLVED;
	return 0;
nomem:
	isolate_cell_policy_free(out);
	diag_set(r->diag, NULL, 0, 0, "out of memory");
	return -ENOMEM;
}

static int resolve_cells(struct resolver *r, struct isolate_policy *p)
{
	struct cell_table t = { 0 };
	struct isolate_cell_policy **resolved = NULL;
	int err = build_table(r, p, &t);

	for (size_t i = 0; i < t.n && !err; i++)
		err = resolve_cell(r, &t, &t.entries[i], 0);
	if (!err) {
		resolved = calloc(t.n ? t.n : 1, sizeof(*resolved));
		if (!resolved) {
			diag_set(r->diag, NULL, 0, 0, "out of memory");
			err = -ENOMEM;
		}
	}
	for (size_t i = 0; i < t.n; i++) {
		if (err)
			isolate_cell_policy_free(t.entries[i].resolved);
		else
			resolved[i] = t.entries[i].resolved;
	}
	if (!err) {
		for (size_t i = 0; i < p->n_resolved; i++)
			isolate_cell_policy_free(p->resolved[i]);
		free(p->resolved);
		p->resolved = resolved;
		p->n_resolved = t.n;
	}
	free(t.entries);
	free(t.by_name);
	return err;
}

int policy_resolve(struct isolate_policy *p, const struct isolate_policy_source *sources,
		   size_t n_sources, struct isolate_diag *diag)
{
	struct resolver r = { .sources = sources, .n_sources = n_sources, .diag = diag };
	char *id = realpath(p->name, NULL);
	int err = load_includes(&r, p, id ? id : p->name, &r.top_includes);

	if (!err)
		err = compute_sees(&r, p);
	if (!err)
		err = resolve_cells(&r, p);
	for (size_t i = 0; i < r.n_docs; i++) {
		isolate_policy_free(r.docs[i].doc);
		free(r.docs[i].includes);
		free(r.docs[i].id);
	}
	free(r.docs);
	free(r.top_includes);
	free(r.sees);
	free(id);
	return err;
}
