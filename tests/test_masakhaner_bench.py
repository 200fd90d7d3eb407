"""MasakhaNER translate-train benchmark on a tiny synthetic data folder (and a slice of the real one)."""

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annoproj.bench.masakhaner import (
    MasakhanerConfig,
    make_trainer,
    available_languages,
    load_translations,
    merge_mark_tokens,
    merge_rows,
    pivot_corpora,
    pivot_rows,
    projected_training_set,
    run_masakhaner,
    summary_table,
)
from annoproj.align.keys import name_key
from annoproj.cli.main import app
from annoproj.data.io import write_conll
from annoproj.data.model import Alignment, Sentence, Span
from annoproj.project.finish import loc_lexicon, misc_to_loc

pytest.importorskip("sklearn_crfsuite")

PEOPLE = ["Musa Bello", "Amina", "John Smith", "Halima Yusuf", "Peter", "Zainab Ali", "Sani"]
PLACES = ["Kano", "Lagos", "Abuja", "Nairobi", "Accra", "Zaria"]
CRF = {"max_iterations": 30}


def _pair(rng: random.Random) -> tuple[Sentence, Sentence]:
    per = rng.choice(PEOPLE).split()
    loc = rng.choice(PLACES).split()
    en = per + ["went", "to", "the", "German", "city", "of"] + loc + ["."]
    a = len(per) + 6
    src = Sentence(en, [Span(0, len(per), "PER"), Span(len(per) + 3, len(per) + 4, "MISC"),
                        Span(a, a + len(loc), "LOC")])
    ha = per + ["ya", "tafi", "birnin"] + loc + ["na", "Jamus", "."]
    b = len(per) + 3
    tgt = Sentence(ha, [Span(0, len(per), "PER"), Span(b, b + len(loc), "LOC")])
    return src, tgt


def _gold(rng: random.Random, n: int) -> list[Sentence]:
    out = []
    for _ in range(n):
        per = rng.choice(PEOPLE).split()
        loc = rng.choice(PLACES).split()
        toks = per + ["ya", "tafi", "birnin"] + loc + ["ranar", "Litinin", "."]
        a = len(per) + 3
        out.append(Sentence(toks, [Span(0, len(per), "PER"), Span(a, a + len(loc), "LOC"),
                                   Span(a + len(loc), a + len(loc) + 2, "DATE")]))
    return out


@pytest.fixture(scope="module")
def fake_data(tmp_path_factory) -> Path:
    """A data folder with language xx (complete) and yy (no test.txt)."""
    d = tmp_path_factory.mktemp("data")
    rng = random.Random(0)
    pairs = [_pair(rng) for _ in range(120)]
    write_conll(d / "conll2003" / "train.txt", [p[0] for p in pairs], sep=" ")
    # translations in reverse order, one English sentence left untranslated
    ids = list(range(len(pairs) - 1, 0, -1))
    for lang in ("xx", "yy"):
        (d / "tprojection").mkdir(exist_ok=True)
        write_conll(d / "tprojection" / f"{lang}.train.conll", [pairs[i][1] for i in ids], sep=" ")
        (d / "tprojection" / f"{lang}.src_ids").write_text("".join(f"{i}\n" for i in ids))
        m = d / "masakhaner2" / lang
        m.mkdir(parents=True)
        write_conll(m / "train.txt", _gold(rng, 60), sep=" ")
        write_conll(m / "dev.txt", _gold(rng, 20), sep=" ")
        if lang == "xx":
            write_conll(m / "test.txt", _gold(rng, 30), sep=" ")
    # zz: translations only (a pivot, never a target), lacking English sentence 5
    zz = [i for i in ids if i != 5]
    write_conll(d / "tprojection" / "zz.train.conll", [pairs[i][1] for i in zz], sep=" ")
    (d / "tprojection" / "zz.src_ids").write_text("".join(f"{i}\n" for i in zz))
    return d


