// SPDX-License-Identifier: GPL-2.0
/* isolate-loader: the command line over libisolate. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/main.h"


bool json_output;
struct json_writer json_out;

bool is_prefix(const char *prefix, const char *word)
{
	return *prefix && !strncmp(prefix, word, strlen(prefix));
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
		fprintf(stderr, "isolate-loader: %s\n", msg);
	}
	return code;
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

void drop_dashdash(int *argc, char **argv)
{
	if (*argc < 2 || strcmp(argv[1], "--"))
		return;
	memmove(&argv[1], &argv[2], (size_t)(*argc - 1) * sizeof(argv[0]));
	(*argc)--;
}

int exit_code_of(int err)
{
	switch (err) {
	case -EOPNOTSUPP:
		return EXIT_UNSUPPORTED;
	case ISOLATE_ENOTLOADED:
		return EXIT_NOT_LOADED;
	default:
		return EXIT_FAIL;
	}
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv))
{
	const struct cmd *match = NULL;

	if (argc < 1 || !strcmp(argv[0], "help"))
		return help(argc, argv);
	for (const struct cmd *c = cmds; c->name; c++) {
		if (!strcmp(argv[0], c->name))
			return c->fn(argc, argv);
		if (is_prefix(argv[0], c->name)) {
			if (match)
				return p_err(EXIT_USAGE, "\"%s\" is ambiguous: %s or %s?",
					     argv[0], match->name, c->name);
			match = c;
		}
	}
	if (!match)
		return p_err(EXIT_USAGE, "unknown command \"%s\" (try --help)", argv[0]);
	return match->fn(argc, argv);
}

static int do_help(int argc, char **argv)
{
	printf("Usage: isolate-loader [-j|-p] [-d] COMMAND ...\n"
	       "  load | unload [--force] | status | features [--hooks [--btf FILE]]\n"
	       "  cell {create NAME --policy FILE [--cpu Q/P --memory N --pids N]\n"
	       "        [--allow-unenforced] |\n"
	       "        list | show NAME | destroy NAME}\n"
	       "  run [--cell NAME | --policy FILE [--allow-unenforced]] [--user U]\n"
	       "      [--timeout S] [--env VAR[=V]]\n"
	       "      -- CMD ARGS...       run CMD confined, wait, return its status\n"
	       "  grant NAME CAP... | revoke NAME CAP...   live, as one new generation\n"
	       "  snapshot NAME [-o FILE] | restore FILE [--name N] | recycle NAME\n"
	       "  events [--follow] [--count N] [--timeout S]\n"
	       "  supervise [--out F] [--metrics-file F | --metrics-socket P]\n"
	       "            [--broker-rules F | --broker-exec PROG]\n"
	       "  policy {check|fmt|compile|explain} FILE ...\n"
	       "CAP: read:/path write:/path exec:/path deny-read:/path\n"
	       "     connect:tcp:10.0.0.0/8:443 bind:udp:[::1]/128:53 memory:512M pids:64\n"
	       "Options: -j JSON, -p pretty JSON, -d libbpf diagnostics, -V, -h.\n"
	       "Exit codes: 0 ok; 1 failed; 2 usage; 3 this kernel cannot enforce it;\n"
	       "  4 not loaded. run: the command's status, 124 timeout, 125 isolate\n"
	       "  failed before the command ran, 126/127 command not executable/found.\n"
	       "Commands may be abbreviated. Documentation/cli.md has the details.\n");
	return EXIT_OK;
}

static const struct cmd top_cmds[] = {
	{ "load", do_load },
	{ "unload", do_unload },
	{ "status", do_status },
	{ "features", do_features },
	{ "cell", do_cell },
	{ "run", do_run },
	{ "grant", do_grant },
	{ "revoke", do_revoke },
	{ "snapshot", do_snapshot },
	{ "restore", do_restore },
	{ "recycle", do_recycle },
	{ "events", do_events },
	{ "supervise", do_supervise },
	{ "policy", do_policy },
	{ NULL, NULL },
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
	bool pretty = false;
	int opt;

	/* '+': options stop at the command, which parses its own. */
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
			printf("isolate-loader %s (ABI v%d)\n", ISOLATE_VERSION, ISOLATE_ABI_VERSION);
			return EXIT_OK;
		case 'h':
			return do_help(0, NULL);
		default:
			return EXIT_USAGE;
		}
	}
	jw_init(&json_out, stdout, pretty);
	return cmd_select(top_cmds, argc - optind, argv + optind, do_help);
}
