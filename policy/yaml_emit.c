/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The document form as canonical YAML: keys in a fixed order, lists sorted
 * and without repeats, one spelling per value. Parsing the output and
 * emitting again gives the same bytes (`isolate-loader policy fmt`).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "model.h"
#include "names.h"
#include "net_addr.h"
#include "units.h"

struct out_buf {
	char *data;
	size_t len, alloc;
};

struct emitter {
	yaml_emitter_t y;
	struct out_buf out;
	int err;
};

static int write_out(void *data, unsigned char *bytes, size_t size)
{
	struct out_buf *o = data;

	if (o->len + size + 1 > o->alloc) {
		size_t n = (o->len + size + 1) * 2;
		char *grown = realloc(o->data, n);

		if (!grown)
			return 0;
		o->data = grown;
		o->alloc = n;
	}
	memcpy(o->data + o->len, bytes, size);
	o->len += size;
	o->data[o->len] = '\0';
	return 1;
}

/* ok: whether the event was initialized. After a failure, nothing more is written. */
static void emit(struct emitter *e, yaml_event_t *ev, int ok)
{
	if (!ok) {
		e->err = e->err ?: -ENOMEM;
		return;
	}
	if (e->err) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&e->y, ev))
		e->err = e->y.error == YAML_EMITTER_ERROR ? -EINVAL : -ENOMEM;
}

/*
 * A string YAML 1.1 would read as something else (null, a boolean, a
 * number) is quoted, so that any YAML reader gets a string back.
 */
static bool reads_as_non_string(const char *s)
{
	static const char *const words[] = {
		"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
	};

	/* Every path: a policy's thousands of them skip the words. */
	if (*s == '/')
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return true;
	if (*s == '-' || *s == '+' || *s == '.')
		s++;
	return *s >= '0' && *s <= '9';
}

static void scalar(struct emitter *e, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
						  (int)strlen(text), 1, 1, style));
}

/* Text chosen by the user: quoted when it could be mistaken. */
static void string(struct emitter *e, const char *text)
{
	scalar(e, text, reads_as_non_string(text) ? YAML_SINGLE_QUOTED_SCALAR_STYLE :
		     YAML_ANY_SCALAR_STYLE);
}

/* Text we spell ourselves: numbers, sizes, ports, keywords. */
static void plain(struct emitter *e, const char *text)
{
	scalar(e, text, YAML_PLAIN_SCALAR_STYLE);
}

static void uint_value(struct emitter *e, __u64 v)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", v);
	plain(e, text);
}

