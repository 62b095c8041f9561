// SPDX-License-Identifier: GPL-2.0
/*
 * A budget this system cannot enforce (here: the memory controller taken
 * away from the cells) is refused, unless the caller allows unenforced
 * capabilities — then the cell is made, the gap is in its state, and a
 * lifecycle event says it.
 */
#include "kselftest_harness.h"
#include "isolate_test.h"

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

TEST_HARNESS_MAIN
