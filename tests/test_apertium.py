"""The Apertium translator: stream format, word links, chains, errors; a stand-in Apertium
(a small script on PATH) for the plumbing, the real one when it is installed."""

import doctest
import os
import shutil
import stat
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

import annoproj.translate.apertium as apertium_mod
from annoproj.align.refine import BacktranslationRefiner
from annoproj.data.model import Alignment
from annoproj.errors import MissingDependencyError, ModelError
from annoproj.translate import AligningTranslator, make_translator, translators
from annoproj.translate.apertium import ApertiumTranslator, parse_stream, to_stream
from annoproj.translate.base import PrecomputedTranslator


def test_doctests():
    assert doctest.testmod(apertium_mod).failed == 0


@given(st.lists(st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)),
                        min_size=1, max_size=8), max_size=6))
def test_stream_round_trip(tokens):
    """What to_stream writes, parse_stream reads back: each token in its own blank."""
    segs = [(text, ids) for text, ids in parse_stream(to_stream(tokens)) if ids]
    assert segs == [(t, [k]) for k, t in enumerate(tokens)]


def test_parse_stream_merged_blanks_superblanks_and_escapes():
    got = parse_stream("[[w4; w5]]of the[[/]][<b>] \\[x\\] [[t:b:abc; w2]]y[[/]][]")
    assert got == [("of the", [4, 5]), (" [x] ", []), ("y", [2])]


# --- a stand-in Apertium --------------------------------------------------------------------

PIPE = textwrap.dedent(r'''
    import re, sys
    mode = open(sys.argv[1], encoding="utf-8").read().strip()
    seg = re.compile(r"\[\[([^\]]*)\]\](.*?)\[\[/\]\]")
    data = sys.stdin.buffer.read().decode("utf-8")
    out = []
    for chunk in data.split("\0")[:-1]:
        parts = seg.findall(chunk)
        if mode == "swap":      # reverse the words, upper-case them
            parts = [(h, w.upper()) for h, w in reversed(parts)]
            text = " ".join(f"[[{h}]]{w}[[/]]" for h, w in parts)
        elif mode == "split":   # every word twice in its blank, and an inserted word
            text = "INS " + " ".join(f"[[{h}]]{w} {w}x[[/]]" for h, w in parts)
        elif mode == "merge":   # the first two words as one
            if len(parts) >= 2:
                (h0, w0), (h1, w1) = parts[:2]
                parts = [(f"{h0}; {h1}", w0 + w1)] + parts[2:]
            text = " ".join(f"[[{h}]]{w}[[/]]" for h, w in parts)
        else:
            sys.exit("unknown stand-in mode " + mode)
        out.append(text)
    sys.stdout.write("".join(t + "\0" for t in out) + "\0\0")
''')


@pytest.fixture
def fake_apertium(tmp_path, monkeypatch):
    """Apertium's data folder with modes aaa-bbb (swap), bbb-ccc (split), aaa-ddd (merge),
    and an apertium-wblank-mode on PATH whose pipeline is the script above."""
    bin_dir, data = tmp_path / "bin", tmp_path / "apertium"
    (data / "modes").mkdir(parents=True)
    bin_dir.mkdir()
    for name, mode in (("aaa-bbb", "swap"), ("bbb-ccc", "split"), ("aaa-ddd", "merge")):
        (data / "modes" / f"{name}.mode").write_text(mode + "\n", encoding="utf-8")
    pipe = tmp_path / "pipe.py"
    pipe.write_text(PIPE, encoding="utf-8")
    tool = bin_dir / "apertium-wblank-mode"
    tool.write_text(f'#!/bin/sh\n[ "$1" = "-z" ] && shift\necho "{sys.executable} {pipe} $1"\n',
                    encoding="utf-8")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("APERTIUM_DATA", str(data))
    return data


def test_registered_and_an_aligning_translator(fake_apertium):
    assert "apertium" in translators.names()
    t = make_translator("apertium")
    assert isinstance(t, ApertiumTranslator) and isinstance(t, AligningTranslator)
    assert t.pairs() == ["aaa-bbb", "aaa-ddd", "bbb-ccc"]


