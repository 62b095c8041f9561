# SPDX-License-Identifier: GPL-2.0
"""A Python program inside a cell uses the cell ABI (isolate.cell): its log
line, metrics, broker request and message reach the supervisor, stamped
with the cell, and the broker's grant lets it read the file."""

import errno
import os

import isolate
from conftest import AGENT_CELL

HERE = os.path.dirname(os.path.abspath(__file__))
# What the interpreter, the package and its libraries need, over the runtime
# profile: Python's standard library has native modules (exec), and
# libisolate is mapped from /usr/lib.
PYTHON_CAPS = ["exec:/usr/bin", "read:/usr/lib", "exec:/usr/lib", f"read:{HERE}",
               "broker:read"]


def test_a_python_program_in_a_cell_logs_measures_and_gets_a_grant(supervisor, work):
    target = f"{work}/granted"
    with isolate.Cell(caps=PYTHON_CAPS, name=AGENT_CELL, timeout=120) as cell:
        r = cell.run(["python3", f"{HERE}/incell_agent.py", target],
                     env={"PATH": "/usr/bin:/bin", "PYTHONPATH": HERE,
                          "PYTHONDONTWRITEBYTECODE": "1"})
        assert r.returncode == 0, r.stderr.decode()
        assert r.stdout.decode().splitlines() == [
            f"refused before the grant: errno {errno.EACCES}",
            "granted=True expires=yes",
            "read: granted",
            "recv: reply_to=set granted=True",
        ]
        seen = {}
        for ev in isolate.events(cell=cell.name, timeout=30):
            seen.setdefault(ev.kind, []).append(ev)
            if {"log", "metric", "broker", "message"} <= set(seen) and len(seen["metric"]) >= 2:
                break
    log = seen["log"][0]
    assert (log.message, log.level) == ("agent started", 5)
    metrics = {m.name: (m.metric_kind, m.value) for m in seen["metric"]}
    assert metrics == {"agent_steps": ("counter", 3), "agent_depth": ("gauge", 7)}
    broker = seen["broker"][0]
    assert (broker.right, broker.target) == ("read", target)
    message = seen["message"][0]
    assert (message.data, message.in_reply_to) == ("agent done", 0)
    assert all(ev.cell == AGENT_CELL for evs in seen.values() for ev in evs)
