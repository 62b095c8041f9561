// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Events as text lines or JSON objects, one per line: `events` and
 * `supervise` print them the same way, and so can any front end.
 * Documentation/events.md has the JSON schema. A cell chooses some of
 * what an event says (a file name, a command name, a log message): it can
 * neither forge a line nor make a JSON line that is not valid UTF-8.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <isolate/isolate.h>

#include "user/internal.h"
#include "common/json_writer.h"
#include "common/text_escape.h"
#include "common/utf8.h"

/*
 * Bytes the cell chose (a path, a command name, a message): as a JSON
 * string (valid UTF-8 always, invalid bytes replaced, NUL bytes as
 * \u0000) and, when they are not valid UTF-8, their raw bytes in
 * hexadecimal under KEY_hex as well.
 */
static void bytes_json(struct json_writer *jw, const char *key, const char *s, size_t n)
{
	char hex[2 * ISOLATE_MESSAGE_MAX + 1], hkey[32];

	if (n > ISOLATE_MESSAGE_MAX)
		n = ISOLATE_MESSAGE_MAX;
	jw_kv_string_bytes(jw, key, s, n);
	if (utf8_valid_bytes(s, n))
		return;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)s[i]);
	snprintf(hkey, sizeof(hkey), "%s_hex", key);
	jw_kv_string(jw, hkey, hex);
}

/*
 * The same in a text line: no byte the cell chose can end the line, look
 * like another key=value, be anything but valid UTF-8, or be a character
 * a terminal would obey (common/text_escape.h).
 */
static void bytes_text(FILE *out, const char *s, size_t n)
{
	if (n)
		text_write_escaped(out, s, n, true);
	else
		fputc('?', out);
}

void isolate_name_write_text(FILE *out, const char *s, size_t max)
{
	bytes_text(out, s, strnlen(s, max));
}

static const char *proto_name(__u8 proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "other";
}


static const char *lifecycle_name(__u32 what)
{
	switch (what) {
	case ISOLATE_LIFECYCLE_CREATED: return "created";
	case ISOLATE_LIFECYCLE_GENERATION: return "generation";
	case ISOLATE_LIFECYCLE_DESTROYED: return "destroyed";
	case ISOLATE_LIFECYCLE_UNENFORCED: return "unenforced";
	default: return "unknown";
	}
}

static const char *broker_right_word(__u32 right)
{
	return isolate_broker_right_name(right) ?: "unknown";
}

/*
 * Where an event's fields go: a JSON object or a text line of
 * " key=value". Each class's fields are listed once (body), for both.
 */
struct sink {
	FILE *out;
	struct json_writer *jw;	/* NULL: text */
};

/* The n bytes the cell chose (or that hold what it chose), NUL bytes too. */
static void put_bytes(const struct sink *o, const char *key, const char *s, size_t n)
{
	if (o->jw) {
		bytes_json(o->jw, key, s, n);
	} else {
		fprintf(o->out, " %s=", key);
		bytes_text(o->out, s, n);
	}
}

/* A string the cell chose, up to its NUL or max bytes. */
static void put_name(const struct sink *o, const char *key, const char *s, size_t max)
{
	put_bytes(o, key, s, strnlen(s, max));
}

/* A word of ours (never chosen by a cell). */
static void put_word(const struct sink *o, const char *key, const char *word)
{
	if (o->jw)
		jw_kv_string(o->jw, key, word);
	else
		fprintf(o->out, " %s=%s", key, word);
}

static void put_uint(const struct sink *o, const char *key, uint64_t v)
{
	if (o->jw)
		jw_kv_uint(o->jw, key, v);
	else
		fprintf(o->out, " %s=%" PRIu64, key, v);
}

static void put_int(const struct sink *o, const char *key, int64_t v)
{
	if (o->jw)
		jw_kv_int(o->jw, key, v);
	else
		fprintf(o->out, " %s=%" PRId64, key, v);
}

