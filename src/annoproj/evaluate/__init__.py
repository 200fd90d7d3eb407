"""Evaluation: entity-level scores of projected or predicted spans.

``annoproj.evaluate(gold, pred)`` scores sentences or files (`annoproj.api.evaluate`).
"""

import sys as _sys
import types as _types

from annoproj.evaluate.metrics import PRF, Report, error_types, evaluate_spans, evaluate_tags

__all__ = ["PRF", "Report", "error_types", "evaluate_spans", "evaluate_tags"]


class _CallableModule(_types.ModuleType):
    """This package called as a function is `annoproj.api.evaluate` (``annoproj.evaluate(...)``)."""

    def __call__(self, *args, **kwargs):
        from annoproj.api import evaluate

        return evaluate(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
