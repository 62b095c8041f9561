/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Policy objects and images as JSON: every field, not only names, so a
 * snapshot can be rebuilt from it and another program can read an image.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "json_out.h"
#include "model.h"
#include "names.h"
#include "net_addr.h"

static void net_fields(struct json_writer *jw, const struct isolate_net_cap *r)
{
	char addr[64];

	net_addr_format(r, false, addr, sizeof(addr));
	jw_kv_string(jw, "protocol", net_proto_name(r->proto));
	jw_kv_string(jw, "family", r->family == AF_INET ? "ipv4" : "ipv6");
	jw_kv_string(jw, "address", addr);
	jw_kv_uint(jw, "prefix_len", r->prefix_len);
	jw_kv_uint(jw, "port_min", r->port_min);
	jw_kv_uint(jw, "port_max", r->port_max);
}

void json_cap(struct json_writer *jw, const struct isolate_cap *cap)
{
	char text[POLICY_TEXT_MAX];

	isolate_cap_format(cap, text, sizeof(text));
	jw_object_start(jw);
	jw_kv_string(jw, "kind", isolate_cap_kind_name(cap->kind));
	jw_kv_string(jw, "text", text);
	if (cap_is_path(cap->kind)) {
		jw_kv_string(jw, "path", cap->u.path);
		jw_kv_bool(jw, "deny", cap->flags & ISOLATE_CAP_DENY);
		jw_kv_bool(jw, "optional", cap->flags & ISOLATE_CAP_OPTIONAL);
	} else if (cap_is_net(cap->kind)) {
		jw_kv_bool(jw, "deny", cap->flags & ISOLATE_CAP_DENY);
		net_fields(jw, &cap->u.net);
	} else if (cap->kind == ISOLATE_CAP_CPU) {
		jw_kv_uint(jw, "quota_us", cap->u.cpu.quota_us);
		jw_kv_uint(jw, "period_us", cap->u.cpu.period_us);
	} else if (cap->kind == ISOLATE_CAP_MEMORY) {
		jw_kv_uint(jw, "bytes", cap->u.value);
	} else if (cap->kind == ISOLATE_CAP_PIDS) {
		jw_kv_uint(jw, "max", cap->u.value);
	} else if (cap->kind == ISOLATE_CAP_BROKER) {
		jw_kv_string(jw, "right", isolate_broker_right_name((__u32)cap->u.value));
	} else if (word_kind_of(cap->kind)) {
		jw_kv_string(jw, "name", word_name(word_kind_of(cap->kind), cap->u.value));
	} else if (cap->kind == ISOLATE_CAP_UNIX) {
		jw_kv_string(jw, "right", unix_right_name(cap->u.abstract.right));
		jw_kv_string(jw, "name", cap->u.abstract.name);
	}
	if (cap->pos.file) {
		jw_key(jw, "source");
		jw_object_start(jw);
		jw_kv_string(jw, "file", cap->pos.file);
		jw_kv_uint(jw, "line", cap->pos.line);
		jw_kv_uint(jw, "column", cap->pos.column);
		jw_object_end(jw);
	}
	jw_object_end(jw);
}

void json_cell_policy(struct json_writer *jw, const struct isolate_cell_policy *c)
{
	jw_object_start(jw);
	jw_kv_string(jw, "name", c->name);
	jw_kv_string(jw, "mode", mode_name(c->mode));
	jw_key(jw, "extends");
	jw_array_start(jw);
	for (size_t i = 0; i < c->n_extends; i++)
		jw_string(jw, c->extends[i].name);
	jw_array_end(jw);
	jw_key(jw, "capabilities");
	jw_array_start(jw);
	for (size_t i = 0; i < c->n_caps; i++)
		json_cap(jw, &c->caps[i]);
	jw_array_end(jw);
	jw_object_end(jw);
}

static void rule_ref(struct json_writer *jw, const char *key, __u32 id)
{
	jw_key(jw, key);
	if (id == ISOLATE_RULE_NONE)
		jw_null(jw);
	else
		jw_uint(jw, id);
}

