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

$(LIBISOLATE_CELL_SO).0: $(LIBISOLATE_CELL_SO)
	ln -sf $(notdir $<) $@

all: $(LIBISOLATE_CELL_A) $(LIBISOLATE_CELL_SO) $(LIBISOLATE_CELL_SO).0

install: install-cell-lib
.PHONY: install-cell-lib
install-cell-lib: $(LIBISOLATE_CELL_A) $(LIBISOLATE_CELL_SO)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/isolate
	install -m 755 $(LIBISOLATE_CELL_SO) $(DESTDIR)$(LIBDIR)/libisolate-cell.so.0
	ln -sf libisolate-cell.so.0 $(DESTDIR)$(LIBDIR)/libisolate-cell.so
	install -m 644 $(LIBISOLATE_CELL_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
		cell/isolate-cell.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/isolate-cell.pc
	install -m 644 include/isolate/cell.h include/isolate/abi.h include/isolate/events.h \
		$(DESTDIR)$(INCLUDEDIR)/isolate/

uninstall: uninstall-cell-lib
.PHONY: uninstall-cell-lib
uninstall-cell-lib:
	rm -f $(DESTDIR)$(LIBDIR)/libisolate-cell.a $(DESTDIR)$(LIBDIR)/libisolate-cell.so \
		$(DESTDIR)$(LIBDIR)/libisolate-cell.so.0 $(DESTDIR)$(LIBDIR)/pkgconfig/isolate-cell.pc
