"""The alignment scorer: how well the word links of an entity and a candidate agree."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annoproj.errors import ConfigError
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.scorers.common import prefix

MODES = ("words", "links")


def alignment_scores(
    n_src: int,
    n_tgt: int,
    entities: np.ndarray,
    candidates: np.ndarray,
    matrix: np.ndarray,
    *,
    mode: str = "links",
) -> np.ndarray:
    """The (E, C) alignment score of each entity and candidate, in [0, 1].

    `matrix` is the (n_src, n_tgt) link matrix (1 per link, or the link score).
    mode "links": 2 * (link weight between the two) / (|entity| + |candidate|), clipped to 1.
    mode "words": (entity words linked into the candidate + candidate words linked into the
    entity) / (|entity| + |candidate|), a word counting min(1, its link weight); the Dice
    overlap of the two, equal to "links" for one-to-one links.
    Computed from prefix sums: no loop over pairs.
    """
    E, C = len(entities), len(candidates)
    if E == 0 or C == 0:
        return np.zeros((E, C), dtype=np.float32)
    es, ee = entities[:, 0], entities[:, 1]
    cs, ce = candidates[:, 0], candidates[:, 1]
    rows = prefix(matrix, 0)  # (n_src+1, n_tgt)
    ent_to_tgt = rows[ee] - rows[es]  # (E, n_tgt): link weight of each target word to e
    denom = (ee - es)[:, None] + (ce - cs)[None, :]
    if mode == "links":
        p = prefix(ent_to_tgt, 1)
        num = 2.0 * (p[:, ce] - p[:, cs])
    elif mode == "words":
        cols = prefix(matrix, 1)  # (n_src, n_tgt+1)
        src_cov = np.minimum(cols[:, ce] - cols[:, cs], 1.0)  # (n_src, C)
        ps = prefix(src_cov, 0)
        tgt_cov = prefix(np.minimum(ent_to_tgt, 1.0), 1)  # (E, n_tgt+1)
        num = (ps[ee] - ps[es]) + (tgt_cov[:, ce] - tgt_cov[:, cs])
    else:
        raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    return np.clip(num / denom, 0.0, 1.0).astype(np.float32)


@scorers.register("alignment")
class AlignmentScorer:
    """Scores pairs by their word links (Politov et al. 2025).

    mode: "links" (2 * link weight / total length, the paper's score; best on Europarl with
    soft-union links) or "words" (Dice overlap of linked words; a little better with
    unscored links).
    use_scores: weigh links by the alignment's scores when it has them.
    """

    name = "alignment"

    def __init__(self, *, mode: str = "links", use_scores: bool = True) -> None:
        if mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
        self.mode = mode
        self.use_scores = use_scores

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        out = []
        for inst in batch:
            n_src, n_tgt = len(inst.src_tokens), len(inst.tgt_tokens)
            m = inst.alignment.to_matrix(n_src, n_tgt).astype(np.float64)
            if not self.use_scores:
                m = (m > 0).astype(np.float64)
            out.append(
                alignment_scores(
                    n_src,
                    n_tgt,
                    np.asarray(inst.entities, dtype=np.int64),
                    np.asarray(inst.candidates, dtype=np.int64),
                    m,
                    mode=self.mode,
                )
            )
        return out
