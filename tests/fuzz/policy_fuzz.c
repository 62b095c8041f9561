// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the policy parser. Any input must be refused with a
 * diagnostic or parsed; what parses must survive every serialization:
 *   emit -> parse gives an equal document, and emitting that gives the
 *   same bytes (fmt is idempotent);
 *   every capability's text form parses back to the same capability;
 *   normalizing a resolved cell twice changes nothing the second time.
 * A broken property aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#define FUZZ_NAME "fuzz.yaml"

static void require(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "policy_fuzz: property broken: %s\n", what);
		abort();
	}
}

static void check_text_forms(const struct isolate_cell_policy *c)
{
	for (size_t i = 0; i < isolate_cell_policy_cap_count(c); i++) {
		const struct isolate_cap *cap = isolate_cell_policy_cap(c, i);
		struct isolate_cap *back = NULL;
		struct isolate_diag diag;
		char text[4300];

		require(isolate_cap_format(cap, text, sizeof(text)) < (int)sizeof(text),
			"text form fits");
		require(!isolate_cap_parse(text, &back, &diag), "text form parses");
		require(!isolate_cap_compare(cap, back), "text form round trip");
		isolate_cap_free(back);
	}
}

static void check_normalize(const struct isolate_cell_policy *c)
{
	struct isolate_cell_policy *once = NULL, *twice = NULL;

	if (isolate_cell_policy_normalize(c, &once))
		return;	/* out of memory */
	require(!isolate_cell_policy_normalize(once, &twice), "normalize twice");
	require(isolate_cell_policy_cap_count(once) == isolate_cell_policy_cap_count(twice),
		"normalize is idempotent (count)");
	for (size_t i = 0; i < isolate_cell_policy_cap_count(once); i++)
		require(!isolate_cap_compare(isolate_cell_policy_cap(once, i),
					     isolate_cell_policy_cap(twice, i)),
			"normalize is idempotent");
	isolate_cell_policy_free(once);
	isolate_cell_policy_free(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct isolate_policy *p = NULL, *q = NULL;
	struct isolate_diag diag;
	char *yaml = NULL, *again = NULL, line[600];
	size_t len, len2;

	if (isolate_policy_parse(FUZZ_NAME, (const char *)data, size, &p, &diag)) {
		/* A refusal must say where and why. */
		require(isolate_diag_format(&diag, line, sizeof(line)) > 0, "diagnostic");
		return 0;
	}
	require(!isolate_policy_emit(p, &yaml, &len), "emit");
	require(!isolate_policy_parse(FUZZ_NAME, yaml, len, &q, &diag), "emitted YAML parses");
	require(isolate_policy_equal(p, q), "parse(emit(x)) == x");
	require(!isolate_policy_emit(q, &again, &len2), "emit again");
	require(len == len2 && !memcmp(yaml, again, len), "fmt is idempotent");
	for (size_t i = 0; i < isolate_policy_cell_count(p); i++) {
		const struct isolate_cell_policy *c = isolate_policy_cell(p, i);

		require(isolate_cell_policy_equal(c, isolate_policy_cell(q, i)),
			"resolved cells survive the round trip");
		check_text_forms(c);
		check_normalize(c);
	}
	free(yaml);
	free(again);
	isolate_policy_free(p);
	isolate_policy_free(q);
	return 0;
}
