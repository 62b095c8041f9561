// SPDX-License-Identifier: GPL-2.0
/*
 * The cell ABI and the supervisor: what programs in a cell report reaches
 * the supervisor stamped with their real cell; requests outside the
 * cell's broker rights fail in the caller; a flood never blocks and every
 * lost record is counted; refusals are reported one for one; a broker
 * round trip grants for a while and then takes back; metrics are
 * Prometheus text.
 *
 *   $TMP/
 *   ├── granted         read granted
 *   └── secret          only through the broker (broker:read)
 */
#include <dirent.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "isolate_test.h"
#include <isolate/cell.h>

#define LOADER "/usr/bin/isolate-loader"

FIXTURE(cell_abi) {
	struct isolate *iso;
	struct isolate_cell_state cell;
	char name[64];
	char root[64];
	char granted[128];
	char secret[128];
};

FIXTURE_SETUP(cell_abi)
{
	char cap_read[160], cap_broker[] = "broker:read";
	const char *caps[] = { cap_read, cap_broker, NULL };

	ASSERT_EQ(0, test_load(&self->iso));
	strcpy(self->root, "/tmp/cellabi-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(self->granted, sizeof(self->granted), "%s/granted", self->root);
	snprintf(self->secret, sizeof(self->secret), "%s/secret", self->root);
	ASSERT_EQ(0, write_file(self->granted, "granted\n"));
	ASSERT_EQ(0, write_file(self->secret, "secret\n"));
	snprintf(cap_read, sizeof(cap_read), "read:%s", self->granted);
	snprintf(self->name, sizeof(self->name), "abi-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, &self->cell));
}

FIXTURE_TEARDOWN(cell_abi)
{
	char cmd[128];

	if (self->iso) {
		EXPECT_EQ(0, isolate_cell_destroy(self->iso, self->name));
		isolate_close(self->iso);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->root);
	EXPECT_EQ(0, system(cmd));
}

/* Events of one process, kept as they come. */
struct collected {
	__u32 tgid;
	int count[ISOLATE_EVENT_CLASS_MAX];
	struct isolate_event_log log;
	struct isolate_event_metric metric;
	struct isolate_event_broker broker;
	struct isolate_event_message message;
};

static int collect(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	struct collected *c = ctx;

	if (h->tgid != c->tgid || h->event_class >= ISOLATE_EVENT_CLASS_MAX)
		return 0;
	c->count[h->event_class]++;
	if (h->event_class == ISOLATE_EVENT_LOG && size >= sizeof(c->log))
		memcpy(&c->log, h, sizeof(c->log));
	else if (h->event_class == ISOLATE_EVENT_METRIC && size >= sizeof(c->metric))
		memcpy(&c->metric, h, sizeof(c->metric));
	else if (h->event_class == ISOLATE_EVENT_BROKER && size >= sizeof(c->broker))
		memcpy(&c->broker, h, sizeof(c->broker));
	else if (h->event_class == ISOLATE_EVENT_MESSAGE && size >= sizeof(c->message))
		memcpy(&c->message, h, sizeof(c->message));
	return 0;
}

/* Drains everything queued now into c. */
static void drain(struct isolate *iso, struct collected *c)
{
	struct isolate_events *ev;

	if (isolate_events_open(iso, collect, c, &ev))
		return;
	while (isolate_events_poll(ev, 50) > 0)
		;
	isolate_events_close(ev);
}

static int speak(void *arg)
{
	int id;

	if (incell_log(6, "hello %d", 42))
		return 1;
	if (incell_metric("jobs_done", ISOLATE_METRIC_COUNTER, 3))
		return 2;
	id = incell_request(ISOLATE_BROKER_READ, "/tmp/wanted");
	if (id <= 0)
		return 3;
	if (incell_post(0, "ping", 4))
		return 4;
	return 0;
}

TEST_F(cell_abi, reports_reach_the_supervisor_with_the_right_cell)
{
	struct collected c = { 0 };
	pid_t pid;

	drain(self->iso, &c);
	ASSERT_EQ(0, run_in_cell(self->iso, self->name, speak, NULL, &pid));
	c.tgid = (__u32)pid;
	drain(self->iso, &c);
	ASSERT_EQ(1, c.count[ISOLATE_EVENT_LOG]);
	ASSERT_EQ(1, c.count[ISOLATE_EVENT_METRIC]);
	ASSERT_EQ(1, c.count[ISOLATE_EVENT_BROKER]);
	ASSERT_EQ(1, c.count[ISOLATE_EVENT_MESSAGE]);
	EXPECT_EQ(self->cell.cgid, c.log.hdr.cell_cgid);
	EXPECT_EQ(self->cell.cell.cell_id, c.log.hdr.cell_id);
	EXPECT_EQ(6U, c.log.level);
	EXPECT_EQ(0, strncmp("hello 42", c.log.msg, c.log.len));
	EXPECT_EQ(self->cell.cgid, c.metric.hdr.cell_cgid);
	EXPECT_STREQ("jobs_done", c.metric.name);
	EXPECT_EQ(3, c.metric.value);
	EXPECT_EQ(self->cell.cgid, c.broker.hdr.cell_cgid);
	EXPECT_EQ((__u32)ISOLATE_BROKER_READ, c.broker.right);
	EXPECT_LT(0ULL, c.broker.request_id);
	EXPECT_EQ(0, strncmp("/tmp/wanted", c.broker.target, c.broker.len));
	EXPECT_EQ(self->cell.cgid, c.message.hdr.cell_cgid);
	EXPECT_EQ(4U, c.message.len);
}

/* Nobody outside a cell can inject records as one. */
TEST_F(cell_abi, outside_a_cell_the_abi_is_refused)
{
	struct isolate_cell_log_record rec = { .level = 3, .len = 4, .msg = "fake" };

	EXPECT_EQ(-1, prctl(ISOLATE_PRCTL_OPTION, ISOLATE_CELL_OP_LOG, &rec, 0, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-EPERM, incell_log(3, "fake"));
}

struct other_cell {
	const char *claim;
};

static int log_claim(void *arg)
{
	const struct other_cell *o = arg;

	return incell_log(6, "I am cell %s", o->claim) ? 1 : 0;
}

/* The record is the program's; who sent it is the kernel's. */
TEST_F(cell_abi, a_program_cannot_speak_for_another_cell)
{
	const char *caps[] = { "broker:read", NULL };
	struct isolate_cell_state other;
	struct other_cell o = { self->name };
	struct collected c = { 0 };
	char name[64];
	pid_t pid;

	snprintf(name, sizeof(name), "abi-other-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, name, caps, &other));
	drain(self->iso, &c);
	EXPECT_EQ(0, run_in_cell(self->iso, name, log_claim, &o, &pid));
	c.tgid = (__u32)pid;
	drain(self->iso, &c);
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, name));
	ASSERT_EQ(1, c.count[ISOLATE_EVENT_LOG]);
	EXPECT_EQ(other.cgid, c.log.hdr.cell_cgid);
	EXPECT_EQ(other.cell.cell_id, c.log.hdr.cell_id);
	EXPECT_NE(self->cell.cgid, c.log.hdr.cell_cgid);
}

static int request_write(void *arg)
{
	return -incell_request(ISOLATE_BROKER_WRITE, "/etc/passwd");
}

TEST_F(cell_abi, an_ungranted_request_is_eperm_counted_and_never_sent)
{
	struct isolate_cell_state st;
	struct collected c = { 0 };
	pid_t pid;

	drain(self->iso, &c);
	ASSERT_EQ(EPERM, run_in_cell(self->iso, self->name, request_write, NULL, &pid));
	c.tgid = (__u32)pid;
	drain(self->iso, &c);
	EXPECT_EQ(0, c.count[ISOLATE_EVENT_BROKER]);
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &st));
	EXPECT_EQ(1ULL, st.counters.requests_refused);
}

