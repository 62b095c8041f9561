// SPDX-License-Identifier: GPL-2.0
/*
 * file_open: a cell may open what its rules grant and nothing else; tasks
 * outside every cell are untouched; each refusal is reported with the cell
 * and the pid it came from.
 *
 *   $TMP/
 *   ├── allowed/        granted: read
 *   │   └── file
 *   └── denied/
 *       └── file
 */
#include <sys/mman.h>

#include <dirent.h>

#include "kselftest_harness.h"
#include "isolate_test.h"

FIXTURE(file_open) {
	struct isolate *iso;
	struct isolate_cell_state cell;
	char name[64];
	char root[64];
	char allowed[256];
	char denied[256];
};

FIXTURE_SETUP(file_open)
{
	char dir[192];
	const char *caps[] = { dir, NULL };

	ASSERT_EQ(0, test_load(&self->iso));
	strcpy(self->root, "/tmp/isolate-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(dir, sizeof(dir), "%s/allowed", self->root);
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(self->allowed, sizeof(self->allowed), "%s/file", dir);
	ASSERT_EQ(0, write_file(self->allowed, "allowed\n"));
	snprintf(dir, sizeof(dir), "%s/denied", self->root);
	ASSERT_EQ(0, mkdir(dir, 0755));
	snprintf(self->denied, sizeof(self->denied), "%s/file", dir);
	ASSERT_EQ(0, write_file(self->denied, "denied\n"));

	snprintf(dir, sizeof(dir), "read:%s/allowed", self->root);
	snprintf(self->name, sizeof(self->name), "file-open-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, &self->cell));
}

FIXTURE_TEARDOWN(file_open)
{
	char cmd[128];

	if (self->iso) {
		EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name));
		isolate_close(self->iso);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->root);
	EXPECT_EQ(0, system(cmd));
}

TEST_F(file_open, granted_read_succeeds)
{
	struct open_args a = { self->allowed, O_RDONLY };

	EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &a, NULL));
}

TEST_F(file_open, ungranted_read_is_eacces)
{
	struct open_args a = { self->denied, O_RDONLY };

	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &a, NULL));
}

TEST_F(file_open, write_under_read_grant_is_eacces)
{
	struct open_args wr = { self->allowed, O_WRONLY };
	struct open_args trunc = { self->allowed, O_RDONLY | O_TRUNC };
	struct open_args app = { self->allowed, O_WRONLY | O_APPEND };

	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &wr, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &trunc, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &app, NULL));
}

TEST_F(file_open, outside_any_cell_is_untouched)
{
	struct open_args a = { self->denied, O_RDWR };

	EXPECT_EQ(0, open_errno(&a));
}

struct event_match {
	__u32 cell_id;
	__u64 cgid;
	__u32 pid;
	struct isolate_event_access found;
	int seen;
};

static int match_event(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	struct event_match *m = ctx;

	if (h->event_class != ISOLATE_EVENT_DENY || size < sizeof(m->found) ||
	    h->pid != m->pid)
		return 0;
	memcpy(&m->found, h, sizeof(m->found));
	m->seen++;
	return 1;
}

TEST_F(file_open, deny_event_names_cell_and_pid)
{
	struct open_args a = { self->denied, O_RDONLY };
	struct event_match m = { 0 };
	struct isolate_events *ev;
	struct stat st;
	pid_t pid;

	ASSERT_EQ(0, isolate_events_open(self->iso, match_event, &m, &ev));
	ASSERT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &a, &pid));
	m.pid = (__u32)pid;
	for (int i = 0; i < 20 && !m.seen; i++)
		ASSERT_LE(0, isolate_events_poll(ev, 100));
	isolate_events_close(ev);

	ASSERT_EQ(1, m.seen);
	ASSERT_EQ(0, stat(self->denied, &st));
	EXPECT_EQ(ISOLATE_EVENT_ABI_VERSION, (int)m.found.hdr.abi_version);
	EXPECT_EQ(self->cell.cell.cell_id, m.found.hdr.cell_id);
	EXPECT_EQ(self->cell.cgid, m.found.hdr.cell_cgid);
	EXPECT_EQ((__u32)pid, m.found.hdr.pid);
	EXPECT_EQ((__u32)pid, m.found.hdr.tgid);
	EXPECT_EQ(1U, m.found.hdr.generation);
	EXPECT_EQ(ISOLATE_RULE_NONE, m.found.hdr.rule_id);
	EXPECT_EQ((__u32)ISOLATE_OP_READ, m.found.op);
	EXPECT_EQ(EACCES, m.found.error);
	EXPECT_EQ((__u32)ISOLATE_OBJECT_FILE, m.found.object_kind);
	EXPECT_EQ(st.st_ino, m.found.file.ino);
	EXPECT_EQ(major(st.st_dev) << 20 | minor(st.st_dev), m.found.file.dev);
	EXPECT_STREQ(self->denied, m.found.path);
}

