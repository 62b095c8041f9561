// SPDX-License-Identifier: GPL-2.0
/* events: the deny and audit records the kernel wrote, as text or JSON. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <isolate/isolate.h>

#include "tools/isolate-loader/main.h"

struct printer {
	long remaining;		/* events still wanted; < 0 for no limit */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int on_event(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	struct printer *p = ctx;

	if (json_output)
		isolate_event_write_json(stdout, NULL, h, size);
	else
		isolate_event_write_text(stdout, h, size);
	fflush(stdout);
	return p->remaining > 0 && !--p->remaining;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int do_events(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct printer p = { .remaining = -1 };
	struct isolate_events *ev = NULL;
	double deadline = 0, timeout = 0;
	struct isolate *iso;
	bool follow = false;
	int opt, err;
	char *end;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:fn:t:", opts, NULL)) >= 0) {
		switch (opt) {
		case 'f':
			follow = true;
			break;
		case 'n':
			p.remaining = strtol(optarg, &end, 10);
			if (*end || p.remaining <= 0)
				return p_err(EXIT_USAGE, "events: --count needs a positive number");
			break;
		case 't':
			timeout = strtod(optarg, &end);
			if (*end || timeout <= 0)
				return p_err(EXIT_USAGE, "events: --timeout needs a positive number of seconds");
			break;
		default:
			return usage_error(opt, argv);
		}
	}
	if (optind < argc)
		return p_err(EXIT_USAGE, "events: unexpected argument \"%s\"", argv[optind]);
	/* Waiting only makes sense with something to wait for. */
	follow = follow || p.remaining > 0 || timeout > 0;
	if (timeout > 0)
		deadline = now_s() + timeout;

	err = isolate_open(&iso);
	if (err)
		return p_err(exit_code_of(err), "events: %s", isolate_last_error());
	err = isolate_events_open(iso, on_event, &p, &ev);
	if (err) {
		isolate_close(iso);
		return p_err(EXIT_FAIL, "events: %s", isolate_last_error());
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		int wait_ms = follow ? 100 : 0;

		if (isolate_events_poll(ev, wait_ms) < 0) {
			err = p_err(EXIT_FAIL, "events: %s", isolate_last_error());
			break;
		}
	} while (follow && !stop && p.remaining != 0 && (!deadline || now_s() < deadline));
	isolate_events_close(ev);
	isolate_close(iso);
	return err ? err : EXIT_OK;
}
