# SPDX-License-Identifier: GPL-2.0
# libisolate: user/ (loading, cells, maps, events) and policy/ (model, YAML,
# compiler), as a static and a shared library with a pkg-config file.

LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
LIB_SAN_OBJS := $(patsubst %.c,$(BUILD)/obj/san/%.o,$(LIB_SRCS))
LIB_HDRS := $(wildcard include/isolate/*.h common/*.h user/*.h policy/*.h)
LIBISOLATE_A := $(BUILD)/lib/libisolate.a
LIBISOLATE_SO := $(BUILD)/lib/libisolate.so
LIBISOLATE_SAN_A := $(BUILD)/lib/libisolate-san.a

$(BUILD)/obj/%.o: %.c $(LIB_HDRS) $(SKEL)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/obj/san/%.o: %.c $(LIB_HDRS) $(SKEL)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(LIBISOLATE_A): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBISOLATE_SAN_A): $(LIB_SAN_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBISOLATE_SO): $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libisolate.so.0 -o $@ $^ $(USER_LIBS)

# libisolate-cell: the cell ABI for programs inside cells; no dependencies.
CELL_LIB_SRCS := $(sort $(wildcard user/cell/*.c))
CELL_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CELL_LIB_SRCS))
LIBISOLATE_CELL_A := $(BUILD)/lib/libisolate-cell.a
LIBISOLATE_CELL_SO := $(BUILD)/lib/libisolate-cell.so

$(LIBISOLATE_CELL_A): $(CELL_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBISOLATE_CELL_SO): $(CELL_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libisolate-cell.so.0 -o $@ $^

all: $(LIBISOLATE_A) $(LIBISOLATE_SO) $(LIBISOLATE_CELL_A) $(LIBISOLATE_CELL_SO)

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/isolate
	install -m 644 $(LIBISOLATE_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIBISOLATE_SO) $(DESTDIR)$(PREFIX)/lib/libisolate.so.0
	ln -sf libisolate.so.0 $(DESTDIR)$(PREFIX)/lib/libisolate.so
	install -m 755 $(LIBISOLATE_CELL_SO) $(DESTDIR)$(PREFIX)/lib/libisolate-cell.so.0
	ln -sf libisolate-cell.so.0 $(DESTDIR)$(PREFIX)/lib/libisolate-cell.so
	install -m 644 $(LIBISOLATE_CELL_A) $(DESTDIR)$(PREFIX)/lib/
	# The .pc names the PREFIX given to install, not the one of the build.
	for pc in isolate isolate-cell; do \
		sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' user/$$pc.pc.in \
			> $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc; \
	done
	install -m 644 include/isolate/*.h $(DESTDIR)$(PREFIX)/include/isolate/
