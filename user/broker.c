// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The broker: a request from a cell (already checked by the kernel against
 * the cell's broker rights) is decided by a rules file or by a program,
 * granted for a time as one new generation, and answered through the
 * cell's channel. The kernel ends the grant when the time is up, whether
 * or not this runs; the broker then tidies the cell's state. The LSM never
 * waits for this: the program asks, waits for the reply, and tries again.
 *
 * The rules file is broker_rules.c's.
 *
 * Grants not yet tidied are kept in <state dir>/broker/grants, one JSON
 * object a line, so a supervisor started again tidies them on time (by
 * the cell's name; a path not in UTF-8 is kept with U+FFFD in its place).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/broker_pace.h"
#include "common/broker_program.h"
#include "common/json_writer.h"
#include "common/text_escape.h"
#include "policy/yaml_tree.h"
#include "user/broker_rules.h"
#include "user/internal.h"

#define MAX_GRANTS 4096

#define CAP_TEXT_MAX (ISOLATE_BROKER_TARGET_MAX + 32)

struct grant {
	uint64_t expires_ms;
	char cell[64];
	char cap[CAP_TEXT_MAX];
};

struct isolate_broker {
	struct broker_rules rules;
	const char *exec_program;
	struct grant grants[MAX_GRANTS];
	size_t n_grants;
	struct broker_pace pace;
};

#define LEDGER "grants"
#define LEDGER_MAX (MAX_GRANTS * (CAP_TEXT_MAX * 6 + 128))

static uint64_t now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t now_monotonic_ms(void)
{
	return now_ms(CLOCK_MONOTONIC);
}

/*
 * Whether the request is granted (1; 0 not), and for how long; for a
 * path, *object is the O_PATH fd of what was checked (else -1). A
 * refusal by the program starts the cell's backoff, told in why; -ETIMEDOUT
 * when the program did not answer in time (not granted). A path that
 * cannot be reached is not granted without asking the program: else a
 * cell could have it run 8 times a second for ever, each answer a grant
 * that cannot be made, no backoff started.
 */
static int decide(struct isolate_broker *b, const char *cell, __u32 right, const char *target,
		  __u64 id, struct broker_pace_cell *pace, unsigned int *seconds, int *object,
		  char *why, size_t why_len)
{
	bool path = !(right & (ISOLATE_BROKER_CONNECT | ISOLATE_BROKER_BIND));

	*object = -1;
	if (b->exec_program) {
		const struct broker_program_request req = {
			.cell = cell, .right = isolate_broker_right_name(right),
			.target = target, .id = id,
		};
		struct stat was, now;
		int asked, again;

		*object = path ? broker_reach_by_object("*", target) : -1;
		if (path && (*object < 0 || fstat(*object, &was)))
			return 0;
		asked = broker_program_decide(b->exec_program, &req, BROKER_PROGRAM_DEADLINE_MS,
					      pace, now_monotonic_ms, seconds, why, why_len);
		if (asked < 0)
			return set_error(asked, "request %llu of %s refused: the program did not answer and exit within %d ms (killed); %s",
					 (unsigned long long)id, cell, BROKER_PROGRAM_DEADLINE_MS, why);
		if (asked <= 0 || !path)
			return asked;
		/*
		 * The program looked at the path while it ran: the object there
		 * now must be the one held, or it decided on another.
		 */
		again = broker_reach_by_object("*", target);
		asked = again >= 0 && !fstat(again, &now) && now.st_dev == was.st_dev &&
			now.st_ino == was.st_ino;
		if (again >= 0)
			close(again);
		return asked;
	}
	return broker_rules_decide(&b->rules, cell, right, target, seconds, object);
}

static int save_ledger(struct isolate_broker *b)
{
	struct json_writer jw;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int dir, err;

	if (!f)
		return set_error(-ENOMEM, "out of memory");
	for (size_t i = 0; i < b->n_grants; i++) {
		jw_init(&jw, f, false);
		jw_object_start(&jw);
		jw_kv_uint(&jw, "expires_ms", b->grants[i].expires_ms);
		jw_kv_string(&jw, "cell", b->grants[i].cell);
		jw_kv_string(&jw, "cap", b->grants[i].cap);
		jw_object_end(&jw);
		jw_finish(&jw);
	}
	fclose(f);
	dir = statefs_subdir("broker", 0700);
	err = dir < 0 ? dir : statefs_write(dir, LEDGER, text, len, 0600);
	if (dir >= 0)
		close(dir);
	free(text);
	return err;
}

/* The scalar value of key in mapping map, or NULL. */
static const char *member(const struct ynode *map, const char *key)
{
	for (size_t i = 0; map && map->type == YNODE_MAP && i < map->n; i++)
		if (ymap_key(map, i)->type == YNODE_SCALAR && !strcmp(ymap_key(map, i)->text, key))
			return ymap_value(map, i)->type == YNODE_SCALAR ?
			       ymap_value(map, i)->text : NULL;
	return NULL;
}

/* One ledger line, {"expires_ms":N,"cell":"...","cap":"..."}, into g. */
static bool parse_grant(const char *line, size_t len, struct grant *g)
{
	const char *cell, *cap, *exp;
	struct ynode *root = NULL;
	bool ok = false;
	char *end;

	if (ytree_parse(LEDGER, line, len, &root, NULL) || !root)
		return false;
	cell = member(root, "cell");
	cap = member(root, "cap");
	exp = member(root, "expires_ms");
	if (cell && cap && exp && isolate_cell_name_valid(cell) && strlen(cap) < sizeof(g->cap)) {
		g->expires_ms = strtoull(exp, &end, 10);
		ok = *exp && !*end;
		snprintf(g->cell, sizeof(g->cell), "%s", cell);
		snprintf(g->cap, sizeof(g->cap), "%s", cap);
	}
	ytree_free(root);
	return ok;
}

/* The grants a supervisor before this one left; unreadable lines are dropped. */
static void load_ledger(struct isolate_broker *b, int dir)
{
	char *text = NULL, *line, *nl;
	size_t len;

	if (statefs_read(dir, LEDGER, LEDGER_MAX, &text, &len))
		return;
	for (line = text; *line && b->n_grants < MAX_GRANTS; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line) - 1;
		if (parse_grant(line, (size_t)(nl - line + 1), &b->grants[b->n_grants]))
			b->n_grants++;
	}
	free(text);
}

