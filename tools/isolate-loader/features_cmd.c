// SPDX-License-Identifier: GPL-2.0
/* features: what this system enforces, capability by capability. */
#include <stdio.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/main.h"

int do_features(int argc, char **argv)
{
	struct isolate_feature f[32];
	struct isolate *iso = NULL;
	size_t n;
	int err;

	if (argc > 1)
		return p_err(EXIT_USAGE, "features takes no arguments");
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
