// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The mounts this process sees, from /proc/self/mountinfo. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mountinfo.h"

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = 0;
}

/* id parent major:minor root point options... - fstype source super-options */
static int parse_line(char *line, struct mount_entry *m)
{
	char *sep = strstr(line, " - "), *save = NULL, *field[5], *rest, *type, *source, *super;
	int i;

	if (!sep)
		return -EINVAL;
	*sep = 0;
	for (i = 0; i < 5; i++) {
		field[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!field[i])
			return -EINVAL;
	}
	/* One space apart each, the source may be empty. */
	rest = sep + 3;
	type = strsep(&rest, " ");
	source = rest ? strsep(&rest, " ") : NULL;
	super = source && rest ? strsep(&rest, " ") : NULL;
	if (!*type || !source || sscanf(field[2], "%u:%u", &m->major, &m->minor) != 2)
		return -EINVAL;
	unescape_octal(field[3]);
	unescape_octal(field[4]);
	m->root = strdup(field[3]);
	m->point = strdup(field[4]);
	m->fstype = strdup(type);
	m->super_options = strdup(super ? super : "");
	return m->root && m->point && m->fstype && m->super_options ? 0 : -ENOMEM;
}

void mount_table_free(struct mount_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->mounts[i].root);
		free(t->mounts[i].point);
		free(t->mounts[i].fstype);
		free(t->mounts[i].super_options);
	}
	free(t->mounts);
	t->mounts = NULL;
	t->n = 0;
}

int mount_table_read(struct mount_table *t)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	size_t alloc = 0, cap = 0;
	char *line = NULL;
	int err = 0;

	t->mounts = NULL;
	t->n = 0;
	if (!f)
		return -errno;
	while (!err && getline(&line, &alloc, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (t->n == cap) {
			size_t grown_cap = cap ? 2 * cap : 64;
			struct mount_entry *grown = realloc(t->mounts, grown_cap * sizeof(*grown));

			if (!grown) {
				err = -ENOMEM;
				break;
			}
			t->mounts = grown;
			cap = grown_cap;
		}
		memset(&t->mounts[t->n], 0, sizeof(t->mounts[t->n]));
		err = parse_line(line, &t->mounts[t->n]);
		t->n++;
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	if (err)
		mount_table_free(t);
	return err;
}

bool path_within(const char *path, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(path, base, n) && (!path[n] || path[n] == '/' || !strcmp(base, "/"));
}

int mount_fs_path(const struct mount_table *t, const char *real, char *out, size_t len,
		  const struct mount_entry **on)
{
	const struct mount_entry *m = NULL;
	const char *rest;
	size_t best = 0;
	int n;

	for (size_t i = 0; i < t->n; i++) {
		size_t plen = strlen(t->mounts[i].point);

		if (path_within(real, t->mounts[i].point) && (!m || plen >= best)) {
			m = &t->mounts[i];
			best = plen;
		}
	}
	if (!m)
		return -ENOENT;
	rest = strcmp(m->point, "/") ? real + best : real;
	if (!strcmp(m->root, "/"))
		n = snprintf(out, len, "%s", *rest ? rest : "/");
	else
		n = snprintf(out, len, "%s%s", m->root, rest);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	if (on)
		*on = m;
	return 0;
}

const struct mount_entry *mount_table_find(const struct mount_table *t, const char *fstype)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->mounts[i].fstype, fstype))
			return &t->mounts[i];
	return NULL;
}

int mount_point_of(const char *fstype, char *path, size_t len)
{
	const struct mount_entry *m;
	struct mount_table t;
	int err = mount_table_read(&t);

	if (err)
		return err;
	m = mount_table_find(&t, fstype);
	if (!m)
		err = -ENOENT;
	else if (snprintf(path, len, "%s", m->point) >= (int)len)
		err = -ENAMETOOLONG;
	mount_table_free(&t);
	return err;
}
