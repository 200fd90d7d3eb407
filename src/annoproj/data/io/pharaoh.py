"""Pharaoh alignment files: one sentence pair per line, links as ``i-j`` (optionally ``i-j:score``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from annoproj.errors import FormatError
from annoproj.data.io.files import atomic_write, iter_lines
from annoproj.data.model import Alignment

#: Word indices have at most this many digits (a sentence of a billion words is no sentence).
MAX_DIGITS = 9


def parse_pharaoh(line: str, path: str | Path = "<input>", lineno: int = 0) -> Alignment:
    """One line of links. ``i-j`` and ``i-j:p`` (score p) are accepted, mixed too (an
    unscored link among scored ones scores 1.0); ``i?j`` counts as ``i-j``."""
    if "?" not in line:  # fast paths: well-formed i-j or i-j:p lines, parsed in bulk
        n_scores = line.count(":")
        flat = line.replace("-", " ").replace(":", " ").split()
        width = 3 if n_scores else 2
        n = line.count("-")
        if len(flat) == width * n and (n_scores == 0 or n_scores == n):
            ij = flat if width == 2 else [x for k, x in enumerate(flat) if k % 3 != 2]
            if all(x.isascii() and x.isdigit() and len(x) <= MAX_DIGITS for x in ij):
                links = np.array(ij, dtype=np.int64).reshape(-1, 2)
                if width == 2:
                    return Alignment.from_arrays(links)
                try:
                    scores = np.array(flat[2::3], dtype=np.float64)
                    if np.all(np.isfinite(scores)) and np.all(scores >= 0):
                        return Alignment.from_arrays(links, scores.astype(np.float32))
                except ValueError:
                    pass  # a score that is not a number: the line-by-item path names it
    pairs: list[tuple[int, int]] = []
    scores: list[float | None] = []
    for item in line.split():
        link, _, score = item.partition(":")
        sep = "-" if "-" in link else "?" if "?" in link else None
        if sep is None:
            raise FormatError(path, lineno, f"link {item!r} is not i-j")
        a, _, b = link.partition(sep)
        if not (a.isascii() and a.isdigit() and b.isascii() and b.isdigit()):
            raise FormatError(path, lineno, f"link {item!r} is not two non-negative integers i-j")
        if len(a) > MAX_DIGITS or len(b) > MAX_DIGITS:
            raise FormatError(path, lineno, f"link {item!r}: word index too large")
        pairs.append((int(a), int(b)))
        p = None
        if score:
            try:
                p = float(score)
            except ValueError:
                raise FormatError(path, lineno, f"link {item!r} has a score that is not a number") from None
            if not math.isfinite(p) or p < 0:
                raise FormatError(path, lineno, f"link {item!r}: a score is a finite number >= 0")
        scores.append(p)
    if all(x is None for x in scores):
        return Alignment.from_pairs(pairs)
    return Alignment.from_pairs(pairs, [1.0 if x is None else x for x in scores])


def iter_pharaoh(path: str | Path) -> Iterator[Alignment]:
    """Alignments of a Pharaoh file, one per line (empty lines are empty alignments)."""
    for lineno, line in iter_lines(path):
        yield parse_pharaoh(line, path, lineno)


def read_pharaoh(path: str | Path) -> list[Alignment]:
    """All alignments of a Pharaoh file."""
    return list(iter_pharaoh(path))


def format_pharaoh(alignment: Alignment, *, scores: bool | None = None) -> str:
    """One alignment as ``i-j`` links; ``i-j:p`` when `scores` (None: when it has scores)."""
    links = alignment.links
    if scores is None:
        scores = alignment.scores is not None and not bool(np.all(alignment.scores == 1.0))
    if scores and alignment.scores is not None:
        return " ".join(f"{i}-{j}:{p:.4g}" for (i, j), p in zip(links.tolist(), alignment.scores))
    return " ".join(f"{i}-{j}" for i, j in links.tolist())


def write_pharaoh(
    path: str | Path, alignments: Iterable[Alignment], *, scores: bool | None = None
) -> int:
    """Write alignments, one line each (atomically); link scores when they carry any other
    than 1.0 (`scores` None), always (True) or never (False). Returns the count."""
    n = 0
    with atomic_write(path) as f:
        for a in alignments:
            f.write(format_pharaoh(a, scores=scores) + "\n")
            n += 1
    return n


__all__ = ["format_pharaoh", "iter_pharaoh", "parse_pharaoh", "read_pharaoh", "write_pharaoh"]