static int logs_then_a_metric(void *arg)
{
	/* 600 records of 552 bytes: less than half the ring, no one held back. */
	for (int i = 0; i < 600; i++)
		if (incell_log(7, "many %d", i))
			return 1;
	return incell_metric("after_the_logs", ISOLATE_METRIC_COUNTER, 1) ? 2 : 0;
}

/*
 * One poll takes at most 256 records of a class before it turns to the
 * next: a cell flooding one ring does not keep the others (broker
 * requests) or the supervisor's other work waiting.
 */
TEST_F(cell_abi, a_poll_takes_a_share_of_every_class)
{
	struct collected c = { 0 };
	struct isolate_events *ev;
	pid_t pid;

	drain(self->iso, &c);
	ASSERT_EQ(0, run_in_cell(self->iso, self->name, logs_then_a_metric, NULL, &pid));
	c.tgid = (__u32)pid;
	ASSERT_EQ(0, isolate_events_open(self->iso, collect, &c, &ev));
	EXPECT_EQ(257, isolate_events_poll(ev, 0));
	EXPECT_EQ(256, c.count[ISOLATE_EVENT_LOG]);
	EXPECT_EQ(1, c.count[ISOLATE_EVENT_METRIC]);
	while (isolate_events_poll(ev, 0) > 0)
		;
	EXPECT_EQ(600, c.count[ISOLATE_EVENT_LOG]);
	isolate_events_close(ev);
}

