# SPDX-License-Identifier: GPL-2.0
# isolate-loader: the CLI over libisolate.

LOADER_SRCS := $(sort $(wildcard tools/isolate-loader/*.c))
LOADER_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(basename $(LOADER_SRCS)))
LOADER := $(BUILD)/bin/isolate-loader

$(BUILD)/obj/tools/%.o: tools/%.c $(LIB_HDRS) $(wildcard tools/isolate-loader/*.h)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c $< -o $@

$(LOADER): $(LOADER_OBJS) $(LIBISOLATE_A)
	@mkdir -p $(@D)
	$(CC) -o $@ $(LOADER_OBJS) $(LIBISOLATE_A) $(USER_LIBS)

all: $(LOADER)

install: install-loader
.PHONY: install-loader uninstall-loader
# The loader, its bash completion, its systemd unit, and the shipped
# policies under $(DATADIR)/isolate/ (examples/ beside base.yaml, so their
# includes resolve there as in the source tree). The unit names SBINDIR:
# written at each install, for that install's (not kept in build/ from
# an earlier one).
install-loader: $(LOADER)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(DATADIR)/isolate/examples
	install -m 755 $(LOADER) $(DESTDIR)$(SBINDIR)/
	install -m 644 tools/completion/isolate-loader \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/isolate-loader
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' tools/systemd/isolate.service.in \
		> $(DESTDIR)$(SYSTEMDUNITDIR)/isolate.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/isolate.service
	install -m 644 policy/base.yaml policy/default.yaml $(DESTDIR)$(DATADIR)/isolate/
	install -m 644 policy/examples/*.yaml $(DESTDIR)$(DATADIR)/isolate/examples/

uninstall: uninstall-loader
uninstall-loader:
	rm -f $(DESTDIR)$(SBINDIR)/isolate-loader \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/isolate-loader \
		$(DESTDIR)$(SYSTEMDUNITDIR)/isolate.service
	rm -rf $(DESTDIR)$(DATADIR)/isolate
