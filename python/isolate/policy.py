# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Capabilities and policies: the C model of <isolate/policy.h>, held in Python.

Every object is built, checked and written by libisolate itself: a ``Cap``
is parsed and formatted by ``isolate_cap_parse``/``isolate_cap_format``, a
``CellPolicy`` is what ``isolate_cell_policy_*`` make of its capabilities
(one budget of a kind, the mode as a field), and YAML is
``isolate_policy_emit``'s canonical form. So a policy built here and one
parsed by ``isolate-loader`` are the same object, compared the same way.
"""

from __future__ import annotations

import ctypes
from ctypes import byref, c_size_t, c_void_p
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple, Union

from . import _lib
from ._lib import Diag, check, dec, diag_error, enc, lib

CapLike = Union["Cap", str]

_DENY = 1 << 0
_OPTIONAL = 1 << 1


def _cap_ptr(text: str) -> int:
    out, diag = c_void_p(), Diag()
    ret = lib().isolate_cap_parse(enc(text), byref(out), byref(diag))
    if ret < 0:
        raise diag_error(diag, ret)
    return out.value


def _cap_text(ptr: int) -> str:
    buf = ctypes.create_string_buffer(512)
    n = lib().isolate_cap_format(ptr, buf, len(buf))
    if n >= len(buf):
        buf = ctypes.create_string_buffer(n + 1)
        lib().isolate_cap_format(ptr, buf, len(buf))
    return dec(buf.value)


def _ports(port: Union[int, Tuple[int, int]]) -> str:
    if isinstance(port, tuple):
        return f"{port[0]}-{port[1]}"
    return str(port)


def _address(addr: str) -> str:
    if ":" in addr and not addr.startswith("["):
        host, _, prefix = addr.partition("/")
        return f"[{host}]/{prefix}" if prefix else f"[{host}]"
    return addr


class Cap:
    """One capability, e.g. ``Cap("read:/srv/data")`` or ``Cap.read("/srv/data")``.

    The text is the one ``isolate-loader grant`` and ``run --cap`` take
    (Documentation/policy.md); ``str(cap)`` is its canonical form. Two
    capabilities are equal when their canonical texts are.
    """

    __slots__ = ("text", "kind", "deny", "optional", "path")

    def __init__(self, text: str) -> None:
        ptr = _cap_ptr(text)
        try:
            self.text: str = _cap_text(ptr)
            self.kind: str = dec(lib().isolate_cap_kind_name(lib().isolate_cap_get_kind(ptr)))
            flags = lib().isolate_cap_get_flags(ptr)
            self.deny: bool = bool(flags & _DENY)
            self.optional: bool = bool(flags & _OPTIONAL)
            path = lib().isolate_cap_get_path(ptr)
            self.path: Optional[str] = dec(path) if path is not None else None
        finally:
            lib().isolate_cap_free(ptr)

    @classmethod
    def of(cls, cap: CapLike) -> "Cap":
        """cap itself, or the capability its text names."""
        return cap if isinstance(cap, Cap) else cls(cap)

    # Paths
    @classmethod
    def read(cls, path: str, *, optional: bool = False, deny: bool = False) -> "Cap":
        """Read a file, or a directory tree."""
        return cls._path("read", path, optional, deny)

    @classmethod
    def write(cls, path: str, *, optional: bool = False, deny: bool = False) -> "Cap":
        """Write (create, modify) a file or in a tree."""
        return cls._path("write", path, optional, deny)

    @classmethod
    def exec(cls, path: str, *, optional: bool = False, deny: bool = False) -> "Cap":
        """Run (or map executable) a file, or the files of a tree."""
        return cls._path("exec", path, optional, deny)

    @classmethod
    def _path(cls, word: str, path: str, optional: bool, deny: bool) -> "Cap":
        return cls(f"{'deny-' if deny else ''}{word}{'?' if optional else ''}:{path}")

    # Network
    @classmethod
    def connect(cls, address: str, port: Union[int, Tuple[int, int]], *, proto: str = "tcp",
                deny: bool = False) -> "Cap":
        """Connect to an address block ("10.0.0.0/8", "2001:db8::/32") and port (range)."""
        return cls(f"{'deny-' if deny else ''}connect:{proto}:{_address(address)}:{_ports(port)}")

    @classmethod
    def bind(cls, address: str, port: Union[int, Tuple[int, int]], *, proto: str = "tcp",
             deny: bool = False) -> "Cap":
        """Bind to an address block and port (range)."""
        return cls(f"{'deny-' if deny else ''}bind:{proto}:{_address(address)}:{_ports(port)}")

    @classmethod
    def unix(cls, name: str, *, bind: bool = False) -> "Cap":
        """Connect (or bind) to an abstract AF_UNIX name, written "@name"."""
        return cls(f"unix-{'bind' if bind else 'connect'}:{name}")

    # Budgets
    @classmethod
    def cpu(cls, quota_us: int, period_us: int = 100000) -> "Cap":
        """CPU time: quota_us in every period_us (cpu.max)."""
        return cls(f"cpu:{quota_us}/{period_us}")

    @classmethod
    def memory(cls, size: Union[int, str]) -> "Cap":
        """Memory: bytes, or a size such as "512M" (memory.max)."""
        return cls(f"memory:{size}")

    @classmethod
    def pids(cls, count: int) -> "Cap":
        """Processes and threads at once (pids.max)."""
        return cls(f"pids:{count}")

    # The rest
    @classmethod
    def broker(cls, right: str) -> "Cap":
        """The right to ask the broker for more: read, write, exec, connect, bind."""
        return cls(f"broker:{right}")

    @classmethod
    def mode(cls, mode: str) -> "Cap":
        """enforce, or audit (denials only reported)."""
        return cls(f"mode:{mode}")

    @classmethod
    def namespace(cls, kind: str) -> "Cap":
        """Create a user or a mount namespace."""
        return cls(f"namespace:{kind}")

    @classmethod
    def allow(cls, what: str) -> "Cap":
        """exec-memory (JITs) or unix-autobind."""
        return cls(f"allow:{what}")

    @classmethod
    def socket(cls, family: str) -> "Cap":
        """Sockets of an address family or netlink protocol ("inet", "netlink-route")."""
        return cls(f"socket:{family}")

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Cap({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cap) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __lt__(self, other: "Cap") -> bool:
        return self.text < other.text


class _CellHandle:
    """A struct isolate_cell_policy * owned for the duration of a with block."""

    def __init__(self, ptr: int) -> None:
        self.ptr = ptr

    def __enter__(self) -> int:
        return self.ptr

    def __exit__(self, *exc: object) -> None:
        lib().isolate_cell_policy_free(self.ptr)


def _mode_name(mode: int) -> str:
    ptr = lib().isolate_cap_mode(mode)
    if not ptr:
        raise MemoryError("isolate_cap_mode")
    try:
        return _cap_text(ptr).split(":", 1)[1]
    finally:
        lib().isolate_cap_free(ptr)


def _add(ptr: int, cap: Cap) -> None:
    cptr = _cap_ptr(cap.text)
    try:
        check(lib().isolate_cell_policy_add(ptr, cptr), f"cannot add {cap}")
    finally:
        lib().isolate_cap_free(cptr)


def _build(name: str, mode: str, caps: Iterable[Cap], extends: Iterable[str]) -> _CellHandle:
    """A C cell policy of these parts, owned by the returned handle."""
    ptr = lib().isolate_cell_policy_new(enc(name))
    if not ptr:
        raise _lib.PolicyError(f'invalid cell name "{name}": expected 1 to 63 of '
                               "A-Z a-z 0-9 _ -")
    handle = _CellHandle(ptr)
    try:
        _add(ptr, Cap.mode(mode))
        for cap in caps:
            _add(ptr, cap)
        for base in extends:
            check(lib().isolate_cell_policy_add_extends(ptr, enc(base)), f"extends {base}")
    except BaseException:
        lib().isolate_cell_policy_free(ptr)
        raise
    return handle


class CellPolicy:
    """One cell's policy: a name, a mode, capabilities, and cells it extends.

    ``CellPolicy("agent", [Cap.read("/srv")])`` starts from nothing;
    ``CellPolicy.runtime("agent", [...])`` from the built-in runtime profile
    (what a dynamically linked program needs to start), as ``run --cap`` does.
    Capabilities are a set; adding a budget replaces the cell's budget of
    that kind, adding a mode capability sets ``mode``.
    """

    def __init__(self, name: str, caps: Iterable[CapLike] = (), *, mode: str = "enforce",
                 extends: Iterable[str] = ()) -> None:
        with _build(name, mode, [Cap.of(c) for c in caps], extends) as ptr:
            self._read(ptr)

    @classmethod
    def runtime(cls, name: str, caps: Iterable[CapLike] = ()) -> "CellPolicy":
        """The built-in runtime profile under name, plus caps."""
        diag = Diag()
        ptr = lib().isolate_cell_policy_from_base(enc(name), True, byref(diag))
        if not ptr:
            if diag.msg:
                raise diag_error(diag)
            raise _lib.PolicyError(f'invalid cell name "{name}"')
        with _CellHandle(ptr):
            for cap in caps:
                _add(ptr, Cap.of(cap))
            return cls._of(ptr)

    @classmethod
    def _of(cls, ptr: int) -> "CellPolicy":
        self = cls.__new__(cls)
        self._read(ptr)
        return self

    def _read(self, ptr: int) -> None:
        c = lib()
        self.name: str = dec(c.isolate_cell_policy_name(ptr))
        self.mode: str = _mode_name(c.isolate_cell_policy_mode(ptr))
        self.caps: List[Cap] = [
            Cap(_cap_text(c.isolate_cell_policy_cap(ptr, i)))
            for i in range(c.isolate_cell_policy_cap_count(ptr))]
        self.extends: List[str] = [
            dec(c.isolate_cell_policy_extends(ptr, i))
            for i in range(c.isolate_cell_policy_extends_count(ptr))]

    def _handle(self) -> _CellHandle:
        return _build(self.name, self.mode, self.caps, self.extends)

    def add(self, *caps: CapLike) -> "CellPolicy":
        """Adds capabilities (the C model's rules: one budget per kind); returns self."""
        with self._handle() as ptr:
            for cap in caps:
                _add(ptr, Cap.of(cap))
            self._read(ptr)
        return self

    def remove(self, *caps: CapLike) -> "CellPolicy":
        """Removes capabilities (a path's, marked optional or not); KeyError for one
        the cell does not hold."""
        with self._handle() as ptr:
            for cap in caps:
                cap = Cap.of(cap)
                cptr = _cap_ptr(cap.text)
                try:
                    if lib().isolate_cell_policy_remove(ptr, cptr) < 0:
                        raise KeyError(str(cap))
                finally:
                    lib().isolate_cap_free(cptr)
            self._read(ptr)
        return self

    def normalize(self) -> "CellPolicy":
        """The authority set: duplicates gone, trees absorbing what is below them,
        ranges merged, the tightest budget, denies carved out."""
        out = c_void_p()
        with self._handle() as ptr:
            check(lib().isolate_cell_policy_normalize(ptr, byref(out)), "normalize")
        with _CellHandle(out.value):
            return CellPolicy._of(out.value)

    def explain(self, op: str, target: str) -> "Verdict":
        """Whether this cell may do op (read, write, exec on a path; connect, bind
        on "tcp:ADDR:PORT") to target, by the walk the kernel does over the
        compiled image. Compiling stats the paths, on this machine."""
        with self._handle() as ptr:
            return _explain(ptr, op, target)

    def to_yaml(self) -> str:
        """A policy document holding only this cell, in canonical YAML."""
        return Policy([self]).to_yaml()

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, CellPolicy) and self.name == other.name and
                self.mode == other.mode and set(self.extends) == set(other.extends) and
                set(self.caps) == set(other.caps))

    def __repr__(self) -> str:
        return (f"CellPolicy({self.name!r}, {[c.text for c in self.caps]!r}, "
                f"mode={self.mode!r}, extends={self.extends!r})")


