from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.data.labels import ONTONOTES_TO_CONLL, LabelMap
from annoproj.data.model import Span
from annoproj.data.tags import convert_tags, is_valid, spans_to_tags, tags_to_spans

TAGS = st.lists(
    st.one_of(st.just("O"), st.builds(lambda p, t: f"{p}-{t}", st.sampled_from("BIES"),
                                      st.sampled_from(["PER", "LOC", "ORG"]))),
    max_size=15,
)


@st.composite
def span_sets(draw):
    n = draw(st.integers(0, 12))
    spans, pos = [], 0
    while pos < n:
        pos += draw(st.integers(0, 2))
        length = draw(st.integers(1, 3))
        if pos + length > n:
            break
        spans.append(Span(pos, pos + length, draw(st.sampled_from(["PER", "LOC"]))))
        pos += length
    return spans, n


@given(span_sets(), st.sampled_from(["IOB1", "IOB2", "BIOES"]))
def test_spans_round_trip_through_every_scheme(data, scheme):
    spans, n = data
    tags = spans_to_tags(spans, n, scheme=scheme)
    assert tags_to_spans(tags) == spans
    assert is_valid(tags, scheme=scheme)


@settings(max_examples=300)
@given(TAGS)
def test_repair_matches_seqeval(tags):
    from seqeval.metrics.sequence_labeling import get_entities

    expected = [Span(s, e + 1, t) for t, s, e in get_entities(list(tags))]
    assert tags_to_spans(tags) == expected


@given(TAGS, st.sampled_from(["IOB1", "IOB2", "BIOES"]))
def test_convert_is_idempotent(tags, scheme):
    once = convert_tags(tags, to=scheme)
    assert convert_tags(once, to=scheme) == once
    assert tags_to_spans(once) == tags_to_spans(tags)


def test_known_conversions():
    spans = [Span(0, 2, "PER"), Span(2, 3, "PER"), Span(4, 5, "LOC")]
    assert spans_to_tags(spans, 5, scheme="IOB2") == ["B-PER", "I-PER", "B-PER", "O", "B-LOC"]
    assert spans_to_tags(spans, 5, scheme="IOB1") == ["I-PER", "I-PER", "B-PER", "O", "I-LOC"]
    assert spans_to_tags(spans, 5, scheme="BIOES") == ["B-PER", "E-PER", "S-PER", "O", "S-LOC"]
    assert tags_to_spans(["I-LOC", "I-PER", "O", "E-ORG"]) == [
        Span(0, 1, "LOC"), Span(1, 2, "PER"), Span(3, 4, "ORG")]


def test_spans_to_tags_rejects_bad_spans():
    import pytest

    with pytest.raises(ValueError, match="outside"):
        spans_to_tags([Span(2, 5, "PER")], 3)
    with pytest.raises(ValueError, match="overlaps"):
        spans_to_tags([Span(0, 2, "PER"), Span(1, 3, "LOC")], 3)


def test_label_maps():
    spans = [Span(0, 1, "MISC"), Span(1, 2, "DATE"), Span(2, 3, "PER")]
    assert LabelMap.parse("MISC=O,DATE=O").map_spans(spans) == [Span(2, 3, "PER")]
    assert LabelMap.parse("PER=PERSON").map_spans(spans)[2] == Span(2, 3, "PERSON")
    onto = LabelMap.parse("ontonotes")
    got = onto.map_spans([Span(0, 1, "PERSON"), Span(1, 2, "GPE"), Span(2, 3, "DATE"),
                          Span(3, 4, "UNSEEN")])
    assert got == [Span(0, 1, "PER"), Span(1, 2, "LOC")]
    assert ONTONOTES_TO_CONLL["FAC"] == "LOC"
    import pytest

    with pytest.raises(ValueError, match="LABEL=NEW"):
        LabelMap.parse("MISC")
