"""evaluate (issue 28, item 8): strict mode and averages against seqeval, case-insensitive
accumulating --ignore, non-scheme tags an error naming the line, --out metrics.json."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.evaluate import evaluate_tags

runner = CliRunner()
SCHEMES = {"IOB1": "IOB", "IOB2": "IOB", "BIOES": "IOBES", "BILUO": "BILOU"}


@st.composite
def paired(draw, letters: str):
    tag = st.one_of(st.just("O"), st.builds(lambda p, t: f"{p}-{t}", st.sampled_from(letters),
                                            st.sampled_from(["PER", "LOC", "ORG"])))
    lengths = draw(st.lists(st.integers(0, 9), min_size=1, max_size=6))
    gold = [draw(st.lists(tag, min_size=n, max_size=n)) for n in lengths]
    pred = [draw(st.lists(tag, min_size=n, max_size=n)) for n in lengths]
    return gold, pred


def _check(report, seq: dict, types_of_report: bool = True):
    for ours, theirs in ((report.micro, seq["micro avg"]), (report.macro, seq["macro avg"]),
                         (report.weighted, seq["weighted avg"])):
        assert ours.precision == pytest.approx(theirs["precision"])
        assert ours.recall == pytest.approx(theirs["recall"])
        assert ours.f1 == pytest.approx(theirs["f1-score"])
    for label, prf in report.per_type.items():
        assert prf.f1 == pytest.approx(seq[label]["f1-score"])
        assert prf.support == seq[label]["support"]


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_strict_mode_equals_seqeval_strict(scheme):
    pytest.importorskip("seqeval")
    from seqeval import scheme as seq_schemes
    from seqeval.metrics import classification_report

    seq_scheme = {"IOB1": seq_schemes.IOB1, "IOB2": seq_schemes.IOB2,
                  "BIOES": seq_schemes.IOBES, "BILUO": seq_schemes.BILOU}[scheme]

    @settings(max_examples=150)
    @given(paired(SCHEMES[scheme].replace("O", "")))
    def run(data):
        gold, pred = data
        report = evaluate_tags(gold, pred, mode="strict", scheme=scheme)
        seq = classification_report(gold, pred, mode="strict", scheme=seq_scheme,
                                    output_dict=True, zero_division=0)
        if report.per_type:
            _check(report, seq)
        else:
            assert report.micro.f1 == 0

    run()


@settings(max_examples=200)
@given(paired("BIES"))
def test_macro_and_weighted_equal_seqeval_default(data):
    pytest.importorskip("seqeval")
    from seqeval.metrics import classification_report

    gold, pred = data
    report = evaluate_tags(gold, pred)
    if report.per_type:
        _check(report, classification_report(gold, pred, output_dict=True, zero_division=0))


def test_strict_differs_from_default_on_invalid_sequences():
    gold, pred = [["B-PER", "I-PER", "O"]], [["I-PER", "I-PER", "O"]]
    assert evaluate_tags(gold, pred).micro.f1 == 1.0
    assert evaluate_tags(gold, pred, mode="strict").micro.f1 == 0.0


def _write(path, tags):
    path.write_text("".join(f"w{k}\t{t}\n" for k, t in enumerate(tags)) + "\n")
    return str(path)


def test_cli_ignore_is_case_insensitive_and_accumulates(tmp_path):
    gold = _write(tmp_path / "g.conll", ["B-PER", "B-MISC", "B-ORG", "B-LOC"])
    pred = _write(tmp_path / "p.conll", ["B-PER", "O", "O", "B-LOC"])
    r = runner.invoke(app, ["evaluate", gold, pred, "--ignore", "misc", "--ignore", "ORG",
                            "--json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output.splitlines()[-1])
    assert set(row["per_type"]) == {"PER", "LOC"} and row["micro"]["f1"] == 1.0
    r = runner.invoke(app, ["evaluate", gold, pred, "--ignore", "misc,org", "--json"])
    assert json.loads(r.output.splitlines()[-1])["micro"]["f1"] == 1.0


@pytest.mark.parametrize("bad", ["0", "FOO"])
def test_cli_tag_of_no_scheme_is_an_error_naming_the_line(tmp_path, bad):
    gold = _write(tmp_path / "g.conll", ["B-PER", bad, "O"])
    pred = _write(tmp_path / "p.conll", ["B-PER", "O", "O"])
    r = runner.invoke(app, ["evaluate", gold, pred])
    assert r.exit_code == 3
    assert "g.conll:2" in r.output and repr(bad) in r.output


def test_cli_strict_mode_macro_and_out_file(tmp_path):
    gold = _write(tmp_path / "g.conll", ["B-PER", "I-PER", "O", "B-LOC"])
    pred = _write(tmp_path / "p.conll", ["I-PER", "I-PER", "O", "B-LOC"])
    r = runner.invoke(app, ["evaluate", gold, pred, "--mode", "strict",
                            "--out", str(tmp_path / "m.json")])
    assert r.exit_code == 0, r.output
    assert "macro" in r.output and "weighted" in r.output
    m = json.loads((tmp_path / "m.json").read_text())
    assert m["mode"] == "strict" and m["micro"]["f1"] == pytest.approx(2 / 3)
    assert m["macro"]["f1"] == pytest.approx(0.5) and m["per_type"]["PER"]["f1"] == 0.0
    r = runner.invoke(app, ["evaluate", gold, pred, "--json"])
    assert json.loads(r.output.splitlines()[-1])["micro"]["f1"] == 1.0
    r = runner.invoke(app, ["evaluate", gold, _write(tmp_path / "e.conll", ["E-PER"] * 4),
                            "--mode", "strict"])
    assert r.exit_code == 3 and "not a tag of IOB2" in r.output
