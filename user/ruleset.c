// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The rules of one policy generation in the kernel's maps: a ruleset id
 * namespaces its inode_rules keys, so a new generation is written beside
 * the old one and a cell switches between them with one update.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include <isolate/policy.h>

#include "user/internal.h"

int ruleset_alloc(struct isolate *iso, uint32_t *ruleset)
{
	struct isolate_config cfg;
	int err = read_config(iso, &cfg);

	if (err)
		return err;
	if (!cfg.next_ruleset)
		cfg.next_ruleset = 1;	/* wrapped: 0 is never a ruleset */
	*ruleset = cfg.next_ruleset++;
	return write_config(iso, &cfg);
}

/*
 * Filter bits are only ever set: a stale bit costs one hash lookup, a
 * missing one would hide a rule. Set them before the rules they announce.
 */
static int bloom_add(struct isolate *iso, const struct isolate_image_inode *inodes,
		     size_t n)
{
	int fd = iso->map_fd[MAP_INODE_BLOOM];

	for (size_t i = 0; i < n; i++) {
		uint32_t bit = isolate_bloom_bit(inodes[i].dev, inodes[i].ino);
		uint32_t word = bit / 64;
		uint64_t w;

		if (bpf_map_lookup_elem(fd, &word, &w))
			return set_error(-errno, "cannot read the inode filter: %s", strerror(errno));
		if (w & (1ULL << (bit % 64)))
			continue;
		w |= 1ULL << (bit % 64);
		if (bpf_map_update_elem(fd, &word, &w, BPF_ANY))
			return set_error(-errno, "cannot write the inode filter: %s", strerror(errno));
	}
	return 0;
}

static int write_failed(int err, const char *map, int capacity)
{
	if (err == -E2BIG || err == -ENOMEM || err == -ENOSPC)
		return set_error(err, "the %s map is full (%d entries shared by all cells)",
				 map, capacity);
	return set_error(err, "cannot write to the %s map: %s", map, strerror(-err));
}

static int write_inodes(struct isolate *iso, uint32_t ruleset,
			const struct isolate_image_inode *inodes, size_t n, __u64 flags)
{
	int err = bloom_add(iso, inodes, n);

	for (size_t i = 0; !err && i < n; i++) {
		struct isolate_inode_key key = {
			.ruleset = ruleset,
			.dev = inodes[i].dev,
			.ino = inodes[i].ino,
		};

		if (bpf_map_update_elem(iso->map_fd[MAP_INODE_RULES], &key,
					&inodes[i].rule, flags))
			return write_failed(-errno, "inode_rules", ISOLATE_MAX_INODE_RULES);
	}
	return err;
}

static int write_net(struct isolate *iso, uint32_t ruleset,
		     const struct isolate_image *img)
{
	for (size_t i = 0; i < img->n_net; i++) {
		struct isolate_net_key key = img->net[i].key;

		key.ruleset = ruleset;
		if (bpf_map_update_elem(iso->map_fd[MAP_NET_RULES], &key,
					&img->net[i].rule, BPF_NOEXIST))
			return write_failed(-errno, "net_rules", ISOLATE_MAX_NET_RULES);
	}
	return 0;
}

static int write_unix(struct isolate *iso, uint32_t ruleset,
		      const struct isolate_image *img)
{
	for (size_t i = 0; i < img->n_unix; i++) {
		struct isolate_unix_key key = img->unix_names[i].key;

		key.ruleset = ruleset;
		if (bpf_map_update_elem(iso->map_fd[MAP_UNIX_RULES], &key,
					&img->unix_names[i].rule, BPF_NOEXIST))
			return write_failed(-errno, "unix_rules", ISOLATE_MAX_UNIX_RULES);
	}
	return 0;
}

/*
 * Writes every entry of img, and the rules libisolate adds to every cell,
 * under ruleset: the state directory closed (it holds every cell's kept
 * policy: a cell that could write there could rewrite its own), and the
 * cell's own channel inside it open. On failure nothing of ruleset is left
 * behind and the maps hold what they held before.
 */
int ruleset_write(struct isolate *iso, uint32_t ruleset,
		  const struct isolate_image *img, const struct isolate_image_inode *channel)
{
	struct isolate_image_inode added[2];
	int err = state_dir_rule(&added[0]);
	const struct isolate_image_inode *state = &added[0];

	if (channel)
		added[1] = *channel;
	/* The list first: what a crash leaves is then always listed. */
	if (!err)
		err = ruleset_keys_write(ruleset, img, added, channel ? 2 : 1);
	if (!err)
		err = write_inodes(iso, ruleset, img->inodes, img->n_inodes, BPF_NOEXIST);
	/* These replace whatever the policy says of the same directories. */
	if (!err)
		err = write_inodes(iso, ruleset, state, 1, BPF_ANY);
	if (!err && channel)
		err = write_inodes(iso, ruleset, channel, 1, BPF_ANY);
	if (!err)
		err = write_net(iso, ruleset, img);
	if (!err)
		err = write_unix(iso, ruleset, img);
	if (err) {
		char why[512];

		snprintf(why, sizeof(why), "%s", isolate_last_error());
		ruleset_delete(iso, ruleset);
		return set_error(err, "%s", why);
	}
	return 0;
}

