// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The record of each ruleset, kept in <state>/rulesets/R: every entry it
 * wrote, key and value. Deleting a ruleset (a destroyed cell, a timed
 * grant's fallback) deletes the keys it lists: a cost in proportion to the
 * cell, not to every cell's rules. A change writes into the cell's spare
 * ruleset only what differs from the spare's record. The record is
 * written before the entries ("writing": it lists every key the ruleset
 * may hold once done, and every key it held before) and again after them
 * ("done": exactly what the maps hold), so a crash leaves at worst a list
 * naming keys that were never written, never a rule no list names, and a
 * record that is not done is never taken for the ruleset's content. A
 * change that switched away from a ruleset and then waited a grace period
 * marks its record quiet, so that the next change, writing there, need
 * not wait. A ruleset without a record we can read is deleted by a scan
 * of the maps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "user/internal.h"

/* The entries a record lists, read or built to be written. */
void ruleset_entries_free(struct ruleset_entries *e)
{
	free(e->inode);
	free(e->net);
	free(e->unix_names);
	memset(e, 0, sizeof(*e));
}

#define RECORD_MAGIC 0x72656331U	/* "rec1" */

struct record_header {
	__u32 magic;
	__u32 ruleset;
	__u32 n_inode, n_net, n_unix;
	__u32 state;	/* enum record_state; a reader of "done" (0/1) takes quiet as done */
};

/* The largest record: every map full, twice over while writing. */
#define RECORD_MAX (sizeof(struct record_header) + \
		    2 * (ISOLATE_MAX_INODE_RULES * sizeof(struct ruleset_inode) + \
			 ISOLATE_MAX_NET_RULES * sizeof(struct ruleset_net) + \
			 ISOLATE_MAX_UNIX_RULES * sizeof(struct ruleset_unix)))

static int record_dir(void)
{
	return statefs_subdir("rulesets", 0700);
}

static void record_file(uint32_t ruleset, char *out, size_t len)
{
	snprintf(out, len, "%u", ruleset);
}

static size_t record_len(const struct record_header *h)
{
	return sizeof(*h) + (size_t)h->n_inode * sizeof(struct ruleset_inode) +
	       (size_t)h->n_net * sizeof(struct ruleset_net) +
	       (size_t)h->n_unix * sizeof(struct ruleset_unix);
}

static unsigned char *put(unsigned char *p, const void *src, size_t len)
{
	if (len)
		memcpy(p, src, len);
	return p + len;
}

int ruleset_record_write(uint32_t ruleset, const struct ruleset_entries *e,
			 const struct ruleset_entries *also, bool done)
{
	struct record_header h = {
		.magic = RECORD_MAGIC,
		.ruleset = ruleset,
		.n_inode = (__u32)(e->n_inode + (also ? also->n_inode : 0)),
		.n_net = (__u32)(e->n_net + (also ? also->n_net : 0)),
		.n_unix = (__u32)(e->n_unix + (also ? also->n_unix : 0)),
		.state = done ? RECORD_DONE : RECORD_WRITING,
	};
	size_t len = record_len(&h);
	unsigned char *buf = malloc(len), *p;
	char name[16];
	int dir, err;

	if (!buf)
		return set_error(-ENOMEM, "out of memory");
	p = put(buf, &h, sizeof(h));
	p = put(p, e->inode, e->n_inode * sizeof(*e->inode));
	if (also)
		p = put(p, also->inode, also->n_inode * sizeof(*also->inode));
	p = put(p, e->net, e->n_net * sizeof(*e->net));
	if (also)
		p = put(p, also->net, also->n_net * sizeof(*also->net));
	p = put(p, e->unix_names, e->n_unix * sizeof(*e->unix_names));
	if (also)
		put(p, also->unix_names, also->n_unix * sizeof(*also->unix_names));
	dir = record_dir();
	err = dir;
	if (dir >= 0) {
		record_file(ruleset, name, sizeof(name));
		err = statefs_write(dir, name, buf, len, 0600);
		close(dir);
	}
	free(buf);
	return err;
}

static void *take(const unsigned char **p, size_t len)
{
	void *out = malloc(len ? len : 1);

	if (out && len)
		memcpy(out, *p, len);
	*p += len;
	return out;
}

int ruleset_record_read(uint32_t ruleset, struct ruleset_entries *e,
			enum record_state *state)
{
	struct record_header h = { 0 };
	char name[16], *buf = NULL;
	const unsigned char *p;
	size_t len = 0;
	int dir = record_dir(), err;

