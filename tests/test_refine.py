import doctest
import json

import numpy as np
import pytest

import annoproj.align.monolingual as mono_mod
import annoproj.align.refine as refine_mod
from annoproj.align.eflomal import EflomalAligner, seed_shim
from annoproj.align.monolingual import MonolingualAligner, similarity_matrix
from annoproj.align.refine import (
    AlignmentCache,
    BacktranslationRefiner,
    NoRefiner,
    PivotRefiner,
    Refiner,
    corpus_fingerprint,
    make_refiner,
    refiners,
)
from annoproj.align.symmetrize import symmetrize
from annoproj.data.model import Alignment
from annoproj.translate.base import PrecomputedTranslator, read_translations

EN = [s.split() for s in [
    "the house is small", "the house is big", "a small dog", "the dog is big",
    "Anna sees the dog", "Anna has a house", "the big dog sees Anna", "a house is a house",
] * 3]  # fmt: skip
DE = [s.split() for s in [
    "das Haus ist klein", "das Haus ist groß", "ein kleiner Hund", "der Hund ist groß",
    "Anna sieht den Hund", "Anna hat ein Haus", "der große Hund sieht Anna", "ein Haus ist ein Haus",
] * 3]  # fmt: skip
ES = [s.split() for s in [
    "la casa es pequeña", "la casa es grande", "un perro pequeño", "el perro es grande",
    "Anna ve el perro", "Anna tiene una casa", "el perro grande ve a Anna", "una casa es una casa",
] * 3]  # fmt: skip
IT = [s.split() for s in [
    "la casa è piccola", "la casa è grande", "un cane piccolo", "il cane è grande",
    "Anna vede il cane", "Anna ha una casa", "il cane grande vede Anna", "una casa è una casa",
] * 3]  # fmt: skip

seeded = pytest.mark.skipif(seed_shim() is None, reason="no C compiler to build the seed shim")


def direct(src=EN, tgt=DE, seed=0):
    aligner = EflomalAligner(seed=seed)
    both = aligner.align_both(src, tgt)
    links = [symmetrize(f, r, len(s), len(t), method="reverse")
             for f, r, s, t in zip(both.forward, both.reverse, src, tgt)]
    return links, both


def in_bounds(alignments, src, tgt):
    assert len(alignments) == len(src)
    for a, s, t in zip(alignments, src, tgt):
        a.check_bounds(len(s), len(t))


@pytest.mark.parametrize("module", [refine_mod, mono_mod])
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


def test_registry_and_protocol():
    assert {"none", "pivot", "backtranslation"} <= set(refiners.names())
    r = make_refiner("pivot", pivots={"es": ES})
    assert isinstance(r, Refiner) and isinstance(NoRefiner(), Refiner)
    links, _ = direct()
    assert make_refiner("none").refine(EN, DE, links) == links


# --- the cache -----------------------------------------------------------------------------


def test_cache_serves_either_order_and_counts_runs():
    cache = AlignmentCache()
    aligner = EflomalAligner(seed=0)
    ab = cache.align_both(aligner, EN, DE)
    ba = cache.align_both(aligner, DE, EN)
    assert cache.runs == 1 and cache.hits == 1
    assert ba.forward == [a.inverted() for a in ab.reverse]
    assert ba.reverse == [a.inverted() for a in ab.forward]
    # other settings are another run
    cache.align_both(EflomalAligner(seed=0, prefix_len=0), EN, DE)
    assert cache.runs == 2
    # a pair asked twice in one batch runs once
    out = cache.align_many(aligner, [(EN, ES), (ES, EN)], workers=2)
    assert cache.runs == 3 and out[0].forward == [a.inverted() for a in out[1].reverse]


def test_cache_rejects_a_run_of_another_corpus():
    with pytest.raises(ValueError, match="a run of"):
        AlignmentCache().put(EflomalAligner(), EN, DE, direct(EN[:2], DE[:2])[1])


def test_fingerprint_distinguishes_token_boundaries():
    assert corpus_fingerprint([["ab", "c"]]) != corpus_fingerprint([["a", "bc"]])
    assert corpus_fingerprint([]) != corpus_fingerprint([[]])


