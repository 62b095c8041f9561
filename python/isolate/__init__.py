# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""isolate: confine commands to capabilities, from Python.

    import isolate
    with isolate.Cell(caps=["read:/srv/data"]) as cell:
        result = cell.run(["cat", "/srv/data/input"])

A binding (ctypes, no compiler) over libisolate and libisolate-cell: the
same model, checks, messages and exit codes as isolate-loader.
Documentation/python.md is the guide.
"""

from . import cell
from .cells import Cell, CellInfo, PathBinding, RunResult, restore
from .errors import (IsolateError, NotLoadedError, PolicyError, RunOutputLimit, RunTimeout,
                     UnsupportedError)
from .events import (AccessEvent, BrokerEvent, Event, LifecycleEvent, LogEvent, MessageEvent,
                     MetricEvent, event_from_json, events)
from .features import Enforcement, Feature, Features, enforcement_report, features
from .policy import Cap, CellPolicy, Policy, Verdict



def __getattr__(name: str) -> str:
    # The version is libisolate's: one release number, the Makefile's.
    if name == "__version__":
        from ._lib import dec, lib
        return dec(lib().isolate_version())
    raise AttributeError(f"module 'isolate' has no attribute {name!r}")

__all__ = [
    "AccessEvent", "BrokerEvent", "Cap", "Cell", "CellInfo", "CellPolicy", "Enforcement",
    "Event", "Feature", "Features", "IsolateError", "LifecycleEvent", "LogEvent",
    "MessageEvent", "MetricEvent", "NotLoadedError", "PathBinding", "Policy", "PolicyError",
    "RunOutputLimit", "RunResult",
    "RunTimeout", "UnsupportedError", "Verdict", "cell", "enforcement_report",
    "event_from_json", "events", "features", "restore",
]
