"""Projection methods by name: the heuristic and matching projectors behind one interface."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from annoproj.data.model import Alignment, Span
from annoproj.project.heuristic import HeuristicProjector
from annoproj.project.markers import MarkerProjector
from annoproj.project.match import MatchProjector
from annoproj.project.result import ProjectionResult
from annoproj.errors import RegistryError
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


def check_projection(method: str, *, scorers: Sequence[str] = (), solver: str | None = None,
                     options: dict | None = None) -> None:
    """Raise ValueError naming an unknown method, scorer or solver (with the known ones) or
    `constraint` option, without building anything (no model is loaded): a run checks its
    settings before hours of alignment, not after.

    >>> check_projection("match", scorers=["alignment", "sting"])
    Traceback (most recent call last):
    ...
    ValueError: unknown scorer 'sting'; known: alignment, clip, embedding, fusion, lexical, memory, ner, nmt, string
    """
    import annoproj.project.scorers  # noqa: F401  (each module registers its scorers)
    import annoproj.project.solvers  # noqa: F401
    from annoproj.project.base import scorers as scorer_registry
    from annoproj.project.base import solvers as solver_registry
    from annoproj.project.solvers.common import CONSTRAINTS

    try:
        projectors.get(method)
        if method != "match":
            return
        for name in scorers:
            scorer_registry.get(name)
        if solver is not None:
            solver_registry.get(solver)
    except RegistryError as exc:
        raise ValueError(str(exc)) from None
    constraint = (options or {}).get("constraint", "at_most")
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {', '.join(CONSTRAINTS)}; got {constraint!r}")


def make_projector(method: str, **options: Any) -> Projector:
    """The projector `method` ("heuristic" or "match") built with `options`."""
    return projectors.create(method, **options)
