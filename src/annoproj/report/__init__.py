"""Inspection reports: a self-contained HTML page of source entities, projections and gold."""

from annoproj.report.compare import compare_spans, sentence_kinds
from annoproj.report.html import (
    build_report_data,
    kept_indices,
    read_skipped,
    render_html,
    write_report,
)

__all__ = ["build_report_data", "compare_spans", "kept_indices", "read_skipped", "render_html",
           "sentence_kinds", "write_report"]
