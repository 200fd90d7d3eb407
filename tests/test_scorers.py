import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from annoproj.data.model import Alignment
from annoproj.project.base import MatchInstance, scorers
from annoproj.project.candidates import (
    aligned_ranges,
    candidates,
    is_punct,
    sentence_candidates,
)
from annoproj.project.match import fit_in_parts
from annoproj.project.scorers.lexical import LexicalScorer, LinkCounts


def inst(src, tgt, ents, cands, pairs, scores=None):
    return MatchInstance(
        src_tokens=src,
        tgt_tokens=tgt,
        entities=np.asarray(ents, dtype=np.int32).reshape(-1, 2),
        labels=["X"] * len(ents),
        candidates=np.asarray(cands, dtype=np.int32).reshape(-1, 2),
        alignment=Alignment.from_pairs(pairs, scores),
    )


# ---------------------------------------------------------------- candidates


def test_candidates_all_ngrams_in_order():
    got = candidates(3, max_len=2)
    assert got.dtype == np.int32
    assert got.tolist() == [[0, 1], [0, 2], [1, 2], [1, 3], [2, 3]]
    assert candidates(3, max_len=10).shape == (6, 2)
    assert candidates(0).shape == (0, 2)


def test_candidates_within_and_punctuation():
    toks = ["die", "EU", ",", "und", "(", "Rat", ")"]
    got = candidates(7, max_len=3, within=(1, 4), tgt_tokens=toks)
    assert got.tolist() == [[1, 2], [1, 4], [3, 4]]
    got = candidates(7, max_len=3, within=(1, 4), tgt_tokens=toks, skip_punct_edges=False)
    assert [2, 3] in got.tolist()
    assert is_punct("«") and is_punct("--") and not is_punct("3,5") and not is_punct("")


def test_aligned_ranges_and_sentence_candidates():
    a = Alignment.from_pairs([(0, 2), (0, 4), (2, 0)])
    ents = np.array([[0, 1], [1, 2], [2, 3]])
    assert aligned_ranges(ents, a).tolist() == [[2, 5], [0, 0], [0, 1]]
    assert aligned_ranges(ents, a, margin=1, n_tgt=5).tolist() == [[1, 5], [0, 0], [0, 2]]
    got = sentence_candidates(ents[:1], a, 6, margin=0)
    assert got.tolist() == candidates(6, within=(2, 5)).tolist()
    # union of the ranges (2,5) and (0,1): nothing crossing the gap
    got = sentence_candidates(ents, a, 6, margin=0).tolist()
    assert [0, 1] in got and [2, 5] in got and [0, 3] not in got
    assert sentence_candidates(ents[1:2], a, 6).shape == (0, 2)
    assert len(sentence_candidates(ents[1:2], a, 6, unaligned="all")) == 21


# ---------------------------------------------------------------- alignment


def test_alignment_scores_by_hand():
    # src: A B c ; tgt: a b x y ; links A-a, B-b, B-x
    i = inst(
        ["A", "B", "c"],
        ["a", "b", "x", "y"],
        [[0, 2]],
        [[0, 2], [0, 3], [0, 1], [3, 4]],
        [(0, 0), (1, 1), (1, 2)],
    )
    words = scorers.create("alignment", mode="words").score([i])[0]
    # (2 src words covered + 2 tgt words covered) / (2 + 2) = 1 ; (2 + 3) / (2 + 3) = 1
    # (1 + 1) / (2 + 1) ; 0
    np.testing.assert_allclose(words, [[1.0, 1.0, 2 / 3, 0.0]], rtol=1e-6)
    links = scorers.create("alignment", mode="links").score([i])[0]
    # 2*2/4 = 1 ; 2*3/5 = 1.2 -> 1 ; 2*1/3 ; 0
    np.testing.assert_allclose(links, [[1.0, 1.0, 2 / 3, 0.0]], rtol=1e-6)
    assert words.dtype == np.float32 and words.shape == (1, 4)


