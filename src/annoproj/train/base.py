"""The NER training interface: a `Trainer` fits a `Tagger` on sentences with entity spans."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from annoproj.data.model import Sentence, Span
from annoproj.errors import MissingDependencyError, ModelError  # noqa: F401  (re-exported: the cli and bench import them here)
from annoproj.registry import Registry

#: Name of the JSON file that describes a saved model folder.
CONFIG_FILE = "config.json"
#: Version of the model folder layout; bumped when it changes incompatibly.
FORMAT_VERSION = 1


class TagsTagger:
    """Mixin of a `Tagger` that predicts tags: spans, tagged copies and entity types from
    `predict_tags` and `labels`."""

    labels: list[str]

    def predict_tags(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tags (in the model's scheme) of each tokenised sentence."""
        raise NotImplementedError

    @property
    def entity_types(self) -> list[str]:
        """The entity labels the model can predict."""
        from annoproj.data.tags import split_tag

        return sorted({split_tag(t)[1] for t in self.labels if t != "O"} - {""})

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Entity spans of each tokenised sentence."""
        from annoproj.data.tags import tags_to_spans

        return [tags_to_spans(t) for t in self.predict_tags(sentences)]

    def tag(self, sentences: Sequence[Sentence]) -> list[Sentence]:
        """Copies of `sentences` with predicted spans."""
        spans = self.predict([s.tokens for s in sentences])
        return [Sentence(tokens=list(s.tokens), spans=p, id=s.id, meta=dict(s.meta))
                for s, p in zip(sentences, spans)]


@runtime_checkable
class Tagger(Protocol):
    """A trained NER model: tokens in, entity spans out."""

    name: str
    labels: list[str]

    def predict(self, sentences: Sequence[Sequence[str]]) -> list[list[Span]]:
        """Entity spans of each tokenised sentence."""
        ...

    def save(self, path: str | Path) -> Path:
        """Write the model folder `path`; returns it."""
        ...


@runtime_checkable
class Trainer(Protocol):
    """Fits a `Tagger` on sentences with spans."""

    name: str

    def fit(self, sentences: Sequence[Sentence], *, dev: Sequence[Sentence] | None = None) -> Tagger:
        """Train on `sentences` (`dev`, when given, only for reporting); returns the tagger."""
        ...


#: Trainers by name: `trainers.create("crf", c1=0.1)`.
trainers: Registry[Trainer] = Registry("trainer", providers=("annoproj.train.crf",
                                                              "annoproj.train.hf"))
#: Tagger classes by trainer name, each with a `load(path)` classmethod.
taggers: Registry[type[Tagger]] = Registry("tagger", providers=trainers.providers)


def package_versions(*packages: str) -> dict[str, str | None]:
    """annoproj's version and each installed package's (None where it is missing): what a
    saved model records of the software that made it."""
    from importlib.metadata import PackageNotFoundError, version

    from annoproj import __version__

    out: dict[str, str | None] = {"annoproj": __version__}
    for pkg in packages:
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def read_config(path: str | Path) -> dict:
    """The JSON description of the model folder `path`."""
    path = Path(path)
    cfg = path / CONFIG_FILE
    if not path.is_dir():
        raise ModelError(f"{path}: no such model folder (train one with `annoproj train`)")
    if not cfg.exists():
        raise ModelError(f"{path} has no {CONFIG_FILE}: not an annoproj model folder")
    try:
        data = json.loads(cfg.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{cfg}: not valid JSON ({exc})") from exc
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model folder format {version!r}, this annoproj reads {FORMAT_VERSION}"
        )
    return data


def load_tagger(path: str | Path) -> Tagger:
    """The tagger saved in the model folder `path`, whatever trainer made it."""
    kind = read_config(path).get("trainer")
    if kind not in taggers:
        raise ModelError(f"{path}: unknown trainer {kind!r}; known: {', '.join(taggers.names())}")
    return taggers.get(kind).load(path)
