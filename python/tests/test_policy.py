# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Policies: the Python objects are the C model's, and so is their YAML."""

import json
import os
import random

import pytest

from isolate import Cap, CellPolicy, Policy, PolicyError

PATHS = ["/srv", "/srv/data", "/srv/data/in", "/opt/venv", "/work", "/work/.git", "/tmp",
         "/usr/lib", "/etc/ssl/certs", "/home/u/a b", "/var/lib/x-y_z"]
NETS = ["10.0.0.0/8", "10.1.2.3/32", "0.0.0.0/0", "192.168.0.0/16", "2001:db8::/32", "::1/128"]


def random_cap(rng):
    kind = rng.choice(["read", "write", "exec", "connect", "bind", "cpu", "memory", "pids",
                       "broker", "namespace", "allow", "socket", "unix"])
    if kind in ("read", "write", "exec"):
        return getattr(Cap, kind)(rng.choice(PATHS), optional=rng.random() < 0.2,
                                  deny=rng.random() < 0.2)
    if kind in ("connect", "bind"):
        lo = rng.randrange(1, 65535)
        port = lo if rng.random() < 0.5 else (lo, rng.randrange(lo, 65536))
        return getattr(Cap, kind)(rng.choice(NETS), port, proto=rng.choice(["tcp", "udp"]),
                                  deny=rng.random() < 0.1)
    if kind == "cpu":
        return Cap.cpu(rng.randrange(1000, 10**6), rng.randrange(1000, 10**6))
    if kind == "memory":
        return Cap.memory(rng.randrange(1, 4096) * 1 << 20)
    if kind == "pids":
        return Cap.pids(rng.randrange(1, 100000))
    if kind == "broker":
        return Cap.broker(rng.choice(["read", "write", "exec", "connect", "bind"]))
    if kind == "namespace":
        return Cap.namespace(rng.choice(["user", "mount"]))
    if kind == "allow":
        return Cap.allow(rng.choice(["exec-memory", "unix-autobind"]))
    if kind == "socket":
        return Cap.socket(rng.choice(["unix", "inet", "inet6", "netlink-route"]))
    return Cap.unix(f"@svc{rng.randrange(100)}", bind=rng.random() < 0.5)


def random_policy(rng, i):
    cells = []
    for j in range(rng.randrange(1, 4)):
        extends = [c.name for c in cells if rng.random() < 0.3]
        cells.append(CellPolicy(f"c{i}_{j}", [random_cap(rng) for _ in range(rng.randrange(0, 9))],
                                mode=rng.choice(["enforce", "audit"]), extends=extends))
    return Policy(cells)


def test_1000_generated_policies_round_trip_through_the_c_model(tmp_path, loader):
    """Python → canonical YAML (C) → parsed (C) → Python is the same policy, and
    isolate-loader policy fmt writes the same bytes for that YAML."""
    rng = random.Random(20261205)
    batch = []
    for i in range(1000):
        policy = random_policy(rng, i)
        text = policy.to_yaml()
        back = Policy.from_yaml(text, "gen.yaml")
        assert back == policy, text
        assert back.to_yaml() == text
        batch.append(text)
    # The CLI reads them from files: every 50th, and the first ten.
    for i, text in enumerate(batch):
        if i < 10 or i % 50 == 0:
            f = tmp_path / f"p{i}.yaml"
            f.write_text(text)
            rc, out, err = loader("policy", "fmt", str(f))
            assert (rc, err) == (0, "")
            assert out == text


def test_a_cell_holds_one_budget_of_a_kind_and_its_mode_apart():
    cell = CellPolicy("a", ["memory:1G", "memory:512M", "mode:audit", "read:/srv"])
    assert cell.mode == "audit"
    assert set(cell.caps) == {Cap("memory:512M"), Cap("read:/srv")}
    cell.add("pids:5").remove("read:/srv")
    assert set(cell.caps) == {Cap("memory:512M"), Cap("pids:5")}
    with pytest.raises(KeyError):
        cell.remove("read:/srv")


def test_normalize_absorbs_and_carves():
    cell = CellPolicy("a", ["read:/srv", "read:/srv/data", "connect:tcp:10.0.0.0/8:443",
                            "connect:tcp:10.1.0.0/16:443"]).normalize()
    assert set(cell.caps) == {Cap("read:/srv"), Cap("connect:tcp:10.0.0.0/8:443")}


def test_parse_errors_name_file_line_and_column_as_the_cli(tmp_path, loader):
    f = tmp_path / "bad.yaml"
    f.write_text("version: 1\ncells:\n  a:\n    reed: [/x]\n")
    with pytest.raises(PolicyError) as e:
        Policy.load(str(f))
    assert (e.value.file, e.value.line, e.value.column) == (str(f), 4, 5)
    rc, _, err = loader("policy", "check", str(f))
    assert rc == 1
    assert err.strip() == f"isolate-loader: {e.value}"


def test_builtin_runtime_is_the_base_of_one_shot_policies(loader):
    runtime = Policy.builtin().cell("runtime")
    cell = CellPolicy.runtime("job", ["read:/srv"])
    assert set(cell.caps) == set(runtime.caps) | {Cap("read:/srv")}
    rc, out, _ = loader("policy", "fmt", "--default")
    assert rc == 0 and Policy.builtin().to_yaml() == out


@pytest.mark.parametrize("op, target", [
    ("read", "/etc/passwd"), ("read", "/etc"), ("write", "/etc/passwd"), ("exec", "/bin/sh"),
    ("read", "/root/nothing-here"), ("connect", "tcp:10.1.2.3:443"),
    ("connect", "tcp:10.1.2.3:80"),
])
def test_explain_agrees_with_the_cli(tmp_path, loader, op, target):
    cell = CellPolicy("x", ["read:/etc", "deny-read:/etc/shadow", "exec:/bin",
                            "connect:tcp:10.0.0.0/8:443"])
    f = tmp_path / "p.yaml"
    f.write_text(cell.to_yaml())
    v = cell.explain(op, target)
    rc, out, _ = loader("-j", "policy", "explain", str(f), "--op", op, target)
    cli = json.loads(out)
    assert (cli["allowed"], cli.get("rule")) == (v.allowed, v.rule), out


def test_a_fifo_made_outside_the_cell_is_not_opened_by_a_grant_of_its_directory(tmp_path):
    fifo = tmp_path / "cmd.fifo"
    os.mkfifo(fifo)
    v = CellPolicy("x", [f"write:{tmp_path}"]).explain("write", str(fifo))
    assert (v.allowed, v.refused_because) == (False, "fifo-not-named")


@pytest.mark.parametrize("name", ["no/slash", "", "x" * 64, "dot.ted"])
def test_invalid_cell_names_are_refused(name):
    with pytest.raises(PolicyError):
        CellPolicy(name)
