// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the host policy tests. */
#ifndef ISOLATE_POLICY_TEST_UTIL_H
#define ISOLATE_POLICY_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

/* Deterministic randomness: xorshift64*, seeded from ISOLATE_TEST_SEED or a default. */
static uint64_t test_rng_state;

static inline uint64_t test_seed(uint64_t fallback)
{
	const char *env = getenv("ISOLATE_TEST_SEED");

	test_rng_state = env ? strtoull(env, NULL, 0) : fallback;
	if (!test_rng_state)
		test_rng_state = 1;
	return test_rng_state;
}

static inline uint64_t rnd(void)
{
	test_rng_state ^= test_rng_state >> 12;
	test_rng_state ^= test_rng_state << 25;
	test_rng_state ^= test_rng_state >> 27;
	return test_rng_state * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [0, n). */
static inline unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* A cell named name with the capabilities of texts, added in order. */
static inline struct isolate_cell_policy *cell_of(const char *name, const char *const *texts,
						  size_t n)
{
	struct isolate_cell_policy *c = isolate_cell_policy_new(name);

	for (size_t i = 0; c && i < n; i++) {
		struct isolate_cap *cap = NULL;
		struct isolate_diag diag = { 0 };

		if (isolate_cap_parse(texts[i], &cap, &diag) || isolate_cell_policy_add(c, cap)) {
			fprintf(stderr, "# bad test capability %s: %s\n", texts[i], diag.msg);
			isolate_cap_free(cap);
			isolate_cell_policy_free(c);
			return NULL;
		}
		isolate_cap_free(cap);
	}
	return c;
}

/* The capabilities of c as texts joined by ", " into buf. */
static inline const char *cell_texts(const struct isolate_cell_policy *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < isolate_cell_policy_cap_count(c) && used < len; i++) {
		char text[256];

		isolate_cap_format(isolate_cell_policy_cap(c, i), text, sizeof(text));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", text);
	}
	return buf;
}

/* Whether a and b hold the same capabilities in the same order. */
static inline int same_sequence(const struct isolate_cell_policy *a,
				const struct isolate_cell_policy *b)
{
	if (isolate_cell_policy_cap_count(a) != isolate_cell_policy_cap_count(b))
		return 0;
	for (size_t i = 0; i < isolate_cell_policy_cap_count(a); i++)
		if (isolate_cap_compare(isolate_cell_policy_cap(a, i), isolate_cell_policy_cap(b, i)))
			return 0;
	return 1;
}

#endif /* ISOLATE_POLICY_TEST_UTIL_H */
