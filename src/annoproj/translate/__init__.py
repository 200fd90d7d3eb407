"""Translators: model-backed (Hugging Face, CTranslate2), rule-based (Apertium) or
precomputed, behind one interface.

Importing this package registers every translator in `translators` ("precomputed", "hf",
"ct2", "apertium"); the heavy packages (torch, transformers, ctranslate2) load only when
one is built, and Apertium runs as system programs.
"""

from annoproj.translate.apertium import ApertiumTranslator
from annoproj.translate.base import (
    AligningTranslator,
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
    """The translator `backend` ("hf", "ct2", "apertium" or "precomputed") for `model` (a
    name or folder; for "precomputed" the translations file or folder; for "apertium"
    Apertium's data folder, default its installed one), built with `options`. Each
    translator declares the option `model` goes to (`model_option`) and whether it needs
    one (`needs_model`)."""
    factory = translators.get(backend)
    if model is None and getattr(factory, "needs_model", True):
        raise ValueError(f"translator {backend!r} needs a model name or folder")
    return translators.create(backend, **{getattr(factory, "model_option", "model"): model},
                              **options)


__all__ = [
    "AligningTranslator", "ApertiumTranslator", "CT2Translator", "HFTranslator",
    "PrecomputedTranslator", "TranslationCache", "Translator", "convert_to_ct2", "detokenize",
    "make_translator", "read_translations", "tokenize", "translators",
]
