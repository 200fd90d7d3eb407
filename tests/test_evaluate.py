from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.data.model import Span
from annoproj.evaluate import error_types, evaluate_spans, evaluate_tags

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


def test_error_types_example():
    gold = [[Span(0, 2, "PER"), Span(5, 6, "LOC"), Span(7, 8, "ORG"), Span(9, 10, "LOC")]]
    pred = [[Span(0, 1, "PER"), Span(8, 9, "ORG"), Span(7, 8, "LOC"), Span(9, 10, "LOC")]]
    assert error_types(gold, pred) == {"correct": 1, "label": 1, "boundary": 1, "missed": 1,
                                       "spurious": 1}
    assert error_types(gold, pred, ignore={"LOC"}) == {"correct": 0, "label": 0, "boundary": 1,
                                                       "missed": 1, "spurious": 1}


SPANS = st.lists(st.tuples(st.integers(0, 12), st.integers(1, 4), st.sampled_from("AB")), max_size=5)


@settings(max_examples=300)
@given(st.lists(st.tuples(SPANS, SPANS), min_size=1, max_size=4))
def test_error_types_account_for_every_entity(pairs):
    gold = [[Span(a, a + n, lab) for a, n, lab in g] for g, _ in pairs]
    pred = [[Span(a, a + n, lab) for a, n, lab in p] for _, p in pairs]
    gold = [list(dict.fromkeys(g)) for g in gold]
    pred = [list(dict.fromkeys(p)) for p in pred]
    e = error_types(gold, pred)
    report = evaluate_spans(gold, pred)
    assert e["correct"] == report.micro.correct
    assert e["correct"] + e["label"] + e["boundary"] + e["missed"] == report.micro.support
    assert e["spurious"] <= report.micro.predicted - report.micro.correct