def test_alignment_uses_link_scores():
    i = inst(["A"], ["a", "b"], [[0, 1]], [[0, 1], [0, 2]], [(0, 0), (0, 1)], [0.5, 0.25])
    got = scorers.create("alignment", mode="words").score([i])[0]
    # [0,1]: (min(1, .5) + .5) / 2 = .5 ; [0,2]: (min(1, .75) + .5 + .25) / 3 = .5
    np.testing.assert_allclose(got, [[0.5, 0.5]], rtol=1e-6)
    links = scorers.create("alignment").score([i])[0]
    # [0,1]: 2 * .5 / 2 ; [0,2]: 2 * .75 / 3
    np.testing.assert_allclose(links, [[0.5, 0.5]], rtol=1e-6)
    plain = scorers.create("alignment", use_scores=False).score([i])[0]
    np.testing.assert_allclose(plain, [[1.0, 1.0]])


def test_alignment_matches_a_loop_on_random_instances():
    rng = np.random.default_rng(1)
    for _ in range(20):
        n_src, n_tgt = rng.integers(1, 8, size=2)
        pairs = {(int(rng.integers(n_src)), int(rng.integers(n_tgt))) for _ in range(6)}
        ents = np.array([[s, e] for s in range(n_src) for e in range(s + 1, n_src + 1)])
        cands = candidates(int(n_tgt))
        got = scorers.create("alignment", mode="words").score(
            [inst(["w"] * n_src, ["v"] * n_tgt, ents, cands, sorted(pairs))]
        )[0]
        for a, (s, e) in enumerate(ents):
            for b, (cs, ce) in enumerate(cands):
                src_cov = sum(any(i == x and cs <= j < ce for x, j in pairs) for i in range(s, e))
                tgt_cov = sum(any(j == y and s <= i < e for i, y in pairs) for j in range(cs, ce))
                want = (src_cov + tgt_cov) / ((e - s) + (ce - cs))
                assert got[a, b] == pytest.approx(want, abs=1e-6)


# ---------------------------------------------------------------- string


def test_string_span_level_by_hand():
    i = inst(
        ["Jürgen", "Müller"],
        ["Herr", "Jurgen", "MULLER", "sagt"],
        [[0, 2], [1, 2]],
        [[1, 3], [1, 2], [0, 1]],
        [],
    )
    got = scorers.create("string", level="span", method="ratio").score([i])[0]
    # "jurgen muller" == "jurgen muller" ; vs "jurgen": 2*6/(13+6) ; "muller" vs "herr"
    assert got[0, 0] == pytest.approx(1.0)
    assert got[0, 1] == pytest.approx(12 / 19, abs=1e-5)
    assert got[1, 2] == pytest.approx(2 * 2 / 10, abs=1e-5)  # "muller" / "herr": "er" in common
    assert got.dtype == np.float32 and got.min() >= 0 and got.max() <= 1
    with pytest.raises(ValueError, match="method"):
        scorers.create("string", method="nope")


def test_string_word_level_by_hand():
    # entity "European Parliament" vs "del Parlamento Europeo" / "Parlamento Europeo"
    src = ["the", "European", "Parliament"]
    tgt = ["del", "Parlamento", "Europeo", "vota"]
    i = inst(src, tgt, [[1, 3]], [[0, 3], [1, 3], [1, 2], [3, 4]], [])
    sc = scorers.create("string", method="ratio", word_threshold=0.5)
    got = sc.score([i])[0]
    a, b = fuzz.ratio("european", "europeo") / 100, fuzz.ratio("parliament", "parlamento") / 100
    assert fuzz.ratio("del", "european") < 50 and fuzz.ratio("vota", "parliament") < 50
    # entity words: best match each; candidate words: best match each; over total length
    np.testing.assert_allclose(
        got[0], [(a + b + 0 + b + a) / 5, (a + b + b + a) / 4, (0 + b + b) / 3, 0.0], rtol=1e-5
    )
    jw = scorers.create("string").score([i])[0]
    assert jw[0, 1] > jw[0, 0] > jw[0, 3]
    assert jw.dtype == np.float32 and jw.max() <= 1


