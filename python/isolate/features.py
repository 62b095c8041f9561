# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""What this system enforces: capability by capability, and per backend."""

from __future__ import annotations

from ctypes import byref, c_size_t, c_void_p
from dataclasses import dataclass
from typing import List, Optional, Union

from ._lib import EnforcementReport, Feature as _Feature, check, dec, int_arg, lib
from .errors import IsolateError
from .policy import CellPolicy, Policy


@dataclass(frozen=True)
class Feature:
    """One capability of the BPF LSM backend: "file.read", "net.connect", ..."""
    name: str
    enforced: bool
    detail: str


@dataclass(frozen=True)
class Features:
    """isolate-loader features: whether isolate is loaded, each capability's state,
    and the Landlock ABI of this kernel (0: none)."""
    loaded: bool
    capabilities: List[Feature]
    landlock_abi: int


@dataclass(frozen=True)
class Enforcement:
    """One line of a backend's report: a capability of the policy (capability
    True) or something the backend leaves ungoverned whatever the policy says."""
    capability: bool
    enforced: bool
    what: str
    why: str


def features() -> Features:
    """Probes every capability: the kernel's hooks and, when isolate is loaded,
    that their programs are attached; cgroup controllers for budgets."""
    iso = c_void_p()
    loaded = lib().isolate_open(byref(iso)) == 0
    try:
        out = (_Feature * 64)()
        n = c_size_t()
        check(lib().isolate_features(iso if loaded else None, out, len(out), byref(n)),
              "features")
        caps = [Feature(dec(f.name), f.state == 0, dec(f.detail)) for f in out[:n.value]]
    finally:
        if loaded:
            lib().isolate_close(iso)
    return Features(loaded, caps, lib().isolate_landlock_abi())


def enforcement_report(policy: Union[CellPolicy, Policy], backend: str = "landlock",
                       abi: Optional[int] = None) -> List[Enforcement]:
    """What backend enforces of policy (its last cell for a Policy), capability by
    capability, on this kernel's ABI (or abi): the report ``run --backend
    landlock`` prints. Only the Landlock backend has one: BPF LSM enforces every
    capability that ``features()`` lists as enforced."""
    if backend != "landlock":
        raise IsolateError(f"enforcement_report: backend {backend}: expected landlock")
    if abi is not None:
        int_arg("enforcement_report: abi", abi, 0, 2**31 - 1)
    cell = policy.cell() if isinstance(policy, Policy) else policy
    report = EnforcementReport()
    with cell._handle() as ptr:
        check(lib().isolate_landlock_report(ptr, lib().isolate_landlock_abi() if abi is None
                                            else abi, byref(report)), "landlock")
    try:
        return [Enforcement(bool(e.capability), bool(e.enforced), dec(e.what), dec(e.why))
                for e in report.items[:report.n]]
    finally:
        lib().isolate_enforcement_report_free(byref(report))
