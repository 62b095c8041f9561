/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
#include <stdlib.h>
#include <string.h>

#include "sort.h"

void sort_mostly_sorted(void *base, size_t n, size_t size,
			int (*cmp)(const void *, const void *))
{
	char *b = base, *merged, *out;
	size_t head = 1, i = 0, j;

	while (head < n && cmp(b + (head - 1) * size, b + head * size) <= 0)
		head++;
	if (head >= n)
		return;
	/* A tail longer than the head, or no room to merge in: sort it all. */
	if (n - head > head || !(merged = malloc(n * size))) {
		qsort(base, n, size, cmp);
		return;
	}
	qsort(b + head * size, n - head, size, cmp);
	out = merged;
	for (j = head; i < head && j < n; out += size) {
		if (cmp(b + j * size, b + i * size) < 0)
			memcpy(out, b + j++ * size, size);
		else
			memcpy(out, b + i++ * size, size);
	}
	memcpy(out, b + i * size, (head - i) * size);
	out += (head - i) * size;
	memcpy(out, b + j * size, (n - j) * size);
	memcpy(base, merged, n * size);
	free(merged);
}
