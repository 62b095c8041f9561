# SPDX-License-Identifier: GPL-2.0
"""isolate loaded, a supervisor running (with the broker rules the tests
need), and a directory of files the cells may or may not read."""

import os
import shutil
import subprocess
import time

import pytest

import isolate

LOADER = shutil.which("isolate-loader") or "/usr/bin/isolate-loader"
WORK = "/tmp/pyvm"
AGENT_CELL = "py-agent"


@pytest.fixture(scope="session")
def work():
    """WORK with files allowed, secret and granted (each holding its name)."""
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    for name in ("allowed", "secret", "granted"):
        with open(os.path.join(WORK, name), "w") as f:
            f.write(name + "\n")
    os.chmod(WORK, 0o755)
    yield WORK
    shutil.rmtree(WORK, ignore_errors=True)


@pytest.fixture(scope="session")
def supervisor(work):
    """isolate-loader load, then supervise with a rule granting the agent's
    cell read of WORK/granted for 30 s; stopped at the end."""
    subprocess.run([LOADER, "load"], check=True)
    rules = os.path.join(work, "rules")
    with open(rules, "w") as f:
        f.write(f"{AGENT_CELL} read {work}/granted allow 30\n")
    sup = subprocess.Popen([LOADER, "supervise", "--broker-rules", rules,
                            "--out", os.path.join(work, "events.jsonl")])
    # Ready when its stream takes subscribers.
    for _ in range(200):
        try:
            for _ in isolate.events(follow=False, classes=["lifecycle"], replay=False,
                                    timeout=0.05):
                pass
            break
        except isolate.IsolateError as e:
            if e.errno != 107 or sup.poll() is not None:   # ENOTCONN: not yet
                raise
            time.sleep(0.1)
    yield sup
    sup.terminate()
    sup.wait(timeout=30)
