"""Opening text files: transparent .gz / .zst compression and atomic writes."""

from __future__ import annotations

import gzip
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _zstd():
    try:
        import zstandard
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "reading or writing .zst files needs zstandard: pip install 'annoproj[zst]'"
        ) from exc
    return zstandard


def open_text(path: str | Path, mode: str = "r", *, encoding: str = "utf-8") -> IO[str]:
    """Open a text file for "r", "w" or "a", decompressing .gz and .zst by extension."""
    path = Path(path)
    if mode not in ("r", "w", "a"):
        raise ValueError(f"mode must be 'r', 'w' or 'a', not {mode!r}")
    suffix = path.suffix.lower()
    newline = None if mode == "r" else "\n"
    if suffix == ".gz":
        return gzip.open(path, mode + "t", encoding=encoding, newline=newline)
    if suffix == ".zst":
        zstd = _zstd()
        if mode == "r":
            raw = zstd.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
        else:
            raw = zstd.ZstdCompressor().stream_writer(open(path, mode + "b"), closefd=True)
        return io.TextIOWrapper(raw, encoding=encoding, newline=newline)
    return open(path, mode, encoding=encoding, newline=newline)


@contextmanager
def atomic_write(path: str | Path, *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write a text file that appears complete or not at all (temp file + rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part" + "".join(path.suffixes[-1:]),
                               dir=path.parent)
    os.close(fd)
    try:
        with open_text(tmp, "w", encoding=encoding) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
