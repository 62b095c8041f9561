// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The state directory closed to cells by object, not by name. A walk up
 * from a file stops at the first rule it meets, and it climbs the mounts
 * the file was reached through: through a bind mount of a directory inside
 * the state directory it passes that directory and then the mount point,
 * never the state directory. So every such mount's root gets the closing
 * rule too, and a policy's rule on something inside the state directory is
 * recognised by where the object lies in its file system, whatever mount
 * the policy named it through.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "user/internal.h"

void inode_rule_of(const struct stat *st, __u32 allow, struct isolate_image_inode *rule)
{
	memset(rule, 0, sizeof(*rule));
	rule->dev = major(st->st_dev) << 20 | minor(st->st_dev);
	rule->ino = st->st_ino;
	rule->rule.allow = allow;
	rule->rule.rule_id = ISOLATE_RULE_NONE;
	for (int r = 0; r < 3; r++)
		rule->rule.decided_by[r] = ISOLATE_RULE_NONE;
}

void state_tree_free(struct state_tree *s)
{
	if (!s)
		return;
	mount_table_free(&s->mounts);
	if (s->root >= 0)
		close(s->root);
	if (s->mountinfo >= 0)
		close(s->mountinfo);
	free(s);
}

/* Whether a mount or unmount happened since mountinfo was opened or polled. */
static bool mounts_changed(int mountinfo)
{
	struct pollfd p = { .fd = mountinfo, .events = POLLPRI };

	return poll(&p, 1, 0) != 0 && p.revents & (POLLPRI | POLLERR | POLLNVAL);
}

static int state_tree_read(struct state_tree **out)
{
	struct state_tree *s = calloc(1, sizeof(*s));
	const struct mount_entry *on;
	char *real = NULL;
	int err;

	*out = NULL;
	if (!s)
		return set_error(-ENOMEM, "out of memory");
	snprintf(s->dir, sizeof(s->dir), "%s", state_dir());
	/* Opened before the table is read: a change after it shows at the next poll. */
	s->mountinfo = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	s->root = s->mountinfo < 0 ? -1 : statefs_root();
	if (s->mountinfo < 0) {
		err = set_error(-errno, "cannot open /proc/self/mountinfo: %s", strerror(errno));
		goto fail;
	}
	err = s->root < 0 ? s->root : 0;
	if (err)
		goto fail;
	if (fstat(s->root, &s->st)) {
		err = set_error(-errno, "cannot stat %s: %s", s->dir, strerror(errno));
		goto fail;
	}
	real = realpath(s->dir, NULL);
	if (!real) {
		err = set_error(-errno, "cannot resolve %s: %s", s->dir, strerror(errno));
		goto fail;
	}
	err = mount_table_read(&s->mounts);
	if (err) {
		err = set_error(err, "cannot read /proc/self/mountinfo: %s", strerror(-err));
		goto fail;
	}
	err = mount_fs_path(&s->mounts, real, s->fs_path, sizeof(s->fs_path), &on);
	if (err) {
		err = set_error(err, "cannot find the mount of %s: %s", real, strerror(-err));
		goto fail;
	}
	s->major = on->major;
	s->minor = on->minor;
	free(real);
	*out = s;
	return 0;
fail:
	free(real);
	state_tree_free(s);
	return err;
}

/* Whether s is still of the state directory: the same name, the same object, the same mounts. */
static bool still_current(const struct state_tree *s)
{
	struct stat st;

	return !strcmp(s->dir, state_dir()) && !lstat(s->dir, &st) && st.st_dev == s->st.st_dev &&
	       st.st_ino == s->st.st_ino && !mounts_changed(s->mountinfo);
}

int state_tree_get(struct isolate *iso, const struct state_tree **out)
{
	int err = 0;

	if (!iso->state || !still_current(iso->state)) {
		state_tree_free(iso->state);
		err = state_tree_read(&iso->state);
		iso->state_reads++;
	}
	*out = iso->state;
	return err;
}

bool state_tree_holds(const struct state_tree *s, __u32 dev, const char *real)
{
	char fs_path[PATH_MAX];

	if (dev != (major(s->st.st_dev) << 20 | minor(s->st.st_dev)))
		return false;
	/* A path no mount holds cannot be placed: taken as inside. */
	return mount_fs_path(&s->mounts, real, fs_path, sizeof(fs_path), NULL) ||
	       path_within(fs_path, s->fs_path);
}

int state_tree_rules(const struct state_tree *s, struct isolate_image_inode **rules, size_t *n)
{
	size_t len = strlen(s->fs_path), count = 1;
	struct isolate_image_inode *out = calloc(s->mounts.n + 2, sizeof(*out));

	if (!out)
		return set_error(-ENOMEM, "out of memory");
	inode_rule_of(&s->st, 0, &out[0]);
	for (size_t i = 0; i < s->mounts.n; i++) {
		const struct mount_entry *m = &s->mounts.mounts[i];
		const char *rel = m->root + (strcmp(s->fs_path, "/") ? len : 0);
		struct stat st;
		int fd;

		if (m->major != s->major || m->minor != s->minor ||
		    !path_within(m->root, s->fs_path))
			continue;
		while (*rel == '/')
			rel++;
		if (!*rel)
			continue;	/* the state directory itself */
		/* Reached from our own directory fd: the tree is root's alone. */
		fd = openat(s->root, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;	/* a mount of something since removed */
		if (fd < 0 || fstat(fd, &st)) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			free(out);
			return set_error(-e, "cannot open %s/%s, mounted on %s: %s", state_dir(),
					 rel, m->point, strerror(e));
		}
		close(fd);
		inode_rule_of(&st, 0, &out[count++]);
	}
	*rules = out;
	*n = count;
	return 0;
}
