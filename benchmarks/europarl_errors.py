"""Where projection errors come from: the `errors` of `annoproj bench europarl --out` files
side by side, one row per file (summed over the target languages, mean over seeds).

    python benchmarks/europarl_errors.py benchmarks/results/europarl-{heuristic,heuristic-pivot,match,match-pivot}.json \
        --docs docs/benchmarks.md --key europarl-errors

A gold entity is correct, has the right extent with another label, is overlapped only by
spans of another extent (boundary) or by none (missed); spurious spans overlap no gold
entity (MISC ignored on both sides; see `annoproj.evaluate.error_types`).
"""

from __future__ import annotations

import json
from pathlib import Path

from annoproj import defaults
from annoproj.bench.common import markdown_table, results_table_script
from annoproj.evaluate.metrics import ERROR_TYPES


def error_row(path: str | Path) -> dict:
    """One table row: the run's method and refinement, and its error counts over languages."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = data["rows"]
    if not all("errors" in r for r in rows):
        raise SystemExit(f"{path}: rows without 'errors' (rerun the benchmark)")
    first = rows[0]
    combine = first.get("combine") or ""
    opts = data.get("settings", {}).get("combine_options") or {}
    if opts:
        combine += " (" + ", ".join(f"{k} {v:g}" for k, v in opts.items()) + ")"
    out = {"method": first["method"], "refine": first.get("refine", "none"), "combine": combine,
           # files from before the key existed were all made with the default
           "min_score": first.get("min_score", defaults.MIN_SCORE if first["method"] == "match" else None),
           "langs": ",".join(r["tgt"] for r in rows)}
    for k in ERROR_TYPES:  # means over seeds: one decimal
        out[k] = f"{sum(r['errors'][k] for r in rows):.1f}"
    out["f1"] = round(sum(r["f1"] for r in rows) / len(rows), 4)
    return out


COLUMNS = [("method", "method"), ("refine", "refine"), ("combine", "combine"),
           ("min_score", "min score"), ("langs", "targets"),
           *[(k, k) for k in ERROR_TYPES], ("f1", "F1 avg")]


if __name__ == "__main__":
    results_table_script(__doc__, bench="europarl", key="europarl-errors",
                         make_table=lambda paths: markdown_table([error_row(p) for p in paths], COLUMNS))
