# SPDX-License-Identifier: GPL-2.0
"""pytest plugin (-p pytest_tap): one TAP line per test, as the kselftest
harness prints them, so tools/check counts Python tests like the others."""

_results = []


def pytest_report_teststatus(report, config):
    # The TAP line says it: no progress letters beside it.
    if report.when == "call":
        return report.outcome, "", report.outcome.upper()
    return None


def pytest_runtest_logreport(report):
    name = report.nodeid.replace("::", ".")
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
            line = f"ok {{}} {name} # SKIP {reason}"
        elif report.failed:
            line = f"not ok {{}} {name}"
        else:
            line = f"ok {{}} {name}"
        _results.append(line)
        print("\n" + line.format(len(_results)), flush=True)
    elif report.when == "teardown" and report.failed:
        _results.append(f"not ok {{}} {name} (teardown)")
        print("\n" + _results[-1].format(len(_results)), flush=True)
