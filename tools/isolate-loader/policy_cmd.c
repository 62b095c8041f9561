// SPDX-License-Identifier: GPL-2.0
/*
 * policy check | fmt | compile | explain: a policy file (or the built-in
 * default, --default) validated, printed in canonical form, compiled to the
 * map images the loader writes, or asked about one operation. Nothing here
 * needs the kernel: explain answers from the compiled image.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"

#define BUILT_IN_NAME "<built-in>/default.yaml"

struct policy_args {
	const char *file;	/* NULL for --default */
	const char *cell;	/* --cell */
	const char *op;		/* --op (explain) */
	const char *target;	/* explain's operand */
};

static const char *file_name(const struct policy_args *a)
{
	return a->file ? a->file : BUILT_IN_NAME;
}

static int diag_err(const struct isolate_diag *diag)
{
	return p_diag(EXIT_FAIL, diag);
}

/*
 * FILE or --default, and the options of cmd; explain also takes TARGET.
 * Returns 0 or an exit code.
 */
static int parse_args(int argc, char **argv, bool explain, struct policy_args *a)
{
	static const struct option opts[] = {
		{ "default", no_argument, NULL, 'D' },
		{ "cell", required_argument, NULL, 'c' },
		{ "op", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	bool built_in = false;
	int opt, want = explain ? 2 : 1;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		switch (opt) {
		case 'D':
			built_in = true;
			break;
		case 'c':
			a->cell = optarg;
			break;
		case 'o':
			a->op = optarg;
			break;
		default:
			return usage_error(opt, argv);
		}
	}
	if (built_in)
		want--;
	if (argc - optind != want || (explain && !a->op))
		return p_err(EXIT_USAGE, explain ?
			     "usage: policy explain FILE|--default [--cell NAME] --op read|write|exec|connect|bind TARGET" :
			     "usage: policy %s FILE|--default%s", argv[0],
			     !strcmp(argv[0], "compile") ? " [--cell NAME]" : "");
	if (!built_in)
		a->file = argv[optind++];
	if (explain)
		a->target = argv[optind];
	return 0;
}

static int load(const struct policy_args *a, struct isolate_policy **p)
{
	struct isolate_diag diag = { 0 };
	int err = a->file ? isolate_policy_load(a->file, p, &diag) :
			    isolate_policy_builtin(p, &diag);

	return err ? diag_err(&diag) : 0;
}

/* --cell NAME, or the document's last cell (the one `run` uses). */
static const struct isolate_cell_policy *pick_cell(const struct isolate_policy *p,
						    const struct policy_args *a)
{
	size_t n = isolate_policy_cell_count(p);
	const struct isolate_cell_policy *c = a->cell ? isolate_policy_find(p, a->cell) :
					      n ? isolate_policy_cell(p, n - 1) : NULL;

	if (!c)
		p_err(EXIT_FAIL, "%s: no cell named %s", file_name(a), a->cell ? a->cell : "(none)");
	return c;
}

/* ---- check ---- */

/* The write grants of a cell that reach outside it: warnings, not errors. */
struct check_warnings {
	struct isolate_outside_write *w;
	size_t n;
};

static void print_warnings_json(const struct check_warnings *cw)
{
	jw_key(&json_out, "warnings");
	jw_array_start(&json_out);
	for (size_t i = 0; i < cw->n; i++) {
		const struct isolate_outside_write *w = &cw->w[i];

		jw_object_start(&json_out);
		jw_kv_string(&json_out, "file", w->file);
		jw_kv_uint(&json_out, "line", w->line);
		jw_kv_uint(&json_out, "column", w->column);
		jw_kv_string(&json_out, "grant", w->grant);
		jw_kv_string(&json_out, "place", w->place);
		jw_kv_string(&json_out, "why", w->why);
		jw_object_end(&json_out);
	}
	jw_array_end(&json_out);
}

static void print_warnings(const struct isolate_cell_policy *c, const struct check_warnings *cw)
{
	for (size_t i = 0; i < cw->n; i++) {
		const struct isolate_outside_write *w = &cw->w[i];

		p_info("%s:%u:%u: warning: cell %s: write:%s reaches %s: %s",
		       w->file ? w->file : "?", w->line, w->column, isolate_cell_policy_name(c),
		       w->grant, w->place, w->why);
	}
}

static void print_check_cell(const struct isolate_cell_policy *c, const struct isolate_image *img,
			     const struct check_warnings *cw)
{
	struct isolate_capacity cap[4];
	size_t n = isolate_image_capacity(img, cap, 4);

	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "name", isolate_cell_policy_name(c));
		for (size_t i = 0; i < n && i < 4; i++)
			jw_kv_uint(&json_out, cap[i].map, cap[i].used);
		jw_key(&json_out, "skipped");
		jw_array_start(&json_out);
		for (size_t i = 0; i < img->n_skipped; i++)
			jw_string(&json_out, img->skipped[i]);
		jw_array_end(&json_out);
		print_warnings_json(cw);
		jw_object_end(&json_out);
		return;
	}
	printf("  cell %s: %zu rules", isolate_cell_policy_name(c), img->n_rules);
	for (size_t i = 0; i < n && i < 4; i++)
		printf(", %s %zu/%zu", cap[i].map, cap[i].used, cap[i].size);
	printf("\n");
	for (size_t i = 0; i < img->n_skipped; i++)
		printf("    skipped (optional, not found): %s\n", img->skipped[i]);
}

