"""Helpers shared by the CLI commands: input detection, progress, exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import typer

T = TypeVar("T")

# Exit codes (documented in docs/cli.md).
EXIT_OK = 0
EXIT_FAILURE = 1  # unexpected error
EXIT_USAGE = 2  # bad flags or arguments (typer/click's own code)
EXIT_INPUT = 3  # an input file is missing or malformed
EXIT_DEPENDENCY = 4  # an optional package or a model is missing
EXIT_TARGET = 5  # a benchmark ran but missed a --fail-under threshold


def fail(message: str, code: int) -> typer.Exit:
    """Print `message` to stderr and return the Exit to raise."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


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
    from annoproj.data.io.files import open_text

    widths: set[int] = set()
    saw_blank = False
    with open_text(path, "r") as f:
        for k, line in enumerate(f):
            if k >= 200:
                break
            fields = line.split()
            if not fields:
                saw_blank = True
                if widths:
                    break
                continue
            if fields[0] == "-DOCSTART-":
                continue
            widths.add(len(fields))
    return "conll" if saw_blank and len(widths) == 1 and min(widths) >= 2 else "text"


def read_sentences(path: Path, fmt: str = "auto"):
    """Sentences from a CoNLL, JSONL or pre-tokenised text file."""
    from annoproj.data.io import read_conll, read_jsonl, read_tokenized
    from annoproj.data.model import Sentence

    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt == "conll":
        return read_conll(path)
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "text":
        return [Sentence(tokens=t, id=f"{path.name}:{k + 1}") for k, t in enumerate(read_tokenized(path))]
    raise ValueError(f"unknown format {fmt!r}: use auto, conll, jsonl or text")


def progress(items: Sequence[T] | Iterable[T], *, label: str, total: int | None = None,
             show: bool = True) -> Iterator[T]:
    """Iterate with a progress bar on stderr when it is a terminal and `show` is on."""
    if not show or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total if total is not None else len(items))  # type: ignore[arg-type]
        for item in items:
            yield item
            bar.advance(task)


def emit_json(row: dict) -> None:
    """One JSON object on one line of stdout."""
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class progress_bar:  # noqa: N801 - used like a function
    """Context manager yielding `advance(n)`; draws a bar on a terminal stderr when `show`."""

    def __init__(self, *, total: int | None, label: str, show: bool = True) -> None:
        self.total, self.label = total, label
        self.show = show and sys.stderr.isatty()
        self._bar = None

    def __enter__(self):
        if not self.show:
            return lambda n=1: None
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._bar.__enter__()
        task = self._bar.add_task(self.label, total=self.total)
        return lambda n=1: self._bar.advance(task, n)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
