/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The document form as canonical YAML: keys in a fixed order, lists sorted
 * and without repeats, one spelling per value. Parsing the output and
 * emitting again gives the same bytes (`isolate-loader policy fmt`).
 *
 * Written here rather than through libyaml's emitter: every live change
 * writes its cell's whole kept policy, and libyaml spends thousands of
 * instructions on each scalar. The output is a small fixed part of YAML
 * (block mappings and sequences indented by two, flow mappings for
 * entries of several fields), and a string is written plain only where
 * every YAML reader reads it back as that same string; libyaml reads it
 * back in the tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"
#include "names.h"
#include "net_addr.h"
#include "units.h"
#include "common/utf8.h"

struct emitter {
	char *data;
	size_t len, alloc;
	int err;
};

static void put(struct emitter *e, const char *s, size_t n)
{
	if (e->err)
		return;
	if (e->len + n + 1 > e->alloc) {
		size_t want = (e->len + n + 1) * 2 + 4096;
		char *grown = realloc(e->data, want);

		if (!grown) {
			e->err = -ENOMEM;
			return;
		}
		e->data = grown;
		e->alloc = want;
	}
	memcpy(e->data + e->len, s, n);
	e->len += n;
	e->data[e->len] = '\0';
}

static void text(struct emitter *e, const char *s)
{
	put(e, s, strlen(s));
}

/* The deepest line: a list under deny, limits or unix, in a cell. */
#define MAX_DEPTH 3

static void indent(struct emitter *e, int depth)
{
	static const char spaces[2 * MAX_DEPTH + 1] = "      ";

	if (depth > MAX_DEPTH) {
		e->err = e->err ?: -EINVAL;
		return;
	}
	put(e, spaces, (size_t)depth * 2);
}

/*
 * A string YAML 1.1 would read as something else (null, a boolean, a
 * number, infinity or not-a-number) is quoted, so that any YAML reader
 * gets a string back.
 */
