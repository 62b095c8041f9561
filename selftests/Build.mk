# SPDX-License-Identifier: GPL-2.0
# The VM selftests are built by their own kselftest-style Makefile.

.PHONY: selftests
selftests: $(LIBISOLATE_A)
	@$(MAKE) --no-print-directory -C selftests BUILD=$(abspath $(BUILD)) CC=$(CC)

all: selftests
