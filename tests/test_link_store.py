"""The on-disk cache of neural links (annoproj.align.store): round trips and cache keys."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.align.store import cached_links, corpus_key, load_links, save_links
from annoproj.data.model import Alignment


@st.composite
def alignments(draw) -> Alignment:
    pairs = draw(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=12))
    if draw(st.booleans()):
        return Alignment.from_pairs(pairs)
    return Alignment.from_pairs(pairs, [draw(st.floats(0, 1, width=32)) for _ in pairs])


def _same(a: list[Alignment], b: list[Alignment]) -> bool:
    return len(a) == len(b) and all(
        np.array_equal(x.links, y.links) and (x.scores is None) == (y.scores is None)
        and (x.scores is None or np.array_equal(x.scores, y.scores)) for x, y in zip(a, b))


@settings(max_examples=40, deadline=None)
@given(st.lists(alignments(), max_size=8))
def test_save_and_load_round_trip(tmp_path_factory, als):
    path = tmp_path_factory.mktemp("links") / "c.npz"
    save_links(path, als)
    assert _same(load_links(path), als)


SRC = [["Musa", "went", "to", "Kano"], ["hello"]]
TGT = [["Musa", "ya", "tafi", "Kano"], ["sannu"]]


def _links() -> list[Alignment]:
    return [Alignment.from_pairs([(0, 0), (3, 3)], [0.9, 0.8]), Alignment.from_pairs([(0, 0)])]


def test_cached_links_compute_once(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return _links()

    first, hit = cached_links({"model": "m"}, SRC, TGT, compute, root=tmp_path)
    assert not hit and len(calls) == 1 and len(list(tmp_path.iterdir())) == 1
    again, hit = cached_links({"model": "m"}, SRC, TGT, compute, root=tmp_path)
    assert hit and len(calls) == 1 and _same(again, first)
    # other settings or other tokens: another entry
    cached_links({"model": "n"}, SRC, TGT, compute, root=tmp_path)
    cached_links({"model": "m"}, SRC, [TGT[0], ["salam"]], compute, root=tmp_path)
    assert len(calls) == 3 and len(list(tmp_path.iterdir())) == 3


def test_keys_tell_token_boundaries_apart():
    assert corpus_key({}, [["a b"]], [["c"]]) != corpus_key({}, [["a", "b"]], [["c"]])
    assert corpus_key({}, [["a"], ["b"]], [["c"], []]) != corpus_key({}, [["a", "b"]], [["c"], []])
    assert corpus_key({"x": 1}, SRC, TGT) == corpus_key({"x": 1}, SRC, TGT)


def test_a_damaged_entry_is_made_again(tmp_path):
    cached_links({}, SRC, TGT, _links, root=tmp_path)
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(b"not a zip")
    got, hit = cached_links({}, SRC, TGT, _links, root=tmp_path)
    assert not hit and _same(got, _links())
    assert _same(load_links(entry), _links())
    entry.write_bytes(entry.read_bytes()[:40])  # cut short: a zip without its directory
    got, hit = cached_links({}, SRC, TGT, _links, root=tmp_path)
    assert not hit and _same(got, _links())


def test_compute_must_give_one_alignment_per_pair(tmp_path):
    import pytest

    with pytest.raises(ValueError, match="1 alignments for 2"):
        cached_links({}, SRC, TGT, lambda: _links()[:1], root=tmp_path)


def test_an_unwritable_cache_keeps_the_links(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    got, hit = cached_links({}, SRC, TGT, _links, root=blocked / "links")
    assert not hit and _same(got, _links())
    assert "could not cache the links" in caplog.text


def test_every_cache_folder_follows_one_rule(tmp_path, monkeypatch):
    from annoproj.align.store import links_root
    from annoproj.models import cache_root
    from annoproj.train.states import states_root

    for var in ("ANNOPROJ_LINKS", "ANNOPROJ_STATES", "ANNOPROJ_MODELS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert links_root() == tmp_path / "annoproj" / "links"
    assert states_root() == tmp_path / "annoproj" / "states"
    assert cache_root() == tmp_path / "annoproj" / "models"
    monkeypatch.setenv("ANNOPROJ_LINKS", str(tmp_path / "mine"))
    assert links_root() == tmp_path / "mine"
