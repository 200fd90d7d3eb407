"""Provably optimal solvers: a certified greedy pass, a dynamic program, and HiGHS."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from annoproj.errors import ConfigError, InfeasibleError
from annoproj.project.base import Constraint, solvers
from annoproj.project.solvers.common import (
    EMPTY,
    PairSolver,
    Pairs,
    greedy_pairs,
    infeasible,
    result,
    top_k_bound,
)

_TOL = 1e-9


def components(pairs: Pairs, n_ent: int) -> list[np.ndarray]:
    """Pair indices split into groups that share no entity and no target token.

    Entities whose candidate ranges (first start .. last end) overlap go together; a
    coarse but valid split, in one sort.
    """
    if len(pairs) == 0:
        return []
    big = np.iinfo(np.int64).max
    lo = np.full(n_ent, big, dtype=np.int64)
    hi = np.full(n_ent, -1, dtype=np.int64)
    np.minimum.at(lo, pairs.ent, pairs.start)
    np.maximum.at(hi, pairs.ent, pairs.end)
    active = np.flatnonzero(hi >= 0)
    active = active[np.argsort(lo[active], kind="stable")]
    reach = np.maximum.accumulate(hi[active])
    new = np.ones(len(active), dtype=bool)
    new[1:] = lo[active[1:]] >= reach[:-1]
    comp_of_ent = np.zeros(n_ent, dtype=np.int64)
    comp_of_ent[active] = np.cumsum(new) - 1
    comp = comp_of_ent[pairs.ent]
    order = np.argsort(comp, kind="stable")
    cuts = np.flatnonzero(np.diff(comp[order])) + 1
    return np.split(order, cuts)


def _dedupe(pairs: Pairs) -> np.ndarray:
    """Indices keeping the best pair of each (entity, start, end)."""
    order = np.lexsort((-pairs.score, pairs.end, pairs.start, pairs.ent))
    e, s, t = pairs.ent[order], pairs.start[order], pairs.end[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (e[1:] != e[:-1]) | (s[1:] != s[:-1]) | (t[1:] != t[:-1])
    return order[keep]


def n_states(k: np.ndarray) -> int:
    """Size of the DP state space for per-entity quotas `k`."""
    return int(np.prod(k.astype(np.float64) + 1))


def dp_solve(pairs: Pairs, k: np.ndarray, constraint: Constraint) -> np.ndarray:
    """Optimal pair indices by a dynamic program over target positions.

    The state counts the candidates each entity has (mixed radix, digit e in 0..k[e];
    with "at_least" the digit saturates at k[e]). `pairs.ent` must index into `k`.
    Raises `InfeasibleError` when "exactly"/"at_least" cannot be met.
    """
    if len(pairs) == 0:
        if constraint != "at_most" and k.any():
            raise infeasible(k, np.zeros_like(k), constraint)
        return np.zeros(0, dtype=np.int64)
    keep = _dedupe(pairs)
    sub = pairs.take(keep)
    m = len(k)
    radix = k + 1
    stride = np.concatenate(([1], np.cumprod(radix[:-1]))).astype(np.int64)
    n_s = int(np.prod(radix))
    states = np.arange(n_s, dtype=np.int64)
    digit = (states[None, :] // stride[:, None]) % radix[:, None]
    inc_src = [states[digit[e] < k[e]] for e in range(m)]
    sat_src = [states[digit[e] == k[e]] for e in range(m)] if constraint == "at_least" else None

    pts = np.unique(np.concatenate([sub.start, sub.end]))
    cs = np.searchsorted(pts, sub.start)
    ce = np.searchsorted(pts, sub.end)
    n_p = len(pts)
    f = np.full((n_p, n_s), -np.inf)
    f[0, 0] = 0.0
    bp_pair = np.full((n_p, n_s), -1, dtype=np.int64)
    bp_state = np.zeros((n_p, n_s), dtype=np.int64)

    order = np.lexsort((sub.ent, cs))
    g_cs, g_ent = cs[order], sub.ent[order]
    cut = np.flatnonzero((np.diff(g_cs) != 0) | (np.diff(g_ent) != 0)) + 1
    bounds = np.concatenate(([0], cut, [len(order)]))
    gi = 0
    n_groups = len(bounds) - 1
    for p in range(n_p):
        if p:
            better = f[p - 1] > f[p]
            if better.any():
                f[p, better] = f[p - 1, better]
                bp_pair[p, better] = -1
        while gi < n_groups and g_cs[bounds[gi]] == p:
            idx = order[bounds[gi] : bounds[gi + 1]]
            e = int(sub.ent[idx[0]])
            passes = [(inc_src[e], stride[e])]
            if sat_src is not None:
                passes.append((sat_src[e], 0))
            ends = ce[idx]
            for src, step in passes:
                src = src[np.isfinite(f[p, src])]
                if len(src) == 0:
                    continue
                tgt = src + step
                vals = f[p, src][None, :] + sub.score[idx][:, None]
                cur = f[ends[:, None], tgt[None, :]]
                rows, cols = np.nonzero(vals > cur)
                if len(rows):
                    f[ends[rows], tgt[cols]] = vals[rows, cols]
                    bp_pair[ends[rows], tgt[cols]] = idx[rows]
                    bp_state[ends[rows], tgt[cols]] = src[cols]
            gi += 1
    last = n_p - 1
    if constraint == "at_most":
        s = int(np.argmax(f[last]))
    else:
        s = n_s - 1
        if not np.isfinite(f[last, s]):
            best = int(np.argmax(f[last]))
            raise infeasible(k, digit[:, best], constraint)
    chosen = []
    p = last
    while True:
        q = int(bp_pair[p, s])
        if q < 0:
            if p == 0:
                break
            p -= 1
            continue
        chosen.append(q)
        s = int(bp_state[p, s])
        p = int(cs[q])
    return keep[np.asarray(chosen, dtype=np.int64)]


def milp_solve(pairs: Pairs, k: np.ndarray, constraint: Constraint) -> np.ndarray:
    """Optimal pair indices by an integer program solved with HiGHS.

    One binary variable per pair; one row per entity for its quota and one row per
    distinct candidate start (any two overlapping candidates share the later start) so
    that at most one chosen candidate covers it. `pairs.ent` must index into `k`.
    """
    n = len(pairs)
    m = len(k)
    if n == 0:
        if constraint != "at_most" and k.any():
            raise infeasible(k, np.zeros_like(k), constraint)
        return np.zeros(0, dtype=np.int64)
    cols = np.arange(n)
    a_ent = sparse.csr_array((np.ones(n), (pairs.ent, cols)), shape=(m, n))
    if constraint == "at_most":
        lb, ub = np.zeros(m), k.astype(np.float64)
    elif constraint == "exactly":
        lb = ub = k.astype(np.float64)
    else:
        lb, ub = k.astype(np.float64), np.full(m, np.inf)
    starts = np.unique(pairs.start)
    lo = np.searchsorted(starts, pairs.start)
    hi = np.searchsorted(starts, pairs.end)
    counts = hi - lo
    rep = np.repeat(cols, counts)
    offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = np.repeat(lo, counts) + offs
    a_tok = sparse.csr_array((np.ones(len(rep)), (rows, rep)), shape=(len(starts), n))
    res = milp(
        c=-pairs.score,
        constraints=[LinearConstraint(a_ent, lb, ub), LinearConstraint(a_tok, -np.inf, 1.0)],
        integrality=np.ones(n),
        bounds=Bounds(0.0, 1.0),
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 2 or res.x is None:
        if res.status in (2, 0) or "infeasible" in str(res.message).lower():
            raise InfeasibleError(
                f"no assignment gives each entity {constraint.replace('_', ' ')} its quota "
                "of non-overlapping candidates"
            )
        raise RuntimeError(f"HiGHS failed: {res.message}")
    return np.flatnonzero(res.x > 0.5)


def _certified(pairs: Pairs, k: np.ndarray, n_ent: int) -> np.ndarray | None:
    """The greedy choice when it provably is optimal ("at_most"), else None."""
    g = greedy_pairs(pairs, k, n_ent)
    if pairs.score[g].sum() >= top_k_bound(pairs, k, n_ent) - _TOL:
        return g
    return None


def _check_quotas(pairs: Pairs, k: np.ndarray, constraint: Constraint) -> None:
    """Raise early when an entity needing candidates has none at all."""
    if constraint == "at_most":
        return
    have = np.bincount(pairs.ent, minlength=len(k))
    if np.any((k > 0) & (have == 0)):
        raise infeasible(k, np.minimum(have, 0), constraint)


def _local(pairs: Pairs, k: np.ndarray) -> tuple[Pairs, np.ndarray]:
    """The pairs with entity indices renumbered 0..m-1, and the quotas of those entities."""
    ents, local = np.unique(pairs.ent, return_inverse=True)
    return Pairs(local, pairs.cand, pairs.score, pairs.start, pairs.end), k[ents]


@solvers.register("exact")
class ExactSolver(PairSolver):
    """The optimal assignment, fast: certified greedy, then DP, then HiGHS.

    "at_most": pairs scoring <= 0 are dropped; if the greedy value reaches the bound
    "each entity's best candidates, overlaps ignored" it is optimal and returned. Else
    the pairs split into independent components, each solved by the same check, then by
    a dynamic program over target positions (state space up to `max_states`), then by
    HiGHS. min_score: pairs scoring below it are never chosen. backend: "auto", "dp"
    or "milp" (the last two skip the greedy certificate, for testing).
    """

    name = "exact"

    def __init__(
        self, *, min_score: float = 0.0, max_states: int = 4096, backend: str = "auto"
    ) -> None:
        if backend not in ("auto", "dp", "milp"):
            raise ConfigError(f"backend must be 'auto', 'dp' or 'milp', got {backend!r}")
        super().__init__(min_score=min_score)
        self.max_states = int(max_states)
        self.backend = backend

    def _solve(
        self, pairs: Pairs, k: np.ndarray, constraint: Constraint, n_ent: int
    ) -> tuple[np.ndarray, np.ndarray]:
        _check_quotas(pairs, k, constraint)
        if len(pairs) == 0:
            return EMPTY[0].copy(), EMPTY[1].copy()
        auto = self.backend == "auto"
        if auto and constraint == "at_most":
            got = _certified(pairs, k, n_ent)
            if got is not None:
                return result(pairs, got)
        chosen = []
        for idx in components(pairs, n_ent):
            sub, k_sub = _local(pairs.take(idx), k)
            got = None
            if auto and constraint == "at_most":
                got = _certified(sub, k_sub, len(k_sub))
            if got is None:
                if constraint == "at_most":
                    k_sub = np.minimum(k_sub, np.bincount(sub.ent, minlength=len(k_sub)))
                use_dp = self.backend == "dp" or (
                    self.backend == "auto" and n_states(k_sub) <= self.max_states
                )
                got = (
                    dp_solve(sub, k_sub, constraint)
                    if use_dp
                    else milp_solve(sub, k_sub, constraint)
                )
            chosen.append(idx[got])
        return result(pairs, np.concatenate(chosen) if chosen else np.zeros(0, np.int64))


@solvers.register("ilp")
class ILPSolver(PairSolver):
    """The optimal assignment from HiGHS on the whole instance (for comparison).

    min_score: pairs scoring below it are never chosen.
    """

    name = "ilp"

    def _solve(
        self, pairs: Pairs, k: np.ndarray, constraint: Constraint, n_ent: int
    ) -> tuple[np.ndarray, np.ndarray]:
        _check_quotas(pairs, k, constraint)
        return result(pairs, milp_solve(pairs, k, constraint))
