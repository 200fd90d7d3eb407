"""Span-by-span comparison of projected (or predicted) spans with gold spans, for error analysis."""

from __future__ import annotations

from collections.abc import Sequence

from annoproj.data.model import Span

#: Status of a predicted span.
EXACT, BOUNDARY, LABEL, SPURIOUS = "exact", "boundary", "label", "spurious"
#: Status of a gold span no predicted span overlaps.
MISSED = "missed"
#: Status of a gold span overlapped, but not matched exactly, by a predicted span.
PARTIAL = "partial"

KINDS = (BOUNDARY, LABEL, SPURIOUS, MISSED)


def _overlap(a: Sequence, b: Sequence) -> bool:
    return int(a[0]) < int(b[1]) and int(b[0]) < int(a[1])


def compare_spans(
    gold: Sequence[Span], pred: Sequence[Span]
) -> tuple[list[str], list[str]]:
    """The status of each predicted span and of each gold span of one sentence.

    A predicted span is ``exact`` (same bounds and label as a gold span), ``boundary``
    (overlaps a gold span of its label, other bounds), ``label`` (overlaps gold spans of
    other labels only) or ``spurious`` (overlaps no gold span). A gold span is ``exact``,
    ``partial`` (overlapped by a non-exact prediction) or ``missed`` (nothing overlaps it).
    """
    gold_keys = {(int(g[0]), int(g[1]), g[2]) for g in gold}
    pred_keys = {(int(p[0]), int(p[1]), p[2]) for p in pred}
    pred_status: list[str] = []
    for p in pred:
        if (int(p[0]), int(p[1]), p[2]) in gold_keys:
            pred_status.append(EXACT)
            continue
        hits = [g for g in gold if _overlap(p, g)]
        if not hits:
            pred_status.append(SPURIOUS)
        elif any(g[2] == p[2] for g in hits):
            pred_status.append(BOUNDARY)
        else:
            pred_status.append(LABEL)
    gold_status: list[str] = []
    for g in gold:
        if (int(g[0]), int(g[1]), g[2]) in pred_keys:
            gold_status.append(EXACT)
        elif any(_overlap(p, g) for p in pred):
            gold_status.append(PARTIAL)
        else:
            gold_status.append(MISSED)
    return pred_status, gold_status


def sentence_kinds(pred_status: Sequence[str], gold_status: Sequence[str]) -> list[str]:
    """The kinds of disagreement in one sentence, in the order of `KINDS` (empty: all exact)."""
    seen = set(pred_status) | ({MISSED} if MISSED in gold_status else set())
    return [k for k in KINDS if k in seen]
