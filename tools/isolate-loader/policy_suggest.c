// SPDX-License-Identifier: GPL-2.0
/*
 * policy suggest: from the events of a run (JSON lines, as `supervise
 * --out` and `events -j` write them; audit mode reports everything the
 * policy would refuse), the smallest policy that grants what the run
 * needed: reads, writes (in the directory where an entry was made or
 * removed) and execs by path, a directory instead of its files where
 * every entry of it was used (a subdirectory only when folded itself),
 * network destinations as they were used.
 * Each line says how many events asked for it. Only what the run used:
 * a path whose object is not the one its event was about is left out.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/openat2.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yaml.h>

#include <isolate/policy.h>

#include "common/kernel_dev.h"
#include "common/utf8.h"
#include "tools/isolate-loader/main.h"

#define SUGGEST_MAX 4096

enum { S_READ, S_WRITE, S_EXEC, S_CONNECT, S_BIND, S_KINDS };
static const char *const kind_key[S_KINDS] = { "read", "write", "exec", "connect", "bind" };

struct want {
	int kind;
	char what[512];		/* a path, or "PROTO ADDRESS PORT" */
	unsigned int events;
	bool covered;		/* folded into its directory */
	bool folded;		/* a directory every entry of which was wanted */
	bool tried;		/* its directory was read for folding */
};

struct suggestion {
	struct want wants[SUGGEST_MAX];
	size_t n;
	unsigned int skipped;	/* events of other operations, or without a whole path */
	unsigned int elsewhere;	/* events whose path leads to another object now */
	unsigned int events;
};

/* One JSON line: the members this needs, as text ("" when absent). */
struct record {
	char class_[16], cell[64], op[32], path[512], proto[8], address[64], port[8];
	char dev[24], ino[24];	/* the file's, as the kernel encodes them */
};

static void member(struct record *r, const char *key, const char *val)
{
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
#define KEY(k, f) { k, offsetof(struct record, f), sizeof(((struct record *)0)->f) }
		KEY("class", class_), KEY("cell", cell), KEY("op", op), KEY("path", path),
		KEY("proto", proto), KEY("address", address), KEY("port", port),
		KEY("dev", dev), KEY("ino", ino),
#undef KEY
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i].key))
			snprintf((char *)r + keys[i].off, keys[i].len, "%s", val);
}

/* Parses one JSON object of scalars (libyaml reads JSON); false if not one. */
static bool parse_line(const char *line, struct record *r)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	char key[64] = "";
	bool ok = true, done = false, is_key = true;
	int depth = 0;

	memset(r, 0, sizeof(*r));
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)line, strlen(line));
	while (ok && !done) {
		if (!yaml_parser_parse(&parser, &ev))
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_MAPPING_START_EVENT:
			ok = depth++ == 0;
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			if (is_key)
				snprintf(key, sizeof(key), "%s", (const char *)ev.data.scalar.value);
			else
				member(r, key, (const char *)ev.data.scalar.value);
			is_key = !is_key;
			break;
		case YAML_SEQUENCE_START_EVENT:
			ok = false;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok && done && r->class_[0];
}

static void want(struct suggestion *s, int kind, const char *what)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->wants[i].kind == kind && !strcmp(s->wants[i].what, what)) {
			s->wants[i].events++;
			return;
		}
	}
	if (s->n == SUGGEST_MAX) {
		s->skipped++;
		return;
	}
	s->wants[s->n].kind = kind;
	snprintf(s->wants[s->n].what, sizeof(s->wants[s->n].what), "%s", what);
	s->wants[s->n++].events = 1;
}

/*
 * Whether path leads, through no symbolic link, to the object of event r
 * now. An event's path is only shown, from the process's root: a cell
 * granted user namespaces may chroot(2) into a tree of its own and have
 * its jail/root/.ssh shown as /root/.ssh; and the tree may have changed
 * since the run. Opened O_PATH: nothing is read, no FIFO waited for, and
 * a link at the end is itself, another object than its target.
 */
static bool leads_to(const char *path, const struct record *r)
{
	struct open_how how = {
		.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS,
	};
	unsigned long long dev, ino;
	struct stat st;
	bool same;
	int fd;

	if (parse_number(r->dev, strlen(r->dev), 1, UINT32_MAX, &dev) ||
	    parse_number(r->ino, strlen(r->ino), 1, ULLONG_MAX, &ino))
		return false;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	if (fd < 0)
		return false;
	same = !fstat(fd, &st) && kernel_dev(st.st_dev) == dev && st.st_ino == ino;
	close(fd);
	return same;
}

