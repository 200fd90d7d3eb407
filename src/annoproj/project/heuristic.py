"""The alignment heuristic: project each entity onto the target words aligned to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annoproj.data.model import Alignment, ProjectedSpan, Span, check_spans
from annoproj.errors import ConfigError
from annoproj.project.base import projectors
from annoproj.project.result import ProjectionResult, check_lengths


@dataclass(frozen=True)
class HeuristicConfig:
    """Options of the heuristic projection.

    max_gap: unaligned target words allowed inside one projected span (d).
    min_ratio: keep spans at least this fraction of the longest span of the entity.
    max_spans: at most this many spans per entity, longest first (None: no limit).
    """

    max_gap: int = 1
    min_ratio: float = 0.8
    max_spans: int | None = None

    def __post_init__(self) -> None:
        if self.max_gap < 0:
            raise ConfigError("max_gap must be >= 0")
        if not 0.0 <= self.min_ratio <= 1.0:
            raise ConfigError("min_ratio must lie in [0, 1]")
        if self.max_spans is not None and self.max_spans < 1:
            raise ConfigError("max_spans must be >= 1 or None")


def _runs(positions: np.ndarray, max_gap: int) -> np.ndarray:
    """(start, end) of runs of sorted positions whose gaps are at most `max_gap` words."""
    breaks = np.flatnonzero(np.diff(positions) > max_gap + 1)
    starts = np.concatenate(([positions[0]], positions[breaks + 1]))
    ends = np.concatenate((positions[breaks], [positions[-1]])) + 1
    return np.stack([starts, ends], axis=1)


def resolve_overlaps(spans: Sequence[ProjectedSpan]) -> list[ProjectedSpan]:
    """Keep a non-overlapping subset: higher score first, then longer, then earlier entity.

    The order is total, so the result does not depend on the input order.
    """
    order = sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.source, s.start))
    taken: list[ProjectedSpan] = []
    for s in order:
        if all(s.end <= t.start or t.end <= s.start for t in taken):
            taken.append(s)
    return sorted(taken, key=lambda s: (s.start, s.end))


def project_sentence(
    src_spans: Sequence[Span],
    alignment: Alignment,
    n_src: int,
    n_tgt: int,
    config: HeuristicConfig = HeuristicConfig(),
) -> list[ProjectedSpan]:
    """Target spans of one sentence pair; each carries its alignment score and source entity."""
    if not src_spans or n_tgt == 0 or len(alignment) == 0:
        return []
    links = alignment.to_matrix(n_src, n_tgt) > 0
    out: list[ProjectedSpan] = []
    for k, (start, end, label) in enumerate(src_spans):
        tgt_mask = links[start:end].any(axis=0)
        positions = np.flatnonzero(tgt_mask)
        if len(positions) == 0:
            continue
        runs = _runs(positions, config.max_gap)
        lengths = runs[:, 1] - runs[:, 0]
        keep = lengths >= config.min_ratio * lengths.max()
        runs, lengths = runs[keep], lengths[keep]
        if config.max_spans is not None and len(runs) > config.max_spans:
            runs = runs[np.argsort(-lengths, kind="stable")[: config.max_spans]]
        block = links[start:end]
        for a, b in runs:
            n_links = int(block[:, a:b].sum())
            score = 2.0 * n_links / ((end - start) + (b - a))
            out.append(ProjectedSpan(int(a), int(b), label, min(score, 1.0), k))
    return resolve_overlaps(out)


@projectors.register("heuristic")
class HeuristicProjector:
    """Projects source spans onto targets through word alignments (Politov et al. 2025, §3)."""

    name = "heuristic"
    uses_scorers = False

    def __init__(
        self, *, max_gap: int = 1, min_ratio: float = 0.8, max_spans: int | None = None
    ) -> None:
        self.config = HeuristicConfig(max_gap=max_gap, min_ratio=min_ratio, max_spans=max_spans)

    def project(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        src_spans: Sequence[Sequence[Span]],
        alignments: Sequence[Alignment],
    ) -> ProjectionResult:
        """Projected spans for every sentence pair; bad pairs are skipped with a reason."""
        n = check_lengths(src_tokens, tgt_tokens, src_spans, alignments)
        result = ProjectionResult(spans=[])
        for i in range(n):
            try:
                alignments[i].check_bounds(len(src_tokens[i]), len(tgt_tokens[i]))
                check_spans(src_spans[i], len(src_tokens[i]))
                spans = project_sentence(
                    src_spans[i], alignments[i], len(src_tokens[i]), len(tgt_tokens[i]),
                    self.config,
                )  # fmt: skip
            except ValueError as exc:
                result.spans.append([])
                result.skipped.append((i, str(exc)))
                continue
            result.spans.append(spans)
        return result
