"""The memory scorer: how the rest of the corpus projects the same entity text.

A name that recurs in a corpus ("United States" in CoNLL-2003: hundreds of times) is
mostly translated the same way (Swahili *Marekani*). Where the links of one sentence pair
are weak, the phrase its other occurrences were projected onto is good evidence. The
scorer reads a first projection of the corpus (a `PhraseMemory`) and scores each pair by
the share of the entity text's projections that chose the candidate's text; the matching
projection then projects a second time with it (`MatchProjector` does both passes).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annoproj.align.keys import name_key
from annoproj.data.model import ProjectedSpan, Span
from annoproj.errors import ConfigError
from annoproj.project.base import MatchInstance, scorers


class PhraseMemory:
    """How often each source entity text was projected onto each target phrase.

    Texts are lower-cased; with `name_keys`, target words lose a prefix glued to a name
    (`annoproj.align.keys.name_key`: Xhosa *eLondon* and *kwiLondon* are both *london*).
    Memories of parts of a corpus add up to the memory of the whole (`update`).

    >>> m = PhraseMemory().add([["in", "New", "York"]], [["eNew", "York"]],
    ...                        [[Span(1, 3, "LOC")]], [[ProjectedSpan(0, 2, "LOC", 0.9, 0)]])
    >>> m.shares("new york")
    (1, {'new york': 1})
    """

    def __init__(self, *, name_keys: bool = True) -> None:
        self.name_keys = name_keys
        self.counts: dict[str, dict[str, int]] = {}
        self.totals: dict[str, int] = {}
        self._keys: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.totals)

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _keys={})

    @staticmethod
    def src_key(tokens: Sequence[str], start: int, end: int) -> str:
        """The memory key of source words `start:end`."""
        return " ".join(tokens[start:end]).lower()

    def tgt_key(self, tokens: Sequence[str], start: int, end: int) -> str:
        """The memory key of target words `start:end`."""
        if not self.name_keys:
            return " ".join(tokens[start:end]).lower()
        keys = self._keys
        out = []
        for w in tokens[start:end]:
            k = keys.get(w)
            if k is None:
                k = keys[w] = name_key(w).lower()
            out.append(k)
        return " ".join(out)

    def add(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        src_spans: Sequence[Sequence[Span]],
        projected: Sequence[Sequence[ProjectedSpan]],
    ) -> PhraseMemory:
        """Count the projected spans of more sentence pairs (each span's `source` indexes
        its sentence's `src_spans`; a span without one, `source` -1, is not counted).
        Returns self."""
        if not (len(src_tokens) == len(tgt_tokens) == len(src_spans) == len(projected)):
            raise ValueError("add needs as many source, target, span and projection entries")
        for st, tt, ss, ps in zip(src_tokens, tgt_tokens, src_spans, projected):
            for p in ps:
                if not 0 <= p.source < len(ss):
                    continue
                e = ss[p.source]
                ks = self.src_key(st, e[0], e[1])
                row = self.counts.setdefault(ks, {})
                kt = self.tgt_key(tt, p.start, p.end)
                row[kt] = row.get(kt, 0) + 1
                self.totals[ks] = self.totals.get(ks, 0) + 1
        return self

    def update(self, other: PhraseMemory) -> PhraseMemory:
        """Add the counts of `other` (a memory of another part of the corpus). Returns self."""
        for ks, row in other.counts.items():
            mine = self.counts.setdefault(ks, {})
            for kt, n in row.items():
                mine[kt] = mine.get(kt, 0) + n
            self.totals[ks] = self.totals.get(ks, 0) + other.totals[ks]
        return self

    def shares(self, src_key: str) -> tuple[int, dict[str, int]]:
        """How often `src_key` was projected, and onto which target keys how often."""
        return self.totals.get(src_key, 0), self.counts.get(src_key, {})


@scorers.register("memory")
class MemoryScorer:
    """Scores a pair by the share of the entity text's projections elsewhere in the corpus
    that chose the candidate's text, in [0, 1].

    Entity texts projected fewer than `min_count` times get NaN for every candidate: no
    opinion, so a fusion averages the other scorers alone there. The memory comes from
    `fit_projection` (a first projection of the whole corpus), `partial_fit_projection`
    (one part at a time), or what a projector hands to `observe_projection`; until then
    every pair is NaN.
    """

    name = "memory"
    learns_from_projection = True
    observes_projection = True

    def __init__(self, *, min_count: int = 3, name_keys: bool = True) -> None:
        if min_count < 1:
            raise ConfigError(f"min_count must be >= 1, got {min_count}")
        self.min_count = min_count
        self.name_keys = name_keys
        self.memory: PhraseMemory | None = None
        self._observed: PhraseMemory | None = None

    @property
    def needs_projection(self) -> bool:
        """Whether the memory is still to be made from a first projection."""
        return self.memory is None

    def fit_projection(self, src_tokens, tgt_tokens, src_spans, projected) -> MemoryScorer:
        """The memory of a projection of the whole corpus; returns self."""
        self.memory = None
        return self.partial_fit_projection(src_tokens, tgt_tokens, src_spans, projected)

    def partial_fit_projection(self, src_tokens, tgt_tokens, src_spans, projected) -> MemoryScorer:
        """Add a projection of one part of the corpus to the memory; returns self."""
        if self.memory is None:
            self.memory = PhraseMemory(name_keys=self.name_keys)
        self.memory.add(src_tokens, tgt_tokens, src_spans, projected)
        return self

    def observe_projection(self, src_tokens, tgt_tokens, src_spans, projected) -> None:
        """Take a first projection of the input being projected (None: forget the last one),
        unless a memory was fitted."""
        if self.memory is None:
            self._observed = None if projected is None else PhraseMemory(
                name_keys=self.name_keys).add(src_tokens, tgt_tokens, src_spans, projected)

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance; NaN where the memory has no opinion."""
        memory = self.memory if self.memory is not None else self._observed
        return [self._score_one(inst, memory) for inst in batch]

    def _score_one(self, inst: MatchInstance, memory: PhraseMemory | None) -> np.ndarray:
        E, C = len(inst.entities), len(inst.candidates)
        out = np.full((E, C), np.nan, dtype=np.float32)
        if memory is None or E == 0 or C == 0:
            return out
        texts = None
        for a, (s, e) in enumerate(np.asarray(inst.entities).tolist()):
            total, row = memory.shares(memory.src_key(inst.src_tokens, s, e))
            if total < self.min_count:
                continue
            if texts is None:
                texts = [memory.tgt_key(inst.tgt_tokens, cs, ce)
                         for cs, ce in np.asarray(inst.candidates).tolist()]
            out[a] = [row.get(t, 0) / total for t in texts]
        return out
