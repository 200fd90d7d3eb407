"""Solvers of the matching projection, registered in `annoproj.project.base.solvers`."""

from annoproj.project.solvers.exact import ExactSolver, ILPSolver
from annoproj.project.solvers.greedy import GreedySolver

__all__ = ["ExactSolver", "GreedySolver", "ILPSolver"]
