"""Reliability under concurrency and interruption (issue 29), on the Europarl en/de test sets.

  A. 20 trials: two `annoproj project en de -a l.ph -o same.conll` started together (chunk
     sizes 20 and 30). Counted: corrupt outputs (anything but the bytes of an uninterrupted
     run), runs that ended with a traceback, leftover .parts/.lock files.
  A2. 20 trials: two `annoproj translate-train` runs on one run folder (precomputed
     translations, links given). Counted as in A, on OUTPUT_DIR/de.projected.jsonl.
  B. 20 trials: one run killed (SIGTERM, SIGINT or SIGKILL to the process only, not its
     group) at a random moment of alignment (`project` without -a: eflomal), projection
     (`project -a`, small chunks) or training (`train`), then run again. Counted: orphaned
     child processes, temp files left after the kill and after the rerun (which sweeps what
     a SIGKILL leaves), reruns whose output differs from an uninterrupted run.

    python benchmarks/reliability.py [--trials 20] [--seed 0] [--json] [--src OTHER/src]

Uses $ANNOPROJ_DATA (default ../shared/data); runs `python -m annoproj.cli.main` with the
interpreter running this script; every child gets its own TMPDIR to find leftovers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ANNOPROJ_DATA", ROOT.parent / "shared" / "data"))


SRC = ROOT / "src"


def annoproj(args, *, tmp: Path, wait=True, **kw):
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(SRC))
    cmd = [sys.executable, "-m", "annoproj.cli.main", *map(str, args)]
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if wait:
        out, err = p.communicate()
        return p.returncode, out.decode(), err.decode()
    return p


def children(tmp: Path) -> list[int]:
    """Processes started for this run: their command line or environment names `tmp`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            env = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if str(tmp).encode() in cmd or f"TMPDIR={tmp}".encode() in env:
            found.append(int(pid))
    return found


def leftovers(*folders: Path) -> list[str]:
    out = []
    for d in folders:
        for p in d.iterdir() if d.exists() else []:
            if p.name.startswith(("annoproj-", ".")) or p.suffix in (".lock", ".part") \
                    or p.name.endswith((".parts", ".tmp")):
                out.append(p.name)
    return out