def test_links_follow_reordering(fake_apertium):
    t = ApertiumTranslator()
    out = t.translate_aligned([["la", "casa", "roja"], [], ["x"]], src_lang="aaa",
                              tgt_lang="bbb")
    assert out[0].tokens == ["ROJA", "CASA", "LA"]
    assert out[0].alignment.pairs() == [(0, 2), (1, 1), (2, 0)]
    assert out[1].tokens == [] and out[2].tokens == ["X"]
    assert t.translate([["a", "b"]], src_lang="aaa", tgt_lang="bbb") == [["B", "A"]]
    assert t.last_chain == ["aaa-bbb"]


def test_a_stage_the_system_lacks_is_an_error_not_an_empty_translation(fake_apertium, tmp_path):
    # apertium-spa-ita's mode runs cg-proc, which Debian ships in cg3, a package it does not
    # depend on: without pipefail the stages after it turned every sentence into nothing
    from annoproj.errors import MissingDependencyError

    (fake_apertium / "modes" / "aaa-eee.mode").write_text("swap\n", encoding="utf-8")
    t = ApertiumTranslator()
    t._scripts["aaa-eee"] = "printf 'x' | no-such-stage-xyz | cat"
    with pytest.raises(MissingDependencyError, match="no-such-stage-xyz, which is not installed"):
        t.translate([["a", "b"]], src_lang="aaa", tgt_lang="eee")
    t._scripts["aaa-eee"] = "cat >/dev/null; printf 'x\\0'; false | cat"
    with pytest.raises(RuntimeError, match="failed on a batch"):
        t.translate([["a"]], src_lang="aaa", tgt_lang="eee")


def test_merged_words_link_to_both(fake_apertium):
    out = ApertiumTranslator().translate_aligned([["de", "el", "mar"]], src_lang="aaa",
                                                 tgt_lang="ddd")
    assert out[0].tokens == ["deel", "mar"]
    assert out[0].alignment.pairs() == [(0, 0), (1, 0), (2, 1)]


def test_chains_compose_links(fake_apertium):
    t = ApertiumTranslator(via=("bbb",))
    out = t.translate_aligned([["a", "b"]], src_lang="aaa", tgt_lang="ccc")
    assert t.last_chain == ["aaa-bbb", "bbb-ccc"]
    # aaa-bbb swaps (B A), bbb-ccc doubles each word and inserts an unlinked one
    assert out[0].tokens == ["INS", "B", "Bx", "A", "Ax"]
    assert out[0].alignment.pairs() == [(0, 3), (0, 4), (1, 1), (1, 2)]
    # without via, a chain of two installed modes is found
    assert ApertiumTranslator().chain("aaa", "ccc") == ["aaa-bbb", "bbb-ccc"]


def test_errors_say_what_to_install(fake_apertium, monkeypatch):
    t = ApertiumTranslator()
    with pytest.raises(ModelError, match=r"no Apertium mode for ccc->aaa .*installed: aaa-bbb"):
        t.translate([["x"]], src_lang="ccc", tgt_lang="aaa")
    with pytest.raises(ModelError, match="zzz->ccc"):
        ApertiumTranslator(via=("zzz",)).chain("aaa", "ccc")
    with pytest.raises(ValueError, match="name the direction"):
        t.translate([["x"]])
    assert ApertiumTranslator(src_lang="aaa", tgt_lang="bbb").translate([["x"]]) == [["X"]]
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingDependencyError, match="apt-get install apertium"):
        t.translate([["x"]], src_lang="aaa", tgt_lang="bbb")


def test_language_codes_map_to_mode_names(tmp_path):
    (tmp_path / "modes").mkdir()
    for name in ("spa-eng", "spa-eng_US", "en-gl"):
        (tmp_path / "modes" / f"{name}.mode").write_text("x", encoding="utf-8")
    t = ApertiumTranslator(data_dir=tmp_path)
    if shutil.which("apertium-wblank-mode") is None:
        pytest.skip("chain() checks that Apertium is installed")
    assert t.chain("es", "en") == ["spa-eng"] and t.chain("spa", "eng") == ["spa-eng"]
    assert t.chain("eng", "glg") == ["en-gl"]