static int policy_check(int argc, char **argv)
{
	struct isolate_policy *p = NULL;
	struct isolate_image **imgs;
	struct check_warnings *warnings;
	struct isolate_diag diag = { 0 };
	struct policy_args a;
	size_t n;
	int ret = parse_args(argc, argv, false, &a);

	if (ret || (ret = load(&a, &p)))
		return ret;
	n = isolate_policy_cell_count(p);
	imgs = calloc(n ? n : 1, sizeof(*imgs));
	warnings = calloc(n ? n : 1, sizeof(*warnings));
	if (!imgs || !warnings) {
		free(imgs);
		free(warnings);
		isolate_policy_free(p);
		return p_err(EXIT_FAIL, "out of memory");
	}
	/* Every cell compiles, or the first error is the answer. */
	for (size_t i = 0; i < n && !ret; i++)
		if (isolate_compile(isolate_policy_cell(p, i), &imgs[i], &diag))
			ret = diag_err(&diag);
	for (size_t i = 0; i < n && !ret; i++)
		if (isolate_outside_writes(isolate_policy_cell(p, i), NULL, &warnings[i].w,
					   &warnings[i].n))
			ret = p_err(EXIT_FAIL, "out of memory");
	if (!ret) {
		for (size_t i = 0; i < n; i++)
			print_warnings(isolate_policy_cell(p, i), &warnings[i]);
		if (json_output) {
			jw_object_start(&json_out);
			jw_kv_string(&json_out, "file", file_name(&a));
			jw_kv_bool(&json_out, "ok", true);
			jw_key(&json_out, "cells");
			jw_array_start(&json_out);
		} else {
			printf("%s: ok, %zu cell%s\n", file_name(&a), n, n == 1 ? "" : "s");
		}
		for (size_t i = 0; i < n; i++)
			print_check_cell(isolate_policy_cell(p, i), imgs[i], &warnings[i]);
		if (json_output) {
			jw_array_end(&json_out);
			jw_object_end(&json_out);
			jw_finish(&json_out);
		}
	}
	for (size_t i = 0; i < n; i++) {
		isolate_image_free(imgs[i]);
		isolate_outside_writes_free(warnings[i].w, warnings[i].n);
	}
	free(imgs);
	free(warnings);
	isolate_policy_free(p);
	return ret;
}

/* ---- fmt ---- */

static int policy_fmt(int argc, char **argv)
{
	struct isolate_policy *p = NULL;
	struct policy_args a;
	char *yaml = NULL;
	size_t len;
	int ret = parse_args(argc, argv, false, &a);

	if (ret || (ret = load(&a, &p)))
		return ret;
	if (isolate_policy_emit(p, &yaml, &len)) {
		isolate_policy_free(p);
		return p_err(EXIT_FAIL, "%s: cannot format: out of memory", file_name(&a));
	}
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "file", file_name(&a));
		jw_kv_string(&json_out, "yaml", yaml);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		fwrite(yaml, 1, len, stdout);
	}
	free(yaml);
	isolate_policy_free(p);
	return EXIT_OK;
}

/* ---- compile ---- */

