"""Bar chart of Europarl F1 (MISC ignored) per target language and on average, one bar
series per `annoproj bench europarl --output` result file, without rerunning anything:

    python benchmarks/plot_europarl.py benchmarks/results/europarl-match.json \
        benchmarks/results/europarl-match-fuse-e5.json \
        benchmarks/results/europarl-match-fuse-e5-use-m.json -o docs/img/europarl.png

Each series is named after its file's settings (scorers, fused aligner, refinement, ...;
only what differs from the defaults), or by --label, once per file.
Needs matplotlib (pip install 'annoproj[plot]'): exit 4 without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annoproj.bench.europarl import config_label, plot_europarl


def load(path: str | Path) -> tuple[dict, list[dict]]:
    """The settings and rows of one europarl result file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("benchmark") != "europarl":
        raise SystemExit(f"{path}: not a result file of `annoproj bench europarl`")
    return data.get("settings", {}), data["rows"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", help="result JSON files of `annoproj bench europarl`")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    ap.add_argument("--label", action="append", help="legend label of each file, in order "
                    "(default: from the file's settings)")
    args = ap.parse_args(argv)
    if args.label and len(args.label) != len(args.results):
        ap.error(f"{len(args.label)} --label for {len(args.results)} result files")
    runs = []
    for k, path in enumerate(args.results):
        settings, rows = load(path)
        runs.append((args.label[k] if args.label else config_label(settings), rows))
    from annoproj.train.base import MissingDependencyError

    try:
        out = plot_europarl(runs, args.output)
    except MissingDependencyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    for label, rows in runs:
        avg = sum(r["f1"] for r in rows) / len(rows)
        print(f"{label}: average F1 {avg:.4f}")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
