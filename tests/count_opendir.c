// SPDX-License-Identifier: GPL-2.0
/*
 * Preloaded into isolate-loader by cell_names_test: counts its opendir(3)
 * calls on the directory $COUNT_OPENDIR (the cells cgroup, which every
 * listing of the cells reads) and writes the number to $COUNT_OPENDIR_LOG
 * as it exits.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int opened;

DIR *opendir(const char *name)
{
	static DIR *(*real)(const char *);
	const char *counted = getenv("COUNT_OPENDIR");

	if (!real)
		real = (DIR * (*)(const char *))dlsym(RTLD_NEXT, "opendir");
	if (counted && !strcmp(name, counted))
		opened++;
	return real(name);
}

__attribute__((destructor)) static void say_count(void)
{
	const char *log = getenv("COUNT_OPENDIR_LOG");
	FILE *f = log ? fopen(log, "w") : NULL;

	if (!f)
		return;
	fprintf(f, "%u\n", opened);
	fclose(f);
}