static void rights(struct json_writer *jw, __u32 bits)
{
	jw_array_start(jw);
	for (int r = 0; r < ISOLATE_RIGHTS; r++)
		if (bits & (1U << r))
			jw_string(jw, isolate_cap_kind_name(ISOLATE_CAP_READ + r));
	jw_array_end(jw);
}

static void inode_entry(struct json_writer *jw, const struct isolate_image_inode *e)
{
	jw_object_start(jw);
	jw_kv_uint(jw, "dev", e->dev);
	jw_kv_uint(jw, "ino", e->ino);
	jw_kv_uint(jw, "allow", e->rule.allow);
	jw_key(jw, "rights");
	rights(jw, e->rule.allow);
	rule_ref(jw, "rule_id", e->rule.rule_id);
	jw_key(jw, "decided_by");
	jw_object_start(jw);
	for (int r = 0; r < ISOLATE_RIGHTS; r++)
		rule_ref(jw, isolate_cap_kind_name(ISOLATE_CAP_READ + r), e->rule.decided_by[r]);
	jw_object_end(jw);
	jw_kv_string(jw, "path", e->path);
	jw_object_end(jw);
}

/* An LPM entry as the kernel reads it: key fields, then the port ranges. */
static void net_entry(struct json_writer *jw, const struct isolate_image_net *e)
{
	struct isolate_net_cap block = {
		.family = e->key.family == 4 ? AF_INET : AF_INET6,
		.prefix_len = (__u8)(e->key.prefixlen - ISOLATE_NET_FIXED_BITS),
	};
	char addr[64];

	memcpy(block.addr, e->key.addr, sizeof(block.addr));
	net_addr_format(&block, false, addr, sizeof(addr));
	jw_object_start(jw);
	jw_kv_uint(jw, "prefixlen", e->key.prefixlen);
	jw_kv_string(jw, "op", e->key.op == ISOLATE_NET_CONNECT ? "connect" : "bind");
	jw_kv_string(jw, "protocol", net_proto_name(e->key.proto));
	jw_kv_uint(jw, "family", e->key.family);
	jw_kv_string(jw, "address", addr);
	jw_key(jw, "ranges");
	jw_array_start(jw);
	for (__u32 i = 0; i < e->rule.n_ranges && i < ISOLATE_NET_PORT_RANGES; i++) {
		jw_object_start(jw);
		jw_kv_uint(jw, "lo", e->rule.ranges[i].lo);
		jw_kv_uint(jw, "hi", e->rule.ranges[i].hi);
		jw_kv_uint(jw, "rule_id", e->rule.ranges[i].rule_id);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	rule_ref(jw, "deny_rule_id", e->rule.deny_rule_id);
	jw_object_end(jw);
}

/* A unix_rules entry as the kernel reads it: the name is the key's bytes, without '@'. */
static void unix_entry(struct json_writer *jw, const struct isolate_image_unix *e)
{
	jw_object_start(jw);
	jw_kv_uint(jw, "len", e->key.len);
	jw_kv_string(jw, "name", e->key.name);
	jw_kv_uint(jw, "allow", e->rule.allow);
	jw_key(jw, "rights");
	jw_array_start(jw);
	for (__u32 right = ISOLATE_NET_CONNECT; right <= ISOLATE_NET_BIND; right++)
		if (e->rule.allow & right)
			jw_string(jw, unix_right_name(right));
	jw_array_end(jw);
	rule_ref(jw, "rule_id", e->rule.rule_id);
	jw_object_end(jw);
}

/* Whether the image grants the word value of a word kind (names.h). */
static bool image_has_word(const struct isolate_image *img, enum isolate_cap_kind kind,
			   __u32 value)
{
	if (kind != ISOLATE_CAP_SOCKET)
		return img->cell_flags & value;
	if (value < ISOLATE_SOCKET_NETLINK)
		return (img->socket_families >> value) & 1;
	return (img->netlink_protocols >> (value - ISOLATE_SOCKET_NETLINK)) & 1;
}

static void string_list(struct json_writer *jw, const char *key, char *const *list, size_t n)
{
	jw_key(jw, key);
	jw_array_start(jw);
	for (size_t i = 0; i < n; i++)
		jw_string(jw, list[i]);
	jw_array_end(jw);
}

void json_image(struct json_writer *jw, const struct isolate_image *img)
{
	struct isolate_capacity cap[8];
	size_t n_cap = isolate_image_capacity(img, cap, 8);

	jw_object_start(jw);
	jw_kv_string(jw, "mode", mode_name(img->mode));
	jw_key(jw, "inode_rules");
	jw_array_start(jw);
	for (size_t i = 0; i < img->n_inodes; i++)
		inode_entry(jw, &img->inodes[i]);
	jw_array_end(jw);
	jw_key(jw, "net_rules");
	jw_array_start(jw);
	for (size_t i = 0; i < img->n_net; i++)
		net_entry(jw, &img->net[i]);
	jw_array_end(jw);
	jw_key(jw, "net_capabilities");
	jw_array_start(jw);
	for (size_t i = 0; i < img->n_net_caps; i++) {
		jw_object_start(jw);
		jw_kv_string(jw, "kind", isolate_cap_kind_name(img->net_caps[i].kind));
		jw_kv_bool(jw, "deny", img->net_caps[i].deny);
		jw_kv_uint(jw, "rule_id", img->net_caps[i].rule_id);
		net_fields(jw, &img->net_caps[i].net);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_key(jw, "unix_rules");
	jw_array_start(jw);
	for (size_t i = 0; i < img->n_unix; i++)
		unix_entry(jw, &img->unix_names[i]);
	jw_array_end(jw);
	jw_key(jw, "limits");
	jw_object_start(jw);
	jw_kv_uint(jw, "cpu_quota_us", img->limits.cpu_quota_us);
	jw_kv_uint(jw, "cpu_period_us", img->limits.cpu_period_us);
	jw_kv_uint(jw, "memory_max", img->limits.memory_max);
	jw_kv_uint(jw, "pids_max", img->limits.pids_max);
	jw_object_end(jw);
	jw_key(jw, "broker");
	jw_array_start(jw);
	for (__u32 bit = 1; bit <= ISOLATE_BROKER_ALL; bit <<= 1)
		if (img->broker_rights & bit)
			jw_string(jw, isolate_broker_right_name(bit));
	jw_array_end(jw);
	jw_kv_uint(jw, "cell_flags", img->cell_flags);
	jw_kv_uint(jw, "socket_families", img->socket_families);
	jw_kv_uint(jw, "netlink_protocols", img->netlink_protocols);
	for (const struct word_kind *w = word_kinds; w->key; w++) {
		jw_key(jw, w->key);
		jw_array_start(jw);
		for (const struct word *x = w->words; x->name; x++)
			if (image_has_word(img, w->kind, x->value))
				jw_string(jw, x->name);
		jw_array_end(jw);
	}
	jw_key(jw, "rules");
	jw_array_start(jw);
	for (size_t i = 0; i < img->n_rules; i++) {
		jw_object_start(jw);
		jw_key(jw, "id");
		jw_uint(jw, img->rule_ids[i]);
		jw_kv_string(jw, "rule", img->rule_text[i]);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	string_list(jw, "skipped", img->skipped, img->n_skipped);
	jw_key(jw, "capacity");
	jw_array_start(jw);
	for (size_t i = 0; i < n_cap && i < 8; i++) {
		jw_object_start(jw);
		jw_kv_string(jw, "map", cap[i].map);
		jw_kv_uint(jw, "used", cap[i].used);
		jw_kv_uint(jw, "size", cap[i].size);
		jw_object_end(jw);
	}
	jw_array_end(jw);
	jw_object_end(jw);
}

int isolate_cell_policy_write_json(const struct isolate_cell_policy *c, FILE *out, bool pretty)
{
	struct json_writer jw;

	jw_init(&jw, out, pretty);
	json_cell_policy(&jw, c);
	jw_finish(&jw);
	return ferror(out) ? -EIO : 0;
}

int isolate_image_write_json(const struct isolate_image *img, FILE *out, bool pretty)
{
	struct json_writer jw;

	jw_init(&jw, out, pretty);
	json_image(&jw, img);
	jw_finish(&jw);
	return ferror(out) ? -EIO : 0;
}
