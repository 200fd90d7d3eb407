"""Same-language word alignment, e.g. of a source sentence with its back-translation.

Two sentences in one language share most of their words, so string similarity plus a
preference for the diagonal aligns them well without any training data:

- similarity of two words (case and script folded step by step): exact 1.0, equal when
  lowercased 0.95, equal when transliterated to ASCII with `anyascii` 0.9, else a
  shared prefix of at least `min_prefix` characters ``0.5 + 0.4 * prefix / longer word``;
- position prior: ``1 - |i / n_src - j / n_tgt|`` (1 on the diagonal), weighted by
  `position_weight`, which breaks ties between repeated words ("the ... the");
- a one-to-one assignment maximising similarity + prior (`scipy.optimize.
  linear_sum_assignment`), keeping pairs whose similarity reaches `min_similarity`.

With ``use_eflomal=True`` eflomal also aligns the whole corpus of pairs and each of its
links adds `eflomal_weight` to the similarity, so that paraphrased words (no shared
string) can be linked when the corpus is large enough for statistics to help.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from annoproj.align.base import Tokens, aligners
from annoproj.data.model import Alignment
from annoproj.errors import ConfigError

__all__ = ["MonolingualAligner", "similarity_matrix"]


def _fold(tokens: Sequence[str]) -> list[str]:
    from anyascii import anyascii

    return [anyascii(t).lower() for t in tokens]


def _char_codes(words: Sequence[str], width: int) -> np.ndarray:
    """An (n, width) uint32 array of code points, 0-padded."""
    arr = np.zeros((len(words), width), dtype=np.uint32)
    for k, w in enumerate(words):
        if w:
            arr[k, : len(w)] = np.frombuffer(w[:width].encode("utf-32-le"), dtype=np.uint32)
    return arr


def similarity_matrix(
    src: Sequence[str], tgt: Sequence[str], *, min_prefix: int = 4
) -> np.ndarray:
    """String similarity in [0, 1] of every source word with every target word.

    >>> similarity_matrix(["The", "Straße", "nations"], ["the", "Strasse", "national"]).round(2)
    array([[0.95, 0.  , 0.  ],
           [0.  , 0.9 , 0.  ],
           [0.  , 0.  , 0.8 ]], dtype=float32)
    """
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return np.zeros((n, m), dtype=np.float32)
    s_raw = np.asarray(list(src), dtype=object)
    t_raw = np.asarray(list(tgt), dtype=object)
    exact = s_raw[:, None] == t_raw[None, :]
    lower = np.asarray([w.lower() for w in src], dtype=object)[:, None] == np.asarray(
        [w.lower() for w in tgt], dtype=object
    )[None, :]
    s_fold, t_fold = _fold(src), _fold(tgt)
    sf = np.asarray(s_fold, dtype=object)
    tf = np.asarray(t_fold, dtype=object)
    translit = sf[:, None] == tf[None, :]
    sim = np.where(exact, 1.0, np.where(lower, 0.95, np.where(translit, 0.9, 0.0)))
    if min_prefix > 0:
        width = max(max(map(len, s_fold)), max(map(len, t_fold)), 1)
        a, b = _char_codes(s_fold, width), _char_codes(t_fold, width)
        same = (a[:, None, :] == b[None, :, :]) & (a[:, None, :] != 0)
        lcp = np.cumprod(same, axis=2).sum(axis=2)
        longer = np.maximum(
            np.asarray([len(w) for w in s_fold])[:, None],
            np.asarray([len(w) for w in t_fold])[None, :],
        )
        prefix = np.where(lcp >= min_prefix, 0.5 + 0.4 * lcp / np.maximum(longer, 1), 0.0)
        sim = np.where(sim > 0, sim, prefix)
    return sim.astype(np.float32)


def position_prior(n_src: int, n_tgt: int) -> np.ndarray:
    """``1 - |i / n_src - j / n_tgt|`` on word centres: 1 on the diagonal, towards 0 off it."""
    if n_src == 0 or n_tgt == 0:
        return np.zeros((n_src, n_tgt), dtype=np.float32)
    i = (np.arange(n_src) + 0.5) / n_src
    j = (np.arange(n_tgt) + 0.5) / n_tgt
    return (1.0 - np.abs(i[:, None] - j[None, :])).astype(np.float32)


@aligners.register("monolingual")
class MonolingualAligner:
    """One-to-one alignment of same-language sentences by string similarity and position.

    Links carry their similarity as score. See the module docstring for the measure.

    >>> MonolingualAligner().align([["the", "old", "house", "of", "the", "EU"]],
    ...                            [["The", "EU", "'s", "old", "houses"]])
    [Alignment('0-0 1-3 2-4 5-1', scored)]
    """

    name = "monolingual"

    def __init__(
        self,
        *,
        min_similarity: float = 0.5,
        min_prefix: int = 4,
        position_weight: float = 0.1,
        use_eflomal: bool = False,
        eflomal_weight: float = 0.5,
        eflomal_options: dict | None = None,
        seed: int | None = 0,
    ) -> None:
        if not 0.0 < min_similarity <= 1.0:
            raise ConfigError("min_similarity must lie in (0, 1]")
        if position_weight < 0:
            raise ConfigError("position_weight must be >= 0")
        self.min_similarity = min_similarity
        self.min_prefix = min_prefix
        self.position_weight = position_weight
        self.use_eflomal = use_eflomal
        self.eflomal_weight = eflomal_weight
        self.eflomal_options = dict(eflomal_options or {})
        self.seed = seed

    def align_pair(
        self, src: Tokens, tgt: Tokens, extra: np.ndarray | None = None
    ) -> Alignment:
        """The alignment of one pair; `extra` (n_src x n_tgt) is added to the similarity."""
        sim = similarity_matrix(src, tgt, min_prefix=self.min_prefix)
        if extra is not None:
            sim = np.minimum(sim + extra, 1.0)
        if sim.size == 0 or not (sim >= self.min_similarity).any():
            return Alignment()
        gain = np.where(
            sim >= self.min_similarity,
            sim + self.position_weight * position_prior(len(src), len(tgt)),
            0.0,
        )
        rows, cols = linear_sum_assignment(gain, maximize=True)
        ok = sim[rows, cols] >= self.min_similarity
        links = np.stack([rows[ok], cols[ok]], axis=1)
        return Alignment.from_arrays(links, sim[rows[ok], cols[ok]])

    def eflomal_aligner(self):
        """The `EflomalAligner` whose links `use_eflomal` adds (intersection-symmetrised)."""
        from annoproj.align.eflomal import EflomalAligner

        return EflomalAligner(**{"symmetrize": "intersection", "seed": self.seed,
                                 **self.eflomal_options})

    def align(
        self,
        src: Sequence[Tokens],
        tgt: Sequence[Tokens],
        *,
        links: Sequence[Alignment] | None = None,
    ) -> list[Alignment]:
        """Alignments of each (src[k], tgt[k]) pair. With `use_eflomal`, `links` are the
        eflomal links to add (as `eflomal_aligner` makes them), when the caller has them."""
        if len(src) != len(tgt):
            raise ValueError(f"{len(src)} source but {len(tgt)} target sentences")
        extras: list[np.ndarray | None] = [None] * len(src)
        if self.use_eflomal and len(src):
            if links is None:
                links = self.eflomal_aligner().align(src, tgt)
            elif len(links) != len(src):
                raise ValueError(f"{len(links)} eflomal alignments for {len(src)} pairs")
            extras = [
                self.eflomal_weight * (a.to_matrix(len(s), len(t)) > 0)
                for a, s, t in zip(links, src, tgt)
            ]
        return [self.align_pair(s, t, e) for s, t, e in zip(src, tgt, extras)]
