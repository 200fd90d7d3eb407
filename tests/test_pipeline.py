import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.pipeline.config import ConfigError, config_from_dict, load_config

runner = CliRunner()


def test_config_errors_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match="unknown key 'methd' in \\[project\\]"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "project": {"methd": "match"}})
    with pytest.raises(ConfigError, match="misc must be one of keep, loc"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "project": {"misc": "drop"}})
    with pytest.raises(ConfigError, match="drop_partial leaves sentences out of training"):
        config_from_dict({"kind": "translate-test", "target": {"path": "x"},
                          "translate": {"path": "y"}, "project": {"drop_partial": True}})
    with pytest.raises(ConfigError, match="heads: head words are single words"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "project": {"heads": ["karamar hukumar"]}})
    with pytest.raises(ConfigError, match="heads: cannot read head words from nope.txt"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "project": {"heads_file": "nope.txt"}})
    with pytest.raises(ConfigError, match="rejoin must be one of none, pieces, words"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y", "rejoin": "yes"}})
    with pytest.raises(ConfigError, match="translate-test labels the target sentences as given"):
        config_from_dict({"kind": "translate-test", "target": {"path": "x"},
                          "translate": {"path": "y", "rejoin": "pieces"}})
    with pytest.raises(ConfigError, match="min_confidence"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "project": {"min_confidence": 3}})
    with pytest.raises(ConfigError, match="must be an integer"):
        config_from_dict({"source": {"path": "x", "limit": "ten"}, "translate": {"path": "y"}})
    with pytest.raises(ConfigError, match="needs \\[source\\] path"):
        config_from_dict({"translate": {"path": "y"}})
    # Unknown component names fail validation, before any stage runs.
    base = {"source": {"path": "x"}, "translate": {"path": "y"}}
    for table, value, message in [
            ("project", {"method": "mach"}, "\\[project\\] unknown projection method 'mach'; known: heuristic"),
            ("project", {"scorers": ["alignment", "sting"]}, "\\[project\\] unknown scorer 'sting'"),
            ("project", {"solver": "fast"}, "\\[project\\] unknown solver 'fast'"),
            ("project", {"options": {"constraint": "all"}}, "\\[project\\] constraint must be"),
            ("align", {"aligner": "giza"}, "\\[align\\] unknown aligner 'giza'"),
            ("train", {"trainer": "svm"}, "\\[train\\] unknown trainer 'svm'; known: crf, hf"),
            ("translate", {"translator": "deepl", "model": "m"}, "\\[translate\\] unknown translator")]:
        with pytest.raises(ConfigError, match=message):
            config_from_dict({**base, table: value})
    # the heuristic takes no scorers or solver, so theirs are not checked
    config_from_dict({**base, "project": {"method": "heuristic", "solver": "fast"}})
    bad = tmp_path / "c.toml"
    bad.write_text("kind = 'translate-train'\n[source\n")
    with pytest.raises(ConfigError, match="c.toml"):
        load_config(bad)


