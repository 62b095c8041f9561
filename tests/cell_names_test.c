// SPDX-License-Identifier: GPL-2.0
/*
 * Events are shown with their cell's name, looked up by cgroup id; a
 * lookup lists every cell. Records of an id no cell has (a destroyed
 * cell's, replayed) list the cells once, not once each: `events --take`
 * on a fake load (tests/fake_load.h, records written by
 * tests/fake_ring.h), its listings counted by a shim preloaded into it
 * (build/tests/count-opendir.so: the opendir(3) calls on the cells
 * cgroup).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"
#include "fake_ring.h"
#include "loader_run.h"

#define CELL "named"
/* No cell has it: cgroup ids are inode numbers, far below. */
#define NO_CELL_CGID (1ULL << 40)

FIXTURE(names) {
	struct fake_env env;
	struct isolate *iso;
	struct isolate_cell_state st;
	int writer;
	__u64 seq;
	char dir[64];
	char cell[sizeof(CELL)];	/* destroyed at teardown when made */
};

static int drain(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	return 0;
}

FIXTURE_SETUP(names)
{
	struct isolate_events *ev = NULL;
	int err = fake_env_up(&self->env);

	self->iso = NULL;
	self->writer = -1;
	self->seq = 0;
	self->cell[0] = '\0';
	snprintf(self->dir, sizeof(self->dir), "/tmp/cell_names_test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (err)
		SKIP(return, "no fake load here: %s", strerror(-err));
	ASSERT_EQ(0, isolate_open(&self->iso)) TH_LOG("%s", isolate_last_error());
	ASSERT_EQ(0, create_empty_cell(self->iso, CELL)) TH_LOG("%s", isolate_last_error());
	strcpy(self->cell, CELL);
	ASSERT_EQ(0, isolate_cell_get(self->iso, CELL, &self->st));
	/* Its lifecycle record taken: its name is then only to be looked up. */
	ASSERT_EQ(0, isolate_events_open(self->iso, drain, NULL, &ev));
	while (isolate_events_poll(ev, 0) > 0)
		;
	isolate_events_close(ev);
	self->writer = fake_ring_writer(self->env.bpffs, "log", sizeof(struct isolate_event_log));
	ASSERT_LE(0, self->writer) TH_LOG("%s", strerror(-self->writer));
}

FIXTURE_TEARDOWN(names)
{
	char path[PATH_MAX];

	if (self->writer >= 0)
		close(self->writer);
	snprintf(path, sizeof(path), "%s/out", self->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/count", self->dir);
	unlink(path);
	rmdir(self->dir);
	fake_env_close(&self->env, self->iso, self->cell);
}

/* A log record of the cell of cgroup id cgid into the ring. */
static int log_of(FIXTURE_DATA(names) *self, __u64 cgid)
{
	struct isolate_event_log e = fake_log_record(cgid, self->seq++, "hello");

	return fake_ring_write(self->writer, &e.hdr);
}

/*
 * `-j events --take` with the shim, its output in dir/out: the times it
 * listed the cells, or -1.
 */
static int listings_of_events_take(FIXTURE_DATA(names) *self)
{
	char shim[PATH_MAX], out[PATH_MAX], count[PATH_MAX];
	unsigned int n;
	int status, fd;
	pid_t pid;
	FILE *f;

	if (!realpath("build/tests/count-opendir.so", shim))
		return -1;
	snprintf(out, sizeof(out), "%s/out", self->dir);
	snprintf(count, sizeof(count), "%s/count", self->dir);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 1) != 1)
			_exit(125);
		setenv("LD_PRELOAD", shim, 1);
		setenv("COUNT_OPENDIR", isolate_cells_cgroup(self->iso), 1);
		setenv("COUNT_OPENDIR_LOG", count, 1);
		execlp(loader_bin(), loader_bin(), "-j", "events", "--take", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	f = fopen(count, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%u", &n) != 1)
		n = (unsigned int)-1;
	fclose(f);
	return (int)n;
}

/* The lines of dir/out that have all of what1 and what2. */
static int lines_with(FIXTURE_DATA(names) *self, const char *what1, const char *what2)
{
	char path[PATH_MAX], line[4096];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/out", self->dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what1) && strstr(line, what2);
	fclose(f);
	return n;
}

TEST_F(names, records_of_an_id_no_cell_has_list_the_cells_once)
{
	char cgid[48], named[48], nameless[48];
	int once, many;

	snprintf(cgid, sizeof(cgid), "\"cgroup_id\":%llu,", (unsigned long long)self->st.cgid);
	snprintf(named, sizeof(named), "\"cell\":\"%s\",", CELL);
	snprintf(nameless, sizeof(nameless), "\"cell_id\":0,\"cgroup_id\":%llu,", NO_CELL_CGID);

	ASSERT_EQ(0, log_of(self, self->st.cgid));
	ASSERT_EQ(0, log_of(self, NO_CELL_CGID));
	once = listings_of_events_take(self);
	ASSERT_LE(0, once);
	EXPECT_EQ(1, lines_with(self, named, cgid));
	/* No "cell" member: the class comes right before cell_id. */
	EXPECT_EQ(1, lines_with(self, "{\"class\":\"log\",\"cell_id\":0,", nameless));

	ASSERT_EQ(0, log_of(self, self->st.cgid));
	for (int i = 0; i < 200; i++)
		ASSERT_EQ(0, log_of(self, NO_CELL_CGID));
	many = listings_of_events_take(self);
	EXPECT_EQ(once, many) TH_LOG("listings: %d for one record of the id, %d for 200", once, many);
	EXPECT_EQ(1, lines_with(self, named, cgid));
	EXPECT_EQ(200, lines_with(self, "{\"class\":\"log\",\"cell_id\":0,", nameless));
}

TEST_HARNESS_MAIN
