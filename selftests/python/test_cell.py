# SPDX-License-Identifier: GPL-2.0
"""A Python program confines commands with isolate.Cell and sees what the
kernel refused through isolate.events."""

import errno
import os

import pytest

import isolate
from isolate import Cap


def first_event(cell, kind, timeout=30, **match):
    for ev in isolate.events(cell=cell, classes=[kind], timeout=timeout):
        if all(getattr(ev, k) == v for k, v in match.items()):
            return ev
    return None


def test_a_cell_refuses_what_it_was_not_given_and_says_so(supervisor, work):
    allowed, secret = f"{work}/allowed", f"{work}/secret"
    with isolate.Cell(caps=[Cap.read(allowed), "exec:/bin"]) as cell:
        ok = cell.run(["cat", allowed])
        assert (ok.returncode, ok.stdout, ok.stderr) == (0, b"allowed\n", b"")
        refused = cell.run(["cat", secret])
        assert refused.returncode == 1
        assert os.strerror(errno.EACCES).encode() in refused.stderr
        ev = first_event(cell.name, "deny", path=secret)
        assert ev is not None
        assert (ev.op, ev.errno, ev.cell) == ("read", errno.EACCES, cell.name)
        assert isinstance(ev, isolate.AccessEvent)
        assert cell.info().denied >= 1
        assert cell.info().unenforced == ()


def test_grant_and_revoke_are_live(supervisor, work):
    secret = f"{work}/secret"
    with isolate.Cell(caps=["exec:/bin"]) as cell:
        assert cell.run(["cat", secret]).returncode == 1
        cell.grant(Cap.read(secret))
        assert Cap.read(secret) in cell.current_policy().caps
        assert cell.run(["cat", secret]).stdout == b"secret\n"
        cell.revoke(f"read:{secret}")
        assert cell.run(["cat", secret]).returncode == 1
        assert cell.info().generation == 3


def test_a_replaced_file_keeps_the_rule_on_the_one_granted(supervisor, work):
    path, other = f"{work}/deployed", f"{work}/secret"
    with open(path, "w") as f:
        f.write("deployed\n")
    was = os.stat(path)
    with isolate.Cell(caps=[Cap.read(path), "exec:/bin"]) as cell:
        (b,) = [b for b in cell.bindings() if b.path == path]
        assert (b.real, b.ino, b.moved) == (path, was.st_ino, False)
        # A copy renamed over the path, as a deploy does: the rule stays on the first.
        os.link(other, f"{work}/next")
        os.rename(f"{work}/next", path)
        cell.grant(Cap.read(f"{work}/granted"))
        (b,) = [b for b in cell.bindings() if b.path == path]
        assert (b.ino, b.moved) == (was.st_ino, True)
        assert cell.run(["cat", path]).returncode == 1
        cell.rebind()
        (b,) = [b for b in cell.bindings() if b.path == path]
        assert b.moved is False
        assert cell.run(["cat", path]).stdout == b"secret\n"


def test_a_rebind_keeps_a_deny_on_what_the_cell_moved_away(supervisor, work):
    home, other = f"{work}/home", f"{work}/other"
    os.makedirs(f"{home}/.ssh")
    os.makedirs(other)
    with open(f"{home}/.ssh/id_rsa", "w") as f:
        f.write("key\n")
    was = os.stat(f"{home}/.ssh")
    caps = [Cap.read(home), Cap.write(home), Cap.read(f"{home}/.ssh", deny=True), "exec:/bin"]
    with isolate.Cell(caps=caps) as cell:
        # Within its home, as the kernel allows: the key moved, a link in its place.
        swap = cell.run(["sh", "-c", f"mv {home}/.ssh {home}/x && ln -s {other} {home}/.ssh"])
        assert swap.returncode == 0, swap.stderr
        cell.rebind()
        (now,) = [b for b in cell.bindings() if b.path == f"{home}/.ssh" and not b.superseded]
        (then,) = [b for b in cell.bindings() if b.superseded]
        assert (now.real, now.moved) == (other, False)
        assert (then.path, then.ino) == (f"{home}/.ssh", was.st_ino)
        assert cell.run(["cat", f"{home}/x/id_rsa"]).returncode == 1


