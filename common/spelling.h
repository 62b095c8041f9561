/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* "Did you mean": how far a misspelled word is from a known one. */
#ifndef ISOLATE_COMMON_SPELLING_H
#define ISOLATE_COMMON_SPELLING_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether word (len bytes) is a likely misspelling of known: at most one
 * edit (insert, delete, change, or swap of neighbours) for words of up to
 * six letters, two for longer ones, and not known itself.
 */
bool spelling_near(const char *word, size_t len, const char *known);

#endif /* ISOLATE_COMMON_SPELLING_H */
