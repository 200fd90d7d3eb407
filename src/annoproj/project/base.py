"""Interfaces of the matching projection: one instance, the `Scorer` and the `Solver`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from annoproj.data.model import Alignment
from annoproj.errors import InfeasibleError  # noqa: F401  (re-exported)
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


scorers: Registry[Scorer] = Registry("scorer")
solvers: Registry[Solver] = Registry("solver")
