"""Reading sentences from a file of any supported format, detected from its name or content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annoproj.data.model import Sentence

FORMATS = ("auto", "conll", "jsonl", "text")


def detect_format(path: Path) -> str:
    """'jsonl', 'conll' or 'text', from the suffix or, failing that, the first lines."""
    name = path.name.lower()
    for suffix in (".gz", ".zst"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".json")):
        return "jsonl"
    if name.endswith((".conll", ".conllu", ".iob", ".bio", ".bioes", ".tsv")):
        return "conll"
    from annoproj.data.io.conll import _TAG, EMPTY_SENTENCE, _is_comment
    from annoproj.data.io.files import iter_lines

    widths: set[int] = set()
    saw_blank, tagged = False, True
    for k, line in iter_lines(path):  # a bad byte is a FormatError naming file and line
        if k > 200:
            break
        fields = [x for x in line.split("\t") if x.strip()] if "\t" in line else line.split()
        if not fields:
            saw_blank = True
            if widths:
                break
            continue
        if fields[0] == "-DOCSTART-" or line.rstrip() == EMPTY_SENTENCE or (
                line.startswith("#") and not line.startswith("#\t") and _is_comment(line)):
            continue
        widths.add(len(fields))
        # CoNLL: every token line ends with a tag (O, B-PER...); text lines rarely all do
        tagged = tagged and _TAG.match(fields[-1].strip()) is not None
    return ("conll" if saw_blank and len(widths) == 1 and min(widths) >= 2 and tagged
            else "text")


def iter_sentences(path: str | Path, fmt: str = "auto") -> Iterator[Sentence]:
    """Sentences of a CoNLL, JSONL or pre-tokenised text file, one at a time."""
    from annoproj.data.io import iter_conll, iter_jsonl, iter_tokenized

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "conll":
        return iter_conll(path)
    if fmt == "jsonl":
        return iter_jsonl(path)
    if fmt == "text":
        return (Sentence(t, id=f"{path.name}:{k + 1}") for k, t in enumerate(iter_tokenized(path)))
    raise ValueError(f"unknown format {fmt!r}: use auto, conll, jsonl or text")


def read_sentences(path: str | Path, fmt: str = "auto") -> list[Sentence]:
    """All sentences of a CoNLL, JSONL or pre-tokenised text file."""
    return list(iter_sentences(path, fmt))
