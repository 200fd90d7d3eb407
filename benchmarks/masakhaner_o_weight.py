"""Decoding the CRF with O down-weighted, on our chosen projection and on T-Projection's tags.

    python benchmarks/masakhaner_o_weight.py --docs docs/benchmarks.md --out benchmarks/results/masakhaner-dev-o-weight.json

A CRF trained on projected data learns that the names projection missed are `O`, so it
finds too few (recall far below precision). `CRFTrainer(o_weight=W)` multiplies the
marginal probability of O by W before decoding (`annoproj.train.decode`). This trains one
CRF per language and train source (the variant chosen on dev, `match+misc-loc+extend+
drop-partial` with eflomal seed 0, and T-Projection's tags) and scores it decoded with
each weight in `--weights` on the MasakhaNER split (`--split`, dev by default: the weight
is chosen without looking at test). Rows are named "SOURCE o=W"; "o=1" is crfsuite's
Viterbi, as every other table decodes.
"""

from __future__ import annotations

from masakhaner_knobs import chosen_and_tprojection, run_and_report, script_parser

from annoproj.bench.common import timer
from annoproj.bench.masakhaner import score_tagger


def run_language(lang: str, data_dir: str | None, split: str, seed: int,
                 weights: list[float], model: str | None = None,
                 sources: tuple[str, ...] = ("chosen", "tprojection"),
                 dims: int | None = None, blend: float | None = None) -> list[dict]:
    """One row per (train source, weight) for `lang`; `model`: the tagger on that encoder
    (`HFTrainer`, its default recipe; `dims`: its PCA size, `blend`: the weight of its CRF
    without states, None for the defaults) instead of the CRF."""
    from annoproj.train.crf import CRFTrainer
    from annoproj.train.hf import HFTrainer

    config, ours, tgt, test = chosen_and_tprojection(lang, data_dir, split, seed)
    rows = []
    for source, train in (("chosen", ours), ("tprojection", tgt)):
        if source not in sources:
            continue
        with timer() as t:
            opts = {k: v for k, v in (("dims", dims), ("blend", blend)) if v is not None}
            trainer = HFTrainer(model, seed=seed, **opts) if model else CRFTrainer(**config.crf)
            tagger = trainer.fit(train)
        for w in weights:
            tagger.o_weight = w
            rows.append({"lang": lang, "train": f"{source} o={w:g}", "eval": split,
                         "o_weight": w, **score_tagger(tagger, test),
                         "train_s": round(t[0], 3), "sentences": len(train)})
    return rows


def main() -> None:
    ap = script_parser(__doc__, "masakhaner-dev-o-weight")
    ap.add_argument("--weights", default="1,0.5,0.35,0.25,0.15", help="O weights, comma separated")
    ap.add_argument("--model", default=None,
                    help="the tagger on this encoder (e.g. bundled:e5-small) instead of the CRF")
    ap.add_argument("--sources", default="chosen,tprojection",
                    help="train sources, comma separated: chosen, tprojection")
    ap.add_argument("--dims", type=int, default=None,
                    help="with --model: the PCA size of its states (default: the tagger's)")
    ap.add_argument("--blend", type=float, default=None,
                    help="with --model: the weight of its CRF without states (default: the tagger's)")
    args = ap.parse_args()
    weights = [float(w) for w in args.weights.split(",") if w]
    sources = tuple(x for x in args.sources.split(",") if x)
    dims, blend = args.dims, args.blend
    if args.model:  # recorded: the defaults may change
        from annoproj.train.hf import HFTrainer

        default = HFTrainer(args.model)
        dims = default.pca_dims if dims is None else dims
        blend = default.crf_blend if blend is None else blend
    run_and_report(args, run_language, weights, args.model, sources, dims, blend,
                   bench="masakhaner-o-weight",
                   settings={"weights": weights, "model": args.model, "sources": list(sources),
                             "trainer": "hf" if args.model else "crf", "dims": dims,
                             "blend": blend})


if __name__ == "__main__":
    main()
