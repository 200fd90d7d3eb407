"""Cross-fold self-training: label what projection missed with taggers trained on other folds.

Projected data leaves some mentions `O` (the source had no entity there, or its words were
not aligned), and a tagger trained on it learns that they are not names. Here the corpus
is cut into `folds` contiguous parts; a tagger trained on the other parts labels each part,
and its confident spans that touch no projected span are added. Contiguous folds keep the
sentences of one document together, so a name is found from its context and spelling, not
because the same document labels it elsewhere. Then the final tagger is trained on the
completed corpus as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annoproj.data.model import ProjectedSpan, Sentence, Span, add_spans

__all__ = ["cross_fold_spans", "fold_bounds", "self_train_corpus"]


def fold_bounds(n: int, folds: int) -> list[tuple[int, int]]:
    """`folds` contiguous (start, end) ranges covering range(n), sizes differing by at most 1.

    >>> fold_bounds(7, 3)
    [(0, 3), (3, 5), (5, 7)]
    """
    if folds < 2:
        raise ValueError(f"folds must be >= 2, got {folds}")
    if n < folds:
        raise ValueError(f"{n} sentences cannot be cut into {folds} folds")
    size, extra = divmod(n, folds)
    out, start = [], 0
    for k in range(folds):
        end = start + size + (1 if k < extra else 0)
        out.append((start, end))
        start = end
    return out


def _confident_spans(tagger: Any, tokens: Sequence[Sequence[str]]) -> list[list[tuple[Span, float]]]:
    predict = getattr(tagger, "predict_with_confidence", None)
    if predict is None:
        raise TypeError(f"self-training needs span confidences, which a {type(tagger).__name__} "
                        "does not give; use the CRF trainer (trainer = \"crf\")")
    return predict(tokens)


def cross_fold_spans(
    sentences: Sequence[Sentence], trainer: Any, *, folds: int = 2,
    min_confidence: float = 0.5, labels: Sequence[str] | None = None,
) -> list[list[ProjectedSpan]]:
    """The spans to add to each sentence: predicted by a `trainer`'s tagger fitted on the
    other folds, with confidence >= `min_confidence`, overlapping none of the sentence's
    spans (and of a label in `labels`, when given). Spans carry their confidence as score
    and no source entity (-1)."""
    if not 0.0 <= min_confidence <= 1.0:
        raise ValueError(f"min_confidence must lie in [0, 1], got {min_confidence}")
    bounds = fold_bounds(len(sentences), folds)
    out: list[list[ProjectedSpan]] = [[] for _ in sentences]
    for lo, hi in bounds:
        rest = [*sentences[:lo], *sentences[hi:]]
        tagger = trainer.fit(rest)
        preds = _confident_spans(tagger, [s.tokens for s in sentences[lo:hi]])
        for k, pred in zip(range(lo, hi), preds):
            taken = bytearray(len(sentences[k].tokens))
            for sp in sentences[k].spans:
                taken[sp[0]:sp[1]] = b"\x01" * (sp[1] - sp[0])
            for span, conf in pred:
                if conf < min_confidence or any(taken[span[0]:span[1]]):
                    continue
                if labels is not None and span[2] not in labels:
                    continue
                out[k].append(ProjectedSpan(span[0], span[1], span[2], round(float(conf), 4), -1))
    return out


def self_train_corpus(
    sentences: Sequence[Sentence], trainer: Any, *, folds: int = 2,
    min_confidence: float = 0.5, labels: Sequence[str] | None = None,
) -> tuple[list[Sentence], int]:
    """`sentences` with the spans of `cross_fold_spans` added, and how many were added."""
    extra = cross_fold_spans(sentences, trainer, folds=folds, min_confidence=min_confidence,
                             labels=labels)
    return add_spans(sentences, extra)