/* want() of a path, when it leads to the event's object still. */
static void want_object(struct suggestion *s, int kind, const char *what, bool used)
{
	if (used)
		want(s, kind, what);
	else
		s->elsewhere++;
}

/* What an event asks for, in the policy's words. */
static void take(struct suggestion *s, const struct record *r)
{
	static const char *const makes[] = { "create", "remove", "rename", "link" };
	static const char *const writes[] = { "write", "truncate", "setattr" };
	char dir[512], *slash;

	s->events++;
	if (!strcmp(r->op, "connect") || !strcmp(r->op, "bind")) {
		char dest[128];

		if (!r->proto[0] || !r->address[0]) {
			s->skipped++;
			return;
		}
		snprintf(dest, sizeof(dest), "%s %s %s", r->proto, r->address, r->port);
		want(s, !strcmp(r->op, "connect") ? S_CONNECT : S_BIND, dest);
		return;
	}
	if (r->path[0] != '/') {
		s->skipped++;
		return;
	}
	if (!strcmp(r->op, "read")) {
		want_object(s, S_READ, r->path, leads_to(r->path, r));
		return;
	}
	if (!strcmp(r->op, "exec") || !strcmp(r->op, "map-exec")) {
		want_object(s, S_EXEC, r->path, leads_to(r->path, r));
		return;
	}
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		if (!strcmp(r->op, writes[i])) {
			want_object(s, S_WRITE, r->path, leads_to(r->path, r));
			return;
		}
	}
	for (size_t i = 0; i < sizeof(makes) / sizeof(makes[0]); i++) {
		if (!strcmp(r->op, makes[i])) {
			/* Entries are made and removed with WRITE on their directory. */
			snprintf(dir, sizeof(dir), "%s", r->path);
			slash = strrchr(dir, '/');
			if (slash)
				slash[slash == dir] = 0;
			/* The event's object: the directory, or the entry moved or removed. */
			want_object(s, S_WRITE, dir, leads_to(dir, r) || leads_to(r->path, r));
			return;
		}
	}
	s->skipped++;
}

/* The directory path, opened for reading its entries through no symlink; -1 if not. */
static int open_dir(const char *path)
{
	/*
	 * As root, at a path events named: a cell could have planted a symlink
	 * in any of its components, or a FIFO at the end.
	 */
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
}

static struct want *find(struct suggestion *s, int kind, const char *what)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->wants[i].kind == kind && !strcmp(s->wants[i].what, what))
			return &s->wants[i];
	return NULL;
}

/* The length of what's directory ("/a" of "/a/b"), 0 for an entry of "/". */
static size_t dir_len(const char *what)
{
	const char *slash = strrchr(what, '/');

	return slash ? (size_t)(slash - what) : 0;
}

/* Whether w is an entry of the directory dir, of n bytes, wanted with kind. */
static bool entry_of(const struct want *w, int kind, const char *dir, size_t n)
{
	return w->kind == kind && dir_len(w->what) == n && !strncmp(w->what, dir, n);
}

/*
 * Whether the entry name of the directory dir (open as fd) was wanted
 * with kind: a file by its path, a directory only when it was folded
 * itself. A directory the run listed or opened is not its whole tree.
 */
static bool entry_wanted(struct suggestion *s, int kind, const char *dir, int fd,
			 const struct dirent *de)
{
	char path[sizeof(s->wants[0].what)];
	struct want *w;
	struct stat st;
	bool is_dir = de->d_type == DT_DIR;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
		return false;
	w = find(s, kind, path);
	if (!w)
		return false;
	if (de->d_type == DT_UNKNOWN) {
		if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			return false;
		is_dir = S_ISDIR(st.st_mode);
	}
	return !is_dir || w->folded;
}

/*
 * Whether dir has two entries or more, every one wanted with kind. More
 * than SUGGEST_MAX cannot all be wanted: no more are read.
 */
