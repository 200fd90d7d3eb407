"""The Hugging Face fine-tuning trainer (`annoproj.train.hf`) on a tiny BERT encoder."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, write_conll
from annoproj.data.model import Sentence, Span
from annoproj.evaluate import evaluate_spans
from annoproj.train import load_tagger, taggers, trainers
from annoproj.train.hf import HFTagger, HFTrainer, label_set, word_chunks

PEOPLE = [["Angela", "Merkel"], ["Emmanuel", "Macron"], ["John", "Smith"], ["Barroso"]]
PLACES = [["Paris"], ["Strasbourg"], ["Madrid"], ["Kano"], ["New", "York"], ["Brüssel"]]
TEMPLATES = ["P met us in L .", "We thank P for his report .", "The people of L voted .",
             "P works in L yesterday ."]
#: Fast enough to learn the toy data in a few epochs (the default, 5e-5, suits real models).
FAST = {"epochs": 12, "learning_rate": 1e-2, "batch_size": 8, "device": "cpu", "seed": 0}


def toy(n: int = 20) -> list[Sentence]:
    """Sentences where PER and LOC are fixed capitalised names in fixed slots."""
    out = []
    for i in range(n):
        per, loc = PEOPLE[i % len(PEOPLE)], PLACES[(7 * i + 1) % len(PLACES)]
        tokens: list[str] = []
        spans: list[Span] = []
        for w in TEMPLATES[i % len(TEMPLATES)].split():
            if w in ("P", "L"):
                name, label = (per, "PER") if w == "P" else (loc, "LOC")
                spans.append(Span(len(tokens), len(tokens) + len(name), label))
                tokens += name
            else:
                tokens.append(w)
        out.append(Sentence(tokens, spans))
    return out


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models train ~10x faster on one thread than on two busy cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def trained(tiny_bert):
    return HFTrainer(tiny_bert, **FAST).fit(toy(), dev=toy(8))


def test_registered_and_lazy():
    assert isinstance(trainers.create("hf", model="x"), HFTrainer)
    assert taggers.get("hf") is HFTagger
    assert label_set(["PER", "LOC"]) == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
    assert label_set(["X"], scheme="BIOES") == ["O", "B-X", "I-X", "E-X", "S-X"]
    for bad in ({"epochs": 0}, {"warmup_ratio": 1.0}, {"scheme": "XYZ"}, {"device": "tpu"}):
        with pytest.raises(ValueError):
            HFTrainer("x", **bad)


def test_word_chunks(tiny_bert):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(tiny_bert))
    sents = [["Paris", "Zqxv", "Paris"], [], ["Paris"]]
    # "Zqxv" is 4 single-character subwords; room 3 puts it alone
    assert word_chunks(tok, sents, 3) == [(0, 0, 1), (0, 1, 2), (0, 2, 3), (2, 0, 1)]
    assert word_chunks(tok, sents, 100) == [(0, 0, 3), (2, 0, 1)]


def test_learns_toy_entities(trained):
    data = toy()
    report = evaluate_spans([s.spans for s in data], trained.predict([s.tokens for s in data]))
    assert report.micro.f1 >= 0.9
    info = trained.info
    assert info["sentences"] == 20 and len(info["history"]) == FAST["epochs"]
    assert info["history"][-1]["loss"] < info["history"][0]["loss"]
    assert info["dev"]["f1"] == info["history"][-1]["f1"] >= 0.9
    assert trained.entity_types == ["LOC", "PER"]
    # unseen capitalised names in a known slot, an empty sentence, a long chunked sentence
    out = trained.predict([[], ["We", "thank", "Barroso", "for", "his", "report", "."],
                           ["Paris", "."] * 80])
    assert out[0] == [] and out[1] == [Span(2, 3, "PER")]
    assert len(out[2]) > 0 and all(s.end <= 160 for s in out[2])


def test_deterministic_on_cpu(tiny_bert, trained):
    again = HFTrainer(tiny_bert, **FAST).fit(toy(), dev=toy(8))
    assert again.info["history"] == trained.info["history"]
    for a, b in zip(trained.model.state_dict().values(), again.model.state_dict().values()):
        assert torch.equal(a, b)


def test_save_load_round_trip(trained, tmp_path):
    folder = trained.save(tmp_path / "m")
    cfg = json.loads((folder / "config.json").read_text())
    assert cfg["trainer"] == "hf" and cfg["labels"] == trained.labels
    assert cfg["scheme"] == "IOB2" and cfg["versions"]["transformers"]
    assert (folder / "model" / "config.json").exists()
    loaded = load_tagger(folder)
    assert isinstance(loaded, HFTagger) and loaded.device in ("cpu", "cuda")
    loaded = HFTagger.load(folder, device="cpu", batch_size=3)
    sents = [s.tokens for s in toy(11)] + [["Madrid", "Madrid"], []]
    assert loaded.predict(sents) == trained.predict(sents)
    assert loaded.predict_tags(sents) == trained.predict_tags(sents)


def test_label_all_subwords_and_bioes(tiny_xlmr):
    from annoproj.data.model import ProjectedSpan

    data = [Sentence(s.tokens, [ProjectedSpan(*sp, score=0.9) for sp in s.spans])
            for s in toy(6)]  # projected data, spans with scores
    tagger = HFTrainer(tiny_xlmr, **{**FAST, "epochs": 1}, label_all_subwords=True,
                       scheme="BIOES").fit(data)
    assert "S-PER" in tagger.labels and tagger.scheme == "BIOES"
    assert len(tagger.predict([["Zqxv", "in", "Paris"]])[0]) <= 3


def test_cli_train_and_tag(tiny_bert, tmp_path):
    runner = CliRunner()
    train, test = tmp_path / "train.conll", tmp_path / "test.conll"
    write_conll(train, toy())
    write_conll(test, toy(6))
    out = tmp_path / "model"
    args = ["train", "--trainer", "hf", "--train", str(train), "--dev", str(test), "--out",
            str(out), "--json", "--option", f"model={tiny_bert}"]
    args += [f"--option={k}={v}" for k, v in FAST.items()]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output[r.output.rindex('{"model"'):].splitlines()[0])
    assert summary["trainer"] == "hf" and summary["labels"] == ["LOC", "PER"]
    assert summary["dev"]["f1"] >= 0.9
    tagged = tmp_path / "tagged.conll"
    r = runner.invoke(app, ["tag", "--model", str(out), "--input", str(test),
                            "--output", str(tagged)])
    assert r.exit_code == 0, r.output
    gold, pred = read_conll(test), read_conll(tagged)
    assert evaluate_spans([s.spans for s in gold], [s.spans for s in pred]).micro.f1 >= 0.9
    bad = runner.invoke(app, ["train", "--trainer", "hf", "--train", str(train), "--out",
                              str(tmp_path / "x"), "--option", "nope=1"])
    assert bad.exit_code == 2 and "nope" in bad.output
    bad = runner.invoke(app, ["train", "--trainer", "hf", "--train", str(train), "--out",
                              str(tmp_path / "x"), "--option", f"model={tmp_path / 'none'}"])
    assert bad.exit_code == 4, bad.output


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_fp16(tiny_bert, tmp_path):
    tagger = HFTrainer(tiny_bert, **{**FAST, "device": "cuda"}, fp16=True).fit(toy())
    assert tagger.device == "cuda" and tagger.info["history"][-1]["loss"] > 0
    spans = tagger.predict([s.tokens for s in toy(8)])
    loaded = HFTagger.load(tagger.save(tmp_path / "m"), device="cuda")
    assert loaded.predict([s.tokens for s in toy(8)]) == spans
