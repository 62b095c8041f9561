# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Strings reach C whole or not at all: a NUL would end them early in C,
which would then act on a shorter path, capability or name."""

import pytest

import isolate
from isolate import Cap, CellPolicy, Policy


@pytest.mark.parametrize("make", [
    lambda: Cap("read:/etc\x00/shadow"),
    lambda: Cap.read("/etc\x00/shadow"),
    lambda: Cap.connect("10.0.0.1", 443, proto="tcp:0.0.0.0/0:1-65535\x00"),
    lambda: CellPolicy("a\x00bad"),
    lambda: CellPolicy("a", ["read:/srv\x00/x"]),
    lambda: Policy.load("/etc/isolate\x00/x.yaml"),
    lambda: CellPolicy("a", ["read:/srv"]).explain("read", "/srv\x00/x"),
    lambda: isolate.Cell(name="a\x00bad"),
])
def test_a_nul_is_refused_before_c_sees_it(make):
    with pytest.raises(ValueError, match="embedded null character"):
        make()


@pytest.mark.parametrize("kwargs", [
    {"argv": ["cat", "/etc\x00/shadow"]},
    {"argv": ["true"], "env": {"PATH": "/bin\x00:/tmp"}},
    {"argv": ["true"], "cwd": "/tmp\x00/x"},
])
def test_run_refuses_a_nul_in_argv_env_or_cwd(kwargs):
    # Refused before the cell is needed: this one was never created.
    cell = isolate.Cell(base=False)
    with pytest.raises(ValueError, match="embedded null character"):
        cell.run(**kwargs)


@pytest.mark.parametrize("key", ["A=B", "", "=A"])
def test_run_refuses_an_env_name_that_is_empty_or_holds_an_equals_sign(key):
    # "A=B": "1" would set A to "B=1"; refused, naming the key, before the cell is needed.
    cell = isolate.Cell(base=False)
    with pytest.raises(ValueError) as e:
        cell.run(["true"], env={key: "1"})
    assert str(e.value) == (f"run: environment variable name {key!r}: expected a name, "
                            "not empty and without '=' (it would set another variable)")
