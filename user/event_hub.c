// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The supervisor's event stream: the one consumer of the rings hands each
 * record to every subscriber of its class through a SOCK_SEQPACKET socket
 * in root's state directory, and keeps the most recent ones for those who
 * ask for a replay. A subscriber never slows the supervisor: sends do not
 * wait, and a record a full subscriber cannot take is dropped for it
 * alone and counted (it sees the gap in the class's sequence numbers).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/event_keep.h"
#include "user/internal.h"

#define HUB_SUBSCRIBERS 64

struct subscriber {
	int fd;			/* -1: a free slot */
	bool subscribed;	/* its isolate_subscription arrived */
	__u32 class_mask;
};

struct isolate_event_hub {
	int listen_fd;
	int epoll_fd;
	struct subscriber subs[HUB_SUBSCRIBERS];
	struct event_keep *kept;	/* for replay */
	__u64 dropped;
};

static bool wants(const struct subscriber *s, __u32 event_class)
{
	return s->subscribed && (!s->class_mask || (s->class_mask & (1U << event_class)));
}

static void drop_subscriber(struct isolate_event_hub *hub, struct subscriber *s)
{
	epoll_ctl(hub->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
	s->subscribed = false;
}

/* One record to one subscriber; false when the subscriber is gone. */
static bool send_to(struct isolate_event_hub *hub, struct subscriber *s, const void *data,
		    size_t size)
{
	if (send(s->fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)size)
		return true;
	if (errno == EAGAIN || errno == ENOBUFS) {
		hub->dropped++;
		return true;
	}
	drop_subscriber(hub, s);
	return false;
}

struct replaying {
	struct isolate_event_hub *hub;
	struct subscriber *s;
	bool gone;
};

static bool replay_one(void *ctx, const void *record, size_t size)
{
	struct replaying *r = ctx;

	r->gone = !send_to(r->hub, r->s, record, size);
	return !r->gone;
}

static void replay(struct isolate_event_hub *hub, struct subscriber *s)
{
	struct isolate_event_hdr mark = {
		.abi_version = ISOLATE_EVENT_ABI_VERSION,
		.event_class = ISOLATE_EVENT_REPLAY_END,
		.size = sizeof(mark),
	};
	struct replaying r = { hub, s, false };

	event_keep_each(hub->kept, s->class_mask, replay_one, &r);
	if (!r.gone)
		send_to(hub, s, &mark, sizeof(mark));
}

/* What a subscriber sent: its subscription, once; anything else ends it. */
static void read_subscriber(struct isolate_event_hub *hub, struct subscriber *s)
{
	struct isolate_subscription sub;
	ssize_t n = recv(s->fd, &sub, sizeof(sub), MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n != sizeof(sub) || s->subscribed || sub.version != ISOLATE_SUBSCRIPTION_VERSION) {
		drop_subscriber(hub, s);
		return;
	}
	s->class_mask = sub.class_mask;
	s->subscribed = true;
	if (sub.flags & ISOLATE_SUBSCRIBE_REPLAY)
		replay(hub, s);
}

static void accept_subscribers(struct isolate_event_hub *hub)
{
	int fd;

	while ((fd = accept4(hub->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct subscriber *s = NULL;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };

		for (size_t i = 0; i < HUB_SUBSCRIBERS && !s; i++)
			if (hub->subs[i].fd < 0)
				s = &hub->subs[i];
		ev.data.ptr = s;
		if (!s || epoll_ctl(hub->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			continue;
		}
		s->fd = fd;
		s->subscribed = false;
	}
}

int isolate_event_hub_open(struct isolate_events *ev, struct isolate_event_hub **out)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct epoll_event lev = { .events = EPOLLIN };
	struct isolate_event_hub *hub;
	int err;

	if (events_lock_fd(ev) < 0)
		return set_error(-EINVAL, "the event stream is served by the consumer of the rings");
	hub = calloc(1, sizeof(*hub));
	if (hub)
		hub->kept = event_keep_new();
	if (!hub || !hub->kept) {
		free(hub);
		return set_error(-ENOMEM, "out of memory");
	}
	hub->listen_fd = hub->epoll_fd = -1;
	for (size_t i = 0; i < HUB_SUBSCRIBERS; i++)
		hub->subs[i].fd = -1;
	events_socket_path(addr.sun_path, sizeof(addr.sun_path));
	/* We hold the consumer lock: a socket left there is a dead supervisor's. */
	unlink(addr.sun_path);
	hub->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	hub->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	lev.data.ptr = NULL;
	if (hub->epoll_fd < 0 || hub->listen_fd < 0 ||
	    bind(hub->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(hub->listen_fd, 16) ||
	    epoll_ctl(hub->epoll_fd, EPOLL_CTL_ADD, hub->listen_fd, &lev)) {
		err = set_error(-errno, "cannot serve events at %s: %m", addr.sun_path);
		isolate_event_hub_close(hub);
		return err;
	}
	*out = hub;
	return 0;
}

int isolate_event_hub_fd(const struct isolate_event_hub *hub)
{
	return hub->epoll_fd;
}

void isolate_event_hub_serve(struct isolate_event_hub *hub)
{
	struct epoll_event evs[16];
	int n = epoll_wait(hub->epoll_fd, evs, 16, 0);

	for (int i = 0; i < n; i++) {
		struct subscriber *s = evs[i].data.ptr;

		if (!s)
			accept_subscribers(hub);
		else if (s->fd >= 0 && (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
			drop_subscriber(hub, s);
		else if (s->fd >= 0)
			read_subscriber(hub, s);
	}
}

void isolate_event_hub_publish(struct isolate_event_hub *hub,
			       const struct isolate_event_hdr *hdr, size_t size)
{
	event_keep_add(hub->kept, hdr, size);
	for (size_t i = 0; i < HUB_SUBSCRIBERS; i++)
		if (hub->subs[i].fd >= 0 && wants(&hub->subs[i], hdr->event_class))
			send_to(hub, &hub->subs[i], hdr, size);
}

void isolate_event_hub_stats(const struct isolate_event_hub *hub, __u64 *subscribers,
			     __u64 *dropped)
{
	*subscribers = 0;
	for (size_t i = 0; i < HUB_SUBSCRIBERS; i++)
		*subscribers += hub->subs[i].subscribed;
	*dropped = hub->dropped;
}

void isolate_event_hub_close(struct isolate_event_hub *hub)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];

	if (!hub)
		return;
	for (size_t i = 0; i < HUB_SUBSCRIBERS; i++)
		if (hub->subs[i].fd >= 0)
			close(hub->subs[i].fd);
	event_keep_free(hub->kept);
	if (hub->listen_fd >= 0) {
		events_socket_path(path, sizeof(path));
		unlink(path);
		close(hub->listen_fd);
	}
	if (hub->epoll_fd >= 0)
		close(hub->epoll_fd);
	free(hub);
}
