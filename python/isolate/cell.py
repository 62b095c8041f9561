# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Inside a cell: the cell ABI of libisolate-cell (Documentation/cell-abi.md).

A program running in a cell logs, reports metrics, asks the broker for a
capability, and talks to its supervisor through these calls; the kernel
stamps each with the cell it came from, so none can speak for another cell.
Outside a cell they fail with IsolateError (errno EPERM or ENOENT).
"""

from __future__ import annotations

import os
from ctypes import byref, c_char_p
from dataclasses import dataclass
from typing import Optional, Union

from ._lib import IncellMessage, cell_lib, enc, int_arg, lib
from .errors import IsolateError

_LEVELS = {"emerg": 0, "alert": 1, "crit": 2, "err": 3, "error": 3, "warning": 4,
           "warn": 4, "notice": 5, "info": 6, "debug": 7}
_METRIC_KINDS = {"counter": 0, "gauge": 1}
_ETIMEDOUT = 110


def _check(ret: int, what: str) -> int:
    if ret < 0:
        raise IsolateError(f"{what}: {os.strerror(-ret)}", -ret, 1)
    return ret


def log(message: str, level: Union[str, int] = "info") -> None:
    """A log line (syslog level name or 0..7), delivered as a log event."""
    lvl = _LEVELS.get(level) if isinstance(level, str) else level
    if lvl is None or not 0 <= lvl <= 7:
        raise ValueError(f"log: level {level!r}: expected one of {', '.join(_LEVELS)} or 0..7")
    _check(cell_lib().incell_log(lvl, c_char_p(b"%s"), c_char_p(enc(message))), "log")


def metric(name: str, value: int, kind: str = "counter") -> None:
    """A counter increment or a gauge value, delivered as a metric event."""
    if kind not in _METRIC_KINDS:
        raise ValueError(f"metric: kind {kind!r}: expected counter or gauge")
    int_arg("metric: value", value, -2**63, 2**63 - 1)
    _check(cell_lib().incell_metric(enc(name), _METRIC_KINDS[kind], value), "metric")


@dataclass(frozen=True)
class Message:
    """A message from the supervisor: a call to answer (call_id), or a broker
    reply (reply_to, granted, expires_ms: CLOCK_REALTIME ms, 0 never)."""
    call_id: int
    reply_to: int
    granted: bool
    expires_ms: int
    data: bytes


def _message(m: IncellMessage) -> Message:
    return Message(m.call_id, m.reply_to, bool(m.granted), m.expires_ms, bytes(m.data[:m.len]))


def request(right: str, target: str, timeout: Optional[float] = 30) -> Message:
    """Asks the broker for a capability (right: read, write, exec, connect, bind)
    on target and waits for its answer; ``granted`` says what it decided.
    Raises IsolateError (errno ETIMEDOUT) when no answer came in time."""
    bit = lib().isolate_broker_right_parse(enc(right))
    if not bit:
        raise ValueError(f"request: right {right!r}: expected read, write, exec, connect "
                         "or bind")
    rid = _check(cell_lib().incell_request(bit, enc(target)), "request")
    m = IncellMessage()
    _check(cell_lib().incell_wait_reply(rid, byref(m), _ms(timeout)), "request")
    return _message(m)


def post(data: bytes, in_reply_to: int = 0) -> None:
    """Posts a message to the supervisor (an answer to call in_reply_to, or 0)."""
    int_arg("post: in_reply_to", in_reply_to, 0, 2**64 - 1)
    _check(cell_lib().incell_post(in_reply_to, data, len(data)), "post")


def recv(timeout: Optional[float] = None) -> Optional[Message]:
    """The next message for this process, or None when none came in timeout seconds."""
    m = IncellMessage()
    ret = cell_lib().incell_recv(byref(m), _ms(timeout))
    if ret == -_ETIMEDOUT:
        return None
    _check(ret, "recv")
    return _message(m)


def _ms(timeout: Optional[float]) -> int:
    if timeout is None:
        return -1
    # An int of milliseconds in C: a longer wait would wrap, to none or forever.
    if not timeout * 1000 <= 2**31 - 1:
        raise ValueError(f"timeout {timeout!r}: expected at most {(2**31 - 1) // 1000} seconds, "
                         "or None for no limit")
    return max(0, int(timeout * 1000))
