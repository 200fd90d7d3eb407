import gzip
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.data.io import (
    FormatError, read_conll, read_jsonl, read_pharaoh, read_tokenized, write_conll, write_jsonl,
    write_pharaoh, write_tokenized,
)
from annoproj.data.io.pharaoh import parse_pharaoh
from annoproj.data.model import Alignment, Sentence, Span


def test_conll_variants(tmp_path):
    text = (
        "-DOCSTART- -X- -X- O\n\n\n"
        "# sent_id = 1\n"
        "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n\n\n"
        "Peter\tNNP\tI-PER\nBlackburn\tNNP\tI-PER\r\n"
        "#\tO\n"
    )
    path = tmp_path / "x.conll"
    path.write_text(text, encoding="utf-8")
    sents = read_conll(path)
    assert len(sents) == 2
    assert sents[0].tokens == ["EU", "rejects", "German"]
    assert sents[0].spans == [Span(0, 1, "ORG"), Span(2, 3, "MISC")]
    assert sents[1].tokens == ["Peter", "Blackburn", "#"]
    assert sents[1].spans == [Span(0, 2, "PER")]
    assert sents[0].id == "x.conll:5"


def test_conll_tab_tokens_may_hold_spaces(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_text("New York\tB-LOC\nis\tO\n", encoding="utf-8")
    assert read_conll(path)[0].tokens == ["New York", "is"]


def test_conll_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("a O\nb\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad.conll:2"):
        read_conll(path)
    path.write_text("a O\n\nb B-\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad.conll:3: tag 'B-'"):
        read_conll(path)


@pytest.mark.parametrize("name", ["out.conll", "out.conll.gz", "out.conll.zst"])
@pytest.mark.parametrize("scheme", ["IOB1", "IOB2", "BIOES"])
def test_conll_round_trip(tmp_path, name, scheme):
    pytest.importorskip("zstandard") if name.endswith(".zst") else None
    sents = [Sentence(["a", "b", "c"], [Span(0, 2, "PER"), Span(2, 3, "PER")]),
             Sentence(["x"], [])]
    path = tmp_path / name
    assert write_conll(path, sents, scheme=scheme) == 2
    back = read_conll(path)
    assert [(s.tokens, s.spans) for s in back] == [(s.tokens, s.spans) for s in sents]


def test_jsonl_round_trip_keeps_meta(tmp_path):
    sents = [Sentence(["a", "b"], [Span(1, 2, "LOC")], id="s1", meta={"scores": [0.5]})]
    path = tmp_path / "x.jsonl.gz"
    write_jsonl(path, sents)
    back = read_jsonl(path)
    assert back[0].tokens == ["a", "b"] and back[0].spans == [Span(1, 2, "LOC")]
    assert back[0].id == "s1" and back[0].meta == {"scores": [0.5]}
    with gzip.open(path, "rt") as f:
        assert json.loads(f.readline())["spans"] == [{"start": 1, "end": 2, "label": "LOC"}]


def test_jsonl_errors(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"tokens": ["a"], "spans": [[0, 1, "PER"]]}\n{"tokens": ["a"], "spans": [[0, 3, "PER"]]}\n')
    with pytest.raises(FormatError, match=r"x.jsonl:2: span 0 \(0, 3\) is outside"):
        read_jsonl(path)
    path.write_text("{oops\n")
    with pytest.raises(FormatError, match="x.jsonl:1: invalid JSON"):
        read_jsonl(path)
    path.write_text('{"tokens": ["a", "b"], "tags": ["B-PER", "I-PER"]}\n')
    assert read_jsonl(path)[0].spans == [Span(0, 2, "PER")]


def test_pharaoh_round_trip(tmp_path):
    als = [Alignment.from_pairs([(0, 1), (1, 0)]), Alignment.from_pairs([]),
           Alignment.from_pairs([(2, 2)])]
    path = tmp_path / "a.txt"
    write_pharaoh(path, als)
    assert path.read_text() == "0-1 1-0\n\n2-2\n"
    assert read_pharaoh(path) == als
    path.write_text("0-1:0.5 1-1:1\n")
    scored = read_pharaoh(path)[0]
    assert scored.scores.tolist() == [0.5, 1.0]
    path.write_text("0-1\n1x2\n")
    with pytest.raises(FormatError, match="a.txt:2"):
        read_pharaoh(path)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60),
                          st.floats(0, 1, allow_nan=False, width=32)), max_size=12),
       st.booleans(), st.booleans())
def test_pharaoh_lines_parse_as_the_links_they_hold(links, scored, shuffle):
    # the bulk fast path and the link-by-link path agree, duplicates and disorder included
    pairs = [(i, j) for i, j, _ in links]
    scores = [float(f"{p:.4g}") for _, _, p in links]
    if shuffle:
        pairs, scores = pairs[::-1], scores[::-1]

    def line(sep: str) -> str:
        return " ".join(f"{i}{sep}{j}:{p:.4g}" if scored else f"{i}{sep}{j}"
                        for (i, j), p in zip(pairs, scores))

    got = parse_pharaoh(line("-"))
    assert got == Alignment.from_pairs(pairs, scores if scored and pairs else None)
    assert parse_pharaoh(line("?")) == got  # the link-by-link path


def test_tokenized_round_trip(tmp_path):
    path = tmp_path / "t.txt"
    write_tokenized(path, [["a", "b"], [], ["c"]])
    assert read_tokenized(path) == [["a", "b"], [], ["c"]]


def test_atomic_write_keeps_old_file_on_error(tmp_path):
    path = tmp_path / "o.conll"
    write_conll(path, [Sentence(["a"], [])])

    def bad():
        yield Sentence(["b"], [])
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_conll(path, bad())
    assert read_conll(path)[0].tokens == ["a"]
    assert [p.name for p in tmp_path.iterdir()] == ["o.conll"]


def test_hf_conversion():
    datasets = pytest.importorskip("datasets")
    from annoproj.data.io import from_hf, to_hf

    sents = [Sentence(["a", "b"], [Span(0, 2, "PER")], id="0")]
    ds = to_hf(sents)
    assert isinstance(ds, datasets.Dataset)
    assert from_hf(ds)[0].spans == [Span(0, 2, "PER")]


def test_empty_token_is_an_error_or_a_placeholder(tmp_path):
    p = tmp_path / "x.txt"
    p.write_text("Ndiyekeni O\n, O\n O\nuNdila B-PER\n\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"x.txt:3: empty token"):
        read_conll(p)
    with pytest.warns(UserWarning, match=r"1 empty token\(s\) read as '_' \(lines 3\)"):
        (s,) = read_conll(p, empty_token="_")
    assert s.tokens == ["Ndiyekeni", ",", "_", "uNdila"] and s.spans == [Span(3, 4, "PER")]
