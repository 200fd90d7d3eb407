"""Whether two result files of `annoproj bench` hold the same rows, timings aside.

    python benchmarks/same_rows.py BEFORE.json AFTER.json [BEFORE2.json AFTER2.json ...]

Used to check that a refactoring keeps behaviour: run the same bench command on the commit
before and after (each in its own checkout), then compare. Prints one line per pair and
exits 1 when any pair differs in a non-timing field or in its settings.
"""

from __future__ import annotations

import argparse
import json
import sys

#: Fields that measure time (or speed) and so differ between runs of the same code.
TIMING = {"align_s", "refine_s", "project_s", "fuse_s", "tag_s", "tag_per_s", "train_s",
          "label_s", "seconds", "eflomal_s", "encode_s"}


def stripped(row: dict) -> dict:
    """`row` without its timing fields."""
    return {k: v for k, v in row.items() if k not in TIMING}


def differences(before: dict, after: dict) -> list[str]:
    """What differs between two result files (rows without timings, then settings)."""
    out = []
    rb, ra = before.get("rows", []), after.get("rows", [])
    if len(rb) != len(ra):
        out.append(f"{len(rb)} rows before, {len(ra)} after")
    for k, (x, y) in enumerate(zip(rb, ra)):
        x, y = stripped(x), stripped(y)
        for key in sorted(set(x) | set(y)):
            if x.get(key) != y.get(key):
                out.append(f"row {k} {key}: {x.get(key)!r} -> {y.get(key)!r}")
    sb = {k: v for k, v in before.get("settings", {}).items() if k != "command"}
    sa = {k: v for k, v in after.get("settings", {}).items() if k != "command"}
    if sb != sa:
        out.append("settings differ")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+", help="BEFORE AFTER pairs of result files")
    args = ap.parse_args(argv)
    if len(args.files) % 2:
        ap.error("give the files in BEFORE AFTER pairs")
    bad = 0
    for b, a in zip(args.files[::2], args.files[1::2]):
        with open(b, encoding="utf-8") as fb, open(a, encoding="utf-8") as fa:
            diff = differences(json.load(fb), json.load(fa))
        print(f"{b} vs {a}: " + ("same rows" if not diff else "; ".join(diff[:5])))
        bad += bool(diff)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