	memset(e, 0, sizeof(*e));
	if (dir < 0)
		return dir;
	record_file(ruleset, name, sizeof(name));
	err = statefs_read(dir, name, RECORD_MAX, &buf, &len);
	close(dir);
	if (err)
		return err == -ENOENT ? err : -EBADMSG;
	if (len >= sizeof(h))
		memcpy(&h, buf, sizeof(h));
	if (len < sizeof(h) || h.magic != RECORD_MAGIC || h.ruleset != ruleset ||
	    h.n_inode > 2 * ISOLATE_MAX_INODE_RULES || h.n_net > 2 * ISOLATE_MAX_NET_RULES ||
	    h.n_unix > 2 * ISOLATE_MAX_UNIX_RULES || h.state > RECORD_QUIET ||
	    len != record_len(&h)) {
		free(buf);
		return -EBADMSG;
	}
	p = (const unsigned char *)buf + sizeof(h);
	e->n_inode = h.n_inode;
	e->n_net = h.n_net;
	e->n_unix = h.n_unix;
	e->inode = take(&p, e->n_inode * sizeof(*e->inode));
	e->net = take(&p, e->n_net * sizeof(*e->net));
	e->unix_names = take(&p, e->n_unix * sizeof(*e->unix_names));
	free(buf);
	*state = h.state;
	if (!e->inode || !e->net || !e->unix_names) {
		ruleset_entries_free(e);
		return set_error(-ENOMEM, "out of memory");
	}
	return 0;
}

/* Deletes every key of n entries of size each (the key first) from map fd. */
static int delete_listed(int fd, const void *entries, size_t n, size_t size, const char *map)
{
	const unsigned char *p = entries;
	int err = 0;

	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, p + i * size) && errno != ENOENT && !err)
			err = set_error(-errno, "cannot delete rules from %s: %s", map,
					strerror(errno));
	return err;
}

int ruleset_record_delete(struct isolate *iso, uint32_t ruleset)
{
	struct ruleset_entries e;
	enum record_state state;
	int err = ruleset_record_read(ruleset, &e, &state);

	if (err == -ENOMEM)
		return err;
	if (err)
		return -ENOENT;	/* no record we can trust: the caller scans */
	err = delete_listed(iso->map_fd[MAP_INODE_RULES], e.inode, e.n_inode,
			    sizeof(*e.inode), "inode_rules");
	err = delete_listed(iso->map_fd[MAP_NET_RULES], e.net, e.n_net, sizeof(*e.net),
			    "net_rules") ?: err;
	err = delete_listed(iso->map_fd[MAP_UNIX_RULES], e.unix_names, e.n_unix,
			    sizeof(*e.unix_names), "unix_rules") ?: err;
	ruleset_entries_free(&e);
	if (!err)
		ruleset_record_forget(ruleset);
	return err;
}

/*
 * The state word alone, in place: the entries stay as they are. Only a
 * done record becomes quiet; when this fails, the next change waits itself.
 */
void ruleset_record_quiet(uint32_t ruleset)
{
	struct record_header h;
	int dir = record_dir(), fd;
	char name[16];

	if (dir < 0)
		return;
	record_file(ruleset, name, sizeof(name));
	fd = openat(dir, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dir);
	if (fd < 0)
		return;
	if (pread(fd, &h, sizeof(h), 0) == sizeof(h) && h.magic == RECORD_MAGIC &&
	    h.ruleset == ruleset && h.state == RECORD_DONE) {
		h.state = RECORD_QUIET;
		/* One word: a failed write leaves it done, which costs a wait, nothing more. */
		pwrite(fd, &h.state, sizeof(h.state), offsetof(struct record_header, state));
	}
	close(fd);
}

bool ruleset_record_kept(uint32_t ruleset)
{
	int dir = record_dir();
	char name[16];
	bool kept;

	if (dir < 0)
		return false;	/* then no ruleset can be written either */
	record_file(ruleset, name, sizeof(name));
	kept = !faccessat(dir, name, F_OK, AT_SYMLINK_NOFOLLOW);
	close(dir);
	return kept;
}

void ruleset_record_forget(uint32_t ruleset)
{
	int dir = record_dir();
	char name[16];

	if (dir < 0)
		return;
	record_file(ruleset, name, sizeof(name));
	unlinkat(dir, name, 0);
	close(dir);
}

void ruleset_record_prune(const uint32_t *live, size_t n_live)
{
	int dir = record_dir();
	struct dirent *de;
	DIR *d;

	if (dir < 0)
		return;
	d = fdopendir(dir);
	if (!d) {
		close(dir);
		return;
	}
	while ((de = readdir(d))) {
		char *end;
		unsigned long r = strtoul(de->d_name, &end, 10);
		bool keep = de->d_name[0] < '0' || de->d_name[0] > '9' || *end;

		for (size_t i = 0; !keep && i < n_live; i++)
			keep = live[i] == r;
		if (!keep)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}
