// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include "common/utf8.h"

size_t utf8_char_len(const unsigned char *p)
{
	unsigned int c = p[0], n, cp, min;

	if (c < 0x80)
		return c ? 1 : 0;
	if ((c & 0xe0) == 0xc0)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if ((c & 0xf8) == 0xf0)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (unsigned int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

size_t utf8_char_len_within(const unsigned char *p, size_t n)
{
	/* The length the first byte announces: no byte past n is read. */
	size_t need = p[0] < 0xc0 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;

	if (!n || need > n)
		return 0;
	return p[0] ? utf8_char_len(p) : 1;
}

bool utf8_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_char_len(p);

		if (!n)
			return false;
		p += n;
	}
	return true;
}

bool utf8_valid_bytes(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0, len; i < n; i += len) {
		len = utf8_char_len_within(p + i, n - i);
		if (!len)
			return false;
	}
	return true;
}

uint32_t utf8_decode(const unsigned char *p, size_t len)
{
	uint32_t cp = len == 1 ? p[0] : p[0] & (0xffu >> (len + 1));

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

bool unicode_shown(uint32_t cp)
{
	return !(cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
		 (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069));
}

size_t utf8_shown_len(const unsigned char *p, size_t n)
{
	size_t len = utf8_char_len_within(p, n);

	return len && unicode_shown(utf8_decode(p, len)) ? len : 0;
}
