# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Cells: cgroups confined by BPF LSM, created, run in, changed and destroyed.

``with Cell(caps=[...]) as cell: cell.run(argv)`` is what
``isolate-loader run --cap ... -- argv`` does: a new cell of the built-in
runtime profile plus the capabilities, the command started inside it (so
the rules hold from its first instruction), every process of the cell
killed and the cell removed at the end.
"""

from __future__ import annotations

import ctypes
import fcntl
import itertools
import os
import pwd
import selectors
import struct
import termios
import threading
import time
import weakref
from contextlib import contextmanager
from ctypes import POINTER, byref, c_char_p, c_int, c_void_p
from dataclasses import dataclass
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _lib
from ._lib import (FD_MAX, GRANT_SECONDS_MAX, CellState, SpawnOpts, check, dec, enc, int_arg,
                   lib, memstream)
from .errors import IsolateError, RunOutputLimit, RunTimeout
from .policy import Cap, CapLike, CellPolicy, Policy, _cap_ptr, _mode_name

_names = itertools.count(1)

# What run captures of each stream by default: a command's output is held
# in memory whole, and a command must not be able to fill it.
MAX_OUTPUT = 16 << 20


@dataclass(frozen=True)
class RunResult:
    """A command that ran in a cell: its argv, exit status (128 + N when killed
    by signal N, as isolate-loader run reports it) and what it wrote."""
    argv: List[str]
    returncode: int
    stdout: Optional[bytes]
    stderr: Optional[bytes]


@dataclass(frozen=True)
class CellInfo:
    """A cell as the kernel sees it."""
    name: str
    cgroup_id: int
    cell_id: int
    generation: int
    mode: str
    allowed: int
    denied: int
    audited: int
    # Budgets this system could not enforce, the cell made anyway
    # (allow_unenforced): "cpu", "memory", "pids".
    unenforced: Tuple[str, ...] = ()


# ISOLATE_UNENFORCED_* of <isolate/isolate.h>, in the order cell show lists them.
_UNENFORCED = ((1 << 0, "cpu"), (1 << 1, "memory"), (1 << 2, "pids"))


@dataclass(frozen=True)
class PathBinding:
    """A path the cell holds and the object its rules are on (bound when the
    path entered the cell); moved: the path leads to another object now, or
    to none. real is None for an optional path that did not exist.
    superseded: an object the path was bound to before a rebind, which the
    path's denies hold on too (listed after the paths)."""
    path: str
    real: Optional[str]
    dev: int
    ino: int
    moved: bool
    superseded: bool = False


class _CapArray:
    """struct isolate_cap *[n] for grant and revoke, freed on exit."""

    def __init__(self, caps: Iterable[CapLike]) -> None:
        texts = [Cap.of(c).text for c in caps]
        self.n = len(texts)
        self.array = (c_void_p * max(self.n, 1))()
        self._ptrs: List[int] = []
        for i, text in enumerate(texts):
            ptr = _cap_ptr(text)
            self._ptrs.append(ptr)
            self.array[i] = ptr

    def __enter__(self) -> "_CapArray":
        return self

    def __exit__(self, *exc: object) -> None:
        for ptr in self._ptrs:
            lib().isolate_cap_free(ptr)


def _ids(user: Union[str, int, None]) -> Optional[tuple]:
    if user is None:
        return None
    entry = pwd.getpwnam(user) if isinstance(user, str) else pwd.getpwuid(user)
    return entry.pw_uid, entry.pw_gid


