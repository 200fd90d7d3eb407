import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annoproj.errors import InfeasibleError
from annoproj.project.base import solvers
from annoproj.project.solvers.common import allowed_pairs
from annoproj.project.solvers.exact import ExactSolver, components

CONSTRAINTS = ("at_most", "exactly", "at_least")


def brute_force(scores, cands, k, constraint):
    """Best total over every feasible assignment, or None when none is feasible."""
    n_ent, n_cand = scores.shape
    best = [None]

    def rec(c, used, counts, total):
        if c == n_cand:
            if constraint == "at_most":
                ok = all(counts[e] <= k[e] for e in range(n_ent))
            elif constraint == "exactly":
                ok = all(counts[e] == k[e] for e in range(n_ent))
            else:
                ok = all(counts[e] >= k[e] for e in range(n_ent))
            if ok and (best[0] is None or total > best[0]):
                best[0] = total
            return
        rec(c + 1, used, counts, total)
        s, t = cands[c]
        if any(used[s:t]):
            return
        for e in range(n_ent):
            if constraint != "at_least" and counts[e] >= k[e]:
                continue
            used2 = used[:s] + (True,) * (t - s) + used[t:]
            counts2 = counts[:e] + (counts[e] + 1,) + counts[e + 1 :]
            rec(c + 1, used2, counts2, total + scores[e, c])

    n_tok = int(cands[:, 1].max()) if n_cand else 0
    rec(0, (False,) * n_tok, (0,) * n_ent, 0.0)
    return best[0]


@st.composite
def instances(draw):
    n_tgt = draw(st.integers(1, 6))
    n_ent = draw(st.integers(0, 3))
    spans = [(s, e) for s in range(n_tgt) for e in range(s + 1, n_tgt + 1)]
    chosen = draw(st.lists(st.sampled_from(spans), min_size=0, max_size=10, unique=True))
    cands = np.asarray(sorted(chosen), dtype=np.int64).reshape(-1, 2)
    levels = st.sampled_from([0.0, 0.0, 0.1, 0.25, 0.5, 0.5, 0.75, 1.0])
    scores = np.asarray(
        draw(st.lists(levels, min_size=n_ent * len(cands), max_size=n_ent * len(cands))),
        dtype=np.float64,
    ).reshape(n_ent, len(cands))
    k = np.asarray(draw(st.lists(st.integers(0, 2), min_size=n_ent, max_size=n_ent)), np.int64)
    constraint = draw(st.sampled_from(CONSTRAINTS))
    return scores, cands, k, constraint


def check_valid(scores, cands, k, constraint, ent, cand):
    assert len(ent) == len(cand)
    spans = sorted(tuple(cands[c]) for c in cand)
    for (a, b), (c, d) in itertools.pairwise(spans):
        assert b <= c, "chosen candidates overlap"
    counts = np.bincount(ent, minlength=len(k)) if len(ent) else np.zeros(len(k), int)
    if constraint == "at_most":
        assert np.all(counts <= k)
    elif constraint == "exactly":
        assert np.all(counts == k)
    else:
        assert np.all(counts >= k)
    assert len(set(zip(ent.tolist(), cand.tolist()))) == len(ent)
    return float(scores[ent, cand].sum()) if len(ent) else 0.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_exact_solvers_equal_brute_force(inst):
    scores, cands, k, constraint = inst
    want = brute_force(scores, cands, k, constraint)
    for solver in (
        ExactSolver(),
        ExactSolver(backend="dp"),
        ExactSolver(backend="milp"),
        solvers.create("ilp"),
    ):
        if want is None:
            with pytest.raises(InfeasibleError):
                solver.solve(scores, cands, per_entity=k, constraint=constraint)
            continue
        ent, cand = solver.solve(scores, cands, per_entity=k, constraint=constraint)
        got = check_valid(scores, cands, k, constraint, ent, cand)
        assert got == pytest.approx(want, abs=1e-7)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_greedy_is_valid_and_never_beats_exact(inst):
    scores, cands, k, constraint = inst
    try:
        ent, cand = solvers.create("greedy").solve(
            scores, cands, per_entity=k, constraint=constraint
        )
    except InfeasibleError:
        return
    g = check_valid(scores, cands, k, constraint, ent, cand)
    ent, cand = solvers.create("exact").solve(scores, cands, per_entity=k, constraint=constraint)
    assert check_valid(scores, cands, k, constraint, ent, cand) >= g - 1e-9


