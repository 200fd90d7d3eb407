"""The Python front door (issue 28, item 7) and pipelines' RUN/model-best (item 6)."""

import doctest
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import annoproj
from annoproj.data.io import read_conll, write_conll
from annoproj.data.model import ProjectedSpan, Sentence, Span

ROOT = Path(__file__).resolve().parent.parent


def test_import_annoproj_stays_light():
    code = ("import sys, annoproj; heavy = [m for m in ('annoproj.api', 'annoproj.cli', "
            "'scipy', 'typer', 'rich', 'highspy', 'datasets', 'torch', 'annoproj.align.eflomal') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_documented_imports_work():
    from annoproj import align, evaluate, project, read, translate_train, write  # noqa: F401
    from annoproj.align import EflomalAligner, make_aligner  # noqa: F401
    from annoproj.data import Sentence as S, read_conll as rc, write_jsonl  # noqa: F401
    from annoproj.project import MatchProjector, make_projector

    assert make_projector("match").__class__ is MatchProjector
    import annoproj.align.eflomal  # noqa: F401  (a submodule import keeps the package callable)

    assert callable(annoproj.align) and callable(annoproj.project) and callable(annoproj.evaluate)


def test_write_keeps_projected_scores_and_takes_token_lists(tmp_path):
    tokens = [["Anna", "lebt", "in", "Rom"], ["Hallo"]]
    spans = [[ProjectedSpan(0, 1, "PER", 0.87, 0), ProjectedSpan(3, 4, "LOC", 0.5, 1)], []]
    assert annoproj.write(tmp_path / "x.jsonl", tokens, spans) == 2
    rec = json.loads((tmp_path / "x.jsonl").read_text().splitlines()[0])
    assert [(s["label"], s["score"], s["source"]) for s in rec["spans"]] == [
        ("PER", 0.87, 0), ("LOC", 0.5, 1)]
    annoproj.write(tmp_path / "x.conll", [Sentence(t, s) for t, s in zip(tokens, spans)])
    assert read_conll(tmp_path / "x.conll")[0].spans == [Span(0, 1, "PER"), Span(3, 4, "LOC")]


def test_project_and_evaluate_in_memory():
    src = [Sentence(["Anna", "lives", "in", "Rome"], [Span(0, 1, "PER"), Span(3, 4, "LOC")])]
    tgt = [["Anna", "lebt", "in", "Rom"]]
    links = [annoproj.Alignment.from_pairs([(0, 0), (1, 1), (2, 2), (3, 3)])]
    out = annoproj.project(src, tgt, links, method="heuristic")
    assert [(p.start, p.end, p.label) for p in out[0].spans] == [(0, 1, "PER"), (3, 4, "LOC")]
    assert isinstance(out[0].spans[0], ProjectedSpan)
    assert annoproj.evaluate(src, out).micro.f1 == 1.0


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if ">>> import annoproj" in b]
    assert blocks, "README has no Python example"
    assert len([x for x in blocks[0].splitlines() if x.startswith(">>>")]) <= 10
    return blocks[0]


@pytest.mark.slow
def test_readme_python_example_runs(data_dir, tmp_path, monkeypatch):
    """The README's Python example, run as a doctest on 120 Europarl sentences; it also
    checks that translate_train leaves the model in RUN/model-best."""
    pytest.importorskip("sklearn_crfsuite")
    for lang in ("en", "de"):
        write_conll(tmp_path / f"{lang}.conll",
                    read_conll(data_dir / "europarl" / f"{lang}.test.conll")[:120])
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(_readme_example(), {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    assert (tmp_path / "runs/de/model-best/config.json").exists()
    # the CLI says where the model is
    r = CliRunner().invoke(_app(), [
        "translate-train", "--source", "en.conll", "--translations", "de.conll", "--tgt-lang",
        "de", "-o", "runs/de", "--trainer", "crf"])
    assert r.exit_code == 0, r.output
    assert "model: runs/de/model-best" in r.output


def _app():
    from annoproj.cli.main import app

    return app
