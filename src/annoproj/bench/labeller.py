"""Source labeller benchmark: NER F1 (PER, ORG, LOC; MISC and other types ignored) of a
labeller on English Europarl and CoNLL-2003 test."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from annoproj.bench.common import resolve_data_dir, timer
from annoproj.data.io import read_conll
from annoproj.data.model import Sentence
from annoproj.evaluate import evaluate_spans

#: Data sets by name: path inside the shared data folder.
DATASETS = {
    "europarl-en": "europarl/en.test.conll",
    "conll2003-test": "conll2003/test.txt",
    "conll2003-valid": "conll2003/valid.txt",
}
DEFAULT_DATASETS = ("europarl-en", "conll2003-test")

#: The entity types scored; everything else (MISC, DATE, ...) is left out on both sides.
TYPES = ("PER", "ORG", "LOC")

COLUMNS = [
    ("dataset", "data set"), ("model", "labeller"), ("precision", "P"), ("recall", "R"),
    ("f1", "F1"), ("f1_PER", "PER"), ("f1_ORG", "ORG"), ("f1_LOC", "LOC"),
    ("sentences", "sentences"), ("seconds", "seconds"),
]


def load_dataset(data_dir: str | Path | None, name: str, limit: int | None = None) -> list[Sentence]:
    """The sentences of data set `name` (see DATASETS), the first `limit` if given."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    path = resolve_data_dir(data_dir) / DATASETS[name]
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: is --data-dir the shared data folder?")
    sents = read_conll(path)
    return sents[:limit] if limit else sents


def score_labeller(labeller, sentences: Sequence[Sentence]) -> dict:
    """Label `sentences` and score against their gold spans (PER/ORG/LOC only)."""
    with timer() as t:
        pred = labeller.label([s.tokens for s in sentences])
    report = evaluate_spans([s.spans for s in sentences], pred, labels=TYPES)
    row = {
        "precision": round(report.micro.precision, 4),
        "recall": round(report.micro.recall, 4),
        "f1": round(report.micro.f1, 4),
    }
    for typ in TYPES:
        prf = report.per_type.get(typ)
        row[f"f1_{typ}"] = round(prf.f1, 4) if prf else 0.0
    row["sentences"] = len(sentences)
    row["seconds"] = round(t[0], 3)
    return row


def run_labeller_bench(
    model: str,
    *,
    data_dir: str | Path | None = None,
    datasets: Sequence[str] = DEFAULT_DATASETS,
    limit: int | None = None,
    on_row: Callable[[dict], None] | None = None,
    **labeller_options,
) -> list[dict]:
    """One row per data set: {dataset, model, precision, recall, f1, f1_PER/ORG/LOC,
    sentences, seconds}. `model` is a `make_labeller` spec ("spacy", a HF model, ...)."""
    from annoproj.label import make_labeller

    for name in datasets:  # fail on a bad name before loading a model
        if name not in DATASETS:
            raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    labeller = make_labeller(model, **labeller_options)
    rows = []
    for name in datasets:
        sents = load_dataset(data_dir, name, limit)
        row = {"dataset": name, "model": str(model), **score_labeller(labeller, sents)}
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows
