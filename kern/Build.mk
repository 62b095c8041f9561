# SPDX-License-Identifier: GPL-2.0
# BPF programs: each kern/*.bpf.c compiled CO-RE against the VM kernel's BTF,
# statically linked into one object, wrapped in a skeleton.

# maps.bpf.c defines the maps the others declare extern; the linker wants
# the definitions first.
BPF_SRCS := kern/maps.bpf.c $(filter-out kern/maps.bpf.c,$(sort $(wildcard kern/*.bpf.c)))
BPF_OBJS := $(patsubst kern/%.bpf.c,$(BUILD)/obj/bpf/%.bpf.o,$(BPF_SRCS))
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Werror \
	-I$(BUILD)/include -Iinclude -Ikern
VMLINUX_H := $(BUILD)/include/vmlinux.h
BPF_OBJ := $(BUILD)/obj/isolate.bpf.o
SKEL := $(BUILD)/skel/isolate_bpf.skel.h

# Compiled against the BTF of the oldest kernel the VM tests run on (CO-RE
# relocates for the newer ones); tools/deps extracts it.
BTF_KERNEL := 6.1
$(BUILD)/vm/$(BTF_KERNEL)/vmlinux:
	@tools/deps kernel-$(BTF_KERNEL)

$(VMLINUX_H): $(BUILD)/vm/$(BTF_KERNEL)/vmlinux
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $< format c > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/bpf/%.bpf.o: kern/%.bpf.c $(wildcard kern/*.bpf.h) $(wildcard include/isolate/*.h) $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Through a temporary file: a failed link leaves no object that looks up to date.
$(BPF_OBJ): $(BPF_OBJS)
	$(BPFTOOL) gen object $@.tmp $^ && mv $@.tmp $@

$(SKEL): $(BPF_OBJ)
	@mkdir -p $(@D)
	$(BPFTOOL) gen skeleton $< name isolate_bpf > $@.tmp && mv $@.tmp $@

all: $(SKEL)
