"""Span-by-span comparison of projected (or predicted) spans with gold spans, for error analysis."""

from __future__ import annotations

from collections import Counter
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


#: Row of the confusion matrix for predicted spans that match no gold span, and column for
#: gold spans that no predicted span matches.
NO_GOLD, NO_PRED = SPURIOUS, MISSED


def _key(sp: Sequence) -> tuple[int, int, str]:
    return int(sp[0]), int(sp[1]), sp[2]


def match_spans(gold: Sequence[Span], pred: Sequence[Span]) -> list[tuple[int, int]]:
    """One-to-one pairs ``(gold index, predicted index)`` of overlapping spans of one sentence.

    Greedy: the pairs with the most shared tokens first, and of those the ones that agree on
    the label; every span is in at most one pair.
    """
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if _overlap(g, p):
                shared = min(int(g[1]), int(p[1])) - max(int(g[0]), int(p[0]))
                cands.append((-shared, g[2] != p[2], gi, pi))
    cands.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    out: list[tuple[int, int]] = []
    for _, _, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return sorted(out)


def confusion_matrix(
    gold: Sequence[Sequence[Span]],
    pred: Sequence[Sequence[Span]],
    labels: Sequence[str] | None = None,
) -> dict:
    """Gold label × projected label counts over parallel sentences, on span overlap.

    Spans are paired by `match_spans` (overlap, not exact bounds). Returns ``{"rows": gold
    labels + ["spurious"], "cols": projected labels + ["missed"], "counts": [[int]]}``: row
    ``spurious`` counts projected spans paired with no gold span, column ``missed`` gold
    spans paired with no projected span. Row sums are the gold spans per label, column sums
    the projected spans per label. `labels` fixes the order (default: sorted; labels seen
    but not listed are appended).
    """
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} projected ones")
    seen = {sp[2] for spans in (*gold, *pred) for sp in spans}
    names = [x for x in (labels or []) if x in seen] if labels is not None else []
    names += sorted(seen - set(names))
    rows, cols = [*names, NO_GOLD], [*names, NO_PRED]
    r_at = {x: i for i, x in enumerate(names)}
    counts = [[0] * len(cols) for _ in rows]
    for g, p in zip(gold, pred):
        pairs = match_spans(g, p)
        for gi, pi in pairs:
            counts[r_at[g[gi][2]]][r_at[p[pi][2]]] += 1
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        for gi, sp in enumerate(g):
            if gi not in mg:
                counts[r_at[sp[2]]][len(names)] += 1
        for pi, sp in enumerate(p):
            if pi not in mp:
                counts[len(names)][r_at[sp[2]]] += 1
    return {"rows": rows, "cols": cols, "counts": counts}


def most_missed(
    missed: Sequence[tuple[str, str]],
    seen: Sequence[tuple[str, str]] = (),
    top: int = 20,
) -> list[dict]:
    """The entity texts missed most often: ``[{"text", "label", "missed", "total"}]``.

    `missed` holds one ``(text, label)`` per missed entity (a source entity with no projected
    span, or a gold span nothing overlaps); `seen` one per entity of that kind, missed or not,
    for the totals (absent: the totals are not known and equal the missed counts). Most missed
    first, then the larger miss rate, then by text.
    """
    n_missed = Counter(missed)
    n_seen = Counter(seen)
    rows = [{"text": t, "label": lab, "missed": n,
             "total": max(n, n_seen.get((t, lab), 0))}
            for (t, lab), n in n_missed.items()]
    rows.sort(key=lambda r: (-r["missed"], -r["missed"] / r["total"], r["text"], r["label"]))
    return rows[:top]


def diff_projections(a: Sequence[Span], b: Sequence[Span]) -> tuple[list[bool], list[bool]]:
    """Which spans of projection `a` are not in `b` (same bounds and label), and vice versa."""
    ka = {_key(x) for x in a}
    kb = {_key(x) for x in b}
    return [_key(x) not in kb for x in a], [_key(x) not in ka for x in b]


def compare_projections(
    a: Sequence[Sequence[Span]], b: Sequence[Sequence[Span] | None]
) -> dict:
    """How two projections of the same sentence pairs differ, span by span.

    `b` may hold None for a sentence the second projection has not (it skipped it). Returns
    ``{"differ": [bool per sentence], "only_a", "only_b", "both", "differing_sentences",
    "missing_b"}``; the counts are of spans (same bounds and label) and sentences.
    """
    if len(a) != len(b):
        raise ValueError(f"{len(a)} sentences in the first projection but {len(b)} in the second")
    differ: list[bool] = []
    only_a = only_b = both = missing = 0
    for x, y in zip(a, b):
        if y is None:
            missing += 1
            differ.append(bool(x))
            only_a += len(x)
            continue
        da, db = diff_projections(x, y)
        only_a += sum(da)
        only_b += sum(db)
        both += len(da) - sum(da)
        differ.append(any(da) or any(db))
    return {"differ": differ, "only_a": only_a, "only_b": only_b, "both": both,
            "differing_sentences": sum(differ), "missing_b": missing}