int isolate_broker_open(struct isolate_broker **out, const char *rules_file,
			const char *exec_program)
{
	struct isolate_broker *b = calloc(1, sizeof(*b));
	int err, dir;

	if (!b)
		return set_error(-ENOMEM, "out of memory");
	b->exec_program = exec_program;
	err = rules_file ? broker_rules_read(&b->rules, rules_file) : 0;
	dir = err ? -1 : statefs_subdir("broker", 0700);
	if (!err && dir < 0)
		err = dir;
	if (err) {
		free(b);
		return err;
	}
	load_ledger(b, dir);
	close(dir);
	*out = b;
	return 0;
}

void isolate_broker_close(struct isolate_broker *b)
{
	free(b);
}

/* text granted to cell for seconds; a path on object, the fd checked (-1: none). */
static int grant_for(struct isolate *iso, const char *cell, const char *text,
		     unsigned int seconds, int object)
{
	struct isolate_diag diag = { 0 };
	struct isolate_cap *cap = NULL;
	int err = isolate_cap_parse(text, &cap, &diag);

	if (err)
		return set_error(err, "%s", diag.msg);
	if (object < 0)
		err = isolate_cell_grant_timed(iso, cell, &cap, 1, seconds);
	else
		err = isolate_cell_grant_at(iso, cell, cap, object, seconds);
	isolate_cap_free(cap);
	return err;
}

