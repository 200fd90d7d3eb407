"""CRF regularisation on our chosen projection and on T-Projection's tags, chosen on dev.

    python benchmarks/masakhaner_crf.py --docs docs/benchmarks.md --out benchmarks/results/masakhaner-dev-crf.json

Every MasakhaNER table trains the CRF with crfsuite's L-BFGS, L1 weight c1 = 0.1, L2 weight
c2 = 0.1 and 100 iterations, settings never tuned for projected data, whose labels are
noisy. This trains one CRF per language, train source (the variant chosen on dev,
`match+misc-loc+extend+drop-partial` with eflomal seed 0, and T-Projection's tags) and
setting in `--grid`, and scores it (Viterbi) on the MasakhaNER split (`--split`, dev by
default: the setting is chosen without looking at test). Rows are named
"SOURCE c1=X c2=Y" (with "it=N" when the setting gives the iterations; else those of
the chosen configuration, 100).
"""

from __future__ import annotations

from masakhaner_knobs import chosen_and_tprojection, run_and_report, script_parser

from annoproj.bench.masakhaner import train_and_score

DEFAULT_GRID = "0.1:0.1,0.5:0.1,1:0.1,0.1:0.01,0.1:1"


def parse_grid(text: str) -> list[dict]:
    """"c1:c2[:iterations],..." -> CRFTrainer options, one dict per setting."""
    out = []
    for item in (x for x in text.split(",") if x):
        parts = item.split(":")
        if len(parts) not in (2, 3):
            raise SystemExit(f"--grid: {item!r} is not c1:c2 or c1:c2:iterations")
        opts = {"c1": float(parts[0]), "c2": float(parts[1])}
        if len(parts) == 3:
            opts["max_iterations"] = int(parts[2])
        out.append(opts)
    return out


def setting_name(opts: dict) -> str:
    """Row suffix of one grid setting."""
    name = f"c1={opts['c1']:g} c2={opts['c2']:g}"
    return f"{name} it={opts['max_iterations']}" if "max_iterations" in opts else name


def run_language(lang: str, data_dir: str | None, split: str, seed: int,
                 grid: list[dict]) -> list[dict]:
    """One row per (train source, setting) for `lang`."""
    config, ours, tgt, test = chosen_and_tprojection(lang, data_dir, split, seed)
    rows = []
    for source, train in (("chosen", ours), ("tprojection", tgt)):
        for opts in grid:
            res = train_and_score(train, test, {**config.crf, **opts})
            rows.append({"lang": lang, "train": f"{source} {setting_name(opts)}", "eval": split,
                         **opts, **res, "sentences": len(train)})
    return rows


def main() -> None:
    ap = script_parser(__doc__, "masakhaner-dev-crf")
    ap.add_argument("--grid", default=DEFAULT_GRID,
                    help="CRF settings c1:c2[:iterations], comma separated")
    args = ap.parse_args()
    grid = parse_grid(args.grid)
    run_and_report(args, run_language, grid, bench="masakhaner-crf", settings={"grid": grid})


if __name__ == "__main__":
    main()