def test_relative_paths_follow_the_file(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text('output_dir = "out"\n[source]\npath = "en.conll"\n[translate]\npath = "de.txt"\n')
    c = load_config(cfg, overrides={"project.method": "heuristic"})
    assert c.source.path == str(tmp_path / "en.conll")
    assert c.output_dir == str(tmp_path / "out")
    assert c.project.method == "heuristic"


@pytest.fixture()
def europarl_run(tmp_path, data_dir):
    cfg = tmp_path / "run.toml"
    e = data_dir / "europarl"
    cfg.write_text(f"""
kind = "translate-train"
output_dir = "{tmp_path / 'run'}"
tgt_lang = "de"
[source]
path = "{e / 'en.test.conll'}"
labels = "MISC=O"
limit = 150
[translate]
path = "{e / 'de.test.conll'}"
[project]
method = "heuristic"
[train]
trainer = "crf"
options = {{max_iterations = 20}}
[evaluate]
test = "{e / 'de.test.conll'}"
labels = "MISC=O"
""")
    return cfg


def test_translate_train_caches_every_stage(europarl_run, tmp_path):
    pytest.importorskip("sklearn_crfsuite")
    r = runner.invoke(app, ["translate-train", str(europarl_run), "--json"])
    assert r.exit_code == 0, r.output
    first = json.loads(r.output.strip().splitlines()[-1])
    assert first["sentences"] == 150 and first["projected"] + first["skipped"] == 150
    assert 0 < first["metrics"]["test"]["f1"] <= 1
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert {s["stage"] for s in manifest["stages"]} == {"translate", "align", "project", "train"}
    assert "eflomal" in manifest["versions"]
    r = runner.invoke(app, ["translate-train", str(europarl_run), "--json"])
    again = json.loads(r.output.strip().splitlines()[-1])
    assert again["metrics"] == first["metrics"]
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert all(s["cached"] for s in manifest["stages"])


def test_cli_flags_without_a_file(tmp_path, data_dir):
    e = data_dir / "europarl"
    r = runner.invoke(app, ["translate-train", "--source", str(e / "en.test.conll"),
                            "--translations", str(e / "it.test.conll"), "--tgt-lang", "it",
                            "-o", str(tmp_path / "it"), "--set", "source.limit=40",
                            "--method", "heuristic", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output.strip().splitlines()[-1])
    assert out["outputs"]["projected"].endswith("it.projected.jsonl")


def test_translation_count_mismatch_names_the_files(tmp_path):
    (tmp_path / "en.conll").write_text("A\tB-PER\n\nB\tO\n\nC\tO\n\n")
    (tmp_path / "de.txt").write_text("a\nb\n")
    (tmp_path / "ids").write_text("0\n1\n2\n")
    args = ["translate-train", "--source", str(tmp_path / "en.conll"), "--translations",
            str(tmp_path / "de.txt"), "-o", str(tmp_path / "run")]
    r = runner.invoke(app, args)
    assert r.exit_code == 3 and "holds 2 translations but there are 3" in r.output
    assert "use [source] ids" in r.output
    r = runner.invoke(app, [*args, "--ids", str(tmp_path / "ids")])
    assert r.exit_code == 3 and "ids file of these translations" in r.output


def test_bad_config_exit_code(tmp_path):
    r = runner.invoke(app, ["translate-train", "--set", "project.nope=1"])
    assert r.exit_code == 2
    assert "unknown key" in r.output


def test_translate_test_with_spacy(tmp_path, data_dir):
    pytest.importorskip("spacy")
    pytest.importorskip("annoproj.label.base")
    e = data_dir / "europarl"
    r = runner.invoke(app, ["translate-test", "--target", str(e / "de.test.conll"),
                            "--translations", str(e / "en.test.conll"), "--labeller", "spacy",
                            "--tgt-lang", "de", "-o", str(tmp_path / "tt"), "--set",
                            "target.limit=60", "--test-labels", "MISC=O", "--method",
                            "heuristic", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output.strip().splitlines()[-1])
    assert 0 < out["metrics"]["target"]["f1"] <= 1


def _with_and_without(tmp_path, data_dir, tgt: str, setting: str | list[str], *extra: str):
    """The projected JSONL of a 300-sentence Europarl en->`tgt` run without and with
    `setting` (one KEY=VALUE or several)."""
    from annoproj.data.io import read_jsonl

    e = data_dir / "europarl"
    args = ["translate-train", "--source", str(e / "en.test.conll"), "--translations",
            str(e / f"{tgt}.test.conll"), "--tgt-lang", tgt, "--set", "source.limit=300",
            "--json", "--plain", *extra]
    settings = [setting] if isinstance(setting, str) else setting
    for name, more in (("plain", []), ("set", [x for kv in settings for x in ("--set", kv)])):
        r = runner.invoke(app, [*args, "-o", str(tmp_path / name), *more])
        assert r.exit_code == 0, r.output
    return [read_jsonl(tmp_path / name / f"{tgt}.projected.jsonl") for name in ("plain", "set")]


def test_translate_train_default_recipe():
    """translate-train projects with the recipe chosen on dev unless told plain; an explicit
    setting wins; translate-test keeps the plain projection."""
    from annoproj.pipeline.config import config_from_dict

    base = {"kind": "translate-train", "source": {"path": "x"},
            "translate": {"path": "y"}}
    p = config_from_dict(base).project
    assert (p.misc, p.extend, p.drop_partial) == ("loc", True, True)
    p = config_from_dict({**base, "project": {"plain": True}}).project
    assert (p.misc, p.extend, p.drop_partial) == ("keep", False, False)
    p = config_from_dict({**base, "project": {"plain": True, "extend": True}}).project
    assert (p.misc, p.extend, p.drop_partial) == ("keep", True, False)
    p = config_from_dict({**base, "project": {"drop_partial": False}}).project
    assert (p.misc, p.extend, p.drop_partial) == ("loc", True, False)
    p = config_from_dict({"kind": "translate-test", "target": {"path": "x"},
                          "translate": {"path": "y"}}).project
    assert (p.misc, p.extend, p.drop_partial) == ("keep", False, False)


def test_translate_train_completion(tmp_path, data_dir):
    plain, done = _with_and_without(tmp_path, data_dir, "de", "project.complete=true",
                                     "--method", "heuristic")
    added = [(k, sp) for k, (a, b) in enumerate(zip(plain, done)) for sp in b.spans if sp not in a.spans]
    assert added, "nothing was completed"
    assert all(set(a.spans) <= set(b.spans) for a, b in zip(plain, done))
    for k, _ in added:
        assert -1 in done[k].meta["sources"]


def test_translate_train_extension(tmp_path, data_dir):
    plain, wide = _with_and_without(tmp_path, data_dir, "it", "project.extend=true")
    widened = 0
    for a, b in zip(plain, wide):
        assert len(a.spans) == len(b.spans)
        for x, y in zip(a.spans, b.spans):  # spans only ever grow, keeping their label
            assert y.start <= x.start and x.end <= y.end and x.label == y.label
            widened += x != y
    assert widened, "no span was widened"


def test_translate_train_heads(tmp_path, data_dir):
    (tmp_path / "heads.txt").write_text("# German articles, as a stand-in\nder\n", encoding="utf-8")
    plain, wide = _with_and_without(tmp_path, data_dir, "de", ["project.heads=die",
                                                               f"project.heads_file={tmp_path / 'heads.txt'}"])
    widened = 0
    for a, b in zip(plain, wide):
        for x, y in zip(a.spans, b.spans):  # spans only grow leftwards, over the head words
            assert (y.end, y.label) == (x.end, x.label) and y.start <= x.start
            if y.start < x.start:
                widened += 1
                assert x.label in ("LOC", "ORG")
                assert {w.lower() for w in b.tokens[y.start:x.start]} <= {"der", "die"}
    assert widened, "no span took in a head word"


def test_translate_train_misc_loc_and_drop_partial(tmp_path, data_dir):
    plain, done = _with_and_without(tmp_path, data_dir, "de",
                                     ["project.misc=loc", "project.drop_partial=true"])
    # dropped sentences are not written: skipped.tsv lists them with the reason
    log = (tmp_path / "set" / "skipped.tsv").read_text().splitlines()[1:]
    assert log and all(line.split("\t")[2].startswith("partial: ") for line in log)
    by_id = {s.id: s for s in plain}
    converted = 0
    for b in done:
        a = by_id[b.id]
        assert {sp for sp in a.spans if sp.label != "MISC"} <= set(b.spans)
        misc = [sp for sp in a.spans if sp.label == "MISC"]
        for sp in set(b.spans) - set(a.spans):  # new spans: LOC inside a MISC span
            assert sp.label == "LOC" and any(m.start <= sp.start and sp.end <= m.end for m in misc)
            converted += 1
    assert converted, "no MISC span became a LOC"
    assert not any(sp.label == "MISC" for s in done for sp in s.spans)


def test_translate_train_name_keys(tmp_path, data_dir):
    """Name keys change what eflomal sees, not the tokens; the alignment stage reruns."""
    plain, keyed = _with_and_without(tmp_path, data_dir, "de", "align.name_keys=true")
    assert [s.tokens for s in plain] == [s.tokens for s in keyed]
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text())
    assert manifest["config"]["align"]["name_keys"] is True
    assert any(st["stage"] == "align" and not st["cached"] for st in manifest["stages"])


def test_translate_train_with_links_made_beforehand(tmp_path, data_dir):
    """[align] links: annoproj align's links give the run the pipeline's own alignment gives."""
    from annoproj.data.io import read_conll, write_conll

    e = data_dir / "europarl"
    for lang in ("en", "de"):
        write_conll(tmp_path / f"{lang}.conll", read_conll(e / f"{lang}.test.conll")[:300])
    r = runner.invoke(app, ["align", str(tmp_path / "en.conll"), str(tmp_path / "de.conll"),
                            "-o", str(tmp_path / "de.links"), "--scores"])
    assert r.exit_code == 0, r.output
    plain, given = _with_and_without(tmp_path, data_dir, "de", f"align.links={tmp_path / 'de.links'}")
    assert [s.spans for s in plain] == [s.spans for s in given]
    lines = (tmp_path / "de.links").read_text().splitlines()
    (tmp_path / "short.links").write_text("\n".join(lines[:299]) + "\n")
    args = ["translate-train", "--source", str(e / "en.test.conll"), "--translations",
            str(e / "de.test.conll"), "--set", "source.limit=300", "-o", str(tmp_path / "x")]
    r = runner.invoke(app, [*args, "--set", f"align.links={tmp_path / 'short.links'}"])
    assert r.exit_code == 3 and "holds 299 lines of links but there are 300" in r.output
    r = runner.invoke(app, [*args, "--set", f"align.links={tmp_path / 'de.links'}",
                            "--set", "align.name_keys=true"])
    assert r.exit_code == 2 and "with links the links are given" in r.output


def test_translate_train_self_training(europarl_run, tmp_path):
    pytest.importorskip("sklearn_crfsuite")
    r = runner.invoke(app, ["translate-train", str(europarl_run), "--json",
                            "--set", "train.self_train=true"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output.strip().splitlines()[-1])
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["counts"]["self_trained"] >= 0 and 0 < out["metrics"]["test"]["f1"] <= 1
    with pytest.raises(ConfigError, match="self_train_confidence"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "train": {"trainer": "crf", "self_train": True,
                                    "self_train_confidence": 2}})
    with pytest.raises(ConfigError, match="needs a trainer"):
        config_from_dict({"source": {"path": "x"}, "translate": {"path": "y"},
                          "train": {"self_train": True}})


def test_translate_train_o_weight_reaches_the_saved_model(europarl_run, tmp_path):
    pytest.importorskip("sklearn_crfsuite")
    r = runner.invoke(app, ["translate-train", str(europarl_run), "--json",
                            "--set", 'train.options={"max_iterations": 20, "o_weight": 0.4}'])
    assert r.exit_code == 0, r.output
    configs = list((tmp_path / "run").rglob("config.json"))
    assert configs and all(json.loads(c.read_text())["decoding"] == {"o_weight": 0.4}
                           for c in configs)


@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "examples").glob("*.toml")),
                         ids=lambda p: p.name)