def test_a_grant_at_an_object_stays_on_it(supervisor, work):
    asked, moved, secret = f"{work}/asked", f"{work}/moved", f"{work}/secret"
    with open(asked, "w") as f:
        f.write("asked\n")
    fd = os.open(asked, os.O_PATH)
    try:
        # Checked by object, then the path is taken over before the grant.
        os.rename(asked, moved)
        os.symlink(secret, asked)
        with isolate.Cell(caps=["exec:/bin"]) as cell:
            cell.grant_at(Cap.read(asked), fd)
            assert cell.run(["cat", moved]).stdout == b"asked\n"
            assert cell.run(["cat", asked]).returncode == 1
            os.unlink(moved)
            with pytest.raises(isolate.IsolateError):
                cell.grant_at(Cap.read(asked), fd, seconds=30)
    finally:
        os.close(fd)
        os.unlink(asked)


def test_run_takes_input_environment_directory_and_user(supervisor, work):
    with isolate.Cell(caps=["exec:/bin", Cap.read(work)]) as cell:
        r = cell.run(["sh", "-c", "read x; echo $x $FOO $(pwd) $(id -u)"], input=b"in\n",
                     env={"FOO": "bar", "PATH": "/bin"}, cwd=work, user="nobody")
        assert (r.returncode, r.stdout) == (0, f"in bar {work} 65534\n".encode())
        r = cell.run(["sh", "-c", "echo ${SECRET_TOKEN:-unset}"])
        assert r.stdout == b"unset\n"


def test_failures_carry_the_clis_exit_codes(supervisor):
    with isolate.Cell(caps=["exec:/bin"], timeout=2) as cell:
        with pytest.raises(isolate.IsolateError) as e:
            cell.run(["/bin/no-such-command"])
        assert (e.value.exit_code, e.value.errno) == (127, errno.ENOENT)
        with pytest.raises(isolate.IsolateError) as e:
            cell.run(["/usr/bin/isolate-loader", "version"])
        assert (e.value.exit_code, e.value.errno) == (126, errno.EACCES)
        with pytest.raises(isolate.RunTimeout) as e:
            cell.run(["sh", "-c", "echo started; sleep 30"])
        assert e.value.exit_code == 124 and e.value.stdout == b"started\n"
        assert cell.run(["sh", "-c", "kill -9 $$"]).returncode == 128 + 9
    with pytest.raises(isolate.IsolateError) as e:
        with isolate.Cell(caps=["memory:1G"], name="bad/name"):
            pass
    assert e.value.exit_code == 1


def test_a_policy_that_extends_others_is_refused_not_made_without_them(supervisor):
    # Cell() rebuilt the policy under its own name and dropped extends: the
    # cell was made without what it extends, denies among them.
    pol = isolate.CellPolicy("agent", ["exec:/bin"], extends=["no-secrets"])
    with pytest.raises(isolate.IsolateError) as e:
        with isolate.Cell(policy=pol, base=False):
            pass
    assert "no-secrets" in str(e.value)


def test_run_waits_for_the_command_not_what_it_left_running(supervisor):
    # Waiting for the sleep would end in RunTimeout, the cell killed.
    with isolate.Cell(caps=["exec:/bin"]) as cell:
        r = cell.run(["sh", "-c", "echo hi; sleep 100 &"], timeout=30)
        assert (r.returncode, r.stdout, r.stderr) == (0, b"hi\n", b"")


def test_snapshot_restores_the_same_capabilities(supervisor, work):
    with isolate.Cell(caps=["exec:/bin", Cap.read(f"{work}/allowed")]) as cell:
        snap = cell.snapshot()
        with isolate.restore(snap, name=cell.name + "-copy") as copy:
            assert set(copy.current_policy().caps) == set(cell.current_policy().caps)
            assert copy.run(["cat", f"{work}/allowed"]).stdout == b"allowed\n"
            assert copy.run(["cat", f"{work}/secret"]).returncode == 1


def test_features_say_every_file_capability_is_enforced(supervisor):
    f = isolate.features()
    assert f.loaded
    by_name = {c.name: c for c in f.capabilities}
    for name in ("file.read", "file.write", "exec", "net.connect", "cell-abi"):
        assert by_name[name].enforced, by_name[name]
