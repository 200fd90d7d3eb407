"""Marker-based projection (the EasyProject baseline): translate with entities marked.

Each source entity is wrapped in markers (``[ ... ]`` by default, or indexed
``<e0> ... </e0>``), the marked sentence is translated by any `Translator`, and the markers
found in the translation give the target spans; the markers are then removed from the
target tokens. Machine translation often damages markers, so they are repaired:

- a well-formed marker pair gives the span directly (score 1.0);
- duplicated pairs of one entity: the pair whose words best match the entity is kept;
- plain brackets carry no entity index: pairs are matched to entities by string
  similarity, with a bonus for keeping the source order;
- a lone opening or closing marker: the span next to it that best matches the entity;
- no marker at all: the target window most similar to the entity (its source words, and
  its own translation when `translate_entities` is on), if similar enough.

Scores of repaired spans are their similarity in [0, 1]. A sentence in which an entity
cannot be recovered is reported as skipped (with the reason) when ``on_missing="skip"``
(the default; such sentences would teach a tagger false negatives), else its recovered
spans are kept.

Unlike the alignment-based projectors, this one produces the target sentence itself, so
its entry point is `MarkerProjector.project_with_translation(src_sentences, translator)`
which returns ``(target_tokens, ProjectionResult)``. It is registered as "markers" in
`annoproj.project.projectors.projectors`; its `project` (the alignment interface) raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from annoproj.data.model import ProjectedSpan, Sentence, Span
from annoproj.errors import ConfigError
from annoproj.project.base import marker_projectors
from annoproj.project.heuristic import resolve_overlaps
from annoproj.project.result import ProjectionResult
from annoproj.translate.tokenize import detokenize

__all__ = [
    "MARKER_STYLES", "MarkerConfig", "MarkerProjector", "MarkerStyle", "ParsedTranslation",
    "insert_markers", "parse_markers",
]


@dataclass(frozen=True)
class MarkerStyle:
    """Opening and closing marker tokens; ``{i}`` in them stands for the entity index."""

    open: str
    close: str

    def __post_init__(self) -> None:
        if not self.open or not self.close or self.open == self.close:
            raise ConfigError("markers need distinct, non-empty opening and closing strings")
        if ("{i}" in self.open) != ("{i}" in self.close):
            raise ConfigError("put {i} in both markers or in neither")

    @property
    def indexed(self) -> bool:
        """Whether markers name their entity (``<e0>``) or not (``[``)."""
        return "{i}" in self.open

    def open_tag(self, i: int) -> str:
        return self.open.replace("{i}", str(i))

    def close_tag(self, i: int) -> str:
        return self.close.replace("{i}", str(i))

    def pattern(self) -> re.Pattern[str]:
        """A regex finding (possibly space-broken) markers: groups open/oi and close/ci."""

        def loose(template: str, group: str) -> str:
            parts = template.split("{i}")
            chars = [r"\s*".join(re.escape(c) for c in p if not c.isspace()) for p in parts]
            return rf"\s*(?P<{group}>\d+)\s*".join(chars)

        return re.compile(f"(?P<close>{loose(self.close, 'ci')})|(?P<open>{loose(self.open, 'oi')})")


#: Named marker styles: "brackets" as in EasyProject, "xml" with entity indices.
MARKER_STYLES = {
    "brackets": MarkerStyle("[", "]"),
    "xml": MarkerStyle("<e{i}>", "</e{i}>"),
}


def parse_style(style: str | MarkerStyle | tuple[str, str]) -> MarkerStyle:
    """A MarkerStyle from a name ("brackets", "xml"), an "OPEN CLOSE" string or a pair."""
    if isinstance(style, MarkerStyle):
        return style
    if isinstance(style, tuple):
        return MarkerStyle(*style)
    if style in MARKER_STYLES:
        return MARKER_STYLES[style]
    parts = style.split()
    if len(parts) == 2:
        return MarkerStyle(parts[0], parts[1])
    raise ValueError(f"unknown marker style {style!r}: use {', '.join(MARKER_STYLES)} "
                     "or 'OPEN CLOSE' such as '<e{i}> </e{i}>'")


@dataclass(frozen=True)
class MarkerConfig:
    """Options of marker projection.

    style: marker style (see `MARKER_STYLES`, or "OPEN CLOSE").
    min_similarity: least similarity (0..1, character-level) for a repaired span.
    translate_entities: also translate each entity alone when its markers need repair, and
        match the target against that translation too.
    on_missing: "skip" (drop a sentence with an unrecoverable entity) or "keep".
    max_extra: a repaired span has at most 2 * (entity words) + max_extra words.
    order_bonus: similarity bonus for keeping the source order when matching plain markers.
    """

    style: str | MarkerStyle = "brackets"
    min_similarity: float = 0.5
    translate_entities: bool = True
    on_missing: str = "skip"
    max_extra: int = 2
    order_bonus: float = 0.15

    def __post_init__(self) -> None:
        parse_style(self.style)
        if not 0.0 <= self.min_similarity <= 1.0:
            raise ConfigError("min_similarity must lie in [0, 1]")
        if self.on_missing not in ("skip", "keep"):
            raise ConfigError("on_missing must be 'skip' or 'keep'")
        if self.max_extra < 0:
            raise ConfigError("max_extra must be >= 0")


def _non_overlapping(spans: Sequence[Span]) -> list[int]:
    """Indices of a non-overlapping subset of `spans`: longer first, then earlier."""
    order = sorted(range(len(spans)), key=lambda k: (-(spans[k].end - spans[k].start),
                                                     spans[k].start))
    taken: list[int] = []
    for k in order:
        s = spans[k]
        if s.end > s.start and all(s.end <= spans[t].start or spans[t].end <= s.start
                                   for t in taken):
            taken.append(k)
    return sorted(taken, key=lambda k: spans[k].start)


def insert_markers(tokens: Sequence[str], spans: Sequence[Span], style: MarkerStyle,
                   keep: Sequence[int]) -> list[str]:
    """`tokens` with markers around the spans `keep` (indices into `spans`)."""
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for k in keep:
        s = spans[k]
        opens.setdefault(s.start, []).append(style.open_tag(k))
        closes.setdefault(s.end, []).insert(0, style.close_tag(k))
    literal = {} if style.indexed else {style.open: "(", style.close: ")"}
    out: list[str] = []
    for i, tok in enumerate(tokens):
        out.extend(closes.get(i, []))
        out.extend(opens.get(i, []))
        out.append(literal.get(tok, tok))
    out.extend(closes.get(len(tokens), []))
    return out


@dataclass
class ParsedTranslation:
    """A translation split into clean tokens and marker events.

    events: (position in `tokens`, "open" or "close", entity index or None), in order.
    """

    tokens: list[str]
    events: list[tuple[int, str, int | None]]


def parse_markers(tokens: Sequence[str], style: MarkerStyle) -> ParsedTranslation:
    """Find the markers in translated `tokens` (tolerating spaces inside them)."""
    text = " ".join(tokens)
    clean: list[str] = []
    events: list[tuple[int, str, int | None]] = []
    pos = 0
    for m in style.pattern().finditer(text):
        clean.extend(text[pos : m.start()].split())
        kind = "close" if m.group("close") is not None else "open"
        idx = m.groupdict().get("ci" if kind == "close" else "oi")
        events.append((len(clean), kind, None if idx is None else int(idx)))
        pos = m.end()
    clean.extend(text[pos:].split())
    return ParsedTranslation(clean, events)


def _similarity(a: str, refs: Sequence[str]) -> float:
    from rapidfuzz import fuzz

    a = a.lower()
    return max((fuzz.ratio(a, r.lower()) / 100.0 for r in refs if r), default=0.0)


@dataclass
class _Candidate:
    start: int
    end: int
    score: float


def _windows(n: int, max_len: int, *, starts: Sequence[int] | None = None,
             ends: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """Spans of 1..max_len words, all of them, or those starting/ending at given positions."""
    out = []
    if starts is not None:
        for s in starts:
            out += [(s, e) for e in range(s + 1, min(n, s + max_len) + 1)]
    elif ends is not None:
        for e in ends:
            out += [(s, e) for s in range(max(0, e - max_len), e)]
    else:
        out = [(s, e) for s in range(n) for e in range(s + 1, min(n, s + max_len) + 1)]
    return out


def _fill_missing(found: dict, keep: Sequence[int], tokens: Sequence[str],
                  refs: Sequence[Sequence[str]], min_similarity: float,
                  windows_of: Callable[[int], list[tuple[int, int]]]) -> list[tuple[int, float]]:
    """Give each entity of `keep` not yet in `found` its most similar free window among
    `windows_of(k)`, when similar enough; returns (entity, best similarity) of the others."""
    taken = np.zeros(len(tokens), bool)
    for c in found.values():
        taken[c.start:c.end] = True
    misses: list[tuple[int, float]] = []
    for k in keep:
        if k in found:
            continue
        best = _best_window(tokens, windows_of(k), refs[k], taken)
        if best is not None and best.score >= min_similarity:
            found[k] = best
            taken[best.start:best.end] = True
        else:
            misses.append((k, 0.0 if best is None else best.score))
    return misses


def _best_window(tokens: Sequence[str], windows: Sequence[tuple[int, int]],
                 refs: Sequence[str], taken: np.ndarray) -> _Candidate | None:
    """The window most similar to `refs` among those not overlapping `taken` words."""
    from rapidfuzz import fuzz, process

    free = [(s, e) for s, e in windows if e > s and not taken[s:e].any()]
    if not free or not any(refs):
        return None
    texts = [detokenize(tokens[s:e]).lower() for s, e in free]
    best: _Candidate | None = None
    for ref in refs:
        if not ref:
            continue
        hit = process.extractOne(ref.lower(), texts, scorer=fuzz.ratio)
        if hit is None:
            continue
        _, score, k = hit
        score /= 100.0
        s, e = free[k]
        if best is None or score > best.score or (score == best.score and e - s < best.end - best.start):
            best = _Candidate(s, e, score)
    return best


@marker_projectors.register("markers")
class MarkerProjector:
    """Projection by translating marked sentences (EasyProject); needs a translator.

    `translator` (any `annoproj.translate.Translator`), `src_lang` and `tgt_lang` may be
    given here or to `project_with_translation`. Other options: see `MarkerConfig`.
    """

    name = "markers"

    def __init__(
        self,
        translator=None,
        *,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        style: str | MarkerStyle = "brackets",
        min_similarity: float = 0.5,
        translate_entities: bool = True,
        on_missing: str = "skip",
        max_extra: int = 2,
        order_bonus: float = 0.15,
    ) -> None:
        self.translator = translator
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.config = MarkerConfig(style=style, min_similarity=min_similarity,
                                   translate_entities=translate_entities, on_missing=on_missing,
                                   max_extra=max_extra, order_bonus=order_bonus)
        self.style = parse_style(style)

    def project(self, src_tokens, tgt_tokens, src_spans, alignments) -> ProjectionResult:
        """Not available: marker projection makes its own translation."""
        raise TypeError(
            "the markers method translates the source itself and cannot project onto given "
            "target sentences: call project_with_translation(src_sentences, translator)"
        )

    # -- main entry point -------------------------------------------------------------------

    def project_with_translation(
        self,
        src_sentences: Sequence[Sentence] | Sequence[tuple[Sequence[str], Sequence[Span]]],
        translator=None,
        *,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
    ) -> tuple[list[list[str]], ProjectionResult]:
        """Translate `src_sentences` (Sentence objects or (tokens, spans) pairs) with their
        entities marked; return the target tokens (markers removed) and the projected spans."""
        translator = translator or self.translator
        if translator is None:
            raise ValueError("the markers method needs a translator (e.g. HFTranslator)")
        src_lang = src_lang or self.src_lang or getattr(translator, "src_lang", None)
        tgt_lang = tgt_lang or self.tgt_lang or getattr(translator, "tgt_lang", None)
        pairs = [(list(s.tokens), list(s.spans)) if isinstance(s, Sentence)
                 else (list(s[0]), list(s[1])) for s in src_sentences]
        keeps = [_non_overlapping(spans) for _, spans in pairs]
        marked = [insert_markers(toks, spans, self.style, keep)
                  for (toks, spans), keep in zip(pairs, keeps)]
        out = translator.translate(marked, src_lang=src_lang, tgt_lang=tgt_lang)
        if len(out) != len(marked):
            raise ValueError(f"the translator returned {len(out)} sentences for {len(marked)}")
        parsed = [parse_markers(t, self.style) for t in out]

        ent_text = {}
        if self.config.translate_entities:
            need = sorted({detokenize(pairs[i][0][pairs[i][1][k].start:pairs[i][1][k].end])
                           for i, p in enumerate(parsed) for k in self._needs_repair(p, keeps[i])})
            if need:
                try:
                    tr = translator.translate([t.split() for t in need], src_lang=src_lang,
                                              tgt_lang=tgt_lang)
                except ValueError:  # e.g. precomputed translations cannot translate entities
                    tr = []
                ent_text = {src: detokenize(t) for src, t in zip(need, tr)}

        spans_out: list[list[ProjectedSpan]] = []
        skipped: list[tuple[int, str]] = []
        for i, ((toks, spans), keep, p) in enumerate(zip(pairs, keeps, parsed)):
            if keep and not p.tokens:
                spans_out.append([])
                skipped.append((i, "empty translation"))
                continue
            found, lost = self._resolve(toks, spans, keep, p, ent_text)
            if lost and self.config.on_missing == "skip":
                spans_out.append([])
                skipped.append((i, "; ".join(lost)))
            else:
                spans_out.append(found)
        return [p.tokens for p in parsed], ProjectionResult(spans_out, skipped)

    # -- repair ------------------------------------------------------------------------------

    def _needs_repair(self, p: ParsedTranslation, keep: Sequence[int]) -> list[int]:
        """Entities whose markers do not give a span on their own."""
        if self.style.indexed:
            out = []
            for k in keep:
                opens = [pos for pos, kind, idx in p.events if kind == "open" and idx == k]
                closes = [pos for pos, kind, idx in p.events if kind == "close" and idx == k]
                if not (len(opens) == 1 and len(closes) == 1 and closes[0] > opens[0]):
                    out.append(k)
            return out
        pairs, dangling = _pair_plain(p.events)
        return [] if len(pairs) == len(keep) and not dangling else list(keep)

    def _resolve(self, toks, spans, keep, p: ParsedTranslation, ent_text: dict):
        cfg = self.config
        n = len(p.tokens)
        refs = {}
        for k in keep:
            src = detokenize(toks[spans[k].start:spans[k].end])
            refs[k] = [src] + ([ent_text[src]] if ent_text.get(src) else [])
        max_len = {k: 2 * (spans[k].end - spans[k].start) + cfg.max_extra for k in keep}
        found: dict[int, _Candidate] = {}
        lost: list[str] = []

        def text(c: _Candidate) -> str:
            return detokenize(p.tokens[c.start:c.end])

        if self.style.indexed:
            for k in keep:
                opens = [pos for pos, kind, idx in p.events if kind == "open" and idx == k]
                closes = [pos for pos, kind, idx in p.events if kind == "close" and idx == k]
                cands = [_Candidate(o, c, 1.0) for o in opens for c in closes if c > o]
                if len(cands) == 1 and len(opens) == 1 and len(closes) == 1:
                    found[k] = cands[0]
                elif cands:  # duplicated markers: keep the best-matching pair
                    for c in cands:
                        c.score = _similarity(text(c), refs[k])
                    found[k] = max(cands, key=lambda c: (c.score, -(c.end - c.start)))
                elif opens or closes:
                    wins = _windows(n, max_len[k], starts=opens) + _windows(n, max_len[k], ends=closes)
                    best = _best_window(p.tokens, wins, refs[k], np.zeros(n, bool))
                    if best is not None and best.score >= cfg.min_similarity:
                        found[k] = best
        else:
            pairs, dangling = _pair_plain(p.events)
            cands = [_Candidate(o, c, 1.0) for o, c in pairs]
            if cands:
                from scipy.optimize import linear_sum_assignment

                sim = np.array([[_similarity(text(c), refs[k]) for c in cands] for k in keep])
                rank = np.abs(np.arange(len(keep))[:, None] - np.arange(len(cands))[None, :]) == 0
                gain = sim + cfg.order_bonus * rank
                rows, cols = linear_sum_assignment(-gain)
                trusted = len(cands) == len(keep) and not dangling
                for r, c in zip(rows, cols):
                    if trusted or sim[r, c] >= cfg.min_similarity:
                        k = keep[r]
                        found[k] = _Candidate(cands[c].start, cands[c].end,
                                              1.0 if trusted else float(sim[r, c]))
            # lone markers: look next to them for the entities still missing
            lone_open = [pos for pos, kind in dangling if kind == "open"]
            lone_close = [pos for pos, kind in dangling if kind == "close"]
            if lone_open or lone_close:
                _fill_missing(found, keep, p.tokens, refs, cfg.min_similarity,
                              lambda k: (_windows(n, max_len[k], starts=lone_open)
                                         + _windows(n, max_len[k], ends=lone_close)))

        # no usable marker: the most similar window anywhere
        misses = _fill_missing(found, keep, p.tokens, refs, cfg.min_similarity,
                               lambda k: _windows(n, max_len[k]))
        for k, sim in misses:
            lost.append(f"entity {k} {refs[k][0]!r} lost: markers missing and no target "
                        f"words similar enough (best {sim:.2f} < {cfg.min_similarity})")

        proj = [ProjectedSpan(c.start, c.end, spans[k].label, c.score, k)
                for k, c in found.items()]
        kept = resolve_overlaps(proj)
        kept_src = {s.source for s in kept}
        for s in proj:
            if s.source not in kept_src:
                lost.append(f"entity {s.source} {refs[s.source][0]!r} lost: its target span "
                            "overlaps another entity's")
        return kept, lost


def _pair_plain(events: Sequence[tuple[int, str, int | None]]):
    """Well-formed (open, close) pairs of unindexed markers, and the lone markers."""
    pairs: list[tuple[int, int]] = []
    dangling: list[tuple[int, str]] = []
    pending: int | None = None
    for pos, kind, _ in events:
        if kind == "open":
            if pending is not None:
                dangling.append((pending, "open"))
            pending = pos
        elif pending is not None and pos > pending:
            pairs.append((pending, pos))
            pending = None
        else:
            if pending is not None:  # empty pair "[ ]": both markers useless
                dangling.append((pending, "open"))
                pending = None
            dangling.append((pos, "close"))
    if pending is not None:
        dangling.append((pending, "open"))
    return pairs, dangling
