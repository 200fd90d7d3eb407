"""Array helpers shared by the scorers: prefix sums, window maxima, soft word Dice."""

from __future__ import annotations

import numpy as np


def prefix(a: np.ndarray, axis: int) -> np.ndarray:
    """Cumulative sums along `axis` with a leading zero slice."""
    shape = list(a.shape)
    shape[axis] = 1
    return np.concatenate([np.zeros(shape, dtype=a.dtype), np.cumsum(a, axis=axis)], axis=axis)


def window_max(t: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """(n_rows, C): for each row of `t` (n_rows, n_tgt), its max over each candidate's columns.

    A sparse table of maxima over power-of-two windows; each candidate is two lookups.
    """
    n_rows, n_tgt = t.shape
    if len(candidates) == 0 or n_rows == 0:
        return np.zeros((n_rows, len(candidates)), dtype=t.dtype)
    starts, ends = candidates[:, 0], candidates[:, 1]
    lengths = ends - starts
    levels = max(int(lengths.max()).bit_length(), 1)
    table = np.zeros((levels, n_rows, n_tgt), dtype=t.dtype)
    table[0] = t
    for k in range(1, levels):
        half = 1 << (k - 1)
        table[k, :, : n_tgt - 2 * half + 1] = np.maximum(
            table[k - 1, :, : n_tgt - 2 * half + 1], table[k - 1, :, half : n_tgt - half + 1]
        )
    k = np.log2(lengths).astype(np.int64)  # the largest power of two <= length
    return np.maximum(table[k, :, starts], table[k, :, ends - (1 << k)]).T


def span_max(t: np.ndarray, entities: np.ndarray) -> np.ndarray:
    """(E, n_tgt): for each entity (start, end) over the rows of `t`, the column-wise max."""
    if len(entities) == 0:
        return np.zeros((0, t.shape[1]), dtype=t.dtype)
    return np.stack([t[s:e].max(axis=0) for s, e in entities.tolist()])


def entity_rows(entities: np.ndarray, n_src: int) -> np.ndarray:
    """Sorted indices of the source tokens inside some entity."""
    mask = np.zeros(n_src, dtype=bool)
    for s, e in entities.tolist():
        mask[s:e] = True
    return np.flatnonzero(mask)


def soft_dice(
    sim: np.ndarray, entities: np.ndarray, candidates: np.ndarray, rows: np.ndarray | None = None
) -> np.ndarray:
    """(E, C) soft Dice overlap of entity and candidate words under word similarities `sim`.

    (sum over entity words of their best match in the candidate + sum over candidate
    words of their best match in the entity) / (|entity| + |candidate|). `rows`, the
    source tokens inside entities, limits the work to them (`entity_rows`).
    """
    es, ee = entities[:, 0], entities[:, 1]
    cs, ce = candidates[:, 0], candidates[:, 1]
    tgt_side = prefix(span_max(sim, entities), 1)  # (E, n_tgt+1)
    if rows is None:
        rows = entity_rows(entities, sim.shape[0])
    best = np.zeros((sim.shape[0], len(candidates)), dtype=sim.dtype)
    best[rows] = window_max(sim[rows], candidates)
    src_side = prefix(best, 0)  # (n_src+1, C)
    num = (tgt_side[:, ce] - tgt_side[:, cs]) + (src_side[ee] - src_side[es])
    return num / ((ee - es)[:, None] + (ce - cs)[None, :])
