"""A tagger that annoproj trained, as a source labeller (translate-test with your own model)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annoproj.data.labels import LabelMap
from annoproj.data.model import Span
from annoproj.label.base import labellers
from annoproj.train.base import load_tagger

__all__ = ["TaggerLabeller"]


@labellers.register("tagger")
class TaggerLabeller:
    """Labels sentences with the model folder `model` written by `annoproj train` (CRF or
    hf); `label_map` optionally renames or drops labels (e.g. "MISC=O")."""

    name = "tagger"

    def __init__(self, model: str | Path, *, label_map: str | LabelMap | None = None,
                 batch_size: int = 256) -> None:
        self.model = str(model)
        self.tagger = load_tagger(model)
        self.label_map = None if label_map is None else LabelMap.parse(label_map)
        self.batch_size = batch_size

    def label(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Entity spans of each sentence, in order."""
        out: list[list[Span]] = []
        for k in range(0, len(sentences), self.batch_size):
            out.extend(self.tagger.predict([list(s) for s in sentences[k: k + self.batch_size]]))
        if self.label_map is not None:
            out = [self.label_map.map_spans(s) for s in out]
        return out