def test_load_translations_pairs_by_src_ids(fake_data):
    src, tgt = load_translations(fake_data, "xx")
    assert len(src) == len(tgt) == 119
    assert src[0].tokens[0] == tgt[0].tokens[0]  # same person, so same pair
    assert all(s.label != "MISC" for x in tgt for s in x.spans)
    assert all("MISC" in {s.label for s in x.spans} for x in src)  # the projector drops it
    src5, _ = load_translations(fake_data, "xx", limit=5)
    assert len(src5) == 5
    assert available_languages(fake_data) == ["xx", "yy"]


def test_merge_mark_tokens():
    s = Sentence(["Ọba", "mọ", "\u0301", "Ọ", "\u0300", "ṣun", "."],
                 [Span(0, 1, "PER"), Span(3, 6, "LOC")])
    got = merge_mark_tokens(s)
    assert got.tokens == ["Ọba", "mọ\u0301", "Ọ\u0300", "ṣun", "."]
    assert got.spans == [Span(0, 1, "PER"), Span(2, 4, "LOC")]
    plain = Sentence(["a", "b"], [])
    assert merge_mark_tokens(plain) is plain


@pytest.mark.parametrize("word, key", [
    ("laseParis", "Paris"), ("uTakemura", "Takemura"), ("ESkeleton", "Skeleton"),
    ("u-Ahmad", "Ahmad"), ("I-Roma", "Roma"), ("le-LDP", "LDP"), ("yeNATO", "NATO"),
    ("NATO", "NATO"), ("Hukumar", "Hukumar"), ("1996-08-22", "1996-08-22"), ("EU", "EU"),
    ("MasakhaNER", "MasakhaNER"), ("U.S.", "U.S."), ("ɗanAmurka", "Amurka"),
])
def test_name_key(word, key):
    assert name_key(word) == key


def test_misc_to_loc_with_lexicon():
    sents = [Sentence(["Sun", "je", "Jamus", "."], [Span(2, 3, "LOC")]),
             Sentence(["Jamus", "ta", "ci"], [Span(0, 1, "LOC")]),
             Sentence(["Afirka", "ta", "Kudu", "."], [Span(0, 3, "LOC")]),
             Sentence(["Afirka", "ta", "Kudu"], [Span(0, 3, "LOC")]),
             Sentence(["Katika", "Kano"], [Span(0, 1, "LOC")]),
             Sentence(["Katika", "x"], []), Sentence(["Katika", "y"], []),
             Sentence(["Katika", "z"], []),
             Sentence(["Katika", "Kano"], [Span(0, 1, "LOC")])]
    lex = loc_lexicon([s.tokens for s in sents], [s.spans for s in sents])
    assert lex == {("Jamus",), ("Afirka", "ta", "Kudu")}  # Katika is mostly outside spans
    toks = ["Kocin", "Jamus", "da", "Afirka", "ta", "Kudu", "Musa"]
    got = misc_to_loc(toks, [Span(0, 2, "MISC"), Span(3, 6, "MISC")], [Span(6, 7, "PER")], lex)
    assert [x.span() for x in got] == [Span(1, 2, "LOC"), Span(3, 6, "LOC")]
    assert misc_to_loc(toks, [Span(1, 2, "MISC")], [Span(1, 2, "PER")], lex) == []


def test_projected_training_set_counts_and_drops():
    src = [Sentence(["A", "B", "c"], [Span(0, 1, "PER"), Span(1, 2, "LOC")]),
           Sentence(["x", "y"], [])]
    tgt = [Sentence(["a", "b", "c"]), Sentence(["x", "y"])]
    al = [Alignment.from_pairs([(0, 0)]), Alignment.from_pairs([(0, 0), (1, 1)])]
    kept, stats = projected_training_set(src, tgt, al, method="heuristic")
    assert len(kept) == 2 and kept[0].spans == [Span(0, 1, "PER")] and kept[1].spans == []
    assert stats["partial"] == 1 and stats["dropped"] == 0
    kept, stats = projected_training_set(src, tgt, al, method="heuristic", drop_partial=True)
    assert len(kept) == 1 and stats["dropped"] == 1
    # a MISC entity is never "missing", and with misc="loc" it may become a LOC
    src = [Sentence(["A", "German"], [Span(0, 1, "PER"), Span(1, 2, "MISC")])] * 3 + [
        Sentence(["in", "Germany"], [Span(1, 2, "LOC")])] * 2
    tgt = [Sentence(["a", "Jamus"])] * 3 + [Sentence(["a", "Jamus"])] * 2
    al = [Alignment.from_pairs([(0, 0), (1, 1)])] * 5
    kept, stats = projected_training_set(src, tgt, al, method="heuristic", drop_partial=True)
    assert stats["partial"] == 0 and kept[0].spans == [Span(0, 1, "PER")]
    kept, stats = projected_training_set(src, tgt, al, method="heuristic", misc="loc")
    assert kept[0].spans == [Span(0, 1, "PER"), Span(1, 2, "LOC")] and stats["misc_to_loc"] == 3


