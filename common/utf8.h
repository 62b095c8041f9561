/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * UTF-8 as the printers need it: what is valid, and which characters a
 * terminal or a reader would not show as themselves.
 */
#ifndef ISOLATE_COMMON_UTF8_H
#define ISOLATE_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length of the valid UTF-8 sequence at p (1 to 4), 0 if none starts there. */
size_t utf8_char_len(const unsigned char *p);
/*
 * The same within the n bytes at p, which need not end in a NUL: a NUL
 * byte is a character (1), a sequence the n bytes cut short is not (0).
 */
size_t utf8_char_len_within(const unsigned char *p, size_t n);
bool utf8_valid(const char *s);
/* Whether the n bytes at s are valid UTF-8 (NUL bytes among them). */
bool utf8_valid_bytes(const char *s, size_t n);
/* The code point of the valid sequence of len bytes at p. */
uint32_t utf8_decode(const unsigned char *p, size_t len);
/*
 * Whether the character shows as itself and keeps a line one line. Not
 * the C0 and C1 controls and DEL (terminals obey them: U+009B is CSI to
 * the Linux console and xterm), not the line and paragraph separators
 * U+2028 and U+2029, not the bidirectional embeddings, overrides and
 * isolates U+202A..U+202E and U+2066..U+2069 (they reorder the text
 * around them, as in "Trojan Source").
 */
bool unicode_shown(uint32_t cp);
/*
 * The same within a name (a key=value field, a word): nor a space or '\'
 * (a name never reads as two, every \xNN in it is an escape), nor another
 * space separator (U+00A0, U+2000..U+200A, U+3000 ...: readers split words
 * at them) or an invisible format character (U+200B..U+200F, U+2060..,
 * U+FEFF, U+00AD ...: unseen between what reads as two words), nor a
 * letter or symbol drawn as blank (U+3164, U+115F, U+1160, U+FFA0 Hangul
 * fillers, U+2800 blank Braille pattern). Letters of every script are shown.
 */
bool unicode_shown_in_name(uint32_t cp);
/*
 * The length of the character at p (within n bytes) when it is valid
 * UTF-8 and shown as itself (in a name: unicode_shown_in_name()); 0 when
 * the byte at p must be escaped.
 */
size_t utf8_shown_len(const unsigned char *p, size_t n, bool in_name);

#endif /* ISOLATE_COMMON_UTF8_H */