static const char *rights_text(__u32 allow, char buf[4])
{
	buf[0] = allow & ISOLATE_ACCESS_READ ? 'r' : '-';
	buf[1] = allow & ISOLATE_ACCESS_WRITE ? 'w' : '-';
	buf[2] = allow & ISOLATE_ACCESS_EXEC ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

static void print_rule_ref(__u32 id)
{
	if (id == ISOLATE_RULE_NONE)
		printf("-");
	else
		printf("%u", id);
}

static void print_net_entry(const struct isolate_image_net *e)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(e->key.family == 4 ? AF_INET : AF_INET6, e->key.addr, addr, sizeof(addr)))
		strcpy(addr, "?");
	printf("    %s %s %s/%u: ports", e->key.op == ISOLATE_NET_CONNECT ? "connect" : "bind",
	       e->key.proto == 6 ? "tcp" : "udp", addr, e->key.prefixlen - ISOLATE_NET_FIXED_BITS);
	if (!e->rule.n_ranges)
		printf(" none");
	for (__u32 i = 0; i < e->rule.n_ranges && i < ISOLATE_NET_PORT_RANGES; i++)
		printf(" %u-%u (rule %u)", e->rule.ranges[i].lo, e->rule.ranges[i].hi,
		       e->rule.ranges[i].rule_id);
	if (e->rule.deny_rule_id == ISOLATE_RULE_NONE)
		printf("; others denied by default\n");
	else
		printf("; others denied, blamed on rule %u\n", e->rule.deny_rule_id);
}

static void print_image(const struct isolate_cell_policy *c, const struct isolate_image *img)
{
	struct isolate_capacity cap[4];
	size_t n = isolate_image_capacity(img, cap, 4);
	char rights[4];

	printf("cell %s (%s)\n", isolate_cell_policy_name(c),
	       img->mode == ISOLATE_MODE_AUDIT ? "audit" : "enforce");
	for (size_t i = 0; i < n && i < 4; i++)
		printf("  %s: %zu of %zu entries\n", cap[i].map, cap[i].used, cap[i].size);
	printf("  rules:\n");
	for (size_t i = 0; i < img->n_rules; i++)
		printf("    %u %s\n", img->rule_ids[i], img->rule_text[i]);
	printf("  inode_rules (dev ino allow rule path):\n");
	for (size_t i = 0; i < img->n_inodes; i++) {
		const struct isolate_image_inode *e = &img->inodes[i];

		printf("    %u:%u %llu %s ", e->dev >> 20, e->dev & 0xfffff, e->ino,
		       rights_text(e->rule.allow, rights));
		print_rule_ref(e->rule.rule_id);
		printf(" %s\n", e->path);
	}
	if (img->n_net) {
		printf("  net_rules:\n");
		for (size_t i = 0; i < img->n_net; i++)
			print_net_entry(&img->net[i]);
	}
	if (img->limits.cpu_quota_us || img->limits.memory_max || img->limits.pids_max)
		printf("  limits: cpu %llu/%llu us, memory %llu bytes, pids %u (0: no limit)\n",
		       img->limits.cpu_quota_us, img->limits.cpu_period_us, img->limits.memory_max,
		       img->limits.pids_max);
	if (img->broker_rights)
		printf("  broker rights: 0x%x\n", img->broker_rights);
	for (size_t i = 0; i < img->n_skipped; i++)
		printf("  skipped (optional, not found): %s\n", img->skipped[i]);
}

static int compile_one(const struct isolate_cell_policy *c, bool first)
{
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };

	if (isolate_compile(c, &img, &diag))
		return diag_err(&diag);
	if (json_output) {
		struct embed e;
		FILE *f = embed_begin(&e);

		jw_object_start(&json_out);
		jw_kv_string(&json_out, "name", isolate_cell_policy_name(c));
		jw_key(&json_out, "image");
		embed_end(&e, f ? isolate_image_write_json(img, f, false) : -ENOMEM);
		jw_object_end(&json_out);
	} else {
		if (!first)
			printf("\n");
		print_image(c, img);
	}
	isolate_image_free(img);
	return EXIT_OK;
}

