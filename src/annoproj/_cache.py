"""Where annoproj keeps what it computes once: one rule for every on-disk cache, and one
lock for a folder that several processes change."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


def cache_dir(*parts: str, env: str | None = None) -> Path:
    """`$env` when that variable is set, else `$XDG_CACHE_HOME/annoproj/<parts>` (or
    `~/.cache/annoproj/<parts>`)."""
    if env and os.environ.get(env):
        return Path(os.environ[env])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base, "annoproj", *parts)


@contextmanager
def folder_lock(folder: str | Path) -> Iterator[None]:
    """Wait for, then hold, an exclusive lock on the existing `folder` (flock on the folder
    itself: no lock file is left behind), for a short change that other processes must not
    interleave with. The kernel drops it when the process dies. Where there is no flock
    (Windows), or the file system refuses it on a folder (NFS emulates flock with byte-range
    locks, which a folder cannot take), nothing is locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:  # EBADF/ENOLCK/EINVAL: a file system without folder locks
            log.debug("no lock on %s (%s): going on without it", folder, exc)
        yield
    finally:
        os.close(fd)  # closing releases the lock
