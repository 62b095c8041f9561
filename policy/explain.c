/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * explain: the decision the kernel makes, taken from the same image it
 * reads. Paths are walked the way the LSM walks them: from the object
 * through its parents to the nearest inode that carries an entry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>

#include "compile_net.h"
#include "device_kind.h"
#include "model.h"
#include "net_addr.h"
#include "netset.h"
#include "path_util.h"

static const struct isolate_image_inode *find_inode(const struct isolate_image *img,
						     __u32 dev, __u64 ino)
{
	size_t lo = 0, hi = img->n_inodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct isolate_image_inode *e = &img->inodes[mid];

		if (e->dev == dev && e->ino == ino)
			return e;
		if (e->dev < dev || (e->dev == dev && e->ino < ino))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * The object as the kernel would meet it: symlinks resolved. A path that
 * does not exist yet (a file to create) resolves to its nearest existing
 * parent, where the walk starts.
 */
static int resolve_object(const char *target, char *walk_from, struct isolate_verdict *v,
			  struct isolate_diag *diag)
{
	char path[PATH_MAX];
	size_t len = strlen(target);
	char *real;

	if (target[0] != '/' || len >= sizeof(path)) {
		diag_set(diag, NULL, 0, 0, "expected an absolute path, got '%s'", target);
		return -EINVAL;
	}
	memcpy(path, target, len + 1);
	while (!(real = realpath(path, NULL))) {
		int err = errno;

		if (err != ENOENT || !(len = path_parent_len(path, len))) {
			diag_set(diag, NULL, 0, 0, "cannot resolve %s: %s", target, strerror(err));
			return -err;
		}
		path[len] = '\0';
	}
	snprintf(walk_from, PATH_MAX, "%s", real);
	snprintf(v->object, sizeof(v->object), "%s%s", real, target + len);
	free(real);
	return 0;
}

/*
 * Why path, a service rather than a file, is not reached by entry, the
 * rule found (0: it is, or path is a file): a character device (but a
 * harmless one), a socket or a FIFO (made outside the cell: the ones a
 * cell makes go by the tree) needs a rule on its node.
 */
static int unnamed_service(const char *path, const struct isolate_image_inode *entry)
{
	struct stat st;
	bool named;

	if (stat(path, &st))
		return 0;
	named = entry && entry->ino == st.st_ino &&
		entry->dev == ((major(st.st_dev) << 20) | minor(st.st_dev));
	if (S_ISCHR(st.st_mode) && !device_harmless_char(st.st_rdev) && !named)
		return ISOLATE_VERDICT_DEVICE_NOT_NAMED;
	if (S_ISSOCK(st.st_mode) && !named)
		return ISOLATE_VERDICT_SOCKET_NOT_NAMED;
	if (S_ISFIFO(st.st_mode) && !named)
		return ISOLATE_VERDICT_FIFO_NOT_NAMED;
	return 0;
}

/*
 * What the kernel keeps cells from whatever the rules grant (the reason;
 * 0: nothing): opening a block device or a disk's command device, writing
 * on a cgroup filesystem or opening a cgroup directory, and opening
 * anything on bpffs.
 */
static int refused_whatever_granted(const char *path, int right)
{
	struct statfs sfs;
	struct stat st;
	bool known = !stat(path, &st);

	if (known && (S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && device_passes_disk_commands(st.st_rdev))))
		return ISOLATE_VERDICT_BLOCK_DEVICE;
	if (statfs(path, &sfs))
		return 0;
	if (sfs.f_type == BPF_FS_MAGIC)
		return ISOLATE_VERDICT_BPFFS;
	if (sfs.f_type != CGROUP2_SUPER_MAGIC && sfs.f_type != CGROUP_SUPER_MAGIC)
		return 0;
	if ((1U << right) == ISOLATE_ACCESS_WRITE || (known && S_ISDIR(st.st_mode)))
		return ISOLATE_VERDICT_CGROUPFS;
	return 0;
}

/* As the kernel's kernel_state_fs(): read only by rules inside them. */
static bool kernel_state_fs(const char *path)
{
	struct statfs sfs;

	if (statfs(path, &sfs))
		return false;
	return sfs.f_type == TRACEFS_MAGIC || sfs.f_type == DEBUGFS_MAGIC ||
	       sfs.f_type == SECURITYFS_MAGIC || sfs.f_type == PSTOREFS_MAGIC ||
	       sfs.f_type == EFIVARFS_MAGIC;
}

/*
 * As the kernel walks: at most ISOLATE_WALK_MAX components inside the
 * object's own mount, and as many again above it; past that it refuses.
 */
