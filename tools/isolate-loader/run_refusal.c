// SPDX-License-Identifier: GPL-2.0
/*
 * run: when the command itself cannot be executed (EACCES at exec), say
 * which object the cell's policy refused and the grant that would allow
 * it, decided by the same explain as `policy explain` on the cell's kept
 * policy, so the advice is the kernel's decision, not a guess.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "common/text_escape.h"
#include "tools/isolate-loader/run_refusal.h"
#include "tools/isolate-loader/main.h"

/*
 * The file execvpe(3) would run for cmd with env as its environ (as the
 * child calls it): searched in env's first PATH, as getenv(3) finds it,
 * else in glibc's own default, confstr(_CS_PATH); an empty entry is the
 * working directory.
 */
static bool find_command(const char *cmd, char *const env[], char *out, size_t len)
{
	const char *path = NULL;
	char fallback[256];
	struct stat st;

	if (strchr(cmd, '/'))
		return snprintf(out, len, "%s", cmd) < (int)len;
	for (char *const *e = env; e && *e && !path; e++)
		if (!strncmp(*e, "PATH=", 5))
			path = *e + 5;
	if (!path) {
		size_t n = confstr(_CS_PATH, fallback, sizeof(fallback));

		if (!n || n > sizeof(fallback))
			return false;
		path = fallback;
	}
	for (;;) {
		size_t n = strcspn(path, ":");

		if (snprintf(out, len, "%.*s%s%s", (int)n, path, n ? "/" : "", cmd) < (int)len &&
		    !stat(out, &st) && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return true;
		if (!path[n])
			return false;
		path += n + 1;
	}
}

static void report(const char *cell, const char *object, const char *why, bool policy,
		   int exit_code)
{
	if (json_output) {
		char msg[PATH_MAX + 256];

		snprintf(msg, sizeof(msg), "run: exec of %s refused%s", object,
			 policy ? " by the cell's policy" : "");
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "error", msg);
		jw_key(&json_out, "refused");
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "cell", cell);
		jw_kv_string(&json_out, "op", "exec");
		jw_kv_string(&json_out, "object", object);
		jw_kv_string(&json_out, "why", why);
		if (policy) {
			char grant[PATH_MAX + 8];

			snprintf(grant, sizeof(grant), "exec:%s", object);
			jw_kv_string(&json_out, "grant", grant);
		}
		jw_object_end(&json_out);
		jw_kv_int(&json_out, "exit_code", exit_code);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		/* Found on a PATH the cell may write in: its name may hold escapes. */
		fputs("isolate-loader: run: exec of ", stderr);
		isolate_name_write_text(stderr, object, PATH_MAX);
		/* A reason from libisolate may quote the name too. */
		if (!policy) {
			fputs(": Permission denied (", stderr);
			text_write_escaped(stderr, why, strlen(why), false);
			fputs(")\n", stderr);
			return;
		}
		fprintf(stderr, " refused by cell %s: ", cell);
		text_write_escaped(stderr, why, strlen(why), false);
		fprintf(stderr, "\n  to allow it: isolate-loader grant %s exec:", cell);
		isolate_name_write_text(stderr, object, PATH_MAX);
		fputs("\n  (or add it under exec: in the policy)\n", stderr);
	}
}

void explain_exec_refusal(struct isolate *iso, const char *cell, const char *cmd,
			  char *const env[], int exit_code)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_image *img = NULL;
	struct isolate_verdict v;
	char found[PATH_MAX], object[PATH_MAX];

	if (!find_command(cmd, env, found, sizeof(found)) || !realpath(found, object)) {
		report(cell, cmd, "not found on PATH from here", false, exit_code);
		return;
	}
	if (isolate_cell_policy_get(iso, cell, &pol) || isolate_compile(pol, &img, NULL) ||
	    isolate_explain(img, ISOLATE_CAP_EXEC, object, &v, NULL)) {
		report(cell, object, isolate_last_error(), false, exit_code);
	} else if (v.allowed) {
		report(cell, object, "the cell's policy allows it: check the file's mode and its mount's noexec",
		       false, exit_code);
	} else {
		report(cell, object, v.rule_text ? v.rule_text : "no exec rule covers it", true,
		       exit_code);
	}
	isolate_image_free(img);
	isolate_cell_policy_free(pol);
}
