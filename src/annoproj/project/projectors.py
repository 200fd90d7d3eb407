"""Projection methods by name: the heuristic and matching projectors behind one interface,
and the marker projection (EasyProject), which translates the source itself, in a registry
of its own kind (`marker_projectors`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annoproj.errors import RegistryError
from annoproj.project.base import MarkerProjection, Projector, marker_projectors, projectors

__all__ = ["MarkerProjection", "Projector", "check_projection", "make_marker_projector",
           "make_projector", "marker_projectors", "projectors"]


def check_projection(method: str, *, scorers: Sequence[str] = (), solver: str | None = None,
                     options: dict | None = None) -> None:
    """Raise ValueError naming an unknown method, scorer or solver (with the known ones) or
    `constraint` option, without building anything (no model is loaded): a run checks its
    settings before hours of alignment, not after. Scorers and solver are checked for a
    method that `uses_scorers`.

    >>> check_projection("match", scorers=["alignment", "sting"])
    Traceback (most recent call last):
    ...
    ValueError: unknown scorer 'sting'; known: alignment, clip, embedding, fusion, lexical, memory, ner, nmt, string
    """
    from annoproj.project.base import scorers as scorer_registry
    from annoproj.project.base import solvers as solver_registry
    from annoproj.project.solvers.common import CONSTRAINTS

    try:
        factory = projectors.get(method)
        if not getattr(factory, "uses_scorers", False):
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


def make_marker_projector(method: str = "markers", **options: Any) -> MarkerProjection:
    """The marker projection `method` ("markers") built with `options`."""
    return marker_projectors.create(method, **options)
