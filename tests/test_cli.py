import json

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, read_jsonl, write_conll

runner = CliRunner()


def _rows(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def europarl_slice(tmp_path_factory, data_dir):
    tmp = tmp_path_factory.mktemp("europarl")
    for lang in ("en", "de", "es"):
        write_conll(tmp / f"{lang}.conll", read_conll(data_dir / "europarl" / f"{lang}.test.conll")[:120])
    return tmp


def test_help_everywhere():
    for args in ([], ["align"], ["project"], ["evaluate"], ["bench"], ["bench", "europarl"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output


def test_align_refined_through_pivots_and_back_translations(europarl_slice, tmp_path):
    d = europarl_slice
    base = ["align", str(d / "en.conll"), str(d / "de.conll"), "--json"]
    r = runner.invoke(app, [*base, "-o", str(tmp_path / "p.txt"), "--pivot", str(d / "es.conll"),
                            "--name-keys"])
    assert r.exit_code == 0, r.output
    row = _rows(r.output)[0]
    assert row["refine"] == "pivot" and row["pivots"] == [str(d / "es.conll")]
    assert row["sentences"] == 120 and row["refine_s"] > 0
    assert len((tmp_path / "p.txt").read_text().splitlines()) == 120
    # the source stands in for a back-translation of the German: the plumbing, not a figure
    r = runner.invoke(app, [*base, "-o", str(tmp_path / "b.txt"), "--backtranslation",
                            str(d / "en.conll"), "--combine", "union", "--symmetrize", "reverse"])
    assert r.exit_code == 0, r.output
    assert _rows(r.output)[0]["refine"] == "backtranslation"
    for extra, code in ((["--pivot", str(d / "es.conll"), "--backtranslation", str(d / "en.conll")], 2),
                        (["--pivot", str(d / "es.conll"), "--chunk-size", "50"], 2),
                        (["--pivot", str(d / "es.conll"), "--combine", "maybe"], 2),
                        (["--pivot", str(tmp_path / "short.conll")], 3)):
        write_conll(tmp_path / "short.conll", read_conll(d / "es.conll")[:50])
        r = runner.invoke(app, [*base, "-o", str(tmp_path / "x.txt"), *extra])
        assert r.exit_code == code, (extra, r.output)
    assert "short.conll has 50 sentences" in r.output


def test_project_with_pivots_equals_align_then_project(europarl_slice, tmp_path):
    d = europarl_slice
    pair = [str(d / "en.conll"), str(d / "de.conll")]
    r = runner.invoke(app, ["align", *pair, "-o", str(tmp_path / "l.txt"), "--pivot", str(d / "es.conll"),
                            "--scores"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["project", *pair, "-a", str(tmp_path / "l.txt"), "-o",
                            str(tmp_path / "two.conll"), "--min-score", "0.45", "-q"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["project", *pair, "-o", str(tmp_path / "one.conll"), "--pivot",
                            str(d / "es.conll"), "-q", "--json"])  # refined min score by default
    assert r.exit_code == 0, r.output
    assert _rows(r.output)[0]["refine"] == "pivot"
    assert (tmp_path / "one.conll").read_text() == (tmp_path / "two.conll").read_text()
    r = runner.invoke(app, ["project", *pair, "-a", str(tmp_path / "l.txt"), "-o",
                            str(tmp_path / "x.conll"), "--pivot", str(d / "es.conll")])
    assert r.exit_code == 2 and "with -a the links are given" in r.output


def test_align_project_evaluate(europarl_slice):
    d = europarl_slice
    r = runner.invoke(app, ["align", str(d / "en.conll"), str(d / "de.conll"), "-o",
                            str(d / "links.txt"), "--json"])
    assert r.exit_code == 0, r.output
    assert _rows(r.output)[0]["sentences"] == 120
    r = runner.invoke(app, ["project", str(d / "en.conll"), str(d / "de.conll"), "-a",
                            str(d / "links.txt"), "-o", str(d / "pred.jsonl"), "--labels", "MISC=O",
                            "--json", "--method", "heuristic"])
    assert r.exit_code == 0, r.output
    summary = _rows(r.output)[0]
    assert summary["written"] == 120
    pred = read_jsonl(d / "pred.jsonl")
    assert all(len(s.meta["scores"]) == len(s.spans) for s in pred)
    r = runner.invoke(app, ["evaluate", str(d / "de.conll"), str(d / "pred.jsonl"),
                            "--ignore", "MISC", "--json"])
    assert r.exit_code == 0, r.output
    assert _rows(r.output)[0]["micro"]["f1"] > 0.6


def test_name_keys_flags(tmp_path):
    """--name-keys on align (in memory, chunked, with an extra corpus) and project: the
    links and output index the original tokens."""
    (tmp_path / "en.conll").write_text("in\tO\nLondon\tB-LOC\n\nto\tO\nParis\tB-LOC\n\n")
    (tmp_path / "xh.txt").write_text("eLondon\nkwiParis\n")
    (tmp_path / "extra.en").write_text("London\n")
    (tmp_path / "extra.xh").write_text("laseLondon\n")
    for more in ([], ["--chunk-size", "1"], ["--extra-src", str(tmp_path / "extra.en"),
                                             "--extra-tgt", str(tmp_path / "extra.xh")]):
        r = runner.invoke(app, ["align", str(tmp_path / "en.conll"), str(tmp_path / "xh.txt"),
                                "-o", str(tmp_path / "links.txt"), "--name-keys", *more])
        assert r.exit_code == 0, r.output
        assert all(int(p.split("-")[1].split(":")[0]) == 0
                   for line in (tmp_path / "links.txt").read_text().splitlines() for p in line.split())
    r = runner.invoke(app, ["project", str(tmp_path / "en.conll"), str(tmp_path / "xh.txt"),
                            "-o", str(tmp_path / "out.conll"), "--name-keys", "-q"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "out.conll").read_text().split("\n\n")[0] == "eLondon\tB-LOC"
    r = runner.invoke(app, ["project", str(tmp_path / "en.conll"), str(tmp_path / "xh.txt"),
                            "-a", str(tmp_path / "links.txt"), "-o", str(tmp_path / "o2.conll"),
                            "--name-keys"])
    assert r.exit_code == 2 and "with -a the links are given" in r.output


def test_input_errors_have_exit_code_3(tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("a O\nb\n")
    r = runner.invoke(app, ["evaluate", str(bad), str(bad)])
    assert r.exit_code == 3
    assert "bad.conll:2" in r.output
    r = runner.invoke(app, ["evaluate", str(tmp_path / "missing.conll"), str(bad)])
    assert r.exit_code == 3
    r = runner.invoke(app, ["evaluate", str(bad), str(bad), "--format", "xml"])
    assert r.exit_code == 2 and "unknown format 'xml'" in r.output  # a bad flag, not a bad file


def test_unknown_projection_settings_are_usage_errors(tmp_path):
    """Named before anything runs (no alignment, no output), with what is known."""
    (tmp_path / "en.conll").write_text("EU\tB-ORG\nrejects\tO\n\n")
    (tmp_path / "de.txt").write_text("Die EU lehnt ab\n")
    for flags, message in [(["--method", "mach"], "unknown projection method 'mach'; known: heuristic"),
                           (["--scorers", "alignment,sting"], "unknown scorer 'sting'"),
                           (["--solver", "fast"], "unknown solver 'fast'"),
                           (["--constraint", "all"], "constraint must be")]:
        r = runner.invoke(app, ["project", str(tmp_path / "en.conll"), str(tmp_path / "de.txt"),
                                "-o", str(tmp_path / "out.conll"), *flags])
        assert r.exit_code == 2 and message in r.output, (flags, r.output)
    assert not (tmp_path / "out.conll.links").exists()
    for bench in ("europarl", "masakhaner"):  # before any data is read
        r = runner.invoke(app, ["bench", bench, "--scorers", "alignment,sting",
                                "--data-dir", str(tmp_path / "nowhere")])
        assert r.exit_code == 2 and "unknown scorer 'sting'" in r.output, r.output


def test_bench_europarl_json(data_dir, tmp_path):
    out = tmp_path / "res.json"
    docs = tmp_path / "bench.md"
    r = runner.invoke(app, ["bench", "europarl", "--tgt", "de", "--method", "heuristic",
                            "--data-dir", str(data_dir), "--json", "--out", str(out),
                            "--docs", str(docs)])
    assert r.exit_code == 0, r.output
    (row,) = _rows(r.output)
    for key in ("src", "tgt", "method", "precision", "recall", "f1", "f1_misc", "align_s",
                "project_s"):
        assert key in row
    assert row["f1"] > 0.85
    assert json.loads(out.read_text())["rows"][0]["tgt"] == "de"
    assert "| de |" in docs.read_text() or "de" in docs.read_text()


def test_bench_europarl_combine_option_is_validated():
    r = runner.invoke(app, ["bench", "europarl", "--refine", "pivot", "--combine-option", "threshold"])
    assert r.exit_code == 2 and "KEY=NUMBER" in r.output


def test_bench_europarl_leg_option_is_validated():
    r = runner.invoke(app, ["bench", "europarl", "--refine", "pivot", "--leg-option", "n_samplers"])
    assert r.exit_code == 2 and "--leg-option" in r.output and "KEY=NUMBER" in r.output


def test_help_texts_are_not_read_as_markup():
    r = runner.invoke(app, ["bench", "europarl", "--help"])
    assert r.exit_code == 0
    assert "annoproj[neural]" in r.output and "$ANNOPROJ_DATA" in r.output
