"""CRF trainer and tagger: features, training, save/load round trip, `annoproj train` / `tag`."""

import json
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, read_jsonl, write_conll
from annoproj.data.model import Sentence, Span
from annoproj.train import (
    CRFTagger,
    CRFTrainer,
    FeatureConfig,
    FeatureExtractor,
    MissingDependencyError,
    ModelError,
    load_tagger,
    trainers,
)
from annoproj.train.features import word_shape

pytest.importorskip("sklearn_crfsuite")

PEOPLE = ["Musa Bello", "Amina", "John Smith", "Halima Yusuf", "Peter", "Zainab Ali"]
PLACES = ["Kano", "Lagos", "Abuja", "Nairobi", "Accra"]
ORGS = ["Hukumar NEMA", "Bankin Duniya", "Majalisar Dattawa"]
VERBS = ["ya tafi", "ta ziyarci", "ya yi magana a"]


def synthetic(n: int, seed: int = 0) -> list[Sentence]:
    """Hausa-like sentences: PER verb LOC/ORG . with spans."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        per = rng.choice(PEOPLE).split()
        verb = rng.choice(VERBS).split()
        if k % 2:
            obj, lab = rng.choice(PLACES).split(), "LOC"
        else:
            obj, lab = rng.choice(ORGS).split(), "ORG"
        lead = ["Ranar", "Litinin"] if k % 3 == 0 else []
        toks = lead + per + verb + obj + ["."]
        a = len(lead)
        b = a + len(per)
        c = b + len(verb)
        spans = [Span(a, b, "PER"), Span(c, c + len(obj), lab)]
        out.append(Sentence(toks, spans, id=f"s{k}"))
    return out


@pytest.fixture(scope="module")
def tagger() -> CRFTagger:
    return CRFTrainer(max_iterations=60).fit(synthetic(120))


def test_word_shape_and_features():
    assert word_shape("McDonald's") == "XxXx'x"
    assert word_shape("1996-08-22") == "d-d-d"
    assert word_shape("Ɗan") == "Xx"
    feats = FeatureExtractor(FeatureConfig())([["Musa", "ya", "tafi", "Kano", "."]])[0]
    assert len(feats) == 5
    f0, f3 = set(feats[0]), set(feats[3])
    assert {"w=musa", "title", "first", "first&title", "-1:BOS", "+1:w=ya", "p2=mu", "s3=usa"} <= f0
    assert {"-1:w=tafi", "-2:w=ya", "+1:w=.", "+2:EOS", "bg-=tafi|kano"} <= f3
    assert "punct" in feats[4] and "last" in feats[4]
    folded = FeatureExtractor(FeatureConfig(ascii_fold=True)).sentence(["Ọ̀ṣun"])[0]
    assert "a=osun" in folded
    # tone marks that NFC cannot compose (O + dot below + grave) do not hide the case
    yoruba = [set(f) for f in FeatureExtractor(FeatureConfig()).sentence(["ní", "Ọ̀yọ́", "Ẹ̀KỌ́"])]
    assert {"title", "sh=Xx", "-1:w=ní"} <= yoruba[1] and "upper" not in yoruba[1]
    assert {"upper", "sh=X", "-1:title"} <= yoruba[2]
    # affixes without tone marks: Èkó and Eko share them; the word itself stays apart
    plain, toned = (set(f) for f in FeatureExtractor(FeatureConfig(fold_affixes=True))
                    .sentence(["Eko", "Èkó"]))
    affixes = {x for x in plain if x.startswith(("p1=", "p2=", "s1=", "s2="))}
    assert affixes and affixes <= toned and "w=èkó" in toned and "w=èkó" not in plain
    assert "s2=kó" in FeatureExtractor(FeatureConfig()).sentence(["Èkó"])[0]
    small = FeatureExtractor(FeatureConfig(affixes=0, window=1, bigrams=False, ascii_fold=False))
    f = small.sentence(["a", "b", "c"])[1]
    assert not any(x.startswith(("p1=", "s1=", "bg", "-2:", "+2:")) for x in f)
    with pytest.raises(ValueError, match="unknown feature options"):
        FeatureConfig.from_dict({"windw": 2})


def test_fit_learns_the_training_data(tagger):
    data = synthetic(40, seed=1)
    pred = tagger.predict([s.tokens for s in data])
    gold = [s.spans for s in data]
    hits = sum(p == g for p, g in zip(pred, gold))
    assert hits >= 36
    assert tagger.entity_types == ["LOC", "ORG", "PER"]
    assert set(tagger.labels) <= {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}
    assert tagger.info["sentences"] == 120 and tagger.info["iterations"] <= 60
    assert tagger.predict([[]]) == [[]]


def test_fit_is_deterministic():
    data = synthetic(60)
    a = CRFTrainer(max_iterations=20).fit(data)
    b = CRFTrainer(max_iterations=20).fit(data)
    assert a.model == b.model


def test_fit_crfsuite_is_the_trainers_crf():
    """The one crfsuite training function: the trainer's model, and the same model from
    weight-1 dicts (how the frozen trainer's plain CRF passes its features)."""
    from annoproj.data.tags import spans_to_tags
    from annoproj.train.crf import fit_crfsuite

    data = synthetic(60)
    trainer = CRFTrainer(max_iterations=20)
    xs, ys = trainer.featurize(data)
    assert fit_crfsuite(xs, ys, max_iterations=20)[0] == trainer.fit(data).model
    dicts = [[dict.fromkeys(f, 1.0) for f in x] for x in xs]
    assert fit_crfsuite(dicts, ys, max_iterations=20)[0] == trainer.fit(data).model
    assert ys[0] == spans_to_tags(data[0].spans, len(data[0].tokens))


def test_bioes_scheme_and_dev_scores():
    data = synthetic(80)
    t = CRFTrainer(max_iterations=40, scheme="BIOES").fit(data, dev=synthetic(20, seed=3))
    assert any(lab.startswith(("S-", "E-")) for lab in t.labels)
    assert t.info["dev"]["f1"] > 0.8
    assert t.predict([data[0].tokens])[0] == data[0].spans
    with pytest.raises(ValueError, match="IOB2 or BIOES"):
        CRFTrainer(scheme="IOB1")


def test_save_load_round_trip(tagger, tmp_path):
    folder = tagger.save(tmp_path / "model")
    cfg = json.loads((folder / "config.json").read_text())
    assert cfg["trainer"] == "crf" and cfg["format_version"] == 1
    assert cfg["features"] == FeatureConfig().to_dict()
    assert cfg["params"]["c1"] == 0.1 and cfg["versions"]["annoproj"]
    assert (folder / "model.crfsuite").stat().st_size > 0
    back = load_tagger(folder)
    assert isinstance(back, CRFTagger) and back.labels == tagger.labels
    data = [s.tokens for s in synthetic(30, seed=7)]
    assert back.predict(data) == tagger.predict(data)


def test_load_errors(tmp_path):
    with pytest.raises(ModelError, match="no such model folder"):
        load_tagger(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="config.json"):
        load_tagger(tmp_path / "empty")


def test_registry_and_missing_dependency(monkeypatch):
    assert "crf" in trainers.names()
    assert isinstance(trainers.create("crf", c1=0.5), CRFTrainer)
    monkeypatch.setitem(sys.modules, "sklearn_crfsuite", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'annoproj\[crf\]'"):
        CRFTrainer().fit(synthetic(4))


# ------------------------------------------------------------------ CLI

runner = CliRunner()


def test_cli_train_and_tag(tmp_path):
    train = tmp_path / "train.conll"
    write_conll(train, synthetic(100) + [Sentence(["UN", "Abuja"], [Span(0, 1, "MISC"), Span(1, 2, "LOC")])])
    dev = tmp_path / "dev.conll"
    write_conll(dev, synthetic(20, seed=5))
    model = tmp_path / "model"
    res = runner.invoke(app, ["train", "--train", str(train), "--dev", str(dev), "--out", str(model),
                              "--trainer", "crf", "--label-map", "MISC=O", "--max-iterations", "40",
                              "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout.strip().splitlines()[-1])
    assert summary["labels"] == ["LOC", "ORG", "PER"]  # MISC was dropped
    assert summary["dev"]["f1"] > 0.8

    text = tmp_path / "input.txt"
    text.write_text("Musa Bello ya tafi Kano .\nAmina ta ziyarci Bankin Duniya .\n", encoding="utf-8")
    out = tmp_path / "tagged.conll"
    res = runner.invoke(app, ["tag", "--model", str(model), "--input", str(text), "--output", str(out),
                              "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sentences"] == 2
    got = read_conll(out)
    assert got[0].spans == [Span(0, 2, "PER"), Span(4, 5, "LOC")]
    # CoNLL in, JSONL out
    out_j = tmp_path / "tagged.jsonl"
    res = runner.invoke(app, ["tag", "-m", str(model), "-i", str(dev), "-o", str(out_j)])
    assert res.exit_code == 0, res.output
    assert len(read_jsonl(out_j)) == 20


def _cli_train(tmp_path, *flags: str, n: int = 60, iterations: int = 30):
    """`annoproj train` on `n` synthetic sentences with `flags`: the result and model folder."""
    train = tmp_path / "train.conll"
    write_conll(train, synthetic(n))
    model = tmp_path / "model"
    res = runner.invoke(app, ["train", "--train", str(train), "--out", str(model),
                              "--max-iterations", str(iterations), *flags])
    return res, model


def test_cli_fold_affixes_is_saved(tmp_path):
    res, model = _cli_train(tmp_path, "--fold-affixes", n=40, iterations=10)
    assert res.exit_code == 0, res.output
    assert json.loads((model / "config.json").read_text())["features"]["fold_affixes"] is True


def _tutorial_features(sent: list[str], i: int) -> dict:
    """sklearn-crfsuite's tutorial word2features without part-of-speech tags: the oracle."""
    word = sent[i]
    f = {"bias": 1.0, "word.lower()": word.lower(), "word[-3:]": word[-3:],
         "word[-2:]": word[-2:], "word.isupper()": word.isupper(),
         "word.istitle()": word.istitle(), "word.isdigit()": word.isdigit()}
    for o, edge in ((-1, "BOS"), (1, "EOS")):
        if 0 <= i + o < len(sent):
            w = sent[i + o]
            f.update({f"{o:+d}:word.lower()": w.lower(), f"{o:+d}:word.istitle()": w.istitle(),
                      f"{o:+d}:word.isupper()": w.isupper()})
        else:
            f[edge] = True
    return f


_TUTORIAL_NAMES = {"bias": "b", "word.lower()": "w", "word[-3:]": "s3", "word[-2:]": "s2",
                   "word.isupper()": "upper", "word.istitle()": "title", "word.isdigit()": "digit",
                   "BOS": "-1:BOS", "EOS": "+1:EOS"}


def _as_crfsuite(features: dict) -> set[str]:
    """crfsuite's reading of a dict: strings are name=value, true flags a name, false nothing."""
    out = set()
    for key, value in features.items():
        side, base = (key[:3], key[3:]) if key[:3] in ("-1:", "+1:") else ("", key)
        name = _TUTORIAL_NAMES[key] if key in ("BOS", "EOS") else side + _TUTORIAL_NAMES[base]
        if isinstance(value, str):
            out.add(f"{name}={value}")
        elif value:
            out.add(name)
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="aBcD1é-Ọ̀ ", min_size=1, max_size=6), min_size=1, max_size=5))
def test_plain_template_is_the_tutorials_features(tokens):
    got = FeatureExtractor(FeatureConfig(template="plain", normalize="")).sentence(tokens)
    for i, feats in enumerate(got):
        assert len(feats) == len(set(feats))
        assert set(feats) == _as_crfsuite(_tutorial_features(tokens, i))


def test_plain_template_options_and_round_trip(tmp_path):
    with pytest.raises(ValueError, match="template"):
        FeatureConfig(template="fancy")
    with pytest.raises(ValueError, match="rich template"):
        FeatureConfig(template="plain", fold_affixes=True)
    res, model = _cli_train(tmp_path, "--crf-features", "plain")
    assert res.exit_code == 0, res.output
    assert json.loads((model / "config.json").read_text())["features"]["template"] == "plain"
    tagger = load_tagger(model)
    assert tagger.features.template == "plain"
    assert tagger.predict([["Amina", "ta", "tafi", "Lagos", "."]])[0] == [Span(0, 1, "PER"),
                                                                       Span(3, 4, "LOC")]
    res, _ = _cli_train(tmp_path, "--crf-features", "plain", "--fold-affixes")
    assert res.exit_code == 2 and "rich template" in res.output


def test_cli_exit_codes(tmp_path):
    res = runner.invoke(app, ["train", "--train", str(tmp_path / "missing.conll"),
                              "--out", str(tmp_path / "m")])
    assert res.exit_code == 3
    train = tmp_path / "t.conll"
    write_conll(train, synthetic(5))
    res = runner.invoke(app, ["train", "--train", str(train), "--out", str(tmp_path / "m"),
                              "--trainer", "svm"])
    assert res.exit_code == 2 and "unknown trainer" in res.output
    res = runner.invoke(app, ["train", "--train", str(train), "--out", str(tmp_path / "m"),
                              "--label-map", "MISC"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["tag", "--model", str(tmp_path / "none"), "--input", str(train),
                              "--output", str(tmp_path / "o.conll")])
    assert res.exit_code == 4 and "no such model folder" in res.output


def test_o_weight_finds_more_entities_and_round_trips(tagger, tmp_path):
    data = [s.tokens for s in synthetic(30, seed=5)] + [["Wani", "mutum", "ya", "zo", "."]]
    plain = tagger.predict(data)
    eager = CRFTrainer(max_iterations=60, o_weight=1e-6).fit(synthetic(120))
    assert eager.o_weight == 1e-6
    many = eager.predict(data)
    assert sum(map(len, many)) > sum(map(len, plain))
    assert all(len(eager.predict_with_confidence([t])[0]) == len(p) for t, p in zip(data, many))
    back = load_tagger(eager.save(tmp_path / "eager"))
    assert back.o_weight == 1e-6 and back.predict(data) == many
    back.o_weight = 1.0
    assert back.predict(data) == plain  # same training, crfsuite's Viterbi again
    with pytest.raises(ValueError, match="o_weight"):
        CRFTrainer(o_weight=0)
    with pytest.raises(ValueError, match="o_weight"):
        back.o_weight = -1.0


def test_cli_o_weight(tmp_path):
    res, model = _cli_train(tmp_path, "--o-weight", "0.5")
    assert res.exit_code == 0, res.output
    assert json.loads((model / "config.json").read_text())["decoding"] == {"o_weight": 0.5}
    text = tmp_path / "in.txt"
    text.write_text("Wani mutum ya zo .\n", encoding="utf-8")
    for flag, code in ((["--o-weight", "1e-9"], 0), (["--o-weight", "0"], 2)):
        res = runner.invoke(app, ["tag", "-m", str(model), "-i", str(text),
                                  "-o", str(tmp_path / "o.conll"), *flag])
        assert res.exit_code == code, res.output
    assert read_conll(tmp_path / "o.conll")[0].spans  # everything is a name at 1e-9


def test_features_doctests():
    import doctest

    import annoproj.train.features as features_mod

    assert doctest.testmod(features_mod).failed == 0


def test_a_trained_model_folder_is_a_source_labeller(tagger, tmp_path):
    # translate-test with your own tagger: `--labeller DIR` / `annoproj label -m DIR`
    from annoproj.label import make_labeller
    from annoproj.train.labeller import TaggerLabeller

    folder = tagger.save(tmp_path / "m")
    sents = [s.tokens for s in synthetic(12, seed=5)]
    want = tagger.predict(sents)
    for spec in (str(folder), f"tagger:{folder}"):
        lab = make_labeller(spec)
        assert isinstance(lab, TaggerLabeller) and lab.name == "tagger"
        assert lab.label(sents) == want
    assert make_labeller(folder, label_map="PER=O").label(sents) == [
        [sp for sp in s if sp.label != "PER"] for s in want]
    out = tmp_path / "labelled.conll"
    write_conll(tmp_path / "in.conll", [Sentence(list(t), []) for t in sents])
    res = CliRunner().invoke(app, ["label", "-m", str(folder), "-i", str(tmp_path / "in.conll"),
                                   "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    assert [s.spans for s in read_conll(out)] == want
