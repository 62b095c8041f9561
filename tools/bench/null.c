// SPDX-License-Identifier: GPL-2.0
/*
 * Calibration programs (null.bpf.c): the empty programs on isolate's hooks
 * (the cost of BPF LSM trampolines with nothing behind them), single
 * steps of isolate's work on file_open, attached one at a time, and an
 * empty cgroup-attached program on file_open.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_null.skel.h"
#include "common/cgroup.h"
#include "tools/bench/bench.h"

#define MAX_LINKS 64

static struct bench_null *skel;
static struct bpf_link *links[MAX_LINKS];
static int n_links;

/* BPF_MAP_TYPE_CGRP_STORAGE, by number: this system's headers may predate it. */
#define CGRP_STORAGE_MAP 32

static bool have_cgrp_storage;

static int loaded(void)
{
	int err;

	if (skel)
		return 0;
	skel = bench_null__open();
	if (!skel)
		return -errno ?: -EINVAL;
	have_cgrp_storage = libbpf_probe_bpf_map_type(CGRP_STORAGE_MAP, NULL) == 1;
	if (!have_cgrp_storage) {
		bpf_map__set_autocreate(skel->maps.cal_cgrp_cells, false);
		bpf_program__set_autoload(skel->progs.cal_cgrp_storage, false);
	}
	err = bench_null__load(skel);
	if (err) {
		bench_null__destroy(skel);
		skel = NULL;
	}
	return err;
}

static int attach(struct bpf_program *prog)
{
	struct bpf_link *l;

	if (n_links == MAX_LINKS)
		return -E2BIG;
	l = bpf_program__attach(prog);
	if (!l)
		return -errno ?: -EINVAL;
	links[n_links++] = l;
	return 0;
}

int null_attach(void)
{
	struct bpf_program *prog;
	int err = loaded();

	if (err)
		return err;
	bpf_object__for_each_program(prog, skel->obj) {
		if (!strncmp(bpf_program__name(prog), "null_", 5))
			err = attach(prog);
		if (err)
			break;
	}
	if (err)
		null_detach();
	return err;
}

int cgnull_attach(const char *cgroup)
{
	struct bpf_link *l;
	int fd, err = loaded();

	if (err)
		return err;
	if (n_links == MAX_LINKS)
		return -E2BIG;
	fd = cgroup_open(cgroup);
	if (fd < 0)
		return fd;
	l = bpf_program__attach_cgroup(skel->progs.cgnull_file_open, fd);
	err = l ? 0 : (-errno ?: -EINVAL);
	close(fd);
	if (l)
		links[n_links++] = l;
	return err;
}

void null_detach(void)
{
	while (n_links)
		bpf_link__destroy(links[--n_links]);
}

const char *const cal_names[CAL_COUNT] = {
	"ancestor", "cell_lookup", "rule_lookup", "cgrp_storage",
};

/* The maps hold what the steps look up: the cgroup and the file measured. */
static int cal_fill(const char *cgroup, const char *file)
{
	struct { __u32 v[6]; } cell = { { 1 } };
	struct { __u32 ruleset, dev; __u64 ino; } key = { .ruleset = 1 };
	uint64_t cgid;
	__u64 rule = 1;
	struct stat st;
	int cgfd, err = cgroup_id(cgroup, &cgid);

	if (err)
		return err;
	if (have_cgrp_storage) {
		cgfd = cgroup_open(cgroup);
		if (cgfd < 0)
			return cgfd;
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.cal_cgrp_cells), &cgfd, &cell,
					  BPF_ANY) ? -errno : 0;
		close(cgfd);
		if (err)
			return err;
	}
	if (stat(file, &st))
		return -errno;
	key.dev = major(st.st_dev) << 20 | minor(st.st_dev);
	key.ino = st.st_ino;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.cal_cells), &cgid, &cell, BPF_ANY) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.cal_rules), &key, &rule, BPF_ANY))
		return -errno;
	return 0;
}

int cal_attach(enum cal_step step, const char *cgroup, const char *file)
{
	struct bpf_program *progs[CAL_COUNT];
	int err = loaded();

	if (err)
		return err;
	progs[CAL_ANCESTOR] = skel->progs.cal_ancestor;
	progs[CAL_CELL_LOOKUP] = skel->progs.cal_cell_lookup;
	progs[CAL_RULE_LOOKUP] = skel->progs.cal_rule_lookup;
	progs[CAL_CGRP_STORAGE] = skel->progs.cal_cgrp_storage;
	if (step == CAL_CGRP_STORAGE && !have_cgrp_storage)
		return -EOPNOTSUPP;
	err = cal_fill(cgroup, file);
	return err ?: attach(progs[step]);
}

void cal_unload(void)
{
	null_detach();
	bench_null__destroy(skel);
	skel = NULL;
}
