// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The rules of one policy generation in the kernel's maps: a ruleset id
 * namespaces its inode_rules keys, so a new generation is written beside
 * the old one and a cell switches between them with one update.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include <isolate/policy.h>

#include "user/internal.h"

uint32_t inode_bloom_bit(uint32_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ ((uint64_t)dev << 40)) * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> (64 - 21));
}

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
static int bloom_add(struct isolate *iso, const struct isolate_image *img)
{
	int fd = iso->map_fd[MAP_INODE_BLOOM];

	for (size_t i = 0; i < img->n_inodes; i++) {
		uint32_t bit = inode_bloom_bit(img->inodes[i].dev, img->inodes[i].ino);
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

static void delete_written(struct isolate *iso, uint32_t ruleset,
			   const struct isolate_image *img, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct isolate_inode_key key = {
			.ruleset = ruleset,
			.dev = img->inodes[i].dev,
			.ino = img->inodes[i].ino,
		};

		bpf_map_delete_elem(iso->map_fd[MAP_INODE_RULES], &key);
	}
}

int ruleset_write(struct isolate *iso, uint32_t ruleset,
		  const struct isolate_image *img)
{
	int err = bloom_add(iso, img);

	if (err)
		return err;
	for (size_t i = 0; i < img->n_inodes; i++) {
		struct isolate_inode_key key = {
			.ruleset = ruleset,
			.dev = img->inodes[i].dev,
			.ino = img->inodes[i].ino,
		};

		if (bpf_map_update_elem(iso->map_fd[MAP_INODE_RULES], &key,
					&img->inodes[i].rule, BPF_NOEXIST)) {
			err = -errno;
			delete_written(iso, ruleset, img, i);
			return set_error(err, err == -E2BIG || err == -ENOMEM ?
					 "the inode rules map is full (%d entries): %s" :
					 "cannot write inode rule %d: %s",
					 err == -E2BIG || err == -ENOMEM ? ISOLATE_MAX_INODE_RULES : (int)i,
					 strerror(-err));
		}
	}
	return 0;
}

int ruleset_delete(struct isolate *iso, uint32_t ruleset)
{
	int fd = iso->map_fd[MAP_INODE_RULES];
	struct isolate_inode_key key, next, *doomed = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	int err = 0;

	/* Collect first: deleting while iterating restarts the iteration. */
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (key.ruleset != ruleset)
			continue;
		if (n == cap) {
			struct isolate_inode_key *grown;

			cap = cap ? cap * 2 : 64;
			grown = realloc(doomed, cap * sizeof(*doomed));
			if (!grown) {
				free(doomed);
				return set_error(-ENOMEM, "out of memory");
			}
			doomed = grown;
		}
		doomed[n++] = key;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, &doomed[i]) && errno != ENOENT && !err)
			err = set_error(-errno, "cannot delete a rule of ruleset %u: %s",
					ruleset, strerror(errno));
	free(doomed);
	return err;
}
