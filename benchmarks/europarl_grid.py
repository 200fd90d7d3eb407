"""Europarl grid: every projection method x scorer set x solver on the same alignments.

    python benchmarks/europarl_grid.py --seeds 3 --docs docs/benchmarks.md --out benchmarks/results/europarl-grid.json

Aligns en->de/es/it once per seed (eflomal, both directions), then projects with each
configuration; rows give the mean over seeds of F1 (MISC ignored), F1 with MISC, the time of
the whole projection of 799 sentences and the time spent in the solver alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from annoproj import defaults
from annoproj.bench.common import markdown_table, update_docs_section, write_results
from annoproj.bench.europarl import EuroparlConfig, align_pair, evaluate_pair, load_europarl

GRID = [
    ("heuristic", None, None),
    ("match", "alignment", "exact"),
    ("match", "string", "exact"),
    ("match", "lexical", "exact"),
    ("match", "alignment,string", "exact"),
    ("match", "alignment,lexical", "exact"),
    ("match", "alignment,lexical,string", "greedy"),
    ("match", "alignment,lexical,string", "ilp"),
    ("match", "alignment,lexical,string", "exact"),
]


class _TimedSolver:
    """Wraps a solver and adds up the seconds spent in `solve`."""

    def __init__(self, inner) -> None:
        self.inner, self.seconds = inner, 0.0

    def solve(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self.inner.solve(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - t0


def run(seeds: int, data_dir: str | None, tgts: list[str]) -> list[dict]:
    import annoproj.bench.europarl as eb
    from annoproj.project.projectors import make_projector

    src = load_europarl(data_dir, "en")
    results: dict[tuple, list[dict]] = {}
    for tgt_lang in tgts:
        tgt = load_europarl(data_dir, tgt_lang)
        for seed in range(seeds):
            from annoproj.align.refine import AlignmentCache

            cache, align_s = AlignmentCache(), None  # eflomal runs once per seed
            for method, scorers, solver in GRID:
                cfg = EuroparlConfig(src="en", tgts=[tgt_lang], method=method,
                                     scorers=(scorers or "").split(",") if scorers else defaults.SCORERS,
                                     solver=solver or defaults.SOLVER)
                st: dict = {}
                links = align_pair(cfg, src, tgt, tgt_lang, seed=seed, cache=cache, stats=st)
                align_s = st["align_s"] if align_s is None else align_s
                timed = None
                if method == "match":
                    proj = make_projector(method, **cfg.projector_options())
                    timed = proj.solver = _TimedSolver(proj.solver)
                    orig = eb.make_projector
                    eb.make_projector = lambda *a, **k: proj  # reuse the timed projector
                    try:
                        res = evaluate_pair(cfg, src, tgt, links)
                    finally:
                        eb.make_projector = orig
                    solve_s = timed.seconds / 2  # two projections: MISC ignored and kept
                else:
                    res = evaluate_pair(cfg, src, tgt, links)
                    solve_s = None
                res.update(align_s=align_s, solve_s=solve_s)
                results.setdefault((method, scorers, solver, tgt_lang), []).append(res)
    rows = []
    for (method, scorers, solver, tgt_lang), runs in results.items():
        row = {"src": "en", "tgt": tgt_lang, "method": method, "scorers": scorers, "solver": solver,
               "symmetrize": defaults.symmetrize_for(method), "runs": len(runs)}
        for key in ("precision", "recall", "f1", "f1_misc", "project_s", "align_s"):
            row[key] = round(statistics.mean(r[key] for r in runs), 4)
        row["f1_std"] = round(statistics.stdev(r["f1"] for r in runs), 4) if len(runs) > 1 else 0.0
        row["solve_s"] = (round(statistics.mean(r["solve_s"] for r in runs), 4)
                          if runs[0]["solve_s"] is not None else None)
        rows.append(row)
    return rows


def table(rows: list[dict], tgts: list[str]) -> str:
    """One line per configuration: F1 per language, average, times."""
    by_cfg: dict[tuple, dict] = {}
    for r in rows:
        by_cfg.setdefault((r["method"], r["scorers"], r["solver"], r["symmetrize"]), {})[r["tgt"]] = r
    out = []
    for (method, scorers, solver, sym), per in by_cfg.items():
        line = {"method": method, "scorers": scorers or "", "solver": solver or "", "links": sym}
        for t in tgts:
            line[t] = per[t]["f1"]
        line["avg"] = round(statistics.mean(per[t]["f1"] for t in tgts), 4)
        line["avg_misc"] = round(statistics.mean(per[t]["f1_misc"] for t in tgts), 4)
        line["sd"] = round(statistics.mean(per[t]["f1_std"] for t in tgts), 4)
        line["project_s"] = round(statistics.mean(per[t]["project_s"] for t in tgts), 3)
        solve = [per[t]["solve_s"] for t in tgts if per[t]["solve_s"] is not None]
        line["solve_s"] = round(statistics.mean(solve), 3) if solve else None
        out.append(line)
    cols = [("method", "method"), ("scorers", "scorers"), ("solver", "solver"), ("links", "links")]
    cols += [(t, f"F1 {t}") for t in tgts]
    cols += [("avg", "F1 avg"), ("sd", "sd (seeds)"), ("avg_misc", "F1 avg (MISC)"),
             ("project_s", "project s (799)"), ("solve_s", "solver s (799)")]
    return markdown_table(out, cols)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--tgt", default="de,es,it")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--docs", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    tgts = a.tgt.split(",")
    rows = run(a.seeds, a.data_dir, tgts)
    if a.json:
        for r in rows:
            print(json.dumps(r))
    text = table(rows, tgts)
    print(text)
    if a.out:
        write_results(a.out, "europarl-grid", rows, {"seeds": a.seeds, "tgts": tgts})
    if a.docs:
        update_docs_section(a.docs, "europarl-grid", text)


if __name__ == "__main__":
    main()
