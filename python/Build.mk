# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The Python package (python/isolate, pure Python over libisolate): `make
# install` puts it where the system's python3 imports it from (Debian:
# dist-packages), with the LIBDIR it was installed beside. `pip install
# ./python` is the other way in (python/pyproject.toml).

PYTHON ?= /usr/bin/python3
# Debian's python3 imports $(PREFIX)/lib/python3.X/dist-packages for
# /usr/local and /usr/lib/python3/dist-packages for /usr; others site-packages.
PYTHONDIR ?= $(shell $(PYTHON) -c 'import sys; p = "$(PREFIX)"; \
	deb = any(s.endswith("dist-packages") for s in sys.path); \
	v = "%d.%d" % sys.version_info[:2]; \
	print(p + "/lib/python3/dist-packages" if deb and p == "/usr" else \
	      "%s/lib/python%s/%s" % (p, v, "dist-packages" if deb else "site-packages"))' 2>/dev/null)
PYTHON_FILES := $(wildcard python/isolate/*.py) python/isolate/py.typed

.PHONY: install-python uninstall-python
install: install-python
uninstall: uninstall-python

install-python:
ifeq ($(PYTHONDIR),)
	@echo "make install: no $(PYTHON): the Python package is not installed (PYTHONDIR=...)"
else
	install -d $(DESTDIR)$(PYTHONDIR)/isolate
	install -m 644 $(PYTHON_FILES) $(DESTDIR)$(PYTHONDIR)/isolate/
	printf '# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause\n# Written by make install.\nLIBDIR = "%s"\n' \
		'$(LIBDIR)' >$(DESTDIR)$(PYTHONDIR)/isolate/_installed.py
endif

uninstall-python:
ifneq ($(PYTHONDIR),)
	rm -f $(addprefix $(DESTDIR)$(PYTHONDIR)/isolate/,$(notdir $(PYTHON_FILES)) _installed.py)
	rm -rf $(DESTDIR)$(PYTHONDIR)/isolate/__pycache__
	rmdir $(DESTDIR)$(PYTHONDIR)/isolate 2>/dev/null || true
endif
