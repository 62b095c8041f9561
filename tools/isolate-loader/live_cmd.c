// SPDX-License-Identifier: GPL-2.0
/* grant, revoke, snapshot, restore, recycle, rebind: changing cells while they run. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "common/file_read.h"
#include "common/file_write.h"
#include "tools/isolate-loader/main.h"

#define MAX_CAPS 256

static int open_loaded(struct isolate **iso, const char *cmd)
{
	int err = isolate_open(iso);

	if (err)
		return p_err(isolate_error_exit_code(err), "%s: %s", cmd, isolate_last_error());
	return 0;
}

static void print_generation(struct isolate *iso, const char *cmd, const char *name)
{
	struct isolate_cell_state st;

	if (isolate_cell_get(iso, name, &st))
		return;
	if (json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "cell", name);
		jw_kv_string(&json_out, "done", cmd);
		jw_kv_uint(&json_out, "generation", st.cell.generation);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	} else {
		printf("cell %s: %s, now at generation %u\n", name, cmd, st.cell.generation);
	}
}

/* grant|revoke NAME CAP... : all of them in one new generation, or none. */
static int change(int argc, char **argv, bool grant)
{
	struct isolate_cap *caps[MAX_CAPS];
	struct isolate_diag diag = { 0 };
	struct isolate *iso;
	int n = 0, err = 0;

	err = take_operands(&argc, argv);
	if (err)
		return err;
	if (argc < 3 || argc - 2 > MAX_CAPS)
		return p_err(EXIT_USAGE, "usage: %s NAME CAPABILITY... (e.g. read:/data connect:tcp:10.0.0.0/8:443)",
			     argv[0]);
	err = cell_name_arg(argv[0], argv[1]);
	for (int i = 2; i < argc && !err; i++) {
		err = isolate_cap_parse(argv[i], &caps[n], &diag);
		if (err)
			err = p_err(EXIT_USAGE, "%s: \"%s\": %s", argv[0], argv[i], diag.msg);
		else
			n++;
	}
	if (!err)
		err = open_loaded(&iso, argv[0]);
	if (!err) {
		err = grant ? isolate_cell_grant(iso, argv[1], caps, n) :
			      isolate_cell_revoke(iso, argv[1], caps, n);
		if (err)
			err = p_err(isolate_error_exit_code(err), "%s: %s", argv[0], isolate_last_error());
		else
			print_generation(iso, grant ? "granted" : "revoked", argv[1]);
		isolate_close(iso);
	}
	while (n)
		isolate_cap_free(caps[--n]);
	return err;
}

int do_grant(int argc, char **argv)
{
	return change(argc, argv, true);
}

int do_revoke(int argc, char **argv)
{
	return change(argc, argv, false);
}

int do_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	struct isolate *iso;
	FILE *out = stdout;
	char *text = NULL;
	size_t len = 0;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":o:", opts, NULL)) >= 0) {
		if (opt != 'o')
			return usage_error(opt, argv);
		file = optarg;
	}
	if (optind != argc - 1)
		return p_err(EXIT_USAGE, "usage: snapshot NAME [-o FILE]");
	err = cell_name_arg("snapshot", argv[optind]) ?: open_loaded(&iso, "snapshot");
	if (err)
		return err;
	/* FILE is replaced whole, and only by a complete snapshot. */
	if (file && !(out = open_memstream(&text, &len))) {
		isolate_close(iso);
		return p_err(EXIT_FAIL, "snapshot: out of memory");
	}
	err = isolate_cell_snapshot(iso, argv[optind], out, true);
	if (err)
		err = p_err(isolate_error_exit_code(err), "snapshot: %s", isolate_last_error());
	if (file && fclose(out) && !err)
		err = p_err(EXIT_FAIL, "snapshot: out of memory");
	if (file && !err) {
		int werr = file_replace(file, text, len, 0644, true);

		if (werr)
			err = p_err(EXIT_FAIL, "snapshot: cannot write %s: %s", file, write_error(werr));
	}
	/* Under -j every command answers; the snapshot itself went to FILE. */
	if (file && !err && json_output) {
		jw_object_start(&json_out);
		jw_kv_string(&json_out, "cell", argv[optind]);
		jw_kv_string(&json_out, "file", file);
		jw_object_end(&json_out);
		jw_finish(&json_out);
	}
	free(text);
	isolate_close(iso);
	return err;
}