static int explain_path(const struct isolate_image *img, int right, const char *target,
			struct isolate_verdict *v, struct isolate_diag *diag)
{
	char path[PATH_MAX];
	bool above = false, in_fs_only;
	dev_t object_dev = 0;
	int steps = 0;
	size_t len;
	int err = resolve_object(target, path, v, diag);

	if (err)
		return err;
	v->refused_because = refused_whatever_granted(path, right);
	if (v->refused_because)
		return 0;
	in_fs_only = (1U << right) != ISOLATE_ACCESS_WRITE && kernel_state_fs(path);
	len = strlen(path);
	do {
		struct stat st;

		path[len] = '\0';
		if (stat(path, &st)) {
			err = -errno;
			diag_set(diag, NULL, 0, 0, "cannot stat %s: %s", path, strerror(-err));
			return err;
		}
		if (!steps && !above) {
			object_dev = st.st_dev;
		} else if (!above && st.st_dev != object_dev) {
			if (in_fs_only) {
				v->refused_because = ISOLATE_VERDICT_KERNEL_STATE_NOT_NAMED;
				return 0;
			}
			above = true, steps = 0;
		}
		if (++steps > ISOLATE_WALK_MAX) {
			v->refused_because = ISOLATE_VERDICT_WALK_BOUND;
			return 0;
		}
		v->entry = find_inode(img, (major(st.st_dev) << 20) | minor(st.st_dev), st.st_ino);
	} while (!v->entry && (len = path_parent_len(path, len)));
	if (v->entry) {
		v->allowed = v->entry->rule.allow & (1U << right);
		v->rule_id = v->entry->rule.decided_by[right];
	}
	/* Devices, others' sockets and FIFOs: a rule on the node only (kern/file.bpf.c, net.bpf.c). */
	if (v->allowed && (v->refused_because = unnamed_service(v->object, v->entry)))
		v->allowed = false;
	return 0;
}

/* "tcp:10.1.2.3:443", "udp:[2001:db8::1]:53"; IPv4-mapped IPv6 counts as IPv4. */
static int parse_endpoint(enum isolate_cap_kind op, const char *target,
			  struct isolate_net_cap *r, struct isolate_diag *diag)
{
	const char *first = strchr(target, ':'), *last = strrchr(target, ':');
	char proto[8], addr[INET6_ADDRSTRLEN + 2], msg[sizeof(diag->msg)];
	size_t n;

	if (!first || first == last || (size_t)(first - target) >= sizeof(proto) ||
	    (n = (size_t)(last - first - 1)) >= sizeof(addr))
		goto bad;
	memcpy(proto, target, first - target);
	proto[first - target] = '\0';
	memcpy(addr, first + 1, n);
	addr[n] = '\0';
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
		memmove(addr, addr + 1, n - 2);
		addr[n - 2] = '\0';
	}
	if (net_proto_parse(proto, &r->proto, msg, sizeof(msg)) ||
	    net_ports_parse(op, last + 1, &r->port_min, &r->port_max, msg, sizeof(msg))) {
		diag_set(diag, NULL, 0, 0, "%s", msg);
		return -EINVAL;
	}
	if (r->port_min != r->port_max)
		goto bad;
	memset(r->addr, 0, sizeof(r->addr));
	if (inet_pton(AF_INET, addr, r->addr) == 1) {
		r->family = AF_INET;
	} else if (inet_pton(AF_INET6, addr, r->addr) == 1) {
		static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };

		r->family = AF_INET6;
		if (!memcmp(r->addr, mapped, sizeof(mapped))) {
			memmove(r->addr, r->addr + 12, 4);
			memset(r->addr + 4, 0, 12);
			r->family = AF_INET;
		}
	} else {
		goto bad;
	}
	r->prefix_len = (__u8)net_addr_bits(r->family);
	return 0;
bad:
	diag_set(diag, NULL, 0, 0, "expected PROTOCOL:ADDRESS:PORT like tcp:10.1.2.3:443, got '%s'",
		 target);
	return -EINVAL;
}

