"""Alignment and matching knobs on top of the MasakhaNER variant chosen on dev, scored on dev.

    python benchmarks/masakhaner_knobs.py --docs docs/benchmarks.md --out benchmarks/results/masakhaner-dev-knobs.json

The variant chosen on dev (`match+misc-loc+extend+drop-partial`, eflomal seed 0) is rerun
as it is ("chosen") and with one knob changed at a time:

- "min-score 0.4": the matching projection keeps pairs scoring >= 0.4 instead of 0.5 (a
  name translated as one word, "United States" -> Swahili "Marekani", often scores 0.47);
- "whole words": eflomal aligns whole words instead of 4-letter prefixes (Bantu noun-class
  prefixes make prefixes a poor stem);
- "9 samplers": eflomal averages 9 samplers instead of 3.

Each row is a CRF trained on the projected data and scored on the MasakhaNER split
(`--split`, dev by default: the knobs are chosen without looking at test).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from annoproj.bench.common import resolve_data_dir, update_docs_section, write_results
from annoproj.bench.masakhaner import (
    MasakhanerConfig,
    align_pairs,
    eval_file,
    load_masakhaner,
    load_translations,
    projected_training_set,
    summary_table,
    train_and_score,
)

LANGS = ("hau", "nya", "swa", "xho", "yor")
#: name -> (eflomal options changed, matching options changed)
KNOBS: dict[str, tuple[dict, dict]] = {
    "chosen": ({}, {}),
    "min-score 0.4": ({}, {"min_score": 0.4}),
    "whole words": ({"prefix_len": 0}, {}),
    "9 samplers": ({"n_samplers": 9}, {}),
}


def chosen(split: str, seed: int) -> MasakhanerConfig:
    """The configuration of the variant chosen on dev, as `annoproj bench masakhaner` runs it."""
    return MasakhanerConfig(methods=("match",), baselines=(), misc="loc", extend=True,
                            drop_partial=True, split=split, seed=seed,
                            crf={"c1": 0.1, "c2": 0.1, "max_iterations": 100})


def chosen_and_tprojection(lang: str, data_dir: str | None, split: str, seed: int
                           ) -> tuple[MasakhanerConfig, list, list, list]:
    """For `lang`: the chosen configuration, its projected training set, T-Projection's
    tagged translations and the MasakhaNER `split` to score on."""
    config = chosen(split, seed)
    d = resolve_data_dir(data_dir)
    src, tgt = load_translations(d, lang, repair_tokens=config.repair_tokens)
    test = load_masakhaner(eval_file(d, lang, split))
    links = align_pairs(src, tgt, aligner=config.aligner, seed=seed, name_keys=config.name_keys,
                        methods=("match",))["match"]
    ours, _ = projected_training_set(src, tgt, links, method="match",
                                     options=config.projector_options("match"),
                                     drop_partial=config.drop_partial, misc=config.misc,
                                     extend=config.extend)
    return config, ours, tgt, test


def run_language(lang: str, data_dir: str, split: str, seed: int) -> list[dict]:
    """One row per knob for `lang`."""
    config = chosen(split, seed)
    d = resolve_data_dir(data_dir)
    src, tgt = load_translations(d, lang, repair_tokens=config.repair_tokens)
    test = load_masakhaner(eval_file(d, lang, split))
    links: dict[str, list] = {}
    rows = []
    for name, (aligner, matching) in KNOBS.items():
        key = json.dumps(aligner, sort_keys=True)
        if key not in links:
            links[key] = align_pairs(src, tgt, aligner={**config.aligner, **aligner}, seed=seed,
                                     name_keys=config.name_keys, methods=("match",))["match"]
        train, stats = projected_training_set(
            src, tgt, links[key], method="match",
            options={**config.projector_options("match"), **matching},
            drop_partial=config.drop_partial, misc=config.misc, extend=config.extend)
        res = train_and_score(train, test, config.crf)
        rows.append({"lang": lang, "train": name, "eval": split, **res,
                     "sentences": len(train), "partial": stats["partial"],
                     "projected_entities": stats["projected_entities"]})
    return rows


def script_parser(doc: str, key: str) -> argparse.ArgumentParser:
    """The options of a script that reruns the chosen variant language by language."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--seed", type=int, default=0, help="eflomal seed")
    ap.add_argument("--jobs", type=int, default=2, help="languages run at once")
    ap.add_argument("--data-dir", default=None, help="shared data (default ../shared/data or $ANNOPROJ_DATA)")
    ap.add_argument("--out", help="write the rows as a JSON result file here")
    ap.add_argument("--docs", help="Markdown file whose <!-- bench:KEY --> section gets the table")
    ap.add_argument("--key", default=key, help="docs section key")
    return ap


def run_and_report(args: argparse.Namespace, run_language: Callable[..., list[dict]], *extra: Any,
                   bench: str, settings: dict) -> list[dict]:
    """`run_language(lang, data_dir, split, seed, *extra)` for each language of `args`, in
    `args.jobs` processes; prints the table and writes --out and --docs."""
    langs = [x for x in args.langs.split(",") if x]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_language, lang, args.data_dir, args.split, args.seed, *extra)
                   for lang in langs]
        rows = [r for f in futures for r in f.result()]
    table = summary_table(rows)
    print(table)
    if args.out:
        write_results(Path(args.out), bench, rows,
                      {**chosen(args.split, args.seed).to_dict(), "langs": langs, **settings})
    if args.docs:
        update_docs_section(args.docs, args.key, table)
    return rows


def main() -> None:
    args = script_parser(__doc__, "masakhaner-dev-knobs").parse_args()
    run_and_report(args, run_language, bench="masakhaner-knobs",
                   settings={"knobs": {k: {"aligner": a, "matching": m}
                                       for k, (a, m) in KNOBS.items()}})


if __name__ == "__main__":
    main()
