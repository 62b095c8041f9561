// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Reading the event ring buffers pinned by the loader. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "user/internal.h"

struct isolate_events {
	struct ring_buffer *rb;
	isolate_event_fn fn;
	void *ctx;
	bool stopped;		/* the callback asked to stop */
};

static int dispatch(void *ctx, void *data, size_t size)
{
	struct isolate_events *ev = ctx;
	const struct isolate_event_hdr *hdr = data;

	/* A record shorter than its header or than it claims is not ours. */
	if (size < sizeof(*hdr) || hdr->size > size)
		return 0;
	if (ev->fn(ev->ctx, hdr, size)) {
		ev->stopped = true;
		return -ECANCELED;	/* libbpf stops after this record */
	}
	return 0;
}

int isolate_events_open(struct isolate *iso, isolate_event_fn fn, void *ctx,
			struct isolate_events **out)
{
	struct isolate_events *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return set_error(-ENOMEM, "out of memory");
	ev->fn = fn;
	ev->ctx = ctx;
	/* Every class's ring buffer, each drained in turn by one poll. */
	for (int k = ISOLATE_EVENT_DENY; k < ISOLATE_EVENT_CLASS_MAX; k++) {
		int m = MAP_OF_CLASS(k), err = 0;

		if (!ev->rb)
			ev->rb = ring_buffer__new(iso->map_fd[m], dispatch, ev, NULL);
		else
			err = ring_buffer__add(ev->rb, iso->map_fd[m], dispatch, ev);
		if (!ev->rb || err) {
			err = err ?: -errno;
			isolate_events_close(ev);
			return set_error(err, "cannot open the event ring buffer %s: %s",
					 isolate_map_names[m], strerror(-err));
		}
	}
	*out = ev;
	return 0;
}

int isolate_events_poll(struct isolate_events *ev, int timeout_ms)
{
	int n;

	ev->stopped = false;
	n = ring_buffer__poll(ev->rb, timeout_ms);
	if (n == -ECANCELED && ev->stopped)
		return 0;
	if (n < 0 && n != -EINTR)
		return set_error(n, "reading events failed: %s", strerror(-n));
	return n < 0 ? 0 : n;
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
	return ring_buffer__epoll_fd(ev->rb);
}

void isolate_events_close(struct isolate_events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	free(ev);
}
