"""Word-alignment quality: AER, precision, recall and F1 against gold links, and entity links.

With gold word alignments (sure links S, possible links P, S within P) the measures are
those of Och & Ney (2003) for predicted links A:
``precision = |A & P| / |A|``, ``recall = |A & S| / |S|``,
``AER = 1 - (|A & S| + |A & P|) / (|A| + |S|)``, F1 from that precision and recall.

Most projection data (Europarl NER among them) has no gold word alignments, only gold
entities on both sides. `entity_link_scores` then measures the links that matter for
projection: entities of one type are paired by their order in the sentence (the k-th
PER of the source with the k-th PER of the target, only where both sides have as many
of that type), and for each pair it asks where the links of the source entity's words
land. This is a proxy, not an alignment score: it ignores every link outside entities,
and an entity pair matched by order may not be a translation of each other (rare when
the counts agree, but possible).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from annoproj.data.model import Alignment, Span

__all__ = [
    "AlignmentScores",
    "EntityLinkScores",
    "alignment_scores",
    "entity_link_scores",
    "parse_gold_line",
    "read_gold_alignments",
]

_BIG = np.int64(1 << 31)


def _codes(a: Alignment) -> np.ndarray:
    links = a.links.astype(np.int64)
    return links[:, 0] * _BIG + links[:, 1]


def _ratio(num: float, den: float) -> float:
    return float(num) / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class AlignmentScores:
    """Micro-averaged link scores over a corpus, with the link counts behind them."""

    precision: float
    recall: float
    f1: float
    aer: float
    predicted: int
    sure: int
    possible: int

    def to_dict(self) -> dict:
        """Plain data, e.g. for JSON."""
        return asdict(self)


def alignment_scores(
    pred: Sequence[Alignment],
    sure: Sequence[Alignment],
    possible: Sequence[Alignment] | None = None,
) -> AlignmentScores:
    """Precision, recall, F1 and AER of `pred` against `sure` (and `possible`) gold links.

    `possible` defaults to the sure links; sure links count as possible either way.

    >>> gold_s = [Alignment.from_pairs([(0, 0), (1, 1)])]
    >>> gold_p = [Alignment.from_pairs([(1, 2)])]
    >>> s = alignment_scores([Alignment.from_pairs([(0, 0), (1, 2)])], gold_s, gold_p)
    >>> s.precision, s.recall, s.aer
    (1.0, 0.5, 0.25)
    """
    if possible is None:
        possible = sure
    if not (len(pred) == len(sure) == len(possible)):
        raise ValueError(f"{len(pred)} predicted but {len(sure)} sure and {len(possible)} "
                         "possible gold alignments: one per sentence pair on each side")
    n_a = n_s = n_p = a_s = a_p = 0
    for a, s, p in zip(pred, sure, possible):
        ca, cs = np.unique(_codes(a)), np.unique(_codes(s))
        cp = np.union1d(_codes(p), cs)
        n_a += len(ca)
        n_s += len(cs)
        n_p += len(cp)
        a_s += len(np.intersect1d(ca, cs, assume_unique=True))
        a_p += len(np.intersect1d(ca, cp, assume_unique=True))
    precision = _ratio(a_p, n_a)
    recall = _ratio(a_s, n_s)
    aer = 1.0 - _ratio(a_s + a_p, n_a + n_s) if n_a + n_s else 0.0
    return AlignmentScores(precision, recall, _f1(precision, recall), aer, n_a, n_s, n_p)


def parse_gold_line(line: str, *, one_based: bool = False) -> tuple[Alignment, Alignment]:
    """Sure and possible links of one gold line: ``i-j`` is sure, ``i?j`` or ``ipj`` possible
    (a score, ``i-j:0.8``, is read past).

    The possible links include the sure ones.

    >>> parse_gold_line("1-1 2p3 3?3", one_based=True)
    (Alignment('0-0'), Alignment('0-0 1-2 2-2'))
    """
    sure: list[tuple[int, int]] = []
    maybe: list[tuple[int, int]] = []
    shift = 1 if one_based else 0
    for item in line.split():
        item = item.partition(":")[0]  # a link score, i-j:p, is not gold's business
        for sep, bucket in (("-", sure), ("?", maybe), ("p", maybe)):
            if sep in item:
                a, _, b = item.partition(sep)
                break
        else:
            raise ValueError(f"gold link {item!r} is not i-j (sure), i?j or ipj (possible)")
        if not (a.isdigit() and b.isdigit()):
            raise ValueError(f"gold link {item!r} is not two non-negative integers")
        i, j = int(a) - shift, int(b) - shift
        if i < 0 or j < 0:
            raise ValueError(f"gold link {item!r} has index 0 but the file is read as 1-based")
        bucket.append((i, j))
    return Alignment.from_pairs(sure), Alignment.from_pairs(sure + maybe)


def read_gold_alignments(
    path: str | Path, *, one_based: bool = False
) -> tuple[list[Alignment], list[Alignment]]:
    """Sure and possible gold links of a Pharaoh-style file, one sentence pair a line."""
    from annoproj.data.io.files import open_text

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such gold alignment file")
    sure, possible = [], []
    with open_text(path, "r") as f:
        for lineno, line in enumerate(f, 1):
            try:
                s, p = parse_gold_line(line, one_based=one_based)
            except ValueError as exc:
                raise ValueError(f"{path}:{lineno}: {exc}") from None
            sure.append(s)
            possible.append(p)
    return sure, possible


@dataclass(frozen=True)
class EntityLinkScores:
    """Where the links of source entities land, over entity pairs matched by order in type.

    precision: links leaving a source entity that land in its target entity.
    recall: target-entity words reached by a link from the source entity.
    source_coverage: source-entity words with a link into the target entity.
    hull_exact: entity pairs whose linked target words span exactly the target entity.
    pairs: entity pairs scored; unmatched: gold entities left out (counts differ by type).
    """

    precision: float
    recall: float
    f1: float
    source_coverage: float
    hull_exact: float
    pairs: int
    unmatched: int

    def to_dict(self) -> dict:
        """Plain data, e.g. for JSON."""
        return asdict(self)


def _by_type(spans: Iterable[Span], ignore: set[str]) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if s.label not in ignore:
            out.setdefault(s.label, []).append(s)
    return out


def entity_link_scores(
    src_spans: Sequence[Sequence[Span]],
    tgt_spans: Sequence[Sequence[Span]],
    alignments: Sequence[Alignment],
    *,
    ignore: Iterable[str] = (),
) -> EntityLinkScores:
    """Entity-link precision and recall of `alignments` (see `EntityLinkScores`).

    Labels in `ignore` (e.g. MISC) are left out on both sides.

    >>> src = [[Span(0, 2, "PER")]]; tgt = [[Span(1, 3, "PER")]]
    >>> s = entity_link_scores(src, tgt, [Alignment.from_pairs([(0, 1), (1, 2), (1, 0)])])
    >>> round(s.precision, 3), s.recall, s.hull_exact
    (0.667, 1.0, 0.0)
    """
    if not (len(src_spans) == len(tgt_spans) == len(alignments)):
        raise ValueError(f"{len(src_spans)} source and {len(tgt_spans)} target span lists "
                         f"but {len(alignments)} alignments")
    skip = set(ignore)
    links_out = links_in = tgt_words = tgt_hit = src_words = src_hit = exact = 0
    pairs = unmatched = 0
    for ss, ts, a in zip(src_spans, tgt_spans, alignments):
        s_types, t_types = _by_type(ss, skip), _by_type(ts, skip)
        for label in set(s_types) | set(t_types):
            sl, tl = s_types.get(label, []), t_types.get(label, [])
            if len(sl) != len(tl):
                unmatched += len(sl) + len(tl)
                continue
            for s, t in zip(sl, tl):
                pairs += 1
                links = a.links
                mine = links[(links[:, 0] >= s.start) & (links[:, 0] < s.end)]
                inside = mine[(mine[:, 1] >= t.start) & (mine[:, 1] < t.end)]
                links_out += len(mine)
                links_in += len(inside)
                tgt_words += t.end - t.start
                tgt_hit += len(np.unique(inside[:, 1]))
                src_words += s.end - s.start
                src_hit += len(np.unique(inside[:, 0]))
                if len(mine) and mine[:, 1].min() == t.start and mine[:, 1].max() == t.end - 1:
                    exact += 1
    precision = _ratio(links_in, links_out)
    recall = _ratio(tgt_hit, tgt_words)
    return EntityLinkScores(
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        source_coverage=_ratio(src_hit, src_words),
        hull_exact=_ratio(exact, pairs),
        pairs=pairs,
        unmatched=unmatched,
    )
