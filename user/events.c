// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Reading events: from the ring buffers pinned by the loader, by their
 * one consumer (who holds the consumer lock), or from the supervisor's
 * stream by any number of subscribers.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/internal.h"

/*
 * Records of one class a poll takes before it turns to the next class: a
 * cell flooding one ring (denials, logs) cannot keep the others (broker
 * requests, lifecycle) waiting, nor the supervisor from its other work.
 */
#define ROUND_RECORDS 256

struct isolate_events {
	/* One reader per class, each drained in turn; NULL for a subscription. */
	struct ring_buffer *rb[ISOLATE_EVENT_CLASS_MAX];
	int epoll_fd;		/* readable when any ring holds records, or -1 */
	unsigned int budget;	/* records the class being read may still give */
	int seen;		/* records given to fn in this poll */
	int lock_fd;		/* the consumer lock, with the rings */
	int sock;		/* the subscription, or -1 */
	isolate_event_fn fn;
	void *ctx;
	bool stopped;		/* the callback asked to stop */
	__u64 lost;		/* gaps in the classes' sequence numbers */
	__u64 next_seq[ISOLATE_EVENT_CLASS_MAX];	/* expected next, once one was seen */
	__u32 seq_seen;		/* bit 1 << class: a record of it was */
};

/* The largest record of any class, with room to spare. */
#define RECORD_MAX 4096

static struct isolate_events *events_new(isolate_event_fn fn, void *ctx)
{
	struct isolate_events *ev = calloc(1, sizeof(*ev));

	if (ev) {
		ev->fn = fn;
		ev->ctx = ctx;
		ev->lock_fd = -1;
		ev->sock = -1;
		ev->epoll_fd = -1;
	}
	return ev;
}

int events_lock_fd(const struct isolate_events *ev)
{
	return ev->lock_fd;
}

void events_socket_path(char *out, size_t len)
{
	snprintf(out, len, "%s/events/sock", state_dir());
}

/* The consumer lock: one reader of the rings at a time, never blocking. */
static int take_consumer_lock(struct isolate_events *ev)
{
	int dir = statefs_subdir("events", 0700);

	if (dir < 0)
		return dir;
	ev->lock_fd = openat(dir, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			     0600);
	close(dir);
	if (ev->lock_fd < 0)
		return set_error(-errno, "cannot open %s/events/lock: %s", state_dir(),
				 strerror(errno));
	if (flock(ev->lock_fd, LOCK_EX | LOCK_NB))
		return set_error(errno == EWOULDBLOCK ? -EBUSY : -errno,
				 "the event rings have a consumer already (a running supervisor): subscribe to it instead");
	return 0;
}

/*
 * Counts the records of a class that never reached this reader: lost in
 * the kernel's ring (its number was taken, its record found no room) or,
 * for a subscription, by falling behind. A class's first number is 0.
 */
static void note_seq(struct isolate_events *ev, const struct isolate_event_hdr *h)
{
	__u64 *next;
	__u32 bit;

	if (h->event_class >= ISOLATE_EVENT_CLASS_MAX)
		return;
	next = &ev->next_seq[h->event_class];
	bit = 1U << h->event_class;
	if ((ev->seq_seen & bit) && h->seq > *next)
		ev->lost += h->seq - *next;
	if (!(ev->seq_seen & bit) || h->seq >= *next)
		*next = h->seq + 1;
	ev->seq_seen |= bit;
}

static int dispatch(void *ctx, void *data, size_t size)
{
	struct isolate_events *ev = ctx;
	const struct isolate_event_hdr *hdr = data;

	/* A record shorter than its header or than it claims is not ours. */
	if (size >= sizeof(*hdr) && hdr->size <= size) {
		note_seq(ev, hdr);
		ev->seen++;
		if (ev->fn(ev->ctx, hdr, size)) {
			ev->stopped = true;
			return -ECANCELED;	/* libbpf stops after this record */
		}
	}
	/* Taken either way (libbpf moves past a record before the call). */
	return --ev->budget ? 0 : -EAGAIN;
}

int isolate_events_open(struct isolate *iso, isolate_event_fn fn, void *ctx,
			struct isolate_events **out)
{
	struct isolate_events *ev = events_new(fn, ctx);
	int err;

	if (!ev)
		return set_error(-ENOMEM, "out of memory");
	err = take_consumer_lock(ev);
	if (err) {
		isolate_events_close(ev);
		return err;
	}
	ev->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epoll_fd < 0) {
		err = set_error(-errno, "cannot wait for events: %m");
		isolate_events_close(ev);
		return err;
	}
	for (int k = ISOLATE_EVENT_DENY; k < ISOLATE_EVENT_CLASS_MAX; k++) {
		int m = MAP_OF_CLASS(k);
		struct epoll_event ready = { .events = EPOLLIN };

		ev->rb[k] = ring_buffer__new(iso->map_fd[m], dispatch, ev, NULL);
		err = ev->rb[k] ? 0 : -errno;
		if (!err && epoll_ctl(ev->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(ev->rb[k]),
				      &ready))
			err = -errno;
		if (err) {
			isolate_events_close(ev);
			return set_error(err, "cannot open the event ring buffer %s: %s",
					 isolate_map_names[m], strerror(-err));
		}
	}
	*out = ev;
	return 0;
}

