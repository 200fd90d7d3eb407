"""Marker-based projection (EasyProject) with fake translators that damage markers on purpose."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from annoproj.data.model import Sentence, Span
from annoproj.project.markers import (
    MarkerProjector,
    MarkerStyle,
    insert_markers,
    parse_markers,
    parse_style,
)
from annoproj.project.projectors import make_marker_projector, marker_projectors, projectors


class FakeTranslator:
    """Word-by-word dictionary translation; `edit` damages the output of the first call
    (the marked sentences), not that of later calls (entities translated alone)."""

    def __init__(self, words: dict[str, str] | None = None,
                 edit: Callable[[list[str]], list[str]] | None = None) -> None:
        self.words = words or {}
        self.edit = edit
        self.calls: list[list[list[str]]] = []

    def translate(self, sentences: Sequence[Sequence[str]], *, src_lang=None, tgt_lang=None):
        self.calls.append([list(s) for s in sentences])
        out = []
        for s in sentences:
            toks = [self.words.get(t, t) for t in s]
            out.append(self.edit(toks) if self.edit and len(self.calls) == 1 else toks)
        return out


SENT = Sentence(["Angela", "Merkel", "met", "Emmanuel", "Macron", "in", "Paris", "."],
                [Span(0, 2, "PER"), Span(3, 5, "PER"), Span(6, 7, "LOC")])
DE = {"met": "traf", "in": "in", "Paris": "Paris"}


def spans(result, i=0):
    return [(s.start, s.end, s.label, s.source) for s in result.spans[i]]


def test_registered_in_its_own_registry_and_project_raises():
    assert "markers" in marker_projectors.names() and "markers" not in projectors.names()
    proj = make_marker_projector("markers", style="xml")
    assert isinstance(proj, MarkerProjector)
    with pytest.raises(TypeError, match="project_with_translation"):
        proj.project([["a"]], [["b"]], [[]], [])


def test_insert_and_parse_roundtrip():
    style = parse_style("xml")
    marked = insert_markers(SENT.tokens, SENT.spans, style, [0, 1, 2])
    assert marked[:4] == ["<e0>", "Angela", "Merkel", "</e0>"]
    p = parse_markers(marked, style)
    assert p.tokens == SENT.tokens
    assert p.events[0] == (0, "open", 0) and p.events[1] == (2, "close", 0)
    # markers split by spaces, glued to words, or inside a token are still found
    p = parse_markers(["<", "e1", ">Paris", "<", "/", "e1", ">", "."], style)
    assert p.tokens == ["Paris", "."] and [e[1:] for e in p.events] == [("open", 1), ("close", 1)]
    p = parse_markers(["[Paris]", "ist", "schön"], parse_style("brackets"))
    assert p.tokens == ["Paris", "ist", "schön"]


def test_literal_brackets_in_source_are_escaped():
    marked = insert_markers(["[", "applause", "]", "Paris"], [Span(3, 4, "LOC")],
                            parse_style("brackets"), [0])
    assert marked == ["(", "applause", ")", "[", "Paris", "]"]


@pytest.mark.parametrize("style", ["brackets", "xml"])
def test_clean_markers(style):
    tr = FakeTranslator(DE)
    tgt, res = MarkerProjector(tr, style=style).project_with_translation([SENT])
    assert tgt[0] == ["Angela", "Merkel", "traf", "Emmanuel", "Macron", "in", "Paris", "."]
    assert spans(res) == [(0, 2, "PER", 0), (3, 5, "PER", 1), (6, 7, "LOC", 2)]
    assert all(s.score == 1.0 for s in res.spans[0]) and res.skipped == []
    assert len(tr.calls) == 1  # no entity needed repair, so no entity translation


def test_reordered_plain_markers_are_matched_by_similarity():
    # the translation swaps the two persons; plain brackets carry no index
    def swap(t):
        i, j = t.index("Angela") - 1, t.index("Emmanuel") - 1
        a, b = t[i : i + 4], t[j : j + 4]
        return b + t[i + 4 : j] + a + t[j + 4 :]

    src = Sentence(["Angela", "Merkel", "met", "Emmanuel", "Macron", "."],
                   [Span(0, 2, "PER"), Span(3, 5, "ORG")])
    _, res = MarkerProjector(FakeTranslator(edit=swap)).project_with_translation([src])
    got = {s.source: (s.start, s.end, s.label) for s in res.spans[0]}
    assert got == {1: (0, 2, "ORG"), 0: (3, 5, "PER")}


def test_lost_markers_are_repaired_by_string_similarity():
    def drop_all(t):
        return [x for x in t if x not in ("[", "]")]

    tgt, res = MarkerProjector(FakeTranslator(DE, drop_all)).project_with_translation([SENT])
    assert tgt[0][2] == "traf"
    assert spans(res) == [(0, 2, "PER", 0), (3, 5, "PER", 1), (6, 7, "LOC", 2)]
    assert res.skipped == []


def test_entity_translation_helps_repair():
    words = {"United": "Vereinten", "Nations": "Nationen", "the": "die"}
    src = Sentence(["the", "United", "Nations", "met"], [Span(1, 3, "ORG")])
    tr = FakeTranslator(words, lambda t: [x for x in t if x not in ("[", "]")])
    _, res = MarkerProjector(tr, min_similarity=0.8).project_with_translation([src])
    assert spans(res) == [(1, 3, "ORG", 0)]
    assert len(tr.calls) == 2  # the marked sentence, then the lost entity alone
    # without translating the entity, "Vereinten Nationen" is too unlike "United Nations"
    tr = FakeTranslator(words, lambda t: [x for x in t if x not in ("[", "]")])
    _, res = MarkerProjector(tr, min_similarity=0.8,
                             translate_entities=False).project_with_translation([src])
    assert res.spans[0] == [] and res.skipped[0][0] == 0
    assert "lost" in res.skipped[0][1]


def test_duplicated_indexed_markers_keep_best_pair():
    def duplicate(t):  # "<e0> Merkel </e0>" appears again around "traf"
        return t + ["<e0>", "traf", "</e0>"]

    tgt, res = MarkerProjector(FakeTranslator(DE, duplicate), style="xml").project_with_translation([SENT])
    assert tgt[0][-1] == "traf"
    assert (0, 2, "PER", 0) in spans(res)
    assert res.skipped == []


def test_unbalanced_markers():
    def lose_close(t):  # the closing marker of Macron vanishes
        t = list(t)
        i = [k for k, x in enumerate(t) if x == "]"][1]
        return t[:i] + t[i + 1 :]

    _, res = MarkerProjector(FakeTranslator(DE, lose_close)).project_with_translation([SENT])
    assert spans(res) == [(0, 2, "PER", 0), (3, 5, "PER", 1), (6, 7, "LOC", 2)]

    def lose_open(t):  # indexed: only </e2> survives for Paris
        return [x for x in t if x != "<e2>"]

    _, res = MarkerProjector(FakeTranslator(DE, lose_open), style="xml").project_with_translation([SENT])
    assert (6, 7, "LOC", 2) in spans(res)


def test_unrecoverable_sentence_is_skipped_with_reason():
    def garble(t):
        return ["völlig", "anderer", "Satz", "."]

    sents = [SENT, Sentence(["no", "entities"], [])]
    tgt, res = MarkerProjector(FakeTranslator(edit=garble)).project_with_translation(sents)
    assert len(tgt) == 2 and res.spans[0] == [] and res.spans[1] == []
    assert [i for i, _ in res.skipped] == [0]
    assert "markers missing" in res.skipped[0][1]
    # on_missing="keep" keeps what was found and skips nothing
    _, res = MarkerProjector(FakeTranslator(edit=garble), on_missing="keep").project_with_translation(sents)
    assert res.skipped == []


def test_empty_translation_and_pairs_input():
    tr = FakeTranslator(edit=lambda t: [])
    tgt, res = MarkerProjector(tr).project_with_translation([(SENT.tokens, SENT.spans)])
    assert tgt == [[]] and res.skipped == [(0, "empty translation")]


def test_overlapping_source_spans_are_reduced():
    src = Sentence(["New", "York", "City"], [Span(0, 2, "LOC"), Span(0, 3, "LOC")])
    _, res = MarkerProjector(FakeTranslator()).project_with_translation([src])
    assert spans(res) == [(0, 3, "LOC", 1)]


def test_custom_style_and_errors():
    style = parse_style("<<{i} {i}>>")
    assert isinstance(style, MarkerStyle) and style.indexed
    tgt, res = MarkerProjector(FakeTranslator(DE), style=style).project_with_translation([SENT])
    assert len(res.spans[0]) == 3 and tgt[0][0] == "Angela"
    with pytest.raises(ValueError):
        parse_style("nonsense")
    with pytest.raises(ValueError):
        MarkerStyle("<{i}>", "]")
    with pytest.raises(ValueError, match="translator"):
        MarkerProjector().project_with_translation([SENT])