/*
 * Deletes the keys of one map whose ruleset field (at ruleset_off) is
 * ruleset. Keys are collected first: deleting while iterating restarts
 * the iteration.
 */
/* Which rulesets a deletion removes: one, or all but the live ones. */
struct doomed {
	uint32_t ruleset;	/* 0: every ruleset not in live */
	const uint32_t *live;
	size_t n_live;
};

static bool is_doomed(const struct doomed *d, uint32_t ruleset)
{
	if (d->ruleset)
		return ruleset == d->ruleset;
	for (size_t i = 0; i < d->n_live; i++)
		if (d->live[i] == ruleset)
			return false;
	return true;
}

static int delete_keys(int fd, size_t key_size, size_t ruleset_off,
		       const struct doomed *d, const char *map)
{
	unsigned char *keys = NULL, *cursor = malloc(key_size), *next = malloc(key_size);
	bool started = false;
	size_t n = 0, cap = 0;
	int err = 0;

	if (!cursor || !next) {
		err = set_error(-ENOMEM, "out of memory");
		goto out;
	}
	while (!bpf_map_get_next_key(fd, started ? cursor : NULL, next)) {
		uint32_t owner;

		started = true;
		memcpy(cursor, next, key_size);
		memcpy(&owner, next + ruleset_off, sizeof(owner));
		if (!is_doomed(d, owner))
			continue;
		if (n == cap) {
			unsigned char *grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(keys, cap * key_size);
			if (!grown) {
				err = set_error(-ENOMEM, "out of memory");
				goto out;
			}
			keys = grown;
		}
		memcpy(keys + n++ * key_size, next, key_size);
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT && !err)
			err = set_error(-errno, "cannot delete rules from %s: %s",
					map, strerror(errno));
out:
	free(keys);
	free(cursor);
	free(next);
	return err;
}

static int delete_rulesets(struct isolate *iso, const struct doomed *d)
{
	int err = delete_keys(iso->map_fd[MAP_INODE_RULES], sizeof(struct isolate_inode_key),
			      offsetof(struct isolate_inode_key, ruleset), d, "inode_rules");
	int err2 = delete_keys(iso->map_fd[MAP_NET_RULES], sizeof(struct isolate_net_key),
			       offsetof(struct isolate_net_key, ruleset), d, "net_rules");
	int err3 = delete_keys(iso->map_fd[MAP_UNIX_RULES], sizeof(struct isolate_unix_key),
			       offsetof(struct isolate_unix_key, ruleset), d, "unix_rules");

	return err ?: err2 ?: err3;
}

int ruleset_delete(struct isolate *iso, uint32_t ruleset)
{
	struct doomed d = { .ruleset = ruleset };
	int err = ruleset_keys_delete(iso, ruleset);

	if (err != -ENOENT)
		return err;
	err = delete_rulesets(iso, &d);
	if (!err)
		ruleset_keys_forget(ruleset);
	return err;
}

/*
 * Removes the rules no cell uses: what a writer killed halfway through a
 * change left behind. Only under the lock, so no writer is halfway now.
 */
int ruleset_gc(struct isolate *iso)
{
	/* A cell holds two rulesets while it has timed grants. */
	uint32_t *live = calloc(2 * ISOLATE_MAX_CELLS, sizeof(*live));
	struct doomed d = { .live = live };
	int fd = iso->map_fd[MAP_CELLS], err;
	__u64 key, *prev = NULL;
	struct isolate_cell cell;

	if (!live)
		return set_error(-ENOMEM, "out of memory");
	while (!bpf_map_get_next_key(fd, prev, &key) && d.n_live < 2 * ISOLATE_MAX_CELLS - 1) {
		if (!bpf_map_lookup_elem(fd, &key, &cell)) {
			live[d.n_live++] = cell.ruleset;
			if (cell.fallback_ruleset)
				live[d.n_live++] = cell.fallback_ruleset;
		}
		prev = &key;
	}
	err = delete_rulesets(iso, &d);
	if (!err)
		ruleset_keys_prune(live, d.n_live);
	free(live);
	return err;
}
