"""HF and CTranslate2 translators on tiny random seq2seq models (outputs are gibberish;
what is tested is loading, language handling, batching, caching and shapes)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from annoproj.data.model import Sentence, Span
from annoproj.errors import ModelError
from annoproj.translate import HFTranslator, Translator, make_translator
from annoproj.translate.cache import TranslationCache

SENTS = [["Angela", "Merkel", "met", "Macron", "in", "Paris", "."],
         "The Parliament voted .", ["x"], []]


@pytest.mark.parametrize("fixture,src,tgt,family", [
    ("tiny_nllb", "eng", "hau", "nllb"),
    ("tiny_nllb", "eng_Latn", "deu_Latn", "nllb"),
    ("tiny_m2m", "en", "deu", "m2m"),
    ("tiny_marian", "en", "de", "marian"),
])
def test_hf_translator_families(request, fixture, src, tgt, family):
    folder = request.getfixturevalue(fixture)
    t = HFTranslator(folder, src_lang=src, tgt_lang=tgt, device="cpu", batch_size=2,
                     max_length=12)
    assert isinstance(t, Translator) and t.family == family
    out = t.translate(SENTS)
    assert len(out) == len(SENTS) and out[-1] == []
    assert all(isinstance(tok, str) and tok for sent in out for tok in sent)
    # language tokens never leak into the output
    assert not any(tok.endswith(("_Latn", "__")) for sent in out for tok in sent)
    # batching and order do not change results (greedy decoding is deterministic)
    assert t.translate(SENTS[::-1]) == out[::-1]
    assert t.translate_text(["The Parliament voted ."]) == [t.translate_text(
        ["The Parliament voted ."], src_lang=src, tgt_lang=tgt)[0]]


def test_hf_forced_language_token(tiny_nllb):
    t = HFTranslator(tiny_nllb, src_lang="eng", tgt_lang="hau", device="cpu", max_length=6)
    gen, prefix = t._lang_setup("eng", "hau")
    assert gen["forced_bos_token_id"] == t.tokenizer.convert_tokens_to_ids("hau_Latn")
    assert t.tokenizer.src_lang == "eng_Latn" and prefix == ""
    with pytest.raises(ValueError, match="not covered"):
        t.translate([["a"]], tgt_lang="pcm")


def test_hf_cache_and_registry(tiny_nllb, tmp_path):
    cache = tmp_path / "tr.sqlite"
    t = make_translator("hf", str(tiny_nllb), src_lang="eng", tgt_lang="hau", device="cpu",
                        max_length=8, cache=cache)
    first = t.translate(SENTS)
    assert len(TranslationCache(cache)) == 3  # the empty sentence is not stored
    calls = []
    t._translate = lambda texts, s, g: calls.append(texts) or ["?"] * len(texts)
    assert t.translate(SENTS) == first and calls == []
    assert t.translate(SENTS, tgt_lang="yor")[0] == ["?"]  # other direction: not cached


def test_hf_errors(tmp_path, tiny_nllb):
    with pytest.raises(ModelError, match="cannot load"):
        HFTranslator(tmp_path / "nope", src_lang="en", tgt_lang="de", device="cpu")
    t = HFTranslator(tiny_nllb, device="cpu")
    with pytest.raises(ValueError, match="languages"):
        t.translate([["a"]])


def test_ct2_matches_hf(tiny_nllb, tiny_marian, tmp_path):
    pytest.importorskip("ctranslate2")
    from annoproj.translate.ct2 import CT2Translator, convert_to_ct2

    for folder, src, tgt in ((tiny_nllb, "eng", "hau"), (tiny_marian, "en", "de")):
        out_dir = convert_to_ct2(folder, tmp_path / f"ct2-{folder.name}")
        assert (out_dir / "model.bin").is_file()
        ct2 = CT2Translator(out_dir, src_lang=src, tgt_lang=tgt, device="cpu", max_length=12)
        hf = HFTranslator(folder, src_lang=src, tgt_lang=tgt, device="cpu", max_length=12)
        a, b = ct2.translate(SENTS), hf.translate(SENTS)
        assert len(a) == len(SENTS) and a[-1] == []
        # same greedy decoding: the outputs agree up to the length limit
        for x, y in zip(a, b):
            n = min(len(x), len(y)) - 1
            assert x[:n] == y[:n]
        # a separate tokenizer folder works too, and the registry builds it
        t = make_translator("ct2", str(out_dir), tokenizer=str(folder), src_lang=src,
                            tgt_lang=tgt, device="cpu", max_length=12)
        assert t.translate(SENTS) == a
    with pytest.raises(ModelError, match="model.bin"):
        CT2Translator(tmp_path, src_lang="en", tgt_lang="de")


def test_ct2_gpu_library_missing(tiny_nllb, tmp_path):
    """A CTranslate2 wheel built for another CUDA: "auto" falls back to CPU, "cuda" says why."""
    pytest.importorskip("ctranslate2")
    from annoproj.translate.ct2 import CT2Translator, convert_to_ct2

    out_dir = convert_to_ct2(tiny_nllb, tmp_path / "ct2")
    want = CT2Translator(out_dir, src_lang="eng", tgt_lang="hau", device="cpu",
                         max_length=12).translate(SENTS)

    class NoCublas:
        def translate_batch(self, *a, **k):
            raise RuntimeError("Library libcublas.so.12 is not found or cannot be loaded")

    for auto in (True, False):
        t = CT2Translator(out_dir, src_lang="eng", tgt_lang="hau", device="cpu", max_length=12)
        t.device, t._auto, t.translator = "cuda", auto, NoCublas()
        if auto:
            with pytest.warns(RuntimeWarning, match="translating on CPU"):
                assert t.translate(SENTS) == want
            assert t.device == "cpu"
        else:
            with pytest.raises(RuntimeError, match="matches this machine's CUDA"):
                t.translate(SENTS)


def test_markers_end_to_end_with_tiny_model(tiny_nllb):
    """Figures are meaningless with a random model; it must run and stay consistent."""
    from annoproj.project.projectors import make_marker_projector

    sents = [Sentence(["Angela", "Merkel", "visited", "Paris", "."],
                      [Span(0, 2, "PER"), Span(3, 4, "LOC")]),
             Sentence(["No", "entities", "here", "."], [])]
    t = HFTranslator(tiny_nllb, src_lang="eng", tgt_lang="hau", device="cpu", max_length=16)
    for style in ("brackets", "xml"):
        proj = make_marker_projector("markers", translator=t, style=style, on_missing="keep")
        tgt, res = proj.project_with_translation(sents)
        assert len(tgt) == len(res.spans) == 2
        for toks, spans in zip(tgt, res.spans):
            assert all(0 <= s.start < s.end <= len(toks) for s in spans)
            assert not any(tok in ("[", "]") or tok.startswith("<e") for tok in toks)
