// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The keys each ruleset wrote, kept in <state>/rulesets/R, so that deleting
 * a ruleset (a destroyed cell, the generation a change replaced) deletes
 * those keys: a cost in proportion to the cell, not to every cell's rules.
 * The list is written before the rules it names, so a crash leaves at
 * worst a list naming keys that were never written, never a rule that no
 * list names. A ruleset without a list (written before lists were kept)
 * is deleted by a scan of the maps.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "user/internal.h"

#define KEYS_MAGIC 0x6b657931U	/* "key1" */

struct keys_header {
	__u32 magic;
	__u32 ruleset;
	__u32 n_inode, n_net, n_unix;
};

/* The largest list: every map full. Anything larger was not written by us. */
#define KEYS_MAX (sizeof(struct keys_header) + \
		  ISOLATE_MAX_INODE_RULES * sizeof(struct isolate_inode_key) + \
		  ISOLATE_MAX_NET_RULES * sizeof(struct isolate_net_key) + \
		  ISOLATE_MAX_UNIX_RULES * sizeof(struct isolate_unix_key))

static int keys_dir(void)
{
	return statefs_subdir("rulesets", 0700);
}

static void keys_file(uint32_t ruleset, char *out, size_t len)
{
	snprintf(out, len, "%u", ruleset);
}

int ruleset_keys_write(uint32_t ruleset, const struct isolate_image *img,
		       const struct isolate_image_inode *extra, size_t n_extra)
{
	struct keys_header h = {
		.magic = KEYS_MAGIC,
		.ruleset = ruleset,
		.n_inode = (__u32)(img->n_inodes + n_extra),
		.n_net = (__u32)img->n_net,
		.n_unix = (__u32)img->n_unix,
	};
	size_t len = sizeof(h) + h.n_inode * sizeof(struct isolate_inode_key) +
		     h.n_net * sizeof(struct isolate_net_key) +
		     h.n_unix * sizeof(struct isolate_unix_key);
	unsigned char *buf = calloc(1, len), *p;
	char name[16];
	int dir, err;

	if (!buf)
		return set_error(-ENOMEM, "out of memory");
	memcpy(buf, &h, sizeof(h));
	p = buf + sizeof(h);
	for (size_t i = 0; i < h.n_inode; i++, p += sizeof(struct isolate_inode_key)) {
		const struct isolate_image_inode *in = i < img->n_inodes ? &img->inodes[i] :
						       &extra[i - img->n_inodes];
		struct isolate_inode_key key = { .ruleset = ruleset, .dev = in->dev, .ino = in->ino };

		memcpy(p, &key, sizeof(key));
	}
	for (size_t i = 0; i < h.n_net; i++, p += sizeof(struct isolate_net_key)) {
		struct isolate_net_key key = img->net[i].key;

		key.ruleset = ruleset;
		memcpy(p, &key, sizeof(key));
	}
	for (size_t i = 0; i < h.n_unix; i++, p += sizeof(struct isolate_unix_key)) {
		struct isolate_unix_key key = img->unix_names[i].key;

		key.ruleset = ruleset;
		memcpy(p, &key, sizeof(key));
	}
	dir = keys_dir();
	err = dir;
	if (dir >= 0) {
		keys_file(ruleset, name, sizeof(name));
		err = statefs_write(dir, name, buf, len, 0600);
		close(dir);
	}
	free(buf);
	return err;
}

/* Deletes every key of the list in map fd; the first error but ENOENT. */
static int delete_listed(int fd, const unsigned char *keys, size_t n, size_t key_size,
			 const char *map)
{
	int err = 0;

	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT && !err)
			err = set_error(-errno, "cannot delete rules from %s: %s", map,
					strerror(errno));
	return err;
}

int ruleset_keys_delete(struct isolate *iso, uint32_t ruleset)
{
	struct keys_header h = { 0 };
	char name[16], *buf = NULL;
	const unsigned char *p;
	size_t len = 0;
	int dir = keys_dir(), err;

	if (dir < 0)
		return dir;
	keys_file(ruleset, name, sizeof(name));
	err = statefs_read(dir, name, KEYS_MAX, &buf, &len);
	if (!err) {
		if (len >= sizeof(h))
			memcpy(&h, buf, sizeof(h));
		if (len < sizeof(h) || h.magic != KEYS_MAGIC || h.ruleset != ruleset ||
		    len != sizeof(h) + (size_t)h.n_inode * sizeof(struct isolate_inode_key) +
			   (size_t)h.n_net * sizeof(struct isolate_net_key) +
			   (size_t)h.n_unix * sizeof(struct isolate_unix_key))
			err = -EBADMSG;
	}
	if (!err) {
		p = (const unsigned char *)buf + sizeof(h);
		err = delete_listed(iso->map_fd[MAP_INODE_RULES], p, h.n_inode,
				    sizeof(struct isolate_inode_key), "inode_rules");
		p += (size_t)h.n_inode * sizeof(struct isolate_inode_key);
		err = delete_listed(iso->map_fd[MAP_NET_RULES], p, h.n_net,
				    sizeof(struct isolate_net_key), "net_rules") ?: err;
		p += (size_t)h.n_net * sizeof(struct isolate_net_key);
		err = delete_listed(iso->map_fd[MAP_UNIX_RULES], p, h.n_unix,
				    sizeof(struct isolate_unix_key), "unix_rules") ?: err;
		if (!err)
			unlinkat(dir, name, 0);
	} else {
		/* No list we can trust: the caller scans. */
		err = -ENOENT;
	}
	free(buf);
	close(dir);
	return err;
}

void ruleset_keys_forget(uint32_t ruleset)
{
	int dir = keys_dir();
	char name[16];

	if (dir < 0)
		return;
	keys_file(ruleset, name, sizeof(name));
	unlinkat(dir, name, 0);
	close(dir);
}

void ruleset_keys_prune(const uint32_t *live, size_t n_live)
{
	int dir = keys_dir();
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
