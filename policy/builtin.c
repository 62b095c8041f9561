/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The built-in policy document: policy/default.yaml, including
 * policy/base.yaml, both linked in (builtin_yaml.S). Its cell `runtime` is
 * the base of one-shot policies made of capabilities.
 */
#include <errno.h>
#include <string.h>

#include <isolate/policy.h>

extern const char isolate_builtin_default_yaml[];
extern const char isolate_builtin_base_yaml[];

int isolate_policy_builtin(struct isolate_policy **out, struct isolate_diag *diag)
{
	const struct isolate_policy_source sources[] = {
		{ "base.yaml", isolate_builtin_base_yaml, strlen(isolate_builtin_base_yaml) },
	};

	return isolate_policy_parse_with(ISOLATE_POLICY_BUILTIN_NAME, isolate_builtin_default_yaml,
					 strlen(isolate_builtin_default_yaml), sources, 1, out,
					 diag);
}

struct isolate_cell_policy *isolate_cell_policy_from_base(const char *name, bool base,
							  struct isolate_diag *diag)
{
	struct isolate_policy *doc = NULL;
	struct isolate_cell_policy *c;
	int err;

	if (!base)
		return isolate_cell_policy_new(name);
	err = isolate_policy_builtin(&doc, diag);
	if (err) {
		errno = -err;
		return NULL;
	}
	c = isolate_cell_policy_dup_named(isolate_policy_find(doc, "runtime"), name);
	isolate_policy_free(doc);
	return c;
}
