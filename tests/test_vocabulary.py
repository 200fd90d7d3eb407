"""One vocabulary of options (issue 28, item 3): new names work, old names are hidden
aliases that still work and warn; bench's --data-dir help names the real default (item 10)."""

import json

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, write_conll
from annoproj.data.model import Sentence, Span

runner = CliRunner()


@pytest.fixture()
def files(tmp_path):
    sents = [Sentence(["Anna", "lives", "in", "Rome"], [Span(0, 1, "PER"), Span(3, 4, "MISC")])] * 4
    write_conll(tmp_path / "en.conll", sents)
    write_conll(tmp_path / "de.conll", sents)
    (tmp_path / "links.txt").write_text("0-0 1-1 2-2 3-3\n" * 4)
    return tmp_path


def _help(*args) -> str:
    return runner.invoke(app, [*args, "--help"], terminal_width=200).output


def _visible(*path) -> set[str]:
    """The option names a command's --help lists."""
    import typer

    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return {o for p in cmd.params if type(p).__name__.endswith("Option") and not p.hidden
            for o in p.opts + p.secondary_opts}


def test_help_shows_the_new_names_only():
    v = _visible("project")
    assert {"--label-map", "--pool", "--checkpoint-size"} <= v
    assert not {"--labels", "--backend", "--chunk-size"} & v
    v = _visible("align")
    assert {"--aligner-model", "--aligner-layer", "--chunk-size"} <= v
    assert not {"--layer", "-m", "--model"} & v
    assert "--output" in _visible("train") and "--out" not in _visible("train")
    assert not {"--gold", "-g", "--pred", "-p"} & _visible("evaluate-alignment")
    assert "GOLD" in _help("evaluate-alignment")
    for name in ("report", "translate-train", "translate-test"):
        assert "--label-map" in _visible(name) and "--labels" not in _visible(name)
    v = _visible("bench", "europarl")
    assert {"--labeller", "--output", "-o"} <= v and not {"--source-labels", "--out"} & v
    h = _help("bench", "europarl")
    assert "{tgt}" not in h and "{src}" not in h
    assert "$ANNOPROJ_DATA" in h and "<checkout>/../shared/data" in h


@pytest.mark.parametrize("old,new", [("--labels", "--label-map")])
def test_project_old_label_flag_still_works_and_warns(files, old, new):
    base = ["project", str(files / "en.conll"), str(files / "de.conll"), "-a",
            str(files / "links.txt"), "--method", "heuristic"]
    r_new = runner.invoke(app, [*base, "-o", str(files / "a.conll"), new, "MISC=O", "--pool",
                                "process", "--checkpoint-size", "2"])
    assert r_new.exit_code == 0, r_new.output
    assert "deprecated" not in r_new.output
    r_old = runner.invoke(app, [*base, "-o", str(files / "b.conll"), old, "MISC=O", "--backend",
                                "process", "--chunk-size", "2"])
    assert r_old.exit_code == 0, r_old.output
    assert "--labels is deprecated" in r_old.output and "--backend is deprecated" in r_old.output
    assert (files / "a.conll").read_text() == (files / "b.conll").read_text()
    assert all(s.label == "PER" for x in read_conll(files / "a.conll") for s in x.spans)


def test_evaluate_alignment_positional_and_old_flags(files):
    links = str(files / "links.txt")
    r = runner.invoke(app, ["evaluate-alignment", links, links, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.splitlines()[-1])["f1"] == 1.0
    r = runner.invoke(app, ["evaluate-alignment", "-g", links, "-p", links, "--json"])
    assert r.exit_code == 0 and "deprecated" in r.output
    assert json.loads(r.output.splitlines()[-1])["f1"] == 1.0


def test_evaluate_label_map_and_output(files):
    r = runner.invoke(app, ["evaluate", str(files / "de.conll"), str(files / "en.conll"),
                            "--label-map", "MISC=O", "-o", str(files / "m.json")])
    assert r.exit_code == 0, r.output
    assert set(json.loads((files / "m.json").read_text())["per_type"]) == {"PER"}


def test_train_output_and_old_out(files):
    pytest.importorskip("sklearn_crfsuite")
    r = runner.invoke(app, ["train", "--train", str(files / "en.conll"), "-o", str(files / "m1")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["train", "--train", str(files / "en.conll"), "--out", str(files / "m2")])
    assert r.exit_code == 0 and "--out is deprecated" in r.output
    assert (files / "m2" / "config.json").exists()
