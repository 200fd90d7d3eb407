"""Back-translation refinement on Europarl with Apertium: which settings of the path help.

    python benchmarks/europarl_backtranslation.py --seeds 3 --docs docs/benchmarks.md

Back-translates the Spanish and Italian Europarl sentences into English with Apertium
(`annoproj.translate.apertium`; Italian through Spanish, `--via es`; German has no
Apertium pair) and refines the English-target links through them
(`annoproj bench europarl --refine backtranslation --translator apertium`), for both
projection methods, with the default path and with one part of it changed at a time:

- leg "translator": the back-translation -> target leg is Apertium's own word links
  (the default); "eflomal": that leg aligned by eflomal instead;
- source leg "strings + eflomal": the source <-> back-translation aligner adds eflomal's
  links of that corpus to string similarity (the default); "strings": similarity alone;
- Italian through Catalan (`--via ca`) instead of Spanish.

Rows give F1 (MISC ignored), mean over the seeds, per target and averaged; "direct" rows
are the same pipeline without refinement. Needs `apt-get install apertium
apertium-eng-spa apertium-spa-ita apertium-cat-ita apertium-eng-cat`.
"""

from __future__ import annotations

import argparse
import statistics

from annoproj.bench.common import markdown_table, update_docs_section
from annoproj.bench.europarl import EuroparlConfig, run_europarl

VARIANTS = [
    # name, refine, EuroparlConfig options
    ("direct (no refinement)", "none", {}),
    ("back-translation (default path)", "backtranslation", {}),
    ("leg: eflomal instead of Apertium's links", "backtranslation", {"target_links": "eflomal"}),
    ("source leg: strings only", "backtranslation", {"monolingual": {"use_eflomal": False}}),
    ("Italian through Catalan", "backtranslation", {"via": ("ca",)}),
]


def run(seeds: int, data_dir: str | None, methods: list[str]) -> list[dict]:
    rows = []
    for method in methods:
        for name, refine, opts in VARIANTS:
            extra = {"translator": "apertium", "via": ("es",), **opts} if refine != "none" else {}
            cfg = EuroparlConfig(tgts=("es", "it"), method=method, refine=refine, runs=seeds,
                                 **extra)
            got = run_europarl(cfg, data_dir=data_dir)
            row = {"method": method, "variant": name}
            for r in got:
                row[r["tgt"]] = r["f1"]
            row["avg"] = round(statistics.mean(r["f1"] for r in got), 4)
            row["refine_s"] = round(statistics.mean(r.get("refine_s", 0.0) for r in got), 2)
            row["align_s"] = round(statistics.mean(r["align_s"] for r in got), 2)
            rows.append(row)
            print(row, flush=True)
    for row in rows:
        base = next(r for r in rows
                    if r["method"] == row["method"] and r["variant"].startswith("direct"))
        row["gain"] = f"{100 * (row['avg'] - base['avg']):+.1f}"
    return rows


COLUMNS = [("method", "method"), ("variant", "path"), ("es", "F1 es"), ("it", "F1 it"),
           ("avg", "F1 avg"), ("gain", "gain"), ("align_s", "align s"),
           ("refine_s", "refine s")]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--methods", default="heuristic,match")
    ap.add_argument("--docs", help="Markdown file to update (section europarl-backtranslation)")
    args = ap.parse_args()
    table = markdown_table(run(args.seeds, args.data_dir, args.methods.split(",")), COLUMNS)
    print(table)
    if args.docs:
        update_docs_section(args.docs, "europarl-backtranslation", table)