static bool reads_as_non_string(const char *s)
{
	static const char *const words[] = {
		"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
		".inf", "-.inf", "+.inf", ".nan",
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

/*
 * Of the valid UTF-8 character at p, n bytes long: whether YAML may carry
 * it unescaped. Not the C0 and C1 controls, DEL, the line breaks NEL, LS
 * and PS, the byte order mark, or U+FFFE and U+FFFF.
 */
static bool printable(const unsigned char *p, size_t n)
{
	if (n == 1)
		return p[0] >= 0x20 && p[0] != 0x7f;
	if (n == 2)
		return p[0] != 0xc2 || p[1] >= 0xa0;
	if (n == 3)
		return !(p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) &&
		       !(p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) &&
		       !(p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe);
	return true;
}

enum style { PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED };

/*
 * What a byte means to style_of(); most bytes of a path are ORDINARY. '?'
 * is FLOW: YAML 1.1 readers (PyYAML) end a plain scalar at it inside a
 * flow collection, where entries of several fields are written.
 */
enum char_class { ORDINARY, END, FLOW, HASH, SPACE, CONTROL, MULTIBYTE };

static const unsigned char char_class[256] = {
	[0] = END,
	[1 ... 0x1f] = CONTROL,
	[' '] = SPACE,
	['#'] = HASH,
	[':'] = FLOW, [','] = FLOW, ['['] = FLOW, [']'] = FLOW, ['{'] = FLOW, ['}'] = FLOW,
	['?'] = FLOW,
	[0x7f] = CONTROL,
	[0x80 ... 0xff] = MULTIBYTE,
};

/*
 * Plain only when no YAML reader can take it for anything else: no
 * indicator first, no ':' or '?', no flow indicator, no comment, no space at
 * either end. Else single-quoted when every character is printable, else
 * double-quoted with escapes. -EINVAL for text that is not UTF-8.
 */
static int style_of(const char *s, enum style *style, size_t *len)
{
	const unsigned char *first = (const unsigned char *)s, *p = first;
	bool plain = *p && !strchr(" -?:,[]{}#&*!|>'\"%@`", *p) && !reads_as_non_string(s);
	bool quotable = true;

	for (;; p++) {
		size_t n;

		while (char_class[*p] == ORDINARY)
			p++;
		switch (char_class[*p]) {
		case END:
			*style = !quotable ? DOUBLE_QUOTED : plain ? PLAIN : SINGLE_QUOTED;
			*len = (size_t)(p - first);
			return 0;
		case FLOW:
			plain = false;
			break;
		case HASH:
			/* Not read when first: plain is false from the start then. */
			plain = plain && p[-1] != ' ';
			break;
		case SPACE:
			plain = plain && p[1] != '\0';
			break;
		case CONTROL:
			quotable = false;
			break;
		default:
			n = utf8_char_len(p);
			if (!n)
				return -EINVAL;
			quotable &= printable(p, n);
			p += n - 1;
		}
	}
}

static void single_quoted(struct emitter *e, const char *s)
{
	put(e, "'", 1);
	for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
		put(e, s, (size_t)(q - s));
		put(e, "''", 2);
	}
	text(e, s);
	put(e, "'", 1);
}

static void double_quoted(struct emitter *e, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	put(e, "\"", 1);
	for (size_t n; *p; p += n) {
		char esc[8] = { '\\' };
		unsigned int cp = 0;

		n = utf8_char_len(p);
		if (printable(p, n) && *p != '"' && *p != '\\') {
			put(e, (const char *)p, n);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			cp = cp << 6 | (i ? p[i] & 0x3fu : p[0] & (0xffu >> (n == 1 ? 0 : n + 1)));
		if (cp == '"' || cp == '\\') {
			esc[1] = (char)cp;
			put(e, esc, 2);
		} else if (cp < 0x100) {
			esc[1] = 'x';
			esc[2] = hex[cp >> 4];
			esc[3] = hex[cp & 15];
			put(e, esc, 4);
		} else {
			esc[1] = 'u';
			for (int i = 0; i < 4; i++)
				esc[2 + i] = hex[(cp >> (12 - 4 * i)) & 15];
			put(e, esc, 6);
		}
	}
	put(e, "\"", 1);
}

/* Text chosen by the user: quoted when it could be mistaken. */
static void string(struct emitter *e, const char *s)
{
	enum style style;
	size_t len;
	int err = style_of(s, &style, &len);

	if (err) {
		e->err = e->err ?: err;
		return;
	}
	if (style == PLAIN)
		put(e, s, len);
	else if (style == SINGLE_QUOTED)
		single_quoted(e, s);
	else
		double_quoted(e, s);
}

/* "key:" at depth, the line left open for a value. */
static void key(struct emitter *e, int depth, const char *k)
{
	indent(e, depth);
	text(e, k);
	put(e, ":", 1);
}

/* "key: value" of words we spell ourselves: numbers, sizes, keywords. */
static void word_line(struct emitter *e, int depth, const char *k, const char *value)
{
	key(e, depth, k);
	put(e, " ", 1);
	text(e, value);
	put(e, "\n", 1);
}

static void item(struct emitter *e, int depth)
{
	indent(e, depth);
	put(e, "- ", 2);
}

static void path_entry(struct emitter *e, const struct isolate_cap *cap)
{
	if (!(cap->flags & ISOLATE_CAP_OPTIONAL)) {
		string(e, cap->u.path);
		return;
	}
	text(e, "{path: ");
	string(e, cap->u.path);
	text(e, ", optional: true}");
}

static void net_entry(struct emitter *e, const struct isolate_cap *cap)
{
	char buf[64];

	text(e, "{protocol: ");
	text(e, net_proto_name(cap->u.net.proto));
	text(e, ", address: ");
	net_addr_format(&cap->u.net, false, buf, sizeof(buf));
	/* An IPv6 address quoted for its ':', an IPv4 one plain like a number. */
	if (strchr(buf, ':'))
		single_quoted(e, buf);
	else
		text(e, buf);
	text(e, ", port: ");
	net_ports_format(cap->u.net.port_min, cap->u.net.port_max, buf, sizeof(buf));
	text(e, buf);
	put(e, "}", 1);
}

#define N_KINDS (ISOLATE_CAP_SOCKET + 1)

/* Which kinds a cell's capabilities hold, as allowed (1) and denied (2). */
struct kinds_held {
	unsigned char kind[N_KINDS];
	unsigned char unix_rights;	/* bit (1 << right) */
};

static bool held(const struct kinds_held *h, enum isolate_cap_kind kind, unsigned int deny)
{
	return (unsigned int)kind < N_KINDS && h->kind[kind] & (deny ? 2 : 1);
}

static void kinds_held(const struct isolate_cap *caps, size_t n, struct kinds_held *h)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < n; i++) {
		if ((unsigned int)caps[i].kind < N_KINDS)
			h->kind[caps[i].kind] |= caps[i].flags & ISOLATE_CAP_DENY ? 2 : 1;
		if (caps[i].kind == ISOLATE_CAP_UNIX && caps[i].u.abstract.right < 8)
			h->unix_rights |= 1u << caps[i].u.abstract.right;
	}
}

