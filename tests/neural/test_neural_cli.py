"""`annoproj translate`, `annoproj label`, `annoproj bench labeller` and Europarl with
predicted source labels."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, read_jsonl, read_tokenized, write_conll
from annoproj.data.model import Sentence, Span

runner = CliRunner()


def _rows(output: str) -> list[dict]:
    # stderr (model-loading progress bars without a newline) is mixed into the output
    return [json.loads(line[line.index("{"):]) for line in output.splitlines() if "{" in line]


@pytest.fixture
def conll_in(tmp_path):
    path = tmp_path / "in.conll"
    write_conll(path, [Sentence(["Angela", "Merkel", "visited", "Paris", "."],
                                [Span(0, 2, "PER"), Span(3, 4, "LOC")]),
                       Sentence(["Nothing", "here", "."], [])])
    return path


def test_help():
    for args in (["translate"], ["label"], ["bench", "labeller"]):
        r = runner.invoke(app, [*args, "--help"])
        assert r.exit_code == 0 and "Usage" in r.output


def test_translate_hf_and_markers(tiny_nllb, conll_in, tmp_path):
    pytest.importorskip("transformers")
    out = tmp_path / "out.txt"
    args = ["translate", "--model", str(tiny_nllb), "--src-lang", "eng", "--tgt-lang", "hau",
            "--input", str(conll_in), "--device", "cpu", "--max-length", "12"]
    r = runner.invoke(app, [*args, "--output", str(out), "--json"])
    assert r.exit_code == 0, r.output
    assert _rows(r.output)[0]["sentences"] == 2 and len(read_tokenized(out)) == 2
    r = runner.invoke(app, [*args, "--output", str(tmp_path / "m.jsonl"), "--markers",
                            "--marker-style", "xml", "--json"])
    assert r.exit_code == 0, r.output
    assert len(read_jsonl(tmp_path / "m.jsonl")) == 2
    r = runner.invoke(app, [*args, "--output", str(out), "--tgt-lang", "pcm"])
    assert r.exit_code == 2 and "NLLB" in r.output


def test_translate_ct2(tiny_nllb, conll_in, tmp_path):
    pytest.importorskip("ctranslate2")
    from annoproj.translate.ct2 import convert_to_ct2

    folder = convert_to_ct2(tiny_nllb, tmp_path / "ct2")
    r = runner.invoke(app, ["translate", "--backend", "ct2", "--model", str(folder),
                            "--src-lang", "en", "--tgt-lang", "de", "--input", str(conll_in),
                            "--output", str(tmp_path / "o.conll"), "--max-length", "10"])
    assert r.exit_code == 0, r.output
    assert len(read_conll(tmp_path / "o.conll")) == 2


def test_missing_packages_and_models_exit_4(conll_in, tmp_path, monkeypatch):
    import annoproj._neural as neural

    real = neural.importlib.import_module

    def fake(name, *a, **k):
        if name.split(".")[0] in ("transformers", "spacy", "torch"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *a, **k)

    r = runner.invoke(app, ["translate", "--model", str(tmp_path / "none"), "--src-lang", "en",
                            "--tgt-lang", "de", "--input", str(conll_in),
                            "--output", str(tmp_path / "o.txt")])
    assert r.exit_code == 4 and "cannot load" in r.output
    monkeypatch.setattr(neural.importlib, "import_module", fake)
    r = runner.invoke(app, ["translate", "--model", "x", "--src-lang", "en", "--tgt-lang", "de",
                            "--input", str(conll_in), "--output", str(tmp_path / "o.txt")])
    assert r.exit_code == 4 and "pip install 'annoproj[neural]'" in r.output
    r = runner.invoke(app, ["label", "--input", str(conll_in), "--output", str(tmp_path / "l.conll")])
    assert r.exit_code == 4 and "pip install 'annoproj[spacy]'" in r.output


def test_label_spacy_and_hf(conll_in, tmp_path, tiny_ner):
    pytest.importorskip("spacy")
    out = tmp_path / "l.conll"
    r = runner.invoke(app, ["label", "--input", str(conll_in), "--output", str(out), "--json"])
    if r.exit_code == 4:
        pytest.skip(r.output)
    assert r.exit_code == 0, r.output
    got = read_conll(out)
    assert got[0].tokens == ["Angela", "Merkel", "visited", "Paris", "."]
    assert Span(0, 2, "PER") in got[0].spans
    r = runner.invoke(app, ["label", "--model", str(tiny_ner), "--input", str(conll_in),
                            "--output", str(tmp_path / "h.jsonl"), "--device", "cpu",
                            "--aggregation", "max"])
    assert r.exit_code == 0, r.output
    assert len(read_jsonl(tmp_path / "h.jsonl")) == 2


def test_bench_labeller(data_dir, tmp_path):
    pytest.importorskip("spacy")
    r = runner.invoke(app, ["bench", "labeller", "--model", "spacy", "--data-dir", str(data_dir),
                            "--limit", "40", "--json", "--out", str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    rows = _rows(r.output)
    assert [x["dataset"] for x in rows] == ["europarl-en", "conll2003-test"]
    assert set(rows[0]) >= {"dataset", "model", "precision", "recall", "f1", "sentences", "seconds"}
    assert rows[0]["sentences"] == 40 and rows[0]["f1"] > 0.2
    r = runner.invoke(app, ["bench", "labeller", "--datasets", "nope", "--data-dir", str(data_dir)])
    assert r.exit_code == 2


def test_europarl_source_labels(data_dir, monkeypatch):
    """Predicted source spans replace the gold ones; the target gold stays the reference."""
    pytest.importorskip("spacy")
    from annoproj.bench import europarl
    from annoproj.bench.europarl import EuroparlConfig, source_labelled

    src = europarl.load_europarl(data_dir, "en")[:60]
    same, secs = source_labelled(src, "gold")
    assert same is src and secs == 0.0
    pred, secs = source_labelled(src, "spacy")
    assert [s.tokens for s in pred] == [s.tokens for s in src] and secs > 0
    assert all(sp.label in ("PER", "ORG", "LOC") for s in pred for sp in s.spans)

    real_load = europarl.load_europarl
    monkeypatch.setattr(europarl, "load_europarl", lambda d, lang: real_load(d, lang)[:60])
    rows = europarl.run_europarl(EuroparlConfig(tgts=("de",), source_labels="spacy"),
                                 data_dir=data_dir)
    assert rows[0]["source_labels"] == "spacy" and 0.0 < rows[0]["f1"] <= 1.0
    assert "label_s" in rows[0]


def _texts(path):
    return path.read_text(encoding="utf-8")


def test_model_stages_on_workers_give_the_same_output(tiny_nllb, tiny_ner, tiny_bert, conll_in,
                                                      tmp_path):
    """translate, label and neural align: one worker, two processes and two Ray actors (each
    loading the model once) write the same bytes."""
    pytest.importorskip("transformers")
    many = tmp_path / "many.conll"
    base = read_conll(conll_in)
    write_conll(many, [base[k % 2] for k in range(40)])
    runs = [[], ["--workers", "2"]]
    if __import__("importlib").util.find_spec("ray") is not None:
        runs.append(["--workers", "2", "--pool", "ray"])
    jobs = {
        "translate": ["translate", "--model", str(tiny_nllb), "--src-lang", "eng", "--tgt-lang",
                      "hau", "--input", str(many), "--device", "cpu", "--max-length", "12",
                      "--batch-size", "2"],
        "label": ["label", "--model", str(tiny_ner), "--input", str(many), "--device", "cpu",
                  "--batch-size", "2"],
        "align": ["align", str(many), str(many), "--aligner", "simalign", "--model",
                  str(tiny_bert), "--layer", "1", "--device", "cpu", "--batch-size", "2"],
    }
    for name, args in jobs.items():
        outs = []
        for k, extra in enumerate(runs):
            out = tmp_path / f"{name}{k}.txt"
            r = runner.invoke(app, [*args, *extra, "--output", str(out), "--json"])
            assert r.exit_code == 0, (name, extra, r.output)
            assert _rows(r.output)[-1]["sentences"] == 40
            outs.append(_texts(out))
        assert all(o == outs[0] for o in outs), name
    r = runner.invoke(app, ["align", str(many), str(many), "--workers", "2", "-o",
                            str(tmp_path / "e.txt")])
    assert r.exit_code == 2 and "neural aligners" in r.output
    r = runner.invoke(app, [*jobs["translate"], "--markers", "--workers", "2", "-o",
                            str(tmp_path / "m.txt")])
    assert r.exit_code == 2 and "one worker" in r.output
