/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests run isolate-loader as a user does: the binary at
 * $ISOLATE_LOADER, else build/bin/isolate-loader (from the repository
 * root, where tools/check runs them), else the one on PATH (in the VM).
 */
#ifndef ISOLATE_TESTS_LOADER_RUN_H
#define ISOLATE_TESTS_LOADER_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *loader_bin(void)
{
	const char *env = getenv("ISOLATE_LOADER");

	if (env && *env)
		return env;
	return access("build/bin/isolate-loader", X_OK) ? "isolate-loader" :
	       "build/bin/isolate-loader";
}

/*
 * Runs "LOADER args" (a shell fragment, redirections included) and
 * captures its standard output; returns its exit status, -1 on a signal.
 */
static inline int loader_run(const char *args, char *out, size_t len)
{
	char cmd[4096];
	FILE *p;
	size_t n;
	int status;

	if ((size_t)snprintf(cmd, sizeof(cmd), "%s %s", loader_bin(), args) >= sizeof(cmd))
		return -1;
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif /* ISOLATE_TESTS_LOADER_RUN_H */
