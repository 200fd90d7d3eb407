import doctest
import json

import pytest
from typer.testing import CliRunner

import annoproj.evaluate.alignment as ev
from annoproj.cli.main import app
from annoproj.data.model import Alignment, Span
from annoproj.evaluate.alignment import (
    alignment_scores,
    entity_link_scores,
    parse_gold_line,
    read_gold_alignments,
)


def A(*pairs):
    return Alignment.from_pairs(pairs)


def test_doctests():
    assert doctest.testmod(ev).failed == 0


def test_perfect_and_empty_predictions():
    gold = [A((0, 0), (1, 1)), A((0, 1))]
    s = alignment_scores(gold, gold)
    assert (s.precision, s.recall, s.f1, s.aer) == (1.0, 1.0, 1.0, 0.0)
    s = alignment_scores([A(), A()], gold)
    assert (s.precision, s.recall, s.aer) == (0.0, 0.0, 1.0)
    assert alignment_scores([A()], [A()]).aer == 0.0


def test_possible_links_count_for_precision_only():
    s = alignment_scores([A((0, 0), (1, 2))], [A((0, 0))], [A((1, 2))])
    assert s.precision == 1.0 and s.recall == 1.0 and s.aer == 0.0 and s.possible == 2
    with pytest.raises(ValueError, match="one per sentence pair"):
        alignment_scores([A()], [A(), A()])


def test_gold_parsing(tmp_path):
    assert parse_gold_line("0-0 1p1 2?3") == (A((0, 0)), A((0, 0), (1, 1), (2, 3)))
    with pytest.raises(ValueError, match="not i-j"):
        parse_gold_line("0:1")
    with pytest.raises(ValueError, match="1-based"):
        parse_gold_line("0-1", one_based=True)
    path = tmp_path / "gold.txt"
    path.write_text("0-0 1p1\n\n", encoding="utf-8")
    sure, possible = read_gold_alignments(path)
    assert sure == [A((0, 0)), A()] and possible[0] == A((0, 0), (1, 1))
    path.write_text("0-0 x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="gold.txt:1"):
        read_gold_alignments(path)


def test_entity_links_pair_by_order_within_type():
    src = [[Span(0, 1, "PER"), Span(2, 3, "LOC"), Span(4, 5, "PER")]]
    tgt = [[Span(3, 4, "PER"), Span(0, 1, "LOC"), Span(1, 2, "PER")]]
    good = A((0, 1), (2, 0), (4, 3))  # the k-th PER of one side with the k-th of the other
    s = entity_link_scores(src, tgt, [good])
    assert (s.precision, s.recall, s.hull_exact, s.pairs) == (1.0, 1.0, 1.0, 3)
    crossed = A((0, 3), (2, 0), (4, 1))
    s = entity_link_scores(src, tgt, [crossed])
    assert s.precision == pytest.approx(1 / 3) and s.pairs == 3


def test_entity_links_skip_unequal_counts_and_ignored_labels():
    src = [[Span(0, 1, "PER"), Span(1, 2, "MISC")]]
    tgt = [[Span(0, 1, "PER"), Span(1, 2, "PER")]]
    s = entity_link_scores(src, tgt, [A((0, 0))], ignore={"MISC"})
    assert s.pairs == 0 and s.unmatched == 3 and s.precision == 0.0
    with pytest.raises(ValueError, match="alignments"):
        entity_link_scores(src, tgt, [])


def test_cli(tmp_path):
    gold, pred = tmp_path / "g.txt", tmp_path / "p.txt"
    gold.write_text("1-1 2-2 3p3\n1-2\n", encoding="utf-8")
    pred.write_text("1-1 3-3\n1-2 2-2\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["evaluate-alignment", "--gold", str(gold), "--pred", str(pred),
                              "--one-based", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["precision"] == 0.75 and out["sure"] == 3 and out["possible"] == 4
    res = runner.invoke(app, ["evaluate-alignment", "-g", str(gold), "-p", str(pred)])
    assert res.exit_code == 0 and "AER" in res.stdout
    pred.write_text("0-0\n", encoding="utf-8")
    res = runner.invoke(app, ["evaluate-alignment", "-g", str(gold), "-p", str(pred)])
    assert res.exit_code == 3
    res = runner.invoke(app, ["evaluate-alignment", "-g", str(gold), "-p", str(pred), "--one-based"])
    assert res.exit_code == 3