#define FLOOD 1000000

struct flood_result {
	long ok, again, other;
};

static int flood(void *arg)
{
	int *pipe_w = arg;
	struct flood_result r = { 0 };

	for (long i = 0; i < FLOOD; i++) {
		int err = incell_log(7, "flood %ld", i);

		if (!err)
			r.ok++;
		else if (err == -EAGAIN)
			r.again++;
		else
			r.other++;
	}
	return write(*pipe_w, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/* Nobody drains during the flood: the buffer fills, callers get EAGAIN. */
TEST_F(cell_abi, a_flood_never_blocks_and_every_loss_is_counted)
{
	struct isolate_cell_state before, after;
	struct flood_result r;
	struct collected c = { 0 };
	int fds[2];
	pid_t pid;

	drain(self->iso, &c);
	ASSERT_EQ(0, pipe(fds));
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &before));
	ASSERT_EQ(0, run_in_cell(self->iso, self->name, flood, &fds[1], &pid));
	ASSERT_EQ((ssize_t)sizeof(r), read(fds[0], &r, sizeof(r)));
	close(fds[0]);
	close(fds[1]);
	c.tgid = (__u32)pid;
	drain(self->iso, &c);
	ASSERT_EQ(0, isolate_cell_get(self->iso, self->name, &after));
	TH_LOG("sent %d: delivered %ld, EAGAIN %ld", FLOOD, r.ok, r.again);
	EXPECT_EQ(0, r.other);
	EXPECT_EQ(FLOOD, r.ok + r.again);
	EXPECT_LT(0, r.again);
	EXPECT_EQ(r.ok, c.count[ISOLATE_EVENT_LOG]);
	EXPECT_EQ((__u64)r.again, after.counters.events_lost[ISOLATE_EVENT_LOG] -
				  before.counters.events_lost[ISOLATE_EVENT_LOG]);
	EXPECT_EQ((__u64)FLOOD, after.counters.events_sent[ISOLATE_EVENT_LOG] -
				before.counters.events_sent[ISOLATE_EVENT_LOG]);
}

static void *log_at(void *rec)
{
	prctl(ISOLATE_PRCTL_OPTION, ISOLATE_CELL_OP_LOG, rec, 0, 0);
	return (void *)(long)errno;
}

/*
 * Logs a record on a page a userfaultfd keeps away: 0 when the kernel
 * answered EFAULT at once, without asking the userfaultfd for the page;
 * 3 when it waited for the page (given then, so that the call returns).
 */
