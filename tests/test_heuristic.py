import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.data.model import Alignment, ProjectedSpan, Span
from annoproj.project.heuristic import (
    HeuristicConfig,
    HeuristicProjector,
    project_sentence,
    resolve_overlaps,
)


def test_contiguous_projection_with_score():
    a = Alignment.from_pairs([(0, 1), (1, 2)])
    got = project_sentence([Span(0, 2, "PER")], a, 3, 4)
    assert got == [ProjectedSpan(1, 3, "PER", 1.0, 0)]


def test_gap_of_one_word_is_bridged_and_two_are_not():
    a = Alignment.from_pairs([(0, 0), (0, 2)])
    assert [(s.start, s.end) for s in project_sentence([Span(0, 1, "LOC")], a, 1, 5)] == [(0, 3)]
    a = Alignment.from_pairs([(0, 0), (0, 3)])
    got = project_sentence([Span(0, 1, "LOC")], a, 1, 5)
    # two runs of equal length: both kept (ratio 1 >= 0.8)
    assert [(s.start, s.end) for s in got] == [(0, 1), (3, 4)]
    got = project_sentence([Span(0, 1, "LOC")], a, 1, 5, HeuristicConfig(max_gap=2))
    assert [(s.start, s.end) for s in got] == [(0, 4)]


def test_short_runs_are_dropped_and_max_spans_keeps_the_longest():
    a = Alignment.from_pairs([(0, 0), (1, 1), (2, 2), (0, 6)])
    got = project_sentence([Span(0, 3, "ORG")], a, 3, 8)
    assert [(s.start, s.end) for s in got] == [(0, 3)]
    a = Alignment.from_pairs([(0, 0), (0, 4), (0, 8)])
    got = project_sentence([Span(0, 1, "ORG")], a, 1, 9, HeuristicConfig(max_spans=1))
    assert len(got) == 1


def test_unaligned_entity_projects_nothing():
    assert project_sentence([Span(0, 1, "PER")], Alignment.from_pairs([(1, 1)]), 2, 2) == []


def test_overlaps_resolved_by_score_then_length():
    spans = [ProjectedSpan(0, 2, "PER", 0.5, 0), ProjectedSpan(1, 3, "LOC", 0.9, 1)]
    assert resolve_overlaps(spans) == [spans[1]]
    assert resolve_overlaps(spans[::-1]) == [spans[1]]


def test_config_is_validated():
    with pytest.raises(ValueError, match="min_ratio"):
        HeuristicConfig(min_ratio=1.5)
    with pytest.raises(ValueError, match="max_gap"):
        HeuristicConfig(max_gap=-1)


def test_out_of_bounds_pair_is_skipped_and_reported():
    res = HeuristicProjector().project(
        [["a", "b"], ["c"]], [["x"], ["y"]],
        [[Span(0, 1, "PER")], [Span(0, 1, "PER")]],
        [Alignment.from_pairs([(0, 5)]), Alignment.from_pairs([(0, 0)])],
    )  # fmt: skip
    assert res.spans[0] == [] and res.spans[1][0].span() == Span(0, 1, "PER")
    assert res.skipped and res.skipped[0][0] == 0 and "outside" in res.skipped[0][1]


@st.composite
def instances(draw):
    n_src = draw(st.integers(1, 10))
    n_tgt = draw(st.integers(1, 12))
    links = draw(st.lists(st.tuples(st.integers(0, n_src - 1), st.integers(0, n_tgt - 1)),
                          max_size=20))
    cuts = sorted(draw(st.lists(st.integers(0, n_src), max_size=6, unique=True)))
    spans = [Span(a, b, "X") for a, b in zip(cuts[::2], cuts[1::2]) if a < b]
    return n_src, n_tgt, Alignment.from_pairs(links), spans


@given(instances(), st.integers(0, 3), st.sampled_from([0.0, 0.5, 0.8, 1.0]))
@settings(max_examples=300, deadline=None)
def test_projection_is_in_bounds_sorted_and_non_overlapping(inst, gap, ratio):
    n_src, n_tgt, a, spans = inst
    got = project_sentence(spans, a, n_src, n_tgt, HeuristicConfig(max_gap=gap, min_ratio=ratio))
    for s in got:
        assert 0 <= s.start < s.end <= n_tgt and 0 < s.score <= 1.0
        assert 0 <= s.source < len(spans)
        # every projected span starts and ends on a word aligned to its entity
        e = spans[s.source]
        m = a.to_matrix(n_src, n_tgt)[e.start:e.end].any(axis=0)
        assert m[s.start] and m[s.end - 1]
    for x, y in zip(got, got[1:]):
        assert x.end <= y.start
    assert got == resolve_overlaps(list(reversed(got)))
    assert np.all(np.diff([s.start for s in got]) > 0) if len(got) > 1 else True
