/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * YAML into the document form of a policy. The schema (every key is in
 * Documentation/policy.md):
 *
 *   version: 1
 *   include: [FILE, ...]
 *   cells:
 *     NAME:
 *       mode: enforce | audit
 *       extends: [CELL, ...]
 *       read | write | exec: [PATH | {path: PATH, optional: BOOL}, ...]
 *       connect | bind: [{protocol: tcp|udp, address: CIDR, port: N | N-M}, ...]
 *       deny: {read, write, exec, connect, bind: as above}
 *       limits: {cpu: {quota_us: N, period_us: N}, memory: SIZE, pids: N}
 *       broker: [read | write | exec | connect | bind, ...]
 *       namespaces: [user | mount, ...]
 *       allow: [exec-memory | unix-autobind, ...]
 *       sockets: [unix | inet | inet6 | netlink-route | ..., ...]
 *       unix: {connect: ['@NAME', ...], bind: ['@NAME', ...]}
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "net_addr.h"
#include "path_check.h"
#include "units.h"
#include "yaml_parse.h"
#include "yaml_schema.h"

static int nomem(const struct yctx *x)
{
	diag_set(x->diag, x->file, 0, 0, "out of memory");
	return -ENOMEM;
}

/* Checks cap where node wrote it and appends it to the cell. */
static int add_cap(const struct yctx *x, struct isolate_cell_policy *cell,
		   struct isolate_cap *cap, const struct ynode *node)
{
	int err;

	if (!cap)
		return nomem(x);
	err = cap_set_pos(cap, x->file, node->line, node->column);
	if (!err)
		err = isolate_cap_check(cap, x->diag);
	else
		nomem(x);
	if (!err && cell_append(cell, cap))
		err = nomem(x);
	isolate_cap_free(cap);
	return err;
}

/* ---- paths ---- */

struct path_entry {
	const struct ynode *path;
	bool optional;
};

static int parse_entry_path(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	((struct path_entry *)obj)->path = v;
	return 0;
}

static int parse_entry_optional(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	return y_bool(x, v, "optional", &((struct path_entry *)obj)->optional);
}

static const struct y_key path_entry_keys[] = {
	{ "path", parse_entry_path, 0 },
	{ "optional", parse_entry_optional, 0 },
	{ NULL, NULL, 0 },
};

static int parse_path_entry(const struct yctx *x, const struct ynode *node,
			    struct isolate_cell_policy *cell, enum isolate_cap_kind kind,
			    unsigned int flags)
{
	struct path_entry entry = { .path = node };
	char msg[sizeof(x->diag->msg)];
	struct isolate_cap *cap;
	const char *text;

	if (node->type == YNODE_MAP) {
		entry.path = NULL;
		if (y_walk_map(x, node, "a path entry key", path_entry_keys, &entry))
			return -EINVAL;
		if (!entry.path)
			return y_fail(x, node, "expected key 'path' in a path entry");
	}
	if (y_string(x, entry.path, "a path", &text))
		return -EINVAL;
	cap = isolate_cap_path(kind, text, flags | (entry.optional ? ISOLATE_CAP_OPTIONAL : 0));
	if (!cap)
		return nomem(x);
	if (path_check(cap->u.path, msg, sizeof(msg))) {
		isolate_cap_free(cap);
		return y_fail(x, entry.path, "%s", msg);
	}
	return add_cap(x, cell, cap, node);
}

