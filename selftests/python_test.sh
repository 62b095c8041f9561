#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Python package against this kernel: the tests in python/ under
# pytest, one TAP line each (pytest_tap). The package, the plugin and the
# tests are copies of the tree's, beside this script; libisolate is the
# system's (/usr/lib in the VM).
cd "$(dirname "$0")/python" || exit 1
if ! command -v python3 >/dev/null || ! python3 -c 'import pytest' 2>/dev/null; then
	echo "python3 with pytest is not installed here"
	exit 4
fi
PYTHONPATH=$PWD exec python3 -m pytest -q -p no:cacheprovider -p pytest_tap .
