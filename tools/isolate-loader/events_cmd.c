// SPDX-License-Identifier: GPL-2.0
/*
 * events: what the kernel reported, as text or JSON lines, in time order,
 * with the cells' names. Read from the supervisor's stream (the records it
 * kept, then, with --follow, each as it arrives): any number of readers
 * see every record. Without a supervisor, --take reads the rings
 * themselves, and what it reads is gone for everyone else.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/cell_names.h"
#include "tools/isolate-loader/main.h"

#define BATCH_MAX 65536

struct record {
	struct isolate_event_hdr *hdr;
	size_t size;
};

struct printer {
	struct isolate *iso;
	long remaining;		/* events still wanted; < 0 for no limit */
	const char *cell;	/* only this cell's, or NULL */
	__u64 since_ns;		/* only events at or after (CLOCK_MONOTONIC) */
	__u32 classes;		/* bits 1 << class; 0: all */
	bool replayed;		/* the supervisor's kept records are all here */
	__u64 unprinted;	/* records read but not kept to print (out of memory) */
	struct record batch[BATCH_MAX];
	size_t n;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int by_time(const void *a, const void *b)
{
	const struct isolate_event_hdr *x = ((const struct record *)a)->hdr;
	const struct isolate_event_hdr *y = ((const struct record *)b)->hdr;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->event_class != y->event_class ? (int)x->event_class - (int)y->event_class :
	       x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void print_batch(struct printer *p)
{
	qsort(p->batch, p->n, sizeof(p->batch[0]), by_time);
	for (size_t i = 0; i < p->n; i++) {
		const struct isolate_event_hdr *h = p->batch[i].hdr;
		const char *cell = cell_name_of(p->iso, h, p->batch[i].size);

		if (p->remaining != 0 && (!p->cell || (cell && !strcmp(cell, p->cell)))) {
			if (json_output)
				isolate_event_write_json(stdout, cell, h, p->batch[i].size);
			else
				isolate_event_write_text(stdout, cell, h, p->batch[i].size);
			if (p->remaining > 0)
				p->remaining--;
		}
		free(p->batch[i].hdr);
	}
	p->n = 0;
	fflush(stdout);
}

/*
 * Collects; print_batch prints what a poll brought, in time order. A
 * record read is never dropped: a full batch is printed first.
 */
static int on_event(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	struct printer *p = ctx;
	struct record *r;

	if (!h) {
		p->replayed = true;
		return 1;
	}
	/* Names come from lifecycle events, also when they are not printed. */
	cell_name_of(NULL, h, size);
	if (h->ts_ns < p->since_ns || (p->classes && !(p->classes & (1U << h->event_class))))
		return 0;
	if (p->n == BATCH_MAX)
		print_batch(p);
	r = &p->batch[p->n];
	r->hdr = malloc(size);
	if (!r->hdr) {
		p->unprinted++;
		return 1;
	}
	memcpy(r->hdr, h, size);
	r->size = size;
	p->n++;
	return 0;
}

/*
 * Records this reader never saw (gaps in a class's sequence numbers: lost
 * in the kernel's rings, or by this reader falling behind the stream):
 * what it printed is not all there was.
 */
static void report_lost(__u64 lost)
{
	if (!lost)
		return;
	if (json_output)
		printf("{\"lost\":%llu}\n", (unsigned long long)lost);
	else
		fprintf(stderr, "events: %llu records lost: this is not every event\n",
			(unsigned long long)lost);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "deny,audit" -> the bits of the classes, or 0 with a usage error printed. */
static __u32 parse_classes(const char *list)
{
	__u32 mask = 0;
	char word[32];

	while (*list) {
		size_t n = strcspn(list, ",");
		__u32 bit = 0;

		snprintf(word, sizeof(word), "%.*s", (int)n, list);
		for (__u32 c = ISOLATE_EVENT_DENY; c < ISOLATE_EVENT_CLASS_MAX; c++)
			if (!strcmp(word, isolate_event_class_name(c)))
				bit = 1U << c;
		if (!bit) {
			p_err(EXIT_USAGE, "events: --class %s: no class \"%s\" (deny, audit, log, metric, broker, message, lifecycle)",
			      list, word);
			return 0;
		}
		mask |= bit;
		list += n + (list[n] == ',');
	}
	return mask;
}

struct events_opts {
	bool follow, take;
	double timeout;
};

static int parse_args(int argc, char **argv, struct events_opts *o, struct printer *p)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "class", required_argument, NULL, 'C' },
		{ "cell", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 's' },
		{ "take", no_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	double since, now;
	unsigned long long count;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:fn:t:", opts, NULL)) >= 0) {
		switch (opt) {
		case 'f':
			o->follow = true;
			break;
		case 'n':
			if (parse_number(optarg, strlen(optarg), 1, COUNT_MAX, &count))
				return p_err(EXIT_USAGE, "events: --count %s: expected a whole number, 1 to %llu",
					     optarg, COUNT_MAX);
			p->remaining = (long)count;
			break;
		case 't':
			if (parse_seconds(optarg, &o->timeout))
				return p_err(EXIT_USAGE, "events: --timeout %s: expected seconds, 0.001 to %d",
					     optarg, SECONDS_MAX);
			break;
		case 'C':
			p->classes = parse_classes(optarg);
			if (!p->classes)
				return EXIT_USAGE;
			break;
		case 'c':
			if (cell_name_arg("events: --cell", optarg))
				return EXIT_USAGE;
			p->cell = optarg;
			break;
		case 's':
			if (parse_seconds(optarg, &since))
				return p_err(EXIT_USAGE, "events: --since %s: expected seconds, 0.001 to %d",
					     optarg, SECONDS_MAX);
			/* Further back than the clock's start: every event. */
			now = now_s();
			p->since_ns = since < now ? (__u64)((now - since) * 1e9) : 0;
			break;
		case 'T':
			o->take = true;
			break;
		default:
			return usage_error(opt, argv);
		}
	}
	if (optind < argc)
		return p_err(EXIT_USAGE, "events: unexpected argument \"%s\"", argv[optind]);
	return 0;
}

