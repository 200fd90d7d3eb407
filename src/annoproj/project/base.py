"""Interfaces of the matching projection: one instance, the `Scorer` and the `Solver`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from annoproj.data.model import Alignment, Span
from annoproj.project.result import ProjectionResult
from annoproj.registry import Registry


@dataclass(slots=True)
class MatchInstance:
    """One sentence pair to project by matching.

    `entities` and `candidates` are int32 arrays of shape (E, 2) and (C, 2) holding
    (start, end) token offsets (end exclusive) on the source and target side.
    """

    src_tokens: Sequence[str]
    tgt_tokens: Sequence[str]
    entities: np.ndarray
    labels: Sequence[str]
    candidates: np.ndarray
    alignment: Alignment


@runtime_checkable
class Scorer(Protocol):
    """Scores every (entity, candidate) pair of a batch of instances.

    Returns one float32 (E, C) matrix per instance, values in [0, 1]. Scorers may be
    slow (model-backed) and should process the batch together.
    """

    name: str

    def score(self, batch: Sequence[MatchInstance]) -> list[np.ndarray]:
        """One (E, C) score matrix per instance."""
        ...


Constraint = Literal["at_most", "exactly", "at_least"]


@runtime_checkable
class Solver(Protocol):
    """Chooses (entity, candidate) pairs maximising the total score.

    Chosen candidates never overlap one another; each entity e gets at most / exactly /
    at least `per_entity[e]` candidates as `constraint` says. Returns two int arrays
    (entity indices, candidate indices) of the chosen pairs; an infeasible instance
    raises `InfeasibleError`.
    """

    name: str

    def solve(
        self,
        scores: np.ndarray,
        candidates: np.ndarray,
        *,
        per_entity: np.ndarray | int = 1,
        constraint: Constraint = "at_most",
    ) -> tuple[np.ndarray, np.ndarray]:
        """The chosen (entity indices, candidate indices)."""
        ...


#: What a scorer may declare it does, as class attributes (the defaults here when it does
#: not): `fits_corpus`, it learns corpus statistics through ``partial_fit(src_tokens,
#: tgt_tokens, alignments)`` (the lexical scorer); `learns_from_projection`, it learns
#: from a first projection through ``partial_fit_projection`` and ``fit_projection`` (the
#: memory scorer); `observes_projection`, it takes one through ``observe_projection``
#: (the memory and fusion scorers). An instance says through `needs_corpus` and
#: `needs_projection` whether it still needs that data.
SCORER_CAPABILITIES: dict[str, bool] = {
    "fits_corpus": False, "learns_from_projection": False, "observes_projection": False,
    "needs_corpus": False, "needs_projection": False,
}


def capable(scorer: object, what: str) -> bool:
    """The capability `what` (a key of `SCORER_CAPABILITIES`) that `scorer` (a class or an
    instance) declares, or its default."""
    return bool(getattr(scorer, what, SCORER_CAPABILITIES[what]))


#: Scorers and solvers by name (their modules load on the first lookup).
scorers: Registry[Scorer] = Registry("scorer", providers=("annoproj.project.scorers",))
solvers: Registry[Solver] = Registry("solver", providers=("annoproj.project.solvers",))


@runtime_checkable
class Projector(Protocol):
    """Carries source spans onto the target side of each sentence pair.

    `uses_scorers` declares whether it takes the matching options (scorers, solver,
    constraint), which `annoproj.project.projectors.check_projection` then checks.
    """

    name: str
    uses_scorers: bool

    def project(
        self,
        src_tokens: Sequence[Sequence[str]],
        tgt_tokens: Sequence[Sequence[str]],
        src_spans: Sequence[Sequence[Span]],
        alignments: Sequence[Alignment],
    ) -> ProjectionResult:
        """Projected spans of each pair, and the pairs that were skipped with why."""
        ...


@runtime_checkable
class MarkerProjection(Protocol):
    """Projects by translating the marked source sentences itself (EasyProject): no word
    alignment, so not a `Projector`; ``project_with_translation`` instead of ``project``."""

    name: str

    def project_with_translation(self, src_sentences, translator=None, *,
                                 src_lang: str | None = None, tgt_lang: str | None = None):
        """The translations of `src_sentences` with their projected spans."""
        ...


#: Projection methods on word alignments, by name.
projectors: Registry[Projector] = Registry(
    "projection method", providers=("annoproj.project.heuristic", "annoproj.project.match"))
#: Projection methods that make their own translation (markers), by name.
marker_projectors: Registry[MarkerProjection] = Registry(
    "marker projection method", providers=("annoproj.project.markers",))