@dataclass(frozen=True)
class Verdict:
    """explain's answer: allowed is what the kernel decides in enforce mode."""
    allowed: bool
    audit: bool
    rule: Optional[str]
    object: str
    # "rules", "walk-bound", "cgroupfs", "bpffs", "block-device",
    # "unspecified-address", "device-not-named", "kernel-state-not-named",
    # "socket-not-named", "dual-stack", "fifo-not-named", "every-address"
    refused_because: str


_REFUSED = {0: "rules", 1: "walk-bound", 2: "cgroupfs", 3: "bpffs", 4: "block-device",
            5: "unspecified-address", 6: "device-not-named", 7: "kernel-state-not-named",
            8: "socket-not-named", 9: "dual-stack", 10: "fifo-not-named",
            11: "every-address"}


def _explain(cell_ptr: int, op: str, target: str) -> Verdict:
    c = lib()
    kind = c.isolate_cap_kind_parse(enc(op))
    if not kind:
        raise _lib.PolicyError(f"explain: unknown operation '{op}': expected read, write, "
                               "exec, connect or bind")
    img, diag = c_void_p(), Diag()
    ret = c.isolate_compile(cell_ptr, byref(img), byref(diag))
    if ret < 0:
        raise diag_error(diag, ret)
    try:
        v, diag = _lib.Verdict(), Diag()
        ret = c.isolate_explain(img, kind, enc(target), byref(v), byref(diag))
        if ret < 0:
            raise diag_error(diag, ret)
        return Verdict(bool(v.allowed), bool(v.audit),
                       dec(v.rule_text) if v.rule_text else None, dec(v.object),
                       _REFUSED.get(v.refused_because, str(v.refused_because)))
    finally:
        c.isolate_image_free(img)


