# SPDX-License-Identifier: GPL-2.0
# The manual pages, written in roff (the reference is the markdown beside them).

install: install-man
.PHONY: install-man uninstall-man
# The pages name the shipped policies where PREFIX=/usr puts them; an
# install elsewhere names where it put them.
MAN_DATADIR = sed -e 's|/usr/share/isolate|$(DATADIR)/isolate|g'
install-man:
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	$(MAN_DATADIR) Documentation/man/isolate-loader.8 > $(DESTDIR)$(MANDIR)/man8/isolate-loader.8
	$(MAN_DATADIR) Documentation/man/isolate-policy.5 > $(DESTDIR)$(MANDIR)/man5/isolate-policy.5
	chmod 644 $(DESTDIR)$(MANDIR)/man8/isolate-loader.8 $(DESTDIR)$(MANDIR)/man5/isolate-policy.5

uninstall: uninstall-man
uninstall-man:
	rm -f $(DESTDIR)$(MANDIR)/man8/isolate-loader.8 $(DESTDIR)$(MANDIR)/man5/isolate-policy.5