def test_example_configs_are_valid(path):
    cfg = load_config(path).validate()
    assert cfg.kind == "translate-train" and Path(cfg.source.path).is_absolute()


def test_translate_train_rejoins_split_words(tmp_path):
    from annoproj.data.io import read_jsonl, write_conll
    from annoproj.data.model import Sentence, Span

    names = ["Kano", "Abuja", "Lagos", "Zaria"]
    src = [Sentence(["Musa", "joined", "the", "party", "in", n, "."],
                    [Span(0, 1, "PER"), Span(5, 6, "LOC")]) for n in names * 5]
    write_conll(tmp_path / "en.conll", src)
    (tmp_path / "ha.txt").write_text("".join(f"Musa ya shiga jam 'iyyar a {n} .\n"
                                             for n in names * 5), encoding="utf-8")
    (tmp_path / "run.toml").write_text(
        'output_dir = "out"\ntgt_lang = "ha"\n[source]\npath = "en.conll"\n'
        '[translate]\npath = "ha.txt"\nrejoin = "pieces"\n[project]\nmethod = "heuristic"\n')
    res = runner.invoke(app, ["translate-train", str(tmp_path / "run.toml"), "--json"])
    assert res.exit_code == 0, res.output
    manifest = json.loads(res.stdout)
    assert manifest["rejoined_tokens"] == 20
    out = read_jsonl(tmp_path / "out" / "ha.projected.jsonl")
    assert all(s.tokens[3] == "jam'iyyar" and len(s.tokens) == 7 for s in out)
    assert {(sp.start, sp.label) for s in out for sp in s.spans} == {(0, "PER"), (5, "LOC")}


