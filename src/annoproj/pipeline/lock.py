"""One run per output: an exclusive lock file next to what a run writes.

Two runs writing the same output (its ``.parts/`` checkpoints, a pipeline's run folder)
would delete and join each other's chunks. `output_lock` takes ``<output>.lock`` with
``flock``; a second run fails at once with a `BusyError` (exit code 3) naming the holder.
The kernel drops the lock when its process dies, however it dies, so a killed run never
blocks the next one; the lock file itself is removed on a normal exit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annoproj.errors import BusyError

_HELD: dict[str, int] = {}  # lock files this process holds, and how often (re-entrant)


def lock_path(output: str | Path) -> Path:
    """The lock file of `output`: ``<output>.lock``, or ``<folder>/.lock`` for a folder."""
    output = Path(output)
    return output / ".lock" if output.is_dir() else output.with_name(output.name + ".lock")


@contextmanager
def output_lock(output: str | Path, *, lock_file: str | Path | None = None,
                reentrant: bool = False) -> Iterator[Path]:
    """Hold the lock of `output` for the block; `BusyError` if another process holds it.
    Taken with `reentrant`, it lets the same process take it again inside the block (a
    command around a library call that locks the same output)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no locking
        yield Path(output)
        return
    path = Path(lock_file) if lock_file is not None else lock_path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    if key in _HELD:  # this process holds it, reentrant (a command around a library call)
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            except OSError:
                holder = "?"
            os.close(fd)
            raise BusyError(f"{output} is being written by another annoproj run (process "
                            f"{holder}, lock {path}): wait for it to finish or write "
                            "elsewhere") from None
        except BaseException:
            os.close(fd)
            raise
        try:  # the file may have been removed by a run that released it meanwhile
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    if reentrant:
        _HELD[key] = 1
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        _HELD.pop(key, None)
        try:
            os.unlink(path)  # before unlocking: a waiter on the old file sees it is gone
        except FileNotFoundError:
            pass
        os.close(fd)