def test_string_transliterates_other_scripts():
    i = inst(["Moskau"], ["в", "Москву"], [[0, 1]], [[1, 2], [0, 1]], [])
    got = scorers.create("string").score([i])[0]
    assert got[0, 0] > 0.6 > got[0, 1]


# ---------------------------------------------------------------- lexical


def test_lexical_fit_and_score_by_hand():
    src = [["the", "house"], ["the", "house"], ["house"]]
    tgt = [["das", "haus"], ["das", "heim"], ["haus"]]
    al = [Alignment.from_pairs([(0, 0), (1, 1)])] * 2 + [Alignment.from_pairs([(0, 0)])]
    sc = LexicalScorer(direction="tgt", identical=False).fit(src, tgt, al)
    # p(haus|house) = 2/3, p(heim|house) = 1/3, p(das|the) = 1
    i = inst(["house"], ["das", "haus", "heim"], [[0, 1]], [[1, 2], [2, 3], [0, 2]], [])
    got = sc.score([i])[0]
    np.testing.assert_allclose(got, [[2 / 3, 1 / 3, (0 + 2 / 3) / 2]], rtol=1e-6)
    both = LexicalScorer(direction="both", identical=False).fit(src, tgt, al).score([i])[0]
    # p(house|haus) = 1, p(house|heim) = 1: mirror terms 1, 1, 1
    np.testing.assert_allclose(
        both, [[(2 / 3 + 1) / 2, (1 / 3 + 1) / 2, (1 / 3 + 1) / 2]], rtol=1e-6
    )


def test_lexical_dictionary_file_and_identical_words(tmp_path):
    path = tmp_path / "dict.tsv"
    path.write_text("# comment\nhouse\tHaus\t0.8\nhouse\theim\n", encoding="utf-8")
    sc = LexicalScorer(dictionary=path, direction="tgt")
    i = inst(
        ["House", "Obama"],
        ["haus", "heim", "obama"],
        [[0, 1], [1, 2]],
        [[0, 1], [1, 2], [2, 3]],
        [],
    )
    got = sc.score([i])[0]
    np.testing.assert_allclose(got, [[0.8, 1.0, 0.0], [0.0, 0.0, 1.0]], rtol=1e-6)
    path.write_text("a\tb\tc\td\n", encoding="utf-8")
    with pytest.raises(ValueError, match="dict.tsv:1"):
        LexicalScorer(dictionary=path)


def test_lexical_fits_on_the_batch_when_unfitted():
    i = inst(["house"], ["haus", "x"], [[0, 1]], [[0, 1], [1, 2]], [(0, 0)])
    got = LexicalScorer(identical=False).score([i])[0]
    np.testing.assert_allclose(got, [[1.0, 0.0]])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_link_counts_in_parts_equal_the_whole_corpus(data):
    words = st.lists(st.sampled_from("a b c D e".split()), min_size=0, max_size=5)
    pairs = data.draw(st.lists(st.tuples(words, words), min_size=1, max_size=12))
    src, tgt, al = [], [], []
    for s, t in pairs:
        links = [(i, j) for i in range(len(s)) for j in range(len(t))
                 if data.draw(st.booleans())]
        src.append(s)
        tgt.append(t)
        al.append(Alignment.from_pairs(links, [0.5 + 0.1 * (k % 5) for k in range(len(links))]))
    cut = sorted(data.draw(st.lists(st.integers(0, len(pairs)), max_size=3)))
    weighted = data.draw(st.booleans())
    min_count = data.draw(st.integers(1, 2))
    whole = LinkCounts(weighted=weighted).add(src, tgt, al).table(min_count=min_count)
    counts = LinkCounts(weighted=weighted)
    for lo, hi in zip([0, *cut], [*cut, len(pairs)]):
        counts.add(src[lo:hi], tgt[lo:hi], al[lo:hi])
    part = counts.table(min_count=min_count)
    assert part.src_vocab == whole.src_vocab and part.tgt_vocab == whole.tgt_vocab
    np.testing.assert_array_equal(part.keys, whole.keys)
    np.testing.assert_allclose(part.fwd, whole.fwd)
    np.testing.assert_allclose(part.rev, whole.rev)


