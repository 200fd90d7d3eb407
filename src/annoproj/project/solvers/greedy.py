"""The greedy solver: best remaining pair first."""

from __future__ import annotations

import numpy as np

from annoproj.project.base import Constraint, solvers
from annoproj.project.solvers.common import (
    PairSolver,
    Pairs,
    greedy_pairs,
    infeasible,
    result,
)


@solvers.register("greedy")
class GreedySolver(PairSolver):
    """Takes the best remaining (entity, candidate) pair, drops what conflicts with it, repeats.

    Not optimal in general. With "exactly" / "at_least" it first fills each entity's quota
    greedily and raises `InfeasibleError` when that fails (a solution may still exist;
    the "exact" solver decides that); "at_least" then adds any remaining positive pairs.
    min_score: pairs scoring below it are never chosen.
    """

    name = "greedy"

    def _solve(
        self, pairs: Pairs, k: np.ndarray, constraint: Constraint, n_ent: int
    ) -> tuple[np.ndarray, np.ndarray]:
        chosen = greedy_pairs(pairs, k, n_ent)
        if constraint != "at_most":
            got = np.bincount(pairs.ent[chosen], minlength=n_ent)
            if np.any(got < k):
                raise infeasible(k, got, constraint)
        if constraint == "at_least":
            chosen = _add_positive(pairs, chosen)
        return result(pairs, chosen)


def _add_positive(pairs, chosen: np.ndarray) -> np.ndarray:
    """`chosen` plus the best positive pairs that do not overlap anything taken."""
    if len(pairs) == 0:
        return chosen
    used = bytearray(int(pairs.end.max()))
    for p in chosen.tolist():
        used[pairs.start[p] : pairs.end[p]] = b"\x01" * int(pairs.end[p] - pairs.start[p])
    taken = set(chosen.tolist())
    extra = []
    order = np.lexsort((pairs.start, pairs.ent, pairs.end - pairs.start, -pairs.score))
    for p in order.tolist():
        if pairs.score[p] <= 0:
            break
        s, t = int(pairs.start[p]), int(pairs.end[p])
        if p in taken or any(used[s:t]):
            continue
        used[s:t] = b"\x01" * (t - s)
        extra.append(p)
    return np.concatenate([chosen, np.asarray(extra, dtype=np.int64)])
