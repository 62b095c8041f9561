# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Shared by the host tests: the loader of the same build, to compare with."""

import os
import subprocess

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def loader():
    """Runs build/bin/isolate-loader ARGS: (exit status, stdout, stderr)."""
    path = os.environ.get("ISOLATE_LOADER", os.path.join(TOP, "build", "bin", "isolate-loader"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not built (make)")

    def run(*args, input=None):
        p = subprocess.run([path, *args], input=input, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    return run
