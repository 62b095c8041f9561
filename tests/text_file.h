// SPDX-License-Identifier: GPL-2.0
/* Files the tests write. */
#ifndef ISOLATE_TESTS_TEXT_FILE_H
#define ISOLATE_TESTS_TEXT_FILE_H

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

/* text in a file at path (made, or emptied), then mode: 0 or -errno. */
static inline int write_text_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && chmod(path, mode))
		err = -errno;
	return err;
}

#endif
