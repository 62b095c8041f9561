/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records of any class in a fake load's rings (tests/fake_load.h), as a
 * hook would write them: the host runs no BPF LSM program, so a syscall
 * program of the test's own (run with BPF_PROG_TEST_RUN) copies its
 * context, the record, into the pinned ring of its class. Its header is
 * the test's to fill: cell_cgid, seq and all.
 */
#ifndef ISOLATE_TESTS_FAKE_RING_H
#define ISOLATE_TESTS_FAKE_RING_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <isolate/isolate.h>

#include "fake_load.h"

/*
 * The program that writes records of size bytes (a multiple of 8) into
 * ring ev_<class_name> of the fake load at bpffs: its fd, or -errno. It
 * reserves the record and copies its context in, 8 bytes at a time
 * (helpers take no context pointer; the stack is too small for a record).
 */
static inline int fake_ring_writer(const char *bpffs, const char *class_name, __u32 size)
{
	struct bpf_insn insns[16 + 2 * (ISOLATE_LOG_MAX + 256) / 8], *i = insns;
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_flags = BPF_F_SLEEPABLE);
	char name[32], path[PATH_MAX];
	int ring, prog;

	if (size % 8 || 2 * size / 8 + 16 > sizeof(insns) / sizeof(insns[0]))
		return -EINVAL;
	snprintf(name, sizeof(name), "ev_%s", class_name);
	fake_pin_path(bpffs, ISOLATE_PIN_MAPS, name, path, sizeof(path));
	ring = bpf_obj_get(path);
	if (ring < 0)
		return -errno;
	/* r6 = ctx; r0 = bpf_ringbuf_reserve(ring, size, 0) */
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6,
				  .src_reg = BPF_REG_1 };
	*i++ = (struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
				  .src_reg = BPF_PSEUDO_MAP_FD, .imm = ring };
	*i++ = (struct bpf_insn){ 0 };
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
				  .imm = (__s32)size };
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3 };
	*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_ringbuf_reserve };
	/* No room: return 1. */
	*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = BPF_REG_0,
				  .off = 2 };
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
				  .imm = 1 };
	*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	for (__u32 off = 0; off < size; off += 8) {
		*i++ = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_1,
					  .src_reg = BPF_REG_6, .off = (__s16)off };
		*i++ = (struct bpf_insn){ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_0,
					  .src_reg = BPF_REG_1, .off = (__s16)off };
	}
	/* bpf_ringbuf_submit(r0, 0); return 0 */
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_1,
				  .src_reg = BPF_REG_0 };
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2 };
	*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_ringbuf_submit };
	*i++ = (struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 };
	*i++ = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
	prog = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "fake_ring", "GPL", insns,
			     (size_t)(i - insns), &opts);
	if (prog < 0)
		prog = -errno;
	close(ring);
	return prog;
}

/* One record (its size the writer's) into the ring: 0, or -errno (-EAGAIN: no room). */
static inline int fake_ring_write(int writer, const struct isolate_event_hdr *record)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = record, .ctx_size_in = record->size);

	if (bpf_prog_test_run_opts(writer, &opts))
		return -errno;
	return (int)opts.retval;
}

/* A log record of the cell of cgroup id cgid, numbered seq, saying msg. */
static inline struct isolate_event_log fake_log_record(__u64 cgid, __u64 seq, const char *msg)
{
	struct isolate_event_log e = {
		.hdr = {
			.abi_version = ISOLATE_EVENT_ABI_VERSION,
			.event_class = ISOLATE_EVENT_LOG,
			.size = sizeof(e),
			.cell_cgid = cgid,
			.seq = seq,
		},
		.level = 6,
	};

	e.len = (__u32)snprintf(e.msg, sizeof(e.msg), "%s", msg);
	return e;
}

/* A read request of the cell of cgroup id cgid for target, numbered id, as the kernel writes it. */
static inline struct isolate_event_broker fake_read_request(__u64 cgid, __u64 id,
							    const char *target)
{
	struct isolate_event_broker e = {
		.hdr = {
			.abi_version = ISOLATE_EVENT_ABI_VERSION,
			.event_class = ISOLATE_EVENT_BROKER,
			.size = sizeof(e),
			.cell_cgid = cgid,
		},
		.request_id = id,
		.right = ISOLATE_BROKER_READ,
	};

	e.len = (__u32)snprintf(e.target, sizeof(e.target), "%s", target);
	return e;
}

#endif /* ISOLATE_TESTS_FAKE_RING_H */
