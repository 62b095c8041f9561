// SPDX-License-Identifier: GPL-2.0
/* A cell as `cell show`, `cell list` and `status` print it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/bound_link.h"
#include "tools/isolate-loader/main.h"

static const char *const fail_names[ISOLATE_FAIL_MAX] = {
	[ISOLATE_FAIL_WALK_BOUND] = "walk_bound",
	[ISOLATE_FAIL_NO_CELL] = "no_cell",
	[ISOLATE_FAIL_READ] = "unreadable",
};

/* {"deny": N, "audit": N, ...} */
static void class_counts(const __u64 *by_class)
{
	jw_object_start(&json_out);
	for (int k = 1; k < ISOLATE_EVENT_CLASS_MAX; k++)
		jw_kv_uint(&json_out, isolate_event_class_name(k), by_class[k]);
	jw_object_end(&json_out);
}

static __u64 total(const __u64 *by_class)
{
	__u64 sum = 0;

	for (int k = 0; k < ISOLATE_EVENT_CLASSES; k++)
		sum += by_class[k];
	return sum;
}

static void state_json(const struct isolate_cell_state *st)
{
	const struct isolate_cell_counters *c = &st->counters;

	jw_object_start(&json_out);
	jw_kv_uint(&json_out, "cell_id", st->cell.cell_id);
	jw_kv_uint(&json_out, "cgroup_id", st->cgid);
	jw_kv_uint(&json_out, "generation", st->cell.generation);
	jw_key(&json_out, "unenforced");
	jw_array_start(&json_out);
	if (st->unenforced & ISOLATE_UNENFORCED_CPU)
		jw_string(&json_out, "cpu");
	if (st->unenforced & ISOLATE_UNENFORCED_MEMORY)
		jw_string(&json_out, "memory");
	if (st->unenforced & ISOLATE_UNENFORCED_PIDS)
		jw_string(&json_out, "pids");
	jw_array_end(&json_out);
	jw_key(&json_out, "counters");
	jw_object_start(&json_out);
	jw_kv_uint(&json_out, "allowed", c->allowed);
	jw_kv_uint(&json_out, "denied", c->denied);
	jw_kv_uint(&json_out, "audited", c->audited);
	jw_key(&json_out, "fail_closed");
	jw_object_start(&json_out);
	for (int i = 0; i < ISOLATE_FAIL_MAX; i++)
		jw_kv_uint(&json_out, fail_names[i], c->fail_closed[i]);
	jw_object_end(&json_out);
	jw_kv_uint(&json_out, "requests_refused", c->requests_refused);
	jw_key(&json_out, "events_sent");
	class_counts(c->events_sent);
	jw_key(&json_out, "events_lost");
	class_counts(c->events_lost);
	jw_key(&json_out, "events_over_share");
	class_counts(c->events_over_share);
	jw_object_end(&json_out);
	jw_object_end(&json_out);
}

static void state_text(const struct isolate_cell_state *st)
{
	const struct isolate_cell_counters *c = &st->counters;

	printf("cell %s: id %u, cgroup %llu, generation %u, %s\n", st->name,
	       st->cell.cell_id, (unsigned long long)st->cgid, st->cell.generation,
	       st->cell.mode == ISOLATE_MODE_AUDIT ? "audit" : "enforce");
	printf("  allowed %llu, denied %llu, audited %llu, requests refused %llu, events lost %llu (over share %llu); fail-closed:",
	       (unsigned long long)c->allowed, (unsigned long long)c->denied,
	       (unsigned long long)c->audited, (unsigned long long)c->requests_refused,
	       (unsigned long long)total(c->events_lost),
	       (unsigned long long)total(c->events_over_share));
	for (int i = 0; i < ISOLATE_FAIL_MAX; i++)
		printf(" %s %llu", fail_names[i], (unsigned long long)c->fail_closed[i]);
	printf("\n");
	if (st->unenforced)
		printf("  NOT ENFORCED on this system:%s%s%s budget\n",
		       st->unenforced & ISOLATE_UNENFORCED_CPU ? " cpu" : "",
		       st->unenforced & ISOLATE_UNENFORCED_MEMORY ? " memory" : "",
		       st->unenforced & ISOLATE_UNENFORCED_PIDS ? " pids" : "");
}

static int binding_json(const struct isolate_path_binding *b, void *ctx)
{
	char at[PATH_MAX], to[PATH_MAX];

	jw_object_start(&json_out);
	jw_kv_string(&json_out, "path", b->path);
	jw_key(&json_out, "real");
	if (b->real)
		jw_string(&json_out, b->real);
	else
		jw_null(&json_out);
	jw_kv_uint(&json_out, "dev", b->dev);
	jw_kv_uint(&json_out, "ino", b->ino);
	jw_kv_bool(&json_out, "moved", b->moved);
	jw_kv_bool(&json_out, "superseded", b->superseded);
	jw_key(&json_out, "link");
	if (b->moved && bound_path_link(b->path, b->real, at, sizeof(at), to, sizeof(to))) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "at", at);
		jw_kv_string(&json_out, "to", to);
		jw_object_end(&json_out);
	} else {
		jw_null(&json_out);
	}
	jw_object_end(&json_out);
	return 0;
}

