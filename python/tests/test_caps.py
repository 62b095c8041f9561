# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Capability objects: their constructors, canonical text, equality, errors."""

import pytest

import isolate
from isolate import Cap, PolicyError


@pytest.mark.parametrize("cap, text", [
    (Cap.read("/srv//data/"), "read:/srv/data"),
    (Cap.read("/opt/venv", optional=True), "read?:/opt/venv"),
    (Cap.write("/work/.git", deny=True), "deny-write:/work/.git"),
    (Cap.exec("/usr/bin"), "exec:/usr/bin"),
    (Cap.connect("10.0.0.0/8", 443), "connect:tcp:10.0.0.0/8:443"),
    (Cap.connect("2001:db8::/32", (1000, 2000), proto="udp"),
     "connect:udp:[2001:db8::]/32:1000-2000"),
    (Cap.bind("0.0.0.0/0", 8080), "bind:tcp:0.0.0.0/0:8080"),
    (Cap.cpu(50000), "cpu:50000/100000"),
    (Cap.memory("512M"), "memory:512M"),
    (Cap.pids(64), "pids:64"),
    (Cap.broker("read"), "broker:read"),
    (Cap.mode("audit"), "mode:audit"),
    (Cap.namespace("user"), "namespace:user"),
    (Cap.allow("exec-memory"), "allow:exec-memory"),
    (Cap.socket("inet"), "socket:inet"),
    (Cap.unix("@/tmp/.X11-unix/X0"), "unix-connect:@/tmp/.X11-unix/X0"),
])
def test_constructors_give_the_canonical_text(cap, text):
    assert cap.text == text
    assert Cap(text) == cap
    assert hash(Cap(text)) == hash(cap)


def test_fields_come_from_the_c_model():
    cap = Cap("deny-read?:/srv/secret/")
    assert (cap.kind, cap.path, cap.deny, cap.optional) == ("read", "/srv/secret", True, True)
    assert Cap("connect:tcp:10.0.0.0/8:443").path is None


@pytest.mark.parametrize("text", [
    "read:relative", "reed:/x", "connect:tcp:10.0.0.0/33:443", "connect:tcp:10.0.0.1:70000",
    "memory:12Q", "pids:0", "mode:paranoid", "broker:fly", "read:",
])
def test_bad_text_is_refused_with_the_cli_message(text, loader):
    """The message is the one run --cap prints for the same text, exit 2."""
    with pytest.raises(PolicyError) as e:
        Cap(text)
    rc, _, err = loader("run", "--cap", text, "--", "true")
    assert rc == 2
    assert err.strip() == f"isolate-loader: --cap {text}: {e.value.reason}"
