from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.data.model import Span
from annoproj.evaluate import evaluate_spans, evaluate_tags

TAG = st.one_of(st.just("O"), st.builds(lambda p, t: f"{p}-{t}", st.sampled_from("BIES"),
                                        st.sampled_from(["PER", "LOC", "ORG", "MISC"])))


@st.composite
def paired(draw):
    lengths = draw(st.lists(st.integers(0, 10), min_size=1, max_size=6))
    gold = [draw(st.lists(TAG, min_size=n, max_size=n)) for n in lengths]
    pred = [draw(st.lists(TAG, min_size=n, max_size=n)) for n in lengths]
    return gold, pred


@settings(max_examples=300)
@given(paired())
def test_matches_seqeval_default_mode(data):
    import pytest
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    gold, pred = data
    report = evaluate_tags(gold, pred)
    kw = {"zero_division": 0}
    assert report.micro.precision == pytest.approx(precision_score(gold, pred, **kw))
    assert report.micro.recall == pytest.approx(recall_score(gold, pred, **kw))
    assert report.micro.f1 == pytest.approx(f1_score(gold, pred, **kw))
    if report.micro.support:
        per = classification_report(gold, pred, output_dict=True, **kw)
        for label, prf in report.per_type.items():
            if prf.support:
                assert prf.f1 == pytest.approx(per[label]["f1-score"])
                assert prf.support == per[label]["support"]


def test_ignore_drops_labels_on_both_sides():
    gold = [[Span(0, 1, "PER"), Span(2, 3, "MISC")]]
    pred = [[Span(0, 1, "PER"), Span(1, 2, "MISC")]]
    assert evaluate_spans(gold, pred).micro.f1 == 0.5
    r = evaluate_spans(gold, pred, ignore={"MISC"})
    assert (r.micro.precision, r.micro.recall, r.micro.f1) == (1.0, 1.0, 1.0)
    assert set(r.to_dict()["per_type"]) == {"PER"}


def test_empty_is_zero_not_error():
    r = evaluate_spans([[]], [[]])
    assert r.micro.f1 == 0.0 and r.micro.support == 0
