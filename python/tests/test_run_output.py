# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Cell.run holds at most max_output bytes of each stream: a command writing
more is killed and RunOutputLimit raised. It waits for the command, not for
what the command left running with the pipes open. On the host, without a cell: the
reading loop is given an ordinary child, and killing the cell kills it."""

import inspect
import os
import signal
import sys

import pytest

import isolate
from isolate.cells import MAX_OUTPUT


def communicate(code, max_output, killed, argv=None, limit=30, exited=False):
    """Runs python -c code (or argv) with its stdout and stderr read by
    Cell.run's loop; what killing the cell killed goes to killed. exited:
    the loop starts once the command has exited (not reaped). The command
    leads a process group of its own, which stands for the cell: killing the
    cell kills the group, and so does leaving, as destroying the cell would."""
    cell = isolate.Cell(base=False, timeout=limit)
    r1, w1 = os.pipe2(os.O_CLOEXEC)
    r2, w2 = os.pipe2(os.O_CLOEXEC)
    pid = os.posix_spawn(argv[0] if argv else sys.executable,
                         argv or [sys.executable, "-c", code], os.environ, setpgroup=0,
                         file_actions=[(os.POSIX_SPAWN_DUP2, w1, 1),
                                       (os.POSIX_SPAWN_DUP2, w2, 2)])
    os.close(w1)
    os.close(w2)

    def kill():
        killed.append(pid)
        os.killpg(pid, signal.SIGKILL)
    cell.kill = kill
    ours = [r1, r2]
    if exited:
        os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    try:
        return cell._communicate(pid, {1: r1, 2: r2}, ours, None, cell.timeout, max_output)
    finally:
        for fd in ours:
            os.close(fd)
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_the_default_is_16_mib_per_stream():
    assert MAX_OUTPUT == 16 << 20
    assert inspect.signature(isolate.Cell.run).parameters["max_output"].default == MAX_OUTPUT


def test_output_up_to_the_bound_is_returned_whole():
    killed = []
    status, out, err = communicate(
        "import sys; sys.stdout.write('o' * 100000); sys.stderr.write('e' * 100000)", 100000,
        killed)
    assert (status, out, err, killed) == (0, b"o" * 100000, b"e" * 100000, [])


@pytest.mark.parametrize("stream, fd", [("stdout", 1), ("stderr", 2)])
def test_one_byte_more_kills_the_cell(stream, fd):
    code = (f"import sys, time; sys.{stream}.write('x' * 100001); sys.{stream}.flush(); "
            "time.sleep(30)")
    killed = []
    with pytest.raises(isolate.RunOutputLimit) as e:
        communicate(code, 100000, killed)
    assert len(killed) == 1
    assert (e.value.errno, e.value.exit_code) == (27, 1)   # EFBIG
    assert e.value.message.startswith(f"run: more than 100000 bytes on {stream}: "
                                      "every process of cell ")
    assert (e.value.stdout if fd == 1 else e.value.stderr) == b"x" * 100000
    assert (e.value.stderr if fd == 1 else e.value.stdout) == b""


def test_an_endless_writer_is_stopped():
    killed = []
    with pytest.raises(isolate.RunOutputLimit) as e:
        communicate("import os\nwhile True: os.write(1, b'y' * 65536)", 1 << 20, killed)
    assert e.value.stdout == b"y" * (1 << 20) and len(killed) == 1


def test_none_is_no_bound():
    killed = []
    status, out, _ = communicate("import sys; sys.stdout.write('z' * (3 << 20))", None, killed)
    assert (status, len(out), killed) == (0, 3 << 20, [])


def test_what_the_command_left_behind_is_not_waited_for():
    # The background sleep holds stdout and stderr open for 100 s: waiting
    # for it would end in RunTimeout, the cell killed.
    killed = []
    result = communicate(None, MAX_OUTPUT, killed, ["/bin/sh", "-c", "echo hi; sleep 100 &"],
                         limit=inspect.signature(isolate.Cell).parameters["timeout"].default)
    assert result == (0, b"hi\n", b"") and killed == []


def test_output_written_just_before_the_exit_is_kept():
    # All of it is still in the pipes, which the sleep holds open, when the
    # loop first looks.
    killed = []
    code = "import os; os.write(1, b'x' * 60000); os.write(2, b'e' * 60000)"
    result = communicate(None, MAX_OUTPUT, killed,
                         ["/bin/sh", "-c", f'sleep 100 & exec "{sys.executable}" -c "{code}"'],
                         exited=True)
    assert result == (0, b"x" * 60000, b"e" * 60000) and killed == []


def test_a_writer_left_behind_does_not_keep_run_reading():
    # Reading until the pipes close would end in RunTimeout, the cell killed.
    killed = []
    status, out, _ = communicate(None, None, killed, ["/bin/sh", "-c", "echo hi; yes &"])
    assert (status, out[:3], killed) == (0, b"hi\n", [])


def test_a_command_that_does_not_exit_is_killed_at_the_timeout():
    killed = []
    with pytest.raises(isolate.RunTimeout) as e:
        communicate(None, MAX_OUTPUT, killed, ["/bin/sh", "-c", "echo started; sleep 100"],
                    limit=0.5)
    assert (e.value.exit_code, e.value.stdout, e.value.stderr) == (124, b"started\n", b"")
    assert len(killed) == 1