/*
 * Why the grant of cap (the target the cell chose) failed, for the log:
 * the target and the reason (which may quote it) escaped, so that the
 * cell can neither forge a line nor send a terminal anything.
 */
static void grant_failed(int err, const char *cap, const char *cell)
{
	char shown[4 * CAP_TEXT_MAX], why[4 * ERROR_TEXT_MAX];

	text_escaped(shown, sizeof(shown), cap, true);
	text_escaped(why, sizeof(why), isolate_last_error(), false);
	set_error(err, "granting %s to %s failed: %s", shown, cell, why);
}

/*
 * Whether the cell that made request e is cell NAME now, with the right to
 * ask it: the name comes from the reader, the request may have waited in
 * the ring while that cell was destroyed and another took its name (a
 * cgroup id is never reused), or while a change took the right away. 0;
 * -ESTALE when it is gone (nobody to answer); -EPERM when it may no
 * longer ask (answered, not granted).
 */
static int request_current(struct isolate *iso, const char *cell,
			   const struct isolate_event_broker *e)
{
	unsigned long long id = e->request_id, cgid = e->hdr.cell_cgid;
	struct isolate_cell_state st;
	int err = cell ? isolate_cell_get(iso, cell, &st) : -ENOENT;

	if (err == -ENOENT || (!err && st.cgid != cgid))
		return set_error(-ESTALE, "request %llu of cgroup %llu dropped: its cell (%s) is gone",
				 id, cgid, cell ? cell : "no name");
	if (err)
		return err;
	if (!(st.cell.broker_rights & e->right))
		return set_error(-EPERM, "request %llu of %s refused: its generation %u may not ask for %s",
				 id, cell, st.cell.generation,
				 isolate_broker_right_name(e->right) ?: "an unknown right");
	return 0;
}

/*
 * Grants the request decided on, remembers it and says so in reply; a
 * grant that fails starts the cell's backoff, told in why.
 */
static int grant(struct isolate_broker *b, struct isolate *iso, const char *cell,
		 const char *cap, unsigned int seconds, int object, struct broker_pace_cell *pace,
		 struct isolate_channel_msg *reply, char *why, size_t why_len)
{
	int err = grant_for(iso, cell, cap, seconds, object);
	struct grant *g;

	if (err) {
		grant_failed(err, cap, cell);
		broker_pace_failed(pace, now_ms(CLOCK_MONOTONIC), BROKER_PACE_GRANT_FAILED, err, why,
				   why_len);
		return err;
	}
	broker_pace_granted(pace);
	g = &b->grants[b->n_grants++];
	g->expires_ms = now_ms(CLOCK_REALTIME) + seconds * 1000ULL;
	snprintf(g->cell, sizeof(g->cell), "%s", cell);
	snprintf(g->cap, sizeof(g->cap), "%s", cap);
	reply->granted = true;
	reply->expires_ms = g->expires_ms;
	/* The grant ends in the kernel: a ledger not kept only costs tidying. */
	return save_ledger(b);
}