def test_translate_train_refines_through_pivots(tmp_path, data_dir):
    """[align] refine = "pivot": the pipeline's refined links are those of annoproj align
    --pivot (the one alignment stage), and matching keeps the refined links' lower floor."""
    from annoproj.data.io import read_conll, read_pharaoh, write_conll

    e = data_dir / "europarl"
    for lang in ("en", "de", "es"):
        write_conll(tmp_path / f"{lang}.conll", read_conll(e / f"{lang}.test.conll")[:150])
    r = runner.invoke(app, ["align", str(tmp_path / "en.conll"), str(tmp_path / "de.conll"),
                            "-o", str(tmp_path / "de.links"), "--scores",
                            "--pivot", str(tmp_path / "es.conll")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["translate-train", "--source", str(e / "en.test.conll"),
                            "--translations", str(e / "de.test.conll"), "--tgt-lang", "de",
                            "--set", "source.limit=150", "--json", "--plain",
                            "-o", str(tmp_path / "set"), "--set", "align.refine=pivot",
                            "--set", f"align.pivots={e / 'es.test.conll'}"])
    assert r.exit_code == 0, r.output
    links = read_pharaoh(next((tmp_path / "set" / "cache").glob("align-*.pharaoh")))
    assert [a.pairs() for a in links] == [a.pairs() for a in read_pharaoh(tmp_path / "de.links")]
    manifest = json.loads((tmp_path / "set" / "manifest.json").read_text())
    assert manifest["config"]["align"]["refine"] == "pivot"
    from annoproj.pipeline.config import config_from_dict as build

    c = build({"source": {"path": "x"}, "translate": {"path": "y"},
               "align": {"refine": "pivot", "pivots": ["p"]}})
    assert c.project.projector_options(c.align.refine)["min_score"] == 0.45


def test_translate_train_refines_through_back_translations(tmp_path, data_dir):
    """[align] refine = "backtranslation" with a file of back-translations, as annoproj align
    --backtranslation makes them; a TOML file names it relative to itself."""
    from annoproj.data.io import read_conll, read_pharaoh, write_conll

    e = data_dir / "europarl"
    en = read_conll(e / "en.test.conll")[:120]
    write_conll(tmp_path / "en.conll", en)
    write_conll(tmp_path / "de.conll", read_conll(e / "de.test.conll")[:120])
    (tmp_path / "back.txt").write_text("\n".join(" ".join(s.tokens) for s in en) + "\n")
    r = runner.invoke(app, ["align", str(tmp_path / "en.conll"), str(tmp_path / "de.conll"),
                            "-o", str(tmp_path / "de.links"), "--scores",
                            "--backtranslation", str(tmp_path / "back.txt")])
    assert r.exit_code == 0, r.output
    cfg = tmp_path / "run.toml"
    cfg.write_text(f"""
output_dir = "run"
tgt_lang = "de"
[source]
path = "{tmp_path / 'en.conll'}"
[translate]
path = "{tmp_path / 'de.conll'}"
[align]
refine = "backtranslation"
backtranslations = "back.txt"
""")
    r = runner.invoke(app, ["translate-train", str(cfg), "--json"])
    assert r.exit_code == 0, r.output
    links = read_pharaoh(next((tmp_path / "run" / "cache").glob("align-*.pharaoh")))
    assert [a.pairs() for a in links] == [a.pairs() for a in read_pharaoh(tmp_path / "de.links")]


def test_refinement_config_errors():
    base = {"source": {"path": "x"}, "translate": {"path": "y"}}
    for align, message in (
            ({"refine": "pivots"}, "refine must be one of"),
            ({"refine": "pivot"}, "needs pivots"),
            ({"pivots": ["a"]}, "pivots is set but refine is 'none'"),
            ({"refine": "backtranslation"}, "backtranslations"),
            ({"refine": "backtranslation", "backtranslations": "b", "translator": "apertium"},
             "one of the two"),
            ({"refine": "pivot", "pivots": ["a"], "links": "l"}, "with links the links"),
            ({"refine": "pivot", "pivots": ["a"], "aligner": "simalign"}, "eflomal"),
            ({"refine": "pivot", "pivots": ["a"], "combine": "nope"}, "combine must be"),
            ({"refine": "backtranslation", "translator": "nope"}, "nope")):
        with pytest.raises(ConfigError, match=message):
            config_from_dict({**base, "align": align})
    c = config_from_dict({**base, "align": {"refine": "pivot", "pivots": "a,b"}})
    assert c.align.pivots == ["a", "b"]
    stage = c.align.stage_config("heuristic")
    assert (stage.refine, stage.symmetrization) == ("pivot", "reverse")


def test_the_docs_refinement_example_runs(tmp_path, data_dir):
    """The pasteable [align] refine example of docs/pipelines.md is a valid configuration that
    runs (on the shared data, cut to 100 sentences)."""
    import re
    from pathlib import Path

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")

    from annoproj.pipeline.runner import run_pipeline

    page = (Path(__file__).resolve().parents[1] / "docs" / "pipelines.md").read_text()
    section = page.split("### Refining the links through other languages", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    shared = str(data_dir)
    data = tomllib.loads(block.replace("../shared/data", shared))
    data["output_dir"] = str(tmp_path / "run")
    data["source"]["limit"] = 100
    assert data["align"]["refine"] == "pivot" and len(data["align"]["pivots"]) == 2
    manifest = run_pipeline(config_from_dict(data))
    assert manifest["counts"]["sentences"] == 100
    assert manifest["config"]["align"]["pivots"][0].startswith(shared)


def test_translate_train_back_translates_with_a_translator(tmp_path, data_dir):
    """[align] refine = "backtranslation" with translator = "apertium" (real Apertium,
    spa-eng; skipped without it): the links are the stage's with that translator."""
    import shutil

    from annoproj.align.stage import AlignConfig, align_corpus
    from annoproj.data.io import read_conll, read_pharaoh, write_conll
    from annoproj.translate.apertium import DEFAULT_DATA_DIR, ApertiumTranslator

    translator = ApertiumTranslator(data_dir=DEFAULT_DATA_DIR)
    if shutil.which("apertium-wblank-mode") is None or "spa-eng" not in translator.pairs():
        pytest.skip("Apertium with the spa-eng mode is not installed (.ci/run installs it)")
    e = data_dir / "europarl"
    en, es = read_conll(e / "en.test.conll")[:60], read_conll(e / "es.test.conll")[:60]
    write_conll(tmp_path / "en.conll", en)
    write_conll(tmp_path / "es.conll", es)
    config = config_from_dict({
        "tgt_lang": "es", "output_dir": str(tmp_path / "run"),
        "source": {"path": str(tmp_path / "en.conll")},
        "translate": {"path": str(tmp_path / "es.conll")},
        "align": {"refine": "backtranslation", "translator": "apertium",
                  "translator_model": str(DEFAULT_DATA_DIR)}})
    from annoproj.pipeline.runner import run_pipeline

    manifest = run_pipeline(config)
    assert manifest["config"]["align"]["translator"] == "apertium"
    links = read_pharaoh(next((tmp_path / "run" / "cache").glob("align-*.pharaoh")))
    want = align_corpus([s.tokens for s in en], [s.tokens for s in es],
                        AlignConfig(refine="backtranslation"), translator=translator,
                        src_lang="en", tgt_lang="es")
    assert [a.pairs() for a in links] == [a.pairs() for a in want]
