"""From projected spans to training data: the corpus-level steps after projection.

Projection works sentence by sentence. What a tagger should learn from its output is decided
over the whole projected corpus, in this order (each step optional):

1. `extend`: widen spans that stop short of a name the corpus projects whole elsewhere
   (`annoproj.project.extend`);
2. `misc="loc"`: turn the words inside projected MISC spans that the corpus knows as a
   location into LOC spans and drop the rest of MISC (`misc_to_loc`);
3. `heads`: widen LOC and ORG spans over the head words the target's guidelines put inside
   a name, Hausa *jihar* Kano (`annoproj.project.heads`);
4. `drop_partial`: leave out the sentences where a source entity found no target span,
   which would teach the tagger that a name is `O`;
5. `complete`: label the mentions projection missed, from the phrases the kept sentences
   label reliably (`annoproj.project.complete`).

`finish_projection` runs them; the translate-train pipeline and the MasakhaNER benchmark
both use it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from annoproj.data.model import ProjectedSpan, Span
from annoproj.project.complete import complete_corpus, complete_spans, entity_lexicon
from annoproj.project.extend import extend_corpus
from annoproj.project.heads import attach_heads_corpus

__all__ = ["MISC_MODES", "Finished", "finish_projection", "loc_lexicon", "misc_to_loc"]

#: What becomes of projected MISC spans: kept like any label, or turned into LOC.
MISC_MODES = ("keep", "loc")


def loc_lexicon(
    tokens: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
    misc: Sequence[Sequence[Span]] = (), *, min_count: int = 2, min_share: float = 0.8,
    max_len: int = 4,
) -> set[tuple[str, ...]]:
    """The phrases the corpus labels LOC reliably (`entity_lexicon`; words inside `misc`
    spans count neither for nor against).

    >>> toks = [["ku", "Jamani"], ["na", "Jamani"], ["Jamani", "yo"]]
    >>> loc_lexicon(toks, [[Span(1, 2, "LOC")], [Span(1, 2, "LOC")], []], [[], [], [Span(0, 1, "MISC")]])
    {('Jamani',)}
    """
    return set(entity_lexicon(tokens, spans, misc, min_count=min_count, min_share=min_share,
                              max_len=max_len, labels=("LOC",)))


def misc_to_loc(tokens: Sequence[str], misc: Sequence[Span | ProjectedSpan],
                spans: Sequence[Span | ProjectedSpan], lexicon: Collection[tuple[str, ...]], *,
                max_len: int = 4) -> list[ProjectedSpan]:
    """LOC spans for the `lexicon` phrases inside the target spans of MISC entities.

    CoNLL-2003 tags demonyms as MISC ("German", "Nigerian"); translations often render
    them as the country name ("na Jamus", "Najeriya"), which MasakhaNER tags LOC.
    Longest phrases win; spans overlapping `spans` are left out. A new span carries the
    score and source entity of the MISC span it lies in.

    >>> misc_to_loc(["ilẹ̀", "Jámánì", "ni"], [Span(0, 2, "MISC")], [], {("Jámánì",)})
    [ProjectedSpan(start=1, end=2, label='LOC', score=1.0, source=-1)]
    """
    as_lexicon = {k: ("LOC", 1.0) for k in lexicon}
    out: list[ProjectedSpan] = []
    for m in misc:
        score, source = getattr(m, "score", 1.0), getattr(m, "source", -1)
        out += [x._replace(score=score, source=source)
                for x in complete_spans(tokens, [*spans, *out], as_lexicon, max_len=max_len,
                                        window=(m[0], m[1]))]
    return out


@dataclass
class Finished:
    """The spans of every sentence after `finish_projection`, what it left out and why,
    and how many spans each step changed."""

    spans: list[list[ProjectedSpan]]
    #: sentence index -> why it should not be trained on (sentences the caller skipped
    #: are not repeated here)
    dropped: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _as_projected(sp: Span | ProjectedSpan) -> ProjectedSpan:
    return sp if isinstance(sp, ProjectedSpan) else ProjectedSpan(sp[0], sp[1], sp[2])


def finish_projection(
    tgt_tokens: Sequence[Sequence[str]],
    src_spans: Sequence[Sequence[Span]],
    projected: Sequence[Sequence[ProjectedSpan]],
    *,
    skipped: Collection[int] = (),
    misc: str = "keep",
    extend: bool = False,
    drop_partial: bool = False,
    complete: bool = False,
    heads: Collection[str] = (),
) -> Finished:
    """Run the corpus-level steps of this module on a projected corpus.

    `projected[i]` are the target spans of sentence i (each `source` indexing
    `src_spans[i]`); sentences in `skipped` (the projector gave up on them) pass through
    untouched and teach the corpus nothing. A sentence is partial when a source entity
    (not counting MISC with `misc="loc"`) has no target span; with `drop_partial` it goes
    into `dropped`. `heads` are the words a LOC or ORG span takes in on its left
    (`annoproj.project.heads`). Counts: partial, extended, misc_to_loc, heads, completed.

    >>> toks = [["Umoja", "wa", "Mataifa"], ["Umoja", "wa", "Mataifa"], ["Umoja", "na", "Iraq"]]
    >>> src = [[Span(0, 2, "ORG")], [Span(0, 2, "ORG")], [Span(0, 1, "ORG"), Span(2, 3, "LOC")]]
    >>> out = finish_projection(toks, src, [[ProjectedSpan(0, 3, "ORG", 0.9, 0)]] * 2
    ...                         + [[ProjectedSpan(0, 1, "ORG", 0.8, 0)]], drop_partial=True)
    >>> out.dropped
    {2: 'partial: 1 of 2 source entities were not projected'}
    """
    if misc not in MISC_MODES:
        raise ValueError(f"misc must be one of {', '.join(MISC_MODES)}, not {misc!r}")
    skip = set(skipped)
    ok = [i for i in range(len(tgt_tokens)) if i not in skip]
    to_loc = misc == "loc"
    main = [list(sent) if i in skip else
            [_as_projected(p) for p in sent if not (to_loc and p.label == "MISC")]
            for i, sent in enumerate(projected)]
    misc_spans = [[p for p in sent if p.label == "MISC"] if to_loc and i not in skip else []
                  for i, sent in enumerate(projected)]
    counts = {"partial": 0, "extended": 0, "misc_to_loc": 0, "heads": 0, "completed": 0}
    if extend:
        wider, counts["extended"] = extend_corpus(
            [tgt_tokens[i] for i in ok], [main[i] for i in ok],
            taken=[[p.span() for p in misc_spans[i]] for i in ok])
        for i, spans in zip(ok, wider):
            main[i] = spans
    if to_loc:
        lexicon = loc_lexicon([tgt_tokens[i] for i in ok], [main[i] for i in ok],
                              [misc_spans[i] for i in ok])
        for i in ok:
            if misc_spans[i]:
                extra = misc_to_loc(tgt_tokens[i], misc_spans[i], main[i], lexicon)
                if extra:
                    counts["misc_to_loc"] += len(extra)
                    main[i] = sorted(main[i] + extra)
    if heads:
        wider, counts["heads"] = attach_heads_corpus([tgt_tokens[i] for i in ok],
                                                     [main[i] for i in ok], heads)
        for i, spans in zip(ok, wider):
            main[i] = spans
    dropped: dict[int, str] = {}
    for i in ok:
        wanted = {k for k, sp in enumerate(src_spans[i]) if not (to_loc and sp.label == "MISC")}
        missing = wanted - {p.source for p in projected[i]}
        if missing:
            counts["partial"] += 1
            if drop_partial:
                dropped[i] = (f"partial: {len(missing)} of {len(wanted)} source entities "
                              "were not projected")
    if complete:
        kept = [i for i in ok if i not in dropped]
        extra = complete_corpus([tgt_tokens[i] for i in kept],
                                [[p.span() for p in main[i]] for i in kept])
        for i, more in zip(kept, extra):
            if more:
                counts["completed"] += len(more)
                main[i] = sorted([*main[i], *more])
    return Finished(main, dropped, counts)