int do_events(int argc, char **argv)
{
	struct events_opts o = { 0 };
	struct printer *p = calloc(1, sizeof(*p));
	struct isolate_events *ev = NULL;
	double deadline = 0;
	int err;

	if (!p)
		return p_err(EXIT_FAIL, "events: out of memory");
	p->remaining = -1;
	err = parse_args(argc, argv, &o, p);
	if (err)
		goto out;
	/* Waiting only makes sense with something to wait for. */
	o.follow = o.follow || p->remaining > 0 || o.timeout > 0;
	if (o.timeout > 0)
		deadline = now_s() + o.timeout;
	err = isolate_open(&p->iso);
	if (err) {
		err = p_err(isolate_error_exit_code(err), "events: %s", isolate_last_error());
		goto out;
	}
	err = o.take ? isolate_events_open(p->iso, on_event, p, &ev) :
		       isolate_events_subscribe(p->iso, p->classes ? p->classes |
						1U << ISOLATE_EVENT_LIFECYCLE : 0, true,
						on_event, p, &ev);
	if (err == ISOLATE_ENOSUPERVISOR) {
		err = p_err(EXIT_FAIL, "events: no supervisor is running. `isolate-loader supervise` reads the kernel's event rings and serves every reader; start it, then run events again. Without one, `events --take` reads the rings itself, and what it reads is gone for every other reader.");
		goto out;
	}
	if (err) {
		err = p_err(err == -EBUSY ? EXIT_FAIL : isolate_error_exit_code(err), "events: %s",
			    isolate_last_error());
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		int n = isolate_events_poll(ev, o.follow || (!o.take && !p->replayed) ? 100 : 0);

		if (n < 0) {
			err = p_err(EXIT_FAIL, "events: %s", isolate_last_error());
			break;
		}
		if (o.take && !o.follow && n > 0)
			continue;	/* the rings: all of them first, then in time order */
		print_batch(p);
		if (!o.follow && (o.take || p->replayed))
			break;
	} while (!stop && p->remaining != 0 && (!deadline || now_s() < deadline));
	print_batch(p);
	report_lost(isolate_events_lost(ev) + p->unprinted);
out:
	isolate_events_close(ev);
	isolate_close(p->iso);
	free(p);
	return err;
}
