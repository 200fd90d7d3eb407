"""Entity-level precision, recall and F1, micro and per type (seqeval's default mode)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annoproj.data.model import Span
from annoproj.data.tags import tags_to_spans


@dataclass(frozen=True)
class PRF:
    """Precision, recall, F1 and support (gold entities); 0.0 where undefined."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int = 0
    correct: int = 0

    @classmethod
    def from_counts(cls, correct: int, predicted: int, gold: int) -> PRF:
        """From the counts of correct, predicted and gold entities."""
        p = correct / predicted if predicted else 0.0
        r = correct / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, gold, predicted, correct)

    def to_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "support": self.support, "predicted": self.predicted, "correct": self.correct}


@dataclass(frozen=True)
class Report:
    """Micro-averaged scores over all types plus the scores of each type; `macro` and
    `weighted` average the types' scores (plainly, and weighted by support) as seqeval's
    classification report does."""

    micro: PRF
    per_type: dict[str, PRF] = field(default_factory=dict)

    def _average(self, weighted: bool) -> PRF:
        rows = list(self.per_type.values())
        support = sum(r.support for r in rows)
        if weighted:
            w = [r.support / support if support else 0.0 for r in rows]
        else:
            w = [1 / len(rows)] * len(rows) if rows else []
        return PRF(sum(x * r.precision for x, r in zip(w, rows)),
                   sum(x * r.recall for x, r in zip(w, rows)),
                   sum(x * r.f1 for x, r in zip(w, rows)), support,
                   sum(r.predicted for r in rows), sum(r.correct for r in rows))

    @property
    def macro(self) -> PRF:
        """The plain mean of the types' precision, recall and F1."""
        return self._average(False)

    @property
    def weighted(self) -> PRF:
        """The types' precision, recall and F1 averaged with their support as weights."""
        return self._average(True)

    def to_dict(self) -> dict:
        return {"micro": self.micro.to_dict(), "macro": self.macro.to_dict(),
                "weighted": self.weighted.to_dict(),
                "per_type": {k: v.to_dict() for k, v in sorted(self.per_type.items())}}


def _keyed(spans: Iterable[Sequence[Span]], ignore: set[str]) -> set[tuple[int, int, int, str]]:
    return {
        (i, int(s[0]), int(s[1]), s[2])
        for i, sent in enumerate(spans)
        for s in sent
        if s[2].lower() not in ignore
    }


#: The kinds `error_types` counts, gold entities first, then predictions.
ERROR_TYPES = ("correct", "label", "boundary", "missed", "spurious")


def error_types(
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    *,
    ignore: Iterable[str] = (),
) -> dict[str, int]:
    """How each gold entity fared, and how many predictions touch no gold entity.

    Each gold entity is `correct` (predicted exactly), `label` (its exact span predicted
    with another label), `boundary` (overlapped only by predictions of other extent) or
    `missed` (no prediction overlaps it); `spurious` counts predictions that overlap no gold
    entity. E.g. gold [(0, 2, PER), (5, 6, LOC)] against predictions [(0, 1, PER),
    (8, 9, ORG)] gives boundary 1, missed 1, spurious 1.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted ones")
    ignored = {x.lower() for x in ignore}
    out = dict.fromkeys(ERROR_TYPES, 0)
    for g_sent, p_sent in zip(gold, pred):
        g = [(int(s[0]), int(s[1]), s[2]) for s in g_sent if s[2].lower() not in ignored]
        p = [(int(s[0]), int(s[1]), s[2]) for s in p_sent if s[2].lower() not in ignored]
        exact = set(p)
        extents = {(a, b) for a, b, _ in p}
        for a, b, lab in g:
            if (a, b, lab) in exact:
                out["correct"] += 1
            elif (a, b) in extents:
                out["label"] += 1
            elif any(c < b and a < d for c, d, _ in p):
                out["boundary"] += 1
            else:
                out["missed"] += 1
        out["spurious"] += sum(not any(a < d and c < b for a, b, _ in g) for c, d, _ in p)
    return out


def evaluate_spans(
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    *,
    ignore: Iterable[str] = (),
    labels: Iterable[str] | None = None,
) -> Report:
    """Exact-match entity scores of `pred` against `gold`, sentence by sentence.

    Spans whose label is in `ignore` (in any case: ``misc`` ignores ``MISC``) or not in
    `labels`, when given, are left out on both sides, as if mapped to O.
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted ones")
    ignored = {x.lower() for x in ignore}
    g = _keyed(gold, ignored)
    p = _keyed(pred, ignored)
    if labels is not None:
        keep = set(labels)
        g = {x for x in g if x[3] in keep}
        p = {x for x in p if x[3] in keep}
    hit = g & p
    cg, cp, ch = Counter(x[3] for x in g), Counter(x[3] for x in p), Counter(x[3] for x in hit)
    per_type = {t: PRF.from_counts(ch[t], cp[t], cg[t]) for t in sorted(set(cg) | set(cp))}
    return Report(PRF.from_counts(len(hit), len(p), len(g)), per_type)


def evaluate_tags(
    gold: Sequence[Sequence[str]],
    pred: Sequence[Sequence[str]],
    *,
    ignore: Iterable[str] = (),
    mode: str = "default",
    scheme: str = "IOB2",
) -> Report:
    """Entity scores of tag sequences: in the default mode any scheme, repaired as conlleval
    does; in mode "strict" chunks valid in `scheme` only, as seqeval's strict mode."""
    if mode not in ("default", "strict"):
        raise ValueError(f"unknown mode {mode!r}: use default or strict")
    for k, (g, p) in enumerate(zip(gold, pred)):
        if len(g) != len(p):
            raise ValueError(f"sentence {k}: {len(g)} gold tags but {len(p)} predicted")
    if mode == "strict":
        from annoproj.evaluate.strict import strict_spans

        return evaluate_spans([strict_spans(t, scheme) for t in gold],
                              [strict_spans(t, scheme) for t in pred], ignore=ignore)
    return evaluate_spans([tags_to_spans(t) for t in gold], [tags_to_spans(t) for t in pred],
                          ignore=ignore)