/*
 * A refusal names the rule that refuses the right asked for: here the
 * deny on writing, not the grant of reading the same tree.
 */
TEST_F(file_open, deny_event_names_the_rule_of_the_refused_right)
{
	char cap_read[300], cap_deny[300], name[64];
	const char *caps[] = { cap_read, cap_deny, NULL };
	struct isolate_cell_policy *pol;
	struct isolate_image *img = NULL;
	struct event_match m = { 0 };
	struct open_args a = { self->allowed, O_WRONLY };
	const struct isolate_image_inode *e = NULL;
	struct isolate_events *ev;
	struct stat st;
	pid_t pid;

	snprintf(cap_read, sizeof(cap_read), "read:%s/allowed", self->root);
	snprintf(cap_deny, sizeof(cap_deny), "deny-write:%s/allowed", self->root);
	snprintf(name, sizeof(name), "file-open-blame-%d", getpid());
	pol = test_policy(name, caps);
	ASSERT_NE(NULL, pol);
	ASSERT_EQ(0, isolate_compile(pol, &img, NULL));
	isolate_cell_policy_free(pol);
	ASSERT_EQ(0, stat(self->root, &st));
	snprintf(cap_read, sizeof(cap_read), "%s/allowed", self->root);
	ASSERT_EQ(0, stat(cap_read, &st));
	for (size_t i = 0; i < img->n_inodes; i++)
		if (img->inodes[i].ino == st.st_ino)
			e = &img->inodes[i];
	ASSERT_NE(NULL, e);
	ASSERT_NE(ISOLATE_RULE_NONE, e->rule.decided_by[1]);
	ASSERT_NE(e->rule.decided_by[0], e->rule.decided_by[1]);

	snprintf(cap_read, sizeof(cap_read), "read:%s/allowed", self->root);
	ASSERT_EQ(0, test_cell(self->iso, name, caps, NULL));
	ASSERT_EQ(0, isolate_events_open(self->iso, match_event, &m, &ev));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &a, &pid));
	m.pid = (__u32)pid;
	for (int i = 0; i < 20 && !m.seen; i++)
		isolate_events_poll(ev, 100);
	isolate_events_close(ev);
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, name));
	ASSERT_EQ(1, m.seen);
	EXPECT_EQ(e->rule.decided_by[1], m.found.hdr.rule_id);
	EXPECT_EQ((__u32)ISOLATE_OP_WRITE, m.found.op);
	isolate_image_free(img);
}

/*
 * The state directory holds every cell's kept policy and channel: closed to
 * cells even when a rule grants the directory above it, except the cell's
 * own channel.
 */
TEST_F(file_open, state_directory_is_closed_but_the_own_channel)
{
	const char *caps[] = { "read:/run", "write:/run", NULL };
	const char *inside[] = { "read:/run/isolate/cells", "write:/run/isolate/cells",
				 "read:/run/isolate/channels", NULL };
	char other[64];
	char name[64], kept[PATH_MAX], channel[PATH_MAX], msg[PATH_MAX + 80], note[PATH_MAX + 16];
	struct open_args rd = { kept, O_RDONLY }, wr = { kept, O_WRONLY | O_APPEND };
	struct open_args create = { note, O_WRONLY | O_CREAT }, read_msg = { msg, O_RDONLY };
	struct isolate_channel_msg m = { .call_id = 1 };
	struct dirent *de;
	DIR *d;

	snprintf(name, sizeof(name), "file-open-state-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, name, caps, NULL));
	snprintf(kept, sizeof(kept), "/run/isolate/cells/%s.1.yaml", name);
	ASSERT_EQ(0, access(kept, R_OK));
	ASSERT_EQ(0, isolate_channel_path(name, channel, sizeof(channel)));
	snprintf(note, sizeof(note), "%s/note", channel);
	ASSERT_EQ(0, isolate_channel_post(name, &m, "hi", 2));
	d = opendir(channel);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".msg"))
			snprintf(msg, sizeof(msg), "%s/%.64s", channel, de->d_name);
	closedir(d);

	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &rd, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &wr, NULL));
	/* The channel: the cell reads its messages, and changes nothing there. */
	EXPECT_EQ(0, run_in_cell(self->iso, name, open_errno, &read_msg, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &create, NULL));
	/* A grant inside the state directory does not open it either. */
	snprintf(other, sizeof(other), "file-open-inside-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, other, inside, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, other, open_errno, &rd, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, other, open_errno, &wr, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, other, open_errno, &read_msg, NULL));
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, other));
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, name));
}