def test_backtranslation_takes_the_translators_links(fake_apertium):
    # "target" language aaa, "source" bbb: the back-translation reverses and upper-cases
    src = [["C", "B", "A"], ["Y", "X"]] * 4
    tgt = [["a", "b", "c"], ["x", "y"]] * 4
    r = BacktranslationRefiner(translator=ApertiumTranslator(), src_lang="bbb", tgt_lang="aaa",
                               combine="union", monolingual={"use_eflomal": False})
    path = r.path(src, tgt)
    assert path[0].pairs() == [(0, 2), (1, 1), (2, 0)] and path[1].pairs() == [(0, 1), (1, 0)]
    out = r.refine(src, tgt, [Alignment()] * len(src))
    assert out[0].pairs() == [(0, 2), (1, 1), (2, 0)]
    assert r.stats["target_leg"] == "translator" and r.stats["eflomal_runs"] == 0


def test_precomputed_links_from_a_folder_and_their_errors(tmp_path):
    (tmp_path / "de-en.txt").write_text("b a\nc\n", encoding="utf-8")
    t = PrecomputedTranslator(tmp_path)
    assert t.translate_aligned([["x", "y"], ["z"]], src_lang="de", tgt_lang="en") == [
        (["b", "a"], None), (["c"], None)]
    (tmp_path / "de-en.links").write_text("0-1 1-0\n0-0\n", encoding="utf-8")
    got = t.translate_aligned([["x", "y"], ["z"]], src_lang="de", tgt_lang="en")
    assert [a.pairs() for _, a in got] == [[(0, 1), (1, 0)], [(0, 0)]]
    (tmp_path / "de-en.links").write_text("0-1 1-0\n0-3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"de-en.links:2: link 0-3 is outside"):
        t.translate_aligned([["x", "y"], ["z"]], src_lang="de", tgt_lang="en")
    with pytest.raises(FileNotFoundError, match="no such links file"):
        PrecomputedTranslator(sentences=[["a"]], links=tmp_path / "nope.links")


def test_backtranslation_leg_choice(tmp_path):
    src = [["C", "B", "A"]] * 6
    tgt = [["a", "b", "c"]] * 6
    back = [["C", "B", "A"]] * 6
    links = [Alignment.from_pairs([(0, 2), (1, 1), (2, 0)])] * 6
    with_links = PrecomputedTranslator(sentences=back, links=links)
    r = BacktranslationRefiner(translator=with_links, src_lang="en", tgt_lang="xx",
                               combine="union", target_links="eflomal")
    r.refine(src, tgt, [Alignment()] * 6)
    assert r.stats["target_leg"] == "aligner" and r.stats["eflomal_runs"] == 2  # source leg too
    r = BacktranslationRefiner(translator=PrecomputedTranslator(sentences=back), src_lang="en",
                               tgt_lang="xx", target_links="translator")
    with pytest.raises(ValueError, match="gave no word links"):
        r.refine(src, tgt, [Alignment()] * 6)

    class Plain:
        def translate(self, sentences, *, src_lang, tgt_lang):
            return back

    with pytest.raises(ValueError, match="needs a translator that gives word links"):
        BacktranslationRefiner(translator=Plain(), src_lang="en", tgt_lang="xx",
                               target_links="translator")
    with pytest.raises(ValueError, match="target_links must be"):
        BacktranslationRefiner(translator=Plain(), src_lang="en", tgt_lang="xx",
                               target_links="maybe")


# --- the real Apertium, where installed -----------------------------------------------------


def _real(mode: str) -> ApertiumTranslator:
    t = ApertiumTranslator(data_dir=apertium_mod.DEFAULT_DATA_DIR)
    if shutil.which("apertium-wblank-mode") is None or mode not in t.pairs():
        pytest.skip(f"Apertium with the {mode} mode is not installed (.ci/run installs it)")
    if "cg-proc" in t._script(mode) and shutil.which("cg-proc") is None:
        pytest.skip(f"the {mode} mode runs cg-proc, from cg3 (.ci/run installs it)")
    return t


def test_real_apertium_links_a_reordered_name():
    t = _real("spa-eng")
    out = t.translate_aligned([["el", "Parlamento", "Europeo", "y", "la", "Comisión"]],
                              src_lang="es", tgt_lang="en")[0]
    words = [w.lower() for w in out.tokens]
    assert words[:3] == ["the", "european", "parliament"]
    pairs = set(out.alignment.pairs())
    assert {(0, 0), (1, 2), (2, 1)} <= pairs  # Parlamento -> Parliament, Europeo -> European
    assert ("commission" in words) and (5, words.index("commission")) in pairs


def test_real_apertium_chain_through_spanish():
    _real("spa-eng")
    t = _real("ita-spa")
    t.via = ("spa",)
    out = t.translate_aligned([["la", "Commissione", "europea"]], src_lang="it", tgt_lang="en")[0]
    assert t.last_chain == ["ita-spa", "spa-eng"]
    words = [w.lower() for w in out.tokens]
    assert "commission" in words and (1, words.index("commission")) in set(out.alignment.pairs())


# --- the command line -----------------------------------------------------------------------


def test_cli_translate_with_links_then_align_through_them(fake_apertium, tmp_path):
    import json

    from typer.testing import CliRunner

    from annoproj.cli.main import app

    runner = CliRunner()
    # "target" sentences in aaa; their back-translation into bbb reverses and upper-cases
    tgt = [["a", "b", "c"], ["x", "y"]] * 6
    src = [["C", "B", "A"], ["Y", "X"]] * 6
    (tmp_path / "tgt.txt").write_text("\n".join(" ".join(s) for s in tgt) + "\n", encoding="utf-8")
    (tmp_path / "src.txt").write_text("\n".join(" ".join(s) for s in src) + "\n", encoding="utf-8")
    bt, links = tmp_path / "bt.txt", tmp_path / "bt.links"
    r = runner.invoke(app, ["translate", "--backend", "apertium", "--src-lang", "aaa",
                            "--tgt-lang", "bbb", "-i", str(tmp_path / "tgt.txt"), "-o", str(bt),
                            "--links", str(links), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output.splitlines()[-1])["sentences"] == 12
    assert bt.read_text().splitlines()[:2] == ["C B A", "Y X"]
    assert links.read_text().splitlines()[:2] == ["0-2 1-1 2-0", "0-1 1-0"]
    base = ["align", str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"), "--json",
            "--backtranslation", str(bt)]
    r = runner.invoke(app, [*base, "-o", str(tmp_path / "l.txt"), "--backtranslation-links",
                            str(links), "--combine", "union", "--symmetrize", "reverse"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output.splitlines()[-1])
    assert row["refine"] == "backtranslation" and row["target_leg"] == "translator"
    assert "0-2" in (tmp_path / "l.txt").read_text().splitlines()[0]
    # usage and input errors
    (tmp_path / "short.links").write_text("0-0\n", encoding="utf-8")
    for args, code in (
        (["translate", "--backend", "apertium", "--src-lang", "zzz", "--tgt-lang", "bbb",
          "-i", str(tmp_path / "tgt.txt"), "-o", str(tmp_path / "o.txt")], 4),
        (["translate", "--src-lang", "aaa", "--tgt-lang", "bbb", "-i", str(tmp_path / "tgt.txt"),
          "-o", str(tmp_path / "o.txt")], 2),
        (["translate", "--backend", "hf", "-m", "x", "--links", str(tmp_path / "x.links"),
          "--src-lang", "aaa", "--tgt-lang", "bbb", "-i", str(tmp_path / "tgt.txt"),
          "-o", str(tmp_path / "o.txt")], 2),
        (["translate", "--backend", "apertium", "--markers", "--src-lang", "aaa", "--tgt-lang",
          "bbb", "-i", str(tmp_path / "tgt.txt"), "-o", str(tmp_path / "o.txt")], 2),
        (["align", str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"), "-o",
          str(tmp_path / "x.txt"), "--backtranslation-links", str(links)], 2),
        ([*base, "-o", str(tmp_path / "x.txt"), "--backtranslation-links",
          str(tmp_path / "short.links")], 3),
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == code, (args, r.output)
    assert "short.links has 1 lines" in r.output


def test_cli_bench_translator_flags_need_backtranslation():
    from typer.testing import CliRunner

    from annoproj.cli.main import app

    runner = CliRunner()
    for extra in (["--translator", "apertium"], ["--via", "es"], ["--target-links", "eflomal"],
                  ["--refine", "backtranslation", "--target-links", "maybe"]):
        r = runner.invoke(app, ["bench", "europarl", *extra])
        assert r.exit_code == 2, (extra, r.output)


def test_europarl_bench_backtranslates_with_apertium(tmp_path):
    """The benchmark's rows on a tiny Spanish stand-in corpus, back-translated for real."""
    _real("spa-eng")
    from annoproj.bench.europarl import EuroparlConfig, run_europarl

    en = ["the European Parliament meets", "the Commission agrees", "Anna sees the Parliament",
          "the house is big"] * 3
    es = ["el Parlamento Europeo se reúne", "la Comisión está de acuerdo",
          "Anna ve el Parlamento", "la casa es grande"] * 3
    d = tmp_path / "europarl"
    d.mkdir()
    names = {"Parliament", "Parlamento", "Europeo", "European", "Commission", "Comisión", "Anna"}
    for lang, sents in (("en", en), ("es", es)):
        lines = []
        for s in sents:
            lines += [f"{w}\t{'B-ORG' if w in names else 'O'}" for w in s.split()] + [""]
        (d / f"{lang}.test.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for method in ("heuristic", "match"):
        cfg = EuroparlConfig(tgts=("es",), method=method, refine="backtranslation",
                             translator="apertium")
        row = run_europarl(cfg, data_dir=tmp_path)[0]
        assert row["refine"] == "backtranslation" and row["translator"] == "apertium"
        assert row["target_leg"] == "translator" and row["refine_s"] > 0
    with pytest.raises(ValueError, match="not both"):
        run_europarl(EuroparlConfig(tgts=("es",), refine="backtranslation", translator="apertium",
                                    backtranslations=str(tmp_path)), data_dir=tmp_path)
    with pytest.raises(ModelError, match="no Apertium mode for xx->en"):
        from annoproj.bench.europarl import _backtranslator

        _backtranslator(EuroparlConfig(tgts=("de",), refine="backtranslation",
                                       translator="apertium")).chain("xx", "en")


def test_translate_train_pipeline_with_apertium(fake_apertium, tmp_path):
    """[translate] translator = "apertium" needs no model; the stand-in reverses words."""
    import json

    from annoproj.pipeline.config import config_from_dict
    from annoproj.pipeline.runner import run_pipeline

    lines = []
    for words in (["Anna", "sees", "the", "house"], ["the", "house", "sees", "Anna"]) * 8:
        lines += [f"{w}\t{'B-PER' if w == 'Anna' else 'O'}" for w in words] + [""]
    (tmp_path / "src.conll").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = config_from_dict({
        "src_lang": "aaa", "tgt_lang": "bbb", "output_dir": str(tmp_path / "run"),
        "source": {"path": str(tmp_path / "src.conll")},
        "translate": {"translator": "apertium"},
        "project": {"method": "heuristic"},
    })  # fmt: skip
    run_pipeline(config)
    rows = [json.loads(x) for x in (tmp_path / "run" / "bbb.projected.jsonl").read_text().splitlines()]
    assert rows[0]["tokens"] == ["HOUSE", "THE", "SEES", "ANNA"]
    assert [[s["start"], s["end"], s["label"]] for s in rows[0]["spans"]] == [[3, 4, "PER"]]