# --- pivots --------------------------------------------------------------------------------


@seeded
def test_pivot_refiner_is_deterministic_and_in_bounds():
    links, both = direct()
    a = PivotRefiner(pivots={"es": ES, "it": IT}, seed=3).refine(EN, DE, links, directions=both)
    b = PivotRefiner(pivots=[ES, IT], seed=3).refine(EN, DE, links, directions=both)
    in_bounds(a, EN, DE)
    assert a == b


def test_pivot_refiner_reuses_legs_and_the_direct_run():
    links, both = direct()
    cache = AlignmentCache()
    r = PivotRefiner(pivots={"es": ES, "it": IT}, cache=cache)
    cache.put(r.aligner, EN, DE, both)
    r.refine(EN, DE, links)  # directions come from the cache
    assert r.stats["eflomal_runs"] == 4 and r.stats["pivots"] == ["es", "it"]
    r.refine(EN, DE, links)
    assert r.stats["eflomal_runs"] == 0
    # de as the target of es: both legs en-de and de-it are known, only en-es... is too
    r2 = PivotRefiner(pivots={"de": DE, "it": IT}, cache=cache)
    r2.refine(EN, ES, links, directions=direct(EN, ES)[1])
    assert r2.stats["eflomal_runs"] == 1  # it-es only


def test_legs_run_with_leg_options_and_reuse_direct_settings_runs():
    links, both = direct()
    cache = AlignmentCache()
    r = PivotRefiner(pivots={"es": ES}, cache=cache)
    assert r.leg_aligner.n_samplers == 1 and r.aligner.n_samplers == 3  # LEG_OPTIONS
    r.refine(EN, DE, links, directions=both)
    assert r.stats["eflomal_runs"] == 2 and r.stats["leg_options"] == {"n_samplers": 1}
    assert cache.get(r.leg_aligner, EN, ES) is not None and cache.get(r.aligner, EN, ES) is None
    # a run with the direct settings serves as a leg
    full = PivotRefiner(pivots={"es": ES}, cache=AlignmentCache(), leg_options={})
    assert full.leg_aligner.n_samplers == 3
    cache2 = AlignmentCache()
    r2 = PivotRefiner(pivots={"es": ES}, cache=cache2)
    cache2.put(r2.aligner, EN, ES, EflomalAligner(seed=0).align_both(EN, ES))
    r2.refine(EN, DE, links, directions=both)
    assert r2.stats["eflomal_runs"] == 1 and r2.stats["eflomal_reused"] == 1
    with pytest.raises(ValueError, match="leg_options cannot set"):
        PivotRefiner(pivots={"es": ES}, leg_options={"seed": 1})


def test_union_refinement_contains_direct_and_vote_k1_is_union():
    links, _ = direct()
    cache = AlignmentCache()
    common = {"pivots": {"es": ES, "it": IT}, "cache": cache}
    union = PivotRefiner(combine="union", **common).refine(EN, DE, links)
    vote1 = PivotRefiner(combine="vote", combine_options={"k": 1}, **common).refine(EN, DE, links)
    assert union == vote1
    for u, d in zip(union, links):
        assert set(d.pairs()) <= set(u.pairs())


def test_confirm_keeps_what_both_directions_agree_on():
    links, both = direct()
    r = PivotRefiner(pivots={"es": ES})
    out = r.refine(EN, DE, links, directions=both)
    assert r.stats["combine"] == "confirm"  # auto, for unscored direct links
    for o, f, r in zip(out, both.forward, both.reverse):
        sure = set(f.pairs()) & set(r.pairs())
        assert sure <= set(o.pairs()) <= set(f.pairs()) | set(r.pairs())


def test_identity_pivot_gives_the_direct_path():
    """A pivot identical to the source composes to the source-target leg itself."""
    links, both = direct()
    r = PivotRefiner(pivots={"en2": [list(s) for s in EN]}, combine="vote",
                     combine_options={"k": 2})
    out = r.refine(EN, DE, links, directions=both)
    path = r.paths(EN, DE)["en2"]
    assert len(out) == len(path)


