"""The string scorer: surface similarity of entity and candidate after transliteration."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from annoproj.errors import ConfigError
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.scorers.common import entity_rows, soft_dice

METHODS = {
    "ratio": fuzz.ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "partial_ratio": fuzz.partial_ratio,
    "WRatio": fuzz.WRatio,
    "QRatio": fuzz.QRatio,
    "jaro_winkler": JaroWinkler.normalized_similarity,
}
#: methods returning 0..100 rather than 0..1
_PERCENT = {"ratio", "token_sort_ratio", "token_set_ratio", "partial_ratio", "WRatio", "QRatio"}


@lru_cache(maxsize=200_000)
def normalize(token: str, transliterate: bool = True, casefold: bool = True) -> str:
    """`token` in ASCII (anyascii) and case-folded, as the options say."""
    if transliterate:
        token = anyascii(token)
    return token.casefold() if casefold else token


def span_strings(
    tokens: Sequence[str], spans: np.ndarray, *, transliterate: bool = True, casefold: bool = True
) -> list[str]:
    """The normalised text of each (start, end) span, tokens joined by one space."""
    norm = [normalize(t, transliterate, casefold) for t in tokens]
    text = " ".join(norm)
    offs = np.zeros(len(norm) + 1, dtype=np.int64)
    if norm:
        offs[1:] = np.cumsum([len(t) + 1 for t in norm])
    starts = offs[spans[:, 0]].tolist()
    ends = (offs[spans[:, 1]] - 1).tolist()
    return [text[a:b] for a, b in zip(starts, ends)]


LEVELS = ("words", "span")


@scorers.register("string")
class StringScorer:
    """Scores pairs by how alike the entity and candidate read, in [0, 1].

    Both sides go through anyascii transliteration and case folding; `method` is the
    rapidfuzz similarity (ratio, token_sort_ratio, token_set_ratio, partial_ratio, WRatio,
    QRatio or jaro_winkler).
    level "words": every source word is compared with every target word (one `cdist`
    per sentence), similarities below `word_threshold` count 0, and a pair scores the soft
    Dice overlap of its words (each word's best match on the other side, summed over both
    sides, over the total length): robust to word order and extra articles.
    level "span": the whole entity text against the whole candidate text.
    """

    name = "string"

    def __init__(
        self,
        *,
        level: str = "words",
        method: str = "jaro_winkler",
        word_threshold: float = 0.7,
        transliterate: bool = True,
        casefold: bool = True,
    ) -> None:
        if method not in METHODS:
            raise ConfigError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
        if level not in LEVELS:
            raise ConfigError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
        self.level = level
        self.method = method
        self.word_threshold = float(word_threshold)
        self.transliterate = transliterate
        self.casefold = casefold
        self._cache: dict[str, str] = {}

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        out = []
        for inst in batch:
            ents = np.asarray(inst.entities, dtype=np.int64).reshape(-1, 2)
            cands = np.asarray(inst.candidates, dtype=np.int64).reshape(-1, 2)
            if len(ents) == 0 or len(cands) == 0:
                out.append(np.zeros((len(ents), len(cands)), dtype=np.float32))
                continue
            if self.level == "words":
                # only source words inside entities matter
                rows = entity_rows(ents, len(inst.src_tokens))
                src = self._norm(inst.src_tokens)
                part = self._similarity(
                    [src[r] for r in rows.tolist()], self._norm(inst.tgt_tokens)
                )
                sim = np.zeros((len(src), part.shape[1]))
                sim[rows] = np.where(part >= self.word_threshold, part, 0.0)
                s = soft_dice(sim, ents, cands, rows)
            else:
                opts = {"transliterate": self.transliterate, "casefold": self.casefold}
                s = self._similarity(
                    span_strings(inst.src_tokens, ents, **opts),
                    span_strings(inst.tgt_tokens, cands, **opts),
                )
            out.append(np.clip(s, 0.0, 1.0).astype(np.float32))
        return out

    def _norm(self, tokens: Sequence[str]) -> list[str]:
        cache = self._cache
        try:
            return [cache[t] for t in tokens]
        except KeyError:
            for t in tokens:
                if t not in cache:
                    cache[t] = normalize(t, self.transliterate, self.casefold)
            return [cache[t] for t in tokens]

    def _similarity(self, a: Sequence[str], b: Sequence[str]) -> np.ndarray:
        """(len(a), len(b)) similarities in [0, 1]."""
        scale = 0.01 if self.method in _PERCENT else 1.0
        sim = process.cdist(a, b, scorer=METHODS[self.method], dtype=np.float32, workers=1)
        return sim.astype(np.float64) * scale
