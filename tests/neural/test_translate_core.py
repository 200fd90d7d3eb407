"""Translation plumbing without models: tokenizer, language codes, the on-disk cache."""

from __future__ import annotations

import pytest

from annoproj.translate import make_translator, translators
from annoproj.translate.cache import TranslationCache, cache_key, cached
from annoproj.translate.langcodes import (
    MASAKHANER_LANGUAGES,
    NLLB_CODES,
    lang_code,
    to_iso1,
    to_iso3,
    to_m2m,
    to_nllb,
)
from annoproj.translate.tokenize import detokenize, tokenize


def test_tokenize():
    assert tokenize("Hello, world!") == ["Hello", ",", "world", "!"]
    assert tokenize("the U.S. and well-known don't 3,5") == [
        "the", "U.S.", "and", "well-known", "don't", "3,5"]
    assert tokenize("<e0>Paris</e0> [Rome]") == ["<e0>", "Paris", "</e0>", "[", "Rome", "]"]
    assert tokenize("  ") == []
    assert tokenize("Göteborg – Zürich") == ["Göteborg", "–", "Zürich"]


def test_detokenize_roundtrip():
    assert detokenize(["He", "said", '"', "no", '"', "(", "twice", ")", "."]) == 'He said "no" (twice).'
    assert detokenize([]) == ""
    for text in ["Hello, world!", "Paris (France) is [big].", "A-b: c; d?"]:
        assert detokenize(tokenize(text)) == text


def test_langcodes_europarl_and_masakhaner():
    assert [to_nllb(x) for x in ("en", "de", "es", "it")] == [
        "eng_Latn", "deu_Latn", "spa_Latn", "ita_Latn"]
    assert [to_m2m(x) for x in ("eng", "deu", "spa", "ita")] == ["en", "de", "es", "it"]
    for lang in MASAKHANER_LANGUAGES:
        if lang in ("bbj", "pcm"):
            with pytest.raises(ValueError, match="not covered by NLLB"):
                to_nllb(lang)
        else:
            assert to_nllb(lang) in NLLB_CODES
    assert to_nllb("swa") == "swh_Latn" and to_nllb("zh") == "zho_Hans"
    assert to_nllb("ger") == "deu_Latn"  # ISO 639-2/B
    assert to_nllb("de-DE") == "deu_Latn"
    assert to_iso3("hau_Latn") == "hau" and to_iso3("ns") == "nso"
    assert to_iso1("hau") == "ha" and to_iso1("fon") is None
    assert to_m2m("nso") == "ns" and to_m2m("ha") == "ha"
    assert lang_code("hau", "nllb") == "hau_Latn" and lang_code("hau", "marian") == "hau"
    with pytest.raises(ValueError):
        to_m2m("fon")
    with pytest.raises(ValueError):
        to_nllb("xx")
    with pytest.raises(ValueError):
        to_nllb("abc_Defg")


def test_cache(tmp_path):
    calls = []

    def fake(texts):
        calls.append(list(texts))
        return [t.upper() for t in texts]

    path = tmp_path / "c" / "tr.sqlite"
    with TranslationCache(path) as cache:
        out = cached(fake, ["a b", "c", "a b"], cache=cache, model="m", src_lang="en", tgt_lang="de")
        assert out == ["A B", "C", "A B"] and calls == [["a b", "c"]]
        out = cached(fake, ["c", "d"], cache=cache, model="m", src_lang="en", tgt_lang="de")
        assert out == ["C", "D"] and calls[-1] == ["d"]
        assert len(cache) == 3
        # another model or direction is another key
        cached(fake, ["c"], cache=cache, model="m2", src_lang="en", tgt_lang="de")
        assert calls[-1] == ["c"]
    assert cache_key("m", "en", "de", "x") != cache_key("m", "en", "fr", "x")
    with TranslationCache(path) as again:  # persisted
        assert again.get_many("m", "en", "de", ["d", "zzz"]) == ["D", None]
    assert cached(fake, ["x", "x"], cache=None, model="m", src_lang="en", tgt_lang="de") == ["X", "X"]


def test_registry_names():
    assert {"precomputed", "hf", "ct2"} <= set(translators.names())
    t = make_translator("precomputed", sentences=[["Hallo"]])
    assert t.translate([["Hello"]], src_lang="en", tgt_lang="de") == [["Hallo"]]
    with pytest.raises(ValueError, match="model"):
        make_translator("hf")
