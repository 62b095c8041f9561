// SPDX-License-Identifier: GPL-2.0
/*
 * run --backend landlock: the command confined by a Landlock domain, and
 * never silently weaker: the backend and every capability it does not
 * enforce are printed before the command starts, and a policy with such
 * a capability is refused unless --allow-unenforced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"
#include "tools/isolate-loader/run_backend.h"

void print_enforcement(FILE *out, const char *backend, const struct isolate_enforcement_report *r,
		       bool all)
{
	if (json_output) {
		struct json_writer jw;

		jw_init(&jw, out, false);
		jw_object_start(&jw);
		jw_kv_string(&jw, "backend", backend);
		jw_kv_int(&jw, "abi", r->abi);
		for (int pass = 0; pass < 3; pass++) {
			static const char *const keys[] = { "enforced", "unenforced", "not_governed" };

			if (pass == 0 && !all)
				continue;
			jw_key(&jw, keys[pass]);
			jw_array_start(&jw);
			for (size_t i = 0; i < r->n; i++) {
				const struct isolate_enforcement *e = &r->items[i];
				int kind = !e->capability ? 2 : e->enforced ? 0 : 1;

				if (kind != pass)
					continue;
				jw_object_start(&jw);
				jw_kv_string(&jw, "what", e->what);
				jw_kv_string(&jw, "why", e->why);
				jw_object_end(&jw);
			}
			jw_array_end(&jw);
		}
		jw_object_end(&jw);
		jw_finish(&jw);
		return;
	}
	fprintf(out, "backend %s (ABI %d)\n", backend, r->abi);
	for (size_t i = 0; i < r->n; i++) {
		const struct isolate_enforcement *e = &r->items[i];

		if (e->capability && (all || !e->enforced))
			fprintf(out, "  %-12s %s%s%s\n", e->enforced ? "enforced" : "NOT enforced",
				e->what, e->enforced ? "" : ": ", e->enforced ? "" : e->why);
	}
	for (size_t i = 0; i < r->n; i++)
		if (!r->items[i].capability)
			fprintf(out, "  %-12s %s: %s\n", "not governed", r->items[i].what,
				r->items[i].why);
}

/* The report, written whole before the command can write anything. */
static void report_first(const struct isolate_enforcement_report *report)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f) {
		print_enforcement(f, "landlock", report, false);
		if (!fclose(f))
			fwrite(text, 1, len, stderr);
		free(text);
	}
	fflush(stderr);
}

int run_landlock(const struct isolate_cell_policy *cell, bool allow_unenforced,
		 char *const argv[], const struct isolate_spawn_opts *opts, pid_t *pid)
{
	struct isolate_enforcement_report report;
	struct isolate_landlock_ruleset *rs = NULL;
	int err = isolate_landlock_ruleset_new(cell, allow_unenforced, opts, &report, &rs);

	*pid = -1;
	/* The report of what is enforced: the policy as the ruleset was made of it. */
	if (report.n)
		report_first(&report);
	isolate_enforcement_report_free(&report);
	if (err == -EOPNOTSUPP)
		return p_err(EXIT_UNSUPPORTED, "run: %s", isolate_last_error());
	if (err)
		return p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
	err = isolate_landlock_ruleset_spawn(rs, argv, opts, pid);
	isolate_landlock_ruleset_free(rs);
	/* With a working directory, EACCES may be its: the error says which. */
	if (err == -EACCES && !opts->cwd)
		return p_err(126, "run: %s: the policy does not let it execute", isolate_last_error());
	if (err && *pid > 0) {
		int status = 0;

		/* The child exits by what failed: 127 for a missing command, else 126. */
		while (waitpid(*pid, &status, 0) < 0 && errno == EINTR)
			;
		return p_err(WIFEXITED(status) ? WEXITSTATUS(status) : 126, "run: %s",
			     isolate_last_error());
	}
	if (err)
		return p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
	return 0;
}
