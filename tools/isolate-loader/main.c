// SPDX-License-Identifier: GPL-2.0
/* isolate-loader: the command line over libisolate. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/cell.h>
#include <isolate/events.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "common/text_escape.h"
#include "tools/isolate-loader/main.h"


bool json_output;
struct json_writer json_out;

bool is_prefix(const char *prefix, const char *word)
{
	return *prefix && !strncmp(prefix, word, strlen(prefix));
}

/*
 * A message as one line on stderr: what it quotes may come from a cell
 * (a file name in a reason, a broker target), so no control character,
 * DEL, C1 control, bidirectional control or byte that is not UTF-8
 * reaches the terminal or the journal raw.
 */
static void put_line(const char *msg)
{
	text_write_escaped(stderr, msg, strlen(msg), false);
	fputc('\n', stderr);
}

int p_err(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_output) {
		struct json_writer jw;

		jw_init(&jw, stdout, false);
		jw_object_start(&jw);
		jw_kv_string(&jw, "error", msg);
		jw_kv_int(&jw, "exit_code", code);
		jw_object_end(&jw);
		jw_finish(&jw);
	} else {
		fputs("isolate-loader: ", stderr);
		put_line(msg);
	}
	return code;
}

int p_diag(int code, const struct isolate_diag *d)
{
	char msg[1024];

	isolate_diag_format(d, msg, sizeof(msg));
	if (!json_output)
		return p_err(code, "%s", msg);
	jw_object_start(&json_out);
	jw_kv_string(&json_out, "error", msg);
	if (d->file[0])
		jw_kv_string(&json_out, "file", d->file);
	if (d->line) {
		jw_kv_uint(&json_out, "line", d->line);
		jw_kv_uint(&json_out, "column", d->column);
	}
	jw_kv_string(&json_out, "message", d->msg);
	jw_kv_int(&json_out, "exit_code", code);
	jw_object_end(&json_out);
	jw_finish(&json_out);
	return code;
}

void p_info(const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;

	if (json_output)
		return;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put_line(msg);
	free(msg);
}

FILE *embed_begin(struct embed *e)
{
	e->buf = NULL;
	e->len = 0;
	e->f = open_memstream(&e->buf, &e->len);
	return e->f;
}

void embed_end(struct embed *e, int err)
{
	if (e->f && !fclose(e->f) && !err)
		jw_json(&json_out, e->buf, e->len);
	else
		jw_null(&json_out);
	free(e->buf);
}

const char *write_error(int err)
{
	switch (err) {
	case -ELOOP:
		return "a symbolic link in its path (none is followed)";
	case -EINVAL:
		return "not a regular file or a device";
	case -EMLINK:
		return "a file with other names (hard links)";
	default:
		return strerror(-err);
	}
}

int cell_name_arg(const char *cmd, const char *name)
{
	if (isolate_cell_name_valid(name))
		return 0;
	return p_err(EXIT_USAGE, "%s: invalid cell name \"%s\": expected 1 to 63 letters, digits, '_' or '-'",
		     cmd, name);
}

int take_operands(int *argc, char **argv)
{
	if (*argc < 2 || argv[1][0] != '-' || !argv[1][1])
		return 0;
	if (strcmp(argv[1], "--")) {
		optind = 2;
		return usage_error('?', argv);
	}
	memmove(&argv[1], &argv[2], (size_t)(*argc - 1) * sizeof(argv[0]));
	(*argc)--;
	return 0;
}

int parse_seconds(const char *text, double *out)
{
	char *end;

	/* strtod alone would also take nan, inf, hex and exponents. */
	if (!*text || text[strspn(text, "0123456789.")])
		return -1;
	errno = 0;
	*out = strtod(text, &end);
	if (*end || errno || !isfinite(*out) || *out < 0.001 || *out > SECONDS_MAX)
		return -1;
	return 0;
}

