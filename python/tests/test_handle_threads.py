# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""A Cell shared by threads, or copied by fork(): its handle is not freed
under a call another thread is making (ctypes runs them at once), and a
child of fork() can use it even if a thread of the parent was in a call.
libisolate is a stand-in here, which says in what order it was called."""

import os
import threading

import pytest

import isolate
from isolate import cells


class FakeLib:
    def __init__(self):
        self.calls = []
        self.in_kill = threading.Event()
        self.destroyed = threading.Event()

    def isolate_open(self, ref):
        ref._obj.value = 0x1000
        return 0

    def isolate_allow_unenforced(self, ptr, allow):
        pass

    def isolate_cell_kill(self, ptr, name):
        self.calls.append("kill")
        self.in_kill.set()
        # A destroy that does not wait for this call gets done meanwhile.
        self.destroyed.wait(0.5)
        self.calls.append("kill returns")
        return 0

    def isolate_cell_destroy(self, ptr, name):
        self.calls.append("destroy")
        return 0

    def isolate_close(self, ptr):
        self.calls.append("close")
        self.destroyed.set()


@pytest.fixture
def fake(monkeypatch):
    f = FakeLib()
    monkeypatch.setattr(cells, "lib", lambda: f)
    return f


def test_destroy_waits_for_a_call_under_way(fake):
    cell = isolate.Cell(base=False)
    cell._iso = cells._Isolate()
    killer = threading.Thread(target=cell.kill)
    killer.start()
    assert fake.in_kill.wait(30)
    destroyer = threading.Thread(target=cell.destroy)
    destroyer.start()
    killer.join()
    destroyer.join()
    assert fake.calls == ["kill", "kill returns", "destroy", "close"]


def test_a_call_after_destroy_is_refused(fake):
    cell = isolate.Cell(base=False)
    cell._iso = cells._Isolate()
    cell.destroy()
    with pytest.raises(isolate.IsolateError, match="is not created"):
        cell.kill()
    assert fake.calls == ["destroy", "close"]


def test_a_child_of_fork_takes_the_handle_a_parents_thread_held(fake):
    iso = cells._Isolate()
    holding, release = threading.Event(), threading.Event()

    def hold():
        with iso.lock:
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(30)
    pid = os.fork()
    if pid == 0:
        try:
            got = iso.lock.acquire(timeout=5)
        finally:
            os._exit(0 if got else 1)
    release.set()
    holder.join()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
