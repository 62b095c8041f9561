/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Policy objects as JSON values inside a document being written. */
#ifndef ISOLATE_POLICY_JSON_OUT_H
#define ISOLATE_POLICY_JSON_OUT_H

#include <isolate/policy.h>

#include "common/json_writer.h"

void json_cap(struct json_writer *jw, const struct isolate_cap *cap);
void json_cell_policy(struct json_writer *jw, const struct isolate_cell_policy *c);
void json_image(struct json_writer *jw, const struct isolate_image *img);

#endif /* ISOLATE_POLICY_JSON_OUT_H */
