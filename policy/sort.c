/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "sort.h"

/* The first of the n elements at b that x sorts before. */
static size_t upper_bound(const char *b, size_t n, size_t size, const void *x,
			  int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(x, b + mid * size) < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * The tail sorted on its own, then put in from the back: each tail
 * element finds its place in the head by binary search, and the head
 * elements after it move once, in one block. A short tail in a long
 * head costs a few searches and moves, not a pass over all of them.
 */
void sort_mostly_sorted(void *base, size_t n, size_t size,
			int (*cmp)(const void *, const void *))
{
	char *b = base, *tail;
	size_t head = 1, k;

	while (head < n && cmp(b + (head - 1) * size, b + head * size) <= 0)
		head++;
	if (head >= n)
		return;
	k = n - head;
	/* A tail longer than the head, or no room to set it aside: sort it all. */
	if (k > head || !(tail = malloc(k * size))) {
		qsort(base, n, size, cmp);
		return;
	}
	qsort(b + head * size, k, size, cmp);
	memcpy(tail, b + head * size, k * size);
	while (k) {
		const char *x = tail + (k - 1) * size;
		size_t at = upper_bound(b, head, size, x, cmp);

		memmove(b + (at + k) * size, b + at * size, (head - at) * size);
		memcpy(b + (at + k - 1) * size, x, size);
		head = at;
		k--;
	}
	free(tail);
}
