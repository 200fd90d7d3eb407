import doctest

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import annoproj.align.compose as compose_mod
from annoproj.align.compose import (
    COMBINERS,
    combine,
    combine_all,
    combine_matrices,
    compose,
    compose_all,
    compose_matrices,
)
from annoproj.data.model import Alignment


@st.composite
def link_matrix(draw, n_src=None, n_tgt=None):
    n = draw(st.integers(0, 6)) if n_src is None else n_src
    m = draw(st.integers(0, 6)) if n_tgt is None else n_tgt
    cells = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
    return np.asarray(cells, dtype=bool).reshape(n, m)


@st.composite
def direct_and_paths(draw, max_paths=3):
    n, m = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    d = draw(link_matrix(n, m))
    paths = [draw(link_matrix(n, m)) for _ in range(draw(st.integers(0, max_paths)))]
    return d, paths


def as_bool(m):
    return np.asarray(m) > 0


def test_doctests():
    assert doctest.testmod(compose_mod).failed == 0


# --- composition ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(link_matrix())
def test_composition_with_identity_is_identity(a):
    n, m = a.shape
    assert np.array_equal(as_bool(compose_matrices(a, np.eye(m))), a)
    assert np.array_equal(as_bool(compose_matrices(np.eye(n), a)), a)
    al = Alignment.from_matrix(a)
    assert compose(al, Alignment.from_pairs([(j, j) for j in range(m)]), n, m, m) == al


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_composition_is_associative_and_scores_are_bounded(data):
    a = data.draw(link_matrix())
    b = data.draw(link_matrix(a.shape[1], None))
    c = data.draw(link_matrix(b.shape[1], None))
    left = compose_matrices(compose_matrices(a, b), c)
    right = compose_matrices(a, compose_matrices(b, c))
    assert np.array_equal(left, right)
    rng = np.random.default_rng(0)
    sa, sb = a * rng.random(a.shape), b * rng.random(b.shape)
    mx = compose_matrices(sa, sb, scores="max")
    sm = compose_matrices(sa, sb, scores="sum")
    plain = compose_matrices(sa, sb)
    assert (mx <= plain + 1e-6).all() and (mx <= sm + 1e-6).all() and (sm <= 1.0 + 1e-6).all()


def test_compose_keeps_zero_scored_links():
    a = Alignment.from_pairs([(0, 0)], scores=[0.0])
    b = Alignment.from_pairs([(0, 1)])
    assert compose(a, b, 1, 1, 2).pairs() == [(0, 1)]