int isolate_broker_request(struct isolate_broker *b, struct isolate *iso, const char *cell,
			   const struct isolate_event_broker *e)
{
	struct isolate_channel_msg reply = { .reply_to = e->request_id };
	const char *right = isolate_broker_right_name(e->right);
	char target[ISOLATE_BROKER_TARGET_MAX + 1], cap[CAP_TEXT_MAX], why[256] = "";
	struct broker_pace_cell *pace = NULL;
	unsigned int seconds = 0;
	int err, current, posted, decided, refused = 0, object = -1;
	bool allowed;

	snprintf(target, sizeof(target), "%.*s", (int)e->len, e->target);
	/* First without the lock: no rule or program decides for a cell that is gone. */
	err = request_current(iso, cell, e);
	if (err && err != -EPERM)
		return err;
	/*
	 * Paced before anything is decided: a program asked or a grant
	 * compiled takes the one thread every other cell's events wait for.
	 */
	if (!err) {
		pace = broker_pace_admit(&b->pace, e->hdr.cell_cgid, now_ms(CLOCK_MONOTONIC), why,
					 sizeof(why));
		if (!pace)
			refused = set_error(-EAGAIN, "request %llu of %s refused: %s",
					    (unsigned long long)e->request_id, cell, why);
	}
	if (pace && b->n_grants == MAX_GRANTS) {
		snprintf(why, sizeof(why), "the broker holds %d grants not yet ended", MAX_GRANTS);
		refused = set_error(-EAGAIN, "request %llu of %s refused: %s",
				    (unsigned long long)e->request_id, cell, why);
	}
	decided = pace && right && b->n_grants < MAX_GRANTS ?
		  decide(b, cell, e->right, target, e->request_id, pace, &seconds, &object, why,
			 sizeof(why)) : 0;
	allowed = decided > 0;
	refused = decided < 0 ? decided : refused;
	err = isolate_lock(iso);
	if (err)
		goto out;
	/* Again under the lock, held until answered: granted and answered is who asked. */
	current = request_current(iso, cell, e);
	err = current ?: refused;
	if (!current && allowed) {
		snprintf(cap, sizeof(cap), "%s:%s", right, target);
		err = grant(b, iso, cell, cap, seconds, object, pace, &reply, why, sizeof(why));
	}
	if (!current || current == -EPERM) {
		posted = isolate_channel_post(cell, &reply, why, strlen(why));
		if (posted)
			err = set_error(posted, "cannot answer request %llu of %s: %s",
					(unsigned long long)e->request_id, cell, isolate_last_error());
	}
	isolate_unlock(iso);
out:
	if (object >= 0)
		close(object);
	return err;
}

/*
 * Tidies the ended grants of cell (isolate_cell_expire(), a bounded scan)
 * unless its backoff runs: -EAGAIN then, and a tidy that fails starts it,
 * so that a cell whose denied tree is past the scan costs one scan a
 * backoff, not one a grant ended. Meanwhile the kernel enforces the
 * fallback, without any timed grant.
 */
static int tidy(struct isolate_broker *b, struct isolate *iso, const char *cell)
{
	struct broker_pace_cell *pace;
	struct isolate_cell_state st;
	char why[256];
	int err = isolate_cell_get(iso, cell, &st);

	if (err)
		return err;
	pace = broker_pace_may_tidy(&b->pace, st.cgid, now_ms(CLOCK_MONOTONIC));
	if (!pace)
		return -EAGAIN;
	err = isolate_cell_expire(iso, cell);
	if (err && err != -ENOENT) {
		broker_pace_failed(pace, now_ms(CLOCK_MONOTONIC), BROKER_PACE_TIDY_FAILED, err, why,
				   sizeof(why));
		err = set_error(err, "tidying the grants of %s: %s; %s", cell,
				isolate_last_error(), why);
	}
	return err;
}

int isolate_broker_tick(struct isolate_broker *b, struct isolate *iso)
{
	uint64_t now = now_ms(CLOCK_REALTIME);
	bool changed = false;
	int failed = 0;

	broker_pace_round(&b->pace, now_ms(CLOCK_MONOTONIC));

	for (size_t i = 0; i < b->n_grants;) {
		struct grant *g = &b->grants[i];
		int err;

		if (g->expires_ms > now) {
			i++;
			continue;
		}
		/* Ended by the kernel already; tidy the cell's state (if it lives). */
		err = tidy(b, iso, g->cell);
		if (err && err != -ENOENT) {
			/* Kept to be tidied when the cell's backoff allows. */
			if (err != -EAGAIN)
				failed = failed ?: err;
			i++;
			continue;
		}
		*g = b->grants[--b->n_grants];
		changed = true;
	}
	if (changed) {
		int err = save_ledger(b);

		failed = failed ?: err;
	}
	return failed;
}
