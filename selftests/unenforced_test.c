// SPDX-License-Identifier: GPL-2.0
/*
 * A budget this system cannot enforce (here: the memory controller taken
 * away from the cells) is refused, unless the caller allows unenforced
 * capabilities — then the cell is made, the gap is in its state, and a
 * lifecycle event says it; and after `unload --force` the next load brings
 * it back as it was made.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lifecycle.h"

FIXTURE(unenforced) {
	struct isolate *iso;
	char subtree[PATH_MAX + 32];
	char name[64];
};

static int write_control(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -errno : 0;
}

FIXTURE_SETUP(unenforced)
{
	ASSERT_EQ(0, test_load(&self->iso));
	snprintf(self->subtree, sizeof(self->subtree), "%s/cgroup.subtree_control",
		 isolate_cells_cgroup(self->iso));
	snprintf(self->name, sizeof(self->name), "unenforced-%d", getpid());
	/* Cells made from now on have no memory.max. */
	ASSERT_EQ(0, write_control(self->subtree, "-memory"));
}

FIXTURE_TEARDOWN(unenforced)
{
	if (self->iso)
		isolate_cell_destroy(self->iso, self->name);
	EXPECT_EQ(0, write_control(self->subtree, "+memory"));
	isolate_close(self->iso);
}

static const char *const caps[] = { "read:/tmp", "memory:64M", "pids:32", NULL };

TEST_F(unenforced, refused_by_default)
{
	char cell_dir[PATH_MAX + 80];

	EXPECT_EQ(-EOPNOTSUPP, test_cell(self->iso, self->name, caps, NULL));
	snprintf(cell_dir, sizeof(cell_dir), "%s/%s", isolate_cells_cgroup(self->iso), self->name);
	EXPECT_EQ(-1, access(cell_dir, F_OK));
}

