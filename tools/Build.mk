# SPDX-License-Identifier: GPL-2.0
# isolate-loader: the CLI over libisolate.

LOADER_SRCS := $(sort $(wildcard tools/isolate-loader/*.c tools/isolate-loader/*.S))
LOADER_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(LOADER_SRCS)))
LOADER := $(BUILD)/bin/isolate-loader

$(BUILD)/obj/tools/%.o: tools/%.c $(LIB_HDRS) $(wildcard tools/isolate-loader/*.h)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

# The built-in policies: .incbin paths are relative to the top directory.
$(BUILD)/obj/tools/isolate-loader/builtin_policies.o: tools/isolate-loader/builtin_policies.S policy/default.yaml policy/base.yaml
	@mkdir -p $(@D)
	$(CC) -c $< -o $@

$(LOADER): $(LOADER_OBJS) $(LIBISOLATE_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $(LOADER_OBJS) $(LIBISOLATE_A) $(USER_LIBS)

all: $(LOADER)

install: install-loader
.PHONY: install-loader
install-loader: $(LOADER)
	install -d $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(LOADER) $(DESTDIR)$(PREFIX)/sbin/
