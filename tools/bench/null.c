// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching and detaching the empty programs of null.bpf.c (calibration:
 * the cost of BPF LSM trampolines with nothing behind them).
 */
#include <errno.h>

#include <bpf/libbpf.h>

#include "bench_null.skel.h"
#include "tools/bench/bench.h"

static struct bench_null *skel;

int null_attach(void)
{
	int err;

	skel = bench_null__open_and_load();
	if (!skel)
		return -errno ?: -EINVAL;
	err = bench_null__attach(skel);
	if (err) {
		bench_null__destroy(skel);
		skel = NULL;
	}
	return err;
}

void null_detach(void)
{
	bench_null__destroy(skel);
	skel = NULL;
}