static int parse_paths(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	unsigned int flags = (unsigned int)arg >> 8;
	enum isolate_cap_kind kind = arg & 0xff;

	if (y_seq(x, v, "a list of paths"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++)
		if (parse_path_entry(x, v->items[i], obj, kind, flags))
			return -EINVAL;
	return 0;
}

/* ---- network ---- */

struct net_entry {
	enum isolate_cap_kind kind;
	const struct ynode *proto, *addr, *port;
};

static int parse_net_field(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	struct net_entry *e = obj;
	const struct ynode **field = arg == 0 ? &e->proto : arg == 1 ? &e->addr : &e->port;

	*field = v;
	return 0;
}

static const struct y_key net_entry_keys[] = {
	{ "protocol", parse_net_field, 0 },
	{ "address", parse_net_field, 1 },
	{ "port", parse_net_field, 2 },
	{ NULL, NULL, 0 },
};

static int parse_net_entry(const struct yctx *x, const struct ynode *node,
			   struct isolate_cell_policy *cell, enum isolate_cap_kind kind,
			   unsigned int flags)
{
	struct net_entry e = { .kind = kind };
	struct isolate_net_cap rule = { 0 };
	char msg[sizeof(x->diag->msg)];
	const char *text;

	if (y_walk_map(x, node, "a network entry key", net_entry_keys, &e))
		return -EINVAL;
	if (!e.proto || !e.addr || !e.port)
		return y_fail(x, node, "expected keys protocol, address and port in a %s entry",
			      isolate_cap_kind_name(kind));
	if (y_string(x, e.proto, "a protocol tcp or udp", &text))
		return -EINVAL;
	if (net_proto_parse(text, &rule.proto, msg, sizeof(msg)))
		return y_fail(x, e.proto, "%s", msg);
	if (y_string(x, e.addr, "an address block like 10.0.0.0/8", &text))
		return -EINVAL;
	if (net_addr_parse(text, &rule, msg, sizeof(msg)))
		return y_fail(x, e.addr, "%s", msg);
	if (y_string(x, e.port, "a port or a port range like 1000-2000", &text))
		return -EINVAL;
	if (net_ports_parse(kind, text, &rule.port_min, &rule.port_max, msg, sizeof(msg)))
		return y_fail(x, e.port, "%s", msg);
	return add_cap(x, cell, isolate_cap_net(kind, &rule, flags), node);
}

static int parse_nets(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	unsigned int flags = (unsigned int)arg >> 8;
	enum isolate_cap_kind kind = arg & 0xff;

	if (y_seq(x, v, "a list of network entries"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++)
		if (parse_net_entry(x, v->items[i], obj, kind, flags))
			return -EINVAL;
	return 0;
}

/* ---- deny ---- */

#define DENY_ARG(kind) ((int)((ISOLATE_CAP_DENY << 8) | (kind)))

static const struct y_key deny_keys[] = {
	{ "read", parse_paths, DENY_ARG(ISOLATE_CAP_READ) },
	{ "write", parse_paths, DENY_ARG(ISOLATE_CAP_WRITE) },
	{ "exec", parse_paths, DENY_ARG(ISOLATE_CAP_EXEC) },
	{ "connect", parse_nets, DENY_ARG(ISOLATE_CAP_CONNECT) },
	{ "bind", parse_nets, DENY_ARG(ISOLATE_CAP_BIND) },
	{ NULL, NULL, 0 },
};

static int parse_deny(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	return y_walk_map(x, v, "a deny key", deny_keys, obj);
}

/* ---- limits ---- */

struct cpu_entry {
	const struct ynode *quota, *period;
};

static int parse_cpu_field(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	struct cpu_entry *e = obj;

	*(arg ? &e->period : &e->quota) = v;
	return 0;
}

static const struct y_key cpu_keys[] = {
	{ "quota_us", parse_cpu_field, 0 },
	{ "period_us", parse_cpu_field, 1 },
	{ NULL, NULL, 0 },
};

static int parse_cpu(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	struct cpu_entry e = { 0 };
	__u64 quota, period = ISOLATE_CPU_PERIOD_DEFAULT_US;
	char msg[sizeof(x->diag->msg)];

	if (y_walk_map(x, v, "a cpu key", cpu_keys, &e))
		return -EINVAL;
	if (!e.quota)
		return y_fail(x, v, "expected key 'quota_us' in cpu");
	if (y_uint(x, e.quota, "a cpu quota in microseconds", &quota))
		return -EINVAL;
	if (cpu_quota_check(quota, msg, sizeof(msg)))
		return y_fail(x, e.quota, "%s", msg);
	if (e.period && y_uint(x, e.period, "a cpu period in microseconds", &period))
		return -EINVAL;
	if (cpu_period_check(period, msg, sizeof(msg)))
		return y_fail(x, e.period, "%s", msg);
	return add_cap(x, obj, isolate_cap_cpu(quota, period), v);
}

static int parse_memory(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	char msg[sizeof(x->diag->msg)];
	const char *text;
	__u64 bytes;

	if (y_string(x, v, "a size like 512M", &text))
		return -EINVAL;
	if (size_parse(text, &bytes, msg, sizeof(msg)) || memory_check(bytes, msg, sizeof(msg)))
		return y_fail(x, v, "%s", msg);
	return add_cap(x, obj, isolate_cap_memory(bytes), v);
}

static int parse_pids(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	char msg[sizeof(x->diag->msg)];
	__u64 max;

	if (y_uint(x, v, "a number of processes", &max))
		return -EINVAL;
	if (pids_check(max, msg, sizeof(msg)))
		return y_fail(x, v, "%s", msg);
	return add_cap(x, obj, isolate_cap_pids((__u32)max), v);
}

static const struct y_key limit_keys[] = {
	{ "cpu", parse_cpu, 0 },
	{ "memory", parse_memory, 0 },
	{ "pids", parse_pids, 0 },
	{ NULL, NULL, 0 },
};

static int parse_limits(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	return y_walk_map(x, v, "a limits key", limit_keys, obj);
}

/* ---- broker ---- */

static int parse_broker(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	if (y_seq(x, v, "a list of broker rights"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		const char *text;
		__u32 right;

		if (y_string(x, v->items[i], "a broker right", &text))
			return -EINVAL;
		right = isolate_broker_right_parse(text);
		if (!right)
			return y_fail(x, v->items[i], "expected a broker right %s, got '%s'",
				      BROKER_RIGHT_NAMES, text);
		if (add_cap(x, obj, isolate_cap_broker(right), v->items[i]))
			return -EINVAL;
	}
	return 0;
}

/* ---- namespaces, allowances, sockets; abstract unix names ---- */

/* arg: the word kind (names.h): namespaces, allow, sockets. */
static int parse_words(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	const struct word_kind *w = word_kind_of((enum isolate_cap_kind)arg);
	char expected[512];

	if (y_seq(x, v, "a list of words"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		struct isolate_cap *cap;
		const char *text;
		__u32 value;

		if (y_string(x, v->items[i], w->what, &text))
			return -EINVAL;
		if (word_parse(w, text, &value)) {
			word_expected(w, expected, sizeof(expected));
			return y_fail(x, v->items[i], "expected %s, got '%s'", expected, text);
		}
		cap = w->kind == ISOLATE_CAP_NAMESPACE ? isolate_cap_namespace(value) :
		      w->kind == ISOLATE_CAP_ALLOW ? isolate_cap_allow(value) :
		      isolate_cap_socket(value);
		if (add_cap(x, obj, cap, v->items[i]))
			return -EINVAL;
	}
	return 0;
}

/* arg: the ISOLATE_NET_* right. The check refuses a name at its item. */
static int parse_unix_names(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	if (y_seq(x, v, "a list of abstract socket names"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		const char *name;

		if (y_string(x, v->items[i], "an abstract socket name like '@name'", &name))
			return -EINVAL;
		if (add_cap(x, obj, isolate_cap_unix((__u32)arg, name), v->items[i]))
			return -EINVAL;
	}
	return 0;
}

static const struct y_key unix_keys[] = {
	{ "connect", parse_unix_names, ISOLATE_NET_CONNECT },
	{ "bind", parse_unix_names, ISOLATE_NET_BIND },
	{ NULL, NULL, 0 },
};

static int parse_unix(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	return y_walk_map(x, v, "a unix key", unix_keys, obj);
}

/* ---- mode, extends ---- */

static int parse_mode(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	struct isolate_cell_policy *cell = obj;
	const char *text;

	if (y_string(x, v, "mode enforce or audit", &text))
		return -EINVAL;
	if (mode_parse(text, &cell->mode))
		return y_fail(x, v, "expected mode enforce or audit, got '%s'", text);
	return 0;
}

static int parse_cell_name(const struct yctx *x, const struct ynode *node, const char **name)
{
	if (y_string(x, node, "a cell name", name))
		return -EINVAL;
	if (!isolate_cell_name_valid(*name))
		return y_fail(x, node, "expected a cell name of 1 to 63 letters, digits, '_' or '-', got '%s'",
			      *name);
	return 0;
}

static int parse_extends(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	if (y_seq(x, v, "a list of cell names"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		struct src_pos pos = y_pos(x, v->items[i]);
		const char *name;

		if (parse_cell_name(x, v->items[i], &name))
			return -EINVAL;
		if (cell_add_extends_at(obj, name, &pos))
			return nomem(x);
	}
	return 0;
}

/* ---- cells ---- */

static const struct y_key cell_keys[] = {
	{ "mode", parse_mode, 0 },
	{ "extends", parse_extends, 0 },
	{ "read", parse_paths, ISOLATE_CAP_READ },
	{ "write", parse_paths, ISOLATE_CAP_WRITE },
	{ "exec", parse_paths, ISOLATE_CAP_EXEC },
	{ "connect", parse_nets, ISOLATE_CAP_CONNECT },
	{ "bind", parse_nets, ISOLATE_CAP_BIND },
	{ "deny", parse_deny, 0 },
	{ "limits", parse_limits, 0 },
	{ "broker", parse_broker, 0 },
	{ "namespaces", parse_words, ISOLATE_CAP_NAMESPACE },
	{ "allow", parse_words, ISOLATE_CAP_ALLOW },
	{ "sockets", parse_words, ISOLATE_CAP_SOCKET },
	{ "unix", parse_unix, 0 },
	{ NULL, NULL, 0 },
};

static int parse_cell(const struct yctx *x, const struct ynode *key, const struct ynode *body,
		      struct isolate_policy *doc)
{
	struct isolate_cell_policy *cell;
	const char *name;
	int err;

	if (parse_cell_name(x, key, &name))
		return -EINVAL;
	cell = isolate_cell_policy_new(name);
	if (!cell || !(cell->pos.file = strdup(x->file))) {
		isolate_cell_policy_free(cell);
		return nomem(x);
	}
	cell->pos.line = key->line;
	cell->pos.column = key->column;
	err = y_walk_map(x, body, "a cell key", cell_keys, cell);
	if (!err && policy_adopt_cell(doc, cell))
		err = nomem(x);	/* names are unique: y_unique_keys saw them */
	if (err)
		isolate_cell_policy_free(cell);
	return err;
}

static int parse_cells(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	if (y_unique_keys(x, v, "a mapping of cell names to cells"))
		return -EINVAL;
	if (!v->n)
		return y_fail(x, v, "expected at least one cell");
	for (size_t i = 0; i < v->n; i++)
		if (parse_cell(x, ymap_key(v, i), ymap_value(v, i), obj))
			return -EINVAL;
	return 0;
}

/* ---- the document ---- */

static int parse_include(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	if (y_seq(x, v, "a list of policy files"))
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		struct src_pos pos = y_pos(x, v->items[i]);
		const char *path;

		if (y_string(x, v->items[i], "a policy file", &path))
			return -EINVAL;
		if (policy_add_include_at(obj, path, &pos))
			return nomem(x);
	}
	return 0;
}

/* Checked before anything else: a newer document fails on its version. */
static int check_version(const struct yctx *x, const struct ynode *root)
{
	const struct ynode *v = y_find(root, "version");
	__u64 version;

	if (!v)
		return y_fail(x, root, "expected key 'version: 1' in the document");
	if (y_uint(x, v, "version 1", &version))
		return -EINVAL;
	if (version != 1)
		return y_fail(x, v, "expected version 1, got %llu", version);
	return 0;
}

static int parse_version(const struct yctx *x, const struct ynode *v, void *obj, int arg)
{
	return 0;
}

static const struct y_key document_keys[] = {
	{ "version", parse_version, 0 },
	{ "include", parse_include, 0 },
	{ "cells", parse_cells, 0 },
	{ NULL, NULL, 0 },
};

int yaml_parse_document(const char *file, const char *buf, size_t len,
			struct isolate_policy **out, struct isolate_diag *diag)
{
	const struct yctx x = { .file = file, .diag = diag };
	struct isolate_policy *doc = NULL;
	struct ynode *root;
	int err;

	*out = NULL;
	err = ytree_parse(file, buf, len, &root, diag);
	if (err)
		return err;
	if (!root) {
		diag_set(diag, file, 0, 0, "expected a policy document (version: 1, cells: ...), got an empty file");
		return -EINVAL;
	}
	err = y_unique_keys(&x, root, "a policy document (a mapping with version: 1)");
	if (!err)
		err = check_version(&x, root);
	if (!err && !y_find(root, "cells"))
		err = y_fail(&x, root, "expected key 'cells' in the document");
	if (!err) {
		doc = isolate_policy_new(file);
		err = doc ? y_walk_map(&x, root, "a document key", document_keys, doc) : nomem(&x);
	}
	ytree_free(root);
	if (err) {
		isolate_policy_free(doc);
		return err;
	}
	*out = doc;
	return 0;
}
