# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Events: what the kernel reported about cells, as typed objects.

``for ev in isolate.events(cell="agent"): ...`` subscribes to the
supervisor's stream (``isolate-loader supervise``), as ``isolate-loader
events`` does: first the recent events it kept, then each as it comes.
Every record is turned into its JSON form by libisolate
(``isolate_event_write_json``, Documentation/events.md), so the fields and
their names are the CLI's.
"""

from __future__ import annotations

import json
import time
from ctypes import byref, c_void_p, create_string_buffer, sizeof
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional

from . import _lib
from ._lib import (EVENT_FN, EVENT_LIFECYCLE, EventHdr, LifecycleRecord, check, lib,
                   memstream)
from .cells import _Isolate
from .errors import IsolateError


@dataclass(frozen=True)
class Event:
    """Fields every event has. kind: deny, audit, log, metric, broker, message, lifecycle."""
    kind: str
    cell: Optional[str]
    cell_id: int
    cgroup_id: int
    generation: int
    rule: Optional[int]
    pid: int
    tgid: int
    ts_ns: int
    seq: int
    fields: Dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class AccessEvent(Event):
    """deny (refused) or audit (would have been refused). errno is 0 in audit mode."""
    op: str = ""
    errno: int = 0
    comm: str = ""
    path: Optional[str] = None
    address: Optional[str] = None
    port: Optional[int] = None


@dataclass(frozen=True)
class LogEvent(Event):
    level: int = 0
    message: str = ""


@dataclass(frozen=True)
class MetricEvent(Event):
    name: str = ""
    metric_kind: str = ""
    value: int = 0


@dataclass(frozen=True)
class BrokerEvent(Event):
    request_id: int = 0
    right: str = ""
    target: str = ""


@dataclass(frozen=True)
class MessageEvent(Event):
    in_reply_to: int = 0
    data: str = ""


@dataclass(frozen=True)
class LifecycleEvent(Event):
    what: str = ""
    name: str = ""


_COMMON = ("cell_id", "cgroup_id", "generation", "rule", "pid", "tgid", "ts_ns", "seq")


def event_from_json(obj: Dict[str, Any]) -> Event:
    """The typed event of one JSON object as isolate-loader writes it."""
    kind = obj["class"]
    common = dict(kind=kind, cell=obj.get("cell"), fields=obj,
                  **{k: obj.get(k) for k in _COMMON})
    if kind in ("deny", "audit"):
        return AccessEvent(**common, op=obj.get("op", ""), errno=obj.get("errno", 0),
                           comm=obj.get("comm", ""), path=obj.get("path"),
                           address=obj.get("address"), port=obj.get("port"))
    if kind == "log":
        return LogEvent(**common, level=obj.get("level", 0), message=obj.get("message", ""))
    if kind == "metric":
        return MetricEvent(**common, name=obj.get("name", ""), metric_kind=obj.get("kind", ""),
                           value=obj.get("value", 0))
    if kind == "broker":
        return BrokerEvent(**common, request_id=obj.get("request_id", 0),
                           right=obj.get("right", ""), target=obj.get("target", ""))
    if kind == "message":
        return MessageEvent(**common, in_reply_to=obj.get("in_reply_to", 0),
                            data=obj.get("data", ""))
    if kind == "lifecycle":
        return LifecycleEvent(**common, what=obj.get("what", ""), name=obj.get("name", ""))
    return Event(**common)


_NAMES_MAX = 1024


class _CellNames:
    """Cell names by cgroup id (unlike cell ids, never reused), as
    isolate-loader keeps them (tools/isolate-loader/cell_names.c): learned
    from lifecycle records, so that a destroyed cell's last records keep its
    name, and asked of libisolate only on a miss: it lists every cell, too
    slow to do for each record of a busy stream. The oldest are forgotten
    first, past _NAMES_MAX."""

    def __init__(self) -> None:
        self._names: Dict[int, bytes] = {}
        self._buf = create_string_buffer(64)

    def _learn(self, cgid: int, name: bytes) -> None:
        self._names.pop(cgid, None)
        if len(self._names) == _NAMES_MAX:
            del self._names[next(iter(self._names))]
        self._names[cgid] = name

    def of(self, iso: _Isolate, hdr: int, size: int) -> Optional[bytes]:
        """The name of the cell of the record at hdr, or None."""
        h = EventHdr.from_address(hdr)
        if h.event_class == EVENT_LIFECYCLE and size >= sizeof(LifecycleRecord):
            self._learn(h.cell_cgid, LifecycleRecord.from_address(hdr).name)
        if h.cell_cgid not in self._names:
            if lib().isolate_cell_name_of(iso.ptr, h.cell_cgid, self._buf,
                                          len(self._buf)) != 0:
                return None
            self._learn(h.cell_cgid, self._buf.value)
        return self._names[h.cell_cgid]


def _class_mask(classes: Optional[Iterable[str]]) -> int:
    if not classes:
        return 0
    names = {_lib.dec(lib().isolate_event_class_name(c)): c for c in range(1, 16)}
    mask = 0
    for name in classes:
        if name not in names:
            raise IsolateError(f"events: unknown class '{name}': expected one of "
                               f"{', '.join(n for n in names if n and n != '?')}")
        mask |= 1 << names[name]
    return mask


def events(follow: bool = True, *, cell: Optional[str] = None,
           classes: Optional[Iterable[str]] = None, replay: bool = True,
           take: bool = False, timeout: Optional[float] = None) -> Iterator[Event]:
    """Events, oldest first.

    follow: keep waiting for new ones (else stop after the replay). cell:
    only this cell's. classes: only these ("deny", "audit", ...). replay:
    start with the recent events the supervisor kept. take: read the rings
    directly instead of subscribing (only when no supervisor runs: a record
    read there is gone for everyone). timeout: stop after this many seconds.

    Raises IsolateError (errno ENOTCONN) when no supervisor runs and take is
    false, NotLoadedError when isolate is not loaded.
    """
    iso = _Isolate()
    queue: List[Event] = []
    replay_over = [not replay]
    names = _CellNames()

    def on_record(_ctx: Optional[int], hdr: Optional[int], size: int) -> int:
        if not hdr:
            replay_over[0] = True
            return 1
        name = names.of(iso, hdr, size)
        line = memstream(lambda f: lib().isolate_event_write_json(f, name, hdr, size))
        try:
            queue.append(event_from_json(json.loads(line)))
        except (ValueError, KeyError):
            pass
        return 0

    fn = EVENT_FN(on_record)
    ev = c_void_p()
    try:
        if take:
            ret = lib().isolate_events_open(iso.ptr, fn, None, byref(ev))
            replay_over[0] = True
        else:
            # Names come from lifecycle records, also when they are not yielded.
            mask = _class_mask(classes)
            if mask:
                mask |= 1 << EVENT_LIFECYCLE
            ret = lib().isolate_events_subscribe(iso.ptr, mask, replay, fn, None, byref(ev))
        check(ret, "events")
        deadline = None if timeout is None else time.monotonic() + timeout
        wanted = set(classes) if classes else None
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return
            check(lib().isolate_events_poll(ev, 100 if left is None else
                                            max(1, min(100, int(left * 1000)))), "events")
            while queue:
                e = queue.pop(0)
                if (cell is None or e.cell == cell) and (wanted is None or e.kind in wanted):
                    yield e
            if not follow and replay_over[0]:
                return
    finally:
        if ev.value:
            lib().isolate_events_close(ev)
        iso.close()
