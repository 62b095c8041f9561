/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Diagnostics: where a policy is wrong and what was expected there. */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "model.h"

int isolate_diag_format(const struct isolate_diag *d, char *buf, size_t len)
{
	if (!d->file[0])
		return snprintf(buf, len, "%s", d->msg);
	if (!d->line)
		return snprintf(buf, len, "%s: %s", d->file, d->msg);
	return snprintf(buf, len, "%s:%u:%u: %s", d->file, d->line, d->column, d->msg);
}

/* Also the thread's last error: callers that pass no diag still get why. */
void diag_vset(struct isolate_diag *d, const char *file, unsigned int line,
	       unsigned int column, const char *fmt, va_list ap)
{
	struct isolate_diag local;
	char text[sizeof(local.file) + sizeof(local.msg) + 32];

	if (!d)
		d = &local;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->column = column;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	isolate_diag_format(d, text, sizeof(text));
	set_error(0, "%s", text);
}

void diag_set(struct isolate_diag *d, const char *file, unsigned int line,
	      unsigned int column, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vset(d, file, line, column, fmt, ap);
	va_end(ap);
}

void diag_at(struct isolate_diag *d, const struct src_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (pos)
		diag_vset(d, pos->file, pos->file ? pos->line : 0,
			  pos->file ? pos->column : 0, fmt, ap);
	else
		diag_vset(d, NULL, 0, 0, fmt, ap);
	va_end(ap);
}
