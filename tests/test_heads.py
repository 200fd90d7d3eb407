"""Head words taken into names (`annoproj.project.heads`)."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annoproj.project.heads as heads_mod
from annoproj.data.model import ProjectedSpan, Span
from annoproj.project.finish import finish_projection
from annoproj.project.heads import attach_heads, attach_heads_corpus, read_heads
from strategies import corpora


def test_doctests():
    assert doctest.testmod(heads_mod).failed == 0


@given(corpora(labels=("PER", "LOC", "ORG")), st.sets(st.sampled_from(["a", "b", "c", "d"])),
       st.integers(1, 3))
def test_spans_only_grow_leftwards_over_head_words(corpus, heads, max_heads):
    tokens, spans = corpus
    out, n = attach_heads_corpus(tokens, spans, heads, max_heads=max_heads)
    widened = 0
    for toks, before, after in zip(tokens, spans, out):
        assert len(after) == len(before)
        for k, (old, new) in enumerate(zip(before, after)):
            assert (new.end, new.label) == (old.end, old.label)
            assert old.start - max_heads <= new.start <= old.start
            if new.start < old.start:
                widened += 1
                assert old.label in ("LOC", "ORG")
                assert all(w.lower() in heads for w in toks[new.start:old.start])
                assert k == 0 or after[k - 1].end <= new.start  # still apart
    assert n == widened


def test_stops_at_the_span_before_and_keeps_projected_fields():
    toks = ["jihar", "Kano", "jihar", "Legas"]
    spans = [ProjectedSpan(0, 2, "LOC", 0.9, 0), ProjectedSpan(3, 4, "LOC", 0.8, 1)]
    out, n = attach_heads(toks, spans, read_heads(["JIHAR"]))
    assert out == [spans[0], ProjectedSpan(2, 4, "LOC", 0.8, 1)] and n == 1
    # a head word held by the span before is not taken twice
    out, n = attach_heads(["birnin", "Kano"], [Span(0, 1, "ORG"), Span(1, 2, "LOC")], {"birnin"})
    assert out == [Span(0, 1, "ORG"), Span(1, 2, "LOC")] and n == 0


def test_unicode_forms_match():
    nfd = "i\u0300jo\u0323ba"  # ìjọba spelt with combining marks
    out, n = attach_heads([nfd, "Èkó"], [Span(1, 2, "ORG")], read_heads(["ìjọba"]))
    assert out == [Span(0, 2, "ORG")] and n == 1


def test_read_heads_file(tmp_path):
    f = tmp_path / "hau.txt"
    f.write_text("# Hausa\njihar  # 431 3\n\nKasar\n", encoding="utf-8")
    assert read_heads(f) == {"jihar", "kasar"}
    f.write_text("karamar hukumar\n", encoding="utf-8")
    with pytest.raises(ValueError, match="single words"):
        read_heads(f)
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        read_heads(tmp_path / "nope.txt")


def test_finish_projection_counts_heads():
    toks = [["a", "kasar", "Jamus"], ["jihar", "Kano", "Musa"]]
    src = [[Span(0, 1, "LOC")], [Span(0, 1, "LOC"), Span(1, 2, "PER")]]
    projected = [[ProjectedSpan(2, 3, "LOC", 0.9, 0)],
                 [ProjectedSpan(1, 2, "LOC", 0.9, 0), ProjectedSpan(2, 3, "PER", 0.9, 1)]]
    out = finish_projection(toks, src, projected, heads={"kasar", "jihar"})
    assert [[sp.span() for sp in s] for s in out.spans] == [
        [Span(1, 3, "LOC")], [Span(0, 2, "LOC"), Span(2, 3, "PER")]]
    assert out.counts["heads"] == 2
    assert finish_projection(toks, src, projected).spans == projected
