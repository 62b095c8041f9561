// SPDX-License-Identifier: GPL-2.0
/*
 * features: what this system enforces, capability by capability; with
 * --hooks, which program serves each LSM hook, on this kernel or on the
 * one whose BTF --btf names (to check a kernel before deploying to it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"
#include "tools/isolate-loader/run_backend.h"

static void print_hooks(const struct isolate_hook_choice *c, size_t n)
{
	if (json_output) {
		jw_key(&json_out, "hooks");
		jw_array_start(&json_out);
	}
	for (size_t i = 0; i < n; i++) {
		const char *program = c[i].program[0] ? c[i].program :
				      !c[i].kernel_has_hook && c[i].optional ? "(not on this kernel)" :
				      "(none)";

		if (!json_output) {
			printf("  %-24s %-32s (%s)\n", c[i].hook, program,
			       c[i].kernel_has_hook ? c[i].prototype : "no such hook");
			continue;
		}
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "hook", c[i].hook);
		jw_kv_string(&json_out, "program", c[i].program);
		jw_kv_bool(&json_out, "kernel_has_hook", c[i].kernel_has_hook);
		jw_kv_bool(&json_out, "optional", c[i].optional);
		jw_kv_string(&json_out, "prototype", c[i].prototype);
		jw_object_end(&json_out);
	}
	if (json_output)
		jw_array_end(&json_out);
}

/* --hooks: the program chosen for each hook; exit 3 if one has none. */
static int do_hooks(const char *btf)
{
	struct isolate_hook_choice c[ISOLATE_HOOKS_MAX];
	size_t n;
	int err = isolate_hook_choices(btf, c, ISOLATE_HOOKS_MAX, &n);

	if (err && !n)
		return p_err(isolate_error_exit_code(err), "features: %s", isolate_last_error());
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "btf", btf ? btf : "/sys/kernel/btf/vmlinux");
		print_hooks(c, n);
		if (err)
			jw_kv_string(&json_out, "error", isolate_last_error());
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf("LSM hooks of %s:\n", btf ? btf : "this kernel");
		print_hooks(c, n);
		if (err)
			return p_err(isolate_error_exit_code(err), "features: %s",
				     isolate_last_error());
	}
	return err ? isolate_error_exit_code(err) : EXIT_OK;
}

/*
 * One capability of each kind, as a policy would write them: what the
 * Landlock backend makes of each on this kernel's ABI.
 */
static const char *const landlock_examples[] = {
	"read:/srv", "write:/srv/out", "exec:/srv/bin", "exec:/usr/bin", "deny-read:/srv/secret",
	"connect:tcp:0.0.0.0/0:443", "connect:tcp:[::]/0:443",
	"connect:tcp:10.0.0.0/8:443", "connect:udp:0.0.0.0/0:53",
	"bind:tcp:0.0.0.0/0:8080", "bind:tcp:[::]/0:8080",
	"cpu:50000/100000", "memory:512M", "pids:64", "broker:read", "mode:audit",
	"unix-connect:@name", "namespace:user", "allow:exec-memory", "socket:inet",
};

static int landlock_features(void)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new("features");
	struct isolate_enforcement_report report;
	int abi = isolate_landlock_abi(), err = 0;

	if (!pol)
		return p_err(EXIT_FAIL, "features: out of memory");
	for (size_t i = 0; !err && i < sizeof(landlock_examples) / sizeof(landlock_examples[0]); i++) {
		struct isolate_cap *cap = NULL;

		err = isolate_cap_parse(landlock_examples[i], &cap, NULL);
		if (!err)
			err = isolate_cell_policy_add(pol, cap);
		isolate_cap_free(cap);
	}
	if (!err)
		err = isolate_landlock_report(pol, abi, &report);
	isolate_cell_policy_free(pol);
	if (err)
		return p_err(err == -EOPNOTSUPP ? EXIT_UNSUPPORTED : EXIT_FAIL, "features: %s",
			     isolate_last_error());
	print_enforcement(stdout, "landlock", &report, true);
	isolate_enforcement_report_free(&report);
	return EXIT_OK;
}

int do_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hooks", no_argument, NULL, 'H' },
		{ "btf", required_argument, NULL, 'b' },
		{ "backend", required_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 },
	};
	struct isolate_feature f[32];
	const char *backend = "bpf";
	struct isolate *iso = NULL;
	const char *btf = NULL;
	bool hooks = false;
	size_t n;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:", opts, NULL)) >= 0) {
		if (opt == 'H')
			hooks = true;
		else if (opt == 'b')
			btf = optarg;
		else if (opt == 'B')
			backend = optarg;
		else
			return usage_error(opt, argv);
	}
	if (!strcmp(backend, "landlock"))
		return landlock_features();
	if (strcmp(backend, "bpf"))
		return p_err(EXIT_USAGE, "features: --backend %s: expected bpf or landlock", backend);
	if (optind < argc || (btf && !hooks))
		return p_err(EXIT_USAGE, "usage: features [--hooks [--btf FILE]]");
	if (hooks)
		return do_hooks(btf);
	/* Loaded or not: the answer then also says whether it is attached. */
	if (isolate_open(&iso))
		iso = NULL;
	err = isolate_features(iso, f, sizeof(f) / sizeof(f[0]), &n);
	if (err) {
		isolate_close(iso);
		return p_err(EXIT_FAIL, "features: %s", isolate_last_error());
	}
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_bool(&json_out, "loaded", iso != NULL);
		jw_key(&json_out, "capabilities");
		jw_array_start(&json_out);
	} else {
		printf("isolate %s\n", iso ? "is loaded" : "is not loaded (hooks checked against the kernel only)");
	}
	for (size_t i = 0; i < n; i++) {
		const char *state = f[i].state == ISOLATE_FEATURE_ENFORCED ? "enforced" : "unavailable";

		if (!json_output) {
			printf("  %-34s %-12s %s\n", f[i].name, state, f[i].detail);
			continue;
		}
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "name", f[i].name);
		jw_kv_string(&json_out, "state", state);
		if (f[i].detail[0])
			jw_kv_string(&json_out, "detail", f[i].detail);
		jw_object_end(&json_out);
	}
	if (json_output) {
		jw_array_end(&json_out);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	}
	isolate_close(iso);
	return EXIT_OK;
}
