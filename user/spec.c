// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Each cell's capabilities, kept outside the kernel so that they survive
 * the loader and an `unload --force`: <state dir>/cells/NAME.GEN.yaml, a
 * policy document with the one cell, for each generation GEN. The kernel's
 * cells map says which generation is in force; a file of another
 * generation is left over from an interrupted change and is removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "user/internal.h"

#define STATE_DIR_DEFAULT "/run/isolate"

static const char *state_dir(void)
{
	const char *dir = getenv("ISOLATE_STATE_DIR");

	return dir && *dir ? dir : STATE_DIR_DEFAULT;
}

int state_dir_rule(struct isolate_image_inode *rule)
{
	const char *root = state_dir();
	struct stat st;

	if (mkdir(root, 0711) && errno != EEXIST)
		return set_error(-errno, "cannot create %s: %s", root, strerror(errno));
	if (stat(root, &st))
		return set_error(-errno, "cannot stat %s: %s", root, strerror(errno));
	memset(rule, 0, sizeof(*rule));
	rule->dev = major(st.st_dev) << 20 | minor(st.st_dev);
	rule->ino = st.st_ino;
	rule->rule.rule_id = ISOLATE_RULE_NONE;
	for (int r = 0; r < 3; r++)
		rule->rule.decided_by[r] = ISOLATE_RULE_NONE;
	return 0;
}

int state_subdir(const char *sub, mode_t mode, char *out, size_t len)
{
	const char *root = state_dir();

	if ((size_t)snprintf(out, len, "%s/%s", root, sub) >= len)
		return set_error(-ENAMETOOLONG, "state directory path too long");
	if (mkdir(root, 0711) && errno != EEXIST)
		return set_error(-errno, "cannot create %s: %s", root, strerror(errno));
	if (mkdir(out, mode) && errno != EEXIST)
		return set_error(-errno, "cannot create %s: %s", out, strerror(errno));
	return 0;
}

static int cells_dir(char *out, size_t len)
{
	return state_subdir("cells", 0700, out, len);
}

/* NAME.GEN.yaml is a generation that was in force; NAME.GEN.pending one being made. */
static int spec_file(const char *name, __u32 gen, bool pending, char *out, size_t len)
{
	char dir[PATH_MAX];
	int err = cells_dir(dir, sizeof(dir));

	if (err)
		return err;
	if ((size_t)snprintf(out, len, "%s/%s.%u.%s", dir, name, gen,
			     pending ? "pending" : "yaml") >= len)
		return set_error(-ENAMETOOLONG, "state file path too long");
	return 0;
}

static int spec_path(const char *name, __u32 gen, char *out, size_t len)
{
	return spec_file(name, gen, false, out, len);
}

int spec_commit(const char *name, __u32 gen)
{
	char pending[PATH_MAX], path[PATH_MAX];
	int err = spec_file(name, gen, true, pending, sizeof(pending));

	if (!err)
		err = spec_path(name, gen, path, sizeof(path));
	if (!err && rename(pending, path))
		err = set_error(-errno, "cannot commit %s: %s", pending, strerror(errno));
	return err;
}

int spec_write(const char *name, __u32 gen, const struct isolate_cell_policy *pol,
	       bool pending)
{
	struct isolate_cell_policy *named;
	struct isolate_policy *doc = NULL;
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	struct isolate_diag diag = { 0 };
	size_t len = 0;
	char *text = NULL;
	int fd, err;

	err = spec_file(name, gen, pending, path, sizeof(path));
	if (err)
		return err;
	/* Kept under the cell's name, whatever the policy's cell was called. */
	named = isolate_cell_policy_dup_named(pol, name);
	doc = isolate_policy_new(path);
	if (!doc || !named) {
		isolate_policy_free(doc);
		isolate_cell_policy_free(named);
		return set_error(-ENOMEM, "out of memory");
	}
	err = isolate_policy_add_cell(doc, named);
	isolate_cell_policy_free(named);
	if (!err)
		err = isolate_policy_resolve(doc, &diag);
	if (!err)
		err = isolate_policy_emit(doc, &text, &len);
	isolate_policy_free(doc);
	if (err)
		return set_error(err, "cannot serialize the policy of cell %s: %s", name,
				 diag.msg[0] ? diag.msg : strerror(-err));
	/* Written whole, then renamed: a reader sees all of it or nothing. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = set_error(-errno, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd)) {
		err = set_error(-errno ?: -EIO, "cannot write %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path)) {
		err = set_error(-errno, "cannot rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
	}
out:
	free(text);
	return err;
}

int spec_read(const char *name, __u32 gen, struct isolate_cell_policy **out)
{
	const struct isolate_cell_policy *cell;
	struct isolate_diag diag = { 0 };
	struct isolate_policy *doc;
	char path[PATH_MAX], msg[768];
	int err = spec_path(name, gen, path, sizeof(path));

	if (err)
		return err;
	/* The kernel says gen is in force: a change killed before its commit. */
	if (access(path, F_OK) && !spec_commit(name, gen))
		spec_prune(name, gen);
	err = isolate_policy_load(path, &doc, &diag);
	if (err) {
		isolate_diag_format(&diag, msg, sizeof(msg));
		return set_error(err, "the kept policy of cell %s is unreadable: %s", name, msg);
	}
	cell = isolate_policy_find(doc, name);
	*out = cell ? isolate_cell_policy_dup(cell) : NULL;
	isolate_policy_free(doc);
	if (!*out)
		return set_error(-ENOENT, "%s does not hold cell %s", path, name);
	return 0;
}