def _timeout(what: str, timeout: Optional[float]) -> Optional[float]:
    """None (no limit) or seconds: 0 and less would mean no limit too, silently."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"{what}: timeout {timeout!r}: expected seconds, more than 0, "
                         "or None for no limit")
    return timeout


def _grant_seconds(seconds: int) -> int:
    return int_arg("grant: seconds", seconds, 1, GRANT_SECONDS_MAX)


def _exit_status(status: int) -> int:
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


class _Isolate:
    """struct isolate *: the pinned state, opened. libisolate serialises the
    calls of threads sharing it (ctypes lets them run at once) and gives a
    child of fork() a lock of its own; freeing it is ours: close() waits for
    the calls under way, made under ``held()``."""

    def __init__(self, allow_unenforced: bool = False) -> None:
        ptr = c_void_p()
        check(lib().isolate_open(byref(ptr)))
        self.ptr = ptr.value
        self.lock = threading.RLock()
        _open_handles.add(self)
        lib().isolate_allow_unenforced(self.ptr, allow_unenforced)

    @contextmanager
    def held(self, what: str) -> Iterator[int]:
        with self.lock:
            if not self.ptr:
                raise IsolateError(f"{what}: destroyed")
            yield self.ptr

    def close(self) -> None:
        with self.lock:
            if self.ptr:
                lib().isolate_close(self.ptr)
                self.ptr = None


# A child of fork() has copies of the locks, held for good by a thread the
# parent had if one was in a call: the child's calls would never start.
_open_handles: "weakref.WeakSet[_Isolate]" = weakref.WeakSet()


def _new_locks_in_child() -> None:
    for iso in list(_open_handles):
        iso.lock = threading.RLock()


os.register_at_fork(after_in_child=_new_locks_in_child)


class Cell:
    """A cell made for the duration of a with block.

    caps: capabilities (``Cap`` or their text) added to policy, or to the
    built-in runtime profile when policy is None (``base=False``: to
    nothing). policy: a ``CellPolicy``, a ``Policy`` (its last cell, as
    ``run --policy`` takes) or the path of a policy file. timeout: seconds a
    ``run`` may take (None: no limit). user: the user (name or uid) commands
    run as, with that user's group. allow_unenforced: create the cell even
    when this system cannot enforce one of its budgets (``info().unenforced``).

    Raises NotLoadedError (exit_code 4) when isolate is not loaded.
    """

    def __init__(self, caps: Iterable[CapLike] = (),
                 policy: Union[CellPolicy, Policy, str, None] = None, *,
                 name: Optional[str] = None, base: bool = True,
                 timeout: Optional[float] = 60, user: Union[str, int, None] = None,
                 audit: bool = False, allow_unenforced: bool = False) -> None:
        self.name = name or f"py-{os.getpid()}-{next(_names)}"
        self.timeout = _timeout("cell", timeout)
        self.user = user
        extra = [Cap.of(c) for c in caps] + ([Cap.mode("audit")] if audit else [])
        if policy is None:
            self.policy = (CellPolicy.runtime(self.name, extra) if base
                           else CellPolicy(self.name, extra))
        else:
            if isinstance(policy, str):
                policy = Policy.load(policy)
            cell = policy.cell() if isinstance(policy, Policy) else policy
            # What it extends is kept: the library refuses a cell policy that
            # still names others (Policy.cell() resolves them), rather than
            # make the cell without their capabilities, denies among them.
            self.policy = CellPolicy(self.name, cell.caps, mode=cell.mode,
                                     extends=cell.extends).add(*extra)
        self._allow_unenforced = allow_unenforced
        self._iso: Optional[_Isolate] = None

    @classmethod
    def _adopt(cls, iso: _Isolate, name: str, timeout: Optional[float]) -> "Cell":
        self = cls.__new__(cls)
        self.name, self.timeout, self.user, self._iso = name, timeout, None, iso
        self._allow_unenforced = False
        self.policy = self.current_policy()
        return self

    def __enter__(self) -> "Cell":
        if self._iso is None:
            self.create()
        return self

    def __exit__(self, *exc: object) -> None:
        self.destroy()

    def create(self) -> None:
        """Creates the cell (``with`` does it)."""
        if self._iso is not None:
            raise IsolateError(f"cell {self.name} exists already")
        iso = _Isolate(self._allow_unenforced)
        try:
            with self.policy._handle() as ptr:
                check(lib().isolate_cell_create(iso.ptr, enc(self.name), ptr, None),
                      f"cell create {self.name}")
        except BaseException:
            iso.close()
            raise
        self._iso = iso

    def destroy(self) -> None:
        """Kills the cell's processes and removes it (``with`` does it)."""
        iso = self._iso
        if iso is None:
            return
        try:
            with iso.held(f"cell {self.name}") as ptr:
                check(lib().isolate_cell_destroy(ptr, enc(self.name)),
                      f"cell destroy {self.name}")
        finally:
            iso.close()
            self._iso = None

    @contextmanager
    def _handle(self) -> Iterator[int]:
        """The handle, kept from destroy() (another thread's) while in use."""
        iso = self._iso
        if iso is None:
            raise IsolateError(f"cell {self.name} is not created: use it in a with block")
        with iso.held(f"cell {self.name}") as ptr:
            yield ptr

    def run(self, argv: Sequence[str], *, input: Optional[bytes] = None,
            capture_output: bool = True, timeout: Union[float, None, bool] = True,
            env: Optional[Dict[str, str]] = None, cwd: Optional[str] = None,
            user: Union[str, int, None] = None,
            max_output: Optional[int] = MAX_OUTPUT) -> RunResult:
        """Runs argv in the cell and waits for it (and for nothing else).

        env: the whole environment (default: PATH, HOME, LANG, TERM, TZ,
        USER, LOGNAME and LC_* of ours; nothing else passes). cwd: entered as
        the user, inside the confinement. timeout: seconds (default: the
        cell's); on expiry every process of the cell is killed and RunTimeout
        (exit_code 124) is raised. max_output: the bytes captured of each of
        stdout and stderr (None: no bound); a command writing more has every
        process of the cell killed and RunOutputLimit raised, with the first
        max_output bytes of each. A command that cannot be run raises
        IsolateError with exit_code 127 (not found) or 126 (refused, e.g. by
        the policy), as isolate-loader run exits.
        """
        if not argv:
            raise ValueError("run: argv is empty: expected the command and its arguments")
        if max_output is not None and max_output < 0:
            raise ValueError(f"run: max_output {max_output}: expected bytes, 0 or more, or None")
        limit = self.timeout if timeout is True else _timeout("run", timeout)
        ids = _ids(user if user is not None else self.user)
        args = (c_char_p * (len(argv) + 1))(*[enc(a) for a in argv], None)
        envp = None
        if env is not None:
            for k in env:
                if not k or "=" in k:
                    raise ValueError(f"run: environment variable name {k!r}: expected a name, "
                                     "not empty and without '=' (it would set another variable)")
            entries = [enc(f"{k}={v}") for k, v in env.items()]
            envp = (c_char_p * (len(entries) + 1))(*entries, None)
        pipes: Dict[int, int] = {}
        ours: List[int] = []
        stdio = [-1, -1, -1]
        try:
            if input is not None:
                r, w = os.pipe2(os.O_CLOEXEC)
                stdio[0], pipes[0] = r, w
                ours += [r, w]
            elif capture_output:
                stdio[0] = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
                ours.append(stdio[0])
            if capture_output:
                for fd in (1, 2):
                    r, w = os.pipe2(os.O_CLOEXEC)
                    stdio[fd], pipes[fd] = w, r
                    ours += [r, w]
            opts = SpawnOpts(sz=ctypes.sizeof(SpawnOpts), set_ids=ids is not None, uid=ids[0] if ids else 0,
                             gid=ids[1] if ids else 0,
                             envp=ctypes.cast(envp, POINTER(c_char_p)) if envp else None,
                             cwd=enc(cwd) if cwd else None,
                             stdio=(c_int * 3)(*stdio))
            pid = c_int(-1)
            with self._handle() as ptr:
                ret = lib().isolate_cell_spawn(ptr, enc(self.name), args, byref(opts),
                                               byref(pid))
            if ret < 0:
                err = _lib.error(ret, "run")
                status = os.waitpid(pid.value, 0)[1] if pid.value > 0 else 0
                err.exit_code = _exit_status(status) if pid.value > 0 else 125
                raise err
            for fd in stdio:
                if fd >= 0:
                    os.close(fd)
                    ours.remove(fd)
            out = self._communicate(pid.value, pipes, ours, input, limit, max_output)
            return RunResult(list(argv), out[0], out[1], out[2])
        finally:
            for fd in ours:
                os.close(fd)

    def _communicate(self, pid: int, pipes: Dict[int, int], ours: List[int],
                     input: Optional[bytes], limit: Optional[float],
                     max_output: Optional[int]) -> tuple:
        def close_stdin() -> None:
            fd = pipes.pop(0)
            os.close(fd)
            ours.remove(fd)

        def captured(fd: int) -> Optional[bytes]:
            return b"".join(chunks[fd])[:max_output] if fd in pipes else None

        def kill() -> None:
            self.kill()
            if status is None:
                os.waitpid(pid, 0)

        def take(which: int, data: bytes) -> None:
            chunks[which].append(data)
            sizes[which] += len(data)
            if max_output is not None and sizes[which] > max_output:
                kill()
                raise RunOutputLimit(
                    f"run: more than {max_output} bytes on "
                    f"{'stdout' if which == 1 else 'stderr'}: every process of cell "
                    f"{self.name} killed", captured(1), captured(2))

        def drain(fd: int, which: int) -> None:
            # Only what is in the pipe now: a process left behind in the cell
            # may hold it open and keep writing, so it may never run empty.
            left = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
            while left > 0:
                data = os.read(fd, min(left, 65536))
                if not data:
                    return
                left -= len(data)
                take(which, data)

        chunks: Dict[int, List[bytes]] = {1: [], 2: []}
        sizes = {1: 0, 2: 0}
        deadline = time.monotonic() + limit if limit else None
        pending = memoryview(input or b"")
        sel = selectors.DefaultSelector()
        if 0 in pipes:
            if pending:
                os.set_blocking(pipes[0], False)
                sel.register(pipes[0], selectors.EVENT_WRITE, 0)
            else:
                close_stdin()
        for fd in (1, 2):
            if fd in pipes:
                sel.register(pipes[fd], selectors.EVENT_READ, fd)
        status = None
        try:
            while True:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    kill()
                    raise RunTimeout(f"run: timeout of {limit} s reached: every process "
                                     f"of cell {self.name} killed", captured(1), captured(2))
                # Polled on every pass, not once the pipes are closed: what the
                # command started in the background may hold them open for
                # as long as it runs, and run waits for the command alone.
                wpid, st = os.waitpid(pid, os.WNOHANG)
                if wpid:
                    status = st
                    break
                if not sel.get_map():
                    time.sleep(min(0.02, left) if left else 0.02)
                    continue
                for key, _ in sel.select(timeout=min(left, 0.05) if left else 0.05):
                    which = key.data
                    if which == 0:
                        try:
                            n = os.write(key.fd, pending[:65536])
                        except BrokenPipeError:
                            n = len(pending)
                        pending = pending[n:]
                        if not pending:
                            sel.unregister(key.fd)
                            close_stdin()
                        continue
                    data = os.read(key.fd, 65536)
                    if not data:
                        sel.unregister(key.fd)
                        continue
                    take(which, data)
            for key in list(sel.get_map().values()):
                if key.data != 0:
                    drain(key.fd, key.data)
        finally:
            sel.close()
            if 0 in pipes:
                close_stdin()
        return (_exit_status(status), captured(1), captured(2))

    def grant(self, *caps: CapLike, seconds: Optional[int] = None) -> None:
        """Adds capabilities, live (for seconds: ended by the kernel itself)."""
        if seconds is not None:
            _grant_seconds(seconds)
        with _CapArray(caps) as a, self._handle() as ptr:
            if seconds is None:
                ret = lib().isolate_cell_grant(ptr, enc(self.name), a.array, a.n)
            else:
                ret = lib().isolate_cell_grant_timed(ptr, enc(self.name), a.array, a.n, seconds)
        check(ret, f"grant {self.name}")
        self.policy = self.current_policy()

    def grant_at(self, cap: CapLike, fd: int, seconds: Optional[int] = None) -> None:
        """Adds cap, a capability with a path, on the object fd refers to (an
        O_PATH fd will do) instead of what the path names by now: what was
        checked by object is what is granted. Raises if the object was removed."""
        int_arg("grant_at: fd", fd, 0, FD_MAX)
        if seconds is not None:
            _grant_seconds(seconds)
        with _CapArray((cap,)) as a, self._handle() as ptr:
            ret = lib().isolate_cell_grant_at(ptr, enc(self.name), a.array[0], fd, seconds or 0)
        check(ret, f"grant {self.name}")
        self.policy = self.current_policy()

    def revoke(self, *caps: CapLike) -> None:
        """Removes capabilities, live."""
        with _CapArray(caps) as a, self._handle() as ptr:
            check(lib().isolate_cell_revoke(ptr, enc(self.name), a.array, a.n),
                  f"revoke {self.name}")
        self.policy = self.current_policy()

    def current_policy(self) -> CellPolicy:
        """The policy in force in the cell, as the library keeps it."""
        out = c_void_p()
        with self._handle() as ptr:
            check(lib().isolate_cell_policy_get(ptr, enc(self.name), byref(out)),
                  f"cell {self.name}")
        try:
            return CellPolicy._of(out.value)
        finally:
            lib().isolate_cell_policy_free(out.value)

    def bindings(self) -> List[PathBinding]:
        """What each path of the cell is bound to, sorted by path, then the
        objects its denies hold on besides (superseded)."""
        found: List[PathBinding] = []

        def one(rec, _ctx):
            b = rec.contents
            found.append(PathBinding(dec(b.path), dec(b.real) if b.real else None,
                                     b.dev, b.ino, bool(b.moved), bool(b.superseded)))
            return 0

        with self._handle() as ptr:
            check(lib().isolate_cell_bindings(ptr, enc(self.name), _lib.BINDING_FN(one), None),
                  f"cell {self.name}")
        return found

    def rebind(self) -> None:
        """Binds every path afresh, live, to what it leads to now (links
        followed, whoever made them); denies hold on what they were bound to
        as well."""
        with self._handle() as ptr:
            check(lib().isolate_cell_rebind(ptr, enc(self.name)), f"rebind {self.name}")

    def snapshot(self) -> str:
        """Every capability of the cell as a JSON document (restore() takes it)."""
        with self._handle() as ptr:
            return memstream(lambda f: lib().isolate_cell_snapshot(ptr, enc(self.name), f,
                                                                   False)).decode()

    def kill(self) -> None:
        """Kills every process of the cell (it stays, empty)."""
        with self._handle() as ptr:
            check(lib().isolate_cell_kill(ptr, enc(self.name)), f"kill {self.name}")

    def check_current(self) -> None:
        """Raises IsolateError (errno ESTALE) once isolate was unloaded (and
        perhaps loaded again) since the cell was created: its handle is then
        of a load no program enforces, and run() refuses to start anything."""
        with self._handle() as ptr:
            check(lib().isolate_check_current(ptr), f"cell {self.name}")

    def info(self) -> CellInfo:
        """The cell's ids, generation, mode and decision counters (of the load
        in force: see check_current)."""
        self.check_current()
        st = CellState()
        with self._handle() as ptr:
            check(lib().isolate_cell_get(ptr, enc(self.name), byref(st)), f"cell {self.name}")
        return CellInfo(dec(st.name), st.cgid, st.cell.cell_id, st.cell.generation,
                        _mode_name(st.cell.mode),
                        st.counters[0], st.counters[1], st.counters[2],
                        tuple(name for bit, name in _UNENFORCED if st.unenforced & bit))


def restore(snapshot: str, name: Optional[str] = None,
            timeout: Optional[float] = 60) -> Cell:
    """A new cell made from a snapshot (named name, or as in the snapshot).

    It exists when this returns; use it in a with block to destroy it at
    the end.
    """
    timeout = _timeout("restore", timeout)
    iso = _Isolate()
    data = snapshot.encode()
    st = CellState()
    try:
        check(lib().isolate_cell_restore(iso.ptr, None, data, len(data),
                                         enc(name) if name else None, byref(st)),
              "restore")
        return Cell._adopt(iso, dec(st.name), timeout)
    except BaseException:
        iso.close()
        raise
