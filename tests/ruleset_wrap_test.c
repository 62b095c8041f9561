// SPDX-License-Identifier: GPL-2.0
/*
 * Ruleset ids come round after 2^32 - 1 of them (every change with timed
 * grants takes a fallback's): a new ruleset never takes the id of one a
 * cell still holds, whose rules it would otherwise be written into. The
 * pinned state is faked (tests/fake_load.h); the allocator's next id is
 * set near the end by hand.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <isolate/isolate.h>
#include <isolate/policy.h>

#include "kselftest_harness.h"
#include "fake_load.h"

#define RULES_MAX 64

struct rules {
	size_t n;
	struct isolate_inode_key key[RULES_MAX];
	struct isolate_inode_rule rule[RULES_MAX];
};

FIXTURE(wrap) {
	struct fake_env f;
	struct isolate *iso;
	char dir[64];
	bool dir_made;
};

static int map_fd(const char *bpffs, const char *map)
{
	char path[PATH_MAX];

	fake_pin_path(bpffs, ISOLATE_PIN_MAPS, map, path, sizeof(path));
	return bpf_obj_get(path);
}

/* The inode rules of ruleset r, as the map holds them. */
static int rules_of(const char *bpffs, __u32 r, struct rules *out)
{
	struct isolate_inode_key key, *prev = NULL;
	int fd = map_fd(bpffs, "inode_rules"), err = 0;

	out->n = 0;
	if (fd < 0)
		return -errno;
	while (!err && !bpf_map_get_next_key(fd, prev, &key)) {
		prev = &key;
		if (key.ruleset != r)
			continue;
		if (out->n == RULES_MAX)
			err = -E2BIG;
		else if (bpf_map_lookup_elem(fd, &key, &out->rule[out->n]))
			err = -errno;
		else
			out->key[out->n++] = key;
	}
	close(fd);
	return err;
}

/* Whether every rule of before is in now, as it was, and nothing else. */
static bool same_rules(const struct rules *before, const struct rules *now)
{
	if (before->n != now->n)
		return false;
	for (size_t i = 0; i < before->n; i++) {
		bool found = false;

		for (size_t j = 0; !found && j < now->n; j++)
			found = !memcmp(&before->key[i], &now->key[j], sizeof(now->key[j])) &&
				!memcmp(&before->rule[i], &now->rule[j], sizeof(now->rule[j]));
		if (!found)
			return false;
	}
	return true;
}

static int set_next_ruleset(const char *bpffs, __u32 next)
{
	struct isolate_config cfg;
	int fd = map_fd(bpffs, "settings"), err = 0;
	__u32 zero = 0;

	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		err = -errno;
	cfg.next_ruleset = next;
	if (!err && bpf_map_update_elem(fd, &zero, &cfg, BPF_EXIST))
		err = -errno;
	close(fd);
	return err;
}

/* Cell name granted text on path: 0 or the error. */
static int create_granted(struct isolate *iso, const char *name, const char *right,
			  const char *path)
{
	struct isolate_cell_policy *pol = isolate_cell_policy_new(name);
	struct isolate_diag diag = { 0 };
	struct isolate_cap *cap = NULL;
	char text[256];
	int err;

	if (!pol)
		return -ENOMEM;
	snprintf(text, sizeof(text), "%s:%s", right, path);
	err = isolate_cap_parse(text, &cap, &diag);
	if (!err)
		err = isolate_cell_policy_add(pol, cap);
	if (!err)
		err = isolate_cell_create(iso, name, pol, NULL);
	isolate_cap_free(cap);
	isolate_cell_policy_free(pol);
	return err;
}

FIXTURE_SETUP(wrap)
{
	int up = fake_env_up(&self->f);

	self->iso = NULL;
	self->dir_made = false;
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	strcpy(self->dir, "/tmp/isolate-wrap.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->dir_made = true;
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
}

FIXTURE_TEARDOWN(wrap)
{
	static const char *const cells[] = { "live", "last", "after" };

	for (size_t i = 0; self->iso && i < sizeof(cells) / sizeof(cells[0]); i++)
		isolate_cell_destroy(self->iso, cells[i]);
	fake_env_close(&self->f, self->iso, "");
	if (self->dir_made)
		rmdir(self->dir);
}

TEST_F(wrap, a_new_ruleset_passes_over_the_id_a_live_cell_holds)
{
	struct isolate_cell_state live, last, after;
	struct rules before, now;

	ASSERT_EQ(0, create_granted(self->iso, "live", "read", self->dir)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, "live", &live));
	/* The first ruleset: where the ids land once they come round. */
	ASSERT_EQ(1U, live.cell.ruleset);
	ASSERT_EQ(0, rules_of(self->f.bpffs, live.cell.ruleset, &before));
	ASSERT_LT(0U, before.n);

	ASSERT_EQ(0, set_next_ruleset(self->f.bpffs, UINT32_MAX));
	ASSERT_EQ(0, create_granted(self->iso, "last", "read", self->dir)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, "last", &last));
	EXPECT_EQ(UINT32_MAX, last.cell.ruleset);
	ASSERT_EQ(0, create_granted(self->iso, "after", "write", self->dir)) {
		TH_LOG("%s", isolate_last_error());
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, "after", &after));

	EXPECT_NE(live.cell.ruleset, after.cell.ruleset);
	EXPECT_NE(last.cell.ruleset, after.cell.ruleset);
	EXPECT_NE(0U, after.cell.ruleset);
	ASSERT_EQ(0, rules_of(self->f.bpffs, live.cell.ruleset, &now));
	EXPECT_TRUE(same_rules(&before, &now)) {
		TH_LOG("ruleset %u held %zu rules, holds %zu", live.cell.ruleset, before.n,
		       now.n);
	}
	ASSERT_EQ(0, isolate_cell_get(self->iso, "live", &live));
	EXPECT_EQ(1U, live.cell.ruleset);
}

TEST_HARNESS_MAIN