def test_projected_training_set_extends_short_spans():
    # "United Nations" projects whole twice; "U.N." links to "Umoja" only
    src = [Sentence(["United", "Nations", "said"], [Span(0, 2, "ORG")])] * 2 + [
        Sentence(["U.N.", "said"], [Span(0, 1, "ORG")])]
    tgt = [Sentence(["Umoja", "wa", "Mataifa", "ilisema"])] * 3
    al = [Alignment.from_pairs([(0, 0), (1, 2), (2, 3)])] * 2 + [Alignment.from_pairs([(0, 0), (1, 3)])]
    kept, stats = projected_training_set(src, tgt, al, method="heuristic")
    assert kept[2].spans == [Span(0, 1, "ORG")] and stats["extended"] == 0
    kept, stats = projected_training_set(src, tgt, al, method="heuristic", extend=True)
    assert [k.spans for k in kept] == [[Span(0, 3, "ORG")]] * 3 and stats["extended"] == 1


#: The plain projection (the defaults before the dev-chosen recipe became the default).
PLAIN = {"misc": "drop", "extend": False, "drop_partial": False}


def test_default_recipe_and_zero_shot(fake_data):
    cfg = MasakhanerConfig(langs=("xx",), methods=("heuristic",), crf=CRF)
    assert (cfg.misc, cfg.extend, cfg.drop_partial) == ("loc", True, True)
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [r["train"] for r in rows] == [
        "heuristic+misc-loc+extend+drop-partial", "tprojection", "gold", "zero-shot"]
    assert all(r["trainer"] == "crf" and r["model"] is None for r in rows)
    assert all(r["tag_per_s"] > 0 for r in rows)
    zero = rows[-1]
    assert zero["sentences"] > 0 and zero["align_s"] is None and 0 <= zero["f1"] <= 1


def test_run_rows_and_skip_note(fake_data):
    notes: list[str] = []
    cfg = MasakhanerConfig(methods=("heuristic",), baselines=("tprojection", "gold"), crf=CRF,
                           **PLAIN)
    rows = run_masakhaner(cfg, data_dir=fake_data, on_note=notes.append)
    assert [(r["lang"], r["train"]) for r in rows] == [
        ("xx", "heuristic"), ("xx", "tprojection"), ("xx", "gold")]
    for r in rows:
        assert {"lang", "train", "precision", "recall", "f1", "sentences", "align_s", "project_s",
                "train_s"} <= set(r)
        assert "DATE" not in r["per_type"]
    heur, tproj, gold = rows
    assert heur["sentences"] == 119 and heur["f1"] > 0.6 and heur["align_s"] > 0
    assert tproj["f1"] > 0.6 and gold["f1"] > 0.9
    assert any("yy" in n and "test.txt" in n for n in notes)
    table = summary_table(rows)
    assert table.splitlines()[0] == "| lang | heuristic | tprojection | gold |"


def test_self_training_rows(fake_data):
    cfg = MasakhanerConfig(langs=("xx",), methods=("heuristic",), baselines=("tprojection",),
                           self_train=True, crf=CRF, **PLAIN)
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [r["train"] for r in rows] == ["heuristic+self-train", "tprojection+self-train"]
    assert all(r["self_trained"] >= 0 and r["self_train_s"] > 0 for r in rows)
    with pytest.raises(ValueError, match="self_train_confidence"):
        MasakhanerConfig(self_train_confidence=1.5)


