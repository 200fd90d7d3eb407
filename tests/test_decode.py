"""Constrained decoding of tag marginals with O down-weighted, against a brute-force oracle."""

import doctest
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import annoproj.train.decode as decode_mod
from annoproj.train.decode import constrained_decode, transition_rules

IOB2 = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
BIOES = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "S-LOC"]


def valid(tags, scheme):
    start, allowed, end = transition_rules(IOB2 if scheme == "IOB2" else BIOES, scheme)
    labels = IOB2 if scheme == "IOB2" else BIOES
    idx = [labels.index(t) for t in tags]
    return (start[idx[0]] and end[idx[-1]]
            and all(allowed[a, b] for a, b in zip(idx, idx[1:])))


def brute_force(m, labels, scheme, o_weight):
    """Best valid sequence's log score, by enumerating every sequence."""
    logp = np.log(np.clip(m, 1e-12, 1.0))
    logp[:, labels.index("O")] += np.log(o_weight)
    best = -np.inf
    for seq in itertools.product(range(len(labels)), repeat=len(m)):
        tags = [labels[k] for k in seq]
        if valid(tags, scheme):
            best = max(best, sum(logp[i, k] for i, k in enumerate(seq)))
    return best


def marginals(n_labels):
    return st.integers(1, 4).flatmap(lambda n: arrays(
        np.float64, (n, n_labels), elements=st.floats(0.001, 1.0)))


@settings(max_examples=60, deadline=None)
@given(m=marginals(len(IOB2)), w=st.sampled_from([1.0, 0.5, 0.2, 2.0]),
       scheme=st.just("IOB2"))
def test_iob2_matches_brute_force(m, w, scheme):
    tags = constrained_decode(m, IOB2, o_weight=w, scheme=scheme)
    assert valid(tags, scheme)
    logp = np.log(m) + np.where(np.array(IOB2) == "O", np.log(w), 0.0)
    got = sum(logp[i, IOB2.index(t)] for i, t in enumerate(tags))
    assert got == pytest.approx(brute_force(m, IOB2, scheme, w), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(m=marginals(len(BIOES)), w=st.sampled_from([1.0, 0.3]))
def test_bioes_matches_brute_force(m, w):
    tags = constrained_decode(m, BIOES, o_weight=w, scheme="BIOES")
    assert valid(tags, "BIOES")
    logp = np.log(m) + np.where(np.array(BIOES) == "O", np.log(w), 0.0)
    got = sum(logp[i, BIOES.index(t)] for i, t in enumerate(tags))
    assert got == pytest.approx(brute_force(m, BIOES, "BIOES", w), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(m=marginals(len(IOB2)))
def test_lower_o_weight_never_tags_more_o(m):
    # the best path at a lower weight has at most as many O tags (exchange argument)
    counts = [constrained_decode(m, IOB2, o_weight=w).count("O") for w in (2.0, 1.0, 0.5, 0.1, 0.01)]
    assert counts == sorted(counts, reverse=True)


def test_edge_cases_and_errors():
    assert constrained_decode(np.zeros((0, 3)), ["O", "B-X", "I-X"]) == []
    m = np.array([[0.1, 0.1, 0.8]])  # I-X most likely, but cannot start a sentence
    assert constrained_decode(m, ["O", "B-X", "I-X"]) == ["O"]
    with pytest.raises(ValueError, match="o_weight"):
        constrained_decode(m, ["O", "B-X", "I-X"], o_weight=0)
    with pytest.raises(ValueError, match="columns"):
        constrained_decode(m, ["O", "B-X"])
    with pytest.raises(ValueError, match="IOB2 and BIOES"):
        transition_rules(["O"], "IOB1")


def test_module_doctests():
    assert doctest.testmod(decode_mod).failed == 0
