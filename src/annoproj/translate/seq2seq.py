"""What the model-backed translators share: input handling, caching, language tokens.

A `TextTranslator` translates running text (`translate_text`) and, through the `Translator`
interface, tokenised sentences (`translate`): token lists are detokenised before translation
and the output is tokenised with `annoproj.translate.tokenize.tokenize`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annoproj.errors import ConfigError
from annoproj.translate.cache import TranslationCache, cached
from annoproj.translate.langcodes import lang_code, to_iso1, to_iso3, to_nllb
from annoproj.translate.tokenize import detokenize, tokenize

__all__ = ["TextTranslator", "model_family", "target_lang_token"]


def model_family(tokenizer, model_type: str | None = None) -> str:
    """"nllb", "m2m", "marian", "mbart" or "generic", from the tokenizer class and model type."""
    name = type(tokenizer).__name__.lower()
    if "nllb" in name:
        return "nllb"
    if "m2m100" in name or model_type == "m2m_100":
        return "m2m"
    if "marian" in name or model_type == "marian":
        return "marian"
    if "mbart" in name or model_type == "mbart":
        return "mbart"
    return "generic"


def _vocab(tokenizer) -> dict[str, int]:
    return tokenizer.get_vocab()


def lang_token(tokenizer, family: str, code: str) -> str | None:
    """The special token that names language `code` for this model, if it has one."""
    vocab = _vocab(tokenizer)
    if family == "nllb":
        tok = to_nllb(code) if code not in vocab else code
        return tok if tok in vocab else None
    if family == "m2m":
        tok = code if code.startswith("__") else f"__{lang_code(code, 'm2m')}__"
        known = set(getattr(tokenizer, "lang_code_to_token", {}).values())
        return tok if tok in vocab or tok in known else None
    if family == "mbart":  # mBART-50 codes such as en_XX, de_DE
        if code in vocab:
            return code
        iso1 = to_iso1(code)
        hits = sorted(t for t in vocab if iso1 and t.startswith(f"{iso1}_") and len(t) == 5)
        return hits[0] if hits else None
    return None


def target_lang_token(tokenizer, family: str, code: str) -> str | None:
    """For a multi-target Marian model, the ``>>xxx<<`` prefix that selects `code`."""
    if family != "marian":
        return None
    vocab = _vocab(tokenizer)
    cands = [code]
    try:
        cands += [to_iso3(code), to_nllb(code)]
    except ValueError:
        pass
    iso1 = to_iso1(code) if len(code) <= 8 else None
    if iso1:
        cands.append(iso1)
    for c in cands:
        if f">>{c}<<" in vocab:
            return f">>{c}<<"
    return None


class TextTranslator:
    """Shared behaviour of the model-backed translators (subclasses implement `_translate`)."""

    name = "text"
    model_option = "model"
    needs_model = True

    def __init__(
        self,
        *,
        src_lang: str | None,
        tgt_lang: str | None,
        batch_size: int,
        cache: str | Path | TranslationCache | None,
        cache_id: str,
    ) -> None:
        if batch_size < 1:
            raise ConfigError("batch_size must be >= 1")
        self.src_lang = src_lang
        self.tgt_lang = tgt_lang
        self.batch_size = batch_size
        self.cache_id = cache_id
        if cache is None or isinstance(cache, TranslationCache):
            self.cache = cache
        else:
            self.cache = TranslationCache(cache)

    def _langs(self, src_lang: str | None, tgt_lang: str | None) -> tuple[str, str]:
        src = src_lang or self.src_lang
        tgt = tgt_lang or self.tgt_lang
        if not src or not tgt:
            raise ValueError("give the source and target languages (src_lang, tgt_lang), "
                             "e.g. eng and hau, or eng_Latn and hau_Latn")
        return src, tgt

    def _translate(self, texts: list[str], src_lang: str, tgt_lang: str) -> list[str]:
        raise NotImplementedError

    def translate_text(
        self, texts: Sequence[str], *, src_lang: str | None = None, tgt_lang: str | None = None
    ) -> list[str]:
        """Translations of running-text sentences, in order (cached when a cache is set)."""
        src, tgt = self._langs(src_lang, tgt_lang)
        texts = [t.strip() for t in texts]
        todo = [t for t in texts if t]

        def run(batch: list[str]) -> list[str]:
            # longest first, so padding stays small and memory peaks early
            order = sorted(range(len(batch)), key=lambda i: -len(batch[i]))
            out: list[str] = [""] * len(batch)
            for k in range(0, len(order), self.batch_size):
                idx = order[k : k + self.batch_size]
                for i, tr in zip(idx, self._translate([batch[i] for i in idx], src, tgt)):
                    out[i] = tr.strip()
            return out

        done = dict(zip(todo, cached(run, todo, cache=self.cache, model=self.cache_id,
                                     src_lang=src, tgt_lang=tgt)))
        return [done[t] if t else "" for t in texts]

    def translate(
        self,
        sentences: Sequence[Sequence[str]] | Sequence[str],
        *,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
    ) -> list[list[str]]:
        """Tokenised translations of tokenised sentences (or of running-text strings)."""
        texts = [s if isinstance(s, str) else detokenize(list(s)) for s in sentences]
        return [tokenize(t) for t in self.translate_text(texts, src_lang=src_lang,
                                                          tgt_lang=tgt_lang)]
