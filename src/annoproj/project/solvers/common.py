"""Shared pieces of the solvers: input checks, allowed pairs, the greedy pass."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from annoproj.errors import InfeasibleError
from annoproj.project.base import Constraint

CONSTRAINTS = ("at_most", "exactly", "at_least")
EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


@dataclass(slots=True)
class Pairs:
    """The allowed (entity, candidate) pairs of one instance, as parallel arrays."""

    ent: np.ndarray  # entity index
    cand: np.ndarray  # candidate index
    score: np.ndarray  # float64
    start: np.ndarray  # candidate start token
    end: np.ndarray  # candidate end token (exclusive)

    def __len__(self) -> int:
        return len(self.ent)

    def take(self, idx: np.ndarray) -> Pairs:
        return Pairs(self.ent[idx], self.cand[idx], self.score[idx], self.start[idx], self.end[idx])


def check_inputs(
    scores: np.ndarray,
    candidates: np.ndarray,
    per_entity: np.ndarray | int,
    constraint: Constraint,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated float64 (E, C) scores, int64 (C, 2) candidates and (E,) per-entity counts."""
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINTS)}; got {constraint!r}")
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"scores must be a 2-d (entities x candidates) array, got {scores.shape}")
    n_ent, n_cand = scores.shape
    candidates = np.asarray(candidates, dtype=np.int64).reshape(-1, 2)
    if len(candidates) != n_cand:
        raise ValueError(f"scores have {n_cand} columns but there are {len(candidates)} candidates")
    if n_cand and np.any(candidates[:, 1] <= candidates[:, 0]):
        raise ValueError("every candidate needs start < end")
    if n_cand and candidates.min() < 0:
        raise ValueError("candidate offsets must be >= 0")
    if np.isnan(scores).any():
        raise ValueError("scores contain NaN")
    k = np.broadcast_to(np.asarray(per_entity, dtype=np.int64), (n_ent,)).copy()
    if n_ent and k.min() < 0:
        raise ValueError("per_entity must be >= 0")
    return scores, candidates, k


def allowed_pairs(
    scores: np.ndarray,
    candidates: np.ndarray,
    k: np.ndarray,
    constraint: Constraint,
    min_score: float,
) -> Pairs:
    """The pairs a solution may use.

    Pairs scoring below `min_score` are never used. Pairs that cannot add to the objective
    are dropped where they can never be needed: with "at_most" every pair scoring <= 0 and
    every pair of an entity allowed 0 candidates; with "exactly" the pairs of entities
    allowed 0; with "at_least" the pairs scoring <= 0 of entities needing 0.
    """
    ok = scores >= min_score
    if constraint == "at_most":
        ok &= (scores > 0) & (k[:, None] > 0)
    elif constraint == "exactly":
        ok &= k[:, None] > 0
    else:
        ok &= (scores > 0) | (k[:, None] > 0)
    ent, cand = np.nonzero(ok)
    return Pairs(ent, cand, scores[ent, cand], candidates[cand, 0], candidates[cand, 1])


def greedy_pairs(pairs: Pairs, caps: np.ndarray, n_ent: int) -> np.ndarray:
    """Indices into `pairs` chosen greedily: best score first (then shorter, then earlier).

    Each entity e takes at most `caps[e]` pairs; chosen candidates never overlap.
    """
    n = len(pairs)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((pairs.start, pairs.ent, pairs.end - pairs.start, -pairs.score))
    caps_left = [int(c) for c in np.minimum(caps, n)]
    open_ents = sum(1 for c in caps_left if c > 0)
    if open_ents == 0:
        return np.zeros(0, dtype=np.int64)
    hi = int(pairs.end.max())
    used = bytearray(hi)
    ent_l, start_l, end_l = pairs.ent.tolist(), pairs.start.tolist(), pairs.end.tolist()
    chosen = []
    for p in order.tolist():
        e = ent_l[p]
        if caps_left[e] <= 0:
            continue
        s, t = start_l[p], end_l[p]
        if any(used[s:t]):
            continue
        used[s:t] = b"\x01" * (t - s)
        chosen.append(p)
        caps_left[e] -= 1
        if caps_left[e] == 0:
            open_ents -= 1
            if open_ents == 0:
                break
    return np.asarray(chosen, dtype=np.int64)


def top_k_bound(pairs: Pairs, k: np.ndarray, n_ent: int) -> float:
    """An upper bound on any "at_most" solution: each entity's k best scores, overlaps ignored."""
    if len(pairs) == 0:
        return 0.0
    if int(k.max(initial=0)) <= 1:
        best = np.zeros(n_ent)
        np.maximum.at(best, pairs.ent, pairs.score)
        return float(best[k > 0].sum())
    order = np.lexsort((-pairs.score, pairs.ent))
    ent, sc = pairs.ent[order], pairs.score[order]
    first = np.searchsorted(ent, ent, side="left")
    rank = np.arange(len(ent)) - first
    return float(sc[rank < k[ent]].sum())


def result(pairs: Pairs, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(entity indices, candidate indices) of the chosen pairs, sorted by candidate start."""
    chosen = np.asarray(chosen, dtype=np.int64)
    if len(chosen) == 0:
        return EMPTY[0].copy(), EMPTY[1].copy()
    chosen = chosen[np.argsort(pairs.start[chosen], kind="stable")]
    return pairs.ent[chosen].astype(np.int64), pairs.cand[chosen].astype(np.int64)


def infeasible(k: np.ndarray, got: np.ndarray, constraint: str) -> InfeasibleError:
    bad = np.flatnonzero(got != k) if constraint == "exactly" else np.flatnonzero(got < k)
    e = int(bad[0]) if len(bad) else 0
    word = "exactly" if constraint == "exactly" else "at least"
    return InfeasibleError(f"entity {e} cannot get {word} {int(k[e])} non-overlapping candidate(s)")


class PairSolver:
    """Front shared by the solvers: validates the instance, applies `min_score`, handles the
    empty instance, and hands the allowed pairs to `_solve`."""

    name = "pairs"

    def __init__(self, *, min_score: float = 0.0) -> None:
        self.min_score = float(min_score)

    def solve(
        self,
        scores: np.ndarray,
        candidates: np.ndarray,
        *,
        per_entity: np.ndarray | int = 1,
        constraint: Constraint = "at_most",
    ) -> tuple[np.ndarray, np.ndarray]:
        """The chosen (entity indices, candidate indices)."""
        scores, candidates, k = check_inputs(scores, candidates, per_entity, constraint)
        if scores.shape[0] == 0:
            return EMPTY[0].copy(), EMPTY[1].copy()
        pairs = allowed_pairs(scores, candidates, k, constraint, self.min_score)
        return self._solve(pairs, k, constraint, scores.shape[0])

    def _solve(
        self, pairs: Pairs, k: np.ndarray, constraint: Constraint, n_ent: int
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError
