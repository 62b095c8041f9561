# SPDX-License-Identifier: GPL-2.0
# libisolate: user/ (loading, cells, maps, events) and policy/ (model, YAML,
# compiler), as a static and a shared library with a pkg-config file.

# policy/builtin_yaml.S links the shipped policies in (isolate_policy_builtin).
LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS)) $(BUILD)/obj/policy/builtin_yaml.o
LIB_SAN_OBJS := $(patsubst %.c,$(BUILD)/obj/san/%.o,$(LIB_SRCS)) $(BUILD)/obj/policy/builtin_yaml.o
LIB_HDRS := $(wildcard include/isolate/*.h common/*.h user/*.h policy/*.h)
LIBISOLATE_A := $(BUILD)/lib/libisolate.a
LIBISOLATE_SO := $(BUILD)/lib/libisolate.so
# The soname's number: raised whenever a public struct a caller passes in
# changes its layout (1: isolate_spawn_opts sized, isolate_path_binding grew).
LIBISOLATE_SOVERSION := 1
LIBISOLATE_SONAME := libisolate.so.$(LIBISOLATE_SOVERSION)
LIBISOLATE_SAN_A := $(BUILD)/lib/libisolate-san.a

# Only what the public headers declare is exported (they say so with
# "#pragma GCC visibility push(default)"); tools/layout, the layout suite
# of make check, holds both libraries to their prefixes.
LIB_CFLAGS := $(USER_CFLAGS) -fvisibility=hidden

$(BUILD)/obj/%.o: %.c $(LIB_HDRS) $(SKEL)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -c $< -o $@

# .incbin paths are relative to the top directory.
$(BUILD)/obj/policy/builtin_yaml.o: policy/builtin_yaml.S policy/default.yaml policy/base.yaml
	@mkdir -p $(@D)
	$(CC) -c $< -o $@

$(BUILD)/obj/san/%.o: %.c $(LIB_HDRS) $(SKEL)
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIBISOLATE_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBISOLATE_SAN_A): $(LIB_SAN_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBISOLATE_SO): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,$(LIBISOLATE_SONAME) -o $@ $^ $(USER_LIBS)

# The soname beside it, as installed: what programs (and the Python package)
# load from a build tree.
$(LIBISOLATE_SO).$(LIBISOLATE_SOVERSION): $(LIBISOLATE_SO)
	ln -sf $(notdir $<) $@

all: $(LIBISOLATE_A) $(LIBISOLATE_SO) $(LIBISOLATE_SO).$(LIBISOLATE_SOVERSION)

install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/isolate
	install -m 644 $(LIBISOLATE_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIBISOLATE_SO) $(DESTDIR)$(LIBDIR)/$(LIBISOLATE_SONAME)
	ln -sf $(LIBISOLATE_SONAME) $(DESTDIR)$(LIBDIR)/libisolate.so
	# The .pc names the directories given to install, not those of the build.
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
		user/isolate.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/isolate.pc
	install -m 644 include/isolate/*.h $(DESTDIR)$(INCLUDEDIR)/isolate/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libisolate.a $(DESTDIR)$(LIBDIR)/libisolate.so \
		$(DESTDIR)$(LIBDIR)/$(LIBISOLATE_SONAME) $(DESTDIR)$(LIBDIR)/pkgconfig/isolate.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/isolate
