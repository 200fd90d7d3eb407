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
