"""Translators: model-backed (Hugging Face, CTranslate2) or precomputed, behind one interface.

Importing this package registers every translator in `translators` ("precomputed", "hf",
"ct2"); the heavy packages (torch, transformers, ctranslate2) load only when one is built.
"""

from annoproj.translate.base import (
    PrecomputedTranslator,
    Translator,
    read_translations,
    translators,
)
from annoproj.translate.cache import TranslationCache
from annoproj.translate.ct2 import CT2Translator, convert_to_ct2
from annoproj.translate.hf import HFTranslator
from annoproj.translate.tokenize import detokenize, tokenize


def make_translator(backend: str, model: str | None = None, **options) -> Translator:
    """The translator `backend` ("hf", "ct2" or "precomputed") for `model` (a name or folder;
    for "precomputed" the translations file or folder), built with `options`."""
    if backend == "precomputed":
        return translators.create("precomputed", path=model, **options)
    if model is None:
        raise ValueError(f"translator {backend!r} needs a model name or folder")
    if backend == "ct2":
        return translators.create("ct2", folder=model, **options)
    return translators.create(backend, model=model, **options)


__all__ = [
    "CT2Translator", "HFTranslator", "PrecomputedTranslator", "TranslationCache", "Translator",
    "convert_to_ct2", "detokenize", "make_translator", "read_translations", "tokenize",
    "translators",
]
