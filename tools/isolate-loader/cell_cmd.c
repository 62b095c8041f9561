// SPDX-License-Identifier: GPL-2.0
/* cell create | list | show | destroy */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "tools/isolate-loader/main.h"

static int open_loaded(struct isolate **iso, const char *cmd)
{
	int err = isolate_open(iso);

	if (err)
		return p_err(isolate_error_exit_code(err), "%s: %s", cmd, isolate_last_error());
	return 0;
}

/* A budget option as a capability: "cpu:" + "50000/100000", ... */
static int add_budget(struct isolate_cell_policy *pol, const char *kind, const char *value)
{
	struct isolate_diag diag = { 0 };
	struct isolate_cap *cap = NULL;
	char text[256];
	int err;

	snprintf(text, sizeof(text), "%s:%s", kind, value);
	err = isolate_cap_parse(text, &cap, &diag);
	if (!err)
		err = isolate_cell_policy_add(pol, cap);
	isolate_cap_free(cap);
	if (err)
		return p_err(EXIT_USAGE, "cell create: --%s %s: %s", kind, value, diag.msg);
	return 0;
}

/* The cell of FILE to use: --from NAME, or the document's last. */
static int policy_cell(const char *file, const char *from, const char *name,
		       struct isolate_cell_policy **out)
{
	const struct isolate_cell_policy *c;
	struct isolate_diag diag = { 0 };
	struct isolate_policy *doc;
	size_t n;
	int err = isolate_policy_load(file, &doc, &diag);

	if (err)
		return p_diag(EXIT_FAIL, &diag);
	n = isolate_policy_cell_count(doc);
	c = from ? isolate_policy_find(doc, from) : n ? isolate_policy_cell(doc, n - 1) : NULL;
	if (!c) {
		isolate_policy_free(doc);
		if (from)
			return p_err(EXIT_FAIL, "%s: no cell named %s", file, from);
		return p_err(EXIT_FAIL, "%s: defines no cell", file);
	}
	/* The same capabilities (budgets kept as resolved) under the new name. */
	*out = isolate_cell_policy_dup_named(c, name);
	isolate_policy_free(doc);
	if (!*out)
		return p_err(EXIT_FAIL, "cell create: out of memory");
	return 0;
}

static int cell_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "from", required_argument, NULL, 'f' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "pids", required_argument, NULL, 'p' },
		{ "allow-unenforced", no_argument, NULL, 'U' },
		{ "cap", required_argument, NULL, 'C' },
		{ "base", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *caps[256];
	size_t n_caps = 0;
	bool allow_unenforced = false, no_base = false;
	const char *file = NULL, *from = NULL, *budget[3] = { NULL, NULL, NULL };
	static const char *const budget_kind[3] = { "cpu", "memory", "pids" };
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state st;
	struct isolate *iso;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		switch (opt) {
		case 'P': file = optarg; break;
		case 'f': from = optarg; break;
		case 'c': budget[0] = optarg; break;
		case 'm': budget[1] = optarg; break;
		case 'p': budget[2] = optarg; break;
		case 'U': allow_unenforced = true; break;
		case 'C':
			if (n_caps == sizeof(caps) / sizeof(caps[0]))
				return p_err(EXIT_USAGE, "cell create: more than 256 --cap");
			caps[n_caps++] = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "runtime") && strcmp(optarg, "none"))
				return p_err(EXIT_USAGE, "cell create: --base %s: expected runtime or none",
					     optarg);
			no_base = !strcmp(optarg, "none");
			break;
		default: return usage_error(opt, argv);
		}
	}
	if (optind != argc - 1 || !file == !n_caps)
		return p_err(EXIT_USAGE, "usage: cell create NAME (--policy FILE [--from CELL] | --cap CAP... [--base runtime|none]) "
			     "[--cpu QUOTA/PERIOD] [--memory SIZE] [--pids N] [--allow-unenforced]");
	err = cell_name_arg("cell create", argv[optind]);
	if (err)
		return err;
	err = file ? policy_cell(file, from, argv[optind], &pol) :
		     caps_policy(argv[optind], caps, n_caps, no_base, &pol);
	for (int i = 0; !err && i < 3; i++)
		if (budget[i])
			err = add_budget(pol, budget_kind[i], budget[i]);
	if (!err)
		err = open_loaded(&iso, "cell create");
	if (err) {
		isolate_cell_policy_free(pol);
		return err;
	}
	isolate_allow_unenforced(iso, allow_unenforced);
	err = isolate_cell_create(iso, argv[optind], pol, &st);
	if (!err)
		err = isolate_cell_get(iso, argv[optind], &st);
	if (err)
		err = p_err(isolate_error_exit_code(err), "cell create: %s", isolate_last_error());
	else
		print_cell_state(iso, &st, SHOW_CAPS);
	isolate_cell_policy_free(pol);
	isolate_close(iso);
	return err;
}

