"""Completion of projected data: label the mentions that projection missed.

Projection labels a target phrase only where the source had an entity and the words were
aligned. In a projected corpus the same name is then labelled in most sentences and left
`O` in a few, which teaches a tagger that it is not a name. `entity_lexicon` finds the
phrases the corpus labels reliably; `complete_spans` labels their unlabelled mentions.
"""

from __future__ import annotations

from collections.abc import Sequence

from annoproj.data.model import ProjectedSpan, Span

__all__ = ["complete_corpus", "complete_spans", "entity_lexicon", "phrase_lexicon"]

#: phrase -> (label, share of the phrase's occurrences that carry a span)
Lexicon = dict[tuple[str, ...], tuple[str, float]]
#: phrase -> (label, how many times the corpus projects the phrase as a whole)
PhraseLexicon = dict[tuple[str, ...], tuple[str, int]]


def phrase_lexicon(
    tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]], *, min_count: int = 2,
    min_share: float = 0.8, max_len: int = 8,
) -> PhraseLexicon:
    """Phrases that the corpus projects as one whole span, with their label and count.

    A phrase of up to `max_len` tokens enters when it is a whole span at least `min_count`
    times, with one label in at least `min_share` of them.

    >>> toks = [["Umoja", "wa", "Mataifa"], ["Umoja", "wa", "Mataifa", "na", "Iraq"]]
    >>> phrase_lexicon(toks, [[Span(0, 3, "ORG")], [Span(0, 3, "ORG"), Span(4, 5, "LOC")]])
    {('Umoja', 'wa', 'Mataifa'): ('ORG', 2)}
    """
    counts: dict[tuple[str, ...], dict[str, int]] = {}
    for toks, sent_spans in zip(tokens, spans):
        for sp in sent_spans:
            if sp[1] - sp[0] <= max_len:
                c = counts.setdefault(tuple(toks[sp[0]:sp[1]]), {})
                c[sp[2]] = c.get(sp[2], 0) + 1
    out: PhraseLexicon = {}
    for phrase, c in counts.items():
        label, n = max(c.items(), key=lambda kv: (kv[1], kv[0]))
        if n >= min_count and n >= min_share * sum(c.values()):
            out[phrase] = (label, n)
    return out


def entity_lexicon(
    tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
    ignore: Sequence[Sequence[Span]] = (), *, min_count: int = 2,
    min_share: float = 0.8, max_len: int = 4, labels: Sequence[str] | None = None,
    names_only: bool = False,
) -> Lexicon:
    """Token sequences that are reliably one entity type in a corpus of `tokens` and `spans`.

    A phrase of up to `max_len` tokens gets label L when it was projected as L at least
    `min_count` times, in at least `min_share` of its spans, and at least as often as it
    appears outside any span (spans in `ignore` count as neither). `labels` limits L; with
    `names_only`, phrases that start with a lower-case letter are left out (names do not,
    in cased scripts).
    """
    cands = {k: v for k, v in phrase_lexicon(tokens, spans, min_count=min_count,
                                             min_share=min_share, max_len=max_len).items()
             if (labels is None or v[0] in labels) and not (names_only and k[0][:1].islower())}
    if not cands:
        return {}
    lengths = sorted({len(k) for k in cands})
    outside = dict.fromkeys(cands, 0)
    for k, (toks, sent_spans) in enumerate(zip(tokens, spans)):
        covered = bytearray(len(toks))
        for sp in list(sent_spans) + list(ignore[k] if k < len(ignore) else ()):
            covered[sp[0]:sp[1]] = b"\x01" * (sp[1] - sp[0])
        for n in lengths:
            for i in range(len(toks) - n + 1):
                key = tuple(toks[i:i + n])
                if key in outside and not any(covered[i:i + n]):
                    outside[key] += 1
    return {k: (label, n / (n + outside[k])) for k, (label, n) in cands.items() if n >= outside[k]}


def complete_spans(tokens: Sequence[str], spans: Sequence[Span], lexicon: Lexicon, *,
                   max_len: int = 4, window: tuple[int, int] | None = None) -> list[ProjectedSpan]:
    """New spans for the lexicon phrases of `tokens` that no span in `spans` touches.

    Projection misses some mentions (the source had no entity there, or its words were
    not aligned); a phrase that the projected data reliably labels elsewhere is labelled
    here too, with the phrase's share as its score and no source entity (-1). Longest
    phrases win; with `window` (start, end), only phrases inside it are looked for.
    """
    taken = bytearray(len(tokens))
    for sp in spans:
        taken[sp[0]:sp[1]] = b"\x01" * (sp[1] - sp[0])
    out: list[ProjectedSpan] = []
    i, end = window if window is not None else (0, len(tokens))
    while i < end:
        for n in range(min(max_len, end - i), 0, -1):
            hit = lexicon.get(tuple(tokens[i:i + n]))
            if hit is not None and not any(taken[i:i + n]):
                out.append(ProjectedSpan(i, i + n, hit[0], round(hit[1], 4), -1))
                i += n
                break
        else:
            i += 1
    return out


def complete_corpus(
    tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]], *, min_count: int = 2,
    min_share: float = 0.8, max_len: int = 4,
) -> list[list[ProjectedSpan]]:
    """The spans `complete_spans` adds to each sentence, from the corpus's own lexicon of
    name-like phrases (`entity_lexicon` with `names_only`)."""
    lexicon = entity_lexicon(tokens, spans, min_count=min_count, min_share=min_share,
                             max_len=max_len, names_only=True)
    if not lexicon:
        return [[] for _ in tokens]
    return [complete_spans(t, s, lexicon, max_len=max_len) for t, s in zip(tokens, spans)]
