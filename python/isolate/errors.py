# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Errors as exceptions, carrying the exit status isolate-loader gives for them."""

from __future__ import annotations

import errno as _errno
from typing import Optional


class IsolateError(Exception):
    """A libisolate call failed.

    ``errno`` is the (positive) errno the library returned, ``exit_code`` the
    status isolate-loader exits with for the same failure (1, 3 when this
    kernel cannot enforce what was asked, 4 when isolate is not loaded, 124
    for a run that timed out, 126/127 when the command could not be run),
    ``message`` the library's reason, as the CLI prints it.
    """

    def __init__(self, message: str, errno: int = 0, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.errno = errno
        self.exit_code = exit_code


class NotLoadedError(IsolateError):
    """Nothing is loaded: run ``isolate-loader load`` (exit status 4)."""


class UnsupportedError(IsolateError):
    """This kernel or backend cannot enforce what was asked (exit status 3)."""


class PolicyError(IsolateError):
    """A capability or policy is malformed; ``file``, ``line`` and ``column`` say where.

    ``line`` and ``column`` are 1-based and 0 when the error is not about a
    position; ``reason`` is the message without the position.
    """

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0,
                 reason: str = "") -> None:
        super().__init__(message, _errno.EINVAL, 1)
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason or message


class RunTimeout(IsolateError):
    """A command in a cell ran past its timeout and was killed (exit status 124).

    ``stdout`` and ``stderr`` hold what it wrote until then (when captured).
    """

    def __init__(self, message: str, stdout: Optional[bytes] = None,
                 stderr: Optional[bytes] = None) -> None:
        super().__init__(message, _errno.ETIMEDOUT, 124)
        self.stdout = stdout
        self.stderr = stderr


class RunOutputLimit(IsolateError):
    """A command in a cell wrote more than ``max_output`` bytes to a captured stream;
    every process of the cell was killed (exit status 1: the CLI captures nothing).

    ``stdout`` and ``stderr`` hold the first ``max_output`` bytes of each.
    """

    def __init__(self, message: str, stdout: Optional[bytes] = None,
                 stderr: Optional[bytes] = None) -> None:
        super().__init__(message, _errno.EFBIG, 1)
        self.stdout = stdout
        self.stderr = stderr