static int log_from_a_page_kept_away(void *arg)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	size_t size = (size_t)sysconf(_SC_PAGESIZE);
	struct uffdio_zeropage zero = { 0 };
	struct timespec deadline;
	struct uffd_msg msg;
	void *answer;
	pthread_t t;
	char *page;
	int uffd;

	page = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (page == MAP_FAILED || uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		return 1;
	reg.range.start = (unsigned long)page;
	reg.range.len = size;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) || pthread_create(&t, NULL, log_at, page))
		return 2;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	if (pthread_timedjoin_np(t, &answer, &deadline) == 0)
		return (long)answer == EFAULT ? 0 : 4;
	if (read(uffd, &msg, sizeof(msg)) == sizeof(msg)) {
		zero.range.start = (unsigned long)page;
		zero.range.len = size;
		ioctl(uffd, UFFDIO_ZEROPAGE, &zero);
	}
	pthread_join(t, NULL);
	return 3;
}

/*
 * A record reserved in a ring and not yet submitted holds back every later
 * record of that ring, every cell's: the kernel never waits for a record's
 * page (here one a userfaultfd keeps away) with a place reserved. The
 * record is lost at once, and counted.
 */
TEST_F(cell_abi, a_record_on_a_page_kept_away_is_efault_at_once)
{
	const char *caps[] = { "allow:exec-memory", NULL };
	struct isolate_cell_state before, after;
	char name[64];

	snprintf(name, sizeof(name), "abi-away-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, name, caps, &before));
	EXPECT_EQ(0, run_in_cell(self->iso, name, log_from_a_page_kept_away, NULL, NULL));
	ASSERT_EQ(0, isolate_cell_get(self->iso, name, &after));
	EXPECT_EQ(1ULL, after.counters.events_lost[ISOLATE_EVENT_LOG] -
			    before.counters.events_lost[ISOLATE_EVENT_LOG]);
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, name));
}

#define OPENS 50

static int open_many(void *arg)
{
	const char *path = arg;
	int refused = 0;

	for (int i = 0; i < OPENS; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			refused++;
		else
			close(fd);
	}
	return refused;
}

TEST_F(cell_abi, deny_and_audit_events_match_operations_one_for_one)
{
	const char *audit_caps[] = { "mode:audit", NULL };
	struct collected c = { 0 };
	char audit_name[64];
	pid_t pid;

	drain(self->iso, &c);
	ASSERT_EQ(OPENS, run_in_cell(self->iso, self->name, open_many, self->secret, &pid));
	c.tgid = (__u32)pid;
	drain(self->iso, &c);
	EXPECT_EQ(OPENS, c.count[ISOLATE_EVENT_DENY]);
	EXPECT_EQ(0, c.count[ISOLATE_EVENT_AUDIT]);

	snprintf(audit_name, sizeof(audit_name), "abi-audit-%d", getpid());
	ASSERT_EQ(0, test_cell(self->iso, audit_name, audit_caps, NULL));
	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, run_in_cell(self->iso, audit_name, open_many, self->secret, &pid));
	c.tgid = (__u32)pid;
	drain(self->iso, &c);
	EXPECT_EQ(0, isolate_cell_destroy(self->iso, audit_name));
	EXPECT_EQ(0, c.count[ISOLATE_EVENT_DENY]);
	EXPECT_EQ(OPENS, c.count[ISOLATE_EVENT_AUDIT]);
}

/* Starts `isolate-loader supervise ARGS...` in the background. */
static pid_t start_supervisor(char *const args[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execv(LOADER, args);
		_exit(127);
	}
	/* Give it time to open the ring buffers before events come. */
	usleep(500 * 1000);
	return pid;
}

