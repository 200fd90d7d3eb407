"""Opening text files: transparent .gz / .zst compression and atomic writes."""

from __future__ import annotations

import gzip
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annoproj.errors import FormatError, MissingDependencyError, UsageError


def _zstd():
    try:
        import zstandard
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: str | Path, *, encoding: str = "utf-8",
                 binary: bool = False) -> Iterator[IO[Any]]:
    """Write a text file (with `binary`, a binary one) that appears complete or not at all
    (temp file + rename); a `UsageError` (exit code 2) when `path` is a folder."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder: name a file to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part" + "".join(path.suffixes[-1:]),
                               dir=path.parent)
    os.close(fd)
    try:
        with (open(tmp, "wb") if binary else open_text(tmp, "w", encoding=encoding)) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _open_binary(path: Path) -> IO[bytes]:
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if suffix == ".zst":
        return _zstd().ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)  # type: ignore[return-value]
    return open(path, "rb")


def iter_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, without the line end; stray CRs and a BOM removed.

    A line that is not valid UTF-8 raises a `ValueError` naming the file, line and byte.
    """
    path = Path(path)
    with _open_binary(path) as raw:
        for lineno, data in enumerate(io.BufferedReader(raw) if not hasattr(raw, "peek") else raw, 1):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError(
                    path, lineno,
                    f"not UTF-8 (byte 0x{data[exc.start]:02x} at column {exc.start + 1}); "
                    "convert the file, e.g. iconv -f latin1 -t utf-8",
                ) from None
            if lineno == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield lineno, text.rstrip("\r\n").replace("\r", "")
