# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""ctypes over libisolate and libisolate-cell: where they are, what they take.

The libraries are found by ``$ISOLATE_LIBDIR`` when set, then by the
directory ``make install`` recorded, then by the dynamic loader's own
search (``ld.so.cache``, ``LD_LIBRARY_PATH``). Every prototype used by the
package is declared here, once.
"""

from __future__ import annotations

import ctypes
import os
from ctypes import (POINTER, Structure, byref, c_bool, c_char, c_char_p, c_int, c_size_t,
                    c_uint, c_uint32, c_uint64, c_void_p)
from typing import Callable, Optional

from .errors import IsolateError, NotLoadedError, PolicyError, UnsupportedError

ENOTLOADED = 65        # ENOPKG: ISOLATE_ENOTLOADED is its negative
ENOSUPERVISOR = 107    # ENOTCONN: ISOLATE_ENOSUPERVISOR is its negative


def _libdirs() -> list:
    dirs = []
    if os.environ.get("ISOLATE_LIBDIR"):
        dirs.append(os.environ["ISOLATE_LIBDIR"])
    try:
        from ._installed import LIBDIR  # written by `make install`
        dirs.append(LIBDIR)
    except ImportError:
        pass
    return dirs


def _open(soname: str) -> ctypes.CDLL:
    tried = []
    for d in _libdirs():
        path = os.path.join(d, soname)
        if os.path.exists(path):
            return ctypes.CDLL(path)
        tried.append(path)
    try:
        return ctypes.CDLL(soname)
    except OSError as e:
        tried.append(soname)
        raise ImportError(f"isolate: cannot load {soname} (tried {', '.join(tried)}): {e}; "
                          "install isolate (make install) or set ISOLATE_LIBDIR") from e


class Diag(Structure):
    """struct isolate_diag."""
    _fields_ = [("file", c_char * 256), ("line", c_uint), ("column", c_uint),
                ("msg", c_char * 256)]


class NetCap(Structure):
    """struct isolate_net_cap."""
    _fields_ = [("proto", ctypes.c_uint8), ("family", ctypes.c_uint8),
                ("prefix_len", ctypes.c_uint8), ("_pad", ctypes.c_uint8),
                ("port_min", ctypes.c_uint16), ("port_max", ctypes.c_uint16),
                ("addr", ctypes.c_uint8 * 16)]


class Verdict(Structure):
    """struct isolate_verdict."""
    _fields_ = [("allowed", c_bool), ("audit", c_bool), ("rule_id", c_uint32),
                ("rule_text", c_char_p), ("entry", c_void_p), ("refused_because", c_int),
                ("object", c_char * 4096)]


class CellRecord(Structure):
    """struct isolate_cell (abi.h)."""
    _fields_ = [("cell_id", c_uint32), ("generation", c_uint32), ("ruleset", c_uint32),
                ("mode", c_uint32), ("flags", c_uint32), ("broker_rights", c_uint32),
                ("netlink_protocols", c_uint32), ("fallback_ruleset", c_uint32),
                ("socket_families", c_uint64), ("expires_ns", c_uint64),
                ("spare_ruleset", c_uint32), ("_pad", c_uint32)]


class CellState(Structure):
    """struct isolate_cell_state; counters: allowed, denied, audited first."""
    _fields_ = [("name", c_char * 64), ("cgid", c_uint64), ("cell", CellRecord),
                ("counters", c_uint64 * 31), ("unenforced", c_uint32)]


class SpawnOpts(Structure):
    """struct isolate_spawn_opts."""
    _fields_ = [("sz", c_size_t), ("set_ids", c_bool), ("uid", c_uint32), ("gid", c_uint32),
                ("envp", POINTER(c_char_p)), ("cwd", c_char_p), ("stdio", POINTER(c_int)),
                ("new_session", c_bool)]


class Feature(Structure):
    """struct isolate_feature."""
    _fields_ = [("name", c_char * 48), ("state", c_int), ("detail", c_char * 160)]


class Enforcement(Structure):
    """struct isolate_enforcement."""
    _fields_ = [("capability", c_bool), ("enforced", c_bool), ("what", c_char * 256),
                ("why", c_char * 160)]


class EnforcementReport(Structure):
    """struct isolate_enforcement_report."""
    _fields_ = [("abi", c_int), ("n", c_size_t), ("items", POINTER(Enforcement))]


class IncellMessage(Structure):
    """struct incell_message (cell.h)."""
    _fields_ = [("call_id", c_uint64), ("reply_to", c_uint64), ("granted", c_int),
                ("expires_ms", c_uint64), ("len", c_size_t), ("data", c_char * 1024)]


class EventHdr(Structure):
    """struct isolate_event_hdr (events.h): the start of every record."""
    _fields_ = [("abi_version", ctypes.c_uint16), ("event_class", ctypes.c_uint16),
                ("size", c_uint32), ("cell_cgid", c_uint64), ("cell_id", c_uint32),
                ("generation", c_uint32), ("rule_id", c_uint32), ("pid", c_uint32),
                ("tgid", c_uint32), ("_pad", c_uint32), ("ts_ns", c_uint64), ("seq", c_uint64)]


EVENT_LIFECYCLE = 7    # ISOLATE_EVENT_LIFECYCLE


class LifecycleRecord(Structure):
    """struct isolate_event_lifecycle (events.h): a cell created, changed, destroyed."""
    _fields_ = [("hdr", EventHdr), ("what", c_uint32), ("_pad", c_uint32),
                ("name", c_char * 64), ("detail", c_char * 64)]


# int fn(void *ctx, const struct isolate_event_hdr *hdr, size_t size)
EVENT_FN = ctypes.CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t)


class PathBindingRecord(Structure):
    """struct isolate_path_binding (isolate.h)."""
    _fields_ = [("path", c_char_p), ("real", c_char_p), ("dev", c_uint64), ("ino", c_uint64),
                ("moved", c_bool), ("superseded", c_bool)]


# int fn(const struct isolate_path_binding *b, void *ctx)
BINDING_FN = ctypes.CFUNCTYPE(c_int, POINTER(PathBindingRecord), c_void_p)

_P = c_void_p
_PP = POINTER(c_void_p)
_D = POINTER(Diag)

# name: (restype, argtypes)
_ISOLATE = {
    "isolate_version": (c_char_p, []),
    "isolate_last_error": (c_char_p, []),
    "isolate_error_exit_code": (c_int, [c_int]),
    "isolate_diag_format": (c_int, [_D, c_char_p, c_size_t]),
    # capabilities
    "isolate_cap_parse": (c_int, [c_char_p, _PP, _D]),
    "isolate_cap_format": (c_int, [_P, c_char_p, c_size_t]),
    "isolate_cap_free": (None, [_P]),
    "isolate_cap_get_kind": (c_int, [_P]),
    "isolate_cap_get_flags": (c_uint, [_P]),
    "isolate_cap_get_path": (c_char_p, [_P]),
    "isolate_cap_get_value": (c_uint64, [_P]),
    "isolate_cap_get_unix_name": (c_char_p, [_P]),
    "isolate_cap_get_cpu_period": (c_uint64, [_P]),
    "isolate_cap_get_net": (POINTER(NetCap), [_P]),
    "isolate_cap_kind_name": (c_char_p, [c_int]),
    "isolate_cap_kind_parse": (c_int, [c_char_p]),
    "isolate_cap_mode": (_P, [c_uint32]),
    "isolate_broker_right_parse": (c_uint32, [c_char_p]),
    # cell policies
    "isolate_cell_name_valid": (c_bool, [c_char_p]),
    "isolate_cell_policy_new": (_P, [c_char_p]),
    "isolate_cell_policy_from_base": (_P, [c_char_p, c_bool, _D]),
    "isolate_cell_policy_free": (None, [_P]),
    "isolate_cell_policy_name": (c_char_p, [_P]),
    "isolate_cell_policy_mode": (c_uint32, [_P]),
    "isolate_cell_policy_add": (c_int, [_P, _P]),
    "isolate_cell_policy_remove": (c_int, [_P, _P]),
    "isolate_cell_policy_cap_count": (c_size_t, [_P]),
    "isolate_cell_policy_cap": (_P, [_P, c_size_t]),
    "isolate_cell_policy_add_extends": (c_int, [_P, c_char_p]),
    "isolate_cell_policy_extends_count": (c_size_t, [_P]),
    "isolate_cell_policy_extends": (c_char_p, [_P, c_size_t]),
    "isolate_cell_policy_normalize": (c_int, [_P, _PP]),
    "isolate_cell_policy_write_snapshot": (c_int, [_P, _P, c_bool]),
    "isolate_cell_policy_read_snapshot": (c_int, [c_char_p, c_char_p, c_size_t, c_char_p, _PP,
                                                  _D]),
    # documents
    "isolate_policy_load": (c_int, [c_char_p, _PP, _D]),
    "isolate_policy_parse": (c_int, [c_char_p, c_char_p, c_size_t, _PP, _D]),
    "isolate_policy_builtin": (c_int, [_PP, _D]),
    "isolate_policy_free": (None, [_P]),
    "isolate_policy_cell_count": (c_size_t, [_P]),
    "isolate_policy_cell": (_P, [_P, c_size_t]),
    "isolate_policy_new": (_P, [c_char_p]),
    "isolate_policy_add_include": (c_int, [_P, c_char_p]),
    "isolate_policy_add_cell": (c_int, [_P, _P]),
    "isolate_policy_resolve": (c_int, [_P, _D]),
    "isolate_policy_name": (c_char_p, [_P]),
    "isolate_policy_include_count": (c_size_t, [_P]),
    "isolate_policy_include": (c_char_p, [_P, c_size_t]),
    "isolate_policy_doc_cell_count": (c_size_t, [_P]),
    "isolate_policy_doc_cell": (_P, [_P, c_size_t]),
    "isolate_policy_emit": (c_int, [_P, POINTER(c_void_p), POINTER(c_size_t)]),
    # compile and explain
    "isolate_compile": (c_int, [_P, _PP, _D]),
    "isolate_image_free": (None, [_P]),
    "isolate_explain": (c_int, [_P, c_int, c_char_p, POINTER(Verdict), _D]),
    # the loaded system and its cells
    "isolate_open": (c_int, [_PP]),
    "isolate_close": (None, [_P]),
    "isolate_check_current": (c_int, [_P]),
    "isolate_allow_unenforced": (None, [_P, c_bool]),
    "isolate_cell_create": (c_int, [_P, c_char_p, _P, POINTER(CellState)]),
    "isolate_cell_get": (c_int, [_P, c_char_p, POINTER(CellState)]),
    "isolate_cell_policy_get": (c_int, [_P, c_char_p, _PP]),
    "isolate_cell_grant": (c_int, [_P, c_char_p, _PP, c_size_t]),
    "isolate_cell_grant_timed": (c_int, [_P, c_char_p, _PP, c_size_t, c_uint]),
    "isolate_cell_grant_at": (c_int, [_P, c_char_p, _P, c_int, c_uint]),
    "isolate_cell_revoke": (c_int, [_P, c_char_p, _PP, c_size_t]),
    "isolate_cell_snapshot": (c_int, [_P, c_char_p, _P, c_bool]),
    "isolate_cell_bindings": (c_int, [_P, c_char_p, BINDING_FN, _P]),
    "isolate_cell_rebind": (c_int, [_P, c_char_p]),
    "isolate_cell_restore": (c_int, [_P, c_char_p, c_char_p, c_size_t, c_char_p,
                                     POINTER(CellState)]),
    "isolate_cell_kill": (c_int, [_P, c_char_p]),
    "isolate_cell_destroy": (c_int, [_P, c_char_p]),
    "isolate_cell_name_of": (c_int, [_P, c_uint64, c_char_p, c_size_t]),
    "isolate_cell_spawn": (c_int, [_P, c_char_p, POINTER(c_char_p), POINTER(SpawnOpts),
                                   POINTER(c_int)]),
    # events
    "isolate_events_open": (c_int, [_P, EVENT_FN, _P, _PP]),
    "isolate_events_subscribe": (c_int, [_P, c_uint32, c_bool, EVENT_FN, _P, _PP]),
    "isolate_events_poll": (c_int, [_P, c_int]),
    "isolate_events_close": (None, [_P]),
    "isolate_event_write_json": (None, [_P, c_char_p, _P, c_size_t]),
    "isolate_event_class_name": (c_char_p, [c_uint32]),
    # features and the Landlock backend
    "isolate_features": (c_int, [_P, POINTER(Feature), c_size_t, POINTER(c_size_t)]),
    "isolate_landlock_abi": (c_int, []),
    "isolate_landlock_report": (c_int, [_P, c_int, POINTER(EnforcementReport)]),
    "isolate_enforcement_report_free": (None, [POINTER(EnforcementReport)]),
}

_INCELL = {
    "incell_log": (c_int, None),     # variadic: (int level, const char *fmt, ...)
    "incell_metric": (c_int, [c_char_p, c_int, ctypes.c_int64]),
    "incell_request": (c_int, [c_uint32, c_char_p]),
    "incell_post": (c_int, [c_uint64, c_char_p, c_size_t]),
    "incell_recv": (c_int, [POINTER(IncellMessage), c_int]),
    "incell_wait_reply": (c_int, [c_uint64, POINTER(IncellMessage), c_int]),
}

_LIBC = {
    "open_memstream": (c_void_p, [POINTER(c_void_p), POINTER(c_size_t)]),
    "fclose": (c_int, [c_void_p]),
    "free": (None, [c_void_p]),
}


def _declare(lib: ctypes.CDLL, table: dict) -> ctypes.CDLL:
    for name, (restype, argtypes) in table.items():
        fn = getattr(lib, name)
        fn.restype = restype
        if argtypes is not None:
            fn.argtypes = argtypes
    return lib


_handles: dict = {}


def lib() -> ctypes.CDLL:
    """libisolate, loaded on first use."""
    if "isolate" not in _handles:
        _handles["isolate"] = _declare(_open("libisolate.so.1"), _ISOLATE)
    return _handles["isolate"]


def cell_lib() -> ctypes.CDLL:
    """libisolate-cell (the in-cell ABI), loaded on first use."""
    if "cell" not in _handles:
        _handles["cell"] = _declare(_open("libisolate-cell.so.0"), _INCELL)
    return _handles["cell"]


def libc() -> ctypes.CDLL:
    if "c" not in _handles:
        _handles["c"] = _declare(ctypes.CDLL(None), _LIBC)
    return _handles["c"]


def enc(s: str) -> bytes:
    """s as the C library takes it. A C string ends at its first NUL: with
    one inside, C would get another string, a shorter path or capability."""
    b = os.fsencode(s)
    if b"\0" in b:
        raise ValueError(f"embedded null character in {s!r:.200}")
    return b


def int_arg(what: str, value: int, lo: int, hi: int) -> int:
    """value when it is an integer from lo to hi. ctypes takes any integer
    and keeps its low bits: 2**32 + 60 seconds would reach C as 60."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"{what} {value!r}: expected an integer from {lo} to {hi}")
    return value


