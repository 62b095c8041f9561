# SPDX-License-Identifier: GPL-2.0
# The manual pages, written in roff (the reference is the markdown beside them).

install: install-man
.PHONY: install-man uninstall-man
install-man:
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	install -m 644 Documentation/man/isolate-loader.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 Documentation/man/isolate-policy.5 $(DESTDIR)$(MANDIR)/man5/

uninstall: uninstall-man
uninstall-man:
	rm -f $(DESTDIR)$(MANDIR)/man8/isolate-loader.8 $(DESTDIR)$(MANDIR)/man5/isolate-policy.5
