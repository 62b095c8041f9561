# SPDX-License-Identifier: GPL-2.0
"""Runs inside a cell: logs, reports a metric, is refused a file, asks the
broker for it, reads it once granted, posts a message and receives the
broker's reply from its channel. Prints what happened."""

import sys

import isolate

target = sys.argv[1]
isolate.cell.log("agent started", level="notice")
isolate.cell.metric("agent_steps", 3)
isolate.cell.metric("agent_depth", 7, kind="gauge")
try:
    open(target).read()
    print("read before the grant")
except PermissionError as e:
    print(f"refused before the grant: errno {e.errno}")
reply = isolate.cell.request("read", target, timeout=60)
print(f"granted={reply.granted} expires={'yes' if reply.expires_ms else 'no'}")
with open(target) as f:
    print(f"read: {f.read().strip()}")
isolate.cell.post(b"agent done")
# The channel keeps every message since the process started: the reply too.
m = isolate.cell.recv(timeout=5)
print(f"recv: reply_to={'set' if m and m.reply_to else m} granted={m and m.granted}")
