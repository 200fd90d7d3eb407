"""Symmetrisation of two directional word alignments (Koehn et al. 2003 heuristics)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from annoproj.data.model import Alignment

_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1))
_DIAG_NEIGHBOURS = _NEIGHBOURS + ((-1, -1), (-1, 1), (1, -1), (1, 1))


def _matrices(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int):
    return fwd.to_matrix(n_src, n_tgt) > 0, rev.to_matrix(n_src, n_tgt) > 0


def intersection(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """Links present in both directions: high precision."""
    f, r = _matrices(fwd, rev, n_src, n_tgt)
    return Alignment.from_matrix(f & r)


def union(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """Links present in either direction: high recall."""
    f, r = _matrices(fwd, rev, n_src, n_tgt)
    return Alignment.from_matrix(f | r)


def _grow(
    current: np.ndarray, union_m: np.ndarray, neighbours: tuple[tuple[int, int], ...]
) -> np.ndarray:
    """Add union links next to current links while they cover an unaligned word."""
    n_src, n_tgt = current.shape
    src_done = current.any(axis=1)
    tgt_done = current.any(axis=0)
    added = True
    while added:
        added = False
        for i, j in np.argwhere(current):
            for di, dj in neighbours:
                a, b = i + di, j + dj
                if 0 <= a < n_src and 0 <= b < n_tgt and union_m[a, b] and not current[a, b]:
                    if not src_done[a] or not tgt_done[b]:
                        current[a, b] = True
                        src_done[a] = tgt_done[b] = True
                        added = True
    return current


def _final(current: np.ndarray, direction: np.ndarray, *, both_unaligned: bool) -> np.ndarray:
    """Add links of one direction that touch an unaligned word (both words, if `both_unaligned`)."""
    src_done = current.any(axis=1)
    tgt_done = current.any(axis=0)
    for a, b in np.argwhere(direction & ~current):
        ok = (not src_done[a] and not tgt_done[b]) if both_unaligned else (
            not src_done[a] or not tgt_done[b]
        )
        if ok:
            current[a, b] = True
            src_done[a] = tgt_done[b] = True
    return current


def grow_diag(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """Intersection grown towards the union through (diagonal) neighbours."""
    f, r = _matrices(fwd, rev, n_src, n_tgt)
    return Alignment.from_matrix(_grow(f & r, f | r, _DIAG_NEIGHBOURS))


def grow_diag_final(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """grow-diag, then any directional link that covers an unaligned word."""
    f, r = _matrices(fwd, rev, n_src, n_tgt)
    m = _grow(f & r, f | r, _DIAG_NEIGHBOURS)
    m = _final(_final(m, f, both_unaligned=False), r, both_unaligned=False)
    return Alignment.from_matrix(m)


def grow_diag_final_and(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """grow-diag, then directional links whose two words are both unaligned."""
    f, r = _matrices(fwd, rev, n_src, n_tgt)
    m = _grow(f & r, f | r, _DIAG_NEIGHBOURS)
    m = _final(_final(m, f, both_unaligned=True), r, both_unaligned=True)
    return Alignment.from_matrix(m)


def forward(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """The source-to-target direction alone."""
    return fwd


def reverse(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """The target-to-source direction alone."""
    return rev


def soft_union(fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int) -> Alignment:
    """The union, scored: 1.0 for links of both directions, 0.5 for links of one.

    For scorers that weigh links (the matching projection); unscored readers see the union.
    """
    m = np.zeros((n_src, n_tgt), dtype=np.float32)
    for a in (fwd, rev):
        if len(a.links):
            ok = (a.links[:, 0] < n_src) & (a.links[:, 1] < n_tgt)
            m[a.links[ok, 0], a.links[ok, 1]] += 0.5
    return Alignment.from_matrix(m, scored=True)


Symmetrizer = Callable[[Alignment, Alignment, int, int], Alignment]

SYMMETRIZERS: dict[str, Symmetrizer] = {
    "forward": forward,
    "reverse": reverse,
    "intersection": intersection,
    "union": union,
    "grow-diag": grow_diag,
    "grow-diag-final": grow_diag_final,
    "grow-diag-final-and": grow_diag_final_and,
    "soft-union": soft_union,
}


def symmetrize(
    fwd: Alignment, rev: Alignment, n_src: int, n_tgt: int, *, method: str = "grow-diag-final-and"
) -> Alignment:
    """Combine the two directions of one sentence pair with the named heuristic.

    "auto" is the best symmetrisation of the default projection method
    (`annoproj.defaults.symmetrize_for`).
    """
    if method == "auto":
        from annoproj.defaults import symmetrize_for

        method = symmetrize_for()
    try:
        fn = SYMMETRIZERS[method]
    except KeyError:
        raise ValueError(
            f"unknown symmetrisation {method!r}; choose one of {', '.join(SYMMETRIZERS)}"
        ) from None
    return fn(fwd, rev, n_src, n_tgt)
