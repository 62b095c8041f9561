// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The supervisor's side of a cell's channel (the reader is in
 * cell/receive.c): <state dir>/channels/NAME/, where libisolate
 * leaves one file per message, written whole and renamed into place. The
 * cell may only read it: replies never pass through a directory a cell
 * can write, so nothing a cell makes there can steer root. Each receiver
 * keeps its own place; the directory keeps the newest CHANNEL_KEEP
 * messages.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "user/internal.h"

/* Messages a channel keeps; older ones go when a newer one comes. */
#define CHANNEL_KEEP 256

static int channels_dir(void)
{
	return statefs_subdir("channels", 0711);
}

int isolate_channel_path(const char *name, char *out, size_t len)
{
	if ((size_t)snprintf(out, len, "%s/channels/%s", state_dir(), name) >= len)
		return set_error(-ENAMETOOLONG, "channel path too long");
	return 0;
}

/* The cell's channel directory, created if missing; an fd or -errno. */
static int channel_dir(const char *name)
{
	int chans = channels_dir(), fd;

	if (chans < 0)
		return chans;
	fd = statefs_dir(chans, name, 0750);
	close(chans);
	return fd;
}

/*
 * The channel of a cell that exists: made with the cell and removed with
 * it, never made again by a message for a cell that is gone.
 */
static int channel_open(const char *name)
{
	int chans = channels_dir(), fd;

	if (chans < 0)
		return chans;
	fd = statefs_dir_open(chans, name);
	close(chans);
	return fd == -ENOENT ? set_error(fd, "no cell named %s has a channel", name) : fd;
}

int channel_create(const char *name, struct isolate_image_inode *rule)
{
	int fd = channel_dir(name);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		close(fd);
		return set_error(-errno, "cannot stat the channel of %s: %s", name, strerror(errno));
	}
	close(fd);
	inode_rule_of(&st, ISOLATE_ACCESS_READ, rule);
	return 0;
}

/* Opened, not made: a destroy that went meanwhile removed it for good. */
int channel_share_with(const char *name, gid_t gid)
{
	int fd = channel_open(name), err = 0;

	if (fd < 0)
		return fd;
	/* Set-group-ID: the messages written after take the group, and it reads them. */
	if (fchown(fd, geteuid(), gid) || fchmod(fd, 02750))
		err = set_error(-errno, "cannot open the channel of %s to group %u: %s", name,
				(unsigned int)gid, strerror(errno));
	close(fd);
	return err;
}

static bool is_message(const char *file)
{
	return strlen(file) == 20 && !strcmp(file + 16, ".msg") &&
	       strspn(file, "0123456789abcdef") == 16;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Removes the oldest messages beyond keep. */
static void trim(int dir, size_t keep)
{
	char *names[CHANNEL_KEEP + 64];
	size_t n = 0, extra = 0;
	struct dirent *de;
	int fd = dup(dir);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		if (!is_message(de->d_name))
			continue;
		if (n == sizeof(names) / sizeof(names[0])) {
			extra++;
			continue;
		}
		names[n] = strdup(de->d_name);
		n += names[n] != NULL;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		if (i + keep < n + extra)
			unlinkat(dir, names[i], 0);
		free(names[i]);
	}
}

void channel_remove(const char *name)
{
	int chans = channels_dir();

	if (chans < 0)
		return;
	statefs_remove_tree(chans, name, 2);
	close(chans);
}

int isolate_channel_post(const char *name, const struct isolate_channel_msg *m,
			 const void *data, size_t len)
{
	char file[32], *text;
	struct timespec now;
	int dir, n, err;

	if (len > ISOLATE_MESSAGE_MAX)
		return set_error(-EMSGSIZE, "a channel message holds at most %d bytes",
				 ISOLATE_MESSAGE_MAX);
	if (!isolate_cell_name_valid(name))
		return set_error(-EINVAL, "invalid cell name \"%.64s\"", name);
	text = malloc(256 + len);
	if (!text)
		return set_error(-ENOMEM, "out of memory");
	/* Sortable names: nanoseconds since boot, unique enough per writer. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(file, sizeof(file), "%016llx.msg",
		 (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec);
	n = snprintf(text, 256,
		     "isolate-message 1\ncall_id: %llu\nreply_to: %llu\ngranted: %d\n"
		     "expires_ms: %llu\nlen: %zu\n\n", (unsigned long long)m->call_id,
		     (unsigned long long)m->reply_to, m->granted ? 1 : 0,
		     (unsigned long long)m->expires_ms, len);
	if (len)	/* data may be NULL then (a bare reply) */
		memcpy(text + n, data, len);
	dir = channel_open(name);
	err = dir < 0 ? dir : statefs_write(dir, file, text, (size_t)n + len, 0640);
	if (!err)
		trim(dir, CHANNEL_KEEP);
	if (dir >= 0)
		close(dir);
	free(text);
	return err;
}
