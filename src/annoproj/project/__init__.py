"""Projection of source entities onto target sentences: the heuristic and matching.

``from annoproj.project import make_projector, MatchProjector`` (loaded on first use);
``annoproj.project(src, tgt, links)`` projects sentences (`annoproj.api.project`).
"""

import sys as _sys
import types as _types

_LAZY = {'Projector': 'annoproj.project.projectors', 'make_projector': 'annoproj.project.projectors', 'check_projection': 'annoproj.project.projectors', 'HeuristicProjector': 'annoproj.project.heuristic', 'MatchProjector': 'annoproj.project.match', 'ProjectionResult': 'annoproj.project.result'}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


class _CallableModule(_types.ModuleType):
    """This package called as a function is `annoproj.api.project` (``annoproj.project(...)``)."""

    def __call__(self, *args, **kwargs):
        from annoproj.api import project

        return project(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
