# SPDX-License-Identifier: GPL-2.0
# Host tests: each tests/*_test.c is a kselftest-harness program, built
# with ASan and UBSan against libisolate-san.a. They run from the repo root
# (tools/check does), where their data (tests/golden/, policy/) is.

KSFT_HARNESS := $(BUILD)/kselftest/kselftest_harness.h
HOST_TEST_SRCS := $(sort $(wildcard tests/*_test.c))
HOST_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(HOST_TEST_SRCS))
GOLDEN_CASES := $(BUILD)/tests/golden_cases.h

$(KSFT_HARNESS):
	@tools/deps kselftest

$(BUILD)/tests/%_test: tests/%_test.c $(wildcard tests/*.h) $(LIBISOLATE_SAN_A) $(KSFT_HARNESS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -I$(BUILD)/kselftest -I$(BUILD)/tests -o $@ $< \
		$(LIBISOLATE_SAN_A) $(USER_LIBS)

# One test case per golden document, so a new document is a new case. The
# list is rewritten only when it changes, so it rebuilds only then.
$(GOLDEN_CASES): FORCE
	@mkdir -p $(@D)
	@for f in $(sort $(wildcard tests/golden/*.yaml)); do \
		n=$${f##*/}; echo "GOLDEN($${n%.yaml})"; done > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(BUILD)/tests/policy_golden_test: $(GOLDEN_CASES)

.PHONY: FORCE
FORCE:

all: $(HOST_TESTS) $(BUILD)/tests/landlock-probe

# What the Landlock tests run inside a domain: static, so that the domain
# grants nothing but the probe itself.
$(BUILD)/tests/landlock-probe: tests/landlock_probe.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -static -o $@ $<

# Preloaded into the loader by the Landlock tests: a path swapped between check and rule.
$(BUILD)/tests/swap-on-rule.so: tests/swap_on_rule.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -shared -o $@ $< -ldl

all: $(BUILD)/tests/swap-on-rule.so

# Preloaded into the loader by run_pty_test: a terminal's answer as run restores it.
$(BUILD)/tests/answer-on-restore.so: tests/answer_on_restore.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -shared -o $@ $< -ldl

all: $(BUILD)/tests/answer-on-restore.so

# Preloaded into the loader by cell_names_test: how often it lists the cells.
$(BUILD)/tests/count-opendir.so: tests/count_opendir.c
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -shared -o $@ $< -ldl

all: $(BUILD)/tests/count-opendir.so

# The captured LSM hook prototypes of tests/data/ (see tests/lsm_btf.h):
# `make capture-lsm-btf` writes them anew from the VM kernels' BTF.
LSM_BTF_CAPTURE := $(BUILD)/tests/lsm-btf-capture

$(LSM_BTF_CAPTURE): tests/lsm_btf_capture.c tests/lsm_btf.h
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LIBS)

.PHONY: capture-lsm-btf
capture-lsm-btf: $(LSM_BTF_CAPTURE)
	@tools/deps kernel
	for k in 6.1 6.12; do $(LSM_BTF_CAPTURE) $(BUILD)/vm/$$k/vmlinux tests/data/lsm-hooks-$$k.btf; done

all: $(LSM_BTF_CAPTURE)
