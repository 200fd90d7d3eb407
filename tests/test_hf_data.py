"""Hugging Face data both ways (issue 28, items 1 and 9): tokens + ner_tags JSONL with
integer or string tags, datasets folders, Parquet, spaCy DocBin, `annoproj convert`."""

import json

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, read_sentences, write_jsonl
from annoproj.data.io.auto import write_sentences
from annoproj.data.model import ProjectedSpan, Sentence, Span

datasets = pytest.importorskip("datasets")
runner = CliRunner()
NAMES = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def _features():
    return datasets.Features({
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=NAMES)),
    })


def _source():
    return datasets.Dataset.from_dict(
        {"tokens": [["Anna", "Maria", "lives", "in", "Rome"], ["Hello", "Paris"]],
         "ner_tags": [[1, 2, 0, 0, 3], [0, 3]]}, features=_features())


def test_int_tags_need_label_names_and_are_read_with_them(tmp_path):
    _source().to_json(tmp_path / "src.jsonl")
    with pytest.raises(ValueError, match="integer tags but no label names"):
        read_sentences(tmp_path / "src.jsonl")
    got = read_sentences(tmp_path / "src.jsonl", label_names=NAMES)
    assert [s.spans for s in got] == [[Span(0, 2, "PER"), Span(4, 5, "LOC")], [Span(1, 2, "LOC")]]
    (tmp_path / "labels.txt").write_text("\n".join(NAMES) + "\n")  # a label file beside it
    assert read_sentences(tmp_path / "src.jsonl") == got


def test_string_tags_folders_and_parquet(tmp_path):
    ds = _source()
    want = [[Span(0, 2, "PER"), Span(4, 5, "LOC")], [Span(1, 2, "LOC")]]
    strings = datasets.Dataset.from_dict(
        {"tokens": ds["tokens"], "ner_tags": [[NAMES[t] for t in ts] for ts in ds["ner_tags"]]})
    strings.to_json(tmp_path / "str.jsonl")
    ds.save_to_disk(str(tmp_path / "folder"))
    ds.to_parquet(str(tmp_path / "data.parquet"))
    for path in ("str.jsonl", "folder", "data.parquet"):
        assert [s.spans for s in read_sentences(tmp_path / path)] == want, path


def test_tags_that_belong_to_no_scheme_are_an_error(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"tokens": ["a", "b"], "ner_tags": ["O", "0"]}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:1: .*'0'"):
        read_sentences(tmp_path / "bad.jsonl")


def test_written_jsonl_loads_with_datasets_and_keeps_projected_scores(tmp_path):
    sents = [Sentence(["a", "b", "c"], [ProjectedSpan(0, 2, "PER", 0.75, 0)]),
             Sentence(["x"], []), Sentence(["y", "z"], [Span(1, 2, "LOC")])]
    write_jsonl(tmp_path / "o.jsonl", sents)
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "o.jsonl"), split="train")
    assert ds["tokens"] == [["a", "b", "c"], ["x"], ["y", "z"]]
    assert ds["ner_tags"] == [["B-PER", "I-PER", "O"], ["O"], ["O", "B-LOC"]]
    first = json.loads((tmp_path / "o.jsonl").read_text().splitlines()[0])
    assert first["spans"] == [{"start": 0, "end": 2, "label": "PER", "score": 0.75, "source": 0}]
    assert [s.spans for s in read_sentences(tmp_path / "o.jsonl")] == [
        [Span(0, 2, "PER")], [], [Span(1, 2, "LOC")]]


def test_round_trip_dataset_project_load_dataset(tmp_path):
    """datasets.Dataset -> annoproj project -> datasets.load_dataset("json")."""
    _source().to_json(tmp_path / "src.jsonl")
    tgt_tokens = [["Rom", "ist", "wo", "Anna", "Maria", "lebt"], ["Hallo", "Paris"]]
    datasets.Dataset.from_dict({"tokens": tgt_tokens}).to_json(tmp_path / "tgt.jsonl")
    (tmp_path / "links.txt").write_text("0-3 1-4 2-5 4-0\n0-0 1-1\n")
    r = runner.invoke(app, ["project", str(tmp_path / "src.jsonl"), str(tmp_path / "tgt.jsonl"),
                            "-a", str(tmp_path / "links.txt"), "-o", str(tmp_path / "out.jsonl"),
                            "--label-list", ",".join(NAMES), "--method", "heuristic", "--json"])
    assert r.exit_code == 0, r.output
    row = [json.loads(x) for x in r.output.splitlines() if x.startswith("{")][0]
    assert row["spans"] == 3
    ds = datasets.load_dataset("json", data_files=str(tmp_path / "out.jsonl"), split="train")
    assert ds["tokens"] == tgt_tokens
    assert ds["ner_tags"] == [["B-LOC", "O", "O", "B-PER", "I-PER", "O"], ["O", "B-LOC"]]


def test_project_warns_when_the_source_has_no_entities(tmp_path):
    (tmp_path / "src.jsonl").write_text('{"tokens": ["Anna", "lives"], "ner": ["B-PER", "O"]}\n')
    (tmp_path / "tgt.jsonl").write_text('{"tokens": ["Anna", "lebt"]}\n')
    (tmp_path / "links.txt").write_text("0-0 1-1\n")
    r = runner.invoke(app, ["project", str(tmp_path / "src.jsonl"), str(tmp_path / "tgt.jsonl"),
                            "-a", str(tmp_path / "links.txt"), "-o", str(tmp_path / "out.jsonl")])
    assert r.exit_code == 0, r.output
    assert "has no entities" in r.output
    r = runner.invoke(app, ["evaluate", str(tmp_path / "src.jsonl"), str(tmp_path / "src.jsonl")])
    assert "no entities" in r.output and "ner" in r.output