/* "read:" and its list, the like for the others; nothing when empty. */
static void cap_list(struct emitter *e, int depth, const struct isolate_cap *caps, size_t n,
		     const struct kinds_held *h, enum isolate_cap_kind kind, unsigned int deny)
{
	if (!held(h, kind, deny))
		return;
	key(e, depth, isolate_cap_kind_name(kind));
	put(e, "\n", 1);
	for (size_t i = 0; i < n; i++) {
		if (caps[i].kind != kind || (caps[i].flags & ISOLATE_CAP_DENY) != deny)
			continue;
		item(e, depth);
		if (cap_is_path(kind))
			path_entry(e, &caps[i]);
		else if (cap_is_net(kind))
			net_entry(e, &caps[i]);
		else
			text(e, isolate_broker_right_name((__u32)caps[i].u.value));
		put(e, "\n", 1);
	}
}

static void limits(struct emitter *e, int depth, const struct isolate_cap *caps, size_t n,
		   const struct kinds_held *h)
{
	char buf[32];

	if (!held(h, ISOLATE_CAP_CPU, 0) && !held(h, ISOLATE_CAP_MEMORY, 0) &&
	    !held(h, ISOLATE_CAP_PIDS, 0))
		return;
	key(e, depth, "limits");
	put(e, "\n", 1);
	for (size_t i = 0; i < n; i++) {
		switch (caps[i].kind) {
		case ISOLATE_CAP_CPU:
			key(e, depth + 1, "cpu");
			snprintf(buf, sizeof(buf), " {quota_us: %llu", caps[i].u.cpu.quota_us);
			text(e, buf);
			snprintf(buf, sizeof(buf), ", period_us: %llu}\n", caps[i].u.cpu.period_us);
			text(e, buf);
			break;
		case ISOLATE_CAP_MEMORY:
			size_format(caps[i].u.value, buf, sizeof(buf));
			word_line(e, depth + 1, "memory", buf);
			break;
		case ISOLATE_CAP_PIDS:
			snprintf(buf, sizeof(buf), "%llu", caps[i].u.value);
			word_line(e, depth + 1, "pids", buf);
			break;
		default:
			break;
		}
	}
}

/* "namespaces:" and the other word lists; nothing when empty. */
static void words(struct emitter *e, int depth, const struct isolate_cap *caps, size_t n,
		  const struct kinds_held *h, const struct word_kind *w)
{
	if (!held(h, w->kind, 0))
		return;
	key(e, depth, w->key);
	put(e, "\n", 1);
	for (size_t i = 0; i < n; i++) {
		if (caps[i].kind != w->kind)
			continue;
		item(e, depth);
		text(e, word_name(w, caps[i].u.value));
		put(e, "\n", 1);
	}
}

