// SPDX-License-Identifier: GPL-2.0
/*
 * Preloaded into isolate-loader by the Landlock tests: at its first
 * landlock_add_rule(2), before the call, the directory $SWAP_DIR is
 * renamed to $SWAP_DIR.orig and a symlink to $SWAP_TO put in its place,
 * as someone who may write its parent could between the loader's check of
 * a path and its rule. A rule made by opening the path again lands on
 * $SWAP_TO; one made from the descriptor the check was made on does not.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define LANDLOCK_ADD_RULE 445

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	static int swapped;
	const char *dir = getenv("SWAP_DIR"), *to = getenv("SWAP_TO");
	long a[6];
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	if (nr == LANDLOCK_ADD_RULE && !swapped++ && dir && to) {
		char orig[4096];

		snprintf(orig, sizeof(orig), "%s.orig", dir);
		if (rename(dir, orig) || symlink(to, dir))
			abort();
	}
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
