"""What the commands share: input reading and checks, and option aliases (typer Annotated)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from annoproj.cli.common import (
    EXIT_DEPENDENCY,
    EXIT_INPUT,
    EXIT_USAGE,
    LABEL_LIST_HELP,
    QUIET_HELP,
    SCHEME_HELP,
    fail,
    read_sentences,
    scheme_option,
)


def load_input(path: Path, fmt: str, label_names: list[str] | None = None):
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sents = read_sentences(path, fmt, label_names=label_names)
    except (FileNotFoundError, ValueError, UnicodeDecodeError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except ImportError as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    for w in caught:
        typer.secho(f"warning: {w.message}", fg=typer.colors.YELLOW, err=True)
    return sents


def warn_no_entities(path: Path, sentences, role: str) -> None:
    """A warning on stderr when `sentences` (read from `path`) hold no entity at all."""
    if sentences and not any(s.spans for s in sentences):
        typer.secho(f"warning: {path} has no entities ({role}); check that its tags are "
                    "read: CoNLL's last column, JSONL's spans, ner_tags or tags",
                    fg=typer.colors.YELLOW, err=True)


FORMAT_HELP = "Input format: auto, conll, jsonl or text (one pre-tokenised sentence a line)."
def finite(value: float | None) -> float | None:
    """A float option is a finite number (nan and inf are usage errors, exit code 2)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def check_symmetrize(value: str) -> str:
    """--symmetrize names a known symmetrisation (else a usage error, exit code 2)."""
    from annoproj.align.symmetrize import SYMMETRIZERS

    if value != "auto" and value not in SYMMETRIZERS:
        raise typer.BadParameter(f"unknown symmetrisation {value!r}: use auto, "
                                 f"{', '.join(SYMMETRIZERS)}")
    return value


def hold_output_lock(output: Path) -> None:
    """Hold ``OUTPUT.lock`` until the command ends (annoproj.pipeline.lock; exit code 3 at
    once when another run holds it)."""
    from annoproj.cli.common import hold
    from annoproj.pipeline.lock import output_lock

    hold(output_lock(output, lock_file=output.with_name(output.name + ".lock"),
                     reentrant=True))


def check_output(output: Path) -> None:
    """-o names a file, not a folder (a usage error, before any work)."""
    if output.is_dir():
        raise fail(f"-o {output} is a folder: name a file to write", EXIT_USAGE)


def check_format(value: str) -> str:
    """--format is one of the known input formats (else a usage error, exit code 2)."""
    from annoproj.data.io.auto import FORMATS

    if value not in FORMATS:
        raise typer.BadParameter(f"unknown format {value!r}: use {', '.join(FORMATS)}")
    return value


# -- option aliases: one definition of the options many commands take -------------------

#: -q/--quiet (default False).
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)]
#: --json, printing a summary (default False) ...
JsonSummary = Annotated[bool, typer.Option("--json", help="Print a JSON summary.")]
#: ... on stdout ...
JsonStdout = Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")]
#: ... or instead of a table.
JsonTable = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
#: --format of the input files (default "auto").
InputFormat = Annotated[str, typer.Option("--format", help=FORMAT_HELP, callback=check_format)]
#: --label-list: the names of integer tags (default None).
LabelList = Annotated[Optional[str], typer.Option("--label-list", help=LABEL_LIST_HELP)]
#: --scheme of the tags written or read (default "IOB2").
Scheme = Annotated[str, typer.Option("--scheme", help=SCHEME_HELP, callback=scheme_option)]
#: -q/--quiet of the benchmarks (default False).
QuietBench = Annotated[bool, typer.Option("--quiet", "-q", help=(
    "No progress display, notes or summary line on stderr."))]
#: -o/--output of the benchmarks' result file (default None).
ResultFile = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Write the rows as a JSON result file here.")]
