"""Fuzz tests: malformed input never crashes a reader or a projector, and nothing is lost."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annoproj.data.io import FormatError, read_conll, read_jsonl, read_pharaoh, read_tokenized
from annoproj.data.model import Alignment, Span
from annoproj.project.projectors import make_projector

FUZZ = settings(max_examples=1000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

PIECES = st.sampled_from([
    "a", "Zürich", "東京", "مرحبا", "שלום", "e\u0301", "\u200b", "\u200f", "\ufeff", "#", "-DOCSTART-",
    "B-PER", "I-LOC", "E-ORG", "S-MISC", "O", "B-", "I", "x-y", "0-1", "3-0", "1?2", "0-1:0.5", "-",
    " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "{", "}", '"tokens"', ":", "[", "]", ",", "0", "1",
    "null", '"spans"', "=",
])
TEXT = st.lists(PIECES, max_size=40).map("".join)
RAW = st.one_of(TEXT.map(lambda t: t.encode("utf-8")), st.binary(max_size=200))


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("reader,name", [(read_conll, "f.conll"), (read_jsonl, "f.jsonl"),
                                         (read_pharaoh, "f.txt"), (read_tokenized, "f.txt")])
@FUZZ
@given(data=RAW)
def test_readers_raise_only_format_errors(tmp_path, reader, name, data):
    path = _write(tmp_path, name, data)
    try:
        reader(path)
    except FormatError as exc:
        assert str(path) in str(exc) and exc.line >= 1


TOKEN = st.sampled_from(["Anna", "Berlin", "x", "e\u0301", "مرحبا", "\u200b", "ü", "-", "."])
TAG = st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-ORG", "S-MISC"])


@FUZZ
@given(sents=st.lists(st.lists(st.tuples(TOKEN, TAG), min_size=1, max_size=8), max_size=6),
       blanks=st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n\n\n"]), min_size=6, max_size=6),
       sep=st.sampled_from([" ", "\t"]))
def test_conll_loses_no_token(tmp_path, sents, blanks, sep):
    text = "".join("".join(f"{t}{sep}{g}\n" for t, g in s) + b for s, b in zip(sents, blanks))
    got = read_conll(_write(tmp_path, "x.conll", text.encode()))
    assert [s.tokens for s in got] == [[t for t, _ in s] for s in sents]


@st.composite
def projection_inputs(draw):
    n = draw(st.integers(0, 5))
    src, tgt, spans, links = [], [], [], []
    for _ in range(n):
        ns, nt = draw(st.integers(0, 12)), draw(st.integers(0, 12))
        src.append(["w"] * ns)
        tgt.append(["v"] * nt)
        k = draw(st.integers(0, 4))
        sp = []
        for _ in range(k):
            a = draw(st.integers(-1, ns + 1))
            b = draw(st.integers(a - 1, ns + 2))
            sp.append(Span(a, b, draw(st.sampled_from(["PER", "LOC", "X"]))))
        spans.append(sp)
        m = draw(st.integers(0, 15))
        pairs = [(draw(st.integers(0, ns + 1)), draw(st.integers(0, nt + 1))) for _ in range(m)]
        links.append(Alignment.from_pairs(pairs))
    return src, tgt, spans, links


@pytest.mark.parametrize("method", ["heuristic", "match"])
@FUZZ
@given(inp=projection_inputs())
def test_projectors_never_crash_and_never_lose_a_sentence(method, inp):
    src, tgt, spans, links = inp
    res = make_projector(method).project(src, tgt, spans, links)
    assert len(res.spans) == len(src)
    skipped = res.skipped_indices
    for i, out in enumerate(res.spans):
        if i in skipped:
            continue
        ends = sorted((p.start, p.end) for p in out)
        for (s, e), nxt in zip(ends, ends[1:] + [(len(tgt[i]), None)]):
            assert 0 <= s < e <= len(tgt[i]) and e <= nxt[0]
        bad_src = any(not 0 <= s.start < s.end <= len(src[i]) for s in spans[i])
        bad_link = len(links[i]) and (links[i].links[:, 0].max() >= len(src[i])
                                      or links[i].links[:, 1].max() >= len(tgt[i]))
        assert not (bad_src or bad_link), "invalid input must be reported as skipped"
    for i, why in res.skipped:
        assert isinstance(why, str) and why
    assert np.all([isinstance(s, list) for s in res.spans])
