# SPDX-License-Identifier: GPL-2.0
# libisolate-cell: the cell ABI for programs inside cells (prefix incell_),
# as a static and a shared library with a pkg-config file. It needs nothing
# but libc: a program in a cell links it and nothing of the host's.

CELL_LIB_SRCS := $(sort $(wildcard cell/*.c))
CELL_LIB_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(CELL_LIB_SRCS))
LIBISOLATE_CELL_A := $(BUILD)/lib/libisolate-cell.a
LIBISOLATE_CELL_SO := $(BUILD)/lib/libisolate-cell.so

$(LIBISOLATE_CELL_A): $(CELL_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBISOLATE_CELL_SO): $(CELL_LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libisolate-cell.so.0 -o $@ $^

all: $(LIBISOLATE_CELL_A) $(LIBISOLATE_CELL_SO)

install: install-cell-lib
.PHONY: install-cell-lib
install-cell-lib: $(LIBISOLATE_CELL_A) $(LIBISOLATE_CELL_SO)
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/isolate
	install -m 755 $(LIBISOLATE_CELL_SO) $(DESTDIR)$(PREFIX)/lib/libisolate-cell.so.0
	ln -sf libisolate-cell.so.0 $(DESTDIR)$(PREFIX)/lib/libisolate-cell.so
	install -m 644 $(LIBISOLATE_CELL_A) $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' cell/isolate-cell.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/isolate-cell.pc
	install -m 644 include/isolate/cell.h include/isolate/abi.h include/isolate/events.h \
		$(DESTDIR)$(PREFIX)/include/isolate/
