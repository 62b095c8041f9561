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

/*
 * A name the cell chose (a path, a command name): as a JSON string (valid
 * UTF-8 always, invalid bytes replaced) and, when it is not valid UTF-8,
 * its raw bytes in hexadecimal under KEY_hex as well.
 */
static void name_json(struct json_writer *jw, const char *key, const char *s, size_t max)
{
	char copy[ISOLATE_EVENT_PATH_MAX + 1], hex[2 * ISOLATE_EVENT_PATH_MAX + 1], hkey[32];
	size_t n = strnlen(s, max < sizeof(copy) ? max : sizeof(copy) - 1);

	memcpy(copy, s, n);
	copy[n] = 0;
	jw_kv_string(jw, key, copy);
	if (utf8_valid(copy))
		return;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)copy[i]);
	snprintf(hkey, sizeof(hkey), "%s_hex", key);
	jw_kv_string(jw, hkey, hex);
}

/*
 * The same in a text line: no byte the cell chose can end the line, look
 * like another key=value, or be anything but valid UTF-8. Control bytes,
 * space, '\\' and invalid bytes are written as \\xNN.
 */
static void name_text(FILE *out, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (!n) {
		fputc('?', out);
		return;
	}
	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;
		size_t len = *p >= 0x80 ? utf8_char_len(p) : 1;

		if (len > n - i)
			len = 0;
		if (len > 1 || (len == 1 && *p > ' ' && *p < 0x7f && *p != '\\')) {
			fwrite(p, 1, len, out);
			i += len;
		} else {
			fprintf(out, "\\x%02x", *p);
			i++;
		}
	}
}

static const char *proto_name(__u8 proto)
{
	return proto == 6 ? "tcp" : proto == 17 ? "udp" : "other";
}

static void net_address(const struct isolate_event_access *e, char *buf, size_t len)
{
	if (e->net.family == AF_INET)
		inet_ntop(AF_INET, e->net.addr, buf, len);
	else if (e->net.family == AF_INET6)
		inet_ntop(AF_INET6, e->net.addr, buf, len);
	else
		snprintf(buf, len, "%.40s", e->path);
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

/* The fields after the header, for every class. */
static void body_json(struct json_writer *jw, const struct isolate_event_hdr *h, size_t size)
{
	char addr[INET6_ADDRSTRLEN + 1], text[ISOLATE_MESSAGE_MAX + 1];

	switch (h->event_class) {
	case ISOLATE_EVENT_DENY:
	case ISOLATE_EVENT_AUDIT: {
		const struct isolate_event_access *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		jw_kv_string(jw, "op", isolate_op_name(e->op));
		jw_kv_int(jw, "errno", e->error);
		name_json(jw, "comm", e->comm, sizeof(e->comm));
		if (e->object_kind == ISOLATE_OBJECT_FILE) {
			jw_kv_uint(jw, "dev", e->file.dev);
			jw_kv_uint(jw, "ino", e->file.ino);
			name_json(jw, "path", e->path, sizeof(e->path));
		} else if (e->object_kind == ISOLATE_OBJECT_NET) {
			net_address(e, addr, sizeof(addr));
			jw_kv_string(jw, "proto", proto_name(e->net.proto));
			jw_kv_string(jw, "address", addr);
			jw_kv_uint(jw, "port", e->net.port);
		} else if (e->object_kind == ISOLATE_OBJECT_TASK) {
			jw_kv_uint(jw, "target_pid", e->task.pid);
			jw_kv_uint(jw, "arg", e->task.arg);
		}
		break;
	}
	case ISOLATE_EVENT_LOG: {
		const struct isolate_event_log *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		snprintf(text, sizeof(text), "%.*s", (int)e->len, e->msg);
		jw_kv_uint(jw, "level", e->level);
		jw_kv_string(jw, "message", text);
		break;
	}
	case ISOLATE_EVENT_METRIC: {
		const struct isolate_event_metric *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		jw_kv_string(jw, "name", e->name);
		jw_kv_string(jw, "kind", e->kind == ISOLATE_METRIC_GAUGE ? "gauge" : "counter");
		jw_kv_int(jw, "value", e->value);
		break;
	}
	case ISOLATE_EVENT_BROKER: {
		const struct isolate_event_broker *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		snprintf(text, sizeof(text), "%.*s", (int)e->len, e->target);
		jw_kv_uint(jw, "request_id", e->request_id);
		jw_kv_string(jw, "right", broker_right_word(e->right));
		jw_kv_string(jw, "target", text);
		break;
	}
	case ISOLATE_EVENT_MESSAGE: {
		const struct isolate_event_message *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		snprintf(text, sizeof(text), "%.*s", (int)e->len, (const char *)e->data);
		jw_kv_uint(jw, "in_reply_to", e->in_reply_to);
		jw_kv_uint(jw, "len", e->len);
		jw_kv_string(jw, "data", text);
		break;
	}
	case ISOLATE_EVENT_LIFECYCLE: {
		const struct isolate_event_lifecycle *e = (const void *)h;

		if (size < sizeof(*e))
			return;
		jw_kv_string(jw, "what", lifecycle_name(e->what));
		jw_kv_string(jw, "name", e->name);
		if (e->detail[0])
			jw_kv_string(jw, "detail", e->detail);
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
	body_json(jw, h, size);
	jw_object_end(jw);
	jw_finish(jw);
}

/* The text line: "CLASS cell=.. pid=.. key=value ...". */
void isolate_event_write_text(FILE *out, const struct isolate_event_hdr *h, size_t size)
{
	const struct isolate_event_access *e = (const void *)h;
	char addr[INET6_ADDRSTRLEN + 1];

	fprintf(out, "%s cell=%u cgroup=%llu gen=%u pid=%u tgid=%u seq=%llu",
		isolate_event_class_name(h->event_class), h->cell_id,
		(unsigned long long)h->cell_cgid, h->generation, h->pid, h->tgid,
		(unsigned long long)h->seq);
	if ((h->event_class == ISOLATE_EVENT_DENY || h->event_class == ISOLATE_EVENT_AUDIT) &&
	    size >= sizeof(*e)) {
		fputs(" comm=", out);
		name_text(out, e->comm, sizeof(e->comm));
		fprintf(out, " op=%s", isolate_op_name(e->op));
		if (e->object_kind == ISOLATE_OBJECT_FILE) {
			fputs(" path=", out);
			name_text(out, e->path, sizeof(e->path));
			fprintf(out, " dev=%u:%u ino=%llu", e->file.dev >> 20, e->file.dev & 0xfffff,
				(unsigned long long)e->file.ino);
		} else if (e->object_kind == ISOLATE_OBJECT_NET) {
			net_address(e, addr, sizeof(addr));
			fprintf(out, " %s=%s port=%u", proto_name(e->net.proto), addr, e->net.port);
		} else if (e->object_kind == ISOLATE_OBJECT_TASK) {
			fprintf(out, " target=%u arg=%u", e->task.pid, e->task.arg);
		}
		fprintf(out, " error=%s rule=", e->error ? strerror(e->error) : "none");
		if (h->rule_id == ISOLATE_RULE_NONE)
			fprintf(out, "none");
		else
			fprintf(out, "%u", h->rule_id);
	} else {
		struct json_writer jw;

		/* The other classes read best as their JSON fields. */
		fprintf(out, " ");
		jw_init(&jw, out, false);
		jw_object_start(&jw);
		body_json(&jw, h, size);
		jw_object_end(&jw);
	}
	fprintf(out, "\n");
}
