"""Speed benchmark: throughput of each stage, scaling with workers and backends, peak memory,
and how the solvers' cost grows with sentence length and number of entities.

The corpus is synthetic but made of real sentences: the Europarl en->de/es/it pairs with
their eflomal links and gold English entities, repeated until it has `pairs` pairs.
Each projection run happens in a fresh subprocess, so its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from annoproj import defaults
from annoproj.bench.common import timer


@dataclass
class SpeedConfig:
    """What `annoproj bench speed` measures."""

    pairs: int = 1_000_000
    method: str = defaults.METHOD
    runs: Sequence[tuple[str, int]] = (("process", 1), ("process", 2), ("ray", 2))
    align_pairs: int = 10_000
    chunk_size: int = 20_000
    seed: int = 0
    scaling: bool = True
    work_dir: str | None = None
    options: dict = field(default_factory=dict)


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def build_corpus(data_dir, work: Path, pairs: int, *, seed: int = 0) -> dict:
    """Write src.jsonl, tgt.jsonl and links.txt with `pairs` pairs; returns timings."""
    from annoproj.align.eflomal import EflomalAligner
    from annoproj.bench.europarl import load_europarl
    from annoproj.data.io.jsonl import to_record
    from annoproj.data.io.pharaoh import format_pharaoh
    from annoproj.data.labels import LabelMap

    drop = LabelMap.parse("MISC=O")
    src_lines, tgt_lines, link_lines = [], [], []
    en = load_europarl(data_dir, "en")
    align_s = 0.0
    for lang in ("de", "es", "it"):
        tgt = load_europarl(data_dir, lang)
        with timer() as t:
            links = EflomalAligner(seed=seed).align([s.tokens for s in en], [s.tokens for s in tgt])
        align_s += t[0]
        for s, x, a in zip(en, tgt, links):
            rec = to_record(s)
            rec["spans"] = [[a0, b0, lab] for a0, b0, lab in drop.map_spans(s.spans)]
            src_lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
            tgt_lines.append(json.dumps({"id": x.id, "tokens": x.tokens}, ensure_ascii=False) + "\n")
            link_lines.append(format_pharaoh(a) + "\n")
    n = len(src_lines)
    with timer() as t:
        with open(work / "src.jsonl", "w", encoding="utf-8") as fs, \
             open(work / "tgt.jsonl", "w", encoding="utf-8") as ft, \
             open(work / "links.txt", "w", encoding="utf-8") as fl:
            full, rest = divmod(pairs, n)
            for _ in range(full):
                fs.writelines(src_lines)
                ft.writelines(tgt_lines)
                fl.writelines(link_lines)
            fs.writelines(src_lines[:rest])
            ft.writelines(tgt_lines[:rest])
            fl.writelines(link_lines[:rest])
    return {"europarl_align_s": round(align_s, 3), "write_s": round(t[0], 3), "base_pairs": n}


def _read_rate(work: Path, limit: int) -> dict:
    from annoproj.data.io import iter_jsonl, iter_pharaoh
    from annoproj.pipeline.stream import iter_parallel

    with timer() as t:
        n = 0
        for _ in iter_parallel(iter_jsonl(work / "src.jsonl"), iter_jsonl(work / "tgt.jsonl"),
                               iter_pharaoh(work / "links.txt")):
            n += 1
            if n >= limit:
                break
    return {"stage": "read", "backend": "local", "workers": 1, "sentences": n,
            "seconds": round(t[0], 3), "peak_mem_mb": _peak_mb()}


def _align_rate(data_dir, pairs: int, seed: int) -> dict:
    from annoproj.align.eflomal import EflomalAligner
    from annoproj.bench.europarl import load_europarl

    en, de = load_europarl(data_dir, "en"), load_europarl(data_dir, "de")
    reps = max(1, pairs // len(en))
    src = [s.tokens for s in en] * reps
    tgt = [s.tokens for s in de] * reps
    with timer() as t:
        EflomalAligner(seed=seed).align_both(src, tgt)
    return {"stage": "align", "backend": "eflomal", "workers": 2, "sentences": len(src),
            "seconds": round(t[0], 3), "peak_mem_mb": _peak_mb()}


_WORKER = """
import json, resource, sys, time
from pathlib import Path
from annoproj.pipeline.stream import project_files
a = json.loads(sys.argv[1])
w = Path(a["work"])
t0 = time.perf_counter()
s = project_files(w / "src.jsonl", w / "tgt.jsonl", w / "links.txt", Path(a["out"]),
                  method=a["method"], options=a["options"], backend=a["backend"],
                  workers=a["workers"], chunk_size=a["chunk"])
