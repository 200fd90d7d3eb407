"""MasakhaNER variants side by side: one F1 table from several `annoproj bench masakhaner --out`
files (e.g. with and without --drop-partial, --misc loc or --refine pivot, scored on dev to
choose a variant).

    python benchmarks/masakhaner_variants.py benchmarks/results/masakhaner-dev-*.json \
        --docs docs/benchmarks.md --key masakhaner-dev-variants

Each file's projected rows are named by the variant its settings record (method, then
+rejoin-MODE, +pivot, +memory, +misc-loc, +extend, +heads, +drop-partial, +complete, +self-train,
+fold-affixes, +plain-crf, +o-weight-W), whatever names the
rows carry; baseline rows (tprojection, gold, tprojection+self-train, ...) keep their names. Rows of a run
with another seed than 0 (eflomal's and the tagger's) get " seed N" after their name, baseline
rows too; a variant or baseline run with several seeds also gets the columns "VARIANT mean" and
"VARIANT sd" (the mean over its seeds and their sample standard deviation):

    python benchmarks/masakhaner_variants.py benchmarks/results/masakhaner-misc-loc-drop-partial.json \
        benchmarks/results/masakhaner-misc-loc-drop-partial-seed1.json \
        benchmarks/results/masakhaner-misc-loc-drop-partial-seed2.json benchmarks/results/masakhaner.json

`--metric` tables another figure of the rows instead of F1: precision, recall, or one entity
type's F1 (LOC, ORG, PER):

    python benchmarks/masakhaner_variants.py benchmarks/results/masakhaner-hf-e5-small-blend-0.25-seed*.json --metric LOC
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from annoproj.bench.common import results_table_script
from annoproj.bench.masakhaner import BASELINES, summary_table, variant_suffix


def variant_rows(path: str | Path) -> list[dict]:
    """The rows of one result file, projected ones named after the run's settings."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    s = data["settings"]
    crf = dict(s.get("crf") or {})
    if s.get("o_weight") is not None:  # what the tagger decoded with, given or its default
        crf["o_weight"] = s["o_weight"]
    suffix = variant_suffix(misc=s.get("misc", "drop"), drop_partial=bool(s.get("drop_partial")),
                            complete=bool(s.get("complete")), self_train=bool(s.get("self_train")),
                            extend=bool(s.get("extend")), crf=crf,
                            refine=s.get("refine", "none"),
                            memory="memory" in (s.get("scorers") or ()),
                            heads=s.get("heads") is not None,
                            rejoin=s.get("rejoin", "none"))
    seed = int(s.get("seed") or 0)
    rows = []
    for r in data["rows"]:
        name = r["train"]
        if name.split("+")[0] not in BASELINES:
            name = name.split("+")[0] + suffix
        rows.append({**r, "train": name + (f" seed {seed}" if seed else ""), "variant": name,
                     "seed": seed})
    return rows


#: What `--metric` may table: F1 (the default), precision, recall, an entity type's F1.
METRICS = ("f1", "precision", "recall", "LOC", "ORG", "PER")


def variants_table(paths: list[str], metric: str = "f1") -> str:
    """One table (language x training source) of `metric` from several result files."""
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for path in paths:
        for r in variant_rows(path):
            if (r["lang"], r["train"]) not in seen:
                seen.add((r["lang"], r["train"]))
                if metric not in ("f1", "precision", "recall"):
                    r = {**r, metric: (r.get("per_type") or {}).get(metric)}
                rows.append(r)
    by_variant: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if "variant" in r:
            by_variant.setdefault((r["lang"], r["variant"]), []).append(r)
    for (lang, variant), group in by_variant.items():
        values = [r[metric] for r in group if r.get(metric) is not None]
        if len({r["seed"] for r in group}) > 1 and len(values) > 1:
            rows.append({"lang": lang, "train": f"{variant} mean",
                         metric: round(statistics.mean(values), 4)})
            rows.append({"lang": lang, "train": f"{variant} sd",
                         metric: round(statistics.stdev(values), 4)})
    rows.sort(key=lambda r: r["lang"])
    return summary_table(rows, key=metric)


if __name__ == "__main__":
    results_table_script(__doc__, bench="masakhaner", key="masakhaner-dev-variants",
                         make_table=variants_table, metrics=METRICS)
