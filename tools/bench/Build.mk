# SPDX-License-Identifier: GPL-2.0
# isolate-bench: the overhead benchmark. `make bench` builds everything and
# runs it in the VM under -icount (tools/bench/run); results go to
# build/bench/. Never part of `make check`: timings are not asserted.

BENCH_SRCS := $(sort $(wildcard tools/bench/*.c))
BENCH_SRCS := $(filter-out %.bpf.c,$(BENCH_SRCS))
BENCH_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(BENCH_SRCS))
BENCH := $(BUILD)/bin/isolate-bench

# Calibration programs (empty BPF LSM programs), in a skeleton of their own.
BENCH_NULL_OBJ := $(BUILD)/obj/bpf/bench_null.bpf.o
BENCH_NULL_SKEL := $(BUILD)/skel/bench_null.skel.h

$(BENCH_NULL_OBJ): tools/bench/null.bpf.c $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_NULL_SKEL): $(BENCH_NULL_OBJ)
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name bench_null > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/tools/bench/null.o: $(BENCH_NULL_SKEL)

$(BENCH_OBJS): $(BUILD)/obj/tools/bench/%.o: tools/bench/%.c tools/bench/bench.h $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BENCH): $(BENCH_OBJS) $(LIBISOLATE_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $(BENCH_OBJS) $(LIBISOLATE_A) $(USER_LIBS) -lm

all: $(BENCH)

# KERNEL=6.12 runs it on the other VM kernel; results in build/bench/KERNEL/.
.PHONY: bench
bench:
	@tools/deps
	@$(MAKE) --no-print-directory all
	@KERNEL=$(or $(KERNEL),6.1) tools/bench/run