def test_o_weight_rows(fake_data):
    cfg = MasakhanerConfig(langs=("xx",), methods=("heuristic",), crf={**CRF, "o_weight": 0.3},
                           baselines=("tprojection", "gold"), **PLAIN)
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [r["train"] for r in rows] == [
        "heuristic+o-weight-0.3", "tprojection+o-weight-0.3", "gold+o-weight-0.3"]
    with pytest.raises(ValueError, match="o_weight"):
        MasakhanerConfig(crf={"o_weight": 0.0})
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method", "",
        "--baselines", "gold", "--limit", "40", "--max-iterations", "10", "--o-weight", "0.5",
        "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.splitlines()[-1])["train"] == "gold+o-weight-0.5"


def test_plain_crf_rows(fake_data):
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method", "",
        "--baselines", "tprojection,gold", "--limit", "40", "--max-iterations", "10",
        "--crf-features", "plain", "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["train"] for r in rows] == ["tprojection+plain-crf", "gold+plain-crf"]
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data),
        "--crf-features", "fancy"])
    assert res.exit_code == 2 and "feature template" in res.output


def test_heads_rows(fake_data, tmp_path):
    (tmp_path / "xx.txt").write_text("# test\nbirnin\n", encoding="utf-8")
    cfg = MasakhanerConfig(langs=("xx",), methods=("heuristic",), heads=str(tmp_path),
                           limit=40, crf=CRF, baselines=("tprojection", "gold"), **PLAIN)
    notes: list[str] = []
    rows = run_masakhaner(cfg, data_dir=fake_data, on_note=notes.append)
    assert [r["train"] for r in rows] == ["heuristic+heads", "tprojection+heads", "gold"]
    assert rows[0]["heads"] == rows[1]["heads"] > 0  # "birnin Kano" in both train sources
    assert cfg.heads_for("yy") == frozenset() and not notes
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method", "",
        "--baselines", "gold", "--heads", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_rejoin_rows(fake_data):
    cfg = MasakhanerConfig(langs=("xx",), methods=("heuristic",), rejoin="pieces", limit=40,
                           crf=CRF, baselines=("tprojection", "gold"), **PLAIN)
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [r["train"] for r in rows] == ["heuristic+rejoin-pieces", "tprojection+rejoin-pieces",
                                          "gold"]
    with pytest.raises(ValueError, match="rejoin must be one of"):
        MasakhanerConfig(rejoin="all")


def test_regularisation_names_the_recipe(fake_data):
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method", "",
        "--baselines", "tprojection,gold", "--limit", "40", "--max-iterations", "10",
        "--c1", "0.5", "--c2", "0.1", "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [r["train"] for r in rows] == ["tprojection+c1-0.5", "gold+c1-0.5"]


def test_dev_fallback_and_pivot(fake_data):
    cfg = MasakhanerConfig(langs=("xx", "yy"), methods=(), baselines=("gold",), dev_fallback=True,
                           crf=CRF)
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [(r["lang"], r["eval"]) for r in rows] == [("xx", "test"), ("yy", "dev")]
    piv = pivot_rows(rows)
    assert piv[-1]["lang"] == "avg"
    assert piv[-1]["gold"] == pytest.approx((rows[0]["f1"] + rows[1]["f1"]) / 2, abs=1e-4)


def test_pivot_corpora_follow_the_target(fake_data):
    src, tgt = load_translations(fake_data, "xx")
    piv = pivot_corpora(fake_data, "xx")
    assert list(piv) == ["yy", "zz"]
    assert piv["yy"] == [t.tokens for t in tgt]
    gap = [k for k, toks in enumerate(piv["zz"]) if not toks]
    assert len(gap) == 1 and src[gap[0]] is not None and len(piv["zz"]) == len(tgt)
    assert list(pivot_corpora(fake_data, "xx", ["zz"], limit=3)["zz"]) == [t.tokens for t in tgt[:3]]
    with pytest.raises(FileNotFoundError, match="pivot qq"):
        pivot_corpora(fake_data, "xx", ["qq"])
    # A run over several targets reads each pivot once: later calls take it from the cache.
    cache: dict = {}
    assert pivot_corpora(fake_data, "xx", ["zz"], cache=cache) == {"zz": piv["zz"]}
    cache["zz"] = {i: ["cached"] for i in cache["zz"]}
    assert set(map(tuple, pivot_corpora(fake_data, "yy", ["zz"], cache=cache)["zz"])) <= {("cached",), ()}


