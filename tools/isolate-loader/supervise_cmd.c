// SPDX-License-Identifier: GPL-2.0
/*
 * supervise: consume every event class, write one JSON object per line,
 * keep Prometheus metrics in a file or serve them on a local socket, and
 * run the broker. Everything it needs is pinned: a supervisor started
 * again picks up the events still queued and the grants it still owes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "common/cgroup.h"
#include "common/file_write.h"
#include "common/mountinfo.h"
#include "tools/isolate-loader/cell_names.h"
#include "tools/isolate-loader/main.h"
#include "tools/isolate-loader/out_rate.h"
#include "tools/isolate-loader/supervise.h"

struct supervisor {
	struct isolate *iso;
	struct isolate_broker *broker;
	struct isolate_event_hub *hub;	/* every other reader's stream */
	FILE *out;		/* the JSON lines of the events */
	struct out_rate *out_rate;	/* what each cell may have written there */
	unsigned int out_per_second;	/* --out-rate */
	const char *metrics_file;
	const char *metrics_name;	/* its last component, in metrics_dir */
	int metrics_dir;
	int metrics_sock;
	long remaining;		/* events before exiting; < 0 for no limit */
	char follow_failed[512];	/* the last failure of mounts_follow said, "" none */
};

/* Milliseconds of CLOCK_MONOTONIC, for deadlines and the metrics period. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int on_event(void *ctx, const struct isolate_event_hdr *h, size_t size)
{
	struct supervisor *s = ctx;
	uint64_t now = now_ms();
	unsigned int unsaid;
	const char *cell;

	cell = cell_name_of(s->iso, h, size);
	isolate_event_hub_publish(s->hub, h, size);
	out_rate_write(s->out_rate, s->out, cell, h, size, now);
	metrics_event(h, size, cell);
	/* A cell asking in a loop is answered at once, and said on stderr once a second. */
	if (h->event_class == ISOLATE_EVENT_BROKER && size >= sizeof(struct isolate_event_broker) &&
	    isolate_broker_request(s->broker, s->iso, cell, (const struct isolate_event_broker *)h) &&
	    out_rate_may_say(s->out_rate, h->cell_cgid, now, &unsaid)) {
		if (unsaid)
			p_info("supervise: %s (and %u more of this cell's not said)",
			       isolate_last_error(), unsaid);
		else
			p_info("supervise: %s", isolate_last_error());
	}
	return s->remaining > 0 && !--s->remaining;
}

/*
 * Once unloaded, the rings read and the maps changed are no load's: the
 * records still queued are written, then the supervisor exits, to be
 * started again (systemd does) on the new load. No program writes to the
 * old rings any more, so draining them ends.
 */
static int stop_reloaded(struct isolate_events *ev)
{
	char why[1024];	/* what p_err prints at most */

	snprintf(why, sizeof(why), "%s", isolate_last_error());
	while (!stop && isolate_events_poll(ev, 0) > 0)
		;
	return p_err(EXIT_RELOADED, "supervise: %s", why);
}

/* The metrics as text, in a buffer to free; NULL when out of memory. */
static char *metrics_text(struct supervisor *s, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	metrics_write(s->iso, f);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Replaced whole, never written through a link a cell may have put there,
 * in the directory opened at the start (a link put there since for the
 * directory itself is not followed either).
 */
static void write_metrics_file(struct supervisor *s)
{
	size_t len;
	char *text = metrics_text(s, &len);

	if (text)
		file_replace_at(s->metrics_dir, s->metrics_name, text, len, 0644, false);
	free(text);
}

/* The socket fd bound at dir/name, listening; -errno. */
static int listen_at(int dir, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	/* No bindat(): the directory's fd, through /proc, stands for it. */
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dir,
			     name) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * The socket path, bound afresh: a socket left there (by an earlier
 * supervisor) is removed, anything else is not ours to remove (-EEXIST).
 * Looked at, removed and bound in the directory path leads to now, opened
 * once: a cell that swaps it for a link meanwhile moves none of the three.
 */
static int listen_metrics(const char *path)
{
	const char *name;
	int dir = file_parent_open(path, &name), err = 0, fd;
	struct stat st;

	if (dir < 0)
		return dir;
	if (!fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW)) {
		if (!S_ISSOCK(st.st_mode))
			err = -EEXIST;
		else if (unlinkat(dir, name, 0) && errno != ENOENT)
			err = -errno;
	}
	fd = err ? err : listen_at(dir, name);
	close(dir);
	return fd;
}

/* How long one metrics client may take to read the text. */
#define METRICS_SEND_MS 100

/*
 * Each connection gets the current text, then the socket closes. The
 * supervisor is one thread that also drains the rings: a client that has
 * not taken the whole text within METRICS_SEND_MS is dropped.
 */
