// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <string.h>

#include "common/text_escape.h"
#include "common/utf8.h"

void text_write_escaped(FILE *out, const char *s, size_t n, bool as_name)
{
	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;
		size_t len = utf8_shown_len(p, n - i, as_name);

		if (len) {
			fwrite(p, 1, len, out);
			i += len;
		} else {
			fprintf(out, "\\x%02x", *p);
			i++;
		}
	}
}

const char *text_escaped(char *buf, size_t size, const char *s, bool as_name)
{
	/* One byte kept back: fmemopen ends a full buffer with no NUL. */
	FILE *f = size > 1 ? fmemopen(buf, size - 1, "w") : NULL;

	if (!size)
		return buf;
	buf[0] = buf[size - 1] = 0;
	if (f) {
		text_write_escaped(f, s, strlen(s), as_name);
		fclose(f);
	}
	return buf;
}
