// SPDX-License-Identifier: GPL-2.0
/* Policies made of --cap over the built-in runtime cell (or nothing). */
#include <errno.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"

int caps_policy(const char *name, const char *const caps[], size_t n, bool no_base,
		struct isolate_cell_policy **out)
{
	struct isolate_diag diag = { 0 };
	int err = 0;

	*out = isolate_cell_policy_from_base(name, !no_base, &diag);
	if (!*out && errno != EINVAL)
		return p_diag(EXIT_FAIL, &diag);
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