/*
 * The snapshot in file ("-": stdin). A file may lie where a cell writes:
 * read as root reads what a cell can touch (common/file_read.h), a link
 * not followed, a FIFO not waited for, a regular file only.
 */
static int read_snapshot(const char *file, char **json, size_t *len)
{
	int err;

	if (strcmp(file, "-"))
		err = file_read_at(AT_FDCWD, file, ISOLATE_SNAPSHOT_MAX, json, len);
	else
		err = file_read_fd(STDIN_FILENO, ISOLATE_SNAPSHOT_MAX, json, len);
	if (err == -EINVAL)
		return p_err(EXIT_FAIL, "restore: expected a regular file, got %s", file);
	if (err)
		return p_err(EXIT_FAIL, "restore: cannot read %s: %s%s", file, strerror(-err),
			     err == -EFBIG ? " (a snapshot is at most 16 MiB)" :
			     err == -ELOOP ? " (a symbolic link is not followed)" : "");
	return 0;
}

int do_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL;
	struct isolate_cell_policy *pol = NULL;
	struct isolate_diag diag = { 0 };
	struct isolate_cell_state st;
	struct isolate *iso;
	size_t len;
	char *json;
	int opt, err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		if (opt != 'n')
			return usage_error(opt, argv);
		name = optarg;
	}
	if (optind != argc - 1)
		return p_err(EXIT_USAGE, "usage: restore FILE [--name NAME]   (FILE - reads stdin)");
	err = (name ? cell_name_arg("restore", name) : 0) ?: read_snapshot(argv[optind], &json, &len);
	if (err)
		return err;
	/* isolate_cell_restore()'s two steps, for the parse's position under -j. */
	if (isolate_cell_policy_read_snapshot(strcmp(argv[optind], "-") ? argv[optind] : "<stdin>",
					      json, len, name, &pol, &diag))
		err = p_diag(EXIT_FAIL, &diag);
	free(json);
	if (err)
		return err;
	err = open_loaded(&iso, "restore");
	if (!err) {
		err = isolate_cell_create(iso, isolate_cell_policy_name(pol), pol, &st);
		if (err)
			err = p_err(isolate_error_exit_code(err), "restore: %s", isolate_last_error());
		else
			print_cell_state(iso, &st, SHOW_CAPS);
		isolate_close(iso);
	}
	isolate_cell_policy_free(pol);
	return err;
}

/* recycle|rebind NAME: the cell's own policy again, afresh. */
static int again(int argc, char **argv, bool rebind)
{
	const char *cmd = rebind ? "rebind" : "recycle";
	struct isolate *iso;
	int err;

	err = take_operands(&argc, argv);
	if (err)
		return err;
	if (argc != 2)
		return p_err(EXIT_USAGE, "usage: %s NAME", cmd);
	err = cell_name_arg(cmd, argv[1]) ?: open_loaded(&iso, cmd);
	if (err)
		return err;
	err = rebind ? isolate_cell_rebind(iso, argv[1]) : isolate_cell_recycle(iso, argv[1]);
	if (err)
		err = p_err(isolate_error_exit_code(err), "%s: %s", cmd, isolate_last_error());
	else
		print_generation(iso, rebind ? "rebound" : "recycled", argv[1]);
	isolate_close(iso);
	return err;
}

int do_recycle(int argc, char **argv)
{
	return again(argc, argv, false);
}

int do_rebind(int argc, char **argv)
{
	return again(argc, argv, true);
}
