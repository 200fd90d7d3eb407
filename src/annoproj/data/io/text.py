"""Pretokenised text: one sentence per line, tokens separated by spaces."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from annoproj.data.io.files import atomic_write, iter_lines


def iter_tokenized(path: str | Path) -> Iterator[list[str]]:
    """Token lists of a one-sentence-per-line file; an empty line is an empty sentence."""
    for _, line in iter_lines(path):
        yield line.split()


def read_tokenized(path: str | Path) -> list[list[str]]:
    """All token lists of a one-sentence-per-line file."""
    return list(iter_tokenized(path))


def write_tokenized(path: str | Path, sentences: Iterable[Sequence[str]]) -> int:
    """Write token lists one sentence per line (atomically); returns how many were written."""
    n = 0
    with atomic_write(path) as f:
        for tokens in sentences:
            f.write(" ".join(tokens) + "\n")
            n += 1
    return n
