"""Candidate target spans for the matching projection: n-grams of the target sentence."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from annoproj.data.model import Alignment

_EMPTY = np.zeros((0, 2), dtype=np.int32)


@lru_cache(maxsize=65536)
def is_punct(token: str) -> bool:
    """True if every character of `token` is punctuation or a symbol (and it is non-empty)."""
    return bool(token) and all(unicodedata.category(ch)[0] in "PS" for ch in token)


def punct_mask(tokens: Sequence[str]) -> np.ndarray:
    """A bool array: which tokens are punctuation or symbols."""
    return np.fromiter((is_punct(t) for t in tokens), dtype=bool, count=len(tokens))


def _grid_mask(n_tgt: int, max_len: int, lo: int, hi: int, punct: np.ndarray | None) -> np.ndarray:
    """A bool (n_tgt, max_len) grid: [s, l-1] is True when n-gram s..s+l is a candidate."""
    starts = np.arange(n_tgt)[:, None]
    ends = starts + np.arange(1, max_len + 1)[None, :]
    ok = (starts >= lo) & (ends <= hi)
    if punct is not None and punct.any():
        ok &= ~punct[:, None]
        ok &= ~punct[np.minimum(ends, n_tgt) - 1]
    return ok


def _grid_to_array(grid: np.ndarray) -> np.ndarray:
    s, l = np.nonzero(grid)
    if len(s) == 0:
        return _EMPTY.copy()
    return np.stack([s, s + l + 1], axis=1).astype(np.int32)


def candidates(
    n_tgt: int,
    *,
    max_len: int = 10,
    tgt_tokens: Sequence[str] | None = None,
    skip_punct_edges: bool = True,
    within: tuple[int, int] | None = None,
) -> np.ndarray:
    """All target n-grams of 1..`max_len` tokens as an int32 (C, 2) array of (start, end).

    `within=(lo, hi)` keeps only n-grams inside tokens lo..hi (end exclusive, clipped to
    the sentence). With `tgt_tokens` and `skip_punct_edges`, n-grams that start or end
    with a punctuation token are dropped. Sorted by start, then length.
    """
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    if n_tgt <= 0:
        return _EMPTY.copy()
    lo, hi = (0, n_tgt) if within is None else (max(0, within[0]), min(n_tgt, within[1]))
    if hi <= lo:
        return _EMPTY.copy()
    punct = None
    if skip_punct_edges and tgt_tokens is not None:
        if len(tgt_tokens) != n_tgt:
            raise ValueError(f"n_tgt is {n_tgt} but {len(tgt_tokens)} target tokens were given")
        punct = punct_mask(tgt_tokens)
    return _grid_to_array(_grid_mask(n_tgt, min(max_len, n_tgt), lo, hi, punct))


def aligned_ranges(
    entities: np.ndarray, alignment: Alignment, *, margin: int = 0, n_tgt: int | None = None
) -> np.ndarray:
    """For each source entity (E, 2), the target range (lo, hi) its aligned words span.

    The range is widened by `margin` tokens on each side (clipped to `n_tgt` when given);
    an entity without aligned words gets (0, 0).
    """
    entities = np.asarray(entities, dtype=np.int64).reshape(-1, 2)
    out = np.zeros((len(entities), 2), dtype=np.int64)
    links = alignment.links
    if len(links) == 0 or len(entities) == 0:
        return out
    src, tgt = links[:, 0].astype(np.int64), links[:, 1].astype(np.int64)
    inside = (src[None, :] >= entities[:, :1]) & (src[None, :] < entities[:, 1:])  # (E, k)
    has = inside.any(axis=1)
    big = np.iinfo(np.int64).max
    lo = np.where(inside, tgt[None, :], big).min(axis=1)
    hi = np.where(inside, tgt[None, :], -1).max(axis=1) + 1
    lo = np.maximum(lo - margin, 0)
    hi = hi + margin
    if n_tgt is not None:
        hi = np.minimum(hi, n_tgt)
    out[has, 0] = lo[has]
    out[has, 1] = hi[has]
    return out


def sentence_candidates(
    entities: np.ndarray,
    alignment: Alignment,
    n_tgt: int,
    *,
    max_len: int = 10,
    tgt_tokens: Sequence[str] | None = None,
    skip_punct_edges: bool = True,
    within_aligned: bool = True,
    margin: int = 1,
    unaligned: str = "none",
) -> np.ndarray:
    """The union of candidates for all entities of one sentence.

    With `within_aligned`, each entity contributes the n-grams inside the target range of
    its aligned words widened by `margin`; an entity without aligned words contributes
    nothing (`unaligned="none"`) or every n-gram of the sentence (`unaligned="all"`).
    Without `within_aligned`, every n-gram of the sentence is a candidate.
    """
    if unaligned not in ("none", "all"):
        raise ValueError(f"unaligned must be 'none' or 'all', got {unaligned!r}")
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    if n_tgt <= 0 or len(entities) == 0:
        return _EMPTY.copy()
    punct = None
    if skip_punct_edges and tgt_tokens is not None:
        punct = punct_mask(tgt_tokens)
    max_len = min(max_len, n_tgt)
    if not within_aligned:
        return _grid_to_array(_grid_mask(n_tgt, max_len, 0, n_tgt, punct))
    ranges = aligned_ranges(entities, alignment, margin=margin, n_tgt=n_tgt)
    empty = ranges[:, 1] <= ranges[:, 0]
    if empty.any() and unaligned == "all":
        return _grid_to_array(_grid_mask(n_tgt, max_len, 0, n_tgt, punct))
    ranges = ranges[~empty]
    if len(ranges) == 0:
        return _EMPTY.copy()
    starts = np.arange(n_tgt)[:, None]
    ends = starts + np.arange(1, max_len + 1)[None, :]
    # an n-gram is kept if it lies inside any entity's range
    ok = (
        (starts[None] >= ranges[:, 0, None, None]) & (ends[None] <= ranges[:, 1, None, None])
    ).any(axis=0)
    if punct is not None and punct.any():
        ok &= ~punct[:, None]
        ok &= ~punct[np.minimum(ends, n_tgt) - 1]
    return _grid_to_array(ok)
