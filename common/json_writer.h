/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A streaming JSON writer: values are written as they come, commas and
 * nesting are tracked here so callers only say what they mean.
 *
 * Strings are written as valid UTF-8 whatever they hold: a byte that
 * starts no valid sequence becomes U+FFFD; the characters a terminal
 * would obey (common/utf8.h, unicode_shown()) become \uXXXX escapes.
 */
#ifndef ISOLATE_JSON_WRITER_H
#define ISOLATE_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void jw_init(struct json_writer *jw, FILE *out, bool pretty);
void jw_object_start(struct json_writer *jw);
void jw_object_end(struct json_writer *jw);
void jw_array_start(struct json_writer *jw);
void jw_array_end(struct json_writer *jw);
void jw_key(struct json_writer *jw, const char *key);
void jw_string(struct json_writer *jw, const char *s);
/* The n bytes at s as a string, NUL bytes too (as \u0000). */
void jw_string_bytes(struct json_writer *jw, const char *s, size_t n);
void jw_uint(struct json_writer *jw, uint64_t v);
void jw_int(struct json_writer *jw, int64_t v);
void jw_bool(struct json_writer *jw, bool v);
void jw_null(struct json_writer *jw);
/* A value some other writer serialized whole, written as it is. */
void jw_json(struct json_writer *jw, const char *json, size_t len);

/* "key": value shorthands. */
void jw_kv_string(struct json_writer *jw, const char *key, const char *s);
void jw_kv_string_bytes(struct json_writer *jw, const char *key, const char *s, size_t n);
void jw_kv_uint(struct json_writer *jw, const char *key, uint64_t v);
void jw_kv_int(struct json_writer *jw, const char *key, int64_t v);
void jw_kv_bool(struct json_writer *jw, const char *key, bool v);

/* Ends the document: a newline once the outermost value is closed. */
void jw_finish(struct json_writer *jw);

#endif /* ISOLATE_JSON_WRITER_H */
