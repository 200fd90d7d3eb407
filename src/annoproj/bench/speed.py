"""Speed benchmark: throughput of each stage, scaling with workers and backends, peak memory,
and how the solvers' cost grows with sentence length and number of entities.

The corpus is synthetic but made of real sentences: the Europarl en->de/es/it pairs with
their eflomal links and gold English entities, repeated until it has `pairs` pairs.
Each projection run happens in a fresh subprocess; its peak memory (VmHWM) is its own, and a
sampler thread follows the resident memory of its workers and helpers.
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
from annoproj.pipeline.cache import file_digest


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
    from annoproj.align.stage import AlignConfig, align_corpus
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
            links = align_corpus([s.tokens for s in en], [s.tokens for s in tgt],
                                 AlignConfig(seed=seed))
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
    from annoproj.align.stage import AlignConfig, align_corpus
    from annoproj.bench.europarl import load_europarl

    en, de = load_europarl(data_dir, "en"), load_europarl(data_dir, "de")
    reps = max(1, pairs // len(en))
    src = [s.tokens for s in en] * reps
    tgt = [s.tokens for s in de] * reps
    with timer() as t:
        align_corpus(src, tgt, AlignConfig(seed=seed))
    return {"stage": "align", "backend": "eflomal", "workers": 2, "sentences": len(src),
            "seconds": round(t[0], 3), "peak_mem_mb": _peak_mb()}


def _status_kb(pid: int | str, key: str) -> int:
    """A memory field (VmRSS, VmHWM) of /proc/PID/status in kB; 0 when unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeMemory:
    """Samples, in a thread, the resident memory of this process and all its descendants.

    Linux only (/proc); elsewhere every figure stays 0. `largest_child_mb` is the highest
    resident memory any one descendant (worker, Ray helper) reached, `total_mb` the highest
    sum over the whole tree at one sampling instant.
    """

    def __init__(self, *, interval: float = 0.2) -> None:
        import os
        import threading

        self.interval = interval
        self.me = os.getpid()
        self.largest_child_kb = 0
        self.total_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _descendants(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for d in Path("/proc").iterdir():
            if not d.name.isdigit():
                continue
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
        out, todo = [], [self.me]
        while todo:
            for c in children.get(todo.pop(), ()):
                out.append(c)
                todo.append(c)
        return out

    def sample(self) -> None:
        """Take one reading."""
        kids = [_status_kb(pid, "VmRSS") for pid in self._descendants()]
        self.largest_child_kb = max([self.largest_child_kb, *kids])
        self.total_kb = max(self.total_kb, _status_kb(self.me, "VmRSS") + sum(kids))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "TreeMemory":
        if Path("/proc/self/status").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def _own_peak_mb() -> float:
    """This process's peak resident memory since it started (VmHWM; ru_maxrss elsewhere)."""
    kb = _status_kb("self", "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def _child_main(arg: str) -> None:
    """One projection run, in its own process; prints its figures as one JSON line."""
    from annoproj.pipeline.stream import project_files

    a = json.loads(arg)
    w = Path(a["work"])
    with TreeMemory() as mem:
        t0 = time.perf_counter()
        s = project_files(w / "src.jsonl", w / "tgt.jsonl", w / "links.txt", Path(a["out"]),
                          method=a["method"], options=a["options"], backend=a["backend"],
                          workers=a["workers"], chunk_size=a["chunk"])
        secs = time.perf_counter() - t0
    print(json.dumps({"seconds": secs, "sentences": s.sentences, "written": s.written,
                      "skipped": s.skipped, "spans": s.spans, "peak_mem_mb": _own_peak_mb(),
                      "largest_child_mb": round(mem.largest_child_kb / 1024, 1),
                      "total_mem_mb": round(mem.total_kb / 1024, 1)}))


def _project_run(work: Path, config: SpeedConfig, backend: str, workers: int) -> dict:
    out = work / f"out-{backend}-{workers}.jsonl"
    arg = json.dumps({"work": str(work), "out": str(out), "method": config.method,
                      "options": config.options, "backend": backend, "workers": workers,
                      "chunk": config.chunk_size})
    code = "import sys; from annoproj.bench.speed import _child_main; _child_main(sys.argv[1])"
    proc = subprocess.run([sys.executable, "-c", code, arg], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"projection run ({backend}, {workers}) failed:\n{proc.stderr[-2000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    digest = file_digest(out)[:16]
    out.unlink()
    return {"stage": "project", "backend": backend, "workers": workers, "method": config.method,
            "sentences": res["sentences"], "seconds": round(res["seconds"], 2),
            "sentences_per_s": round(res["sentences"] / res["seconds"]),
            "peak_mem_mb": res["peak_mem_mb"], "largest_child_mem_mb": res["largest_child_mb"],
            "total_mem_mb": res["total_mem_mb"],
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
