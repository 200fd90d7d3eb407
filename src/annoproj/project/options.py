"""Projector options, built in one place for the CLI, the pipelines and the benchmarks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annoproj import defaults

__all__ = ["options_for"]


def options_for(
    method: str = defaults.METHOD,
    *,
    scorers: Sequence[str] | None = None,
    solver: str | None = None,
    min_score: float | None = None,
    refine: str | None = "none",
    scorer_options: Mapping[str, Any] | None = None,
    **more: Any,
) -> dict:
    """The options of `method`'s projector (`annoproj.project.projectors.make_projector`).

    Matching gets its `scorers` and `solver` (default: `annoproj.defaults`), `min_score`
    (unset: `defaults.REFINED_MIN_SCORE` for links refined by `refine`, else the
    projector's own default, `defaults.MIN_SCORE`) and `scorer_options` when given. Other
    methods get `more` only, plus a `min_score` or `scorer_options` given explicitly (their
    projector rejects what it does not take). `more` (e.g. constraint, per_entity) passes
    through.

    >>> options_for("match", refine="pivot")
    {'scorers': ['alignment', 'lexical', 'string'], 'solver': 'exact', 'min_score': 0.45}
    >>> options_for("heuristic", scorers=["string"])
    {}
    """
    if method != "match":
        out = dict(more)
        if min_score is not None:
            out["min_score"] = min_score
        if scorer_options:
            out["scorer_options"] = dict(scorer_options)
        return out
    out = {"scorers": list(defaults.SCORERS if scorers is None else scorers),
           "solver": defaults.SOLVER if solver is None else solver}
    if min_score is None and refine not in (None, "none"):
        min_score = defaults.min_score_for(refine)
    if min_score is not None:
        out["min_score"] = min_score
    if scorer_options:
        out["scorer_options"] = dict(scorer_options)
    out.update(more)
    return out