static void stop_supervisor(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

struct round_trip {
	const char *secret;
	const char *channel;
};

/*
 * Refused, asks, gets the grant, reads, waits past the grant's end, is
 * refused again. Returns 0 or the step that went wrong.
 */
static int broker_client(void *arg)
{
	const struct round_trip *rt = arg;
	struct incell_message reply;
	struct open_args a = { rt->secret, O_RDONLY };
	int id;

	setenv("ISOLATE_CHANNEL", rt->channel, 1);
	if (open_errno(&a) != EACCES)
		return 1;
	id = incell_request(ISOLATE_BROKER_READ, rt->secret);
	if (id <= 0)
		return 2;
	if (incell_wait_reply((__u64)id, &reply, 20000))
		return 3;
	if (!reply.granted || !reply.expires_ms)
		return 4;
	if (open_errno(&a) != 0)
		return 5;
	/* The grant lasts 2 s; the supervisor revokes within a tick after. */
	sleep(4);
	if (open_errno(&a) != EACCES)
		return 6;
	return 0;
}

/*
 * Rules granting the cell read of its secret for 2 s, in root/rules
 * (path in rules); channel: the cell's. Then starts the supervisor.
 */
static pid_t start_broker(FIXTURE_DATA(cell_abi) *self, char *rules, size_t rules_len,
			  char *channel, size_t channel_len)
{
	char *args[] = { LOADER, "supervise", "--broker-rules", rules, "--out",
			 "/tmp/supervise.jsonl", NULL };
	char rule[256];

	snprintf(rules, rules_len, "%s/rules", self->root);
	snprintf(rule, sizeof(rule), "%s read %s allow 2\n", self->name, self->secret);
	if (write_file(rules, rule) || isolate_channel_path(self->name, channel, channel_len))
		return -1;
	return start_supervisor(args);
}

TEST_F(cell_abi, broker_round_trip_grants_then_expires)
{
	char rules[160], channel[PATH_MAX];
	struct round_trip rt = { self->secret, channel };
	pid_t sup = start_broker(self, rules, sizeof(rules), channel, sizeof(channel));

	ASSERT_LT(0, sup);
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, broker_client, &rt, NULL));
	stop_supervisor(sup);
}

/* A request of cell cgid to read target, as the supervisor reads it from the ring. */
static struct isolate_event_broker read_request(__u64 cgid, const char *target)
{
	struct isolate_event_broker e = {
		.hdr = {
			.abi_version = ISOLATE_EVENT_ABI_VERSION,
			.event_class = ISOLATE_EVENT_BROKER,
			.size = sizeof(e),
			.cell_cgid = cgid,
		},
		.request_id = 7,
		.right = ISOLATE_BROKER_READ,
	};

	e.len = (__u32)snprintf(e.target, sizeof(e.target), "%s", target);
	return e;
}

/* The replies in cell name's channel, *granted of them granting; -1: no channel. */
static int replies(const char *name, int *granted)
{
	char dir[PATH_MAX], text[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	*granted = 0;
	if (isolate_channel_path(name, dir, sizeof(dir)))
		return -1;
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t len;
		int fd;

		if (!strstr(de->d_name, ".msg"))
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
		len = fd < 0 ? 0 : read(fd, text, sizeof(text) - 1);
		if (fd >= 0)
			close(fd);
		text[len > 0 ? len : 0] = 0;
		n++;
		*granted += strstr(text, "\ngranted: 1\n") != NULL;
	}
	closedir(d);
	return n;
}

/* A broker reading rules that let cell name read path for 30 s. */
static struct isolate_broker *broker_for(const char *root, const char *name, const char *path)
{
	struct isolate_broker *b = NULL;
	char rules[160], rule[256];

	snprintf(rules, sizeof(rules), "%s/rules", root);
	snprintf(rule, sizeof(rule), "%s read %s allow 30\n", name, path);
	if (write_file(rules, rule) || isolate_broker_open(&b, rules, NULL))
		return NULL;
	return b;
}

/*
 * A request read after its cell was destroyed and another made under its
 * name (recycle does this) is the old cell's: not granted to the new one,
 * not answered in its channel. The new cell's own request is granted.
 */
