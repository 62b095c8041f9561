# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Numbers reach C as given or not at all: ctypes keeps an integer's low
bits, so 2**32 seconds would reach C as 0 (a permanent grant), and a
timeout of 0 would mean none. Each is refused before a cell is needed."""

import pytest

import isolate
from isolate import Cap


def never_created():
    return isolate.Cell(base=False)


@pytest.mark.parametrize("seconds", [0, -1, 365 * 24 * 3600 + 1, 2**32, 2**32 + 60, 1.5, True])
def test_timed_grant_seconds_out_of_range_are_refused(seconds):
    with pytest.raises(ValueError, match="grant: seconds"):
        never_created().grant(Cap.read("/srv"), seconds=seconds)
    with pytest.raises(ValueError, match="grant: seconds"):
        never_created().grant_at(Cap.read("/srv"), 0, seconds=seconds)


@pytest.mark.parametrize("fd", [-1, 2**31, 2**32 + 5])
def test_grant_at_fd_out_of_range_is_refused(fd):
    with pytest.raises(ValueError, match=f"grant_at: fd {fd}: expected an integer from 0 to "
                                         f"{2**31 - 1}"):
        never_created().grant_at(Cap.read("/srv"), fd)


def test_the_bounds_themselves_pass_the_check():
    # Past the checks, the cell that was never created is what fails.
    for seconds in (1, 365 * 24 * 3600):
        with pytest.raises(isolate.IsolateError, match="is not created"):
            never_created().grant(Cap.read("/srv"), seconds=seconds)
    with pytest.raises(isolate.IsolateError, match="is not created"):
        never_created().grant_at(Cap.read("/srv"), 2**31 - 1, seconds=1)


@pytest.mark.parametrize("timeout", [0, -5, 0.0, False, float("nan")])
def test_a_timeout_that_is_no_time_is_refused(timeout):
    with pytest.raises(ValueError, match="cell: timeout"):
        isolate.Cell(base=False, timeout=timeout)
    with pytest.raises(ValueError, match="run: timeout"):
        never_created().run(["true"], timeout=timeout)
    with pytest.raises(ValueError, match="restore: timeout"):
        isolate.restore("{}", timeout=timeout)


def test_cell_abi_numbers_out_of_range_are_refused():
    with pytest.raises(ValueError, match="metric: value"):
        isolate.cell.metric("m", 2**63)
    with pytest.raises(ValueError, match="post: in_reply_to"):
        isolate.cell.post(b"x", in_reply_to=2**64)
    with pytest.raises(ValueError, match="timeout"):
        isolate.cell.recv(timeout=2**31)


def test_enforcement_report_abi_out_of_range_is_refused():
    with pytest.raises(ValueError, match="enforcement_report: abi"):
        isolate.enforcement_report(isolate.CellPolicy("x", ["read:/srv"]), abi=2**32 + 4)
