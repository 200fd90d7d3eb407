"""Errors a user can act on, each with the exit code the command line ends with.

The command line prints such an error as one ``error: ...`` line (no traceback) and exits
with its `exit_code` (docs/cli.md#exit-codes): 2 for usage errors (bad flags, arguments,
names), 3 for input errors (a file missing, malformed, or in use by another run).
"""

from __future__ import annotations


class AnnoprojError(Exception):
    """Base of the errors the command line reports without a traceback."""

    exit_code: int = 1


class UsageError(AnnoprojError):
    """Bad flags, arguments or configuration (exit code 2)."""

    exit_code = 2


class InputError(AnnoprojError):
    """An input file is missing, malformed or busy (exit code 3)."""

    exit_code = 3


class BusyError(InputError):
    """Another run holds the lock of the same output (exit code 3)."""


class CountError(InputError):
    """A command would write fewer or more sentences than it read (exit code 3)."""


__all__ = ["AnnoprojError", "BusyError", "CountError", "InputError", "UsageError"]