def test_lexical_fitted_in_parts_scores_as_fitted_whole():
    src = [["the", "house"], ["the", "house"], ["house"]]
    tgt = [["das", "haus"], ["das", "heim"], ["haus"]]
    al = [Alignment.from_pairs([(0, 0), (1, 1)])] * 2 + [Alignment.from_pairs([(0, 0)])]
    i = inst(["house"], ["das", "haus", "heim"], [[0, 1]], [[1, 2], [2, 3], [0, 2]], [(0, 2)])
    whole = LexicalScorer(identical=False).fit(src, tgt, al)
    parts = LexicalScorer(identical=False)
    assert parts.needs_corpus
    parts.partial_fit(src[:1], tgt[:1], al[:1]).partial_fit(src[1:], tgt[1:], al[1:])
    assert not parts.needs_corpus
    sent = pickle.loads(pickle.dumps(parts))  # as a worker process gets it
    sent.observe([i.src_tokens], [i.tgt_tokens], [i.alignment])  # a batch changes nothing
    for sc in (parts, sent):
        np.testing.assert_array_equal(sc.score([i])[0], whole.score([i])[0])


def test_fit_in_parts_builds_only_the_scorers_that_take_parts(tmp_path):
    path = tmp_path / "dict.tsv"
    path.write_text("Paris\tParigi\n", encoding="utf-8")
    src, tgt = [["Paris"]] * 4, [["Parigi"]] * 4
    al = [Alignment.from_pairs([(0, 0)])] * 4
    opts = {"scorers": ["alignment", "lexical"], "scorer_options": {"lexical": {"identical": False}},
            "min_score": 0.1}
    out = fit_in_parts(opts, [(src[:2], tgt[:2], al[:2]), (src[2:], tgt[2:], al[2:])])
    assert out["scorers"][0] == "alignment" and isinstance(out["scorers"][1], LexicalScorer)
    assert out["scorer_options"] == {} and out["min_score"] == 0.1
    assert not out["scorers"][1].identical  # its options were used
    assert fit_in_parts({"scorers": ["alignment", "string"]}, iter(())) is None
    with_dictionary = {"scorer_options": {"lexical": {"dictionary": str(path)}}}
    assert fit_in_parts(with_dictionary, iter(())) is None  # its table is given


# ---------------------------------------------------------------- fusion


def test_fusion_weights_thresholds_and_required():
    i = inst(["Paris"], ["in", "Paris", "Pariser"], [[0, 1]], [[1, 2], [2, 3], [0, 1]], [(0, 1)])
    al = scorers.create("alignment").score([i])[0]
    st = scorers.create("string").score([i])[0]
    f = scorers.create("fusion", scorers=["alignment", "string"], weights=[3, 1])
    np.testing.assert_allclose(f.score([i])[0], (3 * al + st) / 4, rtol=1e-6)
    f = scorers.create("fusion", weights={"string": 1.0}, thresholds={"string": 0.9})
    np.testing.assert_allclose(f.score([i])[0], (al + st * (st >= 0.9)) / 2, rtol=1e-6)
    f = scorers.create("fusion", required=["alignment"])
    got = f.score([i])[0]
    assert got[0, 1] == 0 and got[0, 0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown"):
        scorers.create("fusion", weights={"lexicl": 1.0})
    with pytest.raises(ValueError, match="2 scorers"):
        scorers.create("fusion", weights=[1.0])
