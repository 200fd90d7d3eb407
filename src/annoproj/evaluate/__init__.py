"""Evaluation: entity-level scores of projected or predicted spans."""

from annoproj.evaluate.metrics import PRF, Report, evaluate_spans, evaluate_tags

__all__ = ["PRF", "Report", "evaluate_spans", "evaluate_tags"]