def test_pivot_refinement_rows(fake_data):
    cfg = MasakhanerConfig(langs=("xx",), methods=("match", "heuristic"), baselines=("tprojection",),
                           refine="pivot", pivots=("zz",), crf=CRF, **PLAIN)
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [r["train"] for r in rows] == ["match+pivot", "heuristic+pivot", "tprojection"]
    for r in rows[:2]:
        assert r["refine"] == "pivot" and r["pivots"] == "zz" and r["refine_s"] > 0
        assert r["f1"] > 0.6 and r["sentences"] == 119
    for bad in ({"refine": "nope"}, {"pivots": ("yy",)}):
        with pytest.raises(ValueError):
            MasakhanerConfig(**bad)
    with pytest.raises(ValueError, match="no pivot language"):
        run_masakhaner(MasakhanerConfig(langs=("xx",), baselines=(), refine="pivot",
                                        pivots=("xx",), crf=CRF), data_dir=fake_data)
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method",
        "heuristic", "--baselines", "", "--limit", "40", "--max-iterations", "10",
        "--refine", "pivot", "--pivots", "yy,zz", "--json", "--plain"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout.splitlines()[-1])
    assert row["train"] == "heuristic+pivot" and row["pivots"] == "yy,zz"
    res = CliRunner().invoke(app, ["bench", "masakhaner", "--data-dir", str(fake_data),
                                   "--pivots", "yy"])
    assert res.exit_code == 2 and "refine" in res.output


def test_unknown_method_is_an_error(fake_data):
    with pytest.raises(ValueError, match="unknown projection method"):
        run_masakhaner(MasakhanerConfig(methods=("nope",)), data_dir=fake_data)
    with pytest.raises(ValueError, match="split"):
        MasakhanerConfig(split="train")


def test_cli(fake_data, tmp_path):
    out, docs, png = tmp_path / "res.json", tmp_path / "bench.md", tmp_path / "f1.png"
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method",
        "heuristic", "--limit", "60", "--max-iterations", "20", "--out", str(out), "--docs",
        str(docs), "--plot", str(png), "--json", "--plain", "--baselines", "tprojection,gold"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines() if line.startswith("{")]
    assert [r["train"] for r in rows] == ["heuristic", "tprojection", "gold"]
    assert rows[0]["sentences"] == 60 and rows[2]["sentences"] == 60
    assert json.loads(out.read_text())["benchmark"] == "masakhaner"
    assert "<!-- bench:masakhaner-test -->" in docs.read_text()
    if png.exists():
        assert png.stat().st_size > 1000

    res = CliRunner().invoke(app, ["bench", "masakhaner", "--langs", "yy", "--data-dir",
                                   str(fake_data), "--baselines", "gold", "--method", ""])
    assert res.exit_code == 3 and "no language" in res.output
    res = CliRunner().invoke(app, ["bench", "masakhaner", "--data-dir", str(tmp_path / "none")])
    assert res.exit_code == 3