static void serve_metrics(struct supervisor *s)
{
	int fd = accept4(s->metrics_sock, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	uint64_t deadline = now_ms() + METRICS_SEND_MS, now;
	size_t len = 0, done = 0;
	char *text;

	if (fd < 0)
		return;
	text = metrics_text(s, &len);
	while (text && done < len) {
		ssize_t n = send(fd, text + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno != EAGAIN || (now = now_ms()) >= deadline)
			break;
		poll(&pfd, 1, (int)(deadline - now));
	}
	free(text);
	close(fd);
}

/*
 * supervise --cgroup-root DIR: load (or adopt) with the cells in DIR. When
 * DIR's parent is the cgroup we run in (a systemd unit's, delegated), we
 * move into its leaf "supervisor" first: cgroup v2 keeps processes out of
 * a cgroup that hands controllers down, and the cells' budgets need them.
 */
static int load_into(const char *cells_cgroup, struct isolate **iso)
{
	char mount[PATH_MAX], own[PATH_MAX], parent[PATH_MAX], leaf[PATH_MAX + 16];
	char *slash;
	int err;

	snprintf(parent, sizeof(parent), "%s", cells_cgroup);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = 0;
	if (!mount_point_of("cgroup2", mount, sizeof(mount)) &&
	    !cgroup_own(mount, own, sizeof(own)) && !strcmp(own, parent)) {
		snprintf(leaf, sizeof(leaf), "%s/supervisor", parent);
		err = cgroup_enter(leaf);
		if (err)
			return p_err(EXIT_FAIL, "supervise: cannot move into %s: %s", leaf,
				     strerror(-err));
	}
	return load_at(cells_cgroup, iso);
}

static int parse_args(int argc, char **argv, struct supervisor *s, const char **rules,
		      const char **exec_program, const char **out_file, double *timeout,
		      const char **cells_cgroup)
{
	static const struct option opts[] = {
		{ "cgroup-root", required_argument, NULL, 'C' },
		{ "out", required_argument, NULL, 'o' },
		{ "out-rate", required_argument, NULL, 'R' },
		{ "metrics-file", required_argument, NULL, 'm' },
		{ "metrics-socket", required_argument, NULL, 's' },
		{ "broker-rules", required_argument, NULL, 'r' },
		{ "broker-exec", required_argument, NULL, 'x' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL;
	unsigned long long count, rate;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":o:", opts, NULL)) >= 0) {
		switch (opt) {
		case 'o': *out_file = optarg; break;
		case 'm': s->metrics_file = optarg; break;
		case 's': sock = optarg; break;
		case 'r': *rules = optarg; break;
		case 'x': *exec_program = optarg; break;
		case 'C': *cells_cgroup = optarg; break;
		case 'n':
			if (parse_number(optarg, strlen(optarg), 1, COUNT_MAX, &count))
				return p_err(EXIT_USAGE, "supervise: --count %s: expected a whole number, 1 to %llu",
					     optarg, COUNT_MAX);
			s->remaining = (long)count;
			break;
		case 'R':
			if (parse_number(optarg, strlen(optarg), 0, OUT_RATE_MAX, &rate))
				return p_err(EXIT_USAGE, "supervise: --out-rate %s: expected a whole number, 0 (no limit) to %d",
					     optarg, OUT_RATE_MAX);
			s->out_per_second = (unsigned int)rate;
			break;
		case 't':
			if (parse_seconds(optarg, timeout))
				return p_err(EXIT_USAGE, "supervise: --timeout %s: expected seconds, 0.001 to %d",
					     optarg, SECONDS_MAX);
			break;
		default:
			return usage_error(opt, argv);
		}
	}
	if (optind < argc)
		return p_err(EXIT_USAGE, "supervise: unexpected argument \"%s\"", argv[optind]);
	if (*rules && *exec_program)
		return p_err(EXIT_USAGE, "supervise: --broker-rules and --broker-exec exclude each other");
	if (sock) {
		s->metrics_sock = listen_metrics(sock);
		if (s->metrics_sock < 0)
			return p_err(EXIT_FAIL, "supervise: cannot listen on %s: %s", sock,
				     s->metrics_sock == -EEXIST ? "it exists and is not a socket" :
				     write_error(s->metrics_sock));
	}
	return 0;
}