int parse_number(const char *text, size_t len, unsigned long long min, unsigned long long max,
		 unsigned long long *out)
{
	unsigned long long v = 0;

	if (!len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned int digit = (unsigned int)((unsigned char)text[i] - '0');

		if (digit > 9 || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, digit, &v) || v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

/* The command running, for usage_error: its group and table entry. */
static const char *running_group = "";
static const struct cmd *running;

static int print_usage(const char *group, const struct cmd *c)
{
	const char *sep = *group ? " " : "";

	if (json_output) {
		char name[64];

		snprintf(name, sizeof(name), "%s%s%s", group, sep, c->name);
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "command", name);
		jw_kv_string(&json_out, "usage", c->usage);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf("Usage: isolate-loader %s%s%s %s", group, sep, c->name, c->usage);
	}
	return EXIT_OK;
}

int usage_error(int opt, char **argv)
{
	const char *bad = argv[optind - 1];
	const char *sep = *running_group ? " " : "";

	if (!strcmp(bad, "--help") || !strcmp(bad, "-h"))
		return print_usage(running_group, running);
	if (opt == ':')
		return p_err(EXIT_USAGE, "%s%s%s: option \"%s\" needs a value (see --help)",
			     running_group, sep, running->name, bad);
	return p_err(EXIT_USAGE, "%s%s%s: unknown option \"%s\" (see --help)",
		     running_group, sep, running->name, bad);
}

static const struct cmd *find_cmd(const struct cmd *cmds, const char *word, int *err)
{
	const struct cmd *match = NULL;

	*err = 0;
	for (const struct cmd *c = cmds; c->name; c++) {
		if (!strcmp(word, c->name))
			return c;
		if (is_prefix(word, c->name)) {
			if (match) {
				*err = p_err(EXIT_USAGE, "\"%s\" is ambiguous: %s or %s?",
					     word, match->name, c->name);
				return NULL;
			}
			match = c;
		}
	}
	if (!match)
		*err = p_err(EXIT_USAGE, "unknown command \"%s\" (try --help)", word);
	return match;
}

/* A group's overview (the top's: group ""), asked for: exit 0. */
static int print_overview(const char *group, const char *overview)
{
	if (!json_output) {
		fputs(overview, stdout);
		return EXIT_OK;
	}
	jw_object_start(&json_out);
	jw_kv_string(&json_out, "command", group);
	jw_kv_string(&json_out, "usage", overview);
	jw_object_end(&json_out);
	jw_finish(&json_out);
	return EXIT_OK;
}

static bool asks_help(const char *word)
{
	return !strcmp(word, "help") || !strcmp(word, "--help") || !strcmp(word, "-h");
}

int cmd_select(const char *group, const struct cmd *cmds, int argc, char **argv,
	       const char *overview)
{
	const char *sep = *group ? " " : "";
	char help_arg[] = "--help", *ask_group[] = { NULL, help_arg, NULL };
	const struct cmd *c;
	int err;

	if (argc < 1)
		return p_err(EXIT_USAGE, "%s%sno command given (try %s%s--help)", group,
			     *group ? ": " : "", group, sep);
	if (asks_help(argv[0])) {
		if (argc < 2 || strcmp(argv[0], "help") || !strcmp(argv[1], "help"))
			return print_overview(group, overview);
		c = find_cmd(cmds, argv[1], &err);
		if (!c)
			return err;
		if (c->usage)
			return print_usage(group, c);
		/* A group (no usage of its own) is asked as "GROUP --help". */
		ask_group[0] = argv[1];
		return c->fn(2, ask_group);
	}
	c = find_cmd(cmds, argv[0], &err);
	if (!c)
		return err;
	if (c->usage && argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return print_usage(group, c);
	running_group = group;
	running = c;
	return c->fn(argc, argv);
}

static int do_version(int argc, char **argv)
{
	if (argc > 1)
		return p_err(EXIT_USAGE, "version takes no arguments");
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "version", ISOLATE_VERSION);
		jw_kv_int(&json_out, "abi", ISOLATE_ABI_VERSION);
		jw_kv_int(&json_out, "cell_abi", ISOLATE_CELL_ABI_VERSION);
		jw_kv_int(&json_out, "event_abi", ISOLATE_EVENT_ABI_VERSION);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf("isolate-loader %s (pinned layout v%d, cell ABI v%d, events v%d)\n",
		       ISOLATE_VERSION, ISOLATE_ABI_VERSION, ISOLATE_CELL_ABI_VERSION,
		       ISOLATE_EVENT_ABI_VERSION);
	}
	return EXIT_OK;
}

