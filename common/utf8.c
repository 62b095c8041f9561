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

/*
 * The characters not written as themselves, in code point order. Never:
 * the controls and DEL (a terminal obeys them), the line and paragraph
 * separators (a reader starts a new line), the bidirectional controls (they
 * reorder the text around them, as in "Trojan Source"). Not in a name: the
 * space separators a reader splits words at (Python's str.split() does at
 * U+00A0) and the format characters a reader does not see, nor the letters
 * and symbols drawn as blank (the Hangul fillers, the blank Braille
 * pattern), so that a name shows no space and nothing hidden between what
 * reads as two words.
 */
static const struct unshown {
	uint32_t first, last;
	bool in_names_only;
} unshown[] = {
	{ 0x0000, 0x001f, false },	/* C0 controls */
	{ 0x007f, 0x009f, false },	/* DEL, C1 controls (U+009B is CSI) */
	{ 0x00a0, 0x00a0, true },	/* no-break space */
	{ 0x00ad, 0x00ad, true },	/* soft hyphen */
	{ 0x0600, 0x0605, true },	/* Arabic number signs */
	{ 0x061c, 0x061c, true },	/* Arabic letter mark */
	{ 0x06dd, 0x06dd, true },
	{ 0x070f, 0x070f, true },
	{ 0x0890, 0x0891, true },
	{ 0x08e2, 0x08e2, true },
	{ 0x115f, 0x1160, true },	/* Hangul choseong and jungseong fillers */
	{ 0x1680, 0x1680, true },	/* Ogham space mark */
	{ 0x180e, 0x180e, true },	/* Mongolian vowel separator */
	{ 0x2000, 0x200a, true },	/* en quad .. hair space */
	{ 0x200b, 0x200f, true },	/* zero width space, joiners, LRM, RLM */
	{ 0x2028, 0x2029, false },	/* line and paragraph separators */
	{ 0x202a, 0x202e, false },	/* bidirectional embeddings, overrides */
	{ 0x202f, 0x202f, true },	/* narrow no-break space */
	{ 0x205f, 0x205f, true },	/* medium mathematical space */
	{ 0x2060, 0x2064, true },	/* word joiner, invisible operators */
	{ 0x2066, 0x2069, false },	/* bidirectional isolates */
	{ 0x206a, 0x206f, true },	/* deprecated format characters */
	{ 0x2800, 0x2800, true },	/* Braille pattern blank */
	{ 0x3000, 0x3000, true },	/* ideographic space */
	{ 0x3164, 0x3164, true },	/* Hangul filler */
	{ 0xfeff, 0xfeff, true },	/* zero width no-break space (BOM) */
	{ 0xffa0, 0xffa0, true },	/* halfwidth Hangul filler */
	{ 0xfff9, 0xfffb, true },	/* interlinear annotation */
	{ 0x110bd, 0x110bd, true },
	{ 0x110cd, 0x110cd, true },
	{ 0x13430, 0x1343f, true },	/* Egyptian hieroglyph format controls */
	{ 0x1bca0, 0x1bca3, true },	/* shorthand format controls */
	{ 0x1d173, 0x1d17a, true },	/* musical symbol format controls */
	{ 0xe0001, 0xe0001, true },	/* language tag */
	{ 0xe0020, 0xe007f, true },	/* tag characters */
};

static bool shown(uint32_t cp, bool in_name)
{
	for (size_t i = 0; i < sizeof(unshown) / sizeof(unshown[0]); i++)
		if (cp >= unshown[i].first && cp <= unshown[i].last)
			return unshown[i].in_names_only && !in_name;
	return true;
}

bool unicode_shown(uint32_t cp)
{
	return shown(cp, false);
}

bool unicode_shown_in_name(uint32_t cp)
{
	return cp != ' ' && cp != '\\' && shown(cp, true);
}

size_t utf8_shown_len(const unsigned char *p, size_t n, bool in_name)
{
	size_t len = utf8_char_len_within(p, n);
	uint32_t cp;

	if (!len)
		return 0;
	cp = utf8_decode(p, len);
	return (in_name ? unicode_shown_in_name(cp) : unicode_shown(cp)) ? len : 0;
}