TEST_F(cell_abi, broker_request_of_a_destroyed_cell_is_not_granted_to_its_successor)
{
	const char *caps[] = { "broker:read", NULL };
	struct isolate_broker *b = broker_for(self->root, self->name, self->secret);
	struct isolate_event_broker e = read_request(self->cell.cgid, self->secret);
	struct open_args a = { self->secret, O_RDONLY };
	struct isolate_cell_state now;
	int granted;

	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, isolate_cell_destroy(self->iso, self->name));
	ASSERT_EQ(0, test_cell(self->iso, self->name, caps, &now));
	ASSERT_NE(self->cell.cgid, now.cgid);
	EXPECT_EQ(-ESTALE, isolate_broker_request(b, self->iso, self->name, &e));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &a, NULL));
	EXPECT_EQ(0, replies(self->name, &granted));

	e.hdr.cell_cgid = now.cgid;
	EXPECT_EQ(0, isolate_broker_request(b, self->iso, self->name, &e));
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, open_errno, &a, NULL));
	EXPECT_EQ(1, replies(self->name, &granted));
	EXPECT_EQ(1, granted);
	isolate_broker_close(b);
}

/* No byte below 0x20 nor DEL: one line, nothing a terminal obeys. */
static bool one_plain_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/*
 * The supervisor logs why a grant failed: the target the cell chose (here
 * a file name that cannot be written in a policy) adds no line to the
 * journal and sets no terminal's title, and the reason is kept under the
 * broker's own words.
 */
TEST_F(cell_abi, a_failed_grant_says_why_and_escapes_the_target)
{
	struct isolate_broker *b = broker_for(self->root, self->name, self->root);
	char target[PATH_MAX], expected[1024];
	struct isolate_event_broker e;

	ASSERT_NE(NULL, b);
	snprintf(target, sizeof(target), "%s/x\nsupervise: forged\x1b]0;x\x07", self->root);
	ASSERT_EQ(0, write_file(target, "x\n"));
	e = read_request(self->cell.cgid, target);
	EXPECT_EQ(-EINVAL, isolate_broker_request(b, self->iso, self->name, &e));
	EXPECT_TRUE(one_plain_line(isolate_last_error())) {
		TH_LOG("%s", isolate_last_error());
	}
	snprintf(expected, sizeof(expected),
		 "granting read:%s/x\\x0asupervise:\\x20forged\\x1b]0;x\\x07 to %s failed: "
		 "expected a path without control characters, got byte 0x0a", self->root, self->name);
	EXPECT_STREQ(expected, isolate_last_error());
	isolate_broker_close(b);
}

/*
 * After a grant to a cell failed, its next request is answered at once,
 * not granted and with the reason, without a grant tried (which may scan
 * a denied tree the cell filled): the supervisor's one thread is every
 * cell's.
 */
TEST_F(cell_abi, after_a_failed_grant_the_cells_requests_wait_for_its_backoff)
{
	struct isolate_broker *b = broker_for(self->root, self->name, self->root);
	struct isolate_event_broker e;
	struct open_args a = { self->secret, O_RDONLY };
	char target[PATH_MAX];
	int granted;

	ASSERT_NE(NULL, b);
	snprintf(target, sizeof(target), "%s/x\n", self->root);
	ASSERT_EQ(0, write_file(target, "x\n"));
	e = read_request(self->cell.cgid, target);
	EXPECT_EQ(-EINVAL, isolate_broker_request(b, self->iso, self->name, &e));
	e = read_request(self->cell.cgid, self->secret);
	EXPECT_EQ(-EAGAIN, isolate_broker_request(b, self->iso, self->name, &e));
	EXPECT_NE(NULL, strstr(isolate_last_error(),
			       "refused: not decided: a grant to this cell failed (Invalid argument)"));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &a, NULL));
	EXPECT_EQ(2, replies(self->name, &granted));
	EXPECT_EQ(0, granted);
	isolate_broker_close(b);
}

