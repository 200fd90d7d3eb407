"""The fusion scorer: a weighted sum of other scorers, each cut below its threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from annoproj.data.model import Alignment
from annoproj.errors import ConfigError
from annoproj.project.base import MatchInstance, Scorer, capable
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
    the pair to score anything at all. A scorer that gives a pair NaN has no opinion on
    it: both sums leave it out for that pair (a required one then fails the pair).

    >>> import numpy as np
    >>> class Fixed:
    ...     def __init__(self, name, value): self.name, self.value = name, value
    ...     def score(self, batch): return [np.full((1, 1), self.value, np.float32)]
    >>> FusionScorer(scorers=[Fixed("a", 0.8), Fixed("b", 0.2)], weights=[1, 3]).score([None])[0]
    array([[0.35]], dtype=float32)
    >>> FusionScorer(scorers=[Fixed("a", 0.8), Fixed("b", np.nan)], weights=[1, 3]).score([None])[0]
    array([[0.8]], dtype=float32)
    """

    name = "fusion"
    observes_projection = True

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
            raise ConfigError("fusion needs at least one scorer")
        options = dict(options or {})
        self.parts: list[Scorer] = []
        for s in scorers:
            if isinstance(s, str):
                if s == "fusion":
                    raise ConfigError("fusion cannot contain itself")
                self.parts.append(registry.create(s, **dict(options.pop(s, {}))))
            else:
                self.parts.append(s)
        self.names = [p.name for p in self.parts]
        if options:
            raise ConfigError(f"options for scorer(s) not fused: {sorted(options)}")
        self.weights = _per_scorer(weights, self.names, 1.0, "weights")
        if np.any(self.weights < 0) or self.weights.sum() <= 0:
            raise ConfigError("weights must be >= 0 and not all 0")
        self.thresholds = _per_scorer(thresholds, self.names, 0.0, "thresholds")
        unknown = set(required) - set(self.names)
        if unknown:
            raise ConfigError(f"required scorer(s) {sorted(unknown)} are not fused: {self.names}")
        self.required = [self.names.index(r) for r in required]
        self._kept: dict | None = None

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _kept=None)

    def keep_scores(self, on: bool) -> None:
        """While on, the matrices of the scorers that do not learn from a projection are
        kept and reused when the same batch (the same instance objects) is scored again:
        a projector's second pass then only recomputes the memory scorer's."""
        self._kept = {} if on else None

    def _part_scores(self, k: int, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        part = self.parts[k]
        if self._kept is None or not batch or capable(part, "observes_projection"):
            return part.score(batch)
        key = (k, len(batch), id(batch[0]), id(batch[-1]))
        got = self._kept.get(key)
        if got is None or any(a is not b for a, b in zip(got[0], batch)):
            got = self._kept[key] = (list(batch), part.score(batch))
        return got[1]

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

    def _parts_with(self, hook: str) -> list:
        return [getattr(p, hook) for p in self.parts if hasattr(p, hook)]

    @property
    def needs_projection(self) -> bool:
        """Whether a fused scorer still needs a first projection (the memory scorer)."""
        return any(capable(p, "needs_projection") for p in self.parts)

    def observe_projection(self, src_tokens, tgt_tokens, src_spans, projected) -> None:
        """Hand a first projection of the input to every fused scorer that takes one."""
        for hook in self._parts_with("observe_projection"):
            hook(src_tokens, tgt_tokens, src_spans, projected)

    def fit_projection(self, src_tokens, tgt_tokens, src_spans, projected) -> FusionScorer:
        """Fit every fused scorer that learns from a projection of the whole corpus."""
        for hook in self._parts_with("fit_projection"):
            hook(src_tokens, tgt_tokens, src_spans, projected)
        return self

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        per_part = [self._part_scores(k, batch) for k in range(len(self.parts))]
        out = []
        for i in range(len(batch)):
            acc = total = gate = None
            for k, mats in enumerate(per_part):
                s = mats[i].astype(np.float64)
                known = ~np.isnan(s)
                s = np.where(known & (s >= self.thresholds[k]), s, 0.0)
                w = self.weights[k] * known
                acc = self.weights[k] * s if acc is None else acc + self.weights[k] * s
                total = w if total is None else total + w
                if k in self.required:
                    gate = (s > 0) if gate is None else gate & (s > 0)
            fused = np.divide(acc, total, out=np.zeros_like(acc), where=total > 0)
            if gate is not None:
                fused = np.where(gate, fused, 0.0)
            out.append(np.clip(fused, 0.0, 1.0).astype(np.float32))
        return out
