# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# policy/*.c go into libisolate (user/Build.mk). Here: the libFuzzer target
# for the YAML parser, built with clang straight from the policy sources,
# and its seed corpus (shipped policies, the golden invalid documents, and
# seeds of their own for what neither uses).

FUZZER := $(BUILD)/fuzz/policy_fuzz
FUZZ_CORPUS := $(BUILD)/fuzz/corpus
FUZZ_SECONDS ?= 600
FUZZ_SRCS := tests/fuzz/policy_fuzz.c $(filter policy/%.c,$(LIB_SRCS)) policy/builtin_yaml.S \
	common/hardlinks.c common/json_writer.c common/mountinfo.c common/spelling.c \
	common/tree_scan.c common/utf8.c common/fd_path.c
FUZZ_CFLAGS := -std=gnu11 -O1 -g $(WARNFLAGS) -D_GNU_SOURCE -I. -Iinclude \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SEEDS := $(wildcard policy/*.yaml policy/examples/*.yaml tests/golden/*.yaml \
	tests/fuzz/seeds/*.yaml)

$(FUZZER): $(FUZZ_SRCS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRCS) -lyaml

# Seeds are named by their path, so two files called base.yaml stay apart.
$(FUZZ_CORPUS)/.seeded: $(FUZZ_SEEDS) policy/Build.mk
	rm -rf $(FUZZ_CORPUS) && mkdir -p $(FUZZ_CORPUS)
	for f in $(FUZZ_SEEDS); do cp "$$f" "$(FUZZ_CORPUS)/$$(echo "$$f" | tr / _)"; done
	touch $@

all: $(FUZZER) $(FUZZ_CORPUS)/.seeded

# libFuzzer adds what it finds to its first directory: keep the seeds apart.
fuzz: $(FUZZER) $(FUZZ_CORPUS)/.seeded
	mkdir -p $(BUILD)/fuzz/found
	$(FUZZER) -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/found $(FUZZ_CORPUS)
