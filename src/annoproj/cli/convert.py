"""`annoproj convert`: sentences and entities between formats."""

from __future__ import annotations

from pathlib import Path

import typer

from annoproj.cli.common import (
    EXIT_DEPENDENCY,
    EXIT_INPUT,
    EXIT_USAGE,
    emit_json,
    fail,
    label_list,
    summary_line,
)
from annoproj.cli.options import (
    InputFormat,
    JsonSummary,
    LabelList,
    Quiet,
    Scheme,
    load_input,
)


def convert(
    input_path: Path = typer.Argument(..., metavar="IN", help=(
        "Sentences: CoNLL, JSONL (annoproj's or Hugging Face's tokens + ner_tags), a datasets "
        "folder (save_to_disk), Parquet, or spaCy DocBin (.spacy).")),
    output: Path = typer.Argument(..., metavar="OUT", help=(
        "Where to write, the format from the suffix: .conll (or .iob, .bio, .tsv...), .jsonl, "
        ".parquet, .spacy, .txt (tokens only); a folder or a name without a suffix is a "
        "datasets folder (load_from_disk).")),
    scheme: Scheme = "IOB2",
    fmt: InputFormat = "auto",
    to: str = typer.Option("auto", "--to", help=(
        "Output format, when the suffix does not say: conll, jsonl, hf, parquet, spacy, text.")),
    label_names: LabelList = None,
    quiet: Quiet = False,
    json_out: JsonSummary = False,
) -> None:
    """Convert sentences and their entities between CoNLL, JSONL, Hugging Face datasets
    (folders, Parquet) and spaCy DocBin, writing tags in any scheme."""
    from annoproj.data.io.auto import OUTPUT_FORMATS, write_sentences

    if to not in OUTPUT_FORMATS:
        raise fail(f"unknown --to {to!r}: use {', '.join(OUTPUT_FORMATS)}", EXIT_USAGE)
    sents = load_input(input_path, fmt, label_list(label_names))
    try:
        n = write_sentences(output, sents, fmt=to, scheme=scheme)
    except ImportError as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except ValueError as exc:
        raise fail(f"{output}: {exc}", EXIT_INPUT) from exc
    entities = sum(len(s.spans) for s in sents)
    if json_out:
        emit_json({"sentences": n, "entities": entities, "output": str(output)})
    else:
        summary_line("convert", f"read {n} sentences ({entities} entities) from {input_path}; "
                     f"wrote {output}", quiet=quiet)
