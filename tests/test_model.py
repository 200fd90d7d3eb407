import numpy as np
import pytest

from annoproj.data.model import Alignment, ProjectedSpan, Span
from annoproj.registry import Registry, RegistryError


def test_alignment_normalises_and_dedups():
    a = Alignment.from_pairs([(2, 1), (0, 0), (2, 1)])
    assert a.pairs() == [(0, 0), (2, 1)]
    assert a.links.dtype == np.int32


def test_scored_duplicates_keep_the_highest_score():
    a = Alignment.from_pairs([(0, 0), (0, 0), (1, 2)], scores=[0.2, 0.9, 0.5])
    assert a.pairs() == [(0, 0), (1, 2)]
    assert a.scores.tolist() == pytest.approx([0.9, 0.5])


def test_matrix_round_trip_and_inversion():
    a = Alignment.from_pairs([(0, 1), (1, 0)])
    m = a.to_matrix(2, 3)
    assert m.shape == (2, 3) and m[0, 1] == 1 and m.sum() == 2
    assert Alignment.from_matrix(m) == a
    assert a.inverted().pairs() == [(0, 1), (1, 0)]


def test_bounds_are_checked_with_a_message():
    with pytest.raises(ValueError, match="5-0"):
        Alignment.from_pairs([(5, 0)]).check_bounds(3, 3)


def test_projected_span_drops_score():
    assert ProjectedSpan(1, 3, "PER", 0.5, 0).span() == Span(1, 3, "PER")


def test_registry_names_what_is_known():
    reg: Registry = Registry("widget")
    reg.register("a")(dict)
    assert reg.create("a", x=1) == {"x": 1}
    with pytest.raises(RegistryError, match="unknown widget 'b'; known: a"):
        reg.get("b")


def test_add_spans_sorts_counts_and_passes_untouched_sentences_through():
    from annoproj.data.model import ProjectedSpan, Sentence, Span, add_spans

    a = Sentence(["x", "y", "z"], [Span(2, 3, "LOC")], id="a", meta={"k": 1})
    b = Sentence(["w"], [], id="b")
    out, added = add_spans([a, b], [[ProjectedSpan(0, 1, "PER", 0.9, -1)], []])
    assert added == 1 and out[1] is b
    assert out[0].spans == [Span(0, 1, "PER"), Span(2, 3, "LOC")] and out[0].meta == {"k": 1}
    assert a.spans == [Span(2, 3, "LOC")]  # the input is not changed
