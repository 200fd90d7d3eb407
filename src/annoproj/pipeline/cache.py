"""Stage cache: each stage's output is stored under a key of its inputs and settings.

A rerun with the same inputs and settings reads the stored output instead of recomputing
it, so an interrupted run resumes after its last finished stage. Files are written
atomically: a stage killed half-way leaves nothing behind that a rerun could mistake for
a result.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def file_digest(path: str | Path, *, chunk: int = 1 << 20) -> str:
    """sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def key_of(*parts: Any) -> str:
    """A stable hex key of JSON-serialisable parts."""
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


class StageCache:
    """Stage outputs in `root`, one file per (stage, key)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, stage: str, key: str, suffix: str) -> Path:
        return self.root / f"{stage}-{key}{suffix}"

    def run(
        self,
        stage: str,
        key: str,
        suffix: str,
        compute: Callable[[], T],
        write: Callable[[Path, T], Any],
        read: Callable[[Path], T],
    ) -> tuple[T, Path, bool]:
        """The stage's output, computed and stored, or read back; (value, file, cached)."""
        path = self.path(stage, key, suffix)
        if path.exists():
            return read(path), path, True
        value = compute()
        write(path, value)
        return value, path, False
