// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The channel towards a cell: a directory ($ISOLATE_CHANNEL) where the
 * supervisor leaves one file per message, NNNNNNNNNNNNNNNN.msg, renamed
 * into place whole; the cell may read it, not change it. recv returns
 * the oldest message after the one it returned last; wait_reply the reply
 * to a request. The format is in Documentation/cell-abi.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <isolate/cell.h>

#define MESSAGE_MAGIC "isolate-message 1\n"

static const char *channel_dir(void)
{
	return getenv("ISOLATE_CHANNEL");
}

/* Parses one message file; 0 or -errno. */
static int read_message(const char *path, struct incell_message *msg)
{
	char buf[ISOLATE_MESSAGE_MAX + 512], *p, *body;
	unsigned long long v;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	body = strstr(buf, "\n\n");
	if (strncmp(buf, MESSAGE_MAGIC, strlen(MESSAGE_MAGIC)) || !body)
		return -EBADMSG;
	*body = 0;
	body += 2;
	memset(msg, 0, sizeof(*msg));
	for (p = buf + strlen(MESSAGE_MAGIC); p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (sscanf(p, "call_id: %llu", &v) == 1)
			msg->call_id = v;
		else if (sscanf(p, "reply_to: %llu", &v) == 1)
			msg->reply_to = v;
		else if (sscanf(p, "granted: %llu", &v) == 1)
			msg->granted = v != 0;
		else if (sscanf(p, "expires_ms: %llu", &v) == 1)
			msg->expires_ms = v;
		else if (sscanf(p, "len: %llu", &v) == 1)
			msg->len = v;
	}
	if (msg->len > sizeof(msg->data) || (size_t)(buf + n - body) < msg->len)
		return -EBADMSG;
	memcpy(msg->data, body, msg->len);
	return 0;
}

/*
 * This process's place in the channel: the newest message recv returned
 * (messages are named by the time they were posted). It starts at
 * $ISOLATE_CHANNEL_SINCE, the time isolate_cell_spawn() started the
 * process tree, so that each process sees every message posted since.
 */
static char seen[17];

static const char *recv_cursor(void)
{
	const char *since = getenv("ISOLATE_CHANNEL_SINCE");

	if (!seen[0])
		snprintf(seen, sizeof(seen), "%.16s",
			 since && strlen(since) == 16 ? since : "0000000000000000");
	return seen;
}

/*
 * The oldest message after this process's place (id 0), or the oldest
 * reply to request id. 0, -EAGAIN when there is none, or -errno. The
 * channel is the supervisor's: nothing is removed here.
 */
static int take(__u64 id, struct incell_message *msg)
{
	const char *dir = channel_dir(), *after = id ? "" : recv_cursor();
	char best[64] = "", path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int err = -EAGAIN;

	if (!dir)
		return -ENOTCONN;
	d = opendir(dir);
	if (!d)
		return -errno;
	/* Names are fixed-width times: the smallest is the oldest. */
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len != 20 || strcmp(de->d_name + 16, ".msg") ||
		    strncmp(de->d_name, after, 16) <= 0)
			continue;
		if (best[0] && strcmp(de->d_name, best) >= 0)
			continue;
		if (id) {
			struct incell_message m;

			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (read_message(path, &m) || m.reply_to != id)
				continue;
		}
		snprintf(best, sizeof(best), "%s", de->d_name);
	}
	closedir(d);
	if (!best[0])
		return err;
	snprintf(path, sizeof(path), "%s/%s", dir, best);
	err = read_message(path, msg);
	if (!err && !id)
		memcpy(seen, best, 16);
	return err;
}

static int wait_for(__u64 id, struct incell_message *msg, int timeout_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int err = take(id, msg);
		long waited;

		if (err != -EAGAIN)
			return err;
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return -ETIMEDOUT;
		poll(NULL, 0, 10);
	}
}

int incell_recv(struct incell_message *msg, int timeout_ms)
{
	return wait_for(0, msg, timeout_ms);
}

int incell_wait_reply(__u64 id, struct incell_message *msg, int timeout_ms)
{
	if (!id)
		return -EINVAL;
	return wait_for(id, msg, timeout_ms);
}
