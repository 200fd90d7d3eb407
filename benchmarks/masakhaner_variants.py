"""MasakhaNER variants side by side: one F1 table from several `annoproj bench masakhaner --out`
files (e.g. with and without --drop-partial or --misc loc, scored on dev to choose a variant).

    python benchmarks/masakhaner_variants.py benchmarks/results/masakhaner-dev-*.json \
        --docs docs/benchmarks.md --key masakhaner-dev-variants

Each file's projected rows are named by the variant its settings record (method, then
+misc-loc, +drop-partial, +complete), whatever names the rows carry; baseline rows keep their names.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annoproj.bench.common import update_docs_section
from annoproj.bench.masakhaner import summary_table


def variant_rows(path: str | Path) -> list[dict]:
    """The rows of one result file, projected ones named after the run's settings."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    s = data["settings"]
    suffix = (("" if s.get("misc", "drop") == "drop" else f"+misc-{s['misc']}")
              + ("+drop-partial" if s.get("drop_partial") else "")
              + ("+complete" if s.get("complete") else ""))
    rows = []
    for r in data["rows"]:
        if r["train"] not in ("tprojection", "gold"):
            r = {**r, "train": r["train"].split("+")[0] + suffix}
        rows.append(r)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", help="result JSON files of `annoproj bench masakhaner`")
    ap.add_argument("--docs", help="Markdown file whose <!-- bench:KEY --> section gets the table")
    ap.add_argument("--key", default="masakhaner-dev-variants", help="docs section key")
    args = ap.parse_args()
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for path in args.results:
        for r in variant_rows(path):
            if (r["lang"], r["train"]) not in seen:
                seen.add((r["lang"], r["train"]))
                rows.append(r)
    rows.sort(key=lambda r: r["lang"])
    table = summary_table(rows)
    print(table)
    if args.docs:
        update_docs_section(args.docs, args.key, table)


if __name__ == "__main__":
    main()
