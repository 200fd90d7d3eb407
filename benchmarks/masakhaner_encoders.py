"""The encoder question on the MasakhaNER translations: does e5 help the matching projection?

For each language (default hau, swa, xho: those e5 covers and USE-m does not), the
English CoNLL-2003 sentences and their NLLB translations (T-Projection's release) are
aligned once with eflomal; the projection runs with the offline default scorers
(alignment, lexical, string) and with the same plus the `embedding` scorer on
`bundled:e5-small` (contextual span states at layer 8, fusion weight --weight), both with
the dev-chosen recipe (MISC as LOC, --extend, --drop-partial); annoproj's CRF is trained
on each and scored on MasakhaNER 2.0 (dev by default: nothing here is tuned on test).

    python benchmarks/masakhaner_encoders.py --langs hau,swa,xho --limit 3000 --split dev
"""

from __future__ import annotations

import argparse
import json
import time

from annoproj import defaults
from annoproj.bench.common import markdown_table, resolve_data_dir
from annoproj.bench.masakhaner import (
    align_pairs,
    eval_file,
    load_masakhaner,
    load_translations,
    projected_training_set,
    train_and_score,
)
from annoproj.data.io import read_conll


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--langs", default="hau,swa,xho")
    ap.add_argument("--limit", type=int, default=3000)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--layer", type=int, default=8)
    ap.add_argument("--weight", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    d = resolve_data_dir(args.data_dir)
    english = read_conll(d / "conll2003" / "train.txt")
    from annoproj.project.scorers.embedding import EmbeddingScorer

    e5 = EmbeddingScorer("bundled:e5-small", context=True, layer=args.layer, device="cpu",
                         sentence_cache=4 * args.limit)
    arms = {
        "default": {"scorers": list(defaults.SCORERS)},
        "default+e5": {"scorers": [*defaults.SCORERS, e5],
                       "weights": [1.0] * len(defaults.SCORERS) + [args.weight]},
    }
    rows = []
    for lang in args.langs.split(","):
        test = load_masakhaner(eval_file(d, lang, args.split))
        src, tgt = load_translations(d, lang, limit=args.limit, english=english)
        links = align_pairs(src, tgt, aligner=defaults.ALIGNER, seed=args.seed)["match"]
        for arm, options in arms.items():
            t = time.perf_counter()
            train, stats = projected_training_set(src, tgt, links, method="match", options=options,
                                                  misc="loc", extend=True, drop_partial=True)
            project_s = time.perf_counter() - t
            res = train_and_score(train, test, {})
            row = {"lang": lang, "arm": arm, "eval": args.split, "f1": res["f1"],
                   "precision": res["precision"], "recall": res["recall"],
                   "sentences": len(train), "pairs": len(src), "project_s": round(project_s, 1),
                   "train_s": res["train_s"]}
            rows.append(row)
            print(json.dumps(row), flush=True)
    print(markdown_table(rows, [(k, k) for k in ("lang", "arm", "eval", "precision", "recall", "f1",
                                                 "sentences", "pairs", "project_s", "train_s")]))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
