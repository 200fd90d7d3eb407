"""`annoproj align`: word links of parallel sentences, through the alignment stage."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from annoproj import defaults
from annoproj.cli.common import (
    EXIT_DEPENDENCY,
    EXIT_INPUT,
    EXIT_USAGE,
    GPUS_HELP,
    POOL_HELP,
    RAY_ADDRESS_HELP,
    WORKERS_HELP,
    deprecated,
    emit_json,
    fail,
    pool_options,
    progress_bar,
    read_links,
    spinner,
    summary_line,
)
from annoproj.cli.options import (
    InputFormat,
    JsonSummary,
    Quiet,
    check_symmetrize,
    load_input,
)

PIVOT_HELP = ("The same sentences in a third language, parallel to SRC and TGT (repeat for "
              "more languages): the links are refined through them (docs/refinement.md).")
BACK_HELP = ("TGT translated back into the language of SRC, line by line: the links are "
             "refined through it.")
BACK_LINKS_HELP = ("With --backtranslation: the translator's word links from each TGT word to "
                   "its back-translation's words (Pharaoh, one line a sentence; annoproj "
                   "translate --backend apertium --links writes them), used instead of "
                   "aligning that leg.")
NAME_KEYS_HELP = ("Align words without the prefixes some languages glue onto names "
                  "(Xhosa eLondon -> London); the tokens are unchanged.")


def extra_corpus(extra_src: Optional[Path], extra_tgt: Optional[Path]) -> tuple | None:
    """The sentences of --extra-src and --extra-tgt (None without them)."""
    if (extra_src is None) != (extra_tgt is None):
        raise fail("--extra-src and --extra-tgt go together", 2)
    if extra_src is None or extra_tgt is None:
        return None
    return ([s.tokens for s in load_input(extra_src, "text")],
            [s.tokens for s in load_input(extra_tgt, "text")])


def align(
    src: Path = typer.Argument(..., help="Source sentences (CoNLL, JSONL or tokenised text)."),
    tgt: Path = typer.Argument(..., help="Target sentences, parallel to SRC."),
    output: Path = typer.Option(..., "--output", "-o", help="Pharaoh file to write (i-j links)."),
    fmt: InputFormat = "auto",
    symmetrize: str = typer.Option(defaults.ALIGNER["symmetrize"], callback=check_symmetrize, help=(
        "auto (soft-union, scored: best for matching), forward, reverse, intersection, union, "
        "grow-diag, grow-diag-final, grow-diag-final-and, soft-union.")),
    seed: int = typer.Option(0, help="Seed of eflomal's sampler."),
    prefix_len: int = typer.Option(defaults.ALIGNER["prefix_len"], min=0,
                                   help="Cut words to this many characters (0: off)."),
    identical_words: bool = typer.Option(defaults.ALIGNER["identical_words"],
                                         help="Add shared words as one-word pairs."),
    name_keys: bool = typer.Option(False, "--name-keys", help=NAME_KEYS_HELP),
    extra_src: Optional[Path] = typer.Option(None, help="Unlabelled source text to add to the corpus."),
    extra_tgt: Optional[Path] = typer.Option(None, help="Its target side, line by line."),
    chunk_size: int = typer.Option(0, min=0, help=(
        "Align chunks of this many pairs, each with its own statistics, streaming the input "
        "(for corpora too large for memory; 0: the whole corpus at once).")),
    pivot: Optional[list[Path]] = typer.Option(None, "--pivot", metavar="FILE", help=PIVOT_HELP),
    backtranslation: Optional[Path] = typer.Option(None, "--backtranslation", metavar="FILE", help=BACK_HELP),
    backtranslation_links: Optional[Path] = typer.Option(
        None, "--backtranslation-links", metavar="FILE", help=BACK_LINKS_HELP),
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
    quiet: Quiet = False,
    json_out: JsonSummary = False,
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
        check_refinement(pivot, backtranslation, combine, chunk_size=chunk_size,
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

    extra = extra_corpus(extra_src, extra_tgt)
    config = stage_config(symmetrize=symmetrize, seed=seed, name_keys=name_keys,
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
    s, t = load_input(src, fmt), load_input(tgt, fmt)
    if len(s) != len(t):
        raise fail(f"{src} has {len(s)} sentences but {tgt} has {len(t)}", EXIT_INPUT)
    stats: dict = {}
    label = f"eflomal aligning {len(s)} sentence pairs" + (" and refining" if refine else "")
    with timer() as tm, spinner(label, show=not quiet):
        links = stage_links(s, t, src, config, fmt=fmt, pivot=pivot,
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


def stage_config(*, symmetrize: str, seed: int, name_keys: bool, pivot: list[Path] | None,
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


def stage_links(s: list, t: list, src: Path, config, *, fmt: str, pivot: list[Path] | None,
                 backtranslation: Path | None, back_links: Path | None, extra: tuple | None,
                 stats: dict) -> list:
    """The links of `annoproj align` and `annoproj project` by the alignment stage: the
    pivot or back-translation files read (parallel to the corpus), the --fuse-with
    encoder's links made first (a missing package or model: exit 4)."""
    from annoproj.align.stage import align_corpus, fuse_aligner_links

    def read(path: Path) -> list[list[str]]:
        sents = [x.tokens for x in load_input(path, fmt)]
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


def check_refinement(pivot: list[Path] | None, backtranslation: Path | None, combine: str, *,
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

    s, t = load_input(src, fmt), load_input(tgt, fmt)
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
