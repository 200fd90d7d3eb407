"""The gold labeller: hands back entities that are known already (for benchmarks)."""

from __future__ import annotations

from collections.abc import Sequence

from annoproj.data.labels import LabelMap
from annoproj.data.model import Sentence, Span
from annoproj.errors import ConfigError
from annoproj.label.base import labellers

__all__ = ["GoldLabeller"]


@labellers.register("gold")
class GoldLabeller:
    """Returns the gold spans of the sentences it was built with, checked against the input.

    `gold` is a list of `Sentence` (their spans; their tokens must equal the input's) or a
    list of span lists; `label_map` optionally renames or drops labels (e.g. "MISC=O").
    """

    name = "gold"

    def __init__(
        self,
        gold: Sequence[Sentence] | Sequence[Sequence[Span]] | None = None,
        *,
        label_map: str | LabelMap | None = None,
    ) -> None:
        if gold is None:
            raise ConfigError("the gold labeller needs the gold sentences or spans (gold=...)")
        self.tokens: list[list[str]] | None = None
        if gold and isinstance(gold[0], Sentence):
            self.tokens = [list(s.tokens) for s in gold]  # type: ignore[union-attr]
            self.spans = [list(s.spans) for s in gold]  # type: ignore[union-attr]
        else:
            self.spans = [list(s) for s in gold]  # type: ignore[arg-type]
        self.label_map = None if label_map is None else LabelMap.parse(label_map)

    def label(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """The stored spans; raises ValueError if `sentences` are not the stored ones."""
        if len(sentences) != len(self.spans):
            raise ValueError(f"the gold labeller holds {len(self.spans)} sentences, "
                             f"but {len(sentences)} were given")
        if self.tokens is not None:
            for k, (want, got) in enumerate(zip(self.tokens, sentences)):
                if list(got) != want:
                    raise ValueError(f"sentence {k} differs from the gold sentence it stands for")
        out = [list(s) for s in self.spans]
        if self.label_map is not None:
            out = [self.label_map.map_spans(s) for s in out]
        return out
