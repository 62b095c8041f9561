// SPDX-License-Identifier: GPL-2.0
/* Broker programs the tests write, and how many times they ran. */
#ifndef ISOLATE_TESTS_BROKER_PROGRAM_UTIL_H
#define ISOLATE_TESTS_BROKER_PROGRAM_UTIL_H

#include <stdio.h>
#include <sys/stat.h>

/* A shell script at path running body: 0, or -1 with errno set. */
static inline int write_program(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "#!/bin/sh\n%s\n", body);
	if (fclose(f))
		return -1;
	return chmod(path, 0755);
}

/* How many times a program ran: the lines it added to the runs file. */
static inline int runs(const char *file)
{
	FILE *f = fopen(file, "r");
	int n = 0, c;

	if (!f)
		return 0;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

#endif /* ISOLATE_TESTS_BROKER_PROGRAM_UTIL_H */
