"""Helpers shared by the CLI commands: input detection, progress, exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

import typer
from typer.core import TyperGroup

from annoproj.data.io.auto import detect_format, read_sentences  # noqa: F401  (re-exported)

T = TypeVar("T")

# Exit codes (documented in docs/cli.md).
EXIT_OK = 0
EXIT_FAILURE = 1  # unexpected error
EXIT_USAGE = 2  # bad flags or arguments (typer/click's own code)
EXIT_INPUT = 3  # an input file is missing or malformed
EXIT_DEPENDENCY = 4  # an optional package or a model is missing
EXIT_TARGET = 5  # a benchmark ran but missed a --fail-under threshold


def crf_features(template: str, *, fold_affixes: bool = False) -> dict:
    """The CRF trainer's `features` option from the command line's flags ({} for the defaults)."""
    features: dict = {}
    if fold_affixes:
        features["fold_affixes"] = True
    if template != "rich":
        features["template"] = template
    return {"features": features} if features else {}


def fail(message: str, code: int) -> typer.Exit:
    """Print `message` to stderr and return the Exit to raise."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


_RESOURCES = None  # the running command's ExitStack (see `hold`)


def hold(manager):
    """Enter the context `manager` until the running command ends (e.g. an output lock);
    returns what it yields."""
    if _RESOURCES is None:  # called outside the command group: held until exit
        return manager.__enter__()
    return _RESOURCES.enter_context(manager)


class AnnoprojGroup(TyperGroup):
    """The command group: errors a user can act on end in one ``error:`` line and their
    exit code (annoproj.errors; a file that cannot be opened or read: 3), never in a
    traceback; SIGTERM unwinds like Ctrl-C, so children and temp folders go (annoproj._proc)."""

    def invoke(self, ctx):
        from contextlib import ExitStack

        from annoproj._proc import terminate_on_sigterm
        from annoproj.errors import AnnoprojError

        global _RESOURCES
        try:
            with terminate_on_sigterm(), ExitStack() as stack:
                _RESOURCES = stack
                try:
                    return super().invoke(ctx)
                finally:
                    _RESOURCES = None
        except AnnoprojError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except UnicodeDecodeError as exc:
            raise fail(f"not UTF-8: {exc}", EXIT_INPUT) from None
        except RecursionError:
            raise fail("an input is nested too deeply to read", EXIT_INPUT) from None
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise fail(f"{where}{exc.strerror or exc}", EXIT_INPUT) from None


def split_list(value: str | None) -> list[str]:
    """The comma-separated items of a flag's value, stripped (none for None or "")."""
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def read_links(path, sentences: int, corpus) -> list:
    """The Pharaoh links of `path`, one line for each of the `sentences` pairs of `corpus`
    (a path, for the message); exits 3 when the file is missing, malformed or of another
    length."""
    from annoproj.data.io import read_pharaoh

    try:
        links = read_pharaoh(path)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    if len(links) != sentences:
        raise fail(f"{path} has {len(links)} lines but {corpus} has {sentences} sentences",
                   EXIT_INPUT)
    return links


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
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                             transient=True)
        self._bar.__enter__()
        task = self._bar.add_task(self.label, total=self.total)
        return lambda n=1: self._bar.advance(task, n)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


LABEL_LIST_HELP = ("Names of integer tags (Hugging Face ner_tags), in id order: O,B-PER,I-PER,... "
                   "or a file of them (one a line, a JSON list, or a datasets "
                   "dataset_info.json); default: a labels.txt or dataset_info.json beside the "
                   "input, or the dataset's own features.")
SCHEME_HELP = "Tag scheme of the tags written: iob1, iob2, bioes or biluo."


def label_list(value: str | None) -> list[str] | None:
    """The label names of a --label-list value: a comma list, or a file (one name a line,
    a JSON list, or a datasets features/dataset_info JSON); exits 2 on a bad value."""
    if not value:
        return None
    from pathlib import Path

    path = Path(value)
    if "," not in value and path.is_file():
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".json":
            from annoproj.data.io.jsonl import names_from_features

            data = json.loads(text)
            names = data if isinstance(data, list) else names_from_features(
                data.get("features", data))
            if not names:
                raise fail(f"--label-list {value}: no label names found in it", EXIT_USAGE)
            return [str(x) for x in names]
        return [x.strip() for x in text.splitlines() if x.strip()]
    return split_list(value)


def scheme_option(value: str) -> str:
    """--scheme: a known tag scheme, canonical (a usage error, exit 2, otherwise)."""
    from annoproj.data.tags import check_scheme

    try:
        return check_scheme(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def deprecated(value, old_value, old: str, new: str):
    """`old_value` when the option was given under its old name `old` (a hidden alias kept for
    one release; a deprecation warning on stderr names `new`), else `value`."""
    if old_value is None or old_value is False:
        return value
    typer.secho(f"warning: {old} is deprecated and goes in the next release: use {new}",
                fg=typer.colors.YELLOW, err=True)
    return old_value


QUIET_HELP = "No progress display and no summary line on stderr (errors and warnings only)."


def summary_line(command: str, text: str, *, quiet: bool = False,
                 seconds: float | None = None) -> None:
    """The one line every command ends with, on stderr: what it read, wrote where, skipped,
    and its time (`seconds`); nothing when `quiet`."""
    if quiet:
        return
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    typer.echo(f"{command}: {text}{took}", err=True)


class spinner:  # noqa: N801 - used like a function
    """A spinner with the elapsed time on a terminal stderr while an opaque step runs (an
    eflomal process, a model loading or training); erased when it ends."""

    def __init__(self, label: str, *, show: bool = True) -> None:
        self.label = label
        self.show = show and sys.stderr.isatty()
        self._bar = None

    def __enter__(self) -> spinner:
        if self.show:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 TimeElapsedColumn(), transient=True)
            self._bar.__enter__()
            self._bar.add_task(self.label, total=None)
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


#: Help of the options that spread model-backed work over workers.
WORKERS_HELP = "Workers, each loading the model once (processes, or Ray actors with --pool ray)."
POOL_HELP = "Where workers run: process (this machine) or ray (Ray actors)."
RAY_ADDRESS_HELP = "Join this Ray cluster (default: start a local one)."
GPUS_HELP = "Ray: GPUs each actor reserves (e.g. 1, or 0.5 to share one); 0 for CPU actors."


def pool_options(workers: int, pool: str, ray_address: str | None,
                 gpus_per_worker: float = 0.0) -> dict:
    """`WorkerPool` options from the CLI flags (exits 2 on an unknown pool)."""
    if pool not in ("process", "ray"):
        raise fail(f"unknown --pool {pool!r}: use process or ray", 2)
    opts: dict = {"backend": pool, "workers": workers, "ray_address": ray_address}
    if pool == "ray":
        opts["ray_resources"] = {"num_cpus": 1, "num_gpus": gpus_per_worker}
    return opts


def scorer_options_of(models: str | None, options: str | None = None) -> dict:
    """{scorer: options} from `--models name=M,...` and `--scorer-options JSON` (ValueError
    for a malformed one)."""
    from annoproj.bench.ablation import parse_models, parse_options

    out = {name: dict(opts) for name, opts in parse_options(options).items()}
    for name, model in parse_models(models).items():
        out.setdefault(name, {})["model"] = model
    return out
