"""The MasakhaNER benchmark's training and scoring of taggers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annoproj.bench.common import timer
from annoproj.bench.masakhaner.config import MasakhanerConfig, make_trainer
from annoproj.data.model import Sentence

if TYPE_CHECKING:
    from annoproj.train.base import Tagger



def self_trained(train: Sequence[Sentence], config: MasakhanerConfig) -> tuple[list[Sentence], dict]:
    """`train` completed by cross-fold self-training (`annoproj.train.selftrain`, with the
    configuration's trainer) when `config.self_train`, and what it did: spans added and
    seconds."""
    if not config.self_train:
        return list(train), {}
    from annoproj.train.selftrain import self_train_corpus

    with timer() as t:
        out, added = self_train_corpus(train, make_trainer(config),
                                       folds=config.self_train_folds,
                                       min_confidence=config.self_train_confidence)
    return out, {"self_trained": added, "self_train_s": round(t[0], 3)}


def score_tagger(tagger: Tagger, test: Sequence[Sentence]) -> dict:
    """A trained tagger's P, R, F1 and per-type F1 on `test`."""
    from annoproj.evaluate import evaluate_spans

    report = evaluate_spans([s.spans for s in test], tagger.predict([s.tokens for s in test]))
    m = report.micro
    return {"precision": round(m.precision, 4), "recall": round(m.recall, 4),
            "f1": round(m.f1, 4), "per_type": {k: round(v.f1, 4) for k, v in report.per_type.items()}}


#: The encoder of `--trainer hf` when no --model is given.
def train_and_score(train: Sequence[Sentence], test: Sequence[Sentence], crf: dict | None = None,
                    *, trainer=None) -> dict:
    """Train a CRF on `train` (or `trainer`, any `Trainer`), score it on `test`: P, R, F1,
    per-type F1 and seconds (training; tagging the test set, and its sentences per second)."""
    from annoproj.train.crf import CRFTrainer

    with timer() as t:
        tagger = (trainer or CRFTrainer(**(crf or {}))).fit(train)
    return {**scored(tagger, test), "train_s": round(t[0], 3)}


def scored(tagger: Tagger, test: Sequence[Sentence]) -> dict:
    """`score_tagger` with the seconds it took and the sentences tagged per second."""
    with timer() as t:
        res = score_tagger(tagger, test)
    return {**res, "tag_s": round(t[0], 3),
            "tag_per_s": round(len(test) / t[0], 1) if t[0] > 0 else None}
