"""Extension of projected spans to the whole name the projected corpus knows.

A short source name is often linked to one word of a longer target name: "U.N." to
*Umoja* in *Umoja wa Mataifa*, "EU" to *Unione* in *Unione europea*. The matching and
heuristic projections then stop at that word, since the rest of the name is not aligned.
Where the same corpus projects the longer phrase as a whole elsewhere ("United Nations" ->
*Umoja wa Mataifa*), `extend_spans` widens the short span to it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TypeVar

from annoproj.data.model import Span
from annoproj.project.complete import PhraseLexicon, phrase_lexicon

__all__ = ["extend_corpus", "extend_spans", "lowercase_name_words", "phrase_lexicon"]

S = TypeVar("S", bound=tuple)


def lowercase_name_words(tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]], *,
                         min_share: float = 0.2) -> set[str]:
    """Words starting with a lower-case letter that lie inside a span in at least
    `min_share` of their occurrences: "europea" (in "Unione europea", "Banca centrale
    europea") is, the Hausa and Swahili connectives "ta" and "wa" (5% and 2%) are not.

    >>> lowercase_name_words([["Unione", "europea"], ["la", "Unione", "europea"]],
    ...                      [[Span(0, 2, "ORG")], [Span(1, 3, "ORG")]])
    {'europea'}
    """
    inside: dict[str, int] = {}
    total: dict[str, int] = {}
    for toks, sent_spans in zip(tokens, spans):
        covered = bytearray(len(toks))
        for sp in sent_spans:
            covered[sp[0]:sp[1]] = b"\x01" * (sp[1] - sp[0])
        for w, c in zip(toks, covered):
            if w[:1].islower():
                total[w] = total.get(w, 0) + 1
                if c:
                    inside[w] = inside.get(w, 0) + 1
    return {w for w, n in inside.items() if n >= min_share * total[w]}


def _name_like(word: str, name_words: Collection[str]) -> bool:
    return not word[:1].islower() or word in name_words


def extend_spans(tokens: Sequence[str], spans: Sequence[S], lexicon: PhraseLexicon, *,
                 max_len: int = 8, name_words: Collection[str] | None = None,
                 taken: Sequence[Span] = ()) -> tuple[list[S], int]:
    """`spans` with each span widened to the longest lexicon phrase of its label around it.

    A phrase qualifies when it contains the span, is longer, carries the span's label and
    touches no other span of `spans` or `taken`; with `name_words`, a word it adds at
    either end must not start with a lower-case letter unless it is one of `name_words`
    (so "Amurka" is not widened to a mistake the corpus repeats, Hausa "Amurka ta",
    "America of", while Italian "Unione" still becomes "Unione europea"). Among several
    the longest wins, then the most frequent. Spans keep their other fields (score,
    source). Returns the spans in their order and how many were widened.

    >>> lex = {("Umoja", "wa", "Mataifa"): ("ORG", 5)}
    >>> extend_spans("maafisa wa Umoja wa Mataifa".split(), [Span(2, 3, "ORG")], lex)
    ([Span(start=2, end=5, label='ORG')], 1)
    """
    if not lexicon or not spans:
        return list(spans), 0
    n_tok = len(tokens)
    owner = [-1] * n_tok  # which span (or -2: a `taken` span) covers each token
    for k, sp in enumerate(spans):
        owner[sp[0]:sp[1]] = [k] * (sp[1] - sp[0])
    for sp in taken:
        for i in range(max(sp[0], 0), min(sp[1], n_tok)):
            if owner[i] == -1:
                owner[i] = -2
    out = list(spans)
    widened = 0
    for k, sp in enumerate(spans):
        start, end, label = sp[0], sp[1], sp[2]
        best: tuple[int, int, int, int] | None = None  # (length, count, -start, end)
        for i in range(max(0, end - max_len), start + 1):
            for j in range(end, min(n_tok, i + max_len) + 1):
                if j - i <= end - start:
                    continue
                hit = lexicon.get(tuple(tokens[i:j]))
                if hit is None or hit[0] != label:
                    continue
                if name_words is not None and not (
                        (i == start or _name_like(tokens[i], name_words))
                        and (j == end or _name_like(tokens[j - 1], name_words))):
                    continue
                if any(o not in (-1, k) for o in owner[i:j]):
                    continue
                key = (j - i, hit[1], -i, j)
                if best is None or key > best:
                    best = key
        if best is not None:
            i, j = -best[2], best[3]
            out[k] = type(sp)(i, j, *sp[2:]) if hasattr(sp, "_fields") else (i, j, *sp[2:])
            owner[i:j] = [k] * (j - i)
            widened += 1
    return out, widened


def extend_corpus(
    tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[S]], *,
    taken: Sequence[Sequence[Span]] = (), min_count: int = 2, min_share: float = 0.8,
    max_len: int = 8,
) -> tuple[list[list[S]], int]:
    """Every sentence's spans widened by `extend_spans` with the corpus's own
    `phrase_lexicon` and `lowercase_name_words`; and how many spans were widened.
    `taken[i]` are spans of sentence i that are not extended but that no widened span
    may touch."""
    lexicon = phrase_lexicon(tokens, spans, min_count=min_count, min_share=min_share,
                             max_len=max_len)
    words = lowercase_name_words(tokens, spans)
    out: list[list[S]] = []
    total = 0
    for k, (toks, sent_spans) in enumerate(zip(tokens, spans)):
        new, n = extend_spans(toks, sent_spans, lexicon, max_len=max_len, name_words=words,
                              taken=taken[k] if k < len(taken) else ())
        out.append(new)
        total += n
    return out, total
