// SPDX-License-Identifier: GPL-2.0
/* load, unload, status */
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
	case ISOLATE_SUPPORT_HOOK_MISMATCH: return "hook-prototype-unknown";
	default: return "unknown";
	}
}

static int no_args(int argc, char **argv)
{
	int err = take_operands(&argc, argv);

	if (err)
		return err;
	if (argc > 1)
		return p_err(EXIT_USAGE, "%s takes no arguments", argv[0]);
	return 0;
}

int load_at(const char *cells_cgroup, struct isolate **out)
{
	enum isolate_kernel_support support;
	int err = isolate_load_at(cells_cgroup, out, &support);

	if (!err)
		return 0;
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "error", isolate_last_error());
		jw_kv_string(&json_out, "kernel_support", support_text(support));
		jw_kv_int(&json_out, "exit_code", isolate_error_exit_code(err));
		jw_object_end(&json_out);
		jw_finish(&json_out);
		return isolate_error_exit_code(err);
	}
	return p_err(isolate_error_exit_code(err), "load: %s", isolate_last_error());
}

int do_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cgroup-root", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cells_cgroup = NULL;
	struct isolate *iso;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:", opts, NULL)) >= 0) {
		if (opt != 'C')
			return usage_error(opt, argv);
		cells_cgroup = optarg;
	}
	if (optind < argc)
		return p_err(EXIT_USAGE, "load: unexpected argument \"%s\"", argv[optind]);
	err = load_at(cells_cgroup, &iso);
	if (err)
		return err;
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
	while ((opt = getopt_long(argc, argv, "+:f", opts, NULL)) >= 0) {
		if (opt != 'f')
			return usage_error(opt, argv);
		force = true;
	}
	if (optind < argc)
		return p_err(EXIT_USAGE, "unload: unexpected argument \"%s\"", argv[optind]);
	err = isolate_unload(force);
	/* Nothing loaded is what unload is for: an ExecStop= must not fail. */
	if (err && err != ISOLATE_ENOTLOADED)
		return p_err(isolate_error_exit_code(err), "unload: %s", isolate_last_error());
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_bool(&json_out, "unloaded", !err);
		jw_kv_bool(&json_out, "was_loaded", !err);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf(err ? "not loaded: nothing to unload\n" : "unloaded\n");
	}
	return EXIT_OK;
}

int do_status(int argc, char **argv)
{
	struct isolate *iso;
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = isolate_open(&iso);
	if (err)
		return p_err(isolate_error_exit_code(err), "status: %s", isolate_last_error());
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
	for_each_cell(iso, true);
	if (json_output) {
		jw_array_end(&json_out);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	}
	isolate_close(iso);
	return EXIT_OK;
}