FD_MAX = 2**31 - 1
GRANT_SECONDS_MAX = 365 * 24 * 3600   # ISOLATE_GRANT_SECONDS_MAX


def dec(b: Optional[bytes]) -> str:
    return os.fsdecode(b) if b is not None else ""


def error(ret: int, what: str = "") -> IsolateError:
    """The exception for a negative errno ret, with the library's message."""
    message = dec(lib().isolate_last_error()) or os.strerror(-ret)
    if what:
        message = f"{what}: {message}"
    code = lib().isolate_error_exit_code(ret)
    cls = {3: UnsupportedError, 4: NotLoadedError}.get(code, IsolateError)
    return cls(message, -ret, code)


def check(ret: int, what: str = "") -> int:
    """ret when it is not negative, else raises error(ret)."""
    if ret < 0:
        raise error(ret, what)
    return ret


def diag_error(diag: Diag, ret: int = -22) -> PolicyError:
    """A PolicyError saying what diag says ("file:line:column: msg")."""
    buf = ctypes.create_string_buffer(1024)
    lib().isolate_diag_format(byref(diag), buf, len(buf))
    message = dec(buf.value) or dec(lib().isolate_last_error()) or os.strerror(-ret)
    return PolicyError(message, dec(diag.file), diag.line, diag.column,
                       dec(diag.msg) or message)


def memstream(write: Callable[[int], int]) -> bytes:
    """What write(FILE *) writes, as bytes; raises for its negative return."""
    buf, size = c_void_p(), c_size_t()
    f = libc().open_memstream(byref(buf), byref(size))
    if not f:
        raise MemoryError("open_memstream")
    try:
        ret = write(f)
    finally:
        libc().fclose(f)
    try:
        data = ctypes.string_at(buf, size.value) if buf.value else b""
    finally:
        libc().free(buf)
    check(ret if ret is not None else 0)
    return data