static bool every_entry_wanted(struct suggestion *s, int kind, const char *dir)
{
	unsigned int entries = 0;
	bool all = true;
	struct dirent *de;
	int fd = open_dir(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (all && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		all = ++entries <= SUGGEST_MAX && entry_wanted(s, kind, dir, dirfd(d), de);
	}
	closedir(d);
	return all && entries >= 2;
}

/* dir wanted with kind instead of its entries. */
static void fold(struct suggestion *s, int kind, const char *dir)
{
	struct want *d = find(s, kind, dir);
	unsigned int events = 0;
	size_t n = strlen(dir);

	if (!d && s->n == SUGGEST_MAX)
		return;
	for (size_t j = 0; j < s->n; j++) {
		struct want *o = &s->wants[j];

		if (entry_of(o, kind, dir, n)) {
			o->covered = true;
			events += o->events;
		}
	}
	if (!d) {
		d = &s->wants[s->n++];
		d->kind = kind;
		snprintf(d->what, sizeof(d->what), "%s", dir);
	}
	d->events += events;
	d->folded = true;
}

static unsigned int depth(const char *what)
{
	unsigned int n = 0;

	for (; *what; what++)
		n += *what == '/';
	return n;
}

/*
 * Where every entry of a directory was wanted with the same right, the
 * directory is wanted instead (events summed), once. Deepest first: a
 * subdirectory counts as wanted only once it was folded, all of its tree
 * used, so that no grant reaches a file the run did not.
 */
static void fold_directories(struct suggestion *s)
{
	unsigned int deepest = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->wants[i].kind <= S_EXEC && depth(s->wants[i].what) > deepest)
			deepest = depth(s->wants[i].what);
	for (unsigned int level = deepest; level >= 2; level--) {
		for (size_t i = 0; i < s->n; i++) {
			struct want *w = &s->wants[i];
			char dir[sizeof(w->what)];
			size_t n = dir_len(w->what);

			if (w->covered || w->tried || w->kind > S_EXEC || depth(w->what) != level)
				continue;
			snprintf(dir, sizeof(dir), "%.*s", (int)n, w->what);
			/* Each directory is read once: its other entries need not. */
			for (size_t j = 0; j < s->n; j++)
				if (entry_of(&s->wants[j], w->kind, dir, n))
					s->wants[j].tried = true;
			if (every_entry_wanted(s, w->kind, dir))
				fold(s, w->kind, dir);
		}
	}
}

/*
 * A YAML double-quoted scalar: what an event carried cannot end it, nor
 * be a character a terminal obeys (common/utf8.h). A byte that is not
 * UTF-8 (a name cut to fit here) is U+FFFD.
 */
static void quoted(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (size_t len; *p; p += len) {
		uint32_t cp;

		len = utf8_char_len(p);
		if (!len) {
			fputs("\\ufffd", out);
			len = 1;
			continue;
		}
		cp = utf8_decode(p, len);
		if (cp == '"' || cp == '\\')
			fprintf(out, "\\%c", (char)cp);
		else if (unicode_shown(cp))
			fwrite(p, 1, len, out);
		else if (cp < 0x100)
			fprintf(out, "\\x%02x", (unsigned int)cp);
		else
			fprintf(out, "\\u%04x", (unsigned int)cp);
	}
	fputc('"', out);
}

/* take()'s "PROTO ADDRESS PORT" apart: an abstract AF_UNIX name may hold spaces. */
static bool net_parts(const char *what, char proto[8], char addr[64], char port[8])
{
	const char *a = strchr(what, ' '), *p = strrchr(what, ' ');

	if (!a || a == p)
		return false;
	snprintf(proto, 8, "%.*s", (int)(a - what), what);
	snprintf(addr, 64, "%.*s", (int)(p - a - 1), a + 1);
	snprintf(port, 8, "%s", p + 1);
	return true;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct want *)a)->what, ((const struct want *)b)->what);
}

/*
 * base: the policy the run had (its include path, and the cell the
 * suggestion extends), or NULL for the suggested grants alone.
 */
