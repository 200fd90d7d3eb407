"""Label maps: drop labels (MISC -> O), rename them, and map spaCy/OntoNotes labels to CoNLL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from annoproj.data.model import Span
from annoproj.errors import ConfigError

#: spaCy / OntoNotes entity labels to PER, ORG, LOC; everything else is dropped.
ONTONOTES_TO_CONLL: dict[str, str | None] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": None,
    "PRODUCT": None,
    "EVENT": None,
    "WORK_OF_ART": None,
    "LAW": None,
    "LANGUAGE": None,
    "DATE": None,
    "TIME": None,
    "PERCENT": None,
    "MONEY": None,
    "QUANTITY": None,
    "ORDINAL": None,
    "CARDINAL": None,
}

_DROP = {"", "O", "NONE", "-"}


@dataclass(frozen=True)
class LabelMap:
    """Renames labels; a label mapped to None is dropped. Unlisted labels are kept or dropped.

    >>> LabelMap.parse("MISC=O,PERSON=PER").map_spans([Span(0, 1, "MISC"), Span(1, 2, "PERSON")])
    [Span(start=1, end=2, label='PER')]
    """

    mapping: Mapping[str, str | None] = field(default_factory=dict)
    keep_unlisted: bool = True

    @classmethod
    def parse(cls, text: str | Mapping[str, str | None] | LabelMap) -> LabelMap:
        """From ``"A=B,C=O"``, ``"ontonotes"``, a dict, or a LabelMap."""
        if isinstance(text, LabelMap):
            return text
        if isinstance(text, Mapping):
            return cls({k: (None if v is None or v.upper() in _DROP else v) for k, v in text.items()})
        mapping: dict[str, str | None] = {}
        keep = True
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if part.lower() == "ontonotes":
                mapping.update(ONTONOTES_TO_CONLL)
                keep = False
                continue
            if "=" not in part:
                raise ConfigError(
                    f"label map entry {part!r} is not LABEL=NEW (use LABEL=O to drop a label)"
                )
            old, new = (x.strip() for x in part.split("=", 1))
            if not old:
                raise ConfigError(f"label map entry {part!r} has no label before '='")
            mapping[old] = None if new.upper() in _DROP else new
        return cls(mapping, keep)

    @classmethod
    def drop(cls, labels: Iterable[str]) -> LabelMap:
        """A map that drops `labels` and keeps the rest."""
        return cls({label: None for label in labels})

    def __call__(self, label: str) -> str | None:
        if label in self.mapping:
            return self.mapping[label]
        return label if self.keep_unlisted else None

    def map_spans(self, spans: Iterable[Span]) -> list[Span]:
        """Spans with mapped labels; dropped labels disappear."""
        out = []
        for s in spans:
            new = self(s.label)
            if new is not None:
                out.append(Span(s.start, s.end, new) if new != s.label else Span(*s[:3]))
        return out
