# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Cell.run holds at most max_output bytes of each stream: a command writing
more is killed and RunOutputLimit raised. On the host, without a cell: the
reading loop is given an ordinary child, and killing the cell kills it."""

import inspect
import os
import signal
import sys

import pytest

import isolate
from isolate.cells import MAX_OUTPUT


def communicate(code, max_output, killed):
    """Runs python -c code with its stdout and stderr read by Cell.run's loop;
    what killing the cell killed goes to killed."""
    cell = isolate.Cell(base=False, timeout=30)
    r1, w1 = os.pipe2(os.O_CLOEXEC)
    r2, w2 = os.pipe2(os.O_CLOEXEC)
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", code], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, w1, 1),
                                       (os.POSIX_SPAWN_DUP2, w2, 2)])
    os.close(w1)
    os.close(w2)

    def kill():
        killed.append(pid)
        os.kill(pid, signal.SIGKILL)
    cell.kill = kill
    ours = [r1, r2]
    try:
        return cell._communicate(pid, {1: r1, 2: r2}, ours, None, 30, max_output)
    finally:
        for fd in ours:
            os.close(fd)


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
