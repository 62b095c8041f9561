/* SPDX-License-Identifier: GPL-2.0 */
/* What every isolate-loader command shares: options, output, dispatch. */
#ifndef ISOLATE_LOADER_MAIN_H
#define ISOLATE_LOADER_MAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/json_writer.h"

struct isolate;

/* Exit codes, listed in `isolate-loader --help` and Documentation/cli.md. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed; the message says why */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_UNSUPPORTED = 3,	/* this kernel cannot enforce what was asked */
	EXIT_NOT_LOADED = 4,	/* nothing is loaded: run `isolate-loader load` */
	EXIT_RELOADED = 5,	/* supervise: unloaded since it started; start it again */
	/* `run` returns the command's status, or: */
	EXIT_RUN_TIMEOUT = 124,
	EXIT_RUN_FAILED = 125,	/* isolate failed before the command ran */
};

extern bool json_output;
extern struct json_writer json_out;	/* stdout, valid when json_output */

/*
 * A command: its name, what runs it, and its usage: the arguments (first
 * line) and a few lines on the options, as `COMMAND --help` prints them
 * after "Usage: isolate-loader GROUP NAME".
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

/*
 * Runs the command of cmds that argv[0] names or abbreviates uniquely
 * (bpftool style) within group ("" at the top, "cell", "policy").
 * "help" or "--help" prints the group's overview (JSON under -j); no
 * argument is a usage error; "help NAME" and "NAME --help" (or -h as
 * NAME's first argument) print NAME's usage. The command gets argv from
 * its own name on, ready for getopt (reset with optind = 0).
 */
int cmd_select(const char *group, const struct cmd *cmds, int argc, char **argv,
	       const char *overview);
bool is_prefix(const char *prefix, const char *word);

/*
 * Option strings of every command start with ':' (after '+' where
 * options stop at the first operand), so that getopt reports a missing
 * value as ':'. usage_error(opt, argv) is every getopt loop's default
 * case: --help or -h prints the running command's usage (exit 0); any
 * other bad option is a usage error (exit 2, as JSON under -j).
 */
int usage_error(int opt, char **argv);

/*
 * An error: to stderr, or as {"error": ...} in JSON mode. Returns code.
 * p_err and p_info write one line each, every control character in it
 * (and whatever else a terminal would obey) escaped as \xNN.
 */
int p_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * A policy error: "file:line:column: message" to stderr, or in JSON mode
 * {"error", "file", "line", "column", "message", "exit_code"}.
 */
struct isolate_diag;
int p_diag(int code, const struct isolate_diag *d);
/* Progress and notes, on stderr, silent in JSON mode. */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Why a file could not be written where a cell may write too (err from
 * common/file_write.h): its strerror, or what refused it, said plainly.
 */
const char *write_error(int err);

/*
 * A cell's NAME from the command line, checked before isolate is looked
 * for: 1 to 63 letters, digits, '_' or '-', else a bad command line (exit
 * 2, the same message from every command). 0 or EXIT_USAGE.
 */
int cell_name_arg(const char *cmd, const char *name);

/*
 * For commands of operands only: a leading "--" (which ends options, so
 * that a cell named "-rf" can be named) is dropped from argv; any other
 * first argument that starts with '-' is an option none of them has.
 * Returns 0 or an exit code (usage_error's).
 */
int take_operands(int *argc, char **argv);

/*
 * A value libisolate writes as JSON to a FILE, as the next value of
 * json_out: write into embed_begin()'s FILE, then embed_end().
 */
struct embed {
	FILE *f;
	char *buf;
	size_t len;
};
FILE *embed_begin(struct embed *e);
/* Writes what was put into e (nothing if err), and frees it. */
void embed_end(struct embed *e, int err);

/*
 * isolate_load_at, its error reported as `load` reports it (exit 3 and
 * the kernel_support case on kernels that cannot enforce). 0 or an exit
 * code.
 */
int load_at(const char *cells_cgroup, struct isolate **out);

/*
 * Seconds as every option takes them (--timeout, --since): decimal, with
 * an optional fraction, 0.001 up to SECONDS_MAX (a year: longer is a
 * mistake, not a limit). 0, or -1 for anything else.
 */
#define SECONDS_MAX (365 * 24 * 3600)
int parse_seconds(const char *text, double *out);

/*
 * A whole number as every integer option takes it (--count, --user's
 * ids): the len bytes at text, decimal digits only (no sign, space, base
 * prefix or exponent), from min to max; too large is refused, never cut
 * short or wrapped. 0, or -1 for anything else.
 */
int parse_number(const char *text, size_t len, unsigned long long min, unsigned long long max,
		 unsigned long long *out);
/* --count's largest: more is a mistake, not a limit. */
#define COUNT_MAX 1000000000ULL

/* The top-level commands. */
int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_status(int argc, char **argv);
int do_run(int argc, char **argv);
int do_events(int argc, char **argv);
int do_policy(int argc, char **argv);
/* policy suggest (policy_suggest.c). */
int policy_suggest(int argc, char **argv);

struct isolate;
struct isolate_cell_state;
/* What print_cell_state() shows besides the state. */
enum { SHOW_CAPS = 1, SHOW_BINDINGS = 2 };
void print_cell_state(struct isolate *iso, const struct isolate_cell_state *st,
		      unsigned int show);
/* print_cell_state for every cell below the cells root. */
void for_each_cell(struct isolate *iso, bool with_caps);

struct isolate_cell_policy;
/*
 * A cell named name of the capabilities caps (their text, as grant takes
 * them) over the built-in runtime profile, unless no_base. 0 or an exit
 * code (the error printed).
 */
int caps_policy(const char *name, const char *const caps[], size_t n, bool no_base,
		struct isolate_cell_policy **out);

/* More top-level commands. */
int do_cell(int argc, char **argv);
int do_grant(int argc, char **argv);
int do_revoke(int argc, char **argv);
int do_snapshot(int argc, char **argv);
int do_restore(int argc, char **argv);
int do_recycle(int argc, char **argv);
int do_rebind(int argc, char **argv);
int do_features(int argc, char **argv);
int do_supervise(int argc, char **argv);

#endif /* ISOLATE_LOADER_MAIN_H */