def test_pivot_errors():
    with pytest.raises(ValueError, match="no pivot"):
        PivotRefiner(pivots={})
    with pytest.raises(ValueError, match="unknown combination"):
        PivotRefiner(pivots={"es": ES}, combine="best")
    with pytest.raises(ValueError, match="unknown symmetrisation"):
        PivotRefiner(pivots={"es": ES}, leg_symmetrize="both")
    links, _ = direct()
    with pytest.raises(ValueError, match="must be parallel"):
        PivotRefiner(pivots={"es": ES[:3]}).refine(EN, DE, links)
    with pytest.raises(ValueError, match="direct alignments"):
        PivotRefiner(pivots={"es": ES}).refine(EN, DE, links[:2])
    assert PivotRefiner(pivots={"es": ES}).refine([], [], []) == []


# --- back-translation ----------------------------------------------------------------------


def test_backtranslation_from_a_file(tmp_path):
    # the German side "translated back" into English: the English source, lightly changed
    back = [[w.upper() if w == "Anna" else w for w in s] for s in EN]
    path = tmp_path / "bt"
    path.mkdir()
    (path / "de-en.txt").write_text("\n".join(" ".join(s) for s in back) + "\n", encoding="utf-8")
    links, both = direct()
    r = BacktranslationRefiner(translator=PrecomputedTranslator(path), src_lang="en",
                               tgt_lang="de", combine="union")
    out = r.refine(EN, DE, links, directions=both)
    in_bounds(out, EN, DE)
    for o, d in zip(out, links):
        assert set(d.pairs()) <= set(o.pairs())
    # the source aligns one-to-one to its back-translation ("Anna" ~ "ANNA" by case)
    s2b = r.monolingual.align(EN, back)
    assert all(a.pairs() == [(i, i) for i in range(len(s))] for a, s in zip(s2b, EN))
    # eflomal ran on the source/back-translation pairs (the same-language aligner adds its
    # links) and on the back-translation/target leg (a file has no word links)
    assert r.stats["eflomal_runs"] == 2 and r.stats["target_leg"] == "aligner"
    # the cached run gives the links the aligner would make itself
    assert r._source_leg(EN, back) == r.monolingual.align(EN, back)


def test_backtranslation_with_a_given_target_aligner():
    class Diagonal:
        def align(self, src, tgt):
            return [Alignment.from_pairs([(i, i) for i in range(min(len(s), len(t)))])
                    for s, t in zip(src, tgt)]

    src, tgt = [["a", "b", "c"]], [["x", "y", "z"]]
    r = BacktranslationRefiner(
        translator=PrecomputedTranslator(sentences=[["c", "b", "a"]]), src_lang="en",
        tgt_lang="xx", target_aligner=Diagonal(), combine="union",
    )  # fmt: skip
    path = r.path(src, tgt)
    assert path[0].pairs() == [(0, 2), (1, 1), (2, 0)]
    out = r.refine(src, tgt, [Alignment()])
    assert out[0].pairs() == [(0, 2), (1, 1), (2, 0)]
    assert r.stats["eflomal_runs"] == 0


def test_backtranslation_errors():
    class Short:
        def translate(self, sentences, *, src_lang, tgt_lang):
            return [["x"]]

    r = BacktranslationRefiner(translator=Short(), src_lang="en", tgt_lang="de")
    with pytest.raises(ValueError, match="1 back-translations for 2"):
        r.refine(EN[:2], DE[:2], [Alignment()] * 2)
    with pytest.raises(TypeError, match="translate"):
        BacktranslationRefiner(translator=object(), src_lang="en", tgt_lang="de")
    with pytest.raises(ValueError, match="counts must agree"):
        PrecomputedTranslator(sentences=[["a"]]).translate([["x"], ["y"]], src_lang="de",
                                                            tgt_lang="en")


