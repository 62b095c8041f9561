// SPDX-License-Identifier: GPL-2.0
/* One access event as a line of text or a JSON object. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/main.h"

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

static void print_text(const struct isolate_event_access *e)
{
	const struct isolate_event_hdr *h = &e->hdr;
	char addr[INET6_ADDRSTRLEN + 1];

	printf("%s cell=%u cgroup=%llu gen=%u pid=%u tgid=%u comm=%.*s op=%s",
	       isolate_event_class_name(h->event_class), h->cell_id,
	       (unsigned long long)h->cell_cgid, h->generation, h->pid, h->tgid,
	       ISOLATE_COMM_LEN, e->comm, isolate_op_name(e->op));
	switch (e->object_kind) {
	case ISOLATE_OBJECT_FILE:
		printf(" path=%s dev=%u:%u ino=%llu", e->path[0] ? e->path : "?",
		       e->file.dev >> 20, e->file.dev & 0xfffff,
		       (unsigned long long)e->file.ino);
		break;
	case ISOLATE_OBJECT_NET:
		net_address(e, addr, sizeof(addr));
		printf(" %s=%s port=%u", proto_name(e->net.proto), addr, e->net.port);
		break;
	case ISOLATE_OBJECT_TASK:
		printf(" target=%u arg=%u", e->task.pid, e->task.arg);
		break;
	}
	printf(" error=%s rule=", e->error ? strerror(e->error) : "none");
	if (h->rule_id == ISOLATE_RULE_NONE)
		printf("none");
	else
		printf("%u", h->rule_id);
	printf(" seq=%llu\n", (unsigned long long)h->seq);
}

static void print_json(const struct isolate_event_access *e)
{
	const struct isolate_event_hdr *h = &e->hdr;
	char addr[INET6_ADDRSTRLEN + 1];

	jw_object_start(&json_out);
	jw_kv_string(&json_out, "class", isolate_event_class_name(h->event_class));
	jw_kv_uint(&json_out, "cell_id", h->cell_id);
	jw_kv_uint(&json_out, "cgroup_id", h->cell_cgid);
	jw_kv_uint(&json_out, "generation", h->generation);
	jw_key(&json_out, "rule");
	if (h->rule_id == ISOLATE_RULE_NONE)
		jw_null(&json_out);
	else
		jw_uint(&json_out, h->rule_id);
	jw_kv_uint(&json_out, "pid", h->pid);
	jw_kv_uint(&json_out, "tgid", h->tgid);
	jw_kv_uint(&json_out, "ts_ns", h->ts_ns);
	jw_kv_uint(&json_out, "seq", h->seq);
	jw_kv_string(&json_out, "op", isolate_op_name(e->op));
	jw_kv_int(&json_out, "errno", e->error);
	jw_kv_string(&json_out, "comm", e->comm);
	switch (e->object_kind) {
	case ISOLATE_OBJECT_FILE:
		jw_kv_uint(&json_out, "dev", e->file.dev);
		jw_kv_uint(&json_out, "ino", e->file.ino);
		jw_kv_string(&json_out, "path", e->path);
		break;
	case ISOLATE_OBJECT_NET:
		net_address(e, addr, sizeof(addr));
		jw_kv_string(&json_out, "proto", proto_name(e->net.proto));
		jw_kv_string(&json_out, "address", addr);
		jw_kv_uint(&json_out, "port", e->net.port);
		break;
	case ISOLATE_OBJECT_TASK:
		jw_kv_uint(&json_out, "target_pid", e->task.pid);
		jw_kv_uint(&json_out, "arg", e->task.arg);
		break;
	}
	jw_object_end(&json_out);
	jw_finish(&json_out);
}

void print_access_event(const struct isolate_event_access *e)
{
	if (json_output)
		print_json(e);
	else
		print_text(e);
}