struct binding_counts {
	size_t bound, moved;
};

/* The link the cell may have put at b's path, where the path went through none when bound. */
static void link_text(const struct isolate_path_binding *b)
{
	char at[PATH_MAX], to[PATH_MAX];

	if (!bound_path_link(b->path, b->real, at, sizeof(at), to, sizeof(to)))
		return;
	/* Whoever made the link chose its text. */
	printf("    %s is a symbolic link now, to ", at);
	isolate_name_write_text(stdout, to, PATH_MAX);
	printf("\n");
}

/*
 * Text: only the paths that lead elsewhere now, and how many there are;
 * the objects a rebind left denies on besides.
 */
static int binding_text(const struct isolate_path_binding *b, void *ctx)
{
	struct binding_counts *n = ctx;

	if (b->superseded) {
		printf("  also denied: what %s was bound to before a rebind (dev %llu, ino %llu, then at ",
		       b->path, (unsigned long long)b->dev, (unsigned long long)b->ino);
		isolate_name_write_text(stdout, b->real, PATH_MAX);
		printf(")\n");
		return 0;
	}
	n->bound++;
	if (!b->moved)
		return 0;
	n->moved++;
	if (b->real) {
		/* real is the name the object had then: the cell may have chosen it. */
		printf("  moved: %s leads to another object now; its rules stay on the one bound (dev %llu, ino %llu, then at ",
		       b->path, (unsigned long long)b->dev, (unsigned long long)b->ino);
		isolate_name_write_text(stdout, b->real, PATH_MAX);
		printf(")\n");
		link_text(b);
	} else
		printf("  moved: %s exists now; it was missing when it was bound, and stays skipped\n",
		       b->path);
	return 0;
}

static void bindings_text(struct isolate *iso, const char *name)
{
	struct binding_counts n = { 0, 0 };

	if (isolate_cell_bindings(iso, name, binding_text, &n)) {
		p_info("cell %s: %s", name, isolate_last_error());
		return;
	}
	printf("  %zu paths bound, %zu lead elsewhere now\n", n.bound, n.moved);
	/* What is there now may be the cell's doing: a rebind trusts it. */
	if (n.moved)
		printf("  isolate-loader rebind %s binds them afresh, to whatever is at them now, following the links there whoever made them: their grants go where the links point (their denies stay on the objects bound too)\n",
		       name);
}

/*
 * JSON: {"cell": {name, mode, extends, capabilities}, "state": {...}}, the
 * first part the same for cells holding the same capabilities; with
 * SHOW_BINDINGS, "bindings": [{path, real, dev, ino, moved, superseded,
 * link}].
 */
void print_cell_state(struct isolate *iso, const struct isolate_cell_state *st,
		      unsigned int show)
{
	struct isolate_cell_policy *pol = NULL;
	char text[4400];

	if (show & SHOW_CAPS && isolate_cell_policy_get(iso, st->name, &pol))
		p_info("cell %s: %s", st->name, isolate_last_error());
	if (!json_output) {
		state_text(st);
		for (size_t i = 0; pol && i < isolate_cell_policy_cap_count(pol); i++) {
			isolate_cap_format(isolate_cell_policy_cap(pol, i), text, sizeof(text));
			printf("  %s\n", text);
		}
		if (show & SHOW_BINDINGS)
			bindings_text(iso, st->name);
		isolate_cell_policy_free(pol);
		return;
	}
	jw_object_start(&json_out);
	if (pol) {
		struct embed e;
		FILE *f = embed_begin(&e);

		jw_key(&json_out, "cell");
		embed_end(&e, f ? isolate_cell_policy_write_json(pol, f, false) : -ENOMEM);
	} else {
		jw_kv_string(&json_out, "name", st->name);
	}
	jw_key(&json_out, "state");
	state_json(st);
	if (show & SHOW_BINDINGS) {
		jw_key(&json_out, "bindings");
		jw_array_start(&json_out);
		if (isolate_cell_bindings(iso, st->name, binding_json, NULL))
			p_info("cell %s: %s", st->name, isolate_last_error());
		jw_array_end(&json_out);
	}
	jw_object_end(&json_out);
	if (json_out.depth == 0)
		jw_finish(&json_out);
	isolate_cell_policy_free(pol);
}

void for_each_cell(struct isolate *iso, bool with_caps)
{
	struct isolate_cell_state *cells;
	size_t n;

	if (isolate_cells_list(iso, &cells, &n))
		return;
	for (size_t i = 0; i < n; i++)
		print_cell_state(iso, &cells[i], with_caps ? SHOW_CAPS : 0);
	free(cells);
}