@pytest.mark.parametrize("scheme,tags", [
    ("iob1", ["I-PER", "I-PER", "B-PER", "O", "I-LOC"]),
    ("iob2", ["B-PER", "I-PER", "B-PER", "O", "B-LOC"]),
    ("bioes", ["B-PER", "E-PER", "S-PER", "O", "S-LOC"]),
    ("biluo", ["B-PER", "L-PER", "U-PER", "O", "U-LOC"]),
])
def test_convert_writes_every_scheme(tmp_path, scheme, tags):
    sents = [Sentence(["a", "b", "c", "d", "e"], [Span(0, 2, "PER"), Span(2, 3, "PER"), Span(4, 5, "LOC")])]
    write_jsonl(tmp_path / "in.jsonl", sents)
    r = runner.invoke(app, ["convert", str(tmp_path / "in.jsonl"), str(tmp_path / "out.conll"),
                            "--scheme", scheme])
    assert r.exit_code == 0, r.output
    lines = (tmp_path / "out.conll").read_text().split("\n")
    assert [x.split("\t")[1] for x in lines if x] == tags
    assert read_conll(tmp_path / "out.conll")[0].spans == sents[0].spans


def test_convert_between_conll_jsonl_datasets_and_docbin(tmp_path):
    pytest.importorskip("spacy")
    sents = [Sentence(["Anna", "Maria", "in", "Rome"], [Span(0, 2, "PER"), Span(3, 4, "LOC")]),
             Sentence(["Hi"], [])]
    write_sentences(tmp_path / "a.conll", sents)
    chain = ["a.conll", "b.spacy", "c", "d.parquet", "e.jsonl", "f.conll"]
    for a, b in zip(chain, chain[1:]):
        r = runner.invoke(app, ["convert", str(tmp_path / a), str(tmp_path / b), "--scheme", "bioes"])
        assert r.exit_code == 0, (a, b, r.output)
        assert [(s.tokens, s.spans) for s in read_sentences(tmp_path / b)] == [
            (s.tokens, s.spans) for s in sents], b
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    doc = next(DocBin().from_disk(tmp_path / "b.spacy").get_docs(Vocab()))
    assert [(e.text, e.label_) for e in doc.ents] == [("Anna Maria", "PER"), ("Rome", "LOC")]
    names = datasets.load_from_disk(str(tmp_path / "c")).features["ner_tags"].feature.names
    assert names[0] == "O" and {"B-PER", "E-PER", "S-LOC"} <= set(names)


def test_biluo_conll_is_read_whole_by_spacy_convert(tmp_path):
    """spaCy's CoNLL converter reads BILUO (not BIOES's E-/S-): --scheme biluo is for it."""
    pytest.importorskip("spacy")
    from spacy.training import iob_to_biluo

    tags = write_sentences(tmp_path / "x.conll", [Sentence(["Anna", "Maria", "Rome"], [
        Span(0, 2, "PER"), Span(2, 3, "LOC")])], scheme="biluo")
    assert tags == 1
    got = [x.split("\t")[1] for x in (tmp_path / "x.conll").read_text().split("\n") if x]
    assert got == ["B-PER", "L-PER", "U-LOC"] == iob_to_biluo(got)


def test_hub_style_names_through_datasets(tmp_path):
    """hf:NAME[:SPLIT] inputs go through datasets.load_dataset (here a local data folder,
    resolved offline); a name it cannot resolve is an input error."""
    folder = tmp_path / "mini"
    folder.mkdir()
    (folder / "test.jsonl").write_text(
        '{"tokens": ["Anna", "lives"], "ner_tags": ["B-PER", "O"]}\n'
        '{"tokens": ["in", "Rome"], "ner_tags": ["O", "B-LOC"]}\n')
    got = read_sentences(f"hf:{folder}:test")
    assert [s.spans for s in got] == [[Span(0, 1, "PER")], [Span(1, 2, "LOC")]]
    r = runner.invoke(app, ["convert", f"hf:{folder}:test", str(tmp_path / "x.conll")])
    assert r.exit_code == 0, r.output
    assert read_conll(tmp_path / "x.conll")[1].spans == [Span(1, 2, "LOC")]
    r = runner.invoke(app, ["convert", f"hf:{tmp_path / 'missing'}", str(tmp_path / "y.conll")])
    assert r.exit_code == 3 and "could not load" in r.output


def test_project_reads_a_datasets_folder(tmp_path):
    _source().save_to_disk(str(tmp_path / "src"))
    datasets.Dataset.from_dict({"tokens": [["Anna", "Maria", "lebt", "in", "Rom"],
                                           ["Hallo", "Paris"]]}).to_json(tmp_path / "tgt.jsonl")
    (tmp_path / "links.txt").write_text("0-0 1-1 2-2 3-3 4-4\n0-0 1-1\n")
    r = runner.invoke(app, ["project", str(tmp_path / "src"), str(tmp_path / "tgt.jsonl"),
                            "-a", str(tmp_path / "links.txt"), "-o", str(tmp_path / "out.conll"),
                            "--method", "heuristic"])
    assert r.exit_code == 0, r.output
    assert [s.spans for s in read_conll(tmp_path / "out.conll")] == [
        [Span(0, 2, "PER"), Span(4, 5, "LOC")], [Span(1, 2, "LOC")]]