/* The fields after the header, for every class. */
static void body(const struct sink *o, const struct isolate_event_hdr *h, size_t size)
{
	char addr[INET6_ADDRSTRLEN + 1];

	switch (h->event_class) {
	case ISOLATE_EVENT_DENY:
	case ISOLATE_EVENT_AUDIT: {
		const struct isolate_event_access *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		put_word(o, "op", isolate_op_name(e->op));
		if (o->jw)
			put_int(o, "errno", e->error);
		else
			put_word(o, "error", e->error ? strerror(e->error) : "none");
		put_name(o, "comm", e->comm, sizeof(e->comm));
		if (e->object_kind == ISOLATE_OBJECT_FILE) {
			put_name(o, "path", e->path, sizeof(e->path));
			put_uint(o, "dev", e->file.dev);
			put_uint(o, "ino", e->file.ino);
		} else if (e->object_kind == ISOLATE_OBJECT_NET) {
			put_word(o, "proto", proto_name(e->net.proto));
			if (e->net.family == AF_INET || e->net.family == AF_INET6)
				put_word(o, "address", inet_ntop(e->net.family, e->net.addr,
								 addr, sizeof(addr)) ?: "?");
			else	/* "@" and an abstract AF_UNIX name the cell chose */
				put_name(o, "address", e->path, sizeof(e->path));
			put_uint(o, "port", e->net.port);
		} else if (e->object_kind == ISOLATE_OBJECT_TASK) {
			put_uint(o, "target_pid", e->task.pid);
			put_uint(o, "arg", e->task.arg);
		}
		break;
	}
	case ISOLATE_EVENT_LOG: {
		const struct isolate_event_log *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		put_uint(o, "level", e->level);
		put_bytes(o, "message", e->msg, e->len < sizeof(e->msg) ? e->len : sizeof(e->msg));
		break;
	}
	case ISOLATE_EVENT_METRIC: {
		const struct isolate_event_metric *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		put_name(o, "name", e->name, sizeof(e->name));
		put_word(o, "kind", e->kind == ISOLATE_METRIC_GAUGE ? "gauge" : "counter");
		put_int(o, "value", e->value);
		break;
	}
	case ISOLATE_EVENT_BROKER: {
		const struct isolate_event_broker *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		put_uint(o, "request_id", e->request_id);
		put_word(o, "right", broker_right_word(e->right));
		put_bytes(o, "target", e->target,
			  e->len < sizeof(e->target) ? e->len : sizeof(e->target));
		break;
	}
	case ISOLATE_EVENT_MESSAGE: {
		const struct isolate_event_message *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		put_uint(o, "in_reply_to", e->in_reply_to);
		put_uint(o, "len", e->len);
		put_bytes(o, "data", (const char *)e->data,
			  e->len < sizeof(e->data) ? e->len : sizeof(e->data));
		break;
	}
	case ISOLATE_EVENT_LIFECYCLE: {
		const struct isolate_event_lifecycle *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		put_word(o, "what", lifecycle_name(e->what));
		put_name(o, "name", e->name, sizeof(e->name));
		if (e->detail[0])
			put_name(o, "detail", e->detail, sizeof(e->detail));
		break;
	}
	}
}

void isolate_event_write_json(FILE *out, const char *cell_name,
			      const struct isolate_event_hdr *h, size_t size)
{
	struct json_writer w, *jw = &w;

	jw_init(jw, out, false);
	jw_object_start(jw);
	jw_kv_string(jw, "class", isolate_event_class_name(h->event_class));
	if (cell_name)
		jw_kv_string(jw, "cell", cell_name);
	jw_kv_uint(jw, "cell_id", h->cell_id);
	jw_kv_uint(jw, "cgroup_id", h->cell_cgid);
	jw_kv_uint(jw, "generation", h->generation);
	jw_key(jw, "rule");
	if (h->rule_id == ISOLATE_RULE_NONE)
		jw_null(jw);
	else
		jw_uint(jw, h->rule_id);
	jw_kv_uint(jw, "pid", h->pid);
	jw_kv_uint(jw, "tgid", h->tgid);
	jw_kv_uint(jw, "ts_ns", h->ts_ns);
	jw_kv_uint(jw, "seq", h->seq);
	body(&(struct sink){ .out = out, .jw = jw }, h, size);
	jw_object_end(jw);
	jw_finish(jw);
}

/* The text line: "CLASS cell=NAME id=.. gen=.. pid=.. key=value ...". */
void isolate_event_write_text(FILE *out, const char *cell_name,
			      const struct isolate_event_hdr *h, size_t size)
{
	fprintf(out, "%s cell=", isolate_event_class_name(h->event_class));
	if (cell_name)
		isolate_name_write_text(out, cell_name, 64);
	else
		fputc('?', out);
	fprintf(out, " cell_id=%u cgroup=%llu gen=%u pid=%u tgid=%u seq=%llu",
		h->cell_id, (unsigned long long)h->cell_cgid, h->generation, h->pid, h->tgid,
		(unsigned long long)h->seq);
	body(&(struct sink){ .out = out }, h, size);
	if (h->event_class == ISOLATE_EVENT_DENY || h->event_class == ISOLATE_EVENT_AUDIT) {
		if (h->rule_id == ISOLATE_RULE_NONE)
			fprintf(out, " rule=none");
		else
			fprintf(out, " rule=%u", h->rule_id);
	}
	fprintf(out, "\n");
}
