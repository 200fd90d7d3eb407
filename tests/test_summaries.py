"""Every command ends with one summary line on stderr, and -q silences it (issue 28, item 2)."""

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import write_conll
from annoproj.data.model import Sentence, Span

runner = CliRunner()


@pytest.fixture()
def files(tmp_path):
    src = [Sentence(["Anna", "lives", "in", "Rome"], [Span(0, 1, "PER"), Span(3, 4, "LOC")]),
           Sentence(["Hello", "Paris"], [Span(1, 2, "LOC")])] * 6
    tgt = [Sentence(["Anna", "lebt", "in", "Rom"], [Span(0, 1, "PER"), Span(3, 4, "LOC")]),
           Sentence(["Hallo", "Paris"], [Span(1, 2, "LOC")])] * 6
    write_conll(tmp_path / "en.conll", src)
    write_conll(tmp_path / "de.conll", tgt)
    (tmp_path / "links.txt").write_text("0-0 1-1 2-2 3-3\n0-0 1-1\n" * 6)
    return tmp_path


def _commands(d):
    en, de, links = str(d / "en.conll"), str(d / "de.conll"), str(d / "links.txt")
    return {
        "align": ["align", en, de, "-o", str(d / "l.txt")],
        "project": ["project", en, de, "-a", links, "-o", str(d / "p.conll"), "--method", "heuristic"],
        "evaluate": ["evaluate", de, en],
        "evaluate-alignment": ["evaluate-alignment", links, links],
        "convert": ["convert", en, str(d / "en.jsonl")],
        "report": ["report", en, de, "-o", str(d / "r.html")],
    }


@pytest.mark.parametrize("name", ["align", "project", "evaluate", "evaluate-alignment",
                                  "convert", "report"])
def test_summary_line_and_quiet(files, name):
    args = _commands(files)[name]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith(f"{name}: ") and ("wrote" in last or "scored" in last), last
    r = runner.invoke(app, [*args, "-q"])
    assert r.exit_code == 0, r.output
    assert r.stderr.strip() == ""


def test_train_and_tag_summaries(files):
    pytest.importorskip("sklearn_crfsuite")
    d = files
    r = runner.invoke(app, ["train", "--train", str(d / "de.conll"), "-o", str(d / "m")])
    assert r.exit_code == 0, r.output
    assert r.stderr.strip().splitlines()[-1].startswith("train: trained crf on 12 sentences")
    r = runner.invoke(app, ["tag", "-m", str(d / "m"), "-i", str(d / "de.conll"), "-o",
                            str(d / "t.conll")])
    assert r.exit_code == 0, r.output
    assert r.stderr.strip().splitlines()[-1].startswith("tag: tagged 12 sentences")
    for args in (["train", "--train", str(d / "de.conll"), "-o", str(d / "m2"), "-q"],
                 ["tag", "-m", str(d / "m"), "-i", str(d / "de.conll"), "-o", str(d / "t2.conll"), "-q"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 0 and r.stderr.strip() == "", r.output


@pytest.mark.parametrize("command", ["align", "project", "train", "tag", "report", "evaluate",
                                     "evaluate-alignment", "convert", "label", "translate"])
def test_quiet_everywhere(command):
    r = runner.invoke(app, [command, "--help"])
    assert "--quiet" in r.output and "-q" in r.output


@pytest.mark.parametrize("command", ["europarl", "masakhaner", "ablation", "labeller", "speed"])
def test_quiet_on_bench(command):
    r = runner.invoke(app, ["bench", command, "--help"])
    assert "--quiet" in r.output
