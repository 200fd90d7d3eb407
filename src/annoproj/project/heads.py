"""Head words that the target's annotation guidelines put inside a name.

Languages differ in where a name starts. MasakhaNER's Hausa annotators tag *jihar Kano*
("Kano state", literally "state-of Kano") and *kasar Jamus* ("the country Germany") as one
LOC, while the English source tags only "Kano" and "Germany", so every projection (ours and
T-Projection's alike) stops at the name and a tagger trained on it learns the English
boundary. Which words belong is a convention of the target data, not something a parallel
corpus shows, so the words come from the user (the guidelines, or a look at a few annotated
sentences): `attach_heads` widens a span leftwards over them.

>>> attach_heads(["a", "jihar", "Kano", "da", "jihar", "Legas"],
...              [Span(2, 3, "LOC"), Span(5, 6, "LOC")], {"jihar"})
([Span(start=1, end=3, label='LOC'), Span(start=4, end=6, label='LOC')], 2)
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TypeVar

from annoproj.data.model import Span  # noqa: F401  (the doctests use it)

__all__ = ["HEAD_LABELS", "attach_heads", "attach_heads_corpus", "read_heads"]

S = TypeVar("S", bound=tuple)

#: Labels whose spans take head words by default: places and organisations (a person's
#: title, Hausa *Gwamna* "governor", stays outside in MasakhaNER).
HEAD_LABELS = ("LOC", "ORG")


def read_heads(source: str | Path | Collection[str]) -> frozenset[str]:
    """Head words, lower-cased and NFC-normalised, from a collection, or from a file of one
    word per line (blank lines and `#` comments skipped)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise FileNotFoundError(f"cannot read head words from {path}: {exc}") from None
        words = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    else:
        words = list(source)
    bad = [w for w in words if w and len(w.split()) > 1]
    if bad:
        raise ValueError(f"head words are single words; got {bad[:3]}")
    return frozenset(_norm(w) for w in words if w)


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def attach_heads(tokens: Sequence[str], spans: Sequence[S], heads: Collection[str], *,
                 labels: Collection[str] = HEAD_LABELS, max_heads: int = 2) -> tuple[list[S], int]:
    """`spans` (in order, apart) with each span of `labels` widened leftwards over up to
    `max_heads` adjacent words of `heads` (compared lower-cased and NFC-normalised, as
    `read_heads` gives them) that no other span holds; and how many spans were widened.
    Spans keep their other fields and their order.

    >>> attach_heads(["karamar", "hukumar", "Rogo"], [Span(2, 3, "LOC")], {"karamar", "hukumar"})
    ([Span(start=0, end=3, label='LOC')], 1)
    >>> attach_heads(["Gwamna", "Ganduje"], [Span(1, 2, "PER")], {"gwamna"})
    ([Span(start=1, end=2, label='PER')], 0)
    """
    if max_heads < 1 or not heads:
        return list(spans), 0
    out: list[S] = []
    widened = 0
    for sp in spans:
        start, end, label = sp[0], sp[1], sp[2]
        floor = out[-1][1] if out else 0  # widening moves starts only: the end before stays
        new = start
        while (label in labels and new > floor and start - new < max_heads
               and _norm(tokens[new - 1]) in heads):
            new -= 1
        if new < start:
            widened += 1
            sp = type(sp)(new, end, *sp[2:])
        out.append(sp)
    return out, widened


def attach_heads_corpus(tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[S]],
                        heads: Collection[str], *, labels: Collection[str] = HEAD_LABELS,
                        max_heads: int = 2) -> tuple[list[list[S]], int]:
    """`attach_heads` on every sentence; and the number of spans widened in all. `heads` is
    what `read_heads` takes: words, or a file of them."""
    heads = read_heads(heads)
    out: list[list[S]] = []
    total = 0
    for toks, sent in zip(tokens, spans):
        new, n = attach_heads(toks, sent, heads, labels=labels, max_heads=max_heads)
        out.append(new)
        total += n
    return out, total