static void map_start(struct emitter *e, bool flow)
{
	yaml_event_t ev;

	emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
			 flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct emitter *e)
{
	yaml_event_t ev;

	emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void seq_start(struct emitter *e)
{
	yaml_event_t ev;

	emit(e, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							  YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct emitter *e)
{
	yaml_event_t ev;

	emit(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void path_entry(struct emitter *e, const struct isolate_cap *cap)
{
	if (!(cap->flags & ISOLATE_CAP_OPTIONAL)) {
		string(e, cap->u.path);
		return;
	}
	map_start(e, true);
	plain(e, "path");
	string(e, cap->u.path);
	plain(e, "optional");
	plain(e, "true");
	map_end(e);
}

static void net_entry(struct emitter *e, const struct isolate_cap *cap)
{
	char text[64];

	map_start(e, true);
	plain(e, "protocol");
	plain(e, net_proto_name(cap->u.net.proto));
	plain(e, "address");
	net_addr_format(&cap->u.net, false, text, sizeof(text));
	scalar(e, text, YAML_ANY_SCALAR_STYLE);
	plain(e, "port");
	net_ports_format(cap->u.net.port_min, cap->u.net.port_max, text, sizeof(text));
	plain(e, text);
	map_end(e);
}

static bool has(const struct isolate_cap *caps, size_t n, enum isolate_cap_kind kind,
		unsigned int deny)
{
	for (size_t i = 0; i < n; i++)
		if (caps[i].kind == kind && (caps[i].flags & ISOLATE_CAP_DENY) == deny)
			return true;
	return false;
}

/* "read: [...]" and the like, omitted when empty. */
static void cap_list(struct emitter *e, const struct isolate_cap *caps, size_t n,
		     enum isolate_cap_kind kind, unsigned int deny)
{
	if (!has(caps, n, kind, deny))
		return;
	plain(e, isolate_cap_kind_name(kind));
	seq_start(e);
	for (size_t i = 0; i < n; i++) {
		if (caps[i].kind != kind || (caps[i].flags & ISOLATE_CAP_DENY) != deny)
			continue;
		if (cap_is_path(kind))
			path_entry(e, &caps[i]);
		else if (cap_is_net(kind))
			net_entry(e, &caps[i]);
		else
			plain(e, isolate_broker_right_name((__u32)caps[i].u.value));
	}
	seq_end(e);
}

static void limits(struct emitter *e, const struct isolate_cap *caps, size_t n)
{
	char text[32];

	if (!has(caps, n, ISOLATE_CAP_CPU, 0) && !has(caps, n, ISOLATE_CAP_MEMORY, 0) &&
	    !has(caps, n, ISOLATE_CAP_PIDS, 0))
		return;
	plain(e, "limits");
	map_start(e, false);
	for (size_t i = 0; i < n; i++) {
		switch (caps[i].kind) {
		case ISOLATE_CAP_CPU:
			plain(e, "cpu");
			map_start(e, true);
			plain(e, "quota_us");
			uint_value(e, caps[i].u.cpu.quota_us);
			plain(e, "period_us");
			uint_value(e, caps[i].u.cpu.period_us);
			map_end(e);
			break;
		case ISOLATE_CAP_MEMORY:
			plain(e, "memory");
			size_format(caps[i].u.value, text, sizeof(text));
			plain(e, text);
			break;
		case ISOLATE_CAP_PIDS:
			plain(e, "pids");
			uint_value(e, caps[i].u.value);
			break;
		default:
			break;
		}
	}
	map_end(e);
}

/* "namespaces: [user, mount]" and the other word lists; omitted when empty. */
static void words(struct emitter *e, const struct isolate_cap *caps, size_t n,
		  const struct word_kind *w)
{
	if (!has(caps, n, w->kind, 0))
		return;
	plain(e, w->key);
	seq_start(e);
	for (size_t i = 0; i < n; i++)
		if (caps[i].kind == w->kind)
			plain(e, word_name(w, caps[i].u.value));
	seq_end(e);
}

static bool has_unix(const struct isolate_cap *caps, size_t n, __u32 right)
{
	for (size_t i = 0; i < n; i++)
		if (caps[i].kind == ISOLATE_CAP_UNIX && caps[i].u.abstract.right == right)
			return true;
	return false;
}

/* "unix: {connect: [...], bind: [...]}", omitted when empty. */
static void unix_names(struct emitter *e, const struct isolate_cap *caps, size_t n)
{
	if (!has(caps, n, ISOLATE_CAP_UNIX, 0))
		return;
	plain(e, "unix");
	map_start(e, false);
	for (__u32 right = ISOLATE_NET_CONNECT; right <= ISOLATE_NET_BIND; right++) {
		if (!has_unix(caps, n, right))
			continue;
		plain(e, unix_right_name(right));
		seq_start(e);
		for (size_t i = 0; i < n; i++)
			if (caps[i].kind == ISOLATE_CAP_UNIX && caps[i].u.abstract.right == right)
				string(e, caps[i].u.abstract.name);
		seq_end(e);
	}
	map_end(e);
}

static const enum isolate_cap_kind listed_kinds[] = {
	ISOLATE_CAP_READ, ISOLATE_CAP_WRITE, ISOLATE_CAP_EXEC,
	ISOLATE_CAP_CONNECT, ISOLATE_CAP_BIND,
};
#define N_LISTED (sizeof(listed_kinds) / sizeof(listed_kinds[0]))

static void cell_body(struct emitter *e, const struct isolate_cell_policy *c)
{
	const char **extends = NULL;
	struct isolate_cap *caps = NULL;
	size_t n, n_extends;
	bool any_deny = false;

	if (cell_sorted_caps(c, &caps, &n) ||
	    named_refs_sorted(c->extends, c->n_extends, &extends, &n_extends)) {
		e->err = -ENOMEM;
		goto out;
	}
	map_start(e, false);
	plain(e, "mode");
	plain(e, mode_name(c->mode));
	if (n_extends) {
		plain(e, "extends");
		seq_start(e);
		for (size_t i = 0; i < n_extends; i++)
			string(e, extends[i]);
		seq_end(e);
	}
	for (size_t k = 0; k < N_LISTED; k++) {
		cap_list(e, caps, n, listed_kinds[k], 0);
		any_deny |= has(caps, n, listed_kinds[k], ISOLATE_CAP_DENY);
	}
	if (any_deny) {
		plain(e, "deny");
		map_start(e, false);
		for (size_t k = 0; k < N_LISTED; k++)
			cap_list(e, caps, n, listed_kinds[k], ISOLATE_CAP_DENY);
		map_end(e);
	}
	limits(e, caps, n);
	cap_list(e, caps, n, ISOLATE_CAP_BROKER, 0);
	for (const struct word_kind *w = word_kinds; w->key; w++)
		words(e, caps, n, w);
	unix_names(e, caps, n);
	map_end(e);
out:
	free(caps);
	free(extends);
}

/* p's document; without p, one of cell only, named only_name. */
static void document(struct emitter *e, const struct isolate_policy *p,
		     const struct isolate_cell_policy *only, const char *only_name)
{
	const char **includes = NULL;
	yaml_event_t ev;
	size_t n = 0;

	if (p && named_refs_sorted(p->includes, p->n_includes, &includes, &n)) {
		e->err = -ENOMEM;
		return;
	}
	emit(e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	map_start(e, false);
	plain(e, "version");
	plain(e, "1");
	if (n) {
		plain(e, "include");
		seq_start(e);
		for (size_t i = 0; i < n; i++)
			string(e, includes[i]);
		seq_end(e);
	}
	plain(e, "cells");
	map_start(e, false);
	for (size_t i = 0; p && i < p->n_cells; i++) {
		string(e, p->cells[i]->name);
		cell_body(e, p->cells[i]);
	}
	if (only) {
		string(e, only_name);
		cell_body(e, only);
	}
	map_end(e);
	map_end(e);
	emit(e, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(e, &ev, yaml_stream_end_event_initialize(&ev));
	free(includes);
}

static int emit_text(const struct isolate_policy *p, const struct isolate_cell_policy *only,
		     const char *only_name, char **out, size_t *len)
{
	struct emitter e = { 0 };

	*out = NULL;
	if (!yaml_emitter_initialize(&e.y))
		return -ENOMEM;
	yaml_emitter_set_output(&e.y, write_out, &e.out);
	yaml_emitter_set_unicode(&e.y, 1);
	yaml_emitter_set_width(&e.y, -1);
	yaml_emitter_set_indent(&e.y, 2);
	document(&e, p, only, only_name);
	yaml_emitter_delete(&e.y);
	if (e.err) {
		free(e.out.data);
		return e.err;
	}
	*out = e.out.data;
	if (len)
		*len = e.out.len;
	return 0;
}

int isolate_policy_emit(const struct isolate_policy *p, char **out, size_t *len)
{
	return emit_text(p, NULL, NULL, out, len);
}

int policy_emit_cell(const struct isolate_cell_policy *c, const char *name, char **out,
		     size_t *len)
{
	return emit_text(NULL, c, name, out, len);
}
