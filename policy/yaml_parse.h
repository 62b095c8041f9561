/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* YAML text into the document form of a policy (no include is read). */
#ifndef ISOLATE_POLICY_YAML_PARSE_H
#define ISOLATE_POLICY_YAML_PARSE_H

#include <isolate/policy.h>

int yaml_parse_document(const char *file, const char *buf, size_t len,
			struct isolate_policy **out, struct isolate_diag *diag);

#endif /* ISOLATE_POLICY_YAML_PARSE_H */