static const char top_overview[] =
	"Usage: isolate-loader [-j|-p] [-d] COMMAND ...\n"
	"  load [--cgroup-root DIR] | unload [--force] | status | features [--hooks]\n"
	"  cell {create NAME --policy FILE [--cpu Q/P --memory N --pids N]\n"
	"        [--allow-unenforced] | list | show NAME | destroy NAME}\n"
	"  run [--cell NAME | --policy FILE | --cap CAP...] [--allow-unenforced]\n"
	"      [--user U] [--timeout S] [--env VAR[=V]] [--backend B]\n"
	"      -- CMD ARGS...       run CMD confined, wait, return its status\n"
	"  grant NAME CAP... | revoke NAME CAP...   live, as one new generation\n"
	"  snapshot NAME [-o FILE] | restore FILE [--name N]\n"
	"  recycle NAME | rebind NAME   start afresh | bind its paths afresh\n"
	"  events [--follow] [--class LIST] [--cell NAME] [--take] ...\n"
	"  supervise [--out F] [--metrics-file F | --metrics-socket P]\n"
	"            [--broker-rules F | --broker-exec PROG]\n"
	"  policy {check|fmt|compile|explain|suggest} FILE ...\n"
	"  version | help [COMMAND]   COMMAND --help: its options\n"
	"CAP: read:/path write:/path exec:/path deny-read:/path\n"
	"     connect:tcp:10.0.0.0/8:443 bind:udp:[::1]/128:53 memory:512M pids:64\n"
	"Options: -j JSON, -p pretty JSON, -d libbpf diagnostics, -V, -h.\n"
	"Exit codes: 0 ok; 1 failed; 2 usage; 3 this kernel cannot enforce it;\n"
	"  4 not loaded; 5 supervise: unloaded since it started, start it again.\n"
	"  run: the command's status, 124 timeout, 125 isolate\n"
	"  failed before the command ran, 126/127 command not executable/found.\n"
	"Commands may be abbreviated. Documentation/cli.md has the details.\n";

