# SPDX-License-Identifier: GPL-2.0
"""From Python: a script runs in a cell in audit mode, its audit events
become a policy (isolate-loader policy suggest), and under that policy the
script runs with no refusal while a variant reading one more file is refused."""

import json
import os
import subprocess

import isolate
from conftest import LOADER


def test_audit_events_suggest_the_policy_of_the_script(supervisor, work):
    d = f"{work}/suggest"
    os.makedirs(d, exist_ok=True)
    for name in ("a", "b", "c"):
        with open(f"{d}/{name}", "w") as f:
            f.write(name + "\n")
    script = ["sh", "-c", f"cat {d}/a {d}/b"]
    more = ["sh", "-c", f"cat {d}/a {d}/b {d}/c"]
    base = isolate.CellPolicy("base", ["exec:/bin"])
    with open(f"{d}/base.yaml", "w") as f:
        f.write(base.to_yaml())

    with isolate.Cell(policy=base, audit=True) as cell:
        assert cell.info().mode == "audit"
        r = cell.run(script)
        assert (r.returncode, r.stdout) == (0, b"a\nb\n")
        audits = []
        for ev in isolate.events(cell=cell.name, classes=["audit"], timeout=30):
            audits.append(ev)
            if any(e.path == f"{d}/b" for e in audits):
                break
        name = cell.name
    with open(f"{d}/events.jsonl", "w") as f:
        for ev in audits:
            f.write(json.dumps(ev.fields) + "\n")

    p = subprocess.run([LOADER, "policy", "suggest", "--from-events", f"{d}/events.jsonl",
                        "--cell", name, "--policy", f"{d}/base.yaml"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    with open(f"{d}/suggested.yaml", "w") as f:
        f.write(p.stdout)
    suggested = isolate.Policy.load(f"{d}/suggested.yaml")
    assert suggested.explain(suggested.cell().name, "read", f"{d}/a").allowed

    with isolate.Cell(policy=f"{d}/suggested.yaml") as cell:
        r = cell.run(script)
        assert (r.returncode, r.stdout, r.stderr) == (0, b"a\nb\n", b"")
        r = cell.run(more)
        assert r.returncode == 1 and r.stdout == b"a\nb\n"
        assert b"Permission denied" in r.stderr
        # The supervisor reads the rings every 100 ms: wait for the refusal.
        refused = next((e for e in isolate.events(cell=cell.name, classes=["deny"], timeout=30)
                        if e.path and e.path.startswith(d)), None)
        assert refused is not None and (refused.path, refused.errno) == (f"{d}/c", 13)
