"""Streaming projection time of two revisions of annoproj, on the same machine and input.

    python benchmarks/stream_revisions.py 6f5717e HEAD --pairs 200000 --runs 2

Builds the synthetic corpus of `annoproj bench speed` (Europarl en->de/es/it pairs with
their eflomal links, repeated to `--pairs` pairs), checks each revision out into a
temporary git worktree, and runs `annoproj.pipeline.stream.project_files` (matching
default, one process, chunks of 20,000) with each revision in turn, alternating, `--runs`
times; prints one JSON line per run (revision, seconds, spans written). Runs alternate so
that a change in machine load hits both revisions alike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RUN = """
import json, sys, time
from pathlib import Path
from annoproj.pipeline.stream import project_files
w, out = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
s = project_files(w / "src.jsonl", w / "tgt.jsonl", w / "links.txt", out, method="match",
                  options={}, backend="local", chunk_size=20000)
print(json.dumps({"seconds": round(time.perf_counter() - start, 2), "spans": s.spans}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("revisions", nargs=2, help="two git revisions, e.g. 6f5717e HEAD")
    ap.add_argument("--pairs", type=int, default=200_000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--data-dir", default=None, help="shared data (default: ANNOPROJ_DATA or ../shared/data)")
    args = ap.parse_args()

    from annoproj.bench.common import resolve_data_dir
    from annoproj.bench.speed import build_corpus

    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="annoproj-revisions-") as tmp:
        work = Path(tmp)
        build_corpus(resolve_data_dir(args.data_dir), work, args.pairs)
        trees = []
        for k, rev in enumerate(args.revisions):
            tree = work / f"tree{k}"
            subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", "-q",
                            str(tree), rev], check=True)
            trees.append(tree)
        try:
            for run in range(args.runs):
                for rev, tree in zip(args.revisions, trees):
                    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
                    out = subprocess.run([sys.executable, "-c", RUN, str(work), str(work / "out.jsonl")],
                                         env=env, check=True, capture_output=True, text=True)
                    row = json.loads(out.stdout.strip().splitlines()[-1])
                    print(json.dumps({"revision": rev, "run": run, "pairs": args.pairs, **row}),
                          flush=True)
        finally:
            for tree in trees:
                subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)],
                               check=False)


if __name__ == "__main__":
    main()