static int policy_compile(int argc, char **argv)
{
	struct isolate_policy *p = NULL;
	const struct isolate_cell_policy *only = NULL;
	struct policy_args a;
	int ret = parse_args(argc, argv, false, &a);

	if (ret || (ret = load(&a, &p)))
		return ret;
	if (a.cell && !(only = pick_cell(p, &a))) {
		isolate_policy_free(p);
		return EXIT_FAIL;
	}
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "file", file_name(&a));
		jw_key(&json_out, "cells");
		jw_array_start(&json_out);
	}
	if (only)
		ret = compile_one(only, true);
	for (size_t i = 0; !only && !ret && i < isolate_policy_cell_count(p); i++)
		ret = compile_one(isolate_policy_cell(p, i), i == 0);
	/* An error was printed as a whole JSON document: do not close this one. */
	if (json_output && !ret) {
		jw_array_end(&json_out);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	}
	isolate_policy_free(p);
	return ret;
}

/* ---- explain ---- */

/* The operations explain answers for: the kinds of files and addresses. */
static enum isolate_cap_kind op_of(const char *name)
{
	enum isolate_cap_kind k = isolate_cap_kind_parse(name);

	return k >= ISOLATE_CAP_READ && k <= ISOLATE_CAP_BIND ? k : 0;
}

static const char *refusal_reason(const struct isolate_verdict *v)
{
	switch (v->refused_because) {
	case ISOLATE_VERDICT_WALK_BOUND:
		return "deeper than the kernel walks (fail closed)";
	case ISOLATE_VERDICT_CGROUPFS:
		return "cells may not write to or open directories of a cgroup filesystem";
	case ISOLATE_VERDICT_BPFFS:
		return "cells may not open anything on bpffs (isolate's pins)";
	case ISOLATE_VERDICT_BLOCK_DEVICE:
		return "cells may not open block devices, nor the character devices that pass commands to a disk";
	case ISOLATE_VERDICT_DEVICE_NOT_NAMED:
		return "a character device is opened only by a rule on its node, not by one on a directory above it";
	case ISOLATE_VERDICT_SOCKET_NOT_NAMED:
		return "a unix socket made outside the cell is reached only by a rule on its node, not by one on a directory above it";
	case ISOLATE_VERDICT_FIFO_NOT_NAMED:
		return "a FIFO made outside the cell is opened only by a rule on its node, not by one on a directory above it";
	case ISOLATE_VERDICT_KERNEL_STATE_NOT_NAMED:
		return "tracefs, debugfs, securityfs, pstore and efivarfs are read only by a rule inside them, not by one on a directory above their mount";
	case ISOLATE_VERDICT_DUAL_STACK:
		return "a socket bound to :: takes IPv4 peers too unless it sets IPV6_V6ONLY: bind the port on 0.0.0.0/0 as well, or set IPV6_V6ONLY (then the IPv6 rule is enough)";
	case ISOLATE_VERDICT_EVERY_ADDRESS:
		return "a socket bound to 0.0.0.0 or :: takes the port on every address of the host: granted only where the policy grants the port on the whole family, no deny carving it (bind the addresses granted instead)";
	case ISOLATE_VERDICT_UNSPECIFIED_ADDRESS:
		return "0.0.0.0 and :: go to loopback or the socket's source address or its device's, which no rule names: connect to 127.0.0.1 or ::1";
	default:
		return NULL;
	}
}

static void print_verdict(const struct isolate_cell_policy *c, enum isolate_cap_kind op,
			  const struct policy_args *a, const struct isolate_verdict *v)
{
	const char *reason = refusal_reason(v);

	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "cell", isolate_cell_policy_name(c));
		jw_kv_string(&json_out, "op", isolate_cap_kind_name(op));
		jw_kv_string(&json_out, "target", a->target);
		jw_kv_string(&json_out, "object", v->object);
		jw_kv_bool(&json_out, "allowed", v->allowed);
		jw_kv_bool(&json_out, "audit", v->audit);
		jw_key(&json_out, "rule_id");
		if (v->rule_id == ISOLATE_RULE_NONE)
			jw_null(&json_out);
		else
			jw_uint(&json_out, v->rule_id);
		jw_kv_string(&json_out, "rule", v->rule_text);
		jw_kv_string(&json_out, "refused_because", reason);
		jw_key(&json_out, "entry");
		if (v->entry) {
			jw_object_start(&json_out);
			jw_kv_string(&json_out, "path", v->entry->path);
			jw_kv_uint(&json_out, "dev", v->entry->dev);
			jw_kv_uint(&json_out, "ino", v->entry->ino);
			jw_kv_uint(&json_out, "allow", v->entry->rule.allow);
			jw_object_end(&json_out);
		} else {
			jw_null(&json_out);
		}
		jw_object_end(&json_out);
		jw_finish(&json_out);
		return;
	}
	printf("%s: %s %s in cell %s\n", v->allowed ? "allowed" : "denied", isolate_cap_kind_name(op),
	       v->object, isolate_cell_policy_name(c));
	if (reason)
		printf("  refused: %s\n", reason);
	else if (v->rule_text)
		printf("  decided by rule %u: %s\n", v->rule_id, v->rule_text);
	else
		printf("  no rule grants it: denied by default\n");
	if (v->entry)
		printf("  the walk stopped at %s\n", v->entry->path);
	if (!v->allowed && v->audit)
		printf("  the cell is in audit mode: the kernel logs this and lets it happen\n");
}