/* "unix:" with its "connect:" and "bind:" lists; nothing when empty. */
static void unix_names(struct emitter *e, int depth, const struct isolate_cap *caps, size_t n,
		       const struct kinds_held *h)
{
	if (!held(h, ISOLATE_CAP_UNIX, 0))
		return;
	key(e, depth, "unix");
	put(e, "\n", 1);
	for (__u32 right = ISOLATE_NET_CONNECT; right <= ISOLATE_NET_BIND; right++) {
		if (!(h->unix_rights & 1u << right))
			continue;
		key(e, depth + 1, unix_right_name(right));
		put(e, "\n", 1);
		for (size_t i = 0; i < n; i++) {
			if (caps[i].kind != ISOLATE_CAP_UNIX || caps[i].u.abstract.right != right)
				continue;
			item(e, depth + 1);
			string(e, caps[i].u.abstract.name);
			put(e, "\n", 1);
		}
	}
}

static const enum isolate_cap_kind listed_kinds[] = {
	ISOLATE_CAP_READ, ISOLATE_CAP_WRITE, ISOLATE_CAP_EXEC,
	ISOLATE_CAP_CONNECT, ISOLATE_CAP_BIND,
};
#define N_LISTED (sizeof(listed_kinds) / sizeof(listed_kinds[0]))

/* The cell named name, as "name:" at depth and its keys below. */
static void cell(struct emitter *e, int depth, const char *name,
		 const struct isolate_cell_policy *c)
{
	const char **extends = NULL;
	struct isolate_cap *caps = NULL;
	struct kinds_held h;
	bool any_deny = false;
	size_t n, n_extends;

	if (cell_sorted_caps(c, &caps, &n) ||
	    named_refs_sorted(c->extends, c->n_extends, &extends, &n_extends)) {
		e->err = -ENOMEM;
		goto out;
	}
	kinds_held(caps, n, &h);
	indent(e, depth);
	string(e, name);
	put(e, ":\n", 2);
	depth++;
	word_line(e, depth, "mode", mode_name(c->mode));
	if (n_extends) {
		key(e, depth, "extends");
		put(e, "\n", 1);
		for (size_t i = 0; i < n_extends; i++) {
			item(e, depth);
			string(e, extends[i]);
			put(e, "\n", 1);
		}
	}
	for (size_t k = 0; k < N_LISTED; k++) {
		cap_list(e, depth, caps, n, &h, listed_kinds[k], 0);
		any_deny |= held(&h, listed_kinds[k], ISOLATE_CAP_DENY);
	}
	if (any_deny) {
		key(e, depth, "deny");
		put(e, "\n", 1);
		for (size_t k = 0; k < N_LISTED; k++)
			cap_list(e, depth + 1, caps, n, &h, listed_kinds[k], ISOLATE_CAP_DENY);
	}
	limits(e, depth, caps, n, &h);
	cap_list(e, depth, caps, n, &h, ISOLATE_CAP_BROKER, 0);
	for (const struct word_kind *w = word_kinds; w->key; w++)
		words(e, depth, caps, n, &h, w);
	unix_names(e, depth, caps, n, &h);
out:
	free(caps);
	free(extends);
}

/* p's document; without p, one of cell only, named only_name. */
static void document(struct emitter *e, const struct isolate_policy *p,
		     const struct isolate_cell_policy *only, const char *only_name)
{
	const char **includes = NULL;
	size_t n = 0;

	if (p && named_refs_sorted(p->includes, p->n_includes, &includes, &n)) {
		e->err = -ENOMEM;
		return;
	}
	word_line(e, 0, "version", "1");
	if (n) {
		key(e, 0, "include");
		put(e, "\n", 1);
		for (size_t i = 0; i < n; i++) {
			item(e, 0);
			string(e, includes[i]);
			put(e, "\n", 1);
		}
	}
	if (!only && !(p && p->n_cells))
		text(e, "cells: {}\n");
	else
		text(e, "cells:\n");
	for (size_t i = 0; p && i < p->n_cells; i++)
		cell(e, 1, p->cells[i]->name, p->cells[i]);
	if (only)
		cell(e, 1, only_name, only);
	free(includes);
}

static int emit_text(const struct isolate_policy *p, const struct isolate_cell_policy *only,
		     const char *only_name, char **out, size_t *len)
{
	struct emitter e = { 0 };

	*out = NULL;
	document(&e, p, only, only_name);
	if (e.err) {
		free(e.data);
		return e.err;
	}
	*out = e.data;
	if (len)
		*len = e.len;
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
