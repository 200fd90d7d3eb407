"""The `annoproj` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli.bench import bench_app
from annoproj.cli.common import (
    EXIT_INPUT,
    emit_json,
    fail,
    progress,
    read_sentences,
)

app = typer.Typer(
    name="annoproj",
    help="Named-entity annotation projection: align, project, evaluate, benchmark.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(bench_app, name="bench")


def _version(value: bool) -> None:
    if value:
        from annoproj import __version__

        typer.echo(f"annoproj {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """annoproj: carry NER annotations across languages."""


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()] if value else []


def _load(path: Path, fmt: str):
    try:
        return read_sentences(path, fmt)
    except (FileNotFoundError, ValueError, UnicodeDecodeError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc


def _aligner_options(symmetrize: str, seed: int, prefix_len: int, identical_words: bool,
                     extra_src: Optional[Path], extra_tgt: Optional[Path]) -> dict:
    opts = dict(symmetrize=symmetrize, seed=seed, prefix_len=prefix_len,
                identical_words=identical_words)
    if (extra_src is None) != (extra_tgt is None):
        raise fail("--extra-src and --extra-tgt go together", 2)
    if extra_src is not None and extra_tgt is not None:
        opts["extra_src"] = [s.tokens for s in _load(extra_src, "text")]
        opts["extra_tgt"] = [s.tokens for s in _load(extra_tgt, "text")]
    return opts


_FORMAT_HELP = "Input format: auto, conll, jsonl or text (one pre-tokenised sentence a line)."


@app.command()
def align(
    src: Path = typer.Argument(..., help="Source sentences (CoNLL, JSONL or tokenised text)."),
    tgt: Path = typer.Argument(..., help="Target sentences, parallel to SRC."),
    output: Path = typer.Option(..., "--output", "-o", help="Pharaoh file to write (i-j links)."),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP),
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], help=(
        "forward, reverse, intersection, union, grow-diag, grow-diag-final, "
        "grow-diag-final-and.")),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler."),
    prefix_len: int = typer.Option(defaults.ALIGNER["prefix_len"],
                                   help="Cut words to this many characters (0: off)."),
    identical_words: bool = typer.Option(defaults.ALIGNER["identical_words"],
                                         help="Add shared words as one-word pairs."),
    extra_src: Optional[Path] = typer.Option(None, help="Unlabelled source text to add to the corpus."),
    extra_tgt: Optional[Path] = typer.Option(None, help="Its target side, line by line."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Word-align parallel sentences with eflomal and write Pharaoh links."""
    from annoproj.align.eflomal import EflomalAligner
    from annoproj.bench.common import timer
    from annoproj.data.io import write_pharaoh

    s, t = _load(src, fmt), _load(tgt, fmt)
    if len(s) != len(t):
        raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
    aligner = EflomalAligner(**_aligner_options(symmetrize, seed, prefix_len, identical_words,
                                                extra_src, extra_tgt))
    with timer() as tm:
        links = aligner.align([x.tokens for x in s], [x.tokens for x in t])
    write_pharaoh(output, links)
    if json_out:
        emit_json({"sentences": len(links), "links": sum(len(a) for a in links),
                   "seconds": round(tm[0], 3), "output": str(output)})


@app.command()
def project(
    src: Path = typer.Argument(..., help="Source sentences with entities (CoNLL or JSONL)."),
    tgt: Path = typer.Argument(..., help="Target sentences, parallel to SRC (tags, if any, are ignored)."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="Where to write: .conll (tags) or .jsonl (spans with scores)."),
    alignments: Optional[Path] = typer.Option(None, "--alignments", "-a",
                                              help="Pharaoh links from any aligner; default: run eflomal."),
    method: str = typer.Option(defaults.METHOD, help="heuristic or match."),
    scorers: str = typer.Option(",".join(defaults.SCORERS),
                                help="Matching scorers, comma separated (method match)."),
    solver: str = typer.Option(defaults.SOLVER, help="Matching solver: exact or greedy."),
    labels: Optional[str] = typer.Option(None, help="Label map applied to source spans, e.g. 'MISC=O,DATE=O'."),
    min_confidence: float = typer.Option(0.0, help=(
        "Drop target sentences whose least confident span scores below this, or that lost an entity.")),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP),
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], help="Symmetrisation when aligning."),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Project the source entities onto the target sentences."""
    from annoproj.pipeline.projection import ProjectionJob, run_projection

    s, t = _load(src, fmt), _load(tgt, fmt)
    if len(s) != len(t):
        raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
    links = None
    if alignments is not None:
        from annoproj.data.io import read_pharaoh

        try:
            links = read_pharaoh(alignments)
        except (FileNotFoundError, ValueError) as exc:
            raise fail(str(exc), EXIT_INPUT) from exc
        if len(links) != len(s):
            raise fail(f"{alignments} has {len(links)} lines but {src} has {len(s)} sentences",
                       EXIT_INPUT)
    job = ProjectionJob(method=method, scorers=_split(scorers), solver=solver,
                        label_map=labels, min_confidence=min_confidence,
                        aligner=dict(defaults.ALIGNER, symmetrize=symmetrize, seed=seed))
    try:
        summary = run_projection(job, s, t, output, alignments=links,
                                 progress=lambda it, **kw: progress(it, show=not quiet, **kw))
    except ValueError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    if summary["skipped"]:
        typer.secho(f"{summary['skipped']} sentence pairs could not be projected; reasons in "
                    f"{summary['skipped_log']}", fg=typer.colors.YELLOW, err=True)
    if json_out:
        emit_json(summary)


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="Gold CoNLL or JSONL."),
    pred: Path = typer.Argument(..., help="Predicted CoNLL or JSONL, same sentences."),
    ignore: str = typer.Option("", help="Labels to ignore on both sides, e.g. MISC."),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Entity-level precision, recall and F1 (micro and per type), as seqeval computes them."""
    from annoproj.evaluate import evaluate_spans

    g, p = _load(gold, fmt), _load(pred, fmt)
    if len(g) != len(p):
        raise fail(f"{gold} has {len(g)} sentences but {pred} has {len(p)}", EXIT_INPUT)
    report = evaluate_spans([x.spans for x in g], [x.spans for x in p], ignore=set(_split(ignore)))
    if json_out:
        emit_json(report.to_dict())
        return
    typer.echo(f"{'type':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for name, r in sorted(report.per_type.items()):
        typer.echo(f"{name:<10}{r.precision:>10.4f}{r.recall:>10.4f}{r.f1:>10.4f}{r.support:>10}")
    m = report.micro
    typer.echo(f"{'micro':<10}{m.precision:>10.4f}{m.recall:>10.4f}{m.f1:>10.4f}{m.support:>10}")


if __name__ == "__main__":  # pragma: no cover
    app()
