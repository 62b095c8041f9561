/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The objects the paths of a live cell are bound to (policy_binding in
 * model.h): found by the path as written, one binding per path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "sort.h"

/* Where a binding sorts: the policy's paths, their superseded objects, the linked files. */
static int rank(const struct policy_binding *b)
{
	return b->linked ? 2 : b->superseded ? 1 : 0;
}

static int object_cmp(const struct policy_binding *x, const struct policy_binding *y)
{
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/*
 * The policy's paths by path, the superseded objects by path and object,
 * the linked files by object and path.
 */
static int binding_cmp(const void *a, const void *b)
{
	const struct policy_binding *x = a, *y = b;
	int c = rank(x) - rank(y);

	if (!c && x->linked)
		c = object_cmp(x, y);
	if (!c)
		c = strcmp(x->path, y->path);
	if (!c && x->superseded)
		c = object_cmp(x, y);
	return c;
}

/*
 * Bindings the array keeps one of: of the same path, of the same object
 * superseded at the same path, or of the same linked file.
 */
static bool same_entry(const struct policy_binding *x, const struct policy_binding *y)
{
	if (rank(x) != rank(y))
		return false;
	if (x->linked)
		return !object_cmp(x, y);
	return !strcmp(x->path, y->path) && (!x->superseded || !object_cmp(x, y));
}

const struct policy_binding *policy_binding_find(const struct policy_binding *b, size_t n,
						 const char *path)
{
	struct policy_binding key = { .path = (char *)path };

	return n ? bsearch(&key, b, n, sizeof(key), binding_cmp) : NULL;
}

const struct policy_binding *policy_bindings_superseded(const struct policy_binding *b, size_t n,
							const char *path, size_t *count)
{
	/* Before any object superseded at path: no device and inode sort lower. */
	struct policy_binding key = { .path = (char *)path, .superseded = true };
	size_t lo = 0, hi = n, first;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (binding_cmp(&b[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < n && b[lo].superseded && !strcmp(b[lo].path, path))
		lo++;
	*count = lo - first;
	return b + first;
}

struct policy_binding *policy_bindings_for_rebind(const struct policy_binding *b, size_t n,
						  size_t *n_out)
{
	struct policy_binding *out = malloc((n ? n : 1) * sizeof(*out));
	size_t used = 0, kept = 0;

	if (!out)
		return NULL;
	/* An optional path that did not exist was bound to nothing: nothing to keep. */
	for (size_t i = 0; i < n; i++) {
		if (!b[i].real && !b[i].linked)
			continue;
		out[used] = b[i];
		out[used++].superseded = !b[i].linked;
	}
	sort_mostly_sorted(out, used, sizeof(*out), binding_cmp);
	/* Superseded by an earlier rebind and bound to again since: once. */
	for (size_t i = 0; i < used; i++)
		if (!kept || !same_entry(&out[kept - 1], &out[i]))
			out[kept++] = out[i];
	*n_out = kept;
	return out;
}

struct policy_binding *policy_bindings_with(const struct policy_binding *b, size_t n,
					    const struct policy_binding *extra, size_t *n_out)
{
	struct policy_binding *out = malloc((n + 1) * sizeof(*out));
	size_t at = 0, same;

	if (!out)
		return NULL;
	while (at < n && binding_cmp(&b[at], extra) < 0)
		at++;
	same = at < n && same_entry(&b[at], extra);
	if (at)
		memcpy(out, b, at * sizeof(*out));
	out[at] = *extra;
	if (n - at - same)
		memcpy(out + at + 1, b + at + same, (n - at - same) * sizeof(*out));
	*n_out = n + 1 - same;
	return out;
}

void policy_bindings_free(struct policy_binding *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++) {
		free(b[i].path);
		free(b[i].real);
	}
	free(b);
}

/*
 * Sorts b and keeps one binding of each path; of a path bound twice in
 * one compile (missing for an optional rule, found for another), the
 * object. Of a linked file found at several paths, the first in order.
 * Returns the new count.
 */
size_t policy_bindings_sort(struct policy_binding *b, size_t n)
{
	size_t kept = 0;

	sort_mostly_sorted(b, n, sizeof(*b), binding_cmp);
	for (size_t i = 0; i < n; i++) {
		if (kept && same_entry(&b[kept - 1], &b[i])) {
			struct policy_binding *prev = &b[kept - 1];

			if (!prev->real && b[i].real) {
				struct policy_binding t = *prev;

				*prev = b[i];
				b[i] = t;
			}
			free(b[i].path);
			free(b[i].real);
			continue;
		}
		b[kept++] = b[i];
	}
	return kept;
}

/*
 * The text form, one line per binding: "DEV INO MODE PATH REAL" (numbers
 * in hex; REAL "-" when the path did not exist, "=" for a linked file,
 * "^" before it for a superseded object), after a line naming the format.
 * Paths are written with every byte outside '!'..'~' and '%' as %XX, so
 * that a line is always one line and a field one word. Version 1 had no
 * linked files, version 2 no superseded objects: it is still written when
 * there are none, so that an earlier libisolate reads it.
 */
#define BINDINGS_HEADER "isolate-bindings 3\n"
#define BINDINGS_HEADER_2 "isolate-bindings 2\n"
#define BINDINGS_HEADER_1 "isolate-bindings 1\n"

static int grow(char **buf, size_t *cap, size_t need)
{
	char *grown;
	size_t n = *cap ? *cap : 4096;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	grown = realloc(*buf, n);
	if (!grown)
		return -ENOMEM;
	*buf = grown;
	*cap = n;
	return 0;
}

static const char hex[] = "0123456789ABCDEF";

/* v in upper-case hex and a space. */
static size_t put_number(char *out, unsigned long long v)
{
	char digits[16];
	size_t n = 0, len = 0;

	do {
		digits[len++] = hex[v & 15];
		v >>= 4;
	} while (v);
	while (len)
		out[n++] = digits[--len];
	out[n++] = ' ';
	return n;
}

/* The bytes written as they are in a path field: '!'..'~' but '%'. */
static const bool plain_byte[256] = {
	['!' ... '$'] = true, ['&' ... '~'] = true,
};

/* path, len bytes and NUL-terminated, as a field. */
static size_t put_path(char *out, const char *path, size_t len)
{
	const unsigned char *p = (const unsigned char *)path, *end = p + len;
	size_t n = 0;

	for (;;) {
		const unsigned char *run = p;

		/* The NUL at the end is not plain: it stops the run. */
		while (plain_byte[*run])
			run++;
		memcpy(out + n, p, (size_t)(run - p));
		n += (size_t)(run - p);
		if (run == end)
			return n;
		out[n++] = '%';
		out[n++] = hex[*run >> 4];
		out[n++] = hex[*run & 15];
		p = run + 1;
	}
}

int policy_bindings_format(const struct policy_binding *b, size_t n, char **text, size_t *len)
{
	size_t cap = 0, used = strlen(BINDINGS_HEADER);
	const char *header = BINDINGS_HEADER_2;
	char *buf = NULL;

	for (size_t i = 0; i < n; i++)
		if (b[i].superseded)
			header = BINDINGS_HEADER;
	if (grow(&buf, &cap, used + 1))
		return -ENOMEM;
	memcpy(buf, header, used);
	for (size_t i = 0; i < n; i++) {
		size_t path_len = strlen(b[i].path), real_len = b[i].real ? strlen(b[i].real) : 0;

		if (grow(&buf, &cap, used + 3 * (path_len + real_len) + 80)) {
			free(buf);
			return -ENOMEM;
		}
		used += put_number(buf + used, (unsigned long long)b[i].dev);
		used += put_number(buf + used, (unsigned long long)b[i].ino);
		used += put_number(buf + used, (unsigned long long)b[i].mode);
		used += put_path(buf + used, b[i].path, path_len);
		buf[used++] = ' ';
		if (b[i].superseded)
			buf[used++] = '^';
		if (b[i].linked)
			buf[used++] = '=';
		else if (b[i].real)
			used += put_path(buf + used, b[i].real, real_len);
		else
			buf[used++] = '-';
		buf[used++] = '\n';
	}
	buf[used] = '\0';
	*text = buf;
	*len = used;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The word at *p (to the next space or newline), decoded; NULL if malformed. */
static char *get_path(const char **p, const char *end)
{
	const char *s = *p;
	size_t len = 0;
	char *out;

	while (s + len < end && s[len] != ' ' && s[len] != '\n')
		len++;
	if (!len || len >= 3 * 4096 || !(out = malloc(len + 1)))
		return NULL;
	for (size_t i = 0, o = 0;; ) {
		if (i == len) {
			out[o] = '\0';
			break;
		}
		if (s[i] != '%') {
			out[o++] = s[i++];
			continue;
		}
		if (i + 2 >= len || hex_digit(s[i + 1]) < 0 || hex_digit(s[i + 2]) < 0 ||
		    !(hex_digit(s[i + 1]) | hex_digit(s[i + 2]))) {
			free(out);
			return NULL;
		}
		out[o++] = (char)(hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]));
		i += 3;
	}
	*p = s + len;
	return out;
}

static bool get_number(const char **p, const char *end, unsigned long long *v)
{
	const char *s = *p;
	int d;

	*v = 0;
	if (s >= end || hex_digit(*s) < 0)
		return false;
	for (; s < end && (d = hex_digit(*s)) >= 0; s++) {
		if (*v >> 60)
			return false;
		*v = *v << 4 | (unsigned long long)d;
	}
	if (s >= end || *s != ' ')
		return false;
	*p = s + 1;
	return true;
}

/*
 * One line at *p into out; false when it is not one written by the format
 * (superseded: of a version that has superseded objects).
 */
static bool parse_line(const char **p, const char *end, bool superseded,
		       struct policy_binding *out)
{
	unsigned long long dev, ino, mode;

	memset(out, 0, sizeof(*out));
	if (!get_number(p, end, &dev) || !get_number(p, end, &ino) ||
	    !get_number(p, end, &mode) || mode > 0xffff)
		return false;
	out->path = get_path(p, end);
	if (!out->path || out->path[0] != '/' || *p >= end || *(*p)++ != ' ')
		return false;
	if (*p + 1 < end && (*p)[0] == '-' && (*p)[1] == '\n') {
		*p += 2;
		return true;
	}
	out->dev = (dev_t)dev;
	out->ino = (ino_t)ino;
	out->mode = (mode_t)mode;
	if (*p + 1 < end && (*p)[0] == '=' && (*p)[1] == '\n') {
		*p += 1;
		out->linked = true;
	} else {
		out->superseded = superseded && *p < end && (*p)[0] == '^';
		*p += out->superseded;
		out->real = get_path(p, end);
		if (!out->real || out->real[0] != '/')
			return false;
	}
	return *p < end && *(*p)++ == '\n';
}

int policy_bindings_parse(const char *text, size_t len, struct policy_binding **out, size_t *n)
{
	const char *p = text, *end = text + len;
	size_t hlen = strlen(BINDINGS_HEADER), lines = 0, used = 0;
	bool superseded = len >= hlen && !memcmp(text, BINDINGS_HEADER, hlen);
	struct policy_binding *b;

	*out = NULL;
	*n = 0;
	/* Every header is as long. */
	if (len < hlen || (!superseded && memcmp(text, BINDINGS_HEADER_2, hlen) &&
			   memcmp(text, BINDINGS_HEADER_1, hlen)))
		return -EINVAL;
	for (size_t i = hlen; i < len; i++)
		lines += text[i] == '\n';
	b = calloc(lines ? lines : 1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (p += hlen; p < end; used++) {
		bool ok = used < lines && parse_line(&p, end, superseded, &b[used]);

		/* Written sorted, one of each: anything else was not written by us. */
		if (ok && used && (binding_cmp(&b[used - 1], &b[used]) >= 0 ||
				   same_entry(&b[used - 1], &b[used])))
			ok = false;
		if (!ok) {
			policy_bindings_free(b, used + (used < lines));
			return -EINVAL;
		}
	}
	*out = b;
	*n = used;
	return 0;
}
