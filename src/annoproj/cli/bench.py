"""`annoproj bench ...`: the benchmarks behind docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli.common import EXIT_INPUT, EXIT_TARGET, emit_json, fail

bench_app = typer.Typer(help="Benchmarks on the shared evaluation data.", no_args_is_help=True)


@bench_app.command("europarl")
def europarl(
    src: str = typer.Option("en", help="Source language: en, de, es or it."),
    tgt: str = typer.Option("de,es,it", help="Target languages, comma separated."),
    method: str = typer.Option(defaults.METHOD, help="heuristic or match."),
    scorers: str = typer.Option(",".join(defaults.SCORERS), help="Matching scorers (method match)."),
    solver: str = typer.Option(defaults.SOLVER, help="Matching solver: exact or greedy."),
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], help="Symmetrisation of eflomal's links."),
    prefix_len: int = typer.Option(defaults.ALIGNER["prefix_len"], help="eflomal word prefix length (0: whole words)."),
    identical_words: bool = typer.Option(defaults.ALIGNER["identical_words"], help="Add shared words as one-word pairs."),
    seed: int = typer.Option(0, help="First seed of eflomal's sampler."),
    runs: int = typer.Option(1, min=1, help="Runs with seeds seed, seed+1, ...: rows give the mean, f1_std the spread."),
    data_dir: Optional[Path] = typer.Option(None, envvar="ANNOPROJ_DATA",
                                            help="Shared data folder [default: ../shared/data]."),
    out: Optional[Path] = typer.Option(None, help="Write the rows as a JSON result file here."),
    docs: Optional[Path] = typer.Option(None, help="Update the Europarl table of this Markdown file (docs/benchmarks.md)."),
    fail_under: float = typer.Option(0.0, help="Exit 5 if the average F1 (MISC ignored) is below this."),
    json_out: bool = typer.Option(False, "--json", help="One JSON object per language pair on stdout."),
) -> None:
    """Project gold Europarl entities from SRC onto each TGT and score them (F1 with and without MISC)."""
    from annoproj.bench.common import markdown_table, update_docs_section, write_results
    from annoproj.bench.europarl import EuroparlConfig, config_dict, run_europarl, summary_rows

    config = EuroparlConfig(
        src=src, tgts=[t.strip() for t in tgt.split(",") if t.strip()], method=method,
        scorers=[s.strip() for s in scorers.split(",") if s.strip()], solver=solver,
        aligner={"symmetrize": symmetrize, "prefix_len": prefix_len,
                 "identical_words": identical_words},
        seed=seed, runs=runs,
    )  # fmt: skip
    on_row = emit_json if json_out else None
    try:
        rows = run_europarl(config, data_dir=data_dir, on_row=on_row)
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    table = markdown_table(summary_rows(rows), COLUMNS)
    if not json_out:
        typer.echo(table)
    if out is not None:
        write_results(out, "europarl", rows, config_dict(config))
    if docs is not None:
        key = f"europarl-{config.src}-{config.method}"
        update_docs_section(docs, key, table)
    avg = sum(r["f1"] for r in rows) / len(rows)
    if avg < fail_under:
        raise fail(f"average F1 {avg:.4f} is below --fail-under {fail_under}", EXIT_TARGET)


COLUMNS = [
    ("src", "src"), ("tgt", "tgt"), ("method", "method"), ("scorers", "scorers"),
    ("solver", "solver"), ("symmetrize", "links"), ("precision", "P"), ("recall", "R"),
    ("f1", "F1 (no MISC)"), ("f1_std", "F1 sd"), ("f1_misc", "F1 (MISC)"),
    ("align_s", "align s"), ("project_s", "project s"),
]
