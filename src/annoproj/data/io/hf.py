"""Hugging Face `datasets`: token-classification datasets to and from Sentences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from annoproj.data.model import Sentence
from annoproj.data.tags import spans_to_tags, tag_errors, tags_to_spans
from annoproj.errors import DataError


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
    features = getattr(dataset, "features", None)
    columns = list(features) if features is not None else None
    if columns is not None and tags not in columns:
        other = [c for c in ("ner_tags", "tags") if c in columns]
        if not other:
            raise DataError(f"the dataset has no tag column {tags!r} (columns: "
                             f"{', '.join(columns)})")
        tags = other[0]
    if names is None and features is not None:
        feature = features.get(tags)
        inner = getattr(feature, "feature", None)
        if isinstance(feature, list) and feature:  # datasets' List([ClassLabel])
            inner = feature[0]
        names = getattr(inner, "names", None)
    out = []
    for k, rec in enumerate(dataset):
        raw = list(rec[tags])
        if raw and not isinstance(raw[0], str):
            if names is None:
                raise DataError(f"column {tags!r} holds integers but no label names were "
                                 "given (--label-list O,B-PER,I-PER,...)")
            raw = [names[int(t)] for t in raw]
        bad = tag_errors(raw)
        if bad:
            raise DataError(f"record {k}: tag {bad[0][1]!r} of token {bad[0][0] + 1} is not "
                             "O or B-/I-/E-/S-/L-/U-TYPE")
        sid = rec.get("id")
        out.append(Sentence(tokens=list(rec[tokens]), spans=tags_to_spans(raw),
                            id=str(sid) if sid is not None else str(k)))
    return out


def read_hf_dir(path: str | Path, *, label_names: Sequence[str] | None = None) -> list[Sentence]:
    """Sentences of a folder written by `Dataset.save_to_disk` (a DatasetDict's folder with
    one split, or the folder of one of its splits)."""
    datasets = _datasets()
    ds = datasets.load_from_disk(str(path))
    if isinstance(ds, datasets.DatasetDict):
        if len(ds) != 1:
            raise DataError(f"{path} holds the splits {', '.join(ds)}: give one of its "
                             f"folders, e.g. {Path(path) / next(iter(ds))}")
        ds = next(iter(ds.values()))
    return from_hf(ds, names=label_names)


def read_parquet(path: str | Path, *, label_names: Sequence[str] | None = None) -> list[Sentence]:
    """Sentences of a Parquet file of tokens and ner_tags (its label names from the
    features `datasets` stores in the file's metadata, else `label_names`)."""
    import json

    import pyarrow.parquet as pq

    table = pq.read_table(str(path))
    names = label_names
    meta = (table.schema.metadata or {}).get(b"huggingface")
    if names is None and meta:
        from annoproj.data.io.jsonl import names_from_features

        names = names_from_features(json.loads(meta).get("info", {}).get("features"))
    return from_hf(_Rows(table.to_pylist(), table.column_names), names=names)


class _Rows(list):
    """Records with a `features`-like mapping of column names (for `from_hf`)."""

    def __init__(self, rows: list, columns: list[str]) -> None:
        super().__init__(rows)
        self.features = dict.fromkeys(columns)


def save_hf(path: str | Path, sentences: Sequence[Sentence], *, scheme: str = "IOB2") -> int:
    """Write `sentences` as a `datasets` folder (`Dataset.save_to_disk`); returns the count."""
    to_hf(sentences, scheme=scheme).save_to_disk(str(path))
    return len(sentences)


def write_parquet(path: str | Path, sentences: Sequence[Sentence], *, scheme: str = "IOB2") -> int:
    """Write `sentences` as Parquet with the label names in its metadata; returns the count."""
    to_hf(sentences, scheme=scheme).to_parquet(str(path))
    return len(sentences)


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