/* A request the cell's generation may no longer make is answered, not granted. */
TEST_F(cell_abi, broker_request_after_its_right_is_revoked_is_refused)
{
	struct isolate_broker *b = broker_for(self->root, self->name, self->secret);
	struct isolate_event_broker e = read_request(self->cell.cgid, self->secret);
	struct open_args a = { self->secret, O_RDONLY };
	struct isolate_cap *cap = NULL;
	int granted;

	ASSERT_NE(NULL, b);
	ASSERT_EQ(0, isolate_cap_parse("broker:read", &cap, NULL));
	ASSERT_EQ(0, isolate_cell_revoke(self->iso, self->name, &cap, 1));
	isolate_cap_free(cap);
	EXPECT_EQ(-EPERM, isolate_broker_request(b, self->iso, self->name, &e));
	EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &a, NULL));
	EXPECT_EQ(1, replies(self->name, &granted));
	EXPECT_EQ(0, granted);
	isolate_broker_close(b);
}

/*
 * `isolate-loader -j events --cell NAME` (the supervisor's replay): the
 * number of lines, each naming the cell, in time order; -1 on a line out
 * of order or without the name.
 */
static int events_lines_in_order(const char *cell, int *lines, int *denies)
{
	char cmd[256], line[4096], want[128];
	unsigned long long last = 0, ts;
	const char *p;
	FILE *f;

	snprintf(cmd, sizeof(cmd), LOADER " -j events --cell %s", cell);
	snprintf(want, sizeof(want), "\"cell\":\"%s\"", cell);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	*lines = *denies = 0;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "\"ts_ns\":");
		if (!p || !strstr(line, want) || sscanf(p + 8, "%llu", &ts) != 1 || ts < last) {
			pclose(f);
			return -1;
		}
		last = ts;
		(*lines)++;
		*denies += !strncmp(line, "{\"class\":\"deny\",", 16);
	}
	return pclose(f) ? -1 : 0;
}

/* What one subscriber saw of one cell: counts, and every seq once. */
struct seen {
	__u64 cgid;
	int deny, broker, dup;
	__u64 seqs[256];
	int n_seqs;
};

static int count_seen(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	struct seen *s = ctx;

	if (!h || h->cell_cgid != s->cgid)
		return 0;
	if (h->event_class == ISOLATE_EVENT_DENY) {
		for (int i = 0; i < s->n_seqs; i++)
			s->dup += s->seqs[i] == h->seq;
		if (s->n_seqs < 256)
			s->seqs[s->n_seqs++] = h->seq;
		s->deny++;
	} else if (h->event_class == ISOLATE_EVENT_BROKER) {
		s->broker++;
	}
	return 0;
}

/* Subscribes once the supervisor serves (it opens its socket at start). */
static int subscribe_when_ready(struct isolate *iso, struct seen *s, struct isolate_events **ev)
{
	int err = ISOLATE_ENOSUPERVISOR;

	for (int i = 0; i < 100 && err == ISOLATE_ENOSUPERVISOR; i++) {
		err = isolate_events_subscribe(iso, 1U << ISOLATE_EVENT_DENY | 1U << ISOLATE_EVENT_BROKER,
					       false, count_seen, s, ev);
		if (err)
			usleep(50 * 1000);
	}
	return err;
}

/*
 * Several readers at once: the supervisor answers the broker request
 * (before, a second reader of the rings could take the request and the
 * cell's wait timed out), every deny reaches each subscriber exactly
 * once, and `events --take` is refused while the supervisor owns the
 * rings.
 */