/* Generations of cell name kept on disk, newest first; returns how many. */
static size_t spec_generations(const char *name, __u32 *gens, size_t max)
{
	char dir[PATH_MAX];
	size_t n = 0, name_len = strlen(name);
	struct dirent *de;
	DIR *d;

	if (cells_dir(dir, sizeof(dir)) || !(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)) && n < max) {
		unsigned int gen;
		char tail[8];

		if (strncmp(de->d_name, name, name_len) || de->d_name[name_len] != '.')
			continue;
		if (sscanf(de->d_name + name_len + 1, "%u.%7s", &gen, tail) != 2 ||
		    strcmp(tail, "yaml"))
			continue;
		gens[n++] = gen;
	}
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && gens[j] > gens[j - 1]; j--) {
			__u32 t = gens[j];

			gens[j] = gens[j - 1];
			gens[j - 1] = t;
		}
	return n;
}

int spec_latest(const char *name, __u32 *gen)
{
	__u32 gens[16];

	if (!spec_generations(name, gens, 16))
		return set_error(-ENOENT, "no kept policy for cell %s", name);
	*gen = gens[0];
	return 0;
}

/*
 * Removes every state file of cell name but generation keep's policy and
 * the unenforced list: other generations, pending ones, leftover temps.
 */
void spec_prune(const char *name, __u32 keep)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], kept[64];
	size_t name_len = strlen(name);
	struct dirent *de;
	DIR *d;

	if (cells_dir(dir, sizeof(dir)) || !(d = opendir(dir)))
		return;
	snprintf(kept, sizeof(kept), "%u.yaml", keep);
	while ((de = readdir(d))) {
		const char *tail = de->d_name + name_len + 1;

		if (strncmp(de->d_name, name, name_len) || de->d_name[name_len] != '.' ||
		    !strcmp(tail, kept) || !strcmp(tail, "unenforced") ||
		    tail[0] < '0' || tail[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

/* Whether anything but generation gen's policy is kept for name. */
bool spec_leftovers(const char *name, __u32 gen)
{
	__u32 gens[16];
	char pending[PATH_MAX];
	size_t n = spec_generations(name, gens, 16);

	if (n > 1 || (n == 1 && gens[0] != gen))
		return true;
	return !spec_file(name, gen, true, pending, sizeof(pending)) && !access(pending, F_OK);
}

static int unenforced_path(const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];
	int err = cells_dir(dir, sizeof(dir));

	if (!err && (size_t)snprintf(out, len, "%s/%s.unenforced", dir, name) >= len)
		err = set_error(-ENAMETOOLONG, "state file path too long");
	return err;
}

void unenforced_text(__u32 bits, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", bits & ISOLATE_UNENFORCED_CPU ? "cpu " : "",
		 bits & ISOLATE_UNENFORCED_MEMORY ? "memory " : "",
		 bits & ISOLATE_UNENFORCED_PIDS ? "pids " : "");
	if (*buf)
		buf[strlen(buf) - 1] = 0;
}

/* <state>/cells/NAME.unenforced: present only when something is. */
int spec_write_unenforced(const char *name, __u32 unenforced)
{
	char path[PATH_MAX];
	FILE *f;
	int err = unenforced_path(name, path, sizeof(path));

	if (err)
		return err;
	if (!unenforced) {
		unlink(path);
		return 0;
	}
	f = fopen(path, "we");
	if (!f)
		return set_error(-errno, "cannot write %s: %s", path, strerror(errno));
	fprintf(f, "%u\n", unenforced);
	if (fclose(f))
		return set_error(-errno, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

__u32 spec_read_unenforced(const char *name)
{
	unsigned int bits = 0;
	char path[PATH_MAX];
	FILE *f;

	if (unenforced_path(name, path, sizeof(path)) || !(f = fopen(path, "re")))
		return 0;
	if (fscanf(f, "%u", &bits) != 1)
		bits = 0;
	fclose(f);
	return bits;
}

void spec_remove(const char *name)
{
	spec_prune(name, 0);
	spec_write_unenforced(name, 0);
}