static void read_budget(const char *cells, const char *cell, const char *file,
			char *buf, size_t len)
{
	char path[PATH_MAX + 160];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", cells, cell, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/*
 * An update refused halfway through writing the budgets (memory comes
 * after cpu, and is missing here) leaves the generation in force with
 * all of its budgets: the cpu budget the new policy drops is not reset.
 */
TEST_F(unenforced, refused_update_keeps_the_budgets_in_force)
{
	static const char *const before[] = { "read:/tmp", "cpu:50000/100000", "pids:32", NULL };
	static const char *const after[] = { "read:/tmp", "memory:64M", NULL };
	const char *cells = isolate_cells_cgroup(self->iso);
	struct isolate_cell_policy *pol = test_policy(self->name, after);
	struct isolate_cell_state st;
	char buf[64];

	ASSERT_NE(NULL, pol);
	ASSERT_EQ(0, test_cell(self->iso, self->name, before, NULL));
	EXPECT_EQ(-EOPNOTSUPP, isolate_cell_update(self->iso, self->name, pol));
	isolate_cell_policy_free(pol);
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(1U, st.cell.generation);
	read_budget(cells, self->name, "cpu.max", buf, sizeof(buf));
	EXPECT_STREQ("50000 100000\n", buf);
	read_budget(cells, self->name, "pids.max", buf, sizeof(buf));
	EXPECT_STREQ("32\n", buf);
}

struct lifecycle_seen {
	const char *name;
	char detail[64];
	int unenforced;
};

static int on_lifecycle(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	const struct isolate_event_lifecycle *e = (const void *)h;
	struct lifecycle_seen *s = ctx;

	if (h->event_class != ISOLATE_EVENT_LIFECYCLE || size < sizeof(*e) ||
	    strcmp(e->name, s->name) || e->what != ISOLATE_LIFECYCLE_UNENFORCED)
		return 0;
	s->unenforced++;
	snprintf(s->detail, sizeof(s->detail), "%s", e->detail);
	return 0;
}

TEST_F(unenforced, allowed_then_reported_in_state_and_event)
{
	struct lifecycle_seen seen = { .name = self->name };
	struct isolate_events *ev;
	struct isolate_cell_state st;

	ASSERT_EQ(0, isolate_events_open(self->iso, on_lifecycle, &seen, &ev));
	while (isolate_events_poll(ev, 0) > 0)
		;
	isolate_allow_unenforced(self->iso, true);
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(ISOLATE_UNENFORCED_MEMORY, st.unenforced);
	for (int i = 0; i < 10 && !seen.unenforced; i++)
		isolate_events_poll(ev, 100);
	isolate_events_close(ev);
	EXPECT_EQ(1, seen.unenforced);
	EXPECT_STREQ("memory", seen.detail);
}

/*
 * `unload --force`, then a load with the memory controller still out of
 * the cells' reach: a process parked in the cells cgroup keeps load from
 * handing it down again (no internal processes). Returns the parked
 * process, killed by the caller, or -1.
 */
static pid_t reload_without_memory(struct __test_metadata *_metadata, struct isolate **iso)
{
	char procs[PATH_MAX + 32], pid_text[16];
	pid_t parked;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", isolate_cells_cgroup(*iso));
	EXPECT_EQ(0, cli(NULL, 0, "unload", "--force", NULL));
	parked = fork();
	if (!parked) {
		pause();
		_exit(0);
	}
	snprintf(pid_text, sizeof(pid_text), "%d", parked);
	EXPECT_EQ(0, write_control(procs, pid_text));
	EXPECT_EQ(0, cli(NULL, 0, "load", NULL));
	/* Our handle holds the maps of the unloaded state: take the new ones. */
	isolate_close(*iso);
	*iso = NULL;
	EXPECT_EQ(0, isolate_open(iso)) TH_LOG("%s", isolate_last_error());
	return parked;
}

static void unpark(pid_t parked)
{
	kill(parked, SIGKILL);
	waitpid(parked, NULL, 0);
}

/* The messages in the channel of cell name. */
static long channel_messages(const char *name)
{
	char dir[PATH_MAX + 80];

	channels_path(dir, sizeof(dir));
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%s", name);
	return dir_entries(dir, "", false);
}

static void make_with_a_message(struct __test_metadata *_metadata, struct isolate *iso,
				const char *name, struct isolate_cell_state *st)
{
	struct isolate_channel_msg msg = { .call_id = 7 };

	isolate_allow_unenforced(iso, true);
	ASSERT_EQ(0, test_cell(iso, name, caps, NULL));
	ASSERT_EQ(0, isolate_cell_get(iso, name, st));
	ASSERT_EQ(ISOLATE_UNENFORCED_MEMORY, st->unenforced);
	ASSERT_EQ(0, isolate_channel_post(name, &msg, "kept", 4));
	ASSERT_EQ(1, channel_messages(name));
}

TEST_F_TIMEOUT(unenforced, allowed_comes_back_as_made_after_unload_force, 120)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state before, after;
	pid_t parked;

	make_with_a_message(_metadata, self->iso, self->name, &before);
	parked = reload_without_memory(_metadata, &self->iso);
	unpark(parked);
	ASSERT_NE(NULL, self->iso);

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &after));
	EXPECT_EQ(before.cgid, after.cgid);
	EXPECT_EQ(1U, after.cell.generation);
	EXPECT_EQ(ISOLATE_UNENFORCED_MEMORY, after.unenforced);
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &pol));
	EXPECT_EQ((size_t)3, isolate_cell_policy_cap_count(pol));
	isolate_cell_policy_free(pol);
	EXPECT_EQ(1, channel_messages(self->name));
}

/*
 * Kept without what was accepted (by an older libisolate, say), the
 * budget is refused: the cell comes back closed, a new generation with
 * nothing granted but its budgets (the one not enforced reported), in its
 * own cgroup, its channel as it was.
 */
TEST_F_TIMEOUT(unenforced, refused_comes_back_closed_in_its_cgroup_with_its_channel, 120)
{
	struct isolate_cell_policy *pol = NULL;
	struct isolate_cell_state before, after;
	char unenforced[PATH_MAX];
	pid_t parked;

	make_with_a_message(_metadata, self->iso, self->name, &before);
	spec_dir(unenforced, sizeof(unenforced));
	snprintf(unenforced + strlen(unenforced), sizeof(unenforced) - strlen(unenforced),
		 "/%s.unenforced", self->name);
	ASSERT_EQ(0, unlink(unenforced));
	parked = reload_without_memory(_metadata, &self->iso);
	unpark(parked);
	ASSERT_NE(NULL, self->iso);

	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &after));
	EXPECT_EQ(before.cgid, after.cgid);
	EXPECT_EQ(2U, after.cell.generation);
	EXPECT_EQ(ISOLATE_UNENFORCED_MEMORY, after.unenforced);
	ASSERT_EQ(0, isolate_cell_policy_get(self->iso, self->name, &pol));
	EXPECT_EQ((size_t)2, isolate_cell_policy_cap_count(pol));
	isolate_cell_policy_free(pol);
	EXPECT_EQ(1, channel_messages(self->name));
}

TEST_HARNESS_MAIN