def main() -> None:
    global SRC
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", action="store_true", help="Keep the work folder.")
    ap.add_argument("--src", type=Path, default=SRC,
                    help="The annoproj source tree to run (e.g. an older checkout's src).")
    a = ap.parse_args()
    SRC = a.src.resolve()
    rng = random.Random(a.seed)
    work = Path(tempfile.mkdtemp(prefix="reliability-"))
    tmp = work / "tmp"
    tmp.mkdir()
    en, de = DATA / "europarl" / "en.test.conll", DATA / "europarl" / "de.test.conll"
    t0 = time.time()
    code, _, err = annoproj(["align", en, de, "-o", work / "l.ph"], tmp=tmp)
    assert code == 0, err
    align_s = time.time() - t0
    ref = {}
    secs = {}
    for name, args in {
        "align": ["project", en, de, "-o", "{out}", "--chunk-size", "100"],
        "project": ["project", en, de, "-a", work / "l.ph", "-o", "{out}", "--chunk-size", "20"],
        "train": ["train", "--train", en, "-o", "{out}", "--max-iterations", "30"],
    }.items():
        out = work / f"ref-{name}" / ("model" if name == "train" else "out.conll")
        t0 = time.time()
        code, _, err = annoproj([str(x).format(out=out) for x in args], tmp=tmp)
        assert code == 0, err
        secs[name] = time.time() - t0
        ref[name] = (args, out)
    ref30 = work / "ref30.conll"
    annoproj(["project", en, de, "-a", work / "l.ph", "-o", ref30, "--chunk-size", "30"], tmp=tmp)

    def content(name: str, out: Path) -> bytes | None:
        path = out / "model.crfsuite" if name == "train" else out
        return path.read_bytes() if path.exists() else None

    good = {content("project", ref["project"][1]), ref30.read_bytes()}

    # A: two runs on one output
    conc = {"trials": a.trials, "corrupt": 0, "both_ok": 0, "one_busy": 0, "tracebacks": 0,
            "leftovers": 0, "other": 0}
    for k in range(a.trials):
        d = work / f"conc{k}"
        d.mkdir()
        out = d / "same.conll"
        ps = [annoproj(["project", en, de, "-a", work / "l.ph", "-o", out, "--chunk-size", cs],
                       tmp=tmp, wait=False) for cs in (20, 30)]
        res = [(p.wait(), p.stderr.read().decode()) for p in ps]
        codes = sorted(c for c, _ in res)
        conc["tracebacks"] += sum("Traceback" in e for _, e in res)
        if codes == [0, 0]:
            conc["both_ok"] += 1
        elif codes == [0, 3] and any("another annoproj run" in e for _, e in res):
            conc["one_busy"] += 1
        else:
            conc["other"] += 1
        if not out.exists() or out.read_bytes() not in good:
            conc["corrupt"] += 1
        conc["leftovers"] += len(leftovers(d))

    # A2: two translate-train runs on one run folder (precomputed translations and links)
    def pipeline(out: Path, wait=True):
        return annoproj(["translate-train", "--source", en, "--translations", de, "--tgt-lang",
                         "de", "-o", out, "--set", f'align.links="{work / "l.ph"}"', "-q"],
                        tmp=tmp, wait=wait)

    code, _, err = pipeline(work / "ref-pipeline")
    assert code == 0, err
    ref_pipe = (work / "ref-pipeline" / "de.projected.jsonl").read_bytes()
    pipe = {"trials": a.trials, "corrupt": 0, "both_ok": 0, "one_busy": 0, "tracebacks": 0,
            "other": 0}
    for k in range(a.trials):
        out = work / f"pipe{k}"
        ps = [pipeline(out, wait=False) for _ in range(2)]
        res = [(p.wait(), p.stderr.read().decode()) for p in ps]
        codes = sorted(c for c, _ in res)
        pipe["tracebacks"] += sum("Traceback" in e for _, e in res)
        if codes == [0, 0]:
            pipe["both_ok"] += 1
        elif codes == [0, 3] and any("another annoproj run" in e for _, e in res):
            pipe["one_busy"] += 1
        else:
            pipe["other"] += 1
        got = out / "de.projected.jsonl"
        if not got.exists() or got.read_bytes() != ref_pipe:
            pipe["corrupt"] += 1

    # B: kill at a random point, then rerun
    kill = {"trials": a.trials, "orphans": 0, "temp_left_after_kill": 0,
            "temp_left_after_rerun": 0, "rerun_differs": 0, "rerun_failed": 0,
            "finished_before_kill": 0, "by_phase": {}}
    for k in range(a.trials):
        name = ("align", "project", "train")[k % 3]
        sig = rng.choice([signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
        args, ref_out = ref[name]
        d = work / f"kill{k}"
        d.mkdir()
        t = work / f"tmp{k}"
        t.mkdir()
        out = d / ("model" if name == "train" else "out.conll")
        argv = [str(x).format(out=out) for x in args]
        p = annoproj(argv, tmp=t, wait=False)
        time.sleep(rng.uniform(0.5, max(0.6, secs[name] * 0.9)))
        if p.poll() is None:
            os.kill(p.pid, sig)
        else:
            kill["finished_before_kill"] += 1
        p.wait()
        deadline = time.time() + 5
        while children(t) and time.time() < deadline:
            time.sleep(0.1)
        orphans = children(t)
        kill["orphans"] += len(orphans)
        for pid in orphans:  # leave the machine clean
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        kill["temp_left_after_kill"] += len(list(t.iterdir()))
        code, _, err = annoproj(argv, tmp=t)
        if code != 0:
            kill["rerun_failed"] += 1
        if content(name, out) != content(name, ref_out):
            kill["rerun_differs"] += 1
        left = list(t.iterdir()) + [d / x for x in leftovers(d)]
        kill["temp_left_after_rerun"] += len(left)
        ph = kill["by_phase"].setdefault(name, {"trials": 0, "signals": []})
        ph["trials"] += 1
        ph["signals"].append(signal.Signals(sig).name)
    row = {"date": time.strftime("%Y-%m-%d"), "src": str(SRC), "align_s": round(align_s, 1),
           "reference_s": {k: round(v, 1) for k, v in secs.items()},
           "concurrent": conc, "concurrent_pipeline": pipe, "kill": kill}
    if a.json:
        print(json.dumps(row))
    else:
        print(json.dumps(row, indent=2))
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
