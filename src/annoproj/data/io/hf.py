"""Hugging Face `datasets`: token-classification datasets to and from Sentences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annoproj.data.model import Sentence
from annoproj.data.tags import spans_to_tags, tags_to_spans


def _datasets():
    try:
        import datasets
    except ImportError as exc:
        raise ImportError(
            "Hugging Face datasets support needs the datasets package: pip install 'annoproj[hf]'"
        ) from exc
    return datasets


def from_hf(
    dataset: Iterable[dict],
    *,
    tokens: str = "tokens",
    tags: str = "ner_tags",
    names: Sequence[str] | None = None,
) -> list[Sentence]:
    """Sentences of a `datasets.Dataset` (or any iterable of records) with integer or string tags.

    Integer tags are mapped through `names`, by default the dataset's ClassLabel names.
    """
    if names is None:
        feature = getattr(dataset, "features", {}).get(tags) if hasattr(dataset, "features") else None
        inner = getattr(feature, "feature", None)
        names = getattr(inner, "names", None)
    out = []
    for k, rec in enumerate(dataset):
        raw = list(rec[tags])
        if raw and not isinstance(raw[0], str):
            if names is None:
                raise ValueError(f"column {tags!r} holds integers but no label names were given")
            raw = [names[int(t)] for t in raw]
        sid = rec.get("id")
        out.append(Sentence(tokens=list(rec[tokens]), spans=tags_to_spans(raw),
                            id=str(sid) if sid is not None else str(k)))
    return out


def load_hf(path: str, *, split: str = "train", name: str | None = None, **options) -> list[Sentence]:
    """Sentences of a dataset loaded with `datasets.load_dataset(path, name, split=split)`."""
    ds = _datasets().load_dataset(path, name, split=split, **options)
    return from_hf(ds)


def to_hf(sentences: Sequence[Sentence], *, scheme: str = "IOB2"):
    """A `datasets.Dataset` with columns id, tokens, ner_tags (ClassLabel)."""
    datasets = _datasets()
    tags = [spans_to_tags(s.spans, len(s.tokens), scheme=scheme) for s in sentences]
    labels = sorted({t for ts in tags for t in ts} | {"O"}, key=lambda t: (t != "O", t[2:], t))
    index = {t: i for i, t in enumerate(labels)}
    features = datasets.Features({
        "id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=labels)),
    })  # fmt: skip
    return datasets.Dataset.from_dict(
        {
            "id": [s.id or str(k) for k, s in enumerate(sentences)],
            "tokens": [list(s.tokens) for s in sentences],
            "ner_tags": [[index[t] for t in ts] for ts in tags],
        },
        features=features,
    )
