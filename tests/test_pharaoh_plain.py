"""align writes plain Pharaoh by default, --scores adds :p; evaluate-alignment reads files
that mix scored and unscored links (issue 28, item 5)."""

import json

import pytest
import re

from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_pharaoh

runner = CliRunner()


def _corpus(tmp_path):
    src = ["the house is big", "the cat is small", "a house and a cat", "the big cat"] * 8
    tgt = ["das haus ist gross", "die katze ist klein", "ein haus und eine katze",
           "die grosse katze"] * 8
    (tmp_path / "s.txt").write_text("\n".join(src) + "\n")
    (tmp_path / "t.txt").write_text("\n".join(tgt) + "\n")
    return [str(tmp_path / "s.txt"), str(tmp_path / "t.txt")]


def test_align_writes_plain_links_unless_scores(tmp_path):
    pair = _corpus(tmp_path)
    r = runner.invoke(app, ["align", *pair, "-o", str(tmp_path / "plain.txt"), "-q"])
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "plain.txt").read_text().splitlines()
    assert len(lines) == 32 and all(re.fullmatch(r"(\d+-\d+ ?)*", x) for x in lines)
    r = runner.invoke(app, ["align", *pair, "-o", str(tmp_path / "scored.txt"), "--scores", "-q"])
    assert r.exit_code == 0, r.output
    scored = (tmp_path / "scored.txt").read_text()
    assert re.search(r"\d+-\d+:0\.\d+", scored)
    assert [a.links.tolist() for a in read_pharaoh(tmp_path / "scored.txt")] == [
        a.links.tolist() for a in read_pharaoh(tmp_path / "plain.txt")]


def test_evaluate_alignment_reads_mixed_files(tmp_path):
    (tmp_path / "gold.txt").write_text("0-0 1-1:0.9 2?2\n0-1\n")
    (tmp_path / "pred.txt").write_text("0-0:0.7 1-1 2-2\n0-1:1\n")
    r = runner.invoke(app, ["evaluate-alignment", str(tmp_path / "gold.txt"),
                            str(tmp_path / "pred.txt"), "--json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output.splitlines()[-1])
    assert row["precision"] == 1.0 and row["recall"] == 1.0
    assert read_pharaoh(tmp_path / "pred.txt")[0].scores.tolist() == pytest.approx([0.7, 1.0, 1.0])


def test_project_warns_when_matching_gets_unscored_links(tmp_path):
    from typer.testing import CliRunner

    from annoproj.cli.main import app
    from annoproj.data.io import write_conll
    from annoproj.data.model import Sentence, Span

    src, tgt = tmp_path / "en.conll", tmp_path / "de.conll"
    write_conll(src, [Sentence(["Angela", "Merkel", "spoke"], [Span(0, 2, "PER")])])
    write_conll(tgt, [Sentence(["Angela", "Merkel", "sprach"], [])])
    (tmp_path / "plain.ph").write_text("0-0 1-1 2-2\n")
    (tmp_path / "scored.ph").write_text("0-0:1 1-1:0.5 2-2:1\n")
    for links, warned in (("plain.ph", True), ("scored.ph", False)):
        r = CliRunner().invoke(app, ["project", str(src), str(tgt), "-a", str(tmp_path / links),
                                     "-o", str(tmp_path / f"{links}.conll"), "-q"])
        assert r.exit_code == 0, r.output
        assert ("no link scores" in r.output) == warned
