import json
import os
import subprocess
import sys
import textwrap

import pytest

from annoproj.align.eflomal import EflomalAligner
from annoproj.data.io import read_conll, read_pharaoh, write_conll, write_pharaoh
from annoproj.pipeline.stream import InputMismatchError, project_files
from annoproj.project.match import MatchProjector


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, data_dir):
    tmp = tmp_path_factory.mktemp("stream")
    src = read_conll(data_dir / "europarl" / "en.test.conll")[:300]
    tgt = read_conll(data_dir / "europarl" / "es.test.conll")[:300]
    links = EflomalAligner(seed=1).align([s.tokens for s in src], [t.tokens for t in tgt])
    write_conll(tmp / "en.conll", src)
    write_conll(tmp / "es.conll", tgt)
    write_pharaoh(tmp / "links.txt", links)
    return tmp


def _run(corpus, out, **kw):
    opts = dict(method="heuristic", chunk_size=70, batch_size=25, label_map="MISC=O")
    opts.update(kw)
    return project_files(corpus / "en.conll", corpus / "es.conll", corpus / "links.txt", out, **opts)


@pytest.mark.parametrize("method", ["heuristic", "match"])
def test_backends_give_identical_bytes(corpus, tmp_path, method):
    base = _run(corpus, tmp_path / "local.jsonl", method=method)
    assert base.sentences == 300 and base.written + base.skipped == 300
    _run(corpus, tmp_path / "proc.jsonl", method=method, backend="process", workers=2)
    assert (tmp_path / "local.jsonl").read_bytes() == (tmp_path / "proc.jsonl").read_bytes()
    assert not (tmp_path / "local.jsonl.parts").exists()


def test_ray_backend_identical(corpus, tmp_path):
    pytest.importorskip("ray")
    _run(corpus, tmp_path / "local.conll")
    _run(corpus, tmp_path / "ray.conll", backend="ray", workers=2)
    assert (tmp_path / "local.conll").read_bytes() == (tmp_path / "ray.conll").read_bytes()


def test_match_uses_statistics_of_the_whole_input(corpus, tmp_path):
    # chunks of 70 pairs and batches of 25 project as one call on all 300 pairs does
    _run(corpus, tmp_path / "chunked.jsonl", method="match", label_map=None,
         backend="process", workers=2)
    src, tgt = read_conll(corpus / "en.conll"), read_conll(corpus / "es.conll")
    whole = MatchProjector().project([s.tokens for s in src], [t.tokens for t in tgt],
                                     [s.spans for s in src], read_pharaoh(corpus / "links.txt"))
    got = [json.loads(line) for line in (tmp_path / "chunked.jsonl").read_text().splitlines()]
    assert len(got) == 300 and not whole.skipped
    assert [[(x["start"], x["end"], x["label"]) for x in g["spans"]] for g in got] == [
        [(p.start, p.end, p.label) for p in spans] for spans in whole.spans]


def test_memory_scorer_remembers_the_whole_input(corpus, tmp_path):
    scorers = ["alignment", "lexical", "string", "memory"]
    _run(corpus, tmp_path / "chunked.jsonl", method="match", label_map=None,
         backend="process", workers=2, options={"scorers": scorers})
    src, tgt = read_conll(corpus / "en.conll"), read_conll(corpus / "es.conll")
    args = ([s.tokens for s in src], [t.tokens for t in tgt], [s.spans for s in src],
            read_pharaoh(corpus / "links.txt"))
    whole = MatchProjector(scorers=scorers).project(*args)
    assert whole.spans != MatchProjector().project(*args).spans  # the memory changes some
    got = [json.loads(line) for line in (tmp_path / "chunked.jsonl").read_text().splitlines()]
    assert [[(x["start"], x["end"], x["label"]) for x in g["spans"]] for g in got] == [
        [(p.start, p.end, p.label) for p in spans] for spans in whole.spans]


