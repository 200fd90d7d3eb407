"""Evaluation: entity-level scores of projected or predicted spans.

``annoproj.evaluate(gold, pred)`` scores sentences or files (`annoproj.api.evaluate`).
"""

from annoproj._lazy import install as _install
from annoproj.evaluate.metrics import PRF, Report, error_types, evaluate_spans, evaluate_tags

__all__ = ["PRF", "Report", "error_types", "evaluate_spans", "evaluate_tags"]

_install(__name__, {}, call="evaluate")
