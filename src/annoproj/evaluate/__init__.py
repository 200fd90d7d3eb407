"""Evaluation: entity-level scores of projected or predicted spans."""

from annoproj.evaluate.metrics import PRF, Report, error_types, evaluate_spans, evaluate_tags

__all__ = ["PRF", "Report", "error_types", "evaluate_spans", "evaluate_tags"]
