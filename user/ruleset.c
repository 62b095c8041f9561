// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The rules of one policy generation in the kernel's maps: a ruleset id
 * namespaces its keys, so a new generation is written beside the one in
 * force and a cell switches between them with one update. The ruleset a
 * cell switched away from is its spare: the next change writes there only
 * what differs from it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include <isolate/policy.h>

#include "policy/sort.h"
#include "user/internal.h"

/*
 * Ids come round after 2^32 - 1 rulesets. One whose record is kept may
 * still be a cell's (its rules, spare or fallback) or hold entries load
 * collects: a new ruleset written there would mix its rules into them,
 * so such ids are passed over. Until the ids first come round no id
 * ahead has a record, and the first is taken after one look.
 */
int ruleset_alloc(struct isolate *iso, uint32_t *ruleset)
{
	struct isolate_config cfg;
	int err = read_config(iso, &cfg);

	if (err)
		return err;
	do {
		if (!cfg.next_ruleset)
			cfg.next_ruleset = 1;	/* wrapped: 0 is never a ruleset */
		*ruleset = cfg.next_ruleset++;
	} while (ruleset_record_kept(*ruleset));
	return write_config(iso, &cfg);
}

/*
 * The part of the filter a change has mapped. A mapping of a BPF array is
 * made whole when it is made (every page inserted up front): the whole
 * filter, 2 MiB, costs a small change more than its rules do, so a
 * change maps the page it marks, and only a change that marks more pages
 * than BLOOM_PAGE_MAPS maps the whole filter. Mapped only while a change
 * writes it and never into a child: no process forked from the caller
 * (and then put in a cell) may hold a writable filter, where clearing a
 * slot would hide a rule, a deny among them.
 */
#define BLOOM_PAGE_MAPS 16

struct bloom_window {
	unsigned char *slots;	/* the mapping, NULL when none */
	size_t first, len;	/* what it maps: offset and length in the filter */
	unsigned int maps;	/* mappings made by this change */
};

static void bloom_unmap(struct bloom_window *w)
{
	if (w->slots)
		munmap(w->slots, w->len);
	w->slots = NULL;
}

static int bloom_map(struct isolate *iso, struct bloom_window *w, size_t slot)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int err;

	bloom_unmap(w);
	w->first = w->maps < BLOOM_PAGE_MAPS ? slot / page * page : 0;
	w->len = w->maps < BLOOM_PAGE_MAPS ? page : sizeof(struct isolate_inode_bloom);
	w->maps++;
	w->slots = mmap(NULL, w->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			iso->map_fd[MAP_INODE_BLOOM], (off_t)w->first);
	if (w->slots == MAP_FAILED) {
		w->slots = NULL;
		return set_error(-errno, "cannot map the inode filter: %s", strerror(errno));
	}
	if (madvise(w->slots, w->len, MADV_DONTFORK)) {
		err = set_error(-errno, "cannot keep the inode filter from child processes: %s",
				strerror(errno));
		bloom_unmap(w);
		return err;
	}
	return 0;
}

/*
 * Filter slots are only ever marked: a stale mark costs one hash lookup, a
 * missing one would hide a rule. Mark them before the rules they announce
 * (the map update that follows is a system call, which orders them); hooks
 * read the slots as they change.
 */
static int bloom_add(struct isolate *iso, struct bloom_window *w,
		     const struct isolate_inode_key *key)
{
	size_t slot = isolate_bloom_slot(key->dev, key->ino);
	int err = 0;

	if (!w->slots || slot < w->first || slot - w->first >= w->len)
		err = bloom_map(iso, w, slot);
	if (!err)
		__atomic_store_n(&w->slots[slot - w->first], 1, __ATOMIC_SEQ_CST);
	return err;
}

static int write_failed(int err, const char *map, int capacity)
{
	if (err == -E2BIG || err == -ENOMEM || err == -ENOSPC)
		return set_error(err, "the %s map is full (%d entries shared by all cells)",
				 map, capacity);
	return set_error(err, "cannot write to the %s map: %s", map, strerror(-err));
}

static int inode_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct isolate_inode_key));
}

static int net_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct isolate_net_key));
}

static int unix_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct isolate_unix_key));
}

/*
 * What ruleset holds for img: its entries, then the rules libisolate adds
 * to every cell, which replace whatever the policy says of the same
 * objects: the state directory closed (it holds every cell's kept policy:
 * a cell that could write there could rewrite its own) however it is
 * mounted, and the cell's own channel inside it open.
 */
