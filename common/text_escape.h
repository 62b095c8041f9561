/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Text that may hold what a cell chose, written for a terminal or a log:
 * every byte of a character not shown as itself (utf8_shown_len(): the
 * controls, DEL, the line separators, the bidirectional controls) and
 * every byte that is not UTF-8 as \xNN. As a name (a key=value field or a
 * quoted word), spaces of every kind, invisible format characters and '\'
 * too (unicode_shown_in_name()), so that a name never reads as two and
 * every \xNN in it is an escape.
 */
#ifndef ISOLATE_COMMON_TEXT_ESCAPE_H
#define ISOLATE_COMMON_TEXT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The n bytes at s (NUL bytes among them) to out. */
void text_write_escaped(FILE *out, const char *s, size_t n, bool as_name);
/* The string s, escaped into buf of size bytes (cut to fit, a string); buf. */
const char *text_escaped(char *buf, size_t size, const char *s, bool as_name);

#endif /* ISOLATE_COMMON_TEXT_ESCAPE_H */
