"""Projection methods by name: the heuristic and matching projectors behind one interface."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from annoproj.data.model import Alignment, Span
from annoproj.project.heuristic import HeuristicProjector
from annoproj.project.markers import MarkerProjector
from annoproj.project.match import MatchProjector
from annoproj.project.result import ProjectionResult
from annoproj.registry import Registry


@runtime_checkable
class Projector(Protocol):
    """Carries source spans onto the target side of each sentence pair."""

    name: str

    def project(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        src_spans: Sequence[Sequence[Span]],
        alignments: Sequence[Alignment],
    ) -> ProjectionResult:
        """Projected spans of each pair, and the pairs that were skipped with why."""
        ...


projectors: Registry[Projector] = Registry("projection method")

projectors.register("heuristic")(HeuristicProjector)
projectors.register("match")(MatchProjector)
# "markers" (EasyProject) translates the source itself: use its project_with_translation
projectors.register("markers")(MarkerProjector)


def make_projector(method: str, **options: Any) -> Projector:
    """The projector `method` ("heuristic" or "match") built with `options`."""
    return projectors.create(method, **options)
