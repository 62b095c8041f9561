# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""On a host without isolate loaded: errors carry the CLI's codes and messages;
features and the Landlock report are the CLI's."""

import json

import pytest

import isolate


def test_cell_without_isolate_loaded_is_exit_4_like_the_cli(loader):
    rc, _, err = loader("cell", "list")
    if rc != 4:
        pytest.skip("isolate is loaded here")
    with pytest.raises(isolate.NotLoadedError) as e:
        with isolate.Cell(caps=["read:/srv"]):
            pass
    assert e.value.exit_code == 4
    assert e.value.errno == 65   # ENOPKG
    assert err.strip() == f"isolate-loader: cell list: {e.value.message}"


def test_features_are_the_clis(loader):
    rc, out, _ = loader("-j", "features")
    assert rc == 0
    cli = json.loads(out)
    ours = isolate.features()
    assert ours.loaded == cli["loaded"]
    assert [(f.name, f.enforced) for f in ours.capabilities] == \
        [(c["name"], c["state"] == "enforced") for c in cli["capabilities"]]


def test_landlock_report_says_what_is_not_enforced():
    cell = isolate.CellPolicy("x", ["read:/srv", "memory:512M", "connect:tcp:10.0.0.0/8:443"])
    report = {e.what: e for e in isolate.enforcement_report(cell, abi=4) if e.capability}
    assert report["read:/srv"].enforced
    assert not report["memory:512M"].enforced
    assert not report["connect:tcp:10.0.0.0/8:443"].enforced
    with pytest.raises(isolate.IsolateError):
        isolate.enforcement_report(cell, backend="bpf")


def test_the_cell_abi_outside_a_cell_fails():
    with pytest.raises(isolate.IsolateError):
        isolate.cell.log("hello")
    with pytest.raises(ValueError):
        isolate.cell.log("hello", level="loud")


def test_version_is_the_librarys(loader):
    rc, out, _ = loader("-j", "version")
    assert rc == 0 and json.loads(out)["version"] == isolate.__version__