/*
 * The same through bind mounts of the state directory's parts: a walk up
 * from a file there climbs the bind mount, never passing the state
 * directory, so a rule on the mount or above it must open nothing inside.
 * The cell's own channel stays readable that way too.
 */
TEST_F(file_open, state_directory_is_closed_through_bind_mounts)
{
	char alias[64], cells[96], channels[96], above[2][96], on_mount[2][112];
	const char *caps_above[] = { above[0], above[1], NULL };
	const char *caps_on[] = { on_mount[0], on_mount[1], NULL };
	char name[64], other[64], kept[192], own_msg[PATH_MAX], others_msg[PATH_MAX];
	struct open_args rd = { kept, O_RDONLY }, wr = { kept, O_WRONLY | O_APPEND };
	struct open_args read_own = { own_msg, O_RDONLY }, read_others = { others_msg, O_RDONLY };
	struct isolate_channel_msg m = { .call_id = 1 };
	const char *cell_names[2] = { name, other };
	char *msgs[2] = { own_msg, others_msg };

	snprintf(alias, sizeof(alias), "/tmp/isolate-alias-%d", getpid());
	snprintf(cells, sizeof(cells), "%s/cells", alias);
	snprintf(channels, sizeof(channels), "%s/channels", alias);
	snprintf(above[0], sizeof(above[0]), "read:%s", alias);
	snprintf(above[1], sizeof(above[1]), "write:%s", alias);
	snprintf(on_mount[0], sizeof(on_mount[0]), "write:%s", cells);
	snprintf(on_mount[1], sizeof(on_mount[1]), "read:%s", channels);
	ASSERT_EQ(0, mkdir(alias, 0755));
	ASSERT_EQ(0, mkdir(cells, 0755));
	ASSERT_EQ(0, mkdir(channels, 0755));
	/* Made before the cells: their rules are compiled with the mounts. */
	ASSERT_EQ(0, mount("/run/isolate/cells", cells, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount("/run/isolate/channels", channels, NULL, MS_BIND, NULL));

	snprintf(name, sizeof(name), "file-open-above-%d", getpid());
	snprintf(other, sizeof(other), "file-open-on-%d", getpid());
	EXPECT_EQ(0, test_cell(self->iso, name, caps_above, NULL));
	EXPECT_EQ(0, test_cell(self->iso, other, caps_on, NULL));
	for (int i = 0; i < 2; i++) {
		char dir[176];
		struct dirent *de;
		DIR *d;

		EXPECT_EQ(0, isolate_channel_post(cell_names[i], &m, "hi", 2));
		snprintf(msgs[i], PATH_MAX, "missing");
		snprintf(dir, sizeof(dir), "%s/%s", channels, cell_names[i]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d)))
			if (strstr(de->d_name, ".msg"))
				snprintf(msgs[i], PATH_MAX, "%s/%.64s", dir, de->d_name);
		closedir(d);
	}
	snprintf(kept, sizeof(kept), "%s/%s.1.yaml", cells, name);
	EXPECT_EQ(0, access(kept, R_OK));

	/* A rule on the directory the mounts are in. */
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &rd, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &wr, NULL));
	EXPECT_EQ(0, run_in_cell(self->iso, name, open_errno, &read_own, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, name, open_errno, &read_others, NULL));
	/* A rule on each mount. */
	EXPECT_EQ(EACCES, run_in_cell(self->iso, other, open_errno, &rd, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, other, open_errno, &wr, NULL));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, other, open_errno, &read_own, NULL));
	EXPECT_EQ(0, run_in_cell(self->iso, other, open_errno, &read_others, NULL));

	EXPECT_EQ(0, isolate_cell_destroy(self->iso, other));
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, name));
	EXPECT_EQ(0, umount2(cells, MNT_DETACH));
	EXPECT_EQ(0, umount2(channels, MNT_DETACH));
	rmdir(cells);
	rmdir(channels);
	rmdir(alias);
}

/* A memfd or pipe the task holds, re-opened through /proc: read, write. */
static int reopen_held(void *arg)
{
	char path[64];
	int p[2], fd, again;

	fd = memfd_create("held", MFD_CLOEXEC);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return 100;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	again = open(path, O_RDWR | O_CLOEXEC);
	if (again < 0)
		return errno;
	close(again);
	if (pipe(p))
		return 101;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	again = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (again < 0)
		return errno;
	close(again);
	return 0;
}

TEST_F(file_open, held_memfd_and_pipe_reopen)
{
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, reopen_held, NULL, NULL));
}

TEST_HARNESS_MAIN
