# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""events() names each record's cell as isolate-loader does: from the
lifecycle records (a destroyed cell's last records keep its name), asked of
libisolate, which lists every cell, once per cell and not once per record.
The supervisor's stream is a stand-in here; the records are turned into
JSON by the real libisolate."""

import errno
import importlib
from ctypes import addressof, create_string_buffer, sizeof

import pytest

from isolate import _lib, cells
from isolate._lib import EVENT_LIFECYCLE, EventHdr, LifecycleRecord

# The module: the package exports its events() under the same name.
events_mod = importlib.import_module("isolate.events")

DENY = 1
LIVE, GONE = 20, 10
CREATED, DESTROYED = 1, 3


def lifecycle(cgid, what, name):
    rec = LifecycleRecord(what=what, name=name.encode())
    rec.hdr = EventHdr(abi_version=1, event_class=EVENT_LIFECYCLE, size=sizeof(rec),
                       cell_cgid=cgid)
    return bytes(rec)


def deny(cgid):
    """A deny record of no object: a header, the rest zero."""
    buf = bytearray(2048)
    hdr = EventHdr(abi_version=1, event_class=DENY, size=len(buf), cell_cgid=cgid)
    buf[:sizeof(hdr)] = bytes(hdr)
    return bytes(buf)


class FakeStream:
    """The handle and the supervisor's stream; the rest is libisolate's."""

    def __init__(self, records):
        self.records = records
        self.mask = None
        self.fn = None
        self.name_of_calls = 0

    def __getattr__(self, name):
        return getattr(_lib.lib(), name)

    def isolate_open(self, ref):
        ref._obj.value = 0x1000
        return 0

    def isolate_allow_unenforced(self, ptr, allow):
        pass

    def isolate_close(self, ptr):
        pass

    def isolate_cell_name_of(self, ptr, cgid, buf, size):
        self.name_of_calls += 1
        if cgid != LIVE:
            return -errno.ENOENT
        buf.value = b"live"
        return 0

    def isolate_events_subscribe(self, ptr, mask, replay, fn, ctx, ref):
        self.mask, self.fn = mask, fn
        ref._obj.value = 0x2000
        return 0

    def isolate_events_poll(self, ev, timeout_ms):
        """The kept records (those of the classes subscribed to), then the end of the replay."""
        for rec in self.records:
            cls = EventHdr.from_buffer_copy(rec).event_class
            if not self.mask or self.mask & (1 << cls):
                buf = create_string_buffer(rec, len(rec))
                self.fn(None, addressof(buf), len(rec))
        self.records = []
        self.fn(None, None, 0)
        return 0

    def isolate_events_close(self, ev):
        pass


@pytest.fixture
def stream(monkeypatch):
    def make(records):
        fake = FakeStream(records)
        monkeypatch.setattr(cells, "lib", lambda: fake)
        monkeypatch.setattr(events_mod, "lib", lambda: fake)
        return fake
    return make


def test_a_destroyed_cells_records_keep_its_name(stream):
    fake = stream([lifecycle(GONE, CREATED, "gone"), deny(GONE),
                   lifecycle(GONE, DESTROYED, "gone"), deny(GONE)])
    got = list(events_mod.events(follow=False, cell="gone"))
    assert [(e.kind, e.cell) for e in got] == [("lifecycle", "gone"), ("deny", "gone"),
                                               ("lifecycle", "gone"), ("deny", "gone")]
    assert fake.name_of_calls == 0


def test_a_cell_is_looked_up_once_not_per_record(stream):
    fake = stream([deny(LIVE)] * 100)
    got = list(events_mod.events(follow=False))
    assert [e.cell for e in got] == ["live"] * 100
    assert fake.name_of_calls == 1


def test_lifecycle_records_name_cells_of_the_classes_asked_for(stream):
    fake = stream([lifecycle(GONE, CREATED, "gone"), deny(GONE)])
    got = list(events_mod.events(follow=False, classes=["deny"], cell="gone"))
    assert fake.mask == (1 << DENY) | (1 << EVENT_LIFECYCLE)
    assert [(e.kind, e.cell) for e in got] == [("deny", "gone")]
    assert fake.name_of_calls == 0


def test_an_unknown_cell_has_no_name(stream):
    fake = stream([deny(GONE), deny(GONE)])
    got = list(events_mod.events(follow=False))
    assert [e.cell for e in got] == [None, None]
    assert fake.name_of_calls == 2