TEST_F(cell_abi, every_reader_sees_every_record_and_the_broker_answers)
{
	char rules[160], channel[PATH_MAX];
	char *follow[] = { LOADER, "-j", "events", "--follow", "--timeout", "15", NULL };
	struct round_trip rt = { self->secret, channel };
	struct seen a = { .cgid = self->cell.cgid }, b = { .cgid = self->cell.cgid };
	struct isolate_events *ea = NULL, *eb = NULL;
	struct open_args denied = { self->secret, O_RDONLY };
	pid_t sup, reader;
	int extra = 20, ret, lines = 0, denies = 0;

	sup = start_broker(self, rules, sizeof(rules), channel, sizeof(channel));
	ASSERT_LT(0, sup);
	ASSERT_EQ(0, subscribe_when_ready(self->iso, &a, &ea));
	ASSERT_EQ(0, subscribe_when_ready(self->iso, &b, &eb));
	reader = fork();
	if (reader == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execv(LOADER, follow);
		_exit(127);
	}
	/* The rings have their consumer: taking from them is refused. */
	ret = system(LOADER " events --take >/dev/null 2>&1");
	EXPECT_EQ(1, WEXITSTATUS(ret));

	for (int i = 0; i < extra; i++)
		EXPECT_EQ(EACCES, run_in_cell(self->iso, self->name, open_errno, &denied, NULL));
	EXPECT_EQ(0, run_in_cell(self->iso, self->name, broker_client, &rt, NULL));
	/* broker_client was refused twice: before the grant and after its end. */
	for (int i = 0; i < 100 && (a.deny < extra + 2 || b.deny < extra + 2); i++) {
		isolate_events_poll(ea, 50);
		isolate_events_poll(eb, 50);
	}
	EXPECT_EQ(extra + 2, a.deny);
	EXPECT_EQ(extra + 2, b.deny);
	EXPECT_EQ(0, a.dup);
	EXPECT_EQ(0, b.dup);
	EXPECT_EQ(1, a.broker);
	EXPECT_EQ(1, b.broker);
	EXPECT_EQ(0ULL, isolate_events_lost(ea));
	/*
	 * events: the records the supervisor kept, this cell's only, each
	 * with its name, in time order across the classes (broker, deny,
	 * log, lifecycle come from different rings).
	 */
	EXPECT_EQ(0, events_lines_in_order(self->name, &lines, &denies));
	EXPECT_EQ(extra + 2, denies);
	EXPECT_LT(extra + 2, lines);
	isolate_events_close(ea);
	isolate_events_close(eb);
	kill(reader, SIGTERM);
	waitpid(reader, NULL, 0);
	stop_supervisor(sup);
}

/* Every line: a HELP or TYPE comment, or a sample of a declared family. */
TEST_F(cell_abi, metrics_parse_as_prometheus_text)
{
	char *args[] = { LOADER, "supervise", "--metrics-file", "/tmp/metrics.prom",
			 "--timeout", "1.5", "--out", "/dev/null", NULL };
	regex_t sample, help, type;
	char line[1024], family[256] = "", declared[64][128];
	int n_declared = 0, samples = 0, status;
	bool ours = false;
	pid_t sup;
	FILE *f;

	ASSERT_EQ(0, regcomp(&sample, "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
			     "(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? -?[0-9]+(\\.[0-9]+)?$", REG_EXTENDED));
	ASSERT_EQ(0, regcomp(&help, "^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$", REG_EXTENDED));
	ASSERT_EQ(0, regcomp(&type, "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge)$", REG_EXTENDED));
	unlink("/tmp/metrics.prom");
	sup = fork();
	if (sup == 0) {
		execv(LOADER, args);
		_exit(127);
	}
	ASSERT_EQ(sup, waitpid(sup, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	f = fopen("/tmp/metrics.prom", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		regmatch_t m[2];

		line[strcspn(line, "\n")] = 0;
		if (!regexec(&type, line, 2, m, 0)) {
			snprintf(family, sizeof(family), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
			for (int i = 0; i < n_declared; i++)
				EXPECT_STRNE(family, declared[i]);
			if (n_declared < 64)
				snprintf(declared[n_declared++], sizeof(declared[0]), "%s", family);
			continue;
		}
		if (!regexec(&help, line, 0, NULL, 0))
			continue;
		ASSERT_EQ(0, regexec(&sample, line, 2, m, 0)) {
			TH_LOG("not Prometheus text: \"%s\"", line);
		}
		/* A sample belongs to the family declared last. */
		EXPECT_EQ(0, strncmp(line, family, strlen(family)));
		samples++;
		if (strstr(line, "isolate_decisions_total{cell=\"") && strstr(line, self->name))
			ours = true;
	}
	fclose(f);
	EXPECT_LT(10, samples);
	EXPECT_TRUE(ours);
	regfree(&sample);
	regfree(&help);
	regfree(&type);
}

TEST_HARNESS_MAIN
