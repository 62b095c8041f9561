// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <inttypes.h>
#include <string.h>

#include "common/json_writer.h"
#include "common/utf8.h"

void jw_init(struct json_writer *jw, FILE *out, bool pretty)
{
	*jw = (struct json_writer){ .out = out, .pretty = pretty };
}

static void newline_indent(struct json_writer *jw)
{
	if (!jw->pretty)
		return;
	fputc('\n', jw->out);
	for (int i = 0; i < jw->depth; i++)
		fputs("  ", jw->out);
}

/* Separator and indentation owed before any value or key. */
static void before_item(struct json_writer *jw)
{
	if (jw->after_key) {
		jw->after_key = false;
		return;
	}
	if (jw->depth > 0) {
		if (jw->need_comma[jw->depth])
			fputc(',', jw->out);
		jw->need_comma[jw->depth] = true;
		newline_indent(jw);
	}
}

static void open_scope(struct json_writer *jw, char c)
{
	before_item(jw);
	fputc(c, jw->out);
	if (jw->depth < JSON_MAX_DEPTH - 1)
		jw->depth++;
	jw->need_comma[jw->depth] = false;
}

static void close_scope(struct json_writer *jw, char c)
{
	bool had_items = jw->need_comma[jw->depth];

	if (jw->depth > 0)
		jw->depth--;
	if (had_items)
		newline_indent(jw);
	fputc(c, jw->out);
}

void jw_object_start(struct json_writer *jw) { open_scope(jw, '{'); }
void jw_object_end(struct json_writer *jw) { close_scope(jw, '}'); }
void jw_array_start(struct json_writer *jw) { open_scope(jw, '['); }
void jw_array_end(struct json_writer *jw) { close_scope(jw, ']'); }

/*
 * A JSON string of the n bytes at s: always valid UTF-8, invalid bytes as
 * U+FFFD, and no character a terminal would obey left raw, for JSON lines
 * are read on terminals too.
 */
static void put_escaped(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	fputc('"', out);
	for (size_t len; p < end; p += len ? len : 1) {
		len = utf8_char_len_within(p, (size_t)(end - p));
		if (!len) {
			fputs("\\ufffd", out);
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (unicode_shown(utf8_decode(p, len)))
				fwrite(p, 1, len, out);
			else	/* all of them below U+FFFF */
				fprintf(out, "\\u%04x", (unsigned int)utf8_decode(p, len));
		}
	}
	fputc('"', out);
}

void jw_key(struct json_writer *jw, const char *key)
{
	before_item(jw);
	put_escaped(jw->out, key, strlen(key));
	fputs(jw->pretty ? ": " : ":", jw->out);
	jw->after_key = true;
}

void jw_string(struct json_writer *jw, const char *s)
{
	before_item(jw);
	if (s)
		put_escaped(jw->out, s, strlen(s));
	else
		fputs("null", jw->out);
}

void jw_string_bytes(struct json_writer *jw, const char *s, size_t n)
{
	before_item(jw);
	put_escaped(jw->out, s, n);
}

void jw_uint(struct json_writer *jw, uint64_t v)
{
	before_item(jw);
	fprintf(jw->out, "%" PRIu64, v);
}

void jw_int(struct json_writer *jw, int64_t v)
{
	before_item(jw);
	fprintf(jw->out, "%" PRId64, v);
}

void jw_bool(struct json_writer *jw, bool v)
{
	before_item(jw);
	fputs(v ? "true" : "false", jw->out);
}

void jw_null(struct json_writer *jw)
{
	before_item(jw);
	fputs("null", jw->out);
}

void jw_json(struct json_writer *jw, const char *json, size_t len)
{
	while (len && (json[len - 1] == '\n' || json[len - 1] == ' '))
		len--;
	before_item(jw);
	fwrite(json, 1, len, jw->out);
}

void jw_kv_string(struct json_writer *jw, const char *key, const char *s)
{
	jw_key(jw, key);
	jw_string(jw, s);
}

void jw_kv_string_bytes(struct json_writer *jw, const char *key, const char *s, size_t n)
{
	jw_key(jw, key);
	jw_string_bytes(jw, s, n);
}

void jw_kv_uint(struct json_writer *jw, const char *key, uint64_t v)
{
	jw_key(jw, key);
	jw_uint(jw, v);
}

void jw_kv_int(struct json_writer *jw, const char *key, int64_t v)
{
	jw_key(jw, key);
	jw_int(jw, v);
}

void jw_kv_bool(struct json_writer *jw, const char *key, bool v)
{
	jw_key(jw, key);
	jw_bool(jw, v);
}

void jw_finish(struct json_writer *jw)
{
	if (jw->depth == 0)
		fputc('\n', jw->out);
	fflush(jw->out);
}