def test_merge_rows_replaces_rerun_languages():
    old = {"settings": {**MasakhanerConfig(methods=("match",), **PLAIN).to_dict(),
                        "langs": ["aa", "bb"]},
           "rows": [{"lang": "aa", "train": "match", "f1": 0.1},
                    {"lang": "bb", "train": "match", "f1": 0.2}]}
    del old["settings"]["extend"]  # a file from before the setting existed: off then
    del old["settings"]["trainer"]  # before --trainer: the CRF
    cfg = MasakhanerConfig(langs=("aa", "cc"), methods=("match",), **PLAIN)
    new = [{"lang": "aa", "train": "match", "f1": 0.3}, {"lang": "cc", "train": "match", "f1": 0.4}]
    rows, settings = merge_rows(old, new, cfg, today="2026-11-26")
    assert [(r["lang"], r["f1"]) for r in rows] == [("aa", 0.3), ("bb", 0.2), ("cc", 0.4)]
    assert settings["langs"] == ["aa", "bb", "cc"]
    assert settings["rerun"] == {"aa": "2026-11-26", "cc": "2026-11-26"}
    with pytest.raises(ValueError, match="misc 'drop' there, 'loc' here"):
        merge_rows(old, new, MasakhanerConfig(methods=("match",), misc="loc"), today="")


def test_cli_replace_in(fake_data, tmp_path):
    out = tmp_path / "res.json"
    args = ["bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method",
            "heuristic", "--limit", "60", "--max-iterations", "20", "--baselines", "gold"]
    assert CliRunner().invoke(app, [*args, "--out", str(out)]).exit_code == 0
    before = json.loads(out.read_text())
    res = CliRunner().invoke(app, [*args, "--replace-in", str(out), "--json"])
    assert res.exit_code == 0, res.output
    after = json.loads(out.read_text())
    assert [r["lang"] for r in after["rows"]] == [r["lang"] for r in before["rows"]]
    assert after["settings"]["rerun"] == {"xx": after["date"]}
    res = CliRunner().invoke(app, [*args, "--seed", "3", "--replace-in", str(out)])
    assert res.exit_code == 2 and "seed 0 there, 3 here" in res.output
    res = CliRunner().invoke(app, [*args, "--replace-in", str(tmp_path / "none.json")])
    assert res.exit_code == 3


