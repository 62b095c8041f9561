// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A cell's timed grants, kept beside its policy (they are not part of
 * it): <state dir>/cells/NAME.timed, one "EXPIRES CAPABILITY" a line,
 * EXPIRES in CLOCK_BOOTTIME nanoseconds, the clock the kernel ends them
 * by (bpf_ktime_get_boot_ns). Through user/statefs.c, like the policy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "user/internal.h"

/* A cell holds at most this many timed grants at once. */
#define TIMED_MAX 256
#define TIMED_FILE_MAX (TIMED_MAX * 4500)

__u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static int timed_file(const char *name, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s.timed", name) >= len)
		return set_error(-ENAMETOOLONG, "state file name too long");
	return 0;
}

void timed_free(struct timed_cap *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		isolate_cap_free(t[i].cap);
	free(t);
}

int timed_read(const char *name, __u64 now, struct timed_cap **out, size_t *n)
{
	char file[NAME_MAX + 1], *text = NULL, *line, *next;
	struct timed_cap *t;
	size_t len;
	int dir, err = timed_file(name, file, sizeof(file));

	*out = NULL;
	*n = 0;
	if (err)
		return err;
	t = calloc(TIMED_MAX, sizeof(*t));
	dir = t ? statefs_subdir("cells", 0700) : -ENOMEM;
	if (dir < 0) {
		free(t);
		return dir == -ENOMEM ? set_error(dir, "out of memory") : dir;
	}
	err = statefs_read(dir, file, TIMED_FILE_MAX, &text, &len);
	close(dir);
	if (err == -ENOENT)
		err = 0;
	for (line = text; !err && line && *line; line = next) {
		unsigned long long expires;
		char *end;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		expires = strtoull(line, &end, 10);
		if (end == line || *end != ' ' || *n == TIMED_MAX) {
			err = set_error(-EINVAL, "the timed grants of cell %s are unreadable", name);
			break;
		}
		/* Ended already: the kernel honours them no more. */
		if (expires <= now)
			continue;
		err = isolate_cap_parse(end + 1, &t[*n].cap, NULL);
		if (err)
			err = set_error(err, "the timed grants of cell %s are unreadable", name);
		else
			t[(*n)++].expires_ns = expires;
	}
	free(text);
	if (err) {
		timed_free(t, *n);
		*n = 0;
		return err;
	}
	*out = t;
	return 0;
}

int timed_write(const char *name, const struct timed_cap *t, size_t n)
{
	char file[NAME_MAX + 1], text_cap[4400];
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int dir, err = timed_file(name, file, sizeof(file));

	if (err)
		return err;
	dir = statefs_subdir("cells", 0700);
	if (dir < 0)
		return dir;
	if (!n) {
		if (unlinkat(dir, file, 0) && errno != ENOENT)
			err = set_error(-errno, "cannot remove %s/cells/%s: %s", state_dir(), file,
					strerror(errno));
		close(dir);
		return err;
	}
	f = open_memstream(&text, &len);
	for (size_t i = 0; f && i < n; i++) {
		isolate_cap_format(t[i].cap, text_cap, sizeof(text_cap));
		fprintf(f, "%llu %s\n", (unsigned long long)t[i].expires_ns, text_cap);
	}
	if (f)
		fclose(f);
	err = text ? statefs_write(dir, file, text, len, 0600) : set_error(-ENOMEM, "out of memory");
	close(dir);
	free(text);
	return err;
}

int timed_add(struct timed_cap **list, size_t *n, struct isolate_cap *const caps[],
	      size_t n_caps, __u64 expires)
{
	struct timed_cap *grown;

	if (*n + n_caps > TIMED_MAX)
		return set_error(-ENOSPC, "a cell holds at most %d timed grants", TIMED_MAX);
	grown = realloc(*list, (*n + n_caps + 1) * sizeof(**list));
	if (!grown)
		return set_error(-ENOMEM, "out of memory");
	*list = grown;
	for (size_t i = 0; i < n_caps; i++) {
		grown[*n].cap = isolate_cap_dup(caps[i]);
		if (!grown[*n].cap)
			return set_error(-ENOMEM, "out of memory");
		grown[*n].added = true;
		grown[(*n)++].expires_ns = expires;
	}
	return 0;
}
