"""Cross-fold self-training (annoproj.train.selftrain) and the CRF's span confidences."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annoproj.train.selftrain as selftrain_mod
from annoproj.data.model import Sentence, Span
from annoproj.train.selftrain import cross_fold_spans, fold_bounds, self_train_corpus


def test_doctests():
    assert doctest.testmod(selftrain_mod).failed == 0


@given(st.integers(2, 200), st.integers(2, 10))
def test_fold_bounds_cover_everything_once(n, folds):
    if n < folds:
        with pytest.raises(ValueError):
            fold_bounds(n, folds)
        return
    bounds = fold_bounds(n, folds)
    assert bounds[0][0] == 0 and bounds[-1][1] == n and len(bounds) == folds
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    sizes = [e - s for s, e in bounds]
    assert max(sizes) - min(sizes) <= 1


class _Tagger:
    """Labels every capitalised token as a one-word PER, confidence by its length."""

    def __init__(self, seen):
        self.seen = seen

    def predict_with_confidence(self, sentences):
        return [[(Span(i, i + 1, "PER"), min(1.0, len(t) / 10))
                 for i, t in enumerate(toks) if t[:1].isupper()] for toks in sentences]


class _Trainer:
    def __init__(self):
        self.fits = []

    def fit(self, sentences):
        self.fits.append([s.id for s in sentences])
        return _Tagger(self.fits[-1])


def test_cross_fold_spans_train_on_other_folds_and_skip_taken_words():
    sents = [Sentence(["Alexandrina", "met", "Bob"], [Span(2, 3, "PER")], id="a"),
             Sentence(["we", "saw", "Konstantinos"], [], id="b"),
             Sentence(["Ann", "left"], [], id="c"),
             Sentence(["no", "names"], [], id="d")]
    trainer = _Trainer()
    extra = cross_fold_spans(sents, trainer, folds=2, min_confidence=0.5)
    assert trainer.fits == [["c", "d"], ["a", "b"]]  # each fold tagged by the other
    assert [[(x.start, x.end, x.label, x.source) for x in e] for e in extra] == [
        [(0, 1, "PER", -1)], [(2, 3, "PER", -1)], [], []]  # "Bob" taken, "Ann" not confident
    assert extra[0][0].score == 1.0
    out, added = self_train_corpus(sents, _Trainer(), min_confidence=0.0)
    assert added == 3 and out[2].spans == [Span(0, 1, "PER")] and out[0].spans[0] == Span(0, 1, "PER")
    assert cross_fold_spans(sents, _Trainer(), labels=["LOC"]) == [[], [], [], []]


def test_self_training_errors():
    sents = [Sentence(["a"], [])] * 3
    with pytest.raises(ValueError, match="min_confidence"):
        cross_fold_spans(sents, _Trainer(), min_confidence=2)
    with pytest.raises(ValueError, match="folds"):
        cross_fold_spans(sents, _Trainer(), folds=4)

    class NoConfidence:
        def fit(self, sentences):
            return object()

    with pytest.raises(TypeError, match="CRF"):
        cross_fold_spans(sents, NoConfidence())


def test_crf_confidences_and_self_training_end_to_end():
    pytest.importorskip("sklearn_crfsuite")
    from annoproj.train import CRFTrainer
    from test_crf import synthetic  # tests/ is on sys.path (pytest prepend import mode)

    data = synthetic(80)
    tagger = CRFTrainer(max_iterations=40).fit(data)
    pred = tagger.predict_with_confidence([s.tokens for s in data[:10]])
    assert [[sp for sp, _ in p] for p in pred] == tagger.predict([s.tokens for s in data[:10]])
    assert all(0.0 <= c <= 1.0 for p in pred for _, c in p)
    # drop the PER spans of half the sentences: self-training puts most of them back
    holey = [Sentence(s.tokens, [sp for sp in s.spans if k % 2 or sp.label != "PER"], s.id)
             for k, s in enumerate(data)]
    out, added = self_train_corpus(holey, CRFTrainer(max_iterations=40), min_confidence=0.5)
    restored = sum(set(o.spans) == set(s.spans) for o, s in zip(out, data))
    assert added >= 10 and restored >= 40 + added // 2  # the odd half kept all spans