def test_cli_plot_needs_matplotlib(fake_data, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    res = CliRunner().invoke(app, ["bench", "masakhaner", "--data-dir", str(fake_data),
                                   "--plot", str(tmp_path / "x.png")])
    assert res.exit_code == 4 and "annoproj[plot]" in res.output


@pytest.mark.slow
def test_real_slice(data_dir):
    if not (data_dir / "tprojection" / "hau.train.conll").exists():
        pytest.skip("no MasakhaNER / T-Projection data")
    cfg = MasakhanerConfig(langs=("hau",), methods=("heuristic",), baselines=("tprojection",),
                           limit=300, crf=CRF, **PLAIN)
    rows = run_masakhaner(cfg, data_dir=data_dir)
    assert [r["train"] for r in rows] == ["heuristic", "tprojection"]
    assert rows[0]["sentences"] >= 290 and rows[0]["test_sentences"] > 1000
    assert 0.1 < rows[0]["f1"] < 0.9


def test_module_doctests():
    import doctest

    import importlib
    import pkgutil

    import annoproj.bench.masakhaner as pkg

    names = [pkg.__name__, *(f"{pkg.__name__}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__))]
    assert len(names) > 5
    for name in names:
        assert doctest.testmod(importlib.import_module(name)).failed == 0, name


def test_cli_plain_and_explicit_settings(fake_data):
    """--plain changes the defaults of --misc, --extend and --drop-partial; given, they win."""
    args = ["bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method",
            "heuristic", "--baselines", "", "--limit", "40", "--max-iterations", "10", "--json"]
    for extra, name in (([], "heuristic+misc-loc+extend+drop-partial"),
                        (["--plain"], "heuristic"),
                        (["--plain", "--misc", "loc", "--drop-partial"], "heuristic+misc-loc+drop-partial"),
                        (["--no-extend"], "heuristic+misc-loc+drop-partial")):
        res = CliRunner().invoke(app, [*args, *extra])
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout.splitlines()[-1])["train"] == name, extra


def test_hf_rows_are_named_by_the_default_o_weight():
    from annoproj import defaults

    hf = MasakhanerConfig(trainer="hf")
    assert make_trainer(hf).o_weight == defaults.FROZEN_CRF_O_WEIGHT == 0.25
    assert hf.recipe == "+o-weight-0.25" and hf.variant.endswith("+o-weight-0.25")
    assert hf.to_dict()["o_weight"] == 0.25
    plain = MasakhanerConfig(trainer="hf", crf={"o_weight": 1.0})
    assert make_trainer(plain).o_weight == 1.0 and plain.recipe == ""
    assert MasakhanerConfig().recipe == "" and MasakhanerConfig().to_dict()["o_weight"] == 1.0
    softmax = MasakhanerConfig(trainer="hf", hf={"recipe": "softmax"})
    assert make_trainer(softmax).o_weight == 1.0


def test_merge_rows_tells_decoding_apart():
    # a file of hf rows decoded at 1 (before 0.25 was the default) is not this run's
    o1 = MasakhanerConfig(trainer="hf", crf={"o_weight": 1.0}).to_dict()
    del o1["o_weight"], o1["crf"]["o_weight"]
    old = {"settings": o1, "rows": [{"lang": "aa", "train": "match", "f1": 0.1}]}
    new = [{"lang": "aa", "train": "match+o-weight-0.25", "f1": 0.3}]
    with pytest.raises(ValueError, match="o_weight 1.0 there, 0.25 here"):
        merge_rows(old, new, MasakhanerConfig(trainer="hf"), today="")
    # one run with --o-weight 0.25 given is the same as the default now
    given = MasakhanerConfig(trainer="hf", crf={"o_weight": 0.25}).to_dict()
    del given["o_weight"]
    rows, _ = merge_rows({"settings": given, "rows": []}, new, MasakhanerConfig(trainer="hf"),
                         today="")
    assert rows == new


def test_hf_settings_record_the_pca_size():
    from annoproj import defaults

    assert defaults.FROZEN_CRF_DIMS == 256
    assert MasakhanerConfig(trainer="hf").to_dict()["dims"] == 256
    assert MasakhanerConfig(trainer="hf", hf={"dims": 32}).to_dict()["dims"] == 32
    assert MasakhanerConfig(trainer="hf", hf={"recipe": "softmax"}).to_dict()["dims"] is None
    assert MasakhanerConfig().to_dict()["dims"] is None


def test_merge_rows_tells_pca_sizes_apart():
    new = [{"lang": "aa", "train": "match+o-weight-0.25", "f1": 0.3}]
    # a file from before the size was recorded ran with 32, not today's default
    old32 = MasakhanerConfig(trainer="hf").to_dict()
    del old32["dims"]
    with pytest.raises(ValueError, match="dims 32 there, 256 here"):
        merge_rows({"settings": old32, "rows": []}, new, MasakhanerConfig(trainer="hf"),
                   today="")
    rows, settings = merge_rows({"settings": old32, "rows": []}, new,
                                MasakhanerConfig(trainer="hf", hf={"dims": 32}), today="")
    assert rows == new and settings["dims"] == 32
    # one given 256 then is today's default; one given 64 is not
    old256 = MasakhanerConfig(trainer="hf", hf={"dims": 256}).to_dict()
    del old256["dims"]
    rows, _ = merge_rows({"settings": old256, "rows": []}, new, MasakhanerConfig(trainer="hf"),
                         today="")
    assert rows == new
    old64 = {**old256, "hf": {"dims": 64}}
    with pytest.raises(ValueError, match="dims 64 there, 256 here"):
        merge_rows({"settings": old64, "rows": []}, new, MasakhanerConfig(trainer="hf"),
                   today="")
    # CRF files have no PCA size, before or after
    crf_old = MasakhanerConfig().to_dict()
    del crf_old["dims"]
    merge_rows({"settings": crf_old, "rows": []}, new, MasakhanerConfig(), today="")


def test_merge_rows_tells_blend_weights_apart():
    from annoproj import defaults

    new = [{"lang": "aa", "train": "match+o-weight-0.25", "f1": 0.3}]
    assert MasakhanerConfig(trainer="hf").to_dict()["blend"] == defaults.FROZEN_CRF_BLEND
    assert MasakhanerConfig(trainer="hf", hf={"blend": 0.25}).to_dict()["blend"] == 0.25
    assert MasakhanerConfig(trainer="hf", hf={"recipe": "softmax"}).to_dict()["blend"] is None
    assert MasakhanerConfig().to_dict()["blend"] is None
    # a file from before the weight was recorded ran without the second CRF (0)
    old = MasakhanerConfig(trainer="hf").to_dict()
    del old["blend"]
    rows, settings = merge_rows({"settings": old, "rows": []}, new,
                                MasakhanerConfig(trainer="hf", hf={"blend": 0.0}), today="")
    assert rows == new and settings["blend"] == 0.0
    with pytest.raises(ValueError, match="blend 0.0 there, 0.25 here"):
        merge_rows({"settings": old, "rows": []}, new,
                   MasakhanerConfig(trainer="hf", hf={"blend": 0.25}), today="")
    given = {**old, "hf": {"blend": 0.25}}
    rows, _ = merge_rows({"settings": given, "rows": []}, new,
                         MasakhanerConfig(trainer="hf", hf={"blend": 0.25}), today="")
    assert rows == new


def test_crf_options_reach_the_hf_crf_recipe():
    # the frozen-encoder tagger's CRF takes --fold-affixes, --c1... (they were dropped once)
    cfg = MasakhanerConfig(trainer="hf", crf={"c1": 0.2, "features": {"fold_affixes": True}})
    frozen = make_trainer(cfg).frozen_trainer
    assert frozen.c1 == 0.2 and frozen.features["fold_affixes"] is True
    assert cfg.recipe == "+c1-0.2+fold-affixes+o-weight-0.25"
    with pytest.raises(ValueError, match="need a CRF"):
        MasakhanerConfig(trainer="hf", hf={"recipe": "softmax"},
                         crf={"features": {"fold_affixes": True}})
    assert make_trainer(MasakhanerConfig(trainer="hf", hf={"recipe": "softmax"},
                                         crf={"c1": 0.1})).frozen_trainer.recipe == "softmax"


def test_fused_links_are_made_once_and_name_the_rows(fake_data, tmp_path, monkeypatch):
    """`--fuse-with`: the encoder's links join eflomal's; they are made once per corpus and
    read back from the link cache on the next run (an aligner linking equal words stands in
    for the encoder)."""
    from annoproj.align import stage

    calls: list[int] = []

    class SameWords:
        def align(self, src, tgt):
            calls.append(len(src))
            return [Alignment.from_pairs(
                [(i, j) for i, a in enumerate(s) for j, b in enumerate(t) if a == b],
                [0.9 for i, a in enumerate(s) for j, b in enumerate(t) if a == b])
                for s, t in zip(src, tgt)]

    real = stage.make_stage_aligner
    monkeypatch.setattr(stage, "make_stage_aligner",
                        lambda config, fuse=False: SameWords() if fuse else real(config))
    monkeypatch.setenv("ANNOPROJ_LINKS", str(tmp_path / "links"))
    cfg = MasakhanerConfig(langs=("xx",), methods=("match",), baselines=(), crf=CRF,
                           fuse_with="some-encoder")
    rows = run_masakhaner(cfg, data_dir=fake_data)
    assert [r["train"] for r in rows] == ["match+fuse+misc-loc+extend+drop-partial"]
    assert rows[0]["fuse_with"] == "some-encoder" and rows[0]["f1"] > 0.6
    assert calls == [119] and len(list((tmp_path / "links").iterdir())) == 1
    again = run_masakhaner(MasakhanerConfig(**{**cfg.__dict__, "seed": 1}), data_dir=fake_data)
    assert calls == [119]  # another eflomal seed reads the same links
    assert again[0]["train"] == rows[0]["train"]
    assert cfg.to_dict()["fuse_with"] == "some-encoder"
    res = CliRunner().invoke(app, [
        "bench", "masakhaner", "--langs", "xx", "--data-dir", str(fake_data), "--method", "match",
        "--baselines", "", "--max-iterations", "10", "--fuse-with", "some-encoder", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout.splitlines()[-1])["train"].startswith("match+fuse")
    assert calls == [119]