static const struct cmd top_cmds[] = {
	{ "load", do_load,
	  "[--cgroup-root DIR]\n"
	  "Load, attach and pin isolate's programs and maps under /sys/fs/bpf/isolate/\n"
	  "and create the cells cgroup; adopt what is pinned already; restore the cells\n"
	  "kept in /run/isolate. Exit 3 (and why) on a kernel that cannot enforce.\n"
	  "  --cgroup-root DIR   cells in DIR (a delegated cgroup v2 subtree, say)\n"
	  "                      instead of /sys/fs/cgroup/isolate: new, or holding\n"
	  "                      only isolate's cells and empty cgroups\n" },
	{ "unload", do_unload,
	  "[--force]\n"
	  "Detach and unpin everything. Refused while cells exist, unless --force\n"
	  "(their kept policies stay, and the next load restores them). Nothing\n"
	  "loaded is not an error.\n" },
	{ "status", do_status,
	  "\n"
	  "Whether isolate is loaded, where it is pinned, and every cell.\n" },
	{ "features", do_features,
	  "[--hooks [--btf FILE]] [--backend bpf|landlock]\n"
	  "Each capability: enforced or unavailable on this system, and why.\n"
	  "  --backend landlock   what the Landlock backend enforces on this\n"
	  "                       kernel's ABI, capability by capability\n"
	  "  --hooks       the program chosen for each LSM hook by its prototype\n"
	  "  --btf FILE    ... on the kernel of FILE (a vmlinux or its BTF)\n" },
	{ "cell", do_cell, NULL },
	{ "run", do_run,
	  "[--cell NAME | --policy FILE | --cap CAP... [--base runtime|none]]\n"
	  "    [--allow-unenforced] [--user U] [--timeout S] [--env VAR[=VALUE]]...\n"
	  "    [--cwd DIR] [--audit] [--backend B] [--no-pty] [--] CMD ARGS...\n"
	  "Run CMD in a cell, wait, and exit with its status.\n"
	  "  --cap CAP            a new cell of these capabilities (read:/srv ...)\n"
	  "                       over the runtime profile (--base none: without)\n"
	  "  --cwd DIR            start CMD in DIR (entered as --user, confined)\n"
	  "  --audit              refuse nothing, report what would be refused\n"
	  "                       (then: policy suggest --from-events)\n"
	  "  --backend B          bpf, landlock or auto (bpf when loaded, else\n"
	  "                       landlock: no root needed, reports what it cannot\n"
	  "                       enforce; refuses such a policy unless\n"
	  "                       --allow-unenforced)\n"
	  "  --cell NAME          an existing cell\n"
	  "  --policy FILE        a new cell from FILE's last cell, removed when CMD\n"
	  "                       exits (default: the built-in policy)\n"
	  "  --allow-unenforced   run even if this kernel cannot enforce a budget\n"
	  "  --user U             NAME, UID or UID:GID to run as\n"
	  "  --timeout S          kill the cell after S seconds (exit 124)\n"
	  "  --env VAR[=VALUE]    pass VAR (or set it); the rest is scrubbed\n"
	  "  --no-pty             hand CMD this terminal, not a pty of its own\n"
	  "Exit: CMD's status, 128+N on signal N, 124 timeout, 125 isolate failed,\n"
	  "126 not executable, 127 not found.\n" },
	{ "grant", do_grant,
	  "[--] NAME CAP...\n"
	  "Add capabilities to cell NAME, live, as one new generation.\n"
	  "CAP: read:/path write:/path exec:/path deny-read:/path\n"
	  "     connect:tcp:10.0.0.0/8:443 bind:udp:[::1]/128:53 memory:512M pids:64\n" },
	{ "revoke", do_revoke,
	  "[--] NAME CAP...\n"
	  "Take capabilities from cell NAME, live, as one new generation.\n" },
	{ "snapshot", do_snapshot,
	  "NAME [-o FILE]\n"
	  "Write cell NAME's policy and state as JSON (to FILE or stdout).\n" },
	{ "restore", do_restore,
	  "FILE [--name NAME]\n"
	  "Create a cell from a snapshot (FILE - reads stdin), named NAME if given.\n" },
	{ "recycle", do_recycle,
	  "[--] NAME\n"
	  "Kill cell NAME's processes and start it afresh with the same policy,\n"
	  "its paths on the objects they are bound to.\n" },
	{ "rebind", do_rebind,
	  "[--] NAME\n"
	  "Bind every path of cell NAME afresh, live, to what it leads to now,\n"
	  "following the links there whoever made them; denies stay on what they\n"
	  "were bound to too (cell show lists the paths that lead elsewhere).\n" },
	{ "events", do_events,
	  "[--follow] [--count N] [--timeout S] [--class LIST] [--cell NAME]\n"
	  "    [--since S] [--take]\n"
	  "The events the kernel wrote, in time order, as text or (-j) JSON lines,\n"
	  "from the supervisor (which must run: it is the rings' one reader).\n"
	  "  --follow      keep printing as they come\n"
	  "  --count N     stop after N events\n"
	  "  --timeout S   stop after S seconds\n"
	  "  --class LIST  only these: deny,audit,log,metric,broker,message,lifecycle\n"
	  "  --cell NAME   only this cell's\n"
	  "  --since S     only the last S seconds'\n"
	  "  --take        no supervisor: read the rings (gone for every other reader)\n" },
	{ "supervise", do_supervise,
	  "[--out F] [--out-rate N] [--metrics-file F | --metrics-socket P]\n"
	  "    [--broker-rules F | --broker-exec PROG] [--count N] [--timeout S]\n"
	  "    [--cgroup-root DIR]\n"
	  "Read every ring: events as JSON lines, metrics, and broker answers.\n"
	  "Exit 5 once isolate is unloaded (and loaded again): start it again.\n"
	  "  --cgroup-root DIR    load first, cells in DIR (moving into DIR/../supervisor\n"
	  "                       when DIR's parent is our own cgroup)\n"
	  "  --out F              append events to F (default stdout)\n"
	  "  --out-rate N         records a second a cell may have written there, 5 s\n"
	  "                       of them at once (default 200; 0: no limit); the rest\n"
	  "                       counted in a \"dropped\" line a second\n"
	  "  --metrics-file F     write Prometheus metrics to F\n"
	  "  --metrics-socket P   serve them on the unix socket P\n"
	  "  --broker-rules F     decide cells' requests by the rules in F\n"
	  "  --broker-exec PROG   ... by asking PROG\n" },
	{ "policy", do_policy, NULL },
	{ "version", do_version,
	  "\n"
	  "The version of isolate-loader and of the ABIs it speaks.\n" },
	{ NULL, NULL, NULL },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "debug", no_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool pretty = false, version = false, help = false;
	int opt;

	/* '+': options stop at the command, which parses its own. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jpdVh", opts, NULL)) >= 0) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = pretty = true;
			break;
		case 'd':
			setenv("ISOLATE_DEBUG", "1", 1);
			break;
		case 'V':
			version = true;
			break;
		case 'h':
			help = true;
			break;
		default:
			return p_err(EXIT_USAGE, "unknown option \"%s\" (see --help)",
				     argv[optind - 1]);
		}
	}
	jw_init(&json_out, stdout, pretty);
	if (help)
		return print_overview("", top_overview);
	if (version)
		return do_version(0, NULL);
	return cmd_select("", top_cmds, argc - optind, argv + optind, top_overview);
}
