// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The supervisor's side of a cell's channel (the reader is in
 * user/cell/channel.c): a directory per cell under the state directory,
 * which the cell may read and empty, and where libisolate leaves one file
 * per message, written whole and renamed into place.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "user/internal.h"

int channel_path(const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];
	int err = state_subdir("channels", 0711, dir, sizeof(dir));

	if (err)
		return err;
	if ((size_t)snprintf(out, len, "%s/%s", dir, name) >= len)
		return set_error(-ENAMETOOLONG, "channel path too long");
	return 0;
}

int channel_create(const char *name, struct isolate_image_inode *rule)
{
	char path[PATH_MAX];
	struct stat st;
	int err = channel_path(name, path, sizeof(path));

	if (err)
		return err;
	if ((mkdir(path, 0700) && errno != EEXIST) || stat(path, &st))
		return set_error(-errno, "cannot create the channel %s: %s", path, strerror(errno));
	memset(rule, 0, sizeof(*rule));
	rule->dev = major(st.st_dev) << 20 | minor(st.st_dev);
	rule->ino = st.st_ino;
	rule->rule.allow = ISOLATE_ACCESS_READ | ISOLATE_ACCESS_WRITE;
	rule->rule.rule_id = ISOLATE_RULE_NONE;
	for (int r = 0; r < 3; r++)
		rule->rule.decided_by[r] = ISOLATE_RULE_NONE;
	return 0;
}

void channel_remove(const char *name)
{
	char path[PATH_MAX], file[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	if (channel_path(name, path, sizeof(path)) || !(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(path);
}

int isolate_channel_post(const char *name, const struct isolate_channel_msg *m,
			 const void *data, size_t len)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 64], final[PATH_MAX + 64], head[256];
	struct timespec now;
	int fd, n, err;

	if (len > ISOLATE_MESSAGE_MAX)
		return set_error(-EMSGSIZE, "a channel message holds at most %d bytes",
				 ISOLATE_MESSAGE_MAX);
	err = channel_path(name, dir, sizeof(dir));
	if (err)
		return err;
	/* Sortable names: nanoseconds since boot, unique enough per writer. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(final, sizeof(final), "%s/%016llx.msg", dir,
		 (unsigned long long)now.tv_sec * 1000000000ULL + now.tv_nsec);
	snprintf(tmp, sizeof(tmp), "%s/.tmp.%d", dir, (int)getpid());
	n = snprintf(head, sizeof(head),
		     "isolate-message 1\ncall_id: %llu\nreply_to: %llu\ngranted: %d\n"
		     "expires_ms: %llu\nlen: %zu\n\n", (unsigned long long)m->call_id,
		     (unsigned long long)m->reply_to, m->granted ? 1 : 0,
		     (unsigned long long)m->expires_ms, len);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return set_error(-errno, "cannot write to the channel of %s: %s", name, strerror(errno));
	if (write(fd, head, n) != n || (len && write(fd, data, len) != (ssize_t)len)) {
		err = set_error(-errno ?: -EIO, "cannot write to the channel of %s", name);
		close(fd);
		unlink(tmp);
		return err;
	}
	close(fd);
	if (rename(tmp, final)) {
		err = set_error(-errno, "cannot post to the channel of %s: %s", name, strerror(errno));
		unlink(tmp);
	}
	return err;
}
