// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Edit distance with swaps of neighbours (optimal string alignment),
 * bounded: words longer than SPELLING_MAX are never near anything, so
 * the table stays on the stack.
 */
#include <string.h>

#include "common/spelling.h"

#define SPELLING_MAX 32

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
	size_t d[SPELLING_MAX + 1][SPELLING_MAX + 1];

	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[n][m];
}

bool spelling_near(const char *word, size_t len, const char *known)
{
	size_t m = strlen(known), dist;

	if (!len || len > SPELLING_MAX || m > SPELLING_MAX)
		return false;
	dist = distance(word, len, known, m);
	return dist > 0 && dist <= (m > 6 ? 2U : 1U);
}
