/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The reason behind a failed call, for isolate_last_error(). */
#ifndef ISOLATE_POLICY_ERROR_H
#define ISOLATE_POLICY_ERROR_H

/* The longest reason kept, with its NUL. */
#define ERROR_TEXT_MAX 512

/* Records the reason (printf-style) for this thread; returns err. */
int set_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* ISOLATE_POLICY_ERROR_H */