secs = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": secs, "sentences": s.sentences, "written": s.written,
                  "skipped": s.skipped, "spans": s.spans,
                  "peak_mem_mb": round(own / 1024, 1), "children_peak_mem_mb": round(kids / 1024, 1)}))
"""


def _project_run(work: Path, config: SpeedConfig, backend: str, workers: int) -> dict:
    out = work / f"out-{backend}-{workers}.jsonl"
    arg = json.dumps({"work": str(work), "out": str(out), "method": config.method,
                      "options": config.options, "backend": backend, "workers": workers,
                      "chunk": config.chunk_size})
    proc = subprocess.run([sys.executable, "-c", _WORKER, arg], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"projection run ({backend}, {workers}) failed:\n{proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    import hashlib

    digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
    out.unlink()
    return {"stage": "project", "backend": backend, "workers": workers, "method": config.method,
            "sentences": res["sentences"], "seconds": round(res["seconds"], 2),
            "sentences_per_s": round(res["sentences"] / res["seconds"]),
            "peak_mem_mb": res["peak_mem_mb"], "workers_peak_mem_mb": res["children_peak_mem_mb"],
            "written": res["written"], "skipped": res["skipped"], "output_sha256": digest}


def solver_scaling(*, lengths=(10, 20, 40, 80, 160), entities=(1, 2, 4, 8, 16), reps: int = 10,
                   seed: int = 0, max_len: int = 10) -> list[dict]:
    """Time exact and greedy on random instances of growing size (the exact worst case)."""
    from annoproj.project.base import solvers
    from annoproj.project.candidates import candidates

    rng = np.random.default_rng(seed)
    rows = []
    for n in lengths:
        cands = candidates(n, max_len=max_len)
        for e in entities:
            if e > n:
                continue
            inst = [rng.random((e, len(cands))).astype(np.float32) ** 4 for _ in range(reps)]
            for name in ("greedy", "exact"):
                solver = solvers.create(name)
                with timer() as t:
                    total = 0.0
                    for sc in inst:
                        ei, ci = solver.solve(sc, cands)
                        total += float(sc[ei, ci].sum())
                rows.append({"stage": "solve", "backend": name, "workers": 1, "sentences": reps,
                             "length": n, "entities": e, "candidates": int(len(cands)),
                             "seconds": round(t[0], 4),
                             "ms_per_sentence": round(1000 * t[0] / reps, 3),
                             "objective": round(total, 4), "peak_mem_mb": _peak_mb()})
    return rows


def run_speed(config: SpeedConfig, *, data_dir=None,
              on_row: Callable[[dict], None] | None = None) -> list[dict]:
    """All rows of the speed benchmark."""
    rows: list[dict] = []

    def emit(row: dict) -> None:
        rows.append(row)
        if on_row:
            on_row(row)

    with tempfile.TemporaryDirectory(dir=config.work_dir, prefix="annoproj-speed-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        info = build_corpus(data_dir, work, config.pairs, seed=config.seed)
        emit({"stage": "build", "backend": "local", "workers": 1, "sentences": config.pairs,
              "seconds": round(time.perf_counter() - t0, 2), "peak_mem_mb": _peak_mb(), **info})
        emit(_read_rate(work, min(config.pairs, 200_000)))
        if config.align_pairs:
            emit(_align_rate(data_dir, config.align_pairs, config.seed))
        for backend, workers in config.runs:
            emit(_project_run(work, config, backend, workers))
    if config.scaling:
        for row in solver_scaling(seed=config.seed):
            emit(row)
    return rows
