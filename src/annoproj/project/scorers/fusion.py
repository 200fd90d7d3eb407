"""The fusion scorer: a weighted sum of other scorers, each cut below its threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from annoproj.data.model import Alignment
from annoproj.project.base import MatchInstance, Scorer
from annoproj.project.base import scorers as registry


def _per_scorer(
    value: Sequence[float] | Mapping[str, float] | float | None,
    names: Sequence[str],
    default: float,
    what: str,
) -> np.ndarray:
    """One value per scorer from None, a number, a sequence or a name -> value mapping."""
    if value is None:
        return np.full(len(names), default, dtype=np.float64)
    if isinstance(value, Mapping):
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(f"{what} for unknown scorer(s) {sorted(unknown)}; scorers: {names}")
        return np.asarray([float(value.get(n, default)) for n in names], dtype=np.float64)
    if isinstance(value, (int, float)):
        return np.full(len(names), float(value), dtype=np.float64)
    arr = np.asarray(list(value), dtype=np.float64)
    if len(arr) != len(names):
        raise ValueError(f"{len(arr)} {what} for {len(names)} scorers ({', '.join(names)})")
    return arr


@registry.register("fusion")
class FusionScorer:
    """sum_k w_k * s_k * [s_k >= t_k] / sum_k w_k: a fused score in [0, 1].

    scorers: names (built from the registry with `options[name]`) or Scorer objects.
    weights / thresholds: one per scorer, as a sequence or a name -> value mapping
    (default weight 1, threshold 0). required: scorers whose (cut) score must be > 0 for
    the pair to score anything at all.
    """

    name = "fusion"

    def __init__(
        self,
        *,
        scorers: Sequence[str | Scorer] = ("alignment", "string"),
        weights: Sequence[float] | Mapping[str, float] | None = None,
        thresholds: Sequence[float] | Mapping[str, float] | None = None,
        required: Sequence[str] = (),
        options: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        if not scorers:
            raise ValueError("fusion needs at least one scorer")
        options = dict(options or {})
        self.parts: list[Scorer] = []
        for s in scorers:
            if isinstance(s, str):
                if s == "fusion":
                    raise ValueError("fusion cannot contain itself")
                self.parts.append(registry.create(s, **dict(options.pop(s, {}))))
            else:
                self.parts.append(s)
        self.names = [p.name for p in self.parts]
        if options:
            raise ValueError(f"options for scorer(s) not fused: {sorted(options)}")
        self.weights = _per_scorer(weights, self.names, 1.0, "weights")
        if np.any(self.weights < 0) or self.weights.sum() <= 0:
            raise ValueError("weights must be >= 0 and not all 0")
        self.thresholds = _per_scorer(thresholds, self.names, 0.0, "thresholds")
        unknown = set(required) - set(self.names)
        if unknown:
            raise ValueError(f"required scorer(s) {sorted(unknown)} are not fused: {self.names}")
        self.required = [self.names.index(r) for r in required]

    def observe(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        alignments: Sequence[Alignment],
    ) -> None:
        """Hand the corpus being projected to every fused scorer that takes it."""
        for part in self.parts:
            hook = getattr(part, "observe", None)
            if hook is not None:
                hook(src_tokens, tgt_tokens, alignments)

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        per_part = [p.score(batch) for p in self.parts]
        total = self.weights.sum()
        out = []
        for i in range(len(batch)):
            acc = None
            gate = None
            for k, mats in enumerate(per_part):
                s = mats[i].astype(np.float64)
                s = np.where(s >= self.thresholds[k], s, 0.0)
                acc = self.weights[k] * s if acc is None else acc + self.weights[k] * s
                if k in self.required:
                    gate = (s > 0) if gate is None else gate & (s > 0)
            fused = acc / total
            if gate is not None:
                fused = np.where(gate, fused, 0.0)
            out.append(np.clip(fused, 0.0, 1.0).astype(np.float32))
        return out
