import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annoproj.align.symmetrize import symmetrize
from annoproj.data.model import Alignment, ProjectedSpan, Span
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.match import MatchProjector
from annoproj.project.projectors import make_projector, projectors
from annoproj.errors import RegistryError


def diag(n):
    return Alignment.from_pairs([(i, i) for i in range(n)])


def spans_of(result, i=0):
    return [(s.start, s.end, s.label) for s in result.spans[i]]


def test_registered_and_one_to_one_projection():
    assert "match" in projectors.names()
    p = make_projector("match")
    src = ["John", "Smith", "visited", "Paris", "."]
    tgt = ["Johann", "Smith", "besuchte", "Paris", "."]
    r = p.project([src], [tgt], [[Span(0, 2, "PER"), Span(3, 4, "LOC")]], [diag(5)])
    assert spans_of(r) == [(0, 2, "PER"), (3, 4, "LOC")]
    assert r.skipped == []
    assert [s.source for s in r.spans[0]] == [0, 1]
    assert all(isinstance(s, ProjectedSpan) and 0 < s.score <= 1 for s in r.spans[0])


def test_reordered_multiword_entity():
    src = ["the", "European", "Parliament", "voted"]
    tgt = ["el", "Parlamento", "Europeo", "votó"]
    a = Alignment.from_pairs([(0, 0), (1, 2), (2, 1), (3, 3)])
    r = MatchProjector().project([src], [tgt], [[Span(1, 3, "ORG")]], [a])
    assert spans_of(r) == [(1, 3, "ORG")]
    assert r.spans[0][0].score > 0.95


def test_string_and_lexical_break_an_alignment_tie():
    # "Commission" is linked to both "la" and "Comisión": in "words" mode the alignment
    # scores "la", "Comisión" and "la Comisión" alike; string and lexical prefer the noun
    src = ["the", "Commission", "agrees"]
    tgt = ["la", "Comisión", "está", "de", "acuerdo"]
    a = Alignment.from_pairs([(1, 0), (1, 1), (2, 2)])
    p = MatchProjector(min_score=0.0)
    inst = p.instance(src, tgt, [Span(1, 2, "ORG")], a)
    words = scorers.create("alignment", mode="words").score([inst])[0][0]
    cands = inst.candidates.tolist()
    assert words[cands.index([0, 1])] == words[cands.index([1, 2])] == words[cands.index([0, 2])]
    assert spans_of(p.project([src], [tgt], [[Span(1, 2, "ORG")]], [a])) == [(1, 2, "ORG")]


def test_two_entities_competing_for_one_word():
    src = ["Berlin", "and", "Bonn"]
    tgt = ["Berlin"]
    a = Alignment.from_pairs([(0, 0), (2, 0)])
    r = MatchProjector(min_score=0.0).project(
        [src], [tgt], [[Span(0, 1, "LOC"), Span(2, 3, "LOC")]], [a]
    )
    assert len(r.spans[0]) == 1 and r.spans[0][0].source == 0  # string match breaks the tie


def test_bad_pairs_are_skipped_not_fatal():
    src = [["A", "b"], ["A", "b"], ["A", "b"], ["c"]]
    tgt = [["a", "b"], ["a", "b"], ["a", "b"], ["c"]]
    spans = [[Span(0, 1, "PER")], [Span(0, 1, "PER")], [Span(1, 5, "PER")], []]
    aligns = [diag(2), Alignment.from_pairs([(0, 7)]), diag(2), diag(1)]
    r = MatchProjector().project(src, tgt, spans, aligns)
    assert len(r) == 4
    assert spans_of(r, 0) == [(0, 1, "PER")]
    assert [i for i, _ in r.skipped] == [1, 2]
    assert "outside" in r.skipped[0][1] and "does not fit" in r.skipped[1][1]
    assert r.spans[1] == r.spans[2] == r.spans[3] == []
    with pytest.raises(ValueError, match="differ in length"):
        MatchProjector().project(src, tgt[:2], spans, aligns)


def test_min_score_and_unaligned_entities():
    src = ["Obama", "met", "Merkel"]
    tgt = ["Obama", "traf", "Frau", "Merkel"]
    a = Alignment.from_pairs([(0, 0), (2, 2), (2, 3), (1, 1)])
    # "Merkel" linked to "Frau Merkel": alignment 1.0 for the pair, string prefers "Merkel"
    r = MatchProjector().project([src], [tgt], [[Span(0, 1, "PER"), Span(2, 3, "PER")]], [a])
    assert spans_of(r) == [(0, 1, "PER"), (3, 4, "PER")]
    # an entity without links gets nothing unless candidates span the whole sentence
    a2 = Alignment.from_pairs([(1, 1)])
    ents = [[Span(2, 3, "PER")]]
    assert MatchProjector().project([src], [tgt], ents, [a2]).spans[0] == []
    p = MatchProjector(unaligned="all", scorers=["string"], min_score=0.5)
    assert spans_of(p.project([src], [tgt], ents, [a2])) == [(3, 4, "PER")]


def test_exactly_constraint_and_infeasible_sentences_are_skipped():
    src, tgt = ["A", "B"], ["a"]
    a = Alignment.from_pairs([(0, 0), (1, 0)])
    p = MatchProjector(constraint="exactly", min_score=0.0)
    r = p.project([src], [tgt], [[Span(0, 1, "X"), Span(1, 2, "Y")]], [a])
    assert r.spans[0] == [] and r.skipped and "cannot" in r.skipped[0][1]
    r = p.project([src], [tgt], [[Span(0, 1, "X")]], [a])
    assert spans_of(r) == [(0, 1, "X")]