/* The kernel's lookup of endpoint r for op: the longest block holding the address decides. */
static void lookup_endpoint(const struct isolate_image *img, enum isolate_cap_kind op,
			    const struct isolate_net_cap *r, struct isolate_verdict *v)
{
	const struct isolate_image_net *best = NULL;
	__u32 deny;

	for (size_t i = 0; i < img->n_net; i++) {
		const struct isolate_image_net *e = &img->net[i];

		if (e->key.op != (op == ISOLATE_CAP_CONNECT ? ISOLATE_NET_CONNECT : ISOLATE_NET_BIND) ||
		    e->key.proto != r->proto || e->key.family != (r->family == AF_INET ? 4 : 6) ||
		    !net_entry_holds(e, r->addr))
			continue;
		if (!best || e->key.prefixlen > best->key.prefixlen)
			best = e;
	}
	if (!best)
		return;
	for (__u32 i = 0; i < best->rule.n_ranges && i < ISOLATE_NET_PORT_RANGES; i++) {
		if (r->port_min >= best->rule.ranges[i].lo && r->port_min <= best->rule.ranges[i].hi) {
			v->allowed = true;
			v->rule_id = best->rule.ranges[i].rule_id;
			return;
		}
	}
	/* Blame the deny only when it covers this port; otherwise nothing granted it. */
	deny = best->rule.deny_rule_id;
	for (size_t i = 0; deny != ISOLATE_RULE_NONE && i < img->n_net_caps; i++) {
		struct net_rect rect = net_rect_of(&img->net_caps[i].net);

		if (img->net_caps[i].rule_id == deny &&
		    net_rect_contains(&rect, net_addr_value(r), r->port_min))
			v->rule_id = deny;
	}
}

static bool unspecified(const struct isolate_net_cap *r)
{
	static const __u8 zero[16];

	return !memcmp(r->addr, zero, sizeof(zero));
}

/* Whether a bind grant's block holds r (address and port) in the authority set. */
static bool granted_block(const struct isolate_image *img, const struct isolate_net_cap *r)
{
	for (size_t i = 0; i < img->n_net_caps; i++) {
		const struct isolate_image_net_cap *c = &img->net_caps[i];
		struct net_rect rect = net_rect_of(&c->net);

		if (c->kind == ISOLATE_CAP_BIND && !c->deny && c->net.proto == r->proto &&
		    c->net.family == r->family &&
		    net_rect_contains(&rect, net_addr_value(r), r->port_min))
			return true;
	}
	return false;
}

static int explain_net(const struct isolate_image *img, enum isolate_cap_kind op,
		       const char *target, struct isolate_verdict *v, struct isolate_diag *diag)
{
	struct isolate_net_cap r, v4;
	struct isolate_verdict also;
	char addr[64];
	int err = parse_endpoint(op, target, &r, diag);

	if (err)
		return err;
	net_addr_format(&r, true, addr, sizeof(addr));
	snprintf(v->object, sizeof(v->object), "%s:%.*s:%u", net_proto_name(r.proto),
		 (int)(strrchr(addr, '/') - addr), addr, r.port_min);
	/* 0.0.0.0 and :: go where the socket's source or device says (kern/net.bpf.c). */
	if (op == ISOLATE_CAP_CONNECT && unspecified(&r)) {
		v->refused_because = ISOLATE_VERDICT_UNSPECIFIED_ADDRESS;
		return 0;
	}
	lookup_endpoint(img, op, &r, v);
	/* Refused by the entry of the unspecified address alone (net_wildcard.c): say why. */
	if (!v->allowed && op == ISOLATE_CAP_BIND && unspecified(&r) && granted_block(img, &r))
		v->refused_because = ISOLATE_VERDICT_EVERY_ADDRESS;
	/* Bound to :: a socket takes IPv4 peers too, IPV6_V6ONLY aside (Linux's default). */
	if (!v->allowed || op != ISOLATE_CAP_BIND || r.family != AF_INET6 || !unspecified(&r))
		return 0;
	v4 = r;
	v4.family = AF_INET;
	memset(&also, 0, sizeof(also));
	also.rule_id = ISOLATE_RULE_NONE;
	lookup_endpoint(img, op, &v4, &also);
	if (!also.allowed) {
		v->allowed = false;
		v->rule_id = also.rule_id;
		v->refused_because = ISOLATE_VERDICT_DUAL_STACK;
	}
	return 0;
}

int isolate_explain(const struct isolate_image *img, enum isolate_cap_kind op,
		    const char *target, struct isolate_verdict *v, struct isolate_diag *diag)
{
	int err;

	memset(v, 0, sizeof(*v));
	v->rule_id = ISOLATE_RULE_NONE;
	v->audit = img->mode == ISOLATE_MODE_AUDIT;
	if (cap_is_path(op))
		err = explain_path(img, op - ISOLATE_CAP_READ, target, v, diag);
	else if (cap_is_net(op))
		err = explain_net(img, op, target, v, diag);
	else {
		diag_set(diag, NULL, 0, 0, "expected an operation read, write, exec, connect or bind");
		err = -EINVAL;
	}
	if (!err)
		v->rule_text = isolate_image_rule_text(img, v->rule_id);
	return err;
}