def test_exact_beats_greedy_on_a_conflict():
    # entity 0 likes (0,2) best, but that blocks entity 1 whose only option is (1,2)
    cands = np.array([[0, 2], [0, 1], [1, 2]])
    scores = np.array([[0.9, 0.8, 0.0], [0.0, 0.0, 0.7]])
    ent, cand = solvers.create("greedy").solve(scores, cands)
    assert ent.tolist() == [0] and cand.tolist() == [0]
    ent, cand = solvers.create("exact").solve(scores, cands)
    assert sorted(zip(ent.tolist(), cand.tolist())) == [(0, 1), (1, 2)]


def test_per_entity_array_and_min_score():
    cands = np.array([[0, 1], [1, 2], [2, 3]])
    scores = np.array([[0.9, 0.8, 0.3], [0.0, 0.0, 0.5]])
    ent, cand = solvers.create("exact").solve(scores, cands, per_entity=np.array([2, 1]))
    assert sorted(zip(ent.tolist(), cand.tolist())) == [(0, 0), (0, 1), (1, 2)]
    ent, cand = solvers.create("exact", min_score=0.6).solve(scores, cands, per_entity=[2, 1])
    assert sorted(zip(ent.tolist(), cand.tolist())) == [(0, 0), (0, 1)]


def test_infeasible_and_input_errors():
    cands = np.array([[0, 2], [1, 3]])
    scores = np.array([[1.0, 0.5], [0.5, 1.0]])
    for name in ("exact", "ilp", "greedy"):
        with pytest.raises(InfeasibleError):
            solvers.create(name).solve(scores, cands, constraint="exactly")
    with pytest.raises(ValueError, match="constraint"):
        solvers.create("exact").solve(scores, cands, constraint="some")
    with pytest.raises(ValueError, match="columns"):
        solvers.create("exact").solve(scores, cands[:1])
    ent, cand = solvers.create("exact").solve(np.zeros((0, 2)), cands)
    assert len(ent) == len(cand) == 0


def test_components_split_disjoint_entities():
    cands = np.array([[0, 1], [1, 2], [5, 6], [6, 8]])
    scores = np.array([[1.0, 0.5, 0, 0], [0, 0, 1.0, 0], [0, 0, 0, 0.4]])
    pairs = allowed_pairs(scores, cands, np.ones(3, int), "at_most", 0.0)
    groups = components(pairs, 3)
    assert sorted(sorted(set(pairs.ent[g].tolist())) for g in groups) == [[0], [1], [2]]


def test_large_instance_uses_milp_and_matches_dp():
    rng = np.random.default_rng(0)
    n_tgt, n_ent = 30, 14
    cands = np.array([(s, s + l) for s in range(n_tgt) for l in range(1, 4) if s + l <= n_tgt])
    scores = rng.random((n_ent, len(cands))) * (rng.random((n_ent, len(cands))) < 0.3)
    a = ExactSolver(max_states=1).solve(scores, cands, per_entity=2)
    b = ExactSolver(backend="dp", max_states=10**9).solve(scores, cands, per_entity=1)
    c = ExactSolver(backend="milp").solve(scores, cands, per_entity=1)
    k = np.full(n_ent, 2)
    check_valid(scores, cands, k, "at_most", *a)
    vb = check_valid(scores, cands, np.ones(n_ent, int), "at_most", *b)
    vc = check_valid(scores, cands, np.ones(n_ent, int), "at_most", *c)
    assert vb == pytest.approx(vc)