static int policy_explain(int argc, char **argv)
{
	const struct isolate_cell_policy *c;
	struct isolate_policy *p = NULL;
	struct isolate_image *img = NULL;
	struct isolate_diag diag = { 0 };
	struct isolate_verdict v;
	enum isolate_cap_kind op;
	struct policy_args a;
	int ret = parse_args(argc, argv, true, &a);

	if (ret)
		return ret;
	op = op_of(a.op);
	if (!op)
		return p_err(EXIT_USAGE, "policy explain: --op %s: expected read, write, exec, connect or bind",
			     a.op);
	if ((ret = load(&a, &p)))
		return ret;
	c = pick_cell(p, &a);
	if (!c)
		ret = EXIT_FAIL;
	else if (isolate_compile(c, &img, &diag) || isolate_explain(img, op, a.target, &v, &diag))
		ret = diag_err(&diag);
	else
		print_verdict(c, op, &a, &v);
	isolate_image_free(img);
	isolate_policy_free(p);
	return ret;
}

static const char policy_overview[] =
	"Usage: isolate-loader [-j|-p] policy COMMAND (FILE | --default) ...\n"
	"  check FILE               parse, resolve includes and extends, compile every cell\n"
	"  fmt FILE                 print the canonical form (comments are not kept)\n"
	"  compile FILE [--cell NAME]\n"
	"                           print the map images and their use of each map\n"
	"  explain FILE [--cell NAME] --op read|write|exec|connect|bind TARGET\n"
	"                           allowed or denied, and which rule decided; TARGET is\n"
	"                           a path, or PROTOCOL:ADDRESS:PORT (tcp:10.1.2.3:443)\n"
	"--default uses the built-in default policy instead of FILE. --cell defaults\n"
	"to the document's last cell. Documentation/policy.md describes the format.\n";

int do_policy(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "check", policy_check,
		  "FILE | --default\n"
		  "Parse, resolve includes and extends, and compile every cell.\n"
		  "Errors name the file, line and column. Warns (stderr, exit status\n"
		  "unchanged) of write grants that reach what programs outside the\n"
		  "cell run or obey: shell startup files, .git/hooks, cron ...\n" },
		{ "fmt", policy_fmt,
		  "FILE | --default\n"
		  "Print the canonical form (comments are not kept).\n" },
		{ "compile", policy_compile,
		  "FILE | --default [--cell NAME]\n"
		  "Print the map images of a cell and their use of each map.\n" },
		{ "explain", policy_explain,
		  "FILE | --default [--cell NAME] --op read|write|exec|connect|bind TARGET\n"
		  "Allowed or denied, and which rule decided. TARGET is a path, or\n"
		  "PROTOCOL:ADDRESS:PORT (tcp:10.1.2.3:443).\n" },
		{ "suggest", policy_suggest,
		  "--from-events FILE [--cell NAME] [--policy BASE]\n"
		  "The smallest policy granting what a run asked for: its audit (and deny)\n"
		  "events, JSON lines as supervise --out and events -j write them (FILE -:\n"
		  "stdin). A directory instead of its files where all of them were used;\n"
		  "each grant says how many events asked for it. With BASE (the policy\n"
		  "the run had): a cell extending BASE's last cell, BASE included.\n" },
		{ NULL, NULL, NULL },
	};

	return cmd_select("policy", cmds, argc - 1, argv + 1, policy_overview);
}