static int entries_build(struct isolate *iso, uint32_t ruleset, const struct isolate_image *img,
			 const struct isolate_image_inode *channel, struct ruleset_entries *e)
{
	const struct state_tree *tree;
	struct isolate_image_inode *added = NULL;
	size_t n_added = 0, n = 0;
	int err = state_tree_get(iso, &tree);

	memset(e, 0, sizeof(*e));
	if (!err)
		err = state_tree_rules(tree, &added, &n_added);
	if (err)
		return err;
	/* state_tree_rules() leaves room for one more. */
	if (channel)
		added[n_added++] = *channel;
	e->inode = calloc(img->n_inodes + n_added, sizeof(*e->inode));
	e->net = calloc(img->n_net ? img->n_net : 1, sizeof(*e->net));
	e->unix_names = calloc(img->n_unix ? img->n_unix : 1, sizeof(*e->unix_names));
	if (!e->inode || !e->net || !e->unix_names) {
		free(added);
		ruleset_entries_free(e);
		return set_error(-ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < img->n_inodes + n_added; i++) {
		const struct isolate_image_inode *in = i < img->n_inodes ? &img->inodes[i] :
						       &added[i - img->n_inodes];
		struct ruleset_inode x = {
			.key = { .ruleset = ruleset, .dev = in->dev, .ino = in->ino },
			.rule = in->rule,
		};
		size_t k;

		for (k = i < img->n_inodes ? n : 0; k < n; k++)
			if (e->inode[k].key.dev == x.key.dev && e->inode[k].key.ino == x.key.ino)
				break;
		e->inode[k] = x;
		if (k == n)
			n++;
	}
	free(added);
	e->n_inode = n;
	for (size_t i = 0; i < img->n_net; i++) {
		e->net[i].key = img->net[i].key;
		e->net[i].key.ruleset = ruleset;
		e->net[i].rule = img->net[i].rule;
	}
	e->n_net = img->n_net;
	for (size_t i = 0; i < img->n_unix; i++) {
		e->unix_names[i].key = img->unix_names[i].key;
		e->unix_names[i].key.ruleset = ruleset;
		e->unix_names[i].rule = img->unix_names[i].rule;
	}
	e->n_unix = img->n_unix;
	sort_mostly_sorted(e->inode, e->n_inode, sizeof(*e->inode), inode_cmp);
	sort_mostly_sorted(e->net, e->n_net, sizeof(*e->net), net_cmp);
	sort_mostly_sorted(e->unix_names, e->n_unix, sizeof(*e->unix_names), unix_cmp);
	return 0;
}

/* What one map's entries are made of, for the walk over two sorted lists. */
struct entry_kind {
	enum isolate_map_id map;
	const char *name;
	int capacity;
	size_t size, key_size;
	bool inode;	/* announce the key in the inode filter first */
};

static const struct entry_kind kinds[] = {
	{ MAP_INODE_RULES, "inode_rules", ISOLATE_MAX_INODE_RULES,
	  sizeof(struct ruleset_inode), sizeof(struct isolate_inode_key), true },
	{ MAP_NET_RULES, "net_rules", ISOLATE_MAX_NET_RULES,
	  sizeof(struct ruleset_net), sizeof(struct isolate_net_key), false },
	{ MAP_UNIX_RULES, "unix_rules", ISOLATE_MAX_UNIX_RULES,
	  sizeof(struct ruleset_unix), sizeof(struct isolate_unix_key), false },
};

static void entries_of(const struct ruleset_entries *e, int kind, const unsigned char **p,
		       size_t *n)
{
	if (kind == 0) {
		*p = (const unsigned char *)e->inode;
		*n = e->n_inode;
	} else if (kind == 1) {
		*p = (const unsigned char *)e->net;
		*n = e->n_net;
	} else {
		*p = (const unsigned char *)e->unix_names;
		*n = e->n_unix;
	}
}

/*
 * Makes one map's entries of a ruleset go from was to now: writes what is
 * new or changed, deletes what is gone, leaves the rest alone.
 */
static int apply_kind(struct isolate *iso, int kind, const struct ruleset_entries *was,
		      const struct ruleset_entries *now)
{
	const struct entry_kind *k = &kinds[kind];
	struct bloom_window bloom = { 0 };
	const unsigned char *a, *b;
	size_t na, nb, i = 0, j = 0;
	int fd = iso->map_fd[k->map], err = 0;

	entries_of(was, kind, &a, &na);
	entries_of(now, kind, &b, &nb);
	while (!err && (i < na || j < nb)) {
		const unsigned char *x = i < na ? a + i * k->size : NULL;
		const unsigned char *y = j < nb ? b + j * k->size : NULL;
		int c = !x ? 1 : !y ? -1 : memcmp(x, y, k->key_size);

		if (c < 0) {
			if (bpf_map_delete_elem(fd, x) && errno != ENOENT)
				err = set_error(-errno, "cannot delete rules from %s: %s", k->name,
						strerror(errno));
			i++;
			continue;
		}
		if (c == 0 && !memcmp(x, y, k->size)) {
			i++;
			j++;
			continue;
		}
		if (k->inode)
			err = bloom_add(iso, &bloom, (const struct isolate_inode_key *)y);
		if (!err && bpf_map_update_elem(fd, y, y + k->key_size, BPF_ANY))
			err = write_failed(-errno, k->name, k->capacity);
		i += c == 0;
		j++;
	}
	bloom_unmap(&bloom);
	return err;
}

static int apply(struct isolate *iso, const struct ruleset_entries *was,
		 const struct ruleset_entries *now)
{
	int err = 0;

	for (int kind = 0; !err && kind < 3; kind++)
		err = apply_kind(iso, kind, was, now);
	return err;
}

/* Entries of was whose keys now has not: what a writing record adds. */
static int only_in(const struct ruleset_entries *was, const struct ruleset_entries *now,
		   struct ruleset_entries *out)
{
	memset(out, 0, sizeof(*out));
	out->inode = calloc(was->n_inode ? was->n_inode : 1, sizeof(*out->inode));
	out->net = calloc(was->n_net ? was->n_net : 1, sizeof(*out->net));
	out->unix_names = calloc(was->n_unix ? was->n_unix : 1, sizeof(*out->unix_names));
	if (!out->inode || !out->net || !out->unix_names) {
		ruleset_entries_free(out);
		return set_error(-ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < was->n_inode; i++)
		if (!bsearch(&was->inode[i], now->inode, now->n_inode, sizeof(*now->inode),
			     inode_cmp))
			out->inode[out->n_inode++] = was->inode[i];
	for (size_t i = 0; i < was->n_net; i++)
		if (!bsearch(&was->net[i], now->net, now->n_net, sizeof(*now->net), net_cmp))
			out->net[out->n_net++] = was->net[i];
	for (size_t i = 0; i < was->n_unix; i++)
		if (!bsearch(&was->unix_names[i], now->unix_names, now->n_unix,
			     sizeof(*now->unix_names), unix_cmp))
			out->unix_names[out->n_unix++] = was->unix_names[i];
	return 0;
}

/*
 * Brings ruleset from was (what its record says it holds) to img: the
 * record first, listing both, then the entries that differ, then the
 * record of what it holds now.
 */
static int write_from(struct isolate *iso, uint32_t ruleset, const struct ruleset_entries *was,
		      const struct isolate_image *img, const struct isolate_image_inode *channel)
{
	struct ruleset_entries now, gone = { 0 };
	int err = entries_build(iso, ruleset, img, channel, &now);

	if (!err)
		err = only_in(was, &now, &gone);
	if (!err)
		err = ruleset_record_write(ruleset, &now, &gone, false);
	if (!err)
		err = apply(iso, was, &now);
	if (!err)
		err = ruleset_record_write(ruleset, &now, NULL, true);
	ruleset_entries_free(&gone);
	ruleset_entries_free(&now);
	return err;
}

/* On failure nothing of ruleset is left behind and the maps hold what they held before. */
int ruleset_write(struct isolate *iso, uint32_t ruleset,
		  const struct isolate_image *img, const struct isolate_image_inode *channel)
{
	struct ruleset_entries none = { 0 };
	int err = write_from(iso, ruleset, &none, img, channel);

	if (err) {
		char why[512];

		snprintf(why, sizeof(why), "%s", isolate_last_error());
		ruleset_delete(iso, ruleset);
		return set_error(err, "%s", why);
	}
	return 0;
}

int ruleset_rewrite(struct isolate *iso, uint32_t ruleset,
		    const struct isolate_image *img, const struct isolate_image_inode *channel)
{
	struct ruleset_entries was = { 0 };
	enum record_state state = RECORD_WRITING;
	int err = ruleset_record_read(ruleset, &was, &state);

	if (err == -ENOMEM)
		return err;
	/* Unless the change that switched away from it waited: no hook may still read it. */
	if (err || state != RECORD_QUIET) {
		int synced = rcu_sync(iso);

		if (synced) {
			ruleset_entries_free(&was);
			return synced;
		}
	}
	/* Not known to be whole (a writer killed halfway): start from nothing. */
	if (err || state == RECORD_WRITING) {
		ruleset_entries_free(&was);
		err = ruleset_delete(iso, ruleset);
		if (err)
			return err;
	}
	err = write_from(iso, ruleset, &was, img, channel);
	ruleset_entries_free(&was);
	return err;
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
	int err = ruleset_record_delete(iso, ruleset);

	if (err != -ENOENT)
		return err;
	err = delete_rulesets(iso, &d);
	if (!err)
		ruleset_record_forget(ruleset);
	return err;
}

/*
 * Removes the rules no cell uses: what a writer killed halfway through a
 * change left behind. Only under the lock, so no writer is halfway now.
 */
int ruleset_gc(struct isolate *iso)
{
	/* A cell holds its rulesets, its spare and, with timed grants, a fallback. */
	uint32_t *live = calloc(3 * ISOLATE_MAX_CELLS, sizeof(*live));
	struct doomed d = { .live = live };
	int fd = iso->map_fd[MAP_CELLS], err;
	__u64 key, *prev = NULL;
	struct isolate_cell cell;

	if (!live)
		return set_error(-ENOMEM, "out of memory");
	while (!bpf_map_get_next_key(fd, prev, &key) && d.n_live < 3 * ISOLATE_MAX_CELLS - 2) {
		if (!bpf_map_lookup_elem(fd, &key, &cell)) {
			live[d.n_live++] = cell.ruleset;
			if (cell.fallback_ruleset)
				live[d.n_live++] = cell.fallback_ruleset;
			if (cell.spare_ruleset)
				live[d.n_live++] = cell.spare_ruleset;
		}
		prev = &key;
	}
	err = delete_rulesets(iso, &d);
	if (!err)
		ruleset_record_prune(live, d.n_live);
	free(live);
	return err;
}