int isolate_events_subscribe(struct isolate *iso, __u32 class_mask, bool replay,
			     isolate_event_fn fn, void *ctx, struct isolate_events **out)
{
	struct isolate_subscription sub = {
		.version = ISOLATE_SUBSCRIPTION_VERSION,
		.class_mask = class_mask,
		.flags = replay ? ISOLATE_SUBSCRIBE_REPLAY : 0,
	};
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct isolate_events *ev = events_new(fn, ctx);
	int err;

	if (!ev)
		return set_error(-ENOMEM, "out of memory");
	events_socket_path(addr.sun_path, sizeof(addr.sun_path));
	ev->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ev->sock < 0 || connect(ev->sock, (struct sockaddr *)&addr, sizeof(addr))) {
		err = errno == ENOENT || errno == ECONNREFUSED ? ISOLATE_ENOSUPERVISOR : -errno;
		set_error(err, err == ISOLATE_ENOSUPERVISOR ?
			  "no supervisor is running (%s): `isolate-loader supervise` reads the event rings and serves every reader" :
			  "cannot subscribe at %s: %m", addr.sun_path);
		isolate_events_close(ev);
		return err;
	}
	if (send(ev->sock, &sub, sizeof(sub), MSG_NOSIGNAL) != sizeof(sub)) {
		err = set_error(-errno, "cannot subscribe at %s: %m", addr.sun_path);
		isolate_events_close(ev);
		return err;
	}
	*out = ev;
	return 0;
}

static int poll_subscription(struct isolate_events *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = ev->sock, .events = POLLIN };
	_Alignas(8) unsigned char buf[RECORD_MAX];
	const struct isolate_event_hdr *h = (const void *)buf;
	int seen = 0;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) < 0)
		return errno == EINTR ? 0 : set_error(-errno, "waiting for events: %m");
	while (!ev->stopped) {
		n = recv(ev->sock, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? seen :
			       set_error(-errno, "reading the supervisor's stream: %m");
		if (n == 0)
			return set_error(ISOLATE_ENOSUPERVISOR, "the supervisor stopped");
		if ((size_t)n < sizeof(*h) || h->size > (size_t)n ||
		    h->event_class >= ISOLATE_EVENT_CLASS_MAX)
			continue;
		if (h->event_class == ISOLATE_EVENT_REPLAY_END) {
			ev->stopped = ev->fn(ev->ctx, NULL, 0) != 0;
			continue;
		}
		note_seq(ev, h);
		seen++;
		ev->stopped = ev->fn(ev->ctx, h, (size_t)n) != 0;
	}
	return seen;
}

__u64 isolate_events_lost(const struct isolate_events *ev)
{
	return ev->lost;
}

/* Up to ROUND_RECORDS records of each class, class after class. */
static int poll_rings(struct isolate_events *ev, int timeout_ms)
{
	struct epoll_event ready[ISOLATE_EVENT_CLASS_MAX];

	if (timeout_ms && epoll_wait(ev->epoll_fd, ready, ISOLATE_EVENT_CLASS_MAX,
				     timeout_ms) < 0 && errno != EINTR)
		return set_error(-errno, "waiting for events: %m");
	ev->seen = 0;
	for (int k = ISOLATE_EVENT_DENY; k < ISOLATE_EVENT_CLASS_MAX && !ev->stopped; k++) {
		int n;

		ev->budget = ROUND_RECORDS;
		n = ring_buffer__consume(ev->rb[k]);
		if (n < 0 && n != -EAGAIN && !(n == -ECANCELED && ev->stopped))
			return set_error(n, "reading events failed: %s", strerror(-n));
	}
	return ev->stopped ? 0 : ev->seen;
}

int isolate_events_poll(struct isolate_events *ev, int timeout_ms)
{
	ev->stopped = false;
	if (ev->sock >= 0)
		return poll_subscription(ev, timeout_ms);
	return poll_rings(ev, timeout_ms);
}

int isolate_events_backlog(struct isolate *iso, __u32 event_class, __u64 *pending,
			   __u64 *size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct bpf_map_info info = { 0 };
	__u32 info_len = sizeof(info);
	unsigned long *cons, *prod;
	int fd, err = 0;

	if (event_class < ISOLATE_EVENT_DENY || event_class >= ISOLATE_EVENT_CLASS_MAX)
		return set_error(-EINVAL, "no event class %u", event_class);
	fd = iso->map_fd[MAP_OF_CLASS(event_class)];
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len))
		return set_error(-errno, "cannot read the %s ring buffer: %s",
				 isolate_event_class_name(event_class), strerror(errno));
	/* The consumer's and the producer's positions, each on its own page. */
	cons = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (cons == MAP_FAILED)
		return set_error(-errno, "cannot map the %s ring buffer: %s",
				 isolate_event_class_name(event_class), strerror(errno));
	prod = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, page);
	if (prod == MAP_FAILED) {
		err = set_error(-errno, "cannot map the %s ring buffer: %s",
				isolate_event_class_name(event_class), strerror(errno));
	} else {
		*pending = *prod - *cons;
		*size = info.max_entries;
		munmap(prod, page);
	}
	munmap(cons, page);
	return err;
}

int isolate_events_fd(struct isolate_events *ev)
{
	return ev->sock >= 0 ? ev->sock : ev->epoll_fd;
}

void isolate_events_close(struct isolate_events *ev)
{
	if (!ev)
		return;
	for (int k = 0; k < ISOLATE_EVENT_CLASS_MAX; k++)
		ring_buffer__free(ev->rb[k]);
	if (ev->epoll_fd >= 0)
		close(ev->epoll_fd);
	if (ev->sock >= 0)
		close(ev->sock);
	if (ev->lock_fd >= 0)
		close(ev->lock_fd);
	free(ev);
}