def test_read_translations_text_and_conll(tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("a b\n\nc\n", encoding="utf-8")
    assert read_translations(text) == [["a", "b"], [], ["c"]]
    conll = tmp_path / "t.conll"
    conll.write_text("a\tO\nb\tB-PER\n\nc\tO\n", encoding="utf-8")
    assert read_translations(conll) == [["a", "b"], ["c"]]
    import gzip

    with gzip.open(tmp_path / "t.txt.gz", "wt", encoding="utf-8") as f:
        f.write("a b\nc\n")
    assert read_translations(tmp_path / "t.txt.gz") == [["a", "b"], ["c"]]
    with pytest.raises(FileNotFoundError):
        read_translations(tmp_path / "missing.txt")
    t = PrecomputedTranslator(tmp_path, fmt="text")
    with pytest.raises(FileNotFoundError, match="no de->en translations"):
        t.translate([["x"]], src_lang="de", tgt_lang="en")


# --- the same-language aligner -------------------------------------------------------------


def test_similarity_levels():
    sim = similarity_matrix(["Anna", "Müller", "government", "x"],
                            ["Anna", "muller", "governments", "y"])
    assert sim[0, 0] == 1.0 and np.isclose(sim[1, 1], 0.9)
    assert 0.5 < sim[2, 2] < 0.9 and sim[3, 3] == 0.0
    assert similarity_matrix([], ["a"]).shape == (0, 1)


def test_monolingual_prefers_the_diagonal_for_repeated_words():
    out = MonolingualAligner().align([["the", "cat", "and", "the", "dog"]],
                                     [["the", "cat", "and", "the", "dog"]])
    assert out[0].pairs() == [(i, i) for i in range(5)]
    swapped = MonolingualAligner().align([["dog", "cat"]], [["cat", "dog"]])
    assert swapped[0].pairs() == [(0, 1), (1, 0)]


def test_monolingual_with_eflomal_links_paraphrases():
    src = [["the", "car", "is", "red"]] * 12
    bt = [["the", "automobile", "is", "red"]] * 12
    plain = MonolingualAligner().align(src, bt)
    assert (1, 1) not in plain[0].pairs()
    helped = MonolingualAligner(use_eflomal=True, eflomal_weight=0.6).align(src, bt)
    assert (1, 1) in helped[0].pairs()


def test_monolingual_errors():
    with pytest.raises(ValueError, match="min_similarity"):
        MonolingualAligner(min_similarity=0)
    with pytest.raises(ValueError, match="2 source but 1 target"):
        MonolingualAligner().align([["a"], ["b"]], [["a"]])


# --- the Europarl benchmark on a tiny stand-in corpus ---------------------------------------


def _write_conll(path, sentences, entity_words):
    lines = []
    for s in sentences:
        for w in s:
            lines.append(f"{w}\t{'B-PER' if w in entity_words else 'O'}")
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def tiny_europarl(tmp_path):
    d = tmp_path / "europarl"
    d.mkdir()
    for lang, sents in (("en", EN), ("de", DE), ("es", ES), ("it", IT)):
        _write_conll(d / f"{lang}.test.conll", sents, {"Anna"})
    return tmp_path


@pytest.mark.parametrize(("method", "policy"), [("heuristic", "confirm"), ("match", "weighted")])
def test_europarl_with_pivot_refinement(tiny_europarl, method, policy):
    from annoproj.bench.europarl import EuroparlConfig, run_europarl, summary_rows

    config = EuroparlConfig(tgts=("de", "es", "it"), refine="pivot", method=method)
    assert config.pivots_for("de") == ["es", "it"]
    rows = run_europarl(config, data_dir=tiny_europarl)
    assert [r["tgt"] for r in rows] == ["de", "es", "it"]
    for r in rows:  # "auto" picks the policy that suits the method's links
        assert r["refine"] == "pivot" and r["combine"] == policy and r["f1"] > 0.5
        assert "refine_s" in r and 0.0 <= r["link_precision"] <= 1.0
    # 3 direct pairs plus de-es, de-it, es-it: the targets share every other leg
    assert [r["refine_runs"] for r in rows] == [2, 1, 0]
    avg = summary_rows(rows)[-1]
    assert avg["tgt"] == "avg" and avg["refine"] == "pivot" and avg["refine_runs"] == 1
    json.dumps(rows)


def test_europarl_refinement_options(tiny_europarl, tmp_path):
    from annoproj.bench.europarl import EuroparlConfig, run_europarl

    with pytest.raises(ValueError, match="no pivot language left"):
        run_europarl(EuroparlConfig(tgts=("de",), refine="pivot", pivots=("de",)),
                     data_dir=tiny_europarl)
    with pytest.raises(ValueError, match="no Europarl language"):
        EuroparlConfig(refine="pivot", pivots=("fr",)).pivots_for("de")
    with pytest.raises(ValueError, match="needs the back-translations"):
        run_europarl(EuroparlConfig(tgts=("de",), refine="backtranslation"),
                     data_dir=tiny_europarl)
    bt = tmp_path / "bt"
    bt.mkdir()
    (bt / "de-en.txt").write_text("\n".join(" ".join(s) for s in EN) + "\n", encoding="utf-8")
    rows = run_europarl(EuroparlConfig(tgts=("de",), refine="backtranslation",
                                       backtranslations=str(bt)), data_dir=tiny_europarl)
    # a perfect back-translation is the source itself: its eflomal leg is the direct run,
    # and one run aligns the source with its back-translation
    assert rows[0]["refine"] == "backtranslation" and rows[0]["refine_runs"] == 1
    assert rows[0]["target_leg"] == "aligner" and rows[0]["translator"] == "precomputed"


def test_auto_settings_follow_the_direct_links():
    r = PivotRefiner(pivots={"es": ES})
    assert r.settings(scored=False)["combine"] == "confirm"
    soft = r.settings(scored=True)
    assert soft["combine"] == "weighted" and soft["leg_symmetrize"] == "soft-union"
    given = PivotRefiner(pivots={"es": ES}, combine_options={"threshold": 0.3},
                         leg_symmetrize="intersection").settings(scored=True)
    assert given["combine_options"] == {"direct_weight": 0.6, "threshold": 0.3}
    assert given["leg_symmetrize"] == "intersection"
    assert PivotRefiner(pivots={"es": ES}, combine="vote").settings(scored=True)["combine"] == "vote"


def test_scored_direct_links_get_scored_refinements():
    _, both = direct()
    soft = [symmetrize(f, r, len(s), len(t), method="soft-union")
            for f, r, s, t in zip(both.forward, both.reverse, EN, DE)]
    r = PivotRefiner(pivots={"es": ES, "it": IT})
    out = r.refine(EN, DE, soft, directions=both)
    in_bounds(out, EN, DE)
    assert r.stats["combine"] == "weighted"
    assert all(a.scores is not None and (a.scores <= 1.0).all() for a in out)
    # a link both directions agree on (score 1) stays
    for o, d in zip(out, soft):
        strong = {p for p, sc in zip(d.pairs(), d.scores) if sc == 1.0}
        assert strong <= set(o.pairs())


def test_refiner_rejects_options_its_policy_does_not_take():
    from annoproj.align.refine import PivotRefiner

    with pytest.raises(ValueError, match="takes weights, direct_weight, threshold; not treshold"):
        PivotRefiner(pivots={"x": [["a"]]}, combine="weighted", combine_options={"treshold": 0.2})
    PivotRefiner(pivots={"x": [["a"]]}, combine="weighted", combine_options={"threshold": 0.2})


def test_europarl_leg_options_reach_the_refiner(tiny_europarl):
    from annoproj.bench.europarl import EuroparlConfig, run_europarl

    cfg = EuroparlConfig(tgts=["de"], refine="pivot", leg_options={"n_samplers": 2})
    rows = run_europarl(cfg, data_dir=tiny_europarl)
    assert rows[0]["leg_options"] == {"n_samplers": 2}
    assert rows[0]["min_score"] == 0.45  # defaults.REFINED_MIN_SCORE
    rows = run_europarl(EuroparlConfig(tgts=["de"]), data_dir=tiny_europarl)
    assert rows[0]["min_score"] == 0.5 and "leg_options" not in rows[0]