class Policy:
    """A policy document: includes and cells as written (``cells``), and the
    cells resolved (``resolved()``: includes first, ``extends`` folded in).

    ``name`` places the document: includes are resolved relative to its
    directory.
    """

    def __init__(self, cells: Sequence[CellPolicy] = (), *, includes: Sequence[str] = (),
                 name: str = "<python>") -> None:
        self.cells: List[CellPolicy] = list(cells)
        self.includes: List[str] = list(includes)
        self.name = name
        # What the library resolved when it parsed the document, kept while
        # the document is as parsed: its includes may be in memory only
        # (the built-in one) or may have changed on disk since.
        self._parsed: Optional[Tuple[str, List[CellPolicy]]] = None

    @classmethod
    def from_yaml(cls, text: Union[str, bytes], name: str = "<string>") -> "Policy":
        """Parses a document; PolicyError names the line and column of a mistake."""
        data = text.encode() if isinstance(text, str) else text
        out, diag = c_void_p(), Diag()
        ret = lib().isolate_policy_parse(enc(name), data, len(data), byref(out), byref(diag))
        if ret < 0:
            raise diag_error(diag, ret)
        return cls._of(out.value)

    @classmethod
    def load(cls, path: str) -> "Policy":
        """Reads and parses the document at path."""
        out, diag = c_void_p(), Diag()
        ret = lib().isolate_policy_load(enc(path), byref(out), byref(diag))
        if ret < 0:
            raise diag_error(diag, ret)
        return cls._of(out.value)

    @classmethod
    def builtin(cls) -> "Policy":
        """The document built into libisolate (policy/default.yaml and base.yaml)."""
        out, diag = c_void_p(), Diag()
        ret = lib().isolate_policy_builtin(byref(out), byref(diag))
        if ret < 0:
            raise diag_error(diag, ret)
        return cls._of(out.value)

    @classmethod
    def _of(cls, ptr: int) -> "Policy":
        c = lib()
        try:
            self = cls([CellPolicy._of(c.isolate_policy_doc_cell(ptr, i))
                        for i in range(c.isolate_policy_doc_cell_count(ptr))],
                       includes=[dec(c.isolate_policy_include(ptr, i))
                                 for i in range(c.isolate_policy_include_count(ptr))],
                       name=dec(c.isolate_policy_name(ptr)))
            self._parsed = (repr(self), [CellPolicy._of(c.isolate_policy_cell(ptr, i))
                                         for i in range(c.isolate_policy_cell_count(ptr))])
            return self
        finally:
            c.isolate_policy_free(ptr)

    def _document(self) -> int:
        c = lib()
        ptr = c.isolate_policy_new(enc(self.name))
        if not ptr:
            raise MemoryError("isolate_policy_new")
        try:
            for inc in self.includes:
                check(c.isolate_policy_add_include(ptr, enc(inc)), f"include {inc}")
            for cell in self.cells:
                with cell._handle() as cptr:
                    check(c.isolate_policy_add_cell(ptr, cptr), f"cell {cell.name}")
        except BaseException:
            c.isolate_policy_free(ptr)
            raise
        return ptr

    def to_yaml(self) -> str:
        """The canonical YAML: fixed key order, sorted lists without repeats."""
        c = lib()
        ptr = self._document()
        try:
            buf, size = c_void_p(), c_size_t()
            check(c.isolate_policy_emit(ptr, byref(buf), byref(size)), "emit")
            try:
                return ctypes.string_at(buf, size.value).decode()
            finally:
                _lib.libc().free(buf)
        finally:
            c.isolate_policy_free(ptr)

    def resolved(self) -> List[CellPolicy]:
        """Every cell with what it extends folded in, included documents' first."""
        if self._parsed and self._parsed[0] == repr(self):
            return list(self._parsed[1])
        c = lib()
        ptr = self._document()
        try:
            diag = Diag()
            ret = c.isolate_policy_resolve(ptr, byref(diag))
            if ret < 0:
                raise diag_error(diag, ret)
            return [CellPolicy._of(c.isolate_policy_cell(ptr, i))
                    for i in range(c.isolate_policy_cell_count(ptr))]
        finally:
            c.isolate_policy_free(ptr)

    def cell(self, name: Optional[str] = None) -> CellPolicy:
        """The resolved cell name, or the last one (the one ``run`` uses)."""
        cells = self.resolved()
        if not cells:
            raise KeyError("the policy has no cells")
        if name is None:
            return cells[-1]
        for cell in cells:
            if cell.name == name:
                return cell
        raise KeyError(name)

    def explain(self, cell: str, op: str, target: str) -> Verdict:
        """CellPolicy.explain on the resolved cell."""
        return self.cell(cell).explain(op, target)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Policy) and set(self.includes) == set(other.includes) and
                self.cells == other.cells)

    def __repr__(self) -> str:
        return f"Policy({self.cells!r}, includes={self.includes!r}, name={self.name!r})"
