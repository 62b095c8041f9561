// SPDX-License-Identifier: GPL-2.0
/* run: a command in a new cell, from its first instruction to its exit. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"

static int load_policy(const char *file, struct isolate_policy **pol)
{
	struct isolate_diag diag = { 0 };
	char msg[1024];
	int err;

	if (file)
		err = isolate_policy_load(file, pol, &diag);
	else
		err = isolate_policy_parse("<built-in default policy>", default_policy_yaml,
					   default_policy_yaml_len, pol, &diag);
	if (err) {
		isolate_diag_format(&diag, msg, sizeof(msg));
		return p_err(EXIT_RUN_FAILED, "%s", msg);
	}
	return 0;
}

/* The cell the run is confined by: --cell NAME, or the document's last. */
static int pick_cell(const struct isolate_policy *pol, const char *name,
		     const struct isolate_cell_policy **cell)
{
	size_t n = isolate_policy_cell_count(pol);

	*cell = name ? isolate_policy_find(pol, name) : n ? isolate_policy_cell(pol, n - 1) : NULL;
	if (!*cell)
		return p_err(EXIT_RUN_FAILED, name ? "the policy has no cell named %s" :
			     "the policy defines no cell%s", name ? name : "");
	return 0;
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_RUN_FAILED;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int do_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "cell", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_file = NULL, *cell_name = NULL;
	const struct isolate_cell_policy *cell;
	struct isolate_policy *pol = NULL;
	struct isolate *iso = NULL;
	char name[64];
	int opt, err, ret = EXIT_RUN_FAILED;
	pid_t pid;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) >= 0) {
		if (opt == 'P')
			policy_file = optarg;
		else if (opt == 'c')
			cell_name = optarg;
		else
			return EXIT_USAGE;
	}
	if (optind >= argc)
		return p_err(EXIT_USAGE, "run: no command given (run [--policy FILE] -- CMD ARGS...)");

	if (load_policy(policy_file, &pol) || pick_cell(pol, cell_name, &cell))
		goto out;
	err = isolate_open(&iso);
	if (err) {
		p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
		goto out;
	}
	snprintf(name, sizeof(name), "run-%d", (int)getpid());
	err = isolate_cell_create(iso, name, cell, NULL);
	if (err) {
		p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
		goto out;
	}
	err = isolate_cell_spawn(iso, name, argv + optind, &pid);
	if (err)
		p_err(EXIT_RUN_FAILED, "run: %s", isolate_last_error());
	else
		ret = wait_status(pid);
	/* Whatever the command left behind in the cell dies with it. */
	if (isolate_cell_destroy(iso, name))
		p_err(EXIT_FAIL, "run: removing cell %s: %s", name, isolate_last_error());
out:
	isolate_close(iso);
	isolate_policy_free(pol);
	return ret;
}
