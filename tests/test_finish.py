"""The corpus-level steps after projection (`annoproj.project.finish`)."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annoproj.project.finish as finish_mod
from annoproj.data.model import ProjectedSpan, Span
from annoproj.project.finish import finish_projection
from strategies import corpora


def test_doctests():
    assert doctest.testmod(finish_mod).failed == 0


def _projected(spans):
    """Each span as projected from source entity k (its position)."""
    return [[ProjectedSpan(*sp, score=0.9, source=k) for k, sp in enumerate(s)] for s in spans]


@given(corpora(labels=("PER", "LOC", "MISC")), st.booleans(), st.booleans(), st.booleans(),
       st.sampled_from(["keep", "loc"]))
def test_spans_stay_apart_and_skipped_sentences_untouched(corpus, extend, drop, complete, misc):
    tokens, spans = corpus
    projected = _projected(spans)
    skipped = {0}
    out = finish_projection(tokens, spans, projected, skipped=skipped, misc=misc, extend=extend,
                            drop_partial=drop, complete=complete)
    assert len(out.spans) == len(tokens)
    assert out.spans[0] == projected[0] and 0 not in out.dropped
    assert not out.dropped  # every source entity was projected: nothing is partial
    for toks, sent in zip(tokens, out.spans):
        covered = [0] * len(toks)
        for sp in sent:
            assert 0 <= sp.start < sp.end <= len(toks)
            for i in range(sp.start, sp.end):
                covered[i] += 1
        assert max(covered, default=0) <= 1
    if misc == "loc":
        assert not any(sp.label == "MISC" for k, s in enumerate(out.spans) if k not in skipped
                       for sp in s)
    if not (extend or complete or misc == "loc"):
        assert out.spans == projected


def test_partial_sentences_and_misc():
    toks = [["a", "Jamus", "b"], ["Musa", "na", "Jamus"], ["Musa", "a", "Jamus"],
            ["Jamus", "x"]]
    src = [[Span(0, 1, "PER"), Span(1, 2, "MISC")], [Span(0, 1, "PER"), Span(2, 3, "LOC")],
           [Span(0, 1, "PER"), Span(2, 3, "LOC")], [Span(0, 1, "LOC"), Span(1, 2, "ORG")]]
    projected = [[ProjectedSpan(1, 3, "MISC", 0.7, 1)],  # the PER found no span
                 [ProjectedSpan(0, 1, "PER", 1.0, 0), ProjectedSpan(2, 3, "LOC", 1.0, 1)],
                 [ProjectedSpan(0, 1, "PER", 1.0, 0), ProjectedSpan(2, 3, "LOC", 1.0, 1)],
                 [ProjectedSpan(0, 1, "LOC", 1.0, 0)]]  # the ORG found no span
    out = finish_projection(toks, src, projected, misc="loc", drop_partial=True)
    assert out.dropped == {0: "partial: 1 of 1 source entities were not projected",
                           3: "partial: 1 of 2 source entities were not projected"}
    # "Jamus" is a location elsewhere: inside the MISC span it becomes LOC, with its origin
    assert out.spans[0] == [ProjectedSpan(1, 2, "LOC", 0.7, 1)]
    assert out.counts == {"partial": 2, "extended": 0, "misc_to_loc": 1, "heads": 0, "completed": 0}
    kept = finish_projection(toks, src, projected)  # misc kept: the MISC counts as wanted
    assert kept.dropped == {} and kept.counts["partial"] == 2 and kept.spans == projected
    with pytest.raises(ValueError, match="misc must be one of keep, loc"):
        finish_projection(toks, src, projected, misc="drop")