static void print(FILE *out, struct suggestion *s, const char *cell, const char *file,
		  const char *base, const char *base_cell)
{
	qsort(s->wants, s->n, sizeof(s->wants[0]), by_text);
	fprintf(out, "# Suggested by isolate-loader policy suggest from %s: the grants\n"
		"# %u events of the run asked for, beyond the policy it ran under.\n"
		"version: 1\n", file, s->events);
	if (base) {
		fputs("include: [", out);
		quoted(out, base);
		fputs("]\n", out);
	}
	fprintf(out, "cells:\n  %s:\n", cell);
	if (base)
		fprintf(out, "    extends: [%s]\n", base_cell);
	for (int k = 0; k < S_KINDS; k++) {
		bool header = false;

		for (size_t i = 0; i < s->n; i++) {
			const struct want *w = &s->wants[i];
			char proto[8], addr[64], port[8];

			if (w->kind != k || w->covered)
				continue;
			if (!header)
				fprintf(out, "    %s:\n", kind_key[k]);
			header = true;
			if (k <= S_EXEC) {
				fputs("      - ", out);
				quoted(out, w->what);
				fprintf(out, "    # %u event%s\n", w->events, w->events == 1 ? "" : "s");
			} else if (net_parts(w->what, proto, addr, port)) {
				/* An abstract AF_UNIX name is the cell's choice. */
				fprintf(out, "      - {protocol: %s, address: ", proto);
				quoted(out, addr);
				fprintf(out, ", port: %s}    # %u event%s\n",
					port, w->events, w->events == 1 ? "" : "s");
			}
		}
	}
	if (s->skipped)
		fprintf(out, "# %u event%s asked for what no capability above grants (other\n"
			"# operations, or objects shown without a whole path): see them with\n"
			"# isolate-loader events.\n", s->skipped, s->skipped == 1 ? "" : "s");
	if (s->elsewhere)
		fprintf(out, "# %u event%s named a path that leads to another object now, or to\n"
			"# none, or through a symbolic link: left out (a path is only shown; a\n"
			"# cell that chroot()ed shows its own tree's). See them with\n"
			"# isolate-loader events.\n", s->elsewhere, s->elsewhere == 1 ? "" : "s");
}


/*
 * The events file into *in, as root reads what others may write: no link
 * at its name followed, a FIFO not waited on, nothing but a regular file
 * read. 0, or the message of what failed.
 */
static const char *open_events(const char *file, FILE **in)
{
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return strerror(errno);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return "not a regular file";
	}
	*in = fdopen(fd, "r");
	if (*in)
		return NULL;
	close(fd);
	return strerror(errno);
}

int policy_suggest(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from-events", required_argument, NULL, 'f' },
		{ "cell", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	char base[PATH_MAX], base_cell[64] = "", name[80];
	struct suggestion *s;
	const char *file = NULL, *cell = NULL, *base_file = NULL;
	char line[8192];
	struct record r;
	const char *failed;
	FILE *in;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":", opts, NULL)) >= 0) {
		if (opt == 'f')
			file = optarg;
		else if (opt == 'c' && cell_name_arg("policy suggest: --cell", optarg))
			return EXIT_USAGE;
		else if (opt == 'c')
			cell = optarg;
		else if (opt == 'p')
			base_file = optarg;
		else
			return usage_error(opt, argv);
	}
	if (!file || optind != argc)
		return p_err(EXIT_USAGE, "usage: policy suggest --from-events FILE [--cell NAME] [--policy BASE]");
	if (base_file) {
		struct isolate_policy *doc = NULL;
		struct isolate_diag diag = { 0 };
		size_t n;

		if (isolate_policy_load(base_file, &doc, &diag))
			return p_diag(EXIT_FAIL, &diag);
		n = isolate_policy_cell_count(doc);
		if (n)
			snprintf(base_cell, sizeof(base_cell), "%s",
				 isolate_cell_policy_name(isolate_policy_cell(doc, n - 1)));
		isolate_policy_free(doc);
		if (!n)
			return p_err(EXIT_FAIL, "policy suggest: %s defines no cell", base_file);
		if (!realpath(base_file, base))
			return p_err(EXIT_FAIL, "policy suggest: %s: %s", base_file, strerror(errno));
	}
	in = stdin;
	failed = strcmp(file, "-") ? open_events(file, &in) : NULL;
	if (failed)
		return p_err(EXIT_FAIL, "policy suggest: cannot read %s: %s", file, failed);
	s = calloc(1, sizeof(*s));
	if (!s) {
		fclose(in);
		return p_err(EXIT_FAIL, "policy suggest: out of memory");
	}
	while (fgets(line, sizeof(line), in)) {
		if (!parse_line(line, &r) || (strcmp(r.class_, "audit") && strcmp(r.class_, "deny")) ||
		    (cell && strcmp(r.cell, cell)))
			continue;
		take(s, &r);
	}
	if (in != stdin)
		fclose(in);
	fold_directories(s);
	/* Extending the base, the cell needs a name of its own. */
	snprintf(name, sizeof(name), "%s%s", cell ? cell : "suggested",
		 base_file && cell && !strcmp(cell, base_cell) ? "-suggested" : "");
	print(stdout, s, name, file, base_file ? base : NULL, base_cell);
	free(s);
	return EXIT_OK;
}
