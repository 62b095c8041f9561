// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in default policy: policy/default.yaml, which includes
 * policy/base.yaml, both compiled into the loader so `run` works with no
 * policy file installed; and policies made of --cap over its runtime cell.
 */
#include <string.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"

int default_policy_parse(struct isolate_policy **out, struct isolate_diag *diag)
{
	const struct isolate_policy_source sources[] = {
		{ "base.yaml", base_policy_yaml, strlen(base_policy_yaml) },
	};

	return isolate_policy_parse_with("<built-in>/default.yaml", default_policy_yaml,
					 strlen(default_policy_yaml), sources, 1, out, diag);
}

int caps_policy(const char *name, const char *const caps[], size_t n, bool no_base,
		struct isolate_cell_policy **out)
{
	struct isolate_policy *doc = NULL;
	struct isolate_diag diag = { 0 };
	int err = 0;

	if (no_base) {
		*out = isolate_cell_policy_new(name);
	} else {
		err = default_policy_parse(&doc, &diag);
		if (err)
			return p_diag(EXIT_FAIL, &diag);
		*out = isolate_cell_policy_dup_named(isolate_policy_find(doc, "runtime"), name);
		isolate_policy_free(doc);
	}
	if (!*out)
		return p_err(EXIT_USAGE, "invalid cell name \"%s\"", name);
	for (size_t i = 0; !err && i < n; i++) {
		struct isolate_cap *cap = NULL;

		if (isolate_cap_parse(caps[i], &cap, &diag) || isolate_cell_policy_add(*out, cap))
			err = p_err(EXIT_USAGE, "--cap %s: %s", caps[i],
				    diag.msg[0] ? diag.msg : isolate_last_error());
		isolate_cap_free(cap);
	}
	if (err) {
		isolate_cell_policy_free(*out);
		*out = NULL;
	}
	return err;
}
