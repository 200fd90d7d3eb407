"""Benchmarks writing one docs page side by side: how many `--docs` sections are lost.

Each trial starts 8 processes together that each write 5 sections into one new page
through `annoproj.bench.common.update_docs_section`, the function behind every `--docs`;
counted: sections missing at the end, and calls that failed.

    python benchmarks/docs_race.py [--trials 10] [--src OTHER/src]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
WORKERS, SECTIONS = 8, 5


def _worker(src: str, doc: str, worker: int) -> None:
    """Write this worker's sections; exits with the number of calls that failed."""
    sys.path.insert(0, src)
    from annoproj.bench.common import update_docs_section

    failed = 0
    for k in range(SECTIONS):
        try:
            update_docs_section(doc, f"w{worker}-{k}", f"table {worker} {k}", stamp=False)
        except Exception:  # the figure counts them
            failed += 1
    sys.exit(failed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--src", type=Path, default=SRC, help="the checkout's src folder to test")
    args = ap.parse_args()
    lost = failed = 0
    ctx = multiprocessing.get_context("fork")
    for _ in range(args.trials):
        doc = Path(tempfile.mkdtemp()) / "benchmarks.md"
        procs = [ctx.Process(target=_worker, args=(str(args.src), str(doc), w))
                 for w in range(WORKERS)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
            failed += p.exitcode or 0
        text = doc.read_text(encoding="utf-8") if doc.exists() else ""
        lost += sum(f"<!-- bench:w{w}-{k} -->" not in text
                    for w in range(WORKERS) for k in range(SECTIONS))
    print(json.dumps({"src": str(args.src), "trials": args.trials,
                      "sections": args.trials * WORKERS * SECTIONS, "lost": lost,
                      "failed_calls": failed}))


if __name__ == "__main__":
    main()