def test_compose_errors():
    with pytest.raises(ValueError, match="pivot sides differ"):
        compose_matrices(np.ones((2, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="unknown composition score"):
        compose_matrices(np.ones((1, 1)), np.ones((1, 1)), scores="avg")
    with pytest.raises(ValueError, match="differ in length"):
        compose_all([Alignment()], [], [1], [1], [1])


def test_compose_all_runs_per_sentence():
    first = [Alignment.from_pairs([(0, 1)]), Alignment()]
    second = [Alignment.from_pairs([(1, 0)]), Alignment.from_pairs([(0, 0)])]
    out = compose_all(first, second, [1, 1], [2, 1], [1, 1])
    assert out[0].pairs() == [(0, 0)] and out[1].pairs() == []


# --- combination ---------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(direct_and_paths())
def test_union_contains_direct_and_every_path(dp):
    d, paths = dp
    u = as_bool(combine_matrices(d, paths, policy="union"))
    assert (u >= d).all()
    for p in paths:
        assert (u >= p).all()


@settings(max_examples=80, deadline=None)
@given(direct_and_paths())
def test_vote_thresholds(dp):
    d, paths = dp
    union = combine_matrices(d, paths, policy="union")
    assert np.array_equal(combine_matrices(d, paths, policy="vote", k=1), union)
    everyone = d.copy()
    for p in paths:
        everyone &= p
    assert np.array_equal(as_bool(combine_matrices(d, paths, policy="vote", k=1 + len(paths))),
                          everyone)
    if not paths:  # a majority of one is the direct alignment itself
        assert np.array_equal(as_bool(combine_matrices(d, [], policy="vote")), d)


@settings(max_examples=80, deadline=None)
@given(direct_and_paths())
def test_intersect_grow_stays_in_union_and_without_paths_is_direct(dp):
    d, paths = dp
    out = as_bool(combine_matrices(d, paths, policy="intersect-grow"))
    union = as_bool(combine_matrices(d, paths, policy="union"))
    assert (out <= union).all()
    assert np.array_equal(as_bool(combine_matrices(d, [], policy="intersect-grow")), d)
    # direct links confirmed by a path always survive
    confirmed = d.copy() & False
    for p in paths:
        confirmed |= d & p
    assert (out >= confirmed).all()


@settings(max_examples=80, deadline=None)
@given(direct_and_paths(), st.data())
def test_confirm_keeps_sure_and_adds_only_confirmed_possible_links(dp, data):
    d, paths = dp
    assert np.array_equal(as_bool(combine_matrices(d, paths, policy="confirm")), d)
    sure = d & data.draw(link_matrix(*d.shape))
    possible = d | data.draw(link_matrix(*d.shape))
    out = as_bool(combine_matrices(d, paths, policy="confirm", sure=sure, possible=possible))
    assert (out >= sure).all() and (out <= possible).all()
    added = out & ~sure
    for i, j in np.argwhere(added):
        assert any(p[i, j] for p in paths)
    # every possible link that a path confirms is in
    for p in paths:
        assert (out >= (possible & p)).all()


@settings(max_examples=80, deadline=None)
@given(direct_and_paths())
def test_weighted_is_a_mean_thresholded(dp):
    d, paths = dp
    out = combine_matrices(d, paths, policy="weighted", threshold=1e-6)
    union = combine_matrices(d, paths, policy="union")
    assert np.array_equal(as_bool(out), as_bool(union))
    assert (out <= 1.0 + 1e-6).all()
    strict = combine_matrices(d, paths, policy="weighted", threshold=1.0)
    everyone = d.copy()
    for p in paths:
        everyone &= p
    assert np.array_equal(as_bool(strict), everyone)


def test_every_policy_accepts_an_empty_pair():
    for policy in COMBINERS:
        out = combine_matrices(np.zeros((0, 3)), [np.zeros((0, 3))], policy=policy)
        assert out.shape == (0, 3)


def test_combine_errors():
    with pytest.raises(ValueError, match="unknown combination policy"):
        combine_matrices(np.ones((1, 1)), [], policy="best")
    with pytest.raises(ValueError, match="path matrix"):
        combine_matrices(np.ones((1, 1)), [np.ones((2, 1))])
    with pytest.raises(ValueError, match="k must lie"):
        combine_matrices(np.ones((1, 1)), [np.ones((1, 1))], policy="vote", k=3)
    with pytest.raises(ValueError, match="policy 'vote' takes k; not sure"):
        combine_matrices(np.ones((1, 1)), [], policy="vote", sure=np.ones((1, 1)))
    with pytest.raises(ValueError, match="sure matrix"):
        combine_matrices(np.ones((1, 1)), [], policy="confirm", sure=np.ones((2, 1)))
    with pytest.raises(ValueError, match="weights"):
        combine_matrices(np.ones((1, 1)), [np.ones((1, 1))], policy="weighted", weights=[1])
    with pytest.raises(ValueError, match="sure alignments"):
        combine_all([Alignment()], [], [1], [1], policy="confirm", sure=[])
    with pytest.raises(ValueError, match="a path has"):
        combine_all([Alignment()], [[]], [1], [1])


def test_combine_alignments_and_scores():
    d = Alignment.from_pairs([(0, 0), (1, 1)])
    p = Alignment.from_pairs([(0, 0), (1, 0)], scores=[0.5, 1.0])
    w = combine(d, [p], 2, 2, policy="weighted", threshold=0.5)
    assert w.scores is not None and w.pairs() == [(0, 0), (1, 0), (1, 1)]
    assert np.allclose(w.scores, [0.75, 0.5, 0.5])
    # other policies ignore scores (a link is a link)
    assert combine(d, [p], 2, 2, policy="vote", k=2).pairs() == [(0, 0)]
    out = combine_all([d, d], [[p, Alignment()]], [2, 2], [2, 2], policy="union")
    assert out[1] == d


@settings(max_examples=60, deadline=None)
@given(link_matrix())
def test_matrix_alignment_matches_from_matrix(m):
    from annoproj.align.compose import matrix_alignment

    scores = m * np.linspace(0.1, 1.0, m.size).reshape(m.shape) if m.size else m.astype(float)
    assert matrix_alignment(m) == Alignment.from_matrix(m)
    assert matrix_alignment(scores, scored=True) == Alignment.from_matrix(scores, scored=True)
