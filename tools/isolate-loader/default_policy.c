// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in default policy: policy/default.yaml, which includes
 * policy/base.yaml, both compiled into the loader so `run` works with no
 * policy file installed.
 */
#include <string.h>

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
