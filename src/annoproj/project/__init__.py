"""Projection of source entities onto target sentences: the heuristic and matching.

``from annoproj.project import make_projector, MatchProjector`` (loaded on first use);
``annoproj.project(src, tgt, links)`` projects sentences (`annoproj.api.project`).
"""

from annoproj._lazy import install as _install

_install(__name__, {'Projector': 'annoproj.project.projectors', 'make_projector': 'annoproj.project.projectors', 'check_projection': 'annoproj.project.projectors', 'make_marker_projector': 'annoproj.project.projectors', 'MarkerProjector': 'annoproj.project.markers', 'HeuristicProjector': 'annoproj.project.heuristic', 'MatchProjector': 'annoproj.project.match', 'ProjectionResult': 'annoproj.project.result'}, call="project")