def test_options_are_checked():
    with pytest.raises(RegistryError, match="unknown scorer"):
        MatchProjector(scorers=["nope"])
    with pytest.raises(RegistryError, match="unknown solver"):
        MatchProjector(solver="nope")
    with pytest.raises(ValueError, match="max_len"):
        MatchProjector(max_len=0)
    with pytest.raises(ValueError, match="not used"):
        MatchProjector(scorers=["alignment"], scorer_options={"string": {}})
    with pytest.raises(ValueError, match="unknown scorer"):
        MatchProjector(scorers=["alignment", "string"], weights={"lexical": 1.0})
    p = MatchProjector(scorers=["alignment", "string"])
    assert p.scorer.weights.tolist() == [1.0, 0.25]  # tuned per-scorer weights


def test_custom_scorer_object_and_greedy_solver():
    class First:
        name = "first"

        def score(self, batch):
            out = []
            for inst in batch:
                m = np.zeros((len(inst.entities), len(inst.candidates)), np.float32)
                m[:, 0] = 1.0
                out.append(m)
            return out

    p = MatchProjector(scorers=[First()], solver="greedy")
    r = p.project([["A", "B"]], [["a", "b"]], [[Span(0, 1, "X"), Span(1, 2, "Y")]], [diag(2)])
    assert len(r.spans[0]) == 1 and r.spans[0][0].start == 0


def test_soft_union_symmetrisation_scores_links():
    fwd = Alignment.from_pairs([(0, 0), (1, 1)])
    rev = Alignment.from_pairs([(0, 0), (1, 2)])
    got = symmetrize(fwd, rev, 2, 3, method="soft-union")
    assert got.pairs() == [(0, 0), (1, 1), (1, 2)]
    np.testing.assert_allclose(got.scores, [1.0, 0.5, 0.5])
    i = MatchInstance(
        ["x", "y"], ["a", "b", "c"], np.array([[1, 2]]), ["X"], np.array([[1, 2], [1, 3]]), got
    )
    np.testing.assert_allclose(scorers.create("alignment").score([i])[0], [[0.5, 2 / 3]])


@st.composite
def corpora(draw):
    n = draw(st.integers(1, 4))
    out = []
    for _ in range(n):
        ns, nt = draw(st.integers(1, 6)), draw(st.integers(1, 6))
        words = st.sampled_from(["a", "b", "Paris", "EU", ",", "x"])
        src = draw(st.lists(words, min_size=ns, max_size=ns))
        tgt = draw(st.lists(words, min_size=nt, max_size=nt))
        links = draw(
            st.lists(st.tuples(st.integers(0, ns - 1), st.integers(0, nt - 1)), max_size=8)
        )
        spans, pos = [], 0
        while pos < ns and draw(st.booleans()):
            s = draw(st.integers(pos, ns - 1))
            e = draw(st.integers(s + 1, ns))
            spans.append(Span(s, e, draw(st.sampled_from(["PER", "LOC"]))))
            pos = e
        out.append((src, tgt, spans, Alignment.from_pairs(links)))
    return out


@settings(max_examples=60, deadline=None)
@given(corpora(), st.sampled_from(["exact", "greedy", "ilp"]), st.integers(1, 2))
def test_projection_never_overlaps_and_respects_per_entity(corpus, solver, k):
    p = MatchProjector(solver=solver, per_entity=k, min_score=0.0, max_len=3)
    src, tgt, spans, aligns = map(list, zip(*corpus))
    r = p.project(src, tgt, spans, aligns)
    assert len(r) == len(corpus) and r.skipped == []
    for i, got in enumerate(r.spans):
        got = sorted(got)
        for a, b in itertools.pairwise(got):
            assert a.end <= b.start
        for s in got:
            assert 0 <= s.start < s.end <= len(tgt[i]) and s.end - s.start <= 3
            assert s.label == spans[i][s.source].label and 0 < s.score <= 1
        counts = np.bincount([s.source for s in got], minlength=len(spans[i]))
        assert np.all(counts <= k)


def test_fit_makes_batched_projection_equal_to_whole():
    """After fit() on the whole corpus, projecting it in parts gives what one call gives:
    the lexical table no longer depends on the batch."""
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(12)]
    src, tgt, spans, links = [], [], [], []
    for _ in range(40):
        n = int(rng.integers(3, 7))
        s = [vocab[int(i)] for i in rng.integers(0, 12, n)]
        src.append(s)
        tgt.append([w.upper() for w in s])
        pairs = [(i, i) for i in range(n) if rng.random() < 0.8]
        pairs += [(int(rng.integers(0, n)), int(rng.integers(0, n))) for _ in range(2)]
        links.append(Alignment.from_pairs(pairs))
        spans.append([Span(0, 2, "PER")])
    whole = MatchProjector(scorers=["alignment", "lexical"]).project(src, tgt, spans, links)
    p = MatchProjector(scorers=["alignment", "lexical"]).fit(src, tgt, links)
    halves = [p.project(src[a:b], tgt[a:b], spans[a:b], links[a:b]) for a, b in ((0, 20), (20, 40))]
    assert halves[0].spans + halves[1].spans == whole.spans
    unfitted = MatchProjector(scorers=["alignment", "lexical"])
    parts = [unfitted.project(src[a:b], tgt[a:b], spans[a:b], links[a:b]) for a, b in ((0, 20), (20, 40))]
    assert parts[0].spans + parts[1].spans != whole.spans  # the table did depend on the batch
