/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Sorting what is most often sorted already. */
#ifndef ISOLATE_POLICY_SORT_H
#define ISOLATE_POLICY_SORT_H

#include <stddef.h>

/*
 * qsort(base, n, size, cmp), in n comparisons when base is sorted already
 * and in about n more when only a short tail is out of order (a list that
 * was sorted, with a few appended): a live change keeps nearly everything
 * of a policy it already sorted. Of equal elements, those of the sorted
 * head come first.
 */
void sort_mostly_sorted(void *base, size_t n, size_t size,
			int (*cmp)(const void *, const void *));

#endif /* ISOLATE_POLICY_SORT_H */