static int cell_one(int *argc, char **argv, const char *cmd)
{
	int err = take_operands(argc, argv);

	if (err)
		return err;
	if (*argc != 2)
		return p_err(EXIT_USAGE, "usage: %s NAME", cmd);
	return cell_name_arg(cmd, argv[1]);
}

static int cell_show(int argc, char **argv)
{
	struct isolate_cell_state st;
	struct isolate *iso;
	int err = cell_one(&argc, argv, "cell show");

	if (err || (err = open_loaded(&iso, "cell show")))
		return err;
	err = isolate_cell_get(iso, argv[1], &st);
	if (err)
		err = p_err(isolate_error_exit_code(err), "cell show: %s", isolate_last_error());
	else
		print_cell_state(iso, &st, SHOW_CAPS | SHOW_BINDINGS);
	isolate_close(iso);
	return err;
}

/*
 * A name whose cgroup went without a destroy (systemd removing a unit's
 * cells, an rmdir) is destroyed all the same: what it left is removed.
 */
static int cell_destroy(int argc, char **argv)
{
	struct isolate_cell_state st = { 0 };
	struct isolate *iso;
	bool gone;
	int err = cell_one(&argc, argv, "cell destroy");

	if (err || (err = open_loaded(&iso, "cell destroy")))
		return err;
	gone = isolate_cell_get(iso, argv[1], &st) == -ENOENT && !st.cgid;
	err = isolate_cell_destroy(iso, argv[1]);
	if (err) {
		err = p_err(isolate_error_exit_code(err), "cell destroy: %s", isolate_last_error());
	} else if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "destroyed", argv[1]);
		jw_kv_bool(&json_out, "cgroup_was_gone", gone);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else if (gone) {
		printf("cell %s destroyed: its cgroup was gone already, what it left is removed\n",
		       argv[1]);
	} else {
		printf("cell %s destroyed\n", argv[1]);
	}
	isolate_close(iso);
	return err;
}

static int cell_list(int argc, char **argv)
{
	struct isolate *iso;
	int err;

	if (argc > 1)
		return p_err(EXIT_USAGE, "cell list takes no arguments");
	err = open_loaded(&iso, "cell list");
	if (err)
		return err;
	if (json_output)
		jw_array_start(&json_out);
	for_each_cell(iso, false);
	if (json_output) {
		jw_array_end(&json_out);
		jw_finish(&json_out);
	}
	isolate_close(iso);
	return EXIT_OK;
}

static const char cell_overview[] =
	"Usage: isolate-loader cell COMMAND    (COMMAND --help: its options)\n"
	"  create NAME --policy FILE [--from CELL] [--cpu QUOTA/PERIOD]\n"
	"         [--memory SIZE] [--pids N] [--allow-unenforced]\n"
	"  list\n"
	"  show NAME\n"
	"  destroy NAME       kill its processes, remove it from the kernel\n";

int do_cell(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "create", cell_create,
		  "NAME (--policy FILE [--from CELL] | --cap CAP... [--base runtime|none])\n"
		  "    [--cpu QUOTA/PERIOD] [--memory SIZE] [--pids N] [--allow-unenforced]\n"
		  "Create cell NAME from a cell of FILE (its last, or CELL), or of the\n"
		  "capabilities given (over the runtime profile unless --base none).\n"
		  "  --cpu, --memory, --pids   budgets over the policy's (cgroup v2)\n"
		  "  --allow-unenforced        accept budgets this system cannot enforce,\n"
		  "                            and report them\n" },
		{ "list", cell_list,
		  "\n"
		  "Every cell: name, id, cgroup, generation, mode, counters; not its\n"
		  "capabilities (cell show NAME, status). -j: [{name, state}, ...].\n" },
		{ "show", cell_show,
		  "[--] NAME\n"
		  "Cell NAME: its policy, generation, budgets and counters.\n" },
		{ "destroy", cell_destroy,
		  "[--] NAME\n"
		  "Kill cell NAME's processes and remove it from the kernel.\n" },
		{ NULL, NULL, NULL },
	};

	return cmd_select("cell", cmds, argc - 1, argv + 1, cell_overview);
}
