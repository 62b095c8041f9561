// SPDX-License-Identifier: GPL-2.0
/* load, unload, status */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/main.h"

static const char *support_text(enum isolate_kernel_support s)
{
	switch (s) {
	case ISOLATE_SUPPORT_OK: return "ok";
	case ISOLATE_SUPPORT_NO_BPF_LSM: return "bpf-lsm-inactive";
	case ISOLATE_SUPPORT_LSM_REFUSED: return "lsm-programs-refused";
	default: return "unknown";
	}
}

static int no_args(int argc, char **argv)
{
	if (argc > 1)
		return p_err(EXIT_USAGE, "%s takes no arguments", argv[0]);
	return 0;
}

int do_load(int argc, char **argv)
{
	enum isolate_kernel_support support;
	struct isolate *iso;
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = isolate_load(&iso, &support);
	if (err) {
		if (json_output) {
			jw_object_start(&json_out);
			jw_kv_string(&json_out, "error", isolate_last_error());
			jw_kv_string(&json_out, "kernel_support", support_text(support));
			jw_kv_int(&json_out, "exit_code", exit_code_of(err));
			jw_object_end(&json_out);
			jw_finish(&json_out);
			return exit_code_of(err);
		}
		return p_err(exit_code_of(err), "load: %s", isolate_last_error());
	}
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "pin_root", isolate_pin_root(iso));
		jw_kv_string(&json_out, "cells_cgroup", isolate_cells_cgroup(iso));
		jw_kv_uint(&json_out, "abi_version", ISOLATE_ABI_VERSION);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf("loaded: programs, links and maps pinned under %s; cells below %s\n",
		       isolate_pin_root(iso), isolate_cells_cgroup(iso));
	}
	isolate_close(iso);
	return EXIT_OK;
}

int do_unload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+f", opts, NULL)) >= 0) {
		if (opt != 'f')
			return EXIT_USAGE;
		force = true;
	}
	if (optind < argc)
		return p_err(EXIT_USAGE, "unload: unexpected argument \"%s\"", argv[optind]);
	err = isolate_unload(force);
	if (err)
		return p_err(exit_code_of(err), "unload: %s", isolate_last_error());
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_bool(&json_out, "unloaded", true);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf("unloaded\n");
	}
	return EXIT_OK;
}

static void print_cell(const struct isolate_cell_state *st)
{
	const struct isolate_cell_counters *c = &st->counters;
	__u64 fails = 0;

	for (int i = 0; i < ISOLATE_FAIL_MAX; i++)
		fails += c->fail_closed[i];
	if (!json_output) {
		printf("  %-20s id %-5u cgroup %-8llu gen %-4u %s  allowed %llu denied %llu audited %llu fail-closed %llu lost %llu\n",
		       st->name, st->cell.cell_id, (unsigned long long)st->cgid,
		       st->cell.generation,
		       st->cell.mode == ISOLATE_MODE_AUDIT ? "audit  " : "enforce",
		       (unsigned long long)c->allowed, (unsigned long long)c->denied,
		       (unsigned long long)c->audited, (unsigned long long)fails,
		       (unsigned long long)c->events_lost);
		return;
	}
	jw_object_start(&json_out);
	jw_kv_string(&json_out, "name", st->name);
	jw_kv_uint(&json_out, "cell_id", st->cell.cell_id);
	jw_kv_uint(&json_out, "cgroup_id", st->cgid);
	jw_kv_uint(&json_out, "generation", st->cell.generation);
	jw_kv_string(&json_out, "mode", st->cell.mode == ISOLATE_MODE_AUDIT ? "audit" : "enforce");
	jw_key(&json_out, "counters");
	jw_object_start(&json_out);
	jw_kv_uint(&json_out, "allowed", c->allowed);
	jw_kv_uint(&json_out, "denied", c->denied);
	jw_kv_uint(&json_out, "audited", c->audited);
	jw_kv_uint(&json_out, "fail_closed_walk_bound", c->fail_closed[ISOLATE_FAIL_WALK_BOUND]);
	jw_kv_uint(&json_out, "fail_closed_no_cell", c->fail_closed[ISOLATE_FAIL_NO_CELL]);
	jw_kv_uint(&json_out, "fail_closed_read", c->fail_closed[ISOLATE_FAIL_READ]);
	jw_kv_uint(&json_out, "events_lost", c->events_lost);
	jw_object_end(&json_out);
	jw_object_end(&json_out);
}

int do_status(int argc, char **argv)
{
	struct isolate_cell_state st;
	struct isolate *iso;
	struct dirent *de;
	DIR *d;
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = isolate_open(&iso);
	if (err)
		return p_err(exit_code_of(err), "status: %s", isolate_last_error());
	d = opendir(isolate_cells_cgroup(iso));
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_bool(&json_out, "loaded", true);
		jw_kv_string(&json_out, "pin_root", isolate_pin_root(iso));
		jw_kv_string(&json_out, "cells_cgroup", isolate_cells_cgroup(iso));
		jw_kv_uint(&json_out, "abi_version", ISOLATE_ABI_VERSION);
		jw_key(&json_out, "cells");
		jw_array_start(&json_out);
	} else {
		printf("loaded: %s (ABI v%d), cells below %s\n", isolate_pin_root(iso),
		       ISOLATE_ABI_VERSION, isolate_cells_cgroup(iso));
	}
	while (d && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (!isolate_cell_get(iso, de->d_name, &st))
			print_cell(&st);
	}
	if (d)
		closedir(d);
	if (json_output) {
		jw_array_end(&json_out);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	}
	isolate_close(iso);
	return EXIT_OK;
}