int do_supervise(int argc, char **argv)
{
	struct supervisor s = { .metrics_dir = -1, .metrics_sock = -1, .remaining = -1,
				.out_per_second = OUT_RATE_DEFAULT };
	const char *rules = NULL, *exec_program = NULL, *out_file = NULL, *cells_cgroup = NULL;
	struct isolate_events *ev = NULL;
	uint64_t deadline = 0, next_metrics = 0, next_out_tick = 0;
	double timeout = 0;
	FILE *out = stdout;
	int err;

	err = parse_args(argc, argv, &s, &rules, &exec_program, &out_file, &timeout,
			 &cells_cgroup);
	if (err)
		return err;
	if (out_file) {
		int fd = file_append_open(out_file, 0644);

		if (fd < 0)
			return p_err(EXIT_FAIL, "supervise: cannot write %s: %s", out_file,
				     write_error(fd));
		out = fdopen(fd, "a");
		if (!out) {
			err = errno;
			close(fd);
			return p_err(EXIT_FAIL, "supervise: cannot write %s: %s", out_file,
				     strerror(err));
		}
	}
	s.out = out;
	s.out_rate = out_rate_new(s.out_per_second);
	if (!s.out_rate) {
		err = p_err(EXIT_FAIL, "supervise: out of memory");
		goto out;
	}
	if (s.metrics_file) {
		s.metrics_dir = file_parent_open(s.metrics_file, &s.metrics_name);
		if (s.metrics_dir < 0) {
			err = p_err(EXIT_FAIL, "supervise: cannot write %s: %s", s.metrics_file,
				    write_error(s.metrics_dir));
			goto out;
		}
	}
	if (cells_cgroup) {
		err = load_into(cells_cgroup, &s.iso);
		if (err)
			goto out;
	} else {
		err = isolate_open(&s.iso);
		if (err) {
			err = p_err(isolate_error_exit_code(err), "supervise: %s", isolate_last_error());
			goto out;
		}
	}
	err = isolate_broker_open(&s.broker, rules, exec_program);
	if (err) {
		err = p_err(EXIT_FAIL, "supervise: broker: %s", isolate_last_error());
		goto out;
	}
	if (isolate_events_open(s.iso, on_event, &s, &ev) || isolate_event_hub_open(ev, &s.hub)) {
		err = p_err(EXIT_FAIL, "supervise: %s", isolate_last_error());
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (timeout > 0)
		deadline = now_ms() + (uint64_t)(timeout * 1000);
	while (!stop && s.remaining != 0 && (!deadline || now_ms() < deadline)) {
		struct pollfd pfd[3] = {
			{ .fd = isolate_events_fd(ev), .events = POLLIN },
			{ .fd = isolate_event_hub_fd(s.hub), .events = POLLIN },
			{ .fd = s.metrics_sock, .events = POLLIN },
		};
		uint64_t now;
		int closed, reloaded;

		poll(pfd, s.metrics_sock >= 0 ? 3 : 2, 100);
		/* New subscribers first: they see every record read after this. */
		if (pfd[1].revents & POLLIN)
			isolate_event_hub_serve(s.hub);
		if (isolate_events_poll(ev, 0) < 0) {
			err = p_err(EXIT_FAIL, "supervise: %s", isolate_last_error());
			break;
		}
		reloaded = isolate_check_current(s.iso);
		if (reloaded == -ESTALE) {
			err = stop_reloaded(ev);
			break;
		}
		if (reloaded)
			p_info("supervise: %s", isolate_last_error());
		if (s.metrics_sock >= 0 && (pfd[2].revents & POLLIN))
			serve_metrics(&s);
		if (isolate_broker_tick(s.broker, s.iso))
			p_info("supervise: %s", isolate_last_error());
		closed = isolate_state_mounts_follow(s.iso);
		if (closed > 0)
			p_info("supervise: the mounts of the state directory changed: %d cells closed to it again",
			       closed);
		/* A cell failing is tried again every tick: said once, until it changes. */
		if (closed < 0 && strcmp(s.follow_failed, isolate_last_error())) {
			snprintf(s.follow_failed, sizeof(s.follow_failed), "%s", isolate_last_error());
			p_info("supervise: %s", s.follow_failed);
		} else if (closed >= 0) {
			s.follow_failed[0] = '\0';
		}
		now = now_ms();
		if (now >= next_out_tick) {
			out_rate_tick(s.out_rate, s.iso, s.out, now, false);
			next_out_tick = now + 1000;
		}
		if (s.metrics_file && now >= next_metrics) {
			write_metrics_file(&s);
			next_metrics = now + 1000;
		}
	}
	/* What was dropped since the last tick is summed up too. */
	out_rate_tick(s.out_rate, s.iso, s.out, now_ms(), true);
	if (s.metrics_file)
		write_metrics_file(&s);
out:
	out_rate_free(s.out_rate);
	isolate_event_hub_close(s.hub);
	isolate_events_close(ev);
	isolate_broker_close(s.broker);
	isolate_close(s.iso);
	if (s.metrics_sock >= 0)
		close(s.metrics_sock);
	if (s.metrics_dir >= 0)
		close(s.metrics_dir);
	if (out != stdout)
		fclose(out);
	return err;
}
