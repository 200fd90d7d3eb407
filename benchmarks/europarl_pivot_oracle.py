"""How much could pivot refinement give the matching projection? An oracle bound.

    python benchmarks/europarl_pivot_oracle.py --seeds 3 --docs docs/benchmarks.md

For each target (de, es, it) and seed, projects the gold English entities twice with the
default matching projection: on the direct soft-union links (min score 0.5) and on the
pivot-refined links (`annoproj bench europarl --refine pivot` defaults). The *oracle* then
takes, sentence by sentence, whichever of the two projections has more correct minus wrong
spans against the target gold. No refinement that only chooses between the direct and the
refined links of a sentence can score above it. Rows give F1 (MISC ignored), mean over seeds.
"""

from __future__ import annotations

import argparse
import statistics

from annoproj import defaults
from annoproj.bench.common import markdown_table, update_docs_section
from annoproj.align.refine import AlignmentCache
from annoproj.bench.europarl import EuroparlConfig, align_pair, load_europarl, without_labels
from annoproj.evaluate import evaluate_spans
from annoproj.project.projectors import make_projector


def _net(gold: set, pred: list) -> int:
    """Correct minus wrong spans of one sentence: what the oracle maximises."""
    hit = len(gold & set(pred))
    return 2 * hit - len(pred) - len(gold)


def run(seeds: int, data_dir: str | None, tgts: list[str]) -> list[dict]:
    """One row per target: F1 of direct, refined and oracle projections (mean over seeds)."""
    langs = ("en", "de", "es", "it")
    corpora = {lang: load_europarl(data_dir, lang) for lang in langs}
    src = corpora["en"]
    src_spans = without_labels(src, {"MISC"})
    rows = []
    for tgt_lang in tgts:
        tgt = corpora[tgt_lang]
        gold = without_labels(tgt, {"MISC"})
        f1s: dict[str, list[float]] = {"direct": [], "pivot": [], "oracle": []}
        chosen = []
        for seed in range(seeds):
            cfg = EuroparlConfig(tgts=[tgt_lang], refine="pivot", seed=seed)
            cache = AlignmentCache()  # the direct run serves both alignments
            direct = align_pair(EuroparlConfig(tgts=[tgt_lang], seed=seed), src, tgt, tgt_lang,
                                cache=cache)
            refined = align_pair(cfg, src, tgt, tgt_lang, data_dir=data_dir,
                                 corpora=dict(corpora), cache=cache)
            preds = {}
            for name, links, refine in (("direct", direct, "none"), ("pivot", refined, "pivot")):
                proj = make_projector("match", min_score=defaults.min_score_for(refine))
                res = proj.project([s.tokens for s in src], [s.tokens for s in tgt], src_spans,
                                   links)
                preds[name] = [[p.span() for p in spans] for spans in res.spans]
            oracle, took_pivot = [], 0
            for g, d, p in zip(gold, preds["direct"], preds["pivot"]):
                gs = {(s[0], s[1], s[2]) for s in g}
                if _net(gs, p) > _net(gs, d):
                    oracle.append(p)
                    took_pivot += 1
                else:
                    oracle.append(d)
            preds["oracle"] = oracle
            chosen.append(took_pivot)
            for name, pred in preds.items():
                f1s[name].append(evaluate_spans(gold, pred).micro.f1)
        row = {"tgt": tgt_lang, **{k: round(statistics.mean(v), 4) for k, v in f1s.items()}}
        row["pivot_sentences"] = f"{statistics.mean(chosen):.1f}"
        rows.append(row)
    avg = {"tgt": "avg"}
    for k in ("direct", "pivot", "oracle"):
        avg[k] = round(statistics.mean(r[k] for r in rows), 4)
    avg["pivot_sentences"] = None
    rows.append(avg)
    for r in rows:
        r["gain"] = f"{100 * (r['pivot'] - r['direct']):+.1f}"
        r["oracle_gain"] = f"{100 * (r['oracle'] - r['direct']):+.1f}"
    return rows


COLUMNS = [("tgt", "tgt"), ("direct", "direct links"), ("pivot", "pivot-refined"),
           ("gain", "gain"), ("oracle", "oracle (best of the two per sentence)"),
           ("oracle_gain", "oracle gain"), ("pivot_sentences", "sentences where pivot is better")]


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--tgt", default="de,es,it")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--docs", help="Markdown file whose <!-- bench:europarl-pivot-oracle --> gets the table")
    args = ap.parse_args()
    table = markdown_table(run(args.seeds, args.data_dir, args.tgt.split(",")), COLUMNS)
    print(table)
    if args.docs:
        update_docs_section(args.docs, "europarl-pivot-oracle", table)