def test_killed_run_resumes_to_the_same_output(corpus, tmp_path):
    _run(corpus, tmp_path / "full.jsonl")
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from annoproj.pipeline.stream import project_files
        seen = []
        def on_chunk(n):
            seen.append(n)
            if len(seen) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        c = Path({str(corpus)!r})
        project_files(c / "en.conll", c / "es.conll", c / "links.txt", Path({str(tmp_path / 'cut.jsonl')!r}),
                      method="heuristic", chunk_size=70, batch_size=25, label_map="MISC=O",
                      on_chunk=on_chunk)
    """)
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ})
    assert proc.returncode == -9
    assert not (tmp_path / "cut.jsonl").exists()
    assert len(list((tmp_path / "cut.jsonl.parts").glob("*.jsonl"))) == 2
    summary = _run(corpus, tmp_path / "cut.jsonl")
    assert summary.resumed_chunks == 2
    assert (tmp_path / "cut.jsonl").read_bytes() == (tmp_path / "full.jsonl").read_bytes()


def test_changed_settings_do_not_reuse_chunks(corpus, tmp_path):
    _run(corpus, tmp_path / "o.jsonl")
    s = _run(corpus, tmp_path / "o.jsonl", label_map=None)
    assert s.resumed_chunks == 0


def test_short_input_is_an_error_naming_the_file(corpus, tmp_path):
    lines = (corpus / "links.txt").read_text().splitlines()[:100]
    (tmp_path / "short.txt").write_text("\n".join(lines) + "\n")
    with pytest.raises(InputMismatchError, match="short.txt ended after 100"):
        project_files(corpus / "en.conll", corpus / "es.conll", tmp_path / "short.txt",
                      tmp_path / "x.jsonl", method="heuristic")


def test_chunked_alignment_matches_per_chunk_alignment(corpus, tmp_path):
    from annoproj.data.io import read_pharaoh
    from annoproj.pipeline.stream import align_files

    aligner = EflomalAligner(seed=3)
    summary = align_files(corpus / "en.conll", corpus / "es.conll", tmp_path / "a.txt",
                          aligner=aligner, chunk_size=150)
    assert summary["sentences"] == 300 and summary["chunks"] == 2
    got = read_pharaoh(tmp_path / "a.txt")
    src = read_conll(corpus / "en.conll")
    tgt = read_conll(corpus / "es.conll")
    second = aligner.align([s.tokens for s in src[150:]], [t.tokens for t in tgt[150:]])
    from annoproj.data.io.pharaoh import format_pharaoh

    assert [format_pharaoh(a) for a in got[150:]] == [format_pharaoh(a) for a in second]
    assert not (tmp_path / "a.txt.parts").exists()


def test_bench_speed_rows_and_tree_memory(data_dir, tmp_path):
    """`bench speed` on a small corpus: the issue's keys, identical output across backends."""
    import json as _json

    from typer.testing import CliRunner

    from annoproj.bench.speed import TreeMemory
    from annoproj.cli.main import app

    r = CliRunner().invoke(app, ["bench", "speed", "--pairs", "3000", "--runs", "process:1,process:2",
                                 "--align-pairs", "0", "--no-scaling", "--chunk-size", "1000",
                                 "--data-dir", str(data_dir), "--work-dir", str(tmp_path), "--json"])
    assert r.exit_code == 0, r.output
    rows = [_json.loads(line) for line in r.output.splitlines() if line.startswith("{")]
    proj = [row for row in rows if row["stage"] == "project"]
    assert [(p["backend"], p["workers"]) for p in proj] == [("process", 1), ("process", 2)]
    for row in rows:
        assert {"stage", "backend", "workers", "sentences", "seconds", "peak_mem_mb"} <= set(row)
    assert {p["output_sha256"] for p in proj} == {proj[0]["output_sha256"]}
    assert all(p["written"] == 3000 for p in proj)
    two = proj[1]
    if os.path.exists("/proc/self/status"):
        assert two["largest_child_mem_mb"] > 0 and two["total_mem_mb"] >= two["peak_mem_mb"] > 0
    with TreeMemory(interval=0.01) as mem:
        mem.sample()
    assert mem.total_kb >= 0
