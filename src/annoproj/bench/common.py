"""Shared pieces of the benchmarks: where data lies, timing, result files."""

from __future__ import annotations

import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from annoproj._cache import folder_lock
from annoproj.data.io.files import atomic_write

PROJECT_ROOT = Path(__file__).resolve().parents[3]


def default_data_dir() -> Path:
    """`$ANNOPROJ_DATA`, else ../shared/data beside the project root."""
    env = os.environ.get("ANNOPROJ_DATA")
    return Path(env) if env else (PROJECT_ROOT.parent / "shared" / "data")


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """The data folder to read, checked to exist."""
    path = Path(data_dir) if data_dir else default_data_dir()
    if not path.is_dir():
        raise FileNotFoundError(
            f"data folder {path} not found: pass --data-dir or set ANNOPROJ_DATA"
        )
    return path


@contextmanager
def timer() -> Iterator[list[float]]:
    """Measures wall time of a block: `with timer() as t: ...; t[0]` in seconds."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def machine() -> str:
    """A one-line description of this machine for result files."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def write_results(path: str | Path, name: str, rows: list[dict], settings: dict) -> Path:
    """Save benchmark rows with the date, machine and settings as JSON."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "date": date.today().isoformat(),
        "machine": machine(),
        "settings": settings,
        "rows": rows,
    }
    with atomic_write(path) as f:
        f.write(json.dumps(payload, indent=2) + "\n")
    return path


def markdown_table(rows: list[dict], columns: list[tuple[str, str]]) -> str:
    """A Markdown table of `rows` with (key, header) `columns`; floats get 3 decimals."""

    def fmt(v: object) -> str:
        if isinstance(v, float):
            return f"{v:.3f}"
        return "" if v is None else str(v)

    head = "| " + " | ".join(h for _, h in columns) + " |"
    sep = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(fmt(r.get(k)) for k, _ in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def command_line() -> str:
    """The command that is running, as a user would type it."""
    prog = Path(sys.argv[0]).name
    head = ["annoproj"] if prog == "annoproj" else ["python", os.path.relpath(sys.argv[0])]
    return " ".join(head + [shlex.quote(a) for a in sys.argv[1:]])


def update_docs_section(doc: str | Path, key: str, content: str, *, stamp: bool = True) -> None:
    """Replace the text between `<!-- bench:KEY -->` and `<!-- /bench:KEY -->` in `doc`.

    The section is appended when the markers are absent. With `stamp`, the table is
    preceded by the date, the machine and the command that produced it.
    """
    doc = Path(doc)
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    if stamp:
        content = (f"_{time.strftime('%Y-%m-%d')} · {machine()} · `{command_line()}`_\n\n"
                   + content)
    block = f"{start}\n{content.rstrip()}\n{end}"
    doc.parent.mkdir(parents=True, exist_ok=True)
    # benchmarks running side by side update the same page: one at a time, each on the
    # text the last one wrote, so no section is lost
    with folder_lock(doc.parent):
        text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
        if start in text and end in text:
            before, rest = text.split(start, 1)
            _, after = rest.split(end, 1)
            text = before + block + after
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        with atomic_write(doc) as f:
            f.write(text)


def results_table_script(doc: str, *, bench: str, key: str, make_table: Callable[..., str],
                         metrics: Sequence[str] = ()) -> None:
    """Command-line entry of a script that tables several `annoproj bench BENCH --out` files:
    prints the table and, with --docs, writes it into that file's `<!-- bench:KEY -->`.
    With `metrics`, `--metric` picks one of them (the first by default), passed on to
    `make_table` as `metric`."""
    import argparse

    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("results", nargs="+", help=f"result JSON files of `annoproj bench {bench}`")
    ap.add_argument("--docs", help="Markdown file whose <!-- bench:KEY --> section gets the table")
    ap.add_argument("--key", default=key, help="docs section key")
    if metrics:
        ap.add_argument("--metric", choices=list(metrics), default=metrics[0],
                        help="the figure to table")
    args = ap.parse_args()
    table = (make_table(args.results, metric=args.metric) if metrics
             else make_table(args.results))
    print(table)
    if args.docs:
        update_docs_section(args.docs, args.key, table)


def bar_chart(groups: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              path: str | Path, *, ylabel: str = "F1", title: str = "",
              ylim: tuple[float, float] = (0.0, 1.0), values: bool = False,
              legend_below: bool = False) -> Path:
    """A grouped bar chart, one group per `groups` entry and one bar per series, as PNG.

    `series` is (label, one value per group); a missing value (None) draws no bar.
    `values` writes each bar's value above it (3 decimals); `legend_below` puts the
    legend under the axes, where long labels hide no bar.
    matplotlib is imported here, so that the rest of annoproj runs without it; when it
    is missing, MissingDependencyError says how to install it.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        from annoproj.train.base import MissingDependencyError

        raise MissingDependencyError(
            "plotting needs matplotlib, which is not installed: pip install 'annoproj[plot]'"
        ) from exc
    import numpy as np

    x = np.arange(len(groups))
    n = max(len(series), 1)
    width = 0.8 / n
    height = 4 + (0.25 * n if legend_below else 0)
    fig, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(groups) * n / 2), height))
    for k, (label, heights) in enumerate(series):
        pos = x + (k - (n - 1) / 2) * width
        keep = [(p, v) for p, v in zip(pos, heights) if v is not None]
        bars = ax.bar([p for p, _ in keep], [v for _, v in keep], width, label=label)
        if values:
            ax.bar_label(bars, fmt="%.3f", fontsize="x-small", padding=1)
    ax.set_xticks(x, list(groups))
    ax.set_ylabel(ylabel)
    ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if legend_below:
        ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.1),
                  ncol=1 if n > 2 else n, frameon=False)
    else:
        ax.legend(fontsize="small")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
